package dev.cloudimages.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A builder whose initramfs drops to its emergency shell fails at once, with what it printed. */
class VmRunTest {

    private static final VmRun.Listener QUIET = new VmRun.Listener() {
        @Override
        public void consoleLine(String line) {
        }

        @Override
        public void scriptStarted(String script) {
        }

        @Override
        public void scriptEnded(String script, int exitCode) {
        }
    };

    @Test
    void recognisesEveryMkinitfsWording() {
        // initramfs-init.in of mkinitfs 3.10 to 3.12 (Alpine 3.22) and of 3.13 on
        assertTrue(VmRun.isEmergencyShell("initramfs emergency recovery shell launched. Type 'exit' to continue boot"));
        assertTrue(VmRun.isEmergencyShell("initramfs emergency recovery shell launched"));
        assertTrue(VmRun.isEmergencyShell("/sbin/init not found in new root. Launching emergency recovery shell"));
        assertTrue(VmRun.isEmergencyShell("Launching initramfs emergency recovery shell."));
        assertFalse(VmRun.isEmergencyShell("Mounting boot media: ok."));
        assertFalse(VmRun.isEmergencyShell("build.status: BEGIN setup"));
    }

    @Test
    void failsAtOnceOnTheEmergencyShell(@TempDir Path dir) {
        // a "guest" that fails to find its boot media, then waits at the shell far past the test
        String guest = "echo 'Mounting boot media: failed.'; echo 'initramfs emergency recovery shell launched';"
                + " exec sleep 300";
        long start = System.nanoTime();
        VmRun.Result result = VmRun.run(List.of("sh", "-c", guest), dir.resolve("console.log"),
                dir.resolve("status.log"), Duration.ofMinutes(5), Duration.ofMinutes(10), QUIET);
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;

        assertEquals(VmRun.Outcome.EMERGENCY_SHELL, result.outcome());
        assertTrue(seconds < 20, "took " + seconds + " s");
        assertEquals(List.of("Mounting boot media: failed.", "initramfs emergency recovery shell launched"),
                result.console());
    }

    @Test
    void aScriptPrintingTheWordsIsNotTheInitramfs(@TempDir Path dir) {
        // once a script runs the builder has booted: its output is not the initramfs talking
        String guest = "echo 'build.status: BEGIN setup'; echo 'emergency recovery shell'; "
                + "echo 'build.status: END setup 0'; echo 'build.status: DONE 0'; echo 'reboot: Power down'";
        VmRun.Result result = VmRun.run(List.of("sh", "-c", guest), dir.resolve("console.log"),
                dir.resolve("status.log"), Duration.ofMinutes(1), Duration.ofMinutes(1), QUIET);

        assertEquals(VmRun.Outcome.SUCCEEDED, result.outcome());
    }
}
