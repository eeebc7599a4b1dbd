package dev.cloudimages.it;

import dev.cloudimages.testing.BuilderVms;
import dev.cloudimages.testing.FixtureServer;
import dev.cloudimages.testing.Fixtures;
import dev.cloudimages.testing.ProjectCopy;
import dev.cloudimages.testing.TestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged CLI stopped with SIGTERM (as Ctrl-C or a CI timeout would) in the middle of a build. */
class LocalBuildIT {

    private static FixtureServer server;

    @TempDir
    Path project;

    @BeforeAll
    static void startServer() throws Exception {
        server = new FixtureServer().serve("/releases.json", Fixtures.releasesJson())
                .serveTree("/mirror", TestBuilder.prepare().resolve("mirror"));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void sigtermDuringABuildStopsTheVmAndLeavesNoImage() throws Exception {
        ProjectCopy.into(project);
        TestBuilder.overlay(project.resolve("overlay"), "Mandatory { scripts = [ hang ] }", "hang",
                "#!/bin/sh\nsleep 600\n");
        Files.writeString(project.resolve("tcg.conf"), "accel = tcg\n");
        List<String> command = new ArrayList<>(ConfigsIT.launcher());
        command.addAll(List.of("local", "--custom", "overlay", "--only", "x86_64", "bios", "aws", "--vars", "tcg.conf"));
        Path stderr = project.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile())
                .redirectError(stderr.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("ALPINE_RELEASES_URL", server.url("/releases.json"));
        builder.environment().put("ALPINE_MIRROR", server.url("/mirror"));
        Process build = builder.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!Files.readString(stderr, StandardCharsets.UTF_8).contains("running hang")) {
                assertTrue(build.isAlive(), Files.readString(stderr));
                assertTrue(System.nanoTime() < deadline, "the build never started its script: " + Files.readString(stderr));
                Thread.sleep(200);
            }
            assertFalse(BuilderVms.running().isEmpty(), "a builder VM runs while the script does");

            build.destroy(); // SIGTERM
            assertTrue(build.waitFor(60, TimeUnit.SECONDS), "build did not stop on SIGTERM");
            assertNotEquals(0, build.exitValue());
        } finally {
            build.destroyForcibly();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!BuilderVms.running().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(List.of(), BuilderVms.running(), "no QEMU survives the tool");
        assertFalse(Files.exists(project.resolve("work/images/aws/test-3.24.1-x86_64-bios/image.qcow2")));
    }
}
