package dev.cloudimages.faults;

import dev.cloudimages.cli.Cli;
import dev.cloudimages.support.ChildProcesses;
import dev.cloudimages.testing.CliProject;
import dev.cloudimages.testing.CliRun;
import dev.cloudimages.testing.Fixtures;
import dev.cloudimages.testing.ReleasesServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an interrupted or killed run leaves behind is cleaned up by the next run, which holds the
 * work/ lock: partial files and disks are removed, processes it recorded are stopped (issue 11).
 */
class LeftoversTest {

    @RegisterExtension
    static final ReleasesServer releases = new ReleasesServer();

    @TempDir
    Path project;
    private CliProject cli;
    private String err;

    @BeforeEach
    void setUp() {
        cli = CliProject.copy(project, releases);
    }

    private int run(String... args) {
        CliRun run = cli.run(args);
        err = run.err();
        return run.code();
    }

    @Test
    void partialFilesOfAKilledRunAreSweptAndTheBuildLogKept() throws IOException {
        assertEquals(Cli.OK, run("configs"), err);
        Path work = project.resolve("work");
        Path image = Fixtures.write(work, "images/aws/done/image.qcow2", "a finished image");
        Path iso = Fixtures.write(work, "cache/iso/alpine.iso", "a verified ISO");
        Fixtures.write(work, "cache/iso/.alpine.iso.download.x1y2.part", "half an ISO");
        Fixtures.write(work, "cache/iso/alpine2.iso.download", "a whole but unverified ISO");
        Fixtures.write(work, "cache/.releases.json.abc.tmp", "{");
        Fixtures.write(work, "images/aws/.half.new/image.qcow2", "half converted");
        Fixtures.write(work, "build/aws/half/target.raw", "a disk");
        Fixtures.write(work, "build/aws/half/payload.img", "a payload");
        Path log = Fixtures.write(work, "build/aws/half/build.log", "console");
        Files.createDirectories(work.resolve(".configs.staging-123"));
        Files.writeString(work.resolve(".lock"), "pid 999999999\n"); // a killed run's pid

        assertEquals(Cli.OK, run("configs"), err);

        assertEquals(1, err.lines().filter(l -> l.contains("Removed 7 partial file(s) left by an interrupted earlier run"))
                .count(), err);
        for (String gone : new String[] {"cache/iso/.alpine.iso.download.x1y2.part", "cache/iso/alpine2.iso.download",
                "cache/.releases.json.abc.tmp", "images/aws/.half.new", "build/aws/half/target.raw",
                "build/aws/half/payload.img", ".configs.staging-123"}) {
            assertFalse(Files.exists(work.resolve(gone)), gone);
        }
        assertTrue(Files.exists(image) && Files.exists(iso) && Files.exists(log), "finished files and the log stay");
        assertTrue(err.contains("Taking over a stale lock"), err);
        assertEquals("", Files.readString(work.resolve(".lock")), "the lock is cleared at the end");

        assertEquals(Cli.OK, run("configs"), err);
        assertFalse(err.contains("Removed"), "nothing left to sweep: " + err);
    }

    @Test
    void processesAKilledRunRecordedAreStoppedByTheNextRun() throws Exception {
        Process orphan = new ProcessBuilder("sleep", "300").start(); // stands in for a builder VM
        Process unrelated = new ProcessBuilder("sleep", "300").start();
        try {
            long started = orphan.info().startInstant().orElseThrow().toEpochMilli();
            long otherStart = unrelated.info().startInstant().orElseThrow().toEpochMilli();
            // the record of a dead run; the second line's start time does not match: a reused pid, not ours
            Fixtures.write(project, "work/" + ChildProcesses.RECORD,
                    orphan.pid() + " " + started + "\n" + unrelated.pid() + " " + (otherStart - 60_000) + "\n");

            assertEquals(Cli.OK, run("configs"), err);

            assertTrue(orphan.waitFor(10, TimeUnit.SECONDS), "the recorded process is stopped");
            assertTrue(err.contains("WARN  Stopped 1 process(es) that a killed earlier run left running (process ids ["
                    + orphan.pid() + "])"), err);
            assertTrue(unrelated.isAlive(), "a process that only shares a pid is left alone");
            assertFalse(Files.exists(project.resolve("work/" + ChildProcesses.RECORD)));
        } finally {
            orphan.destroyForcibly();
            unrelated.destroyForcibly();
        }
    }
}
