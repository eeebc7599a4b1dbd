package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.CloudContext;
import dev.cloudimages.cloud.CloudSettings;
import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.cloud.ImportJob;
import dev.cloudimages.cloud.PublishJob;
import dev.cloudimages.cloud.RemoteImage;
import dev.cloudimages.support.BuildClock;
import dev.cloudimages.support.Log;
import dev.cloudimages.testing.aws.FakeAws;
import dev.cloudimages.testing.aws.FakeAwsSettings;

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
 * The AWS adapter against the fake AWS on 127.0.0.1: the environment that points the real SDK
 * clients at it, test disks made with qemu-img, and jobs as the cloud step makes them.
 */
final class AwsFixture implements AutoCloseable {

    static final String KEY = "3.24-x86_64-uefi-aws";
    static final String BUILD = "test-3.24.1-x86_64-uefi";
    static final Instant NOW = Instant.parse("2026-11-18T00:00:00Z");

    final FakeAws aws;
    final Path dir;
    final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(logged, true, StandardCharsets.UTF_8), false, false);
    final Map<String, String> env = new HashMap<>();

    AwsFixture(Path dir) {
        this(dir, FakeAwsSettings.defaults());
    }

    AwsFixture(Path dir, FakeAwsSettings settings) {
        this.aws = FakeAws.start(settings);
        this.dir = dir;
        env.putAll(aws.env());
        env.put("PATH", System.getenv("PATH"));
        env.put("AWS_CONFIG_FILE", dir.resolve("no-aws-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-aws-credentials").toString());
    }

    AwsAdapter adapter() {
        return AwsAdapter.connect(env);
    }

    String log() {
        return logged.toString(StandardCharsets.UTF_8);
    }

    CloudContext context() {
        return new CloudContext(log, new BuildClock(NOW, true), Duration.ofMillis(20));
    }

    static ImageIdentity identity(int revision, String firmware, String arch) {
        return identity(revision, firmware, arch, "2028-05-01");
    }

    static ImageIdentity identity(int revision, String firmware, String arch, String endOfLife) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("arch", arch);
        tags.put("bootstrap", "tiny");
        tags.put("build_name", BUILD);
        tags.put("build_revision", Integer.toString(revision));
        tags.put("cloud", "aws");
        tags.put("description", "Test image 3.24.1");
        tags.put("end_of_life", endOfLife);
        tags.put("firmware", firmware);
        tags.put("name", BUILD + "-r" + revision);
        tags.put("project", "cloudimages-test");
        tags.put("release", "3.24.1");
        tags.put("version", "3.24");
        return new ImageIdentity(KEY, "cloudimages-test", BUILD, revision, BUILD + "-r" + revision,
                "Test image 3.24.1", endOfLife, arch, firmware, tags);
    }

    /** Settings as a variant's config holds them: the shipped defaults, then {@code overrides} (dotted keys). */
    static CloudSettings settings(Map<String, Object> overrides) {
        Map<String, Object> config = new LinkedHashMap<>();
        // AWS's lag (the fake's default: a few hundred ms) is waited for 5 s at most, not 2 min
        config.put("import", new LinkedHashMap<>(Map.of("method", "ebs-direct", "upload_concurrency", "4",
                "consistency_timeout", "5s")));
        config.put("publish", new LinkedHashMap<>(Map.of("copy_concurrency", "2", "consistency_timeout", "5s")));
        config.put("regions", new LinkedHashMap<>(Map.of("ALL", true)));
        config.put("access", new LinkedHashMap<>(Map.of("PUBLIC", true)));
        config.put("encrypted", false);
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
        return new CloudSettings(KEY, "aws", config);
    }

    ImportJob job(Path image, String format, CloudSettings settings) throws IOException {
        return job(image, format, settings, dev.cloudimages.cloud.ImportJournal.inMemory());
    }

    ImportJob job(Path image, String format, CloudSettings settings, dev.cloudimages.cloud.ImportJournal journal)
            throws IOException {
        return new ImportJob(identity(0, "uefi", "x86_64"), image, format, Files.size(image), "", settings,
                dir.resolve("scratch"), journal);
    }

    static PublishJob publishJob(RemoteImage source, int revision, CloudSettings settings) {
        return new PublishJob(identity(revision, "uefi", "x86_64"), source, settings);
    }

    /**
     * A 64 MiB raw disk with data in a few places (about 5 MiB) and zeros elsewhere, and the same
     * disk converted to {@code format} with qemu-img.
     */
    Path disk(String format) throws IOException, InterruptedException {
        Path raw = dir.resolve("disk.raw");
        try (RandomAccessFile file = new RandomAccessFile(raw.toFile(), "rw")) {
            file.setLength(64L << 20);
            Random random = new Random(42);
            for (long offset : List.of(0L, 10L << 20, (40L << 20) + 4096, (64L << 20) - 1000)) {
                byte[] data = new byte[offset == 0 ? 3 << 20 : offset > 60L << 20 ? 1000 : 1 << 20];
                random.nextBytes(data);
                file.seek(offset);
                file.write(data);
            }
        }
        if (format.equals("raw")) {
            return raw;
        }
        Path image = dir.resolve("image." + format);
        String qemuFormat = format.equals("vhd") ? "vpc" : format;
        Process process = new ProcessBuilder("qemu-img", "convert", "-f", "raw", "-O", qemuFormat, raw.toString(),
                image.toString()).inheritIO().start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError("qemu-img convert failed");
        }
        return image;
    }

    byte[] rawContent() throws IOException {
        return Files.readAllBytes(dir.resolve("disk.raw"));
    }

    @Override
    public void close() {
        aws.close();
    }
}
