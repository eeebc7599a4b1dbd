package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.CloudContext;
import dev.cloudimages.cloud.CloudSettings;
import dev.cloudimages.cloud.ImportJob;
import dev.cloudimages.support.BuildClock;
import dev.cloudimages.support.Log;
import dev.cloudimages.testing.aws.FakeAws;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Imports a 1 GiB disk holding about 200 MiB of data into the fake AWS by EBS direct (at several
 * concurrencies) and by S3 + ImportSnapshot, from the VHD the local step writes for AWS (and, for
 * S3, from raw too), printing wall time and bytes sent for each. Everything runs on 127.0.0.1.
 * Run: mvn -q test-compile exec:java -Dbench.main=dev.cloudimages.cloud.aws.AwsImportBenchmark
 */
public final class AwsImportBenchmark {

    private static final long GIB = 1L << 30;

    private AwsImportBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("aws-import-bench");
        try {
            Path raw = dir.resolve("disk.raw");
            long data = writeDisk(raw);
            Path vhd = dir.resolve("image.vhd");
            run("qemu-img", "convert", "-f", "raw", "-O", "vpc", "-o", "subformat=dynamic,force_size=on",
                    raw.toString(), vhd.toString());
            System.out.printf(Locale.ROOT, "disk: 1 GiB raw, %d MiB of data; VHD %d MiB%n", data >> 20,
                    Files.size(vhd) >> 20);
            measure(dir, vhd, "vhd", "ebs-direct", 1);
            for (int concurrency : new int[]{4, 8, 16}) {
                measure(dir, vhd, "vhd", "ebs-direct", concurrency);
            }
            measure(dir, vhd, "vhd", "s3", 0);
            measure(dir, raw, "raw", "s3", 0);
        } finally {
            dev.cloudimages.support.FileTrees.deleteRecursively(dir);
        }
    }

    private static void measure(Path dir, Path image, String format, String method, int concurrency)
            throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            Map<String, String> env = new java.util.HashMap<>(aws.env());
            env.put("PATH", System.getenv("PATH"));
            env.put("AWS_CONFIG_FILE", dir.resolve("none").toString());
            env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("none").toString());
            Map<String, Object> imports = new java.util.LinkedHashMap<>();
            imports.put("method", method);
            if (method.equals("s3")) {
                imports.put("bucket", "cloudimages-test-import-*"); // a prefix the fake's vmimport role may read
            }
            if (concurrency > 0) {
                imports.put("upload_concurrency", Integer.toString(concurrency));
            }
            CloudSettings settings = new CloudSettings("bench", "aws", Map.of("import", imports));
            Log quiet = new Log(new PrintStream(OutputStream.nullOutputStream()), false, false);
            CloudContext context = new CloudContext(quiet, new BuildClock(Instant.EPOCH, true), Duration.ofMillis(20));
            ImportJob job = new ImportJob(AwsFixture.identity(0, "bios", "x86_64"), image, format, Files.size(image),
                    "", settings, dir.resolve("scratch"));
            long started = System.nanoTime();
            AwsAdapter.connect(env).importImage(job, context);
            double seconds = (System.nanoTime() - started) / 1e9;
            long sent = aws.bytesReceived(method.equals("s3") ? "s3" : "ebs");
            System.out.printf(Locale.ROOT, "%-10s from %-3s%s: %6.2f s wall, %6d MiB sent%n", method, format,
                    concurrency > 0 ? String.format(Locale.ROOT, " (%2d at a time)", concurrency) : "               ",
                    seconds, sent >> 20);
        }
    }

    /** 1 GiB, sparse, with 1 MiB of random data at the start of every 5 MiB: 205 MiB of data. */
    private static long writeDisk(Path raw) throws Exception {
        Random random = new Random(7);
        byte[] chunk = new byte[1 << 20];
        long data = 0;
        try (RandomAccessFile file = new RandomAccessFile(raw.toFile(), "rw")) {
            file.setLength(GIB);
            for (long offset = 0; offset < GIB; offset += 5L << 20) {
                random.nextBytes(chunk);
                file.seek(offset);
                file.write(chunk);
                data += chunk.length;
            }
        }
        return data;
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }
}
