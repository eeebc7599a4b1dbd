package dev.cloudimages.testing;

import dev.cloudimages.support.Log;
import dev.cloudimages.support.WorkLock;

import java.nio.file.Path;

/** A second process for lock tests: takes the lock on a work dir, says so, and holds it until killed. */
public final class LockHolder {

    public static void main(String[] args) throws InterruptedException {
        WorkLock lock = WorkLock.acquire(Path.of(args[0]), new Log(System.err, false, false));
        System.out.println("locked " + ProcessHandle.current().pid());
        System.out.flush();
        Thread.sleep(120_000);
        lock.close();
    }

    /** Starts a holder on {@code workDir} and waits until it holds the lock. */
    public static Process start(Path workDir) throws java.io.IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), workDir.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream())).readLine();
        if (line == null || !line.startsWith("locked ")) {
            process.destroyForcibly();
            throw new IllegalStateException("lock holder did not start: " + line);
        }
        return process;
    }
}
