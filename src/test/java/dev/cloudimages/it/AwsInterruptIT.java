package dev.cloudimages.it;

import dev.cloudimages.testing.BuilderVms;
import dev.cloudimages.testing.FixtureServer;
import dev.cloudimages.testing.Fixtures;
import dev.cloudimages.testing.ProjectCopy;
import dev.cloudimages.testing.TestBuilder;
import dev.cloudimages.testing.Tools;
import dev.cloudimages.testing.aws.FakeAws;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged CLI stopped with SIGTERM in the middle of an EBS direct upload to the fake AWS:
 * the snapshot it started is deleted on the way out, and nothing else is left in the cloud.
 */
class AwsInterruptIT {

    private static FixtureServer server;

    @TempDir
    Path project;

    @BeforeAll
    static void startServer() throws Exception {
        Tools.require("qemu-system-x86_64", "qemu-img", "mformat", "mcopy");
        server = new FixtureServer().serve("/releases.json", Fixtures.releasesJson())
                .serveTree("/mirror", TestBuilder.prepare().resolve("mirror"));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void sigtermDuringTheUploadLeavesNothingInTheCloud() throws Exception {
        List<String> launcher = ConfigsIT.launcher();
        ProjectCopy.into(project);
        TestBuilder.overlay(project.resolve("overlay"),
                "Default { poll_interval = 50ms, import { upload_concurrency = 1 } }");
        Files.writeString(project.resolve("tcg.conf"), "accel = tcg\n");
        try (FakeAws aws = FakeAws.start()) {
            List<String> options = List.of("--custom", "overlay", "--only", "x86_64", "bios", "aws", "--vars", "tcg.conf");
            Process local = start(launcher, "local", options, aws);
            assertTrue(local.waitFor(5, TimeUnit.MINUTES), "local finished");
            assertEquals(0, local.exitValue(), output("local"));

            aws.delayBlocks(Duration.ofMillis(300));
            Process importing = start(launcher, "import", options, aws);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (aws.blocksReceived() < 3 && importing.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(importing.isAlive(), "the import was still uploading: " + output("import"));
            assertEquals(1, aws.snapshots("us-east-1").size());
            importing.destroy(); // SIGTERM
            assertTrue(importing.waitFor(60, TimeUnit.SECONDS), "the CLI ended after SIGTERM");
            assertNotEquals(0, importing.exitValue());

            String log = output("import");
            assertEquals(List.of(), aws.snapshots("us-east-1"), "the started snapshot is removed: " + log);
            assertEquals(List.of(), aws.images("us-east-1"));
            assertTrue(log.contains("removed snapshot snap-"), log);
            assertFalse(Files.exists(project.resolve("work/build/aws/test-3.24.1-x86_64-bios/import")),
                    "the raw conversion is removed");
        }
        assertEquals(List.of(), BuilderVms.running(project));
    }

    private Process start(List<String> launcher, String step, List<String> options, FakeAws aws) throws Exception {
        List<String> command = new ArrayList<>(launcher);
        command.add(step);
        command.addAll(options);
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile())
                .redirectErrorStream(true).redirectOutput(project.resolve(step + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.putAll(aws.env());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_CONFIG_FILE", project.resolve("no-aws-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", project.resolve("no-aws-credentials").toString());
        env.put("ALPINE_RELEASES_URL", server.url("/releases.json"));
        env.put("ALPINE_MIRROR", server.url("/mirror"));
        env.put("SOURCE_DATE_EPOCH", "1795000000");
        return builder.start();
    }

    private String output(String step) throws java.io.IOException {
        return Files.readString(project.resolve(step + ".log"), StandardCharsets.UTF_8);
    }
}
