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
        try (InputStream in = open(url, TEXT_TIMEOUT).body()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new Failure(AtomicFiles.describe(e), false);
        }
    }

    /** Downloads {@code url} to {@code target} (renamed into place when complete), logging progress. */
    public static void toFile(String url, Path target, Log log) throws Failure {
        Path temp = null;
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            temp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName() + ".", ".part");
            Body body = open(url, null);
            try (InputStream in = body.body(); OutputStream out = Files.newOutputStream(temp)) {
                copyWithProgress(in, out, body.length(), target.getFileName().toString(), log);
            }
            AtomicFiles.moveIntoPlace(temp, target);
        } catch (IOException e) {
            AtomicFiles.deleteQuietly(temp);
            throw new Failure(AtomicFiles.describe(e), false);
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
            HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
            if (timeout != null) {
                request.timeout(timeout);
            }
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                response.body().close();
                throw new Failure("HTTP " + response.statusCode(), response.statusCode() == 404);
            }
            return new Body(response.body(), response.headers().firstValueAsLong("content-length").orElse(-1));
        } catch (IOException e) {
            throw new Failure(AtomicFiles.describe(e), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted", false);
        }
    }

    private static void copyWithProgress(InputStream in, OutputStream out, long length, String name, Log log)
            throws IOException {
        byte[] buffer = new byte[1 << 16];
        long copied = 0;
        long started = System.nanoTime();
        long lastReport = started;
        int read;
        while ((read = in.read(buffer)) >= 0) {
            out.write(buffer, 0, read);
            copied += read;
            long now = System.nanoTime();
            if (now - lastReport >= PROGRESS_EVERY_NANOS) {
                lastReport = now;
                log.info("  %s: %s", name, progress(copied, length, now - started));
            }
        }
        log.info("  %s: %s", name, progress(copied, copied, System.nanoTime() - started));
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
