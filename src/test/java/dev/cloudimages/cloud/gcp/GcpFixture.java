package dev.cloudimages.cloud.gcp;

import dev.cloudimages.cloud.CloudContext;
import dev.cloudimages.cloud.CloudSettings;
import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.cloud.ImportJob;
import dev.cloudimages.cloud.PublishJob;
import dev.cloudimages.cloud.RemoteImage;
import dev.cloudimages.support.BuildClock;
import dev.cloudimages.support.Log;
import dev.cloudimages.testing.gcp.FakeGcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The GCP adapter against the fake GCP on 127.0.0.1: the environment that points the real Google
 * clients at it (and away from any metadata server), a 1 GiB sparse disk in a gzip'd oldgnu tar as
 * the local step writes it, and jobs as the cloud step makes them.
 */
final class GcpFixture implements AutoCloseable {

    static final String KEY = "3.24-x86_64-uefi-gcp";
    static final String BUILD = "test-3.24.1-x86_64-uefi";
    static final String IMAGE = "test-3-24-1-x86-64-uefi-r0";
    static final Instant NOW = Instant.parse("2026-11-18T00:00:00Z");

    final FakeGcp gcp = FakeGcp.start();
    final Path dir;
    final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(logged, true, StandardCharsets.UTF_8), false, false);
    final Map<String, String> env = new HashMap<>();

    GcpFixture(Path dir) {
        this.dir = dir;
        env.putAll(gcp.env());
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", dir.toString());
    }

    GcpAdapter adapter() {
        return GcpAdapter.connect(env);
    }

    String log() {
        return logged.toString(StandardCharsets.UTF_8);
    }

    CloudContext context() {
        return new CloudContext(log, new BuildClock(NOW, true), Duration.ofMillis(20));
    }

    static ImageIdentity identity(int revision, String firmware, String arch) {
        String build = "test-3.24.1-" + arch + "-" + firmware;
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("arch", arch);
        tags.put("bootstrap", "tiny");
        tags.put("build_name", build);
        tags.put("build_revision", Integer.toString(revision));
        tags.put("cloud", "gcp");
        tags.put("description", "Test image 3.24.1");
        tags.put("end_of_life", "2028-05-01");
        tags.put("firmware", firmware);
        tags.put("name", build + "-r" + revision);
        tags.put("project", "cloudimages-test");
        tags.put("release", "3.24.1");
        tags.put("version", "3.24");
        return new ImageIdentity("3.24-" + arch + "-" + firmware + "-gcp", "cloudimages-test", build, revision,
                build + "-r" + revision, "Test image 3.24.1", "2028-05-01", arch, firmware, tags);
    }

    /** Settings as a variant's config holds them: gcp.conf's, then {@code overrides} (dotted keys). */
    static CloudSettings settings(Map<String, Object> overrides) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("import", new LinkedHashMap<>(Map.of("bucket", FakeGcp.BUCKET, "family", "test-{version}-{arch}",
                "guest_os_features", Map.of("GVNIC", true, "VIRTIO_SCSI_MULTIQUEUE", true))));
        config.put("access", new LinkedHashMap<>(Map.of("PUBLIC", true)));
        for (Map.Entry<String, Object> entry : overrides.entrySet()) {
            String[] path = entry.getKey().split("\\.", 2);
            if (path.length == 1) {
                config.put(path[0], entry.getValue());
            } else {
                @SuppressWarnings("unchecked")
                Map<String, Object> block = (Map<String, Object>) config.computeIfAbsent(path[0],
                        k -> new LinkedHashMap<>());
                block.put(path[1], entry.getValue());
            }
        }
        return new CloudSettings(KEY, "gcp", config);
    }

    ImportJob job(ImageIdentity identity, CloudSettings settings) throws IOException, InterruptedException {
        return job(identity, settings, 1);
    }

    /** A job whose disk holds {@code dataMiB} MiB of random (incompressible) data. */
    ImportJob job(ImageIdentity identity, CloudSettings settings, int dataMiB) throws IOException, InterruptedException {
        Path image = disk(dataMiB);
        return new ImportJob(identity, image, "tar.gz", Files.size(image), "", settings, dir.resolve("scratch"));
    }

    static PublishJob publishJob(RemoteImage source, CloudSettings settings) {
        return new PublishJob(identity(source.revision(), "uefi", "x86_64"), source, settings);
    }

    /** A 1 GiB sparse disk.raw with some data, in a gzip'd oldgnu sparse tar as the local step makes it. */
    Path disk(int dataMiB) throws IOException, InterruptedException {
        Path tarball = dir.resolve("image.tar.gz");
        if (Files.exists(tarball)) {
            return tarball;
        }
        Path work = Files.createDirectories(dir.resolve("disk"));
        try (RandomAccessFile file = new RandomAccessFile(work.resolve("disk.raw").toFile(), "rw")) {
            file.setLength(1L << 30);
            byte[] data = new byte[1 << 20];
            java.util.Random random = new java.util.Random(7);
            for (int i = 0; i < dataMiB; i++) {
                random.nextBytes(data);
                file.write(data);
            }
            file.seek(512L << 20);
            file.write(data);
        }
        Process tar = new ProcessBuilder("tar", "--format=oldgnu", "--sparse", "-czf", tarball.toString(),
                "-C", work.toString(), "disk.raw").inheritIO().start();
        if (!tar.waitFor(120, TimeUnit.SECONDS) || tar.exitValue() != 0) {
            throw new AssertionError("tar failed");
        }
        return tarball;
    }

    @Override
    public void close() {
        gcp.close();
    }
}
