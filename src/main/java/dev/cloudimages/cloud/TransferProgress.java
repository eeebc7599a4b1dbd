package dev.cloudimages.cloud;

import dev.cloudimages.support.Log;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of one upload: bytes sent of the total, rate and time left, logged at most every
 * {@code everyNanos} (and once at the end). Thread-safe: concurrent block uploads add to it.
 */
public final class TransferProgress {

    private final Log log;
    private final String label;
    private final long total;
    private final long everyNanos;
    private final long started = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong lastReport = new AtomicLong(System.nanoTime());

    public TransferProgress(Log log, String label, long total, long everyNanos) {
        this.log = log;
        this.label = label;
        this.total = total;
        this.everyNanos = everyNanos;
    }

    public static TransferProgress every5s(Log log, String label, long total) {
        return new TransferProgress(log, label, total, 5_000_000_000L);
    }

    public void add(long bytes) {
        long now = System.nanoTime();
        long sent = done.addAndGet(bytes);
        long last = lastReport.get();
        if (now - last >= everyNanos && lastReport.compareAndSet(last, now)) {
            log.info("%s: %s", label, line(sent, now));
        }
    }

    public long sent() {
        return done.get();
    }

    public void finish() {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - started) / 1e9);
        log.info("%s: %s sent in %.1f s (%s/s)", label, size(done.get()), seconds, size((long) (done.get() / seconds)));
    }

    String line(long sent, long now) {
        double seconds = Math.max(1e-3, (now - started) / 1e9);
        double rate = sent / seconds;
        String percent = total > 0 ? String.format(Locale.ROOT, " (%d%%)", Math.min(100, sent * 100 / total)) : "";
        String eta = rate > 0 && total > sent ? ", ETA " + clock((long) ((total - sent) / rate)) : "";
        return size(sent) + " of " + size(total) + percent + ", " + size((long) rate) + "/s" + eta;
    }

    public static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }

    static String clock(long seconds) {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
