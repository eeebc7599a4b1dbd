package dev.cloudimages.local;

import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.ChildProcesses;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One builder VM from start to power-off: the console goes to a log file (and, line by line, to a
 * listener); the runner's status lines (BEGIN/END/DONE) come from the virtio serial port's file or,
 * failing that, from console lines prefixed "build.status: ". The VM is stopped on every way out:
 * success, failure, timeout, interrupt, and (through {@link ChildProcesses}) the JVM shutting down.
 */
final class VmRun {

    /** How the run ended. */
    enum Outcome { SUCCEEDED, SCRIPT_FAILED, BOOT_TIMEOUT, BUILD_TIMEOUT, QEMU_DIED, NO_POWER_OFF, EMERGENCY_SHELL,
        INTERRUPTED }

    /** How long a guest may take to power off after its runner said DONE. */
    static final Duration POWER_OFF = Duration.ofSeconds(60);

    /**
     * The end of a run: what happened, which script, and when scripts started and ended (nanoTime);
     * {@code console} is what the guest printed just before an emergency shell, else empty.
     */
    record Result(Outcome outcome, String script, int exitCode, int qemuExit, long started, long firstScript,
                  long scriptsDone, long ended, List<String> console) {
        Result(Outcome outcome, String script, int exitCode, int qemuExit, long started, long firstScript,
               long scriptsDone, long ended) {
            this(outcome, script, exitCode, qemuExit, started, firstScript, scriptsDone, ended, List.of());
        }
    }

    /** Progress for the caller: the script now running ("" before the first). */
    interface Listener {
        void consoleLine(String line);

        void scriptStarted(String script);

        void scriptEnded(String script, int exitCode);
    }

    private static final String CONSOLE_STATUS = "build.status: ";
    /** What Linux prints (even with "quiet") as it powers the machine off; a reboot or panic prints otherwise. */
    static final String POWER_DOWN = "reboot: Power down";

    /**
     * How Alpine's initramfs announces its emergency shell, in every mkinitfs of the supported
     * releases (initramfs-init.in: "initramfs emergency recovery shell launched", "Launching
     * emergency recovery shell", "Launching initramfs emergency recovery shell."). Before mkinitfs
     * honours panic= (Alpine 3.23) a boot-media failure waits there until the boot timeout.
     */
    static final String EMERGENCY_SHELL = "emergency recovery shell";
    /** How many console lines before the emergency shell a failure reports. */
    static final int EMERGENCY_CONTEXT = 8;

    private VmRun() {
    }

    static boolean isEmergencyShell(String consoleLine) {
        return consoleLine.toLowerCase(java.util.Locale.ROOT).contains(EMERGENCY_SHELL);
    }

    static Result run(List<String> command, Path consoleLog, Path statusFile, Duration bootTimeout,
                      Duration buildTimeout, Listener listener) {
        long started = System.nanoTime();
        Process process;
        try {
            Files.deleteIfExists(statusFile);
            Files.createFile(statusFile);
            process = ChildProcesses.start(new ProcessBuilder(command).redirectErrorStream(true));
        } catch (IOException e) {
            throw new BuildException("cannot start " + command.get(0) + ": " + AtomicFiles.describe(e));
        }
        StatusReader status = new StatusReader(listener);
        java.util.ArrayDeque<String> recent = new java.util.ArrayDeque<>();
        Thread console = consoleThread(process, consoleLog, line -> {
            listener.consoleLine(line);
            if (line.contains(POWER_DOWN)) {
                status.poweredDown = true;
            }
            // before any script ran, an emergency shell means the builder never booted
            if (status.firstScript == 0 && status.emergency == null) {
                recent.addLast(line);
                if (recent.size() > EMERGENCY_CONTEXT) {
                    recent.removeFirst();
                }
                if (isEmergencyShell(line)) {
                    status.emergency = List.copyOf(recent);
                }
            }
            if (line.startsWith(CONSOLE_STATUS)) {
                status.line(line.substring(CONSOLE_STATUS.length()));
            }
        });
        try {
            process.getOutputStream().close();
            while (true) {
                status.poll(statusFile);
                if (status.done != null) {
                    // the runner is finished and has synced; the guest powers off by itself
                    boolean exited = process.waitFor(POWER_OFF.toMillis(), TimeUnit.MILLISECONDS);
                    long ended = System.nanoTime();
                    int code = exited ? process.exitValue() : -1;
                    if (status.done != 0) {
                        return new Result(Outcome.SCRIPT_FAILED, status.failedScript(), status.done, code, started,
                                status.firstScript, status.lastEnd, ended);
                    }
                    // a disk is only trusted after a clean power-off: not a reboot, not a panic
                    console.join(5000);
                    return code == 0 && status.poweredDown
                            ? new Result(Outcome.SUCCEEDED, "", 0, code, started, status.firstScript, status.lastEnd, ended)
                            : new Result(Outcome.NO_POWER_OFF, "", 0, code, started, status.firstScript, status.lastEnd,
                            ended);
                }
                if (status.emergency != null) {
                    return new Result(Outcome.EMERGENCY_SHELL, "", -1, -1, started, 0, 0, System.nanoTime(),
                            status.emergency);
                }
                if (!process.isAlive()) {
                    console.join(5000); // the last console lines may still carry the status
                    status.poll(statusFile);
                    if (status.done != null) {
                        continue;
                    }
                    return new Result(Outcome.QEMU_DIED, status.current, -1, process.exitValue(), started,
                            status.firstScript, status.lastEnd, System.nanoTime());
                }
                long elapsed = System.nanoTime() - started;
                if (status.firstScript == 0 && elapsed > bootTimeout.toNanos()) {
                    return new Result(Outcome.BOOT_TIMEOUT, "", -1, -1, started, 0, 0, System.nanoTime());
                }
                if (elapsed > buildTimeout.toNanos()) {
                    return new Result(Outcome.BUILD_TIMEOUT, status.current, -1, -1, started, status.firstScript,
                            status.lastEnd, System.nanoTime());
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(Outcome.INTERRUPTED, status.current, -1, -1, started, status.firstScript, status.lastEnd,
                    System.nanoTime());
        } catch (IOException e) {
            throw new BuildException("cannot read the build status " + statusFile + ": " + AtomicFiles.describe(e));
        } finally {
            stop(process);
            ChildProcesses.forget(process);
            try {
                console.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static Thread consoleThread(Process process, Path consoleLog, Consumer<String> onLine) {
        Thread thread = new Thread(() -> {
            PrintStream log;
            try {
                log = new PrintStream(Files.newOutputStream(consoleLog), true, StandardCharsets.UTF_8);
            } catch (IOException e) {
                // still drain the console: a full pipe would stall the guest
                log = new PrintStream(java.io.OutputStream.nullOutputStream());
            }
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)); PrintStream out = log) {
                String line;
                while ((line = reader.readLine()) != null) {
                    String clean = line.replace("\r", "");
                    out.println(clean);
                    onLine.accept(clean);
                }
            } catch (IOException e) {
                // the process went away; what was read is in the log
            }
        }, "console-" + consoleLog.getFileName());
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Follows the status channel: "BEGIN name", "END name rc", "DONE rc". */
    private static final class StatusReader {
        private final Listener listener;
        private long offset;
        private final StringBuilder partial = new StringBuilder();
        volatile String current = "";
        volatile long firstScript;
        volatile long lastEnd;
        private final List<String[]> ends = new ArrayList<>();
        volatile Integer done;
        volatile boolean poweredDown;
        volatile List<String> emergency;

        StatusReader(Listener listener) {
            this.listener = listener;
        }

        synchronized void poll(Path file) throws IOException {
            try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
                if (in.length() <= offset) {
                    return;
                }
                in.seek(offset);
                byte[] bytes = new byte[(int) (in.length() - offset)];
                in.readFully(bytes);
                offset += bytes.length;
                partial.append(new String(bytes, StandardCharsets.UTF_8));
            }
            int newline;
            while ((newline = partial.indexOf("\n")) >= 0) {
                String line = partial.substring(0, newline).trim();
                partial.delete(0, newline + 1);
                line(line);
            }
        }

        synchronized void line(String line) {
            String[] words = line.trim().split("\\s+");
            if (words.length >= 2 && words[0].equals("BEGIN")) {
                if (firstScript == 0) {
                    firstScript = System.nanoTime();
                }
                current = words[1];
                listener.scriptStarted(words[1]);
            } else if (words.length >= 3 && words[0].equals("END")) {
                lastEnd = System.nanoTime();
                ends.add(words);
                listener.scriptEnded(words[1], parse(words[2]));
            } else if (words.length >= 2 && words[0].equals("DONE") && done == null) {
                if (lastEnd == 0) {
                    lastEnd = System.nanoTime();
                }
                done = parse(words[1]);
            }
        }

        String failedScript() {
            return ends.stream().filter(e -> parse(e[2]) != 0).map(e -> e[1]).findFirst().orElse("");
        }

        private static int parse(String number) {
            try {
                return Integer.parseInt(number);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }
}
