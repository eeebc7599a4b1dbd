package dev.cloudimages.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** An HTTP server on 127.0.0.1 serving fixed bodies, for hermetic tests. */
public final class FixtureServer implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<String, AtomicInteger> perPath = new ConcurrentHashMap<>();

    public FixtureServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            perPath.computeIfAbsent(exchange.getRequestURI().getPath(), p -> new AtomicInteger()).incrementAndGet();
            byte[] body = bodies.get(exchange.getRequestURI().getPath());
            int status = body == null ? 404 : 200;
            byte[] payload = body == null ? "not found".getBytes(StandardCharsets.UTF_8) : body;
            exchange.sendResponseHeaders(status, payload.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(payload);
            }
        });
        server.start();
    }

    public FixtureServer serve(String path, String body) {
        bodies.put(path, body.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public FixtureServer serve(String path, byte[] body) {
        bodies.put(path, body);
        return this;
    }

    /** Serves every file under {@code dir} at {@code prefix}/relative/path. */
    public FixtureServer serveTree(String prefix, java.nio.file.Path dir) throws IOException {
        try (var files = java.nio.file.Files.walk(dir)) {
            for (java.nio.file.Path file : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                serve(prefix + "/" + dir.relativize(file).toString().replace('\\', '/'),
                        java.nio.file.Files.readAllBytes(file));
            }
        }
        return this;
    }

    public int requests(String path) {
        AtomicInteger count = perPath.get(path);
        return count == null ? 0 : count.get();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
