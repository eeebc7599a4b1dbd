package dev.cloudimages.support;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One build at a time per work directory. The lock is an OS file lock on work/.lock, so it goes
 * away with its process however that process ends; the file also names the holder's process id,
 * for the message a second build prints. A file naming a process that no longer holds the lock is
 * a stale lock, taken over with a note. The file is never deleted: deleting a lock file invites
 * two processes to lock two different files.
 */
public final class WorkLock implements AutoCloseable {

    public static final String FILE = ".lock";

    private final FileChannel channel;
    private final FileLock lock;
    /** Empties the file when the run is interrupted: the OS lock goes with the process, the pid should too. */
    private final Thread clearOnShutdown;

    private WorkLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
        this.clearOnShutdown = new Thread(() -> {
            try {
                channel.truncate(0);
            } catch (IOException ignored) {
                // the OS lock is released with the process anyway
            }
        }, "clear-work-lock");
        Runtime.getRuntime().addShutdownHook(clearOnShutdown);
    }

    public static WorkLock acquire(Path workDir, Log log) {
        Path file = workDir.resolve(FILE);
        FileChannel channel = null;
        try {
            Files.createDirectories(workDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            String holder = read(channel);
            if (lock == null) {
                // the holder writes its pid just after locking; give it a moment
                for (int i = 0; i < 20 && pid(holder) < 0; i++) {
                    sleep();
                    holder = read(channel);
                }
                channel.close();
                throw new BuildException("another build is using " + workDir + " (" + describe(holder)
                        + "); wait for it to finish, or stop it, then run this again");
            }
            if (!holder.isBlank()) {
                log.warn("Taking over a stale lock on %s left by %s, which no longer holds it", workDir,
                        describe(holder));
            }
            // write, then trim: the file never reads as empty while held
            byte[] me = ("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8);
            channel.write(ByteBuffer.wrap(me), 0);
            channel.truncate(me.length);
            channel.force(false);
            return new WorkLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new BuildException("cannot lock " + file + ": " + AtomicFiles.describe(e));
        }
    }

    /** The process id named in a lock file, or -1. */
    static long pid(String content) {
        String text = content.trim();
        if (text.startsWith("pid ")) {
            try {
                return Long.parseLong(text.substring(4).trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(String holder) {
        long pid = pid(holder);
        return pid < 0 ? "process id unknown" : "process id " + pid;
    }

    private static String read(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(256);
        int read = channel.read(buffer, 0);
        return read <= 0 ? "" : new String(buffer.array(), 0, read, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(clearOnShutdown);
        } catch (IllegalStateException ignored) {
            // shutting down: the hook empties the file
        }
        try {
            channel.truncate(0);
            lock.release();
        } catch (IOException ignored) {
            // the lock goes with the channel below
        } finally {
            closeQuietly(channel);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }
}
