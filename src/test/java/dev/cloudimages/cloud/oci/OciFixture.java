package dev.cloudimages.cloud.oci;

import dev.cloudimages.cloud.CloudContext;
import dev.cloudimages.cloud.CloudSettings;
import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.cloud.ImportJob;
import dev.cloudimages.cloud.PublishJob;
import dev.cloudimages.cloud.RemoteImage;
import dev.cloudimages.support.BuildClock;
import dev.cloudimages.support.Log;
import dev.cloudimages.testing.oci.FakeOci;

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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The OCI adapter against the fake OCI on 127.0.0.1: an ~/.oci/config-style file with a throwaway
 * key, the endpoints pointing the real SDK clients at the fake, a qcow2 test disk, and jobs as the
 * cloud step makes them.
 */
final class OciFixture implements AutoCloseable {

    static final String KEY = "3.24-x86_64-uefi-oci";
    static final String BUILD = "test-3.24.1-x86_64-uefi";
    static final String HOME = "eu-frankfurt-1";
    static final Instant NOW = Instant.parse("2026-11-18T00:00:00Z");

    final FakeOci oci = FakeOci.start();
    final Path dir;
    final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(logged, true, StandardCharsets.UTF_8), false, false);
    final Map<String, String> env = new HashMap<>();

    OciFixture(Path dir) {
        this.dir = dir;
        env.putAll(oci.env(dir, HOME));
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", dir.toString());
    }

    OciAdapter adapter() {
        return OciAdapter.connect(env);
    }

    String log() {
        return logged.toString(StandardCharsets.UTF_8);
    }

    CloudContext context() {
        return new CloudContext(log, new BuildClock(NOW, true), Duration.ofMillis(20));
    }

    static ImageIdentity identity(int revision, String firmware) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("arch", "x86_64");
        tags.put("build_name", BUILD);
        tags.put("build_revision", Integer.toString(revision));
        tags.put("cloud", "oci");
        tags.put("end_of_life", "2028-05-01");
        tags.put("firmware", firmware);
        tags.put("name", BUILD + "-r" + revision);
        tags.put("project", "cloudimages-test");
        tags.put("release", "3.24.1");
        return new ImageIdentity(KEY, "cloudimages-test", BUILD, revision, BUILD + "-r" + revision,
                "Test image 3.24.1", "2028-05-01", "x86_64", firmware, tags);
    }

    /** Settings as a variant's config holds them: compartment, bucket, two regions, then {@code overrides}. */
    static CloudSettings settings(Map<String, Object> overrides) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("import", new LinkedHashMap<>(Map.of("compartment", FakeOci.COMPARTMENT, "bucket", FakeOci.BUCKET,
                "part_size_mib", "1", "shapes", Map.of("VM.Standard.E6.Flex", true, "VM.Standard.E2.1.Micro", true))));
        config.put("regions", new LinkedHashMap<>(Map.of("uk-london-1", true, "us-ashburn-1", true)));
        config.put("access", new LinkedHashMap<>(Map.of("PUBLIC", true)));
        for (Map.Entry<String, Object> entry : overrides.entrySet()) {
            String[] path = entry.getKey().split("\\.", 2);
            @SuppressWarnings("unchecked")
            Map<String, Object> block = (Map<String, Object>) config.computeIfAbsent(path[0], k -> new LinkedHashMap<>());
            block.put(path[1], entry.getValue());
        }
        return new CloudSettings(KEY, "oci", config);
    }

    ImportJob job(Path image, int revision, String firmware, CloudSettings settings) throws IOException {
        return new ImportJob(identity(revision, firmware), image, "qcow2", Files.size(image), "", settings,
                dir.resolve("scratch"));
    }

    /** The settings with {@code regions} as the whole regions block (ALL = true, say). */
    static CloudSettings withRegions(CloudSettings settings, Map<String, Object> regions) {
        Map<String, Object> config = new LinkedHashMap<>(settings.config());
        config.put("regions", new LinkedHashMap<>(regions));
        return new CloudSettings(settings.variantKey(), settings.cloud(), config);
    }

    /** An aarch64 identity of the same build. */
    static ImageIdentity arm(int revision) {
        ImageIdentity x86 = identity(revision, "uefi");
        Map<String, String> tags = new LinkedHashMap<>(x86.tags());
        tags.put("arch", "aarch64");
        return new ImageIdentity(x86.variantKey(), x86.project(), x86.buildName(), revision, x86.imageName(),
                x86.description(), x86.endOfLife(), "aarch64", "uefi", tags);
    }

    static PublishJob publishJob(RemoteImage source, int revision, CloudSettings settings) {
        return new PublishJob(identity(revision, "uefi"), source, settings);
    }

    /** A 16 MiB disk with some random data, as qcow2 (a few MiB: several 1 MiB parts). */
    Path disk() throws IOException, InterruptedException {
        Path raw = dir.resolve("disk.raw");
        try (RandomAccessFile file = new RandomAccessFile(raw.toFile(), "rw")) {
            file.setLength(16L << 20);
            Random random = new Random(42);
            for (long offset : List.of(0L, 5L << 20, 12L << 20)) {
                byte[] data = new byte[1 << 20];
                random.nextBytes(data);
                file.seek(offset);
                file.write(data);
            }
        }
        Path image = dir.resolve("image.qcow2");
        Process process = new ProcessBuilder("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(),
                image.toString()).inheritIO().start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError("qemu-img convert failed");
        }
        return image;
    }

    @Override
    public void close() {
        oci.close();
    }
}
