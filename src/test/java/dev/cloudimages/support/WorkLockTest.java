package dev.cloudimages.support;

import dev.cloudimages.testing.LockHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The work-directory lock between two real processes. */
class WorkLockTest {

    @TempDir
    Path work;

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(logBytes, true, StandardCharsets.UTF_8), false, false);

    @Test
    void aSecondBuildStopsAtOnceNamingTheHolder() throws Exception {
        Process holder = LockHolder.start(work);
        try {
            BuildException e = assertThrows(BuildException.class, () -> WorkLock.acquire(work, log));
            assertTrue(e.getMessage().contains("another build is using " + work), e.getMessage());
            assertTrue(e.getMessage().contains("process id " + holder.pid()), e.getMessage());
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    @Test
    void aStaleLockFromAKilledProcessIsTakenOver() throws Exception {
        Process holder = LockHolder.start(work);
        holder.destroyForcibly().waitFor();
        assertTrue(Files.readString(work.resolve(WorkLock.FILE)).contains("pid " + holder.pid()));

        try (WorkLock lock = WorkLock.acquire(work, log)) {
            String logged = logBytes.toString(StandardCharsets.UTF_8);
            assertTrue(logged.contains("Taking over a stale lock") && logged.contains("process id " + holder.pid()),
                    logged);
            assertEquals("pid " + ProcessHandle.current().pid(), Files.readString(work.resolve(WorkLock.FILE)).trim());
        }
        // released: the next build gets it without any note
        logBytes.reset();
        try (WorkLock again = WorkLock.acquire(work, log)) {
            assertEquals("", logBytes.toString(StandardCharsets.UTF_8));
        }
    }
}
