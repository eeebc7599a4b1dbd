package dev.cloudimages.it;

import dev.cloudimages.testing.BuilderVms;
import dev.cloudimages.testing.FixtureServer;
import dev.cloudimages.testing.Fixtures;
import dev.cloudimages.testing.ProjectCopy;
import dev.cloudimages.testing.TestBuilder;
import dev.cloudimages.testing.Tools;
import dev.cloudimages.testing.gcp.FakeGcp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged CLI stopped with SIGTERM while the fake GCP is still creating the image: the
 * pending image is deleted on the way out, and the uploaded object is gone too.
 */
class GcpInterruptIT {

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
    void sigtermWhileTheImageIsCreatedLeavesNothingInTheCloud() throws Exception {
        List<String> launcher = ConfigsIT.launcher();
        ProjectCopy.into(project);
        TestBuilder.overlay(project.resolve("overlay"), "Default { poll_interval = 50ms }");
        Files.writeString(project.resolve("tcg.conf"), "accel = tcg\n");
        try (FakeGcp gcp = FakeGcp.start()) {
            List<String> options = List.of("--custom", "overlay", "--only", "x86_64", "bios", "gcp", "--vars", "tcg.conf");
            Process local = start(launcher, "local", options, gcp);
            assertTrue(local.waitFor(5, TimeUnit.MINUTES), "local finished");
            assertEquals(0, local.exitValue(), output("local"));

            gcp.slowInserts(100_000);
            Process importing = start(launcher, "import", options, gcp);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (gcp.images().isEmpty() && importing.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(500);
            assertTrue(importing.isAlive(), "the import was still waiting: " + output("import"));
            assertEquals("PENDING", gcp.images().values().iterator().next().path("status").asText());
            importing.destroy(); // SIGTERM
            assertTrue(importing.waitFor(60, TimeUnit.SECONDS), "the CLI ended after SIGTERM");
            assertNotEquals(0, importing.exitValue());

            String log = output("import");
            assertEquals(Map.of(), gcp.images(), "the pending image is removed: " + log);
            assertEquals(List.of(), gcp.objects(), "the uploaded object is removed: " + log);
            assertTrue(log.contains("removed image test-3-24-1-x86-64-bios-r0"), log);
        }
        assertEquals(List.of(), BuilderVms.running(project));
    }

    private Process start(List<String> launcher, String step, List<String> options, FakeGcp gcp) throws Exception {
        List<String> command = new ArrayList<>(launcher);
        command.add(step);
        command.addAll(options);
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile())
                .redirectErrorStream(true).redirectOutput(project.resolve(step + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("GOOGLE_") || k.startsWith("CLOUDSDK_"));
        env.putAll(gcp.env());
        env.put("HOME", project.toString());
        env.put("ALPINE_RELEASES_URL", server.url("/releases.json"));
        env.put("ALPINE_MIRROR", server.url("/mirror"));
        env.put("SOURCE_DATE_EPOCH", "1795000000");
        return builder.start();
    }

    private String output(String step) throws java.io.IOException {
        return Files.readString(project.resolve(step + ".log"), StandardCharsets.UTF_8);
    }
}
