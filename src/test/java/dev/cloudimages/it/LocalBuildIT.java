package dev.cloudimages.it;

import dev.cloudimages.testing.BuilderVms;
import dev.cloudimages.testing.CliRun;
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
import java.util.HashMap;
import java.util.Map;
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

    private static final String SCRATCH = "work/build/aws/test-3.24.1-x86_64-bios";

    /** Starts the packaged CLI building one variant whose script hangs, and waits until the script runs. */
    private Process startHangingBuild(Path stderr) throws Exception {
        ProjectCopy.into(project);
        TestBuilder.overlay(project.resolve("overlay"), "Mandatory { scripts = [ hang ] }", "hang",
                "#!/bin/sh\nsleep 600\n");
        Files.writeString(project.resolve("tcg.conf"), "accel = tcg\n");
        List<String> command = new ArrayList<>(ConfigsIT.launcher());
        command.addAll(List.of("local", "--custom", "overlay", "--only", "x86_64", "bios", "aws", "--vars", "tcg.conf"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile())
                .redirectError(stderr.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("ALPINE_RELEASES_URL", server.url("/releases.json"));
        builder.environment().put("ALPINE_MIRROR", server.url("/mirror"));
        Process build = builder.start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.readString(stderr, StandardCharsets.UTF_8).contains("running hang")) {
            if (!build.isAlive() || System.nanoTime() > deadline) {
                build.destroyForcibly();
                throw new AssertionError("the build never started its script: " + Files.readString(stderr));
            }
            Thread.sleep(200);
        }
        assertFalse(BuilderVms.running(project).isEmpty(), "a builder VM runs while the script does");
        return build;
    }

    private void awaitNoBuilderVm() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!BuilderVms.running(project).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(List.of(), BuilderVms.running(project), "no QEMU survives the tool");
    }

    @Test
    void sigtermDuringABuildStopsTheVmAndLeavesNoImage() throws Exception {
        Path stderr = project.resolve("stderr.txt");
        Process build = startHangingBuild(stderr);
        try {
            build.destroy(); // SIGTERM
            assertTrue(build.waitFor(60, TimeUnit.SECONDS), "build did not stop on SIGTERM");
            assertNotEquals(0, build.exitValue());
        } finally {
            build.destroyForcibly();
        }
        awaitNoBuilderVm();
        assertFalse(Files.exists(project.resolve("work/images/aws/test-3.24.1-x86_64-bios/image.qcow2")));
        String log = Files.readString(stderr);
        assertEquals(1, log.lines().filter(l -> l.contains("ERROR interrupted: stopping 1 build(s)")).count(), log);
        assertFalse(log.contains("build failed"), "one line, not a failure report per build: " + log);
        assertFalse(Files.exists(project.resolve(SCRATCH + "/target.raw")), "no target disk left");
        assertFalse(Files.exists(project.resolve(SCRATCH + "/payload.img")), "no payload left");
        assertEquals("", Files.readString(project.resolve("work/.lock")), "the lock is cleared");
        assertFalse(Files.exists(project.resolve("work/.children")));
    }

    @Test
    void afterKillMinus9TheVmDoesNotOutliveTheToolAndTheNextRunCleansUp() throws Exception {
        Path stderr = project.resolve("stderr.txt");
        Process build = startHangingBuild(stderr);
        build.destroyForcibly(); // SIGKILL: no hook runs
        assertTrue(build.waitFor(30, TimeUnit.SECONDS));
        assertTrue(Files.exists(project.resolve("work/.children")), "the dead run's children are on record");
        boolean setpriv = Files.isExecutable(Path.of("/usr/bin/setpriv")) || Files.isExecutable(Path.of("/bin/setpriv"));
        if (setpriv) {
            awaitNoBuilderVm(); // the parent-death signal killed it with the tool
        } else {
            assertFalse(BuilderVms.running(project).isEmpty(), "without setpriv the VM outlives a SIGKILLed tool");
        }

        Map<String, String> env = new HashMap<>();
        env.put("ALPINE_RELEASES_URL", server.url("/releases.json"));
        CliRun next = CliRun.run(env, project, false, "configs", "--custom", "overlay");
        assertEquals(0, next.code(), next.err());
        assertEquals(!setpriv, next.err().contains("Stopped 1 process(es) that a killed earlier run left running"),
                next.err());
        assertTrue(next.err().contains("Taking over a stale lock"), next.err());
        awaitNoBuilderVm();
        assertFalse(Files.exists(project.resolve(SCRATCH + "/target.raw")), "the next run swept the target disk");
        assertFalse(Files.exists(project.resolve("work/.children")));
    }
}
