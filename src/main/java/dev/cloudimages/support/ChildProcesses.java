package dev.cloudimages.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every external process the tool starts (QEMU, qemu-img, mtools, the KVM probe), so that a
 * shutdown (Ctrl-C, SIGTERM) stops them all. Once stopping has begun no new process starts:
 * a build thread that raced the shutdown cannot leave an orphan behind.
 */
public final class ChildProcesses {

    /** The list of live children in work/ (see {@link #recordIn}). */
    public static final String RECORD = ".children";

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static boolean stopping;
    /** Where the live children are listed while a step runs, so a later run can stop what a killed one left. */
    private static Path record;

    private ChildProcesses() {
    }

    public static Process start(ProcessBuilder builder) throws IOException {
        synchronized (LIVE) {
            if (stopping) {
                throw new IOException("the tool is shutting down");
            }
            Process process = dyingWithTheTool(builder).start();
            LIVE.add(process);
            writeRecord();
            return process;
        }
    }

    /**
     * On Linux, util-linux's setpriv sets the parent-death signal and then execs the program (same
     * process id), so the kernel kills the child when the tool dies, even by SIGKILL, which runs no
     * hook. The signal follows the thread that started the child; every caller waits for its child
     * on that thread. Without setpriv, the record in work/ lets the next run stop what is left.
     */
    private static ProcessBuilder dyingWithTheTool(ProcessBuilder builder) {
        if (SETPRIV != null && !builder.command().isEmpty() && !builder.command().get(0).equals(SETPRIV.toString())) {
            List<String> command = new ArrayList<>(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--"));
            command.addAll(builder.command());
            builder.command(command);
        }
        return builder;
    }

    private static final Path SETPRIV = System.getProperty("os.name", "").equals("Linux")
            ? Stream.of("/usr/bin/setpriv", "/bin/setpriv").map(Path::of).filter(Files::isExecutable).findFirst()
                    .orElse(null)
            : null;

    public static void forget(Process process) {
        synchronized (LIVE) {
            LIVE.remove(process);
            writeRecord();
        }
    }

    /**
     * Lists the children in {@code file} from now on (null stops listing and removes the file). A
     * run killed with SIGKILL runs no hook; the next run holding the lock stops what is listed.
     */
    public static void recordIn(Path file) {
        synchronized (LIVE) {
            Path previous = record;
            record = file;
            if (file == null && previous != null) {
                AtomicFiles.deleteQuietly(previous);
            } else {
                writeRecord();
            }
        }
    }

    /** "pid start-millis" per live child: the start time tells a reused pid from ours. */
    private static void writeRecord() {
        if (record == null) {
            return;
        }
        StringBuilder content = new StringBuilder();
        for (Process process : LIVE) {
            process.info().startInstant().ifPresent(start ->
                    content.append(process.pid()).append(' ').append(start.toEpochMilli()).append('\n'));
        }
        try {
            AtomicFiles.writeString(record, content.toString());
        } catch (BuildException e) {
            // the record helps a later run clean up; a build does not fail for it
        }
    }

    /**
     * Stops the processes a dead run listed in {@code file} that are still running (same pid and
     * start time), with their children, and removes the file. Returns their pids.
     */
    public static List<Long> stopRecorded(Path file) {
        List<Long> stopped = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            return stopped;
        }
        for (String line : lines) {
            String[] parts = line.trim().split(" ");
            if (parts.length != 2) {
                continue;
            }
            try {
                long pid = Long.parseLong(parts[0]);
                long started = Long.parseLong(parts[1]);
                // a zombie (killed, not yet reaped by init) has no command any more: nothing to stop
                ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> h.info().command().isPresent())
                        .filter(h -> h.info().startInstant().map(Instant::toEpochMilli).orElse(-1L) == started)
                        .ifPresent(h -> {
                            h.descendants().forEach(ProcessHandle::destroyForcibly);
                            h.destroyForcibly();
                            stopped.add(pid);
                        });
            } catch (NumberFormatException ignored) {
                // not a line we wrote
            }
        }
        AtomicFiles.deleteQuietly(file);
        return stopped;
    }

    /** Stops every child still running and refuses new ones (the shutdown hook). */
    public static void stopAll() {
        synchronized (LIVE) {
            stopping = true;
            killAll();
        }
    }

    /** Whether the shutdown hook has begun: a child that ended now was stopped by it, whatever its status says. */
    public static boolean stopping() {
        synchronized (LIVE) {
            return stopping;
        }
    }

    /** Stops every child still running; new ones may start (end of a step). */
    public static void killAll() {
        for (Process process : LIVE) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /**
     * A hook that stops all children when the JVM shuts down, running {@code announce} first and
     * {@code cleanUp} once the children are stopped (one hook, because the JVM runs separate hooks
     * in no particular order); remove it when the work is done.
     */
    public static Thread installShutdownHook(Runnable announce, Runnable cleanUp) {
        Thread hook = new Thread(() -> {
            announce.run();
            stopAll();
            cleanUp.run();
        }, "stop-child-processes");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    public static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // already shutting down: the hook does its job
        }
    }
}
