package dev.cloudimages.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Reads http, https and file URLs: small texts into memory, large files to disk under a temporary
 * name with progress. Failures are {@link Failure}s whose message is the reason alone, for the
 * caller to put in its own sentence.
 */
public final class Fetch {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration TEXT_TIMEOUT = Duration.ofSeconds(30);
    private static final long PROGRESS_EVERY_NANOS = Duration.ofSeconds(5).toNanos();
    /** No data for this long ends a transfer (tests shorten it). */
    static volatile Duration stall = Duration.ofSeconds(60);
    /** A text (release metadata, a checksum) must arrive whole within this, however it trickles. */
    static volatile Duration textDeadline = Duration.ofMinutes(2);
    /** A file (the builder ISO, a firmware package) must arrive whole within this. */
    static volatile Duration fileDeadline = Duration.ofMinutes(30);

    /** The environment's proxies (https_proxy, http_proxy, no_proxy); set once per run, before any download. */
    private static volatile Proxies proxies = Proxies.NONE;

    public static void useProxies(Proxies configured) {
        if (configured.authenticator().isPresent()) {
            // the JDK refuses Basic proxy credentials for https tunnels unless told otherwise; the user
            // put them in https_proxy for exactly that. Read when the HTTP client is first used.
            System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
        }
        proxies = configured;
    }

    /** Why a URL could not be read ("HTTP 404", "connection refused or host unreachable", ...). */
    public static final class Failure extends Exception {
        private final boolean notFound;

        Failure(String reason, boolean notFound) {
            super(reason);
            this.notFound = notFound;
        }

        public boolean notFound() {
            return notFound;
        }
    }

    private Fetch() {
    }

    public static String text(String url) throws Failure {
        return new String(bytes(url), StandardCharsets.UTF_8);
    }

    public static byte[] bytes(String url) throws Failure {
        Body body = open(url, TEXT_TIMEOUT);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (InputStream in = body.body(); StallWatch watch = new StallWatch(in, textDeadline)) {
            copy(in, out, watch, null, null, -1);
            return out.toByteArray();
        } catch (IOException e) {
            throw new Failure(watch(e), false);
        }
    }

    /** Downloads {@code url} to {@code target} (renamed into place when complete), logging progress. */
    public static void toFile(String url, Path target, Log log) throws Failure {
        Path temp = null;
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            temp = AtomicFiles.createTemp(target, ".part");
            Body body = open(url, stall); // a server that never answers counts as stalled
            try (InputStream in = body.body(); OutputStream out = Files.newOutputStream(temp);
                 StallWatch watch = new StallWatch(in, fileDeadline)) {
                copy(in, out, watch, log, target.getFileName().toString(), body.length());
            }
            AtomicFiles.moveIntoPlace(temp, target);
        } catch (IOException e) {
            AtomicFiles.deleteQuietly(temp);
            throw new Failure(watch(e), false);
        } catch (Failure e) {
            AtomicFiles.deleteQuietly(temp);
            throw e;
        }
    }

    private record Body(InputStream body, long length) {
    }

    private static Body open(String url, Duration timeout) throws Failure {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new Failure("not a URL", false);
        }
        try {
            if ("file".equals(uri.getScheme())) {
                Path file = Path.of(uri);
                if (!Files.isRegularFile(file)) {
                    throw new Failure("no such file " + file, true);
                }
                return new Body(Files.newInputStream(file), Files.size(file));
            }
            Proxies through = proxies;
            HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NORMAL);
            if (!through.isEmpty()) {
                builder.proxy(through);
                through.authenticator().ifPresent(builder::authenticator);
            }
            HttpClient client = builder.build();
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
            if (timeout != null) {
                request.timeout(timeout);
            }
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                response.body().close();
                throw new Failure("HTTP " + response.statusCode() + viaProxy(uri), response.statusCode() == 404);
            }
            return new Body(response.body(), response.headers().firstValueAsLong("content-length").orElse(-1));
        } catch (IOException e) {
            throw new Failure(AtomicFiles.describe(e) + viaProxy(uri), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted", false);
        }
    }

    /** " (through proxy host:port)" when one was used: a proxy's failure must not read as the server's. */
    private static String viaProxy(URI uri) {
        return proxies.proxyFor(uri).map(p -> " (through proxy " + Proxies.hostPort(p) + ")").orElse("");
    }

    /** Copies, telling the watch about progress and (when a log is given) logging it every few seconds. */
    private static void copy(InputStream in, OutputStream out, StallWatch watch, Log log, String name, long length)
            throws IOException {
        byte[] buffer = new byte[1 << 16];
        long copied = 0;
        long started = System.nanoTime();
        long lastReport = started;
        int read;
        while ((read = in.read(buffer)) >= 0) {
            watch.progressed();
            out.write(buffer, 0, read);
            copied += read;
            long now = System.nanoTime();
            if (log != null && now - lastReport >= PROGRESS_EVERY_NANOS) {
                lastReport = now;
                log.info("  %s: %s", name, progress(copied, length, now - started));
            }
        }
        if (log != null) {
            log.info("  %s: %s", name, progress(copied, copied, System.nanoTime() - started));
        }
    }

    /** The reason for a failed read, saying so when it was the watch that ended the transfer. */
    private static String watch(IOException e) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(e), java.util.Arrays.stream(e.getSuppressed()))
                .filter(StallWatch.Ended.class::isInstance).map(Throwable::getMessage).findFirst()
                .orElseGet(() -> AtomicFiles.describe(e));
    }

    /**
     * Ends a transfer that stops moving or takes too long in all: HTTP timeouts cover only the wait
     * for headers, and a body that stalls, or trickles a byte now and then, would otherwise hang the
     * build (and every build waiting for the same file).
     */
    static final class StallWatch implements AutoCloseable {
        static final String STALLED = "the transfer stalled";

        /** The watch ended the transfer; the message says why. */
        static final class Ended extends IOException {
            Ended(String message) {
                super(message);
            }
        }

        private final InputStream in;
        private final Duration deadline;
        private final long started = System.nanoTime();
        private volatile long last = started;
        private volatile String endedBecause;
        private final java.util.concurrent.ScheduledExecutorService timer =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread thread = new Thread(r, "stall-watch");
                    thread.setDaemon(true);
                    return thread;
                });

        StallWatch(InputStream in, Duration deadline) {
            this.in = in;
            this.deadline = deadline;
            timer.scheduleAtFixedRate(this::check, 200, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        void progressed() {
            last = System.nanoTime();
        }

        private void check() {
            if (endedBecause != null) {
                return;
            }
            long now = System.nanoTime();
            if (now - last > stall.toNanos()) {
                end(STALLED + " (no data for " + stall.toSeconds() + " s)");
            } else if (now - started > deadline.toNanos()) {
                end("the transfer did not finish within " + deadline.toSeconds() + " s (the server sends too slowly)");
            }
        }

        private void end(String reason) {
            endedBecause = reason;
            try {
                in.close(); // unblocks the reading thread with an IOException
            } catch (IOException ignored) {
                // closing is all we can do
            }
        }

        @Override
        public void close() throws IOException {
            timer.shutdownNow();
            if (endedBecause != null) {
                throw new Ended(endedBecause);
            }
        }
    }

    static String progress(long copied, long length, long nanos) {
        double mib = copied / 1048576.0;
        double seconds = Math.max(nanos / 1e9, 0.001);
        String rate = String.format("%.1f MiB/s", mib / seconds);
        return length > 0
                ? String.format("%.1f of %.1f MiB (%d%%), %s", mib, length / 1048576.0, copied * 100 / length, rate)
                : String.format("%.1f MiB, %s", mib, rate);
    }
}
