package dev.cloudimages.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.plan.LocalImages;
import dev.cloudimages.testing.FixtureServer;
import dev.cloudimages.testing.Fixtures;
import dev.cloudimages.testing.ProjectCopy;
import dev.cloudimages.testing.Tools;
import dev.cloudimages.testing.aws.FakeAws;
import dev.cloudimages.testing.aws.Image;
import dev.cloudimages.testing.aws.ImportTask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged CLI killed outright (kill -9: no shutdown hook, no rollback) in the middle of an import to the
 * fake AWS, then run again: the rerun removes what the journal under work/pending/ lists, cancels the import task
 * that kept running, and imports once. The local image is made by hand (no QEMU build): the plan's input hash is
 * read from {@code state}'s actions.yaml and recorded in image.yaml, as the local step would.
 */
class AwsKillIT {

    private static final String REGION = "us-east-1";
    private static final String BUILD = "test-3.24.1-x86_64-bios";
    private static FixtureServer server;

    @TempDir
    Path project;

    @BeforeAll
    static void startServer() throws Exception {
        Tools.require("qemu-img");
        server = new FixtureServer().serve("/releases.json", Fixtures.releasesJson());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void killedDuringTheS3ImportWaitTheRerunRemovesBucketObjectAndTaskAndImportsOnce() throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            prepare(aws, "import { method = s3, bucket = \"cloudimages-test-import-*\" }");
            aws.holdImportTasks(true);
            Process killed = start("import", aws, "first");
            await(() -> aws.importTasks().stream().anyMatch(t -> t.status().equals("active")) || !killed.isAlive());
            assertTrue(killed.isAlive(), "still waiting for the import task: " + output("first"));
            killed.destroyForcibly(); // kill -9
            assertTrue(killed.waitFor(30, TimeUnit.SECONDS));
            String bucket = aws.buckets().iterator().next();
            assertEquals(1, aws.objects(bucket).size(), "the kill left the bucket and its object");
            assertTrue(Files.exists(project.resolve("work/pending/aws/" + BUILD + ".yaml")), "and a journal");

            aws.holdImportTasks(false);
            Process rerun = start("import", aws, "rerun");
            assertTrue(rerun.waitFor(3, TimeUnit.MINUTES), "the rerun finished");
            String log = output("rerun");
            assertEquals(0, rerun.exitValue(), log);
            assertTrue(log.contains("removing bucket " + bucket + " left in " + REGION), log);
            assertTrue(log.contains("(still running: cancelling it)"), log);
            assertEquals(Set.of(), aws.buckets(), "no bucket, no object: " + log);
            List<ImportTask> tasks = aws.importTasks();
            assertEquals(2, tasks.size(), tasks.toString());
            assertTrue(tasks.stream().noneMatch(t -> t.status().equals("active")), tasks.toString());
            assertOneAmiAndNoOrphanSnapshot(aws);
        }
    }

    @Test
    void killedDuringTheEbsDirectUploadTheRerunRemovesTheHalfSnapshot() throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            prepare(aws, "import { upload_concurrency = 1 }");
            aws.delayBlocks(Duration.ofMillis(300));
            Process killed = start("import", aws, "first");
            await(() -> aws.blocksReceived() >= 3 || !killed.isAlive());
            assertTrue(killed.isAlive(), "still uploading: " + output("first"));
            killed.destroyForcibly(); // kill -9
            assertTrue(killed.waitFor(30, TimeUnit.SECONDS));
            String half = aws.snapshots(REGION).get(0).id();

            aws.delayBlocks(Duration.ZERO);
            Process rerun = start("import", aws, "rerun");
            assertTrue(rerun.waitFor(3, TimeUnit.MINUTES), "the rerun finished");
            String log = output("rerun");
            assertEquals(0, rerun.exitValue(), log);
            assertTrue(log.contains("removing snapshot " + half + " left in " + REGION), log);
            assertTrue(aws.snapshots(REGION).stream().noneMatch(s -> s.id().equals(half)), "the half snapshot is gone");
            assertOneAmiAndNoOrphanSnapshot(aws);
        }
    }

    private void assertOneAmiAndNoOrphanSnapshot(FakeAws aws) throws IOException {
        List<Image> images = aws.images(REGION);
        assertEquals(1, images.size(), images.toString());
        assertEquals(List.of(images.get(0).blockDevices().get(0).snapshotId()),
                aws.snapshots(REGION).stream().map(dev.cloudimages.testing.aws.Snapshot::id).toList());
        assertFalse(Files.exists(project.resolve("work/pending/aws/" + BUILD + ".yaml")), "the journal is empty");
    }

    /** The test overlay (without QEMU's install.d), the plan's input hash, and a local image made by hand. */
    private void prepare(FakeAws aws, String importConfig) throws Exception {
        ProjectCopy.into(project);
        Path overlay = project.resolve("overlay");
        copyTree(Fixtures.projectRoot().resolve("src/test/builder/overlay"), overlay);
        Files.createDirectories(overlay.resolve("scripts/install.d"));
        Files.writeString(overlay.resolve("scripts/install.d/README"), "no QEMU build in this test\n");
        Files.writeString(overlay.resolve("configs/test.conf"), "\nDefault { poll_interval = 50ms, import {"
                + " consistency_timeout = 10s } }\nDefault { " + importConfig + " }\n",
                java.nio.file.StandardOpenOption.APPEND);
        Process state = start("state", aws, "state");
        assertTrue(state.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, state.exitValue(), output("state"));
        Map.Entry<String, JsonNode> planned = ConfigsYaml.mapper().readTree(project.resolve("work/actions.yaml")
                .toFile()).fields().next();
        JsonNode plan = planned.getValue();
        Path dir = project.resolve("work/images/aws/" + BUILD);
        Files.createDirectories(dir);
        Path disk = disk(dir);
        LocalImages.write(dir, new LocalImages.Record(planned.getKey(), BUILD,
                plan.path("image_name").asText(), plan.path("revision").asInt(), "qcow2", disk.getFileName().toString(),
                Files.size(disk), dev.cloudimages.support.Digests.sha256(disk), plan.path("input_hash").asText(), "2026-11-18T00:00:00Z"));
    }

    /** 32 MiB with data in its first 4 MiB (8 blocks), as qcow2. */
    private static Path disk(Path dir) throws Exception {
        Path raw = dir.resolve("disk.raw");
        try (RandomAccessFile file = new RandomAccessFile(raw.toFile(), "rw")) {
            file.setLength(32L << 20);
            byte[] data = new byte[4 << 20];
            new Random(7).nextBytes(data);
            file.write(data);
        }
        Path qcow2 = dir.resolve(BUILD + "-r0.qcow2");
        Process convert = new ProcessBuilder("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(),
                qcow2.toString()).inheritIO().start();
        assertTrue(convert.waitFor(60, TimeUnit.SECONDS) && convert.exitValue() == 0, "qemu-img convert");
        Files.delete(raw);
        return qcow2;
    }

    private Process start(String step, FakeAws aws, String logName) throws IOException {
        List<String> command = new ArrayList<>(ConfigsIT.launcher());
        command.addAll(List.of(step, "--custom", "overlay", "--only", "x86_64", "bios", "aws"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile())
                .redirectErrorStream(true).redirectOutput(project.resolve(logName + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.putAll(aws.env());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_CONFIG_FILE", project.resolve("no-aws-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", project.resolve("no-aws-credentials").toString());
        env.put("ALPINE_RELEASES_URL", server.url("/releases.json"));
        env.put("SOURCE_DATE_EPOCH", "1795000000");
        return builder.start();
    }

    private String output(String logName) throws IOException {
        return Files.readString(project.resolve(logName + ".log"), StandardCharsets.UTF_8);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.sorted().toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isSymbolicLink(path)) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(path));
                } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
