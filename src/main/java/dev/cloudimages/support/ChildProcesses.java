package dev.cloudimages.support;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every external process the tool starts (QEMU, qemu-img, mtools, the KVM probe), so that a
 * shutdown (Ctrl-C, SIGTERM) stops them all. Once stopping has begun no new process starts:
 * a build thread that raced the shutdown cannot leave an orphan behind.
 */
public final class ChildProcesses {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static boolean stopping;

    private ChildProcesses() {
    }

    public static Process start(ProcessBuilder builder) throws IOException {
        synchronized (LIVE) {
            if (stopping) {
                throw new IOException("the tool is shutting down");
            }
            Process process = builder.start();
            LIVE.add(process);
            return process;
        }
    }

    public static void forget(Process process) {
        LIVE.remove(process);
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

    /** A hook that stops all children when the JVM shuts down; remove it when the work is done. */
    public static Thread installShutdownHook() {
        Thread hook = new Thread(ChildProcesses::stopAll, "stop-child-processes");
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
