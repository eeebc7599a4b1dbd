package dev.cloudimages.testing.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stateful fake of the Google Cloud APIs the gcp adapter uses, on 127.0.0.1 only: the OAuth token
 * endpoint (a service account's signed JWT, checked against the throwaway key this fake made), the
 * Compute v1 REST API for global images and operations ({@link FakeCompute}), and the Cloud Storage
 * JSON API with resumable uploads ({@link FakeStorage}). The real clients talk to it with
 * {@link #env()}. Faults fire once each; the inspection methods return snapshots.
 */
public final class FakeGcp implements AutoCloseable {

    public static final String PROJECT = "cloudimages-fake";
    public static final String BUCKET = "cloudimages-fake-uploads";
    static final ObjectMapper JSON = new ObjectMapper();

    /** What can be made to go wrong, and where ("images.insert", "images.setIamPolicy", "upload", "storage"). */
    public enum Fault { OPERATION_FAILS, QUOTA_EXCEEDED, PERMISSION_DENIED, UPLOAD_INTERRUPTED, POLICY_CHANGED_MEANWHILE }

    /** One request as it arrived, for assertions. */
    public record Request(String method, String path, String query, String body) {
        public String line() {
            return method + " " + path;
        }
    }

    /**
     * Compute requests per second for the project: GCP's default rate quotas are 1,500 requests a
     * minute per group (read requests, and the default group); beyond, 429 rateLimitExceeded.
     */
    public static final double COMPUTE_RATE = 25;
    final dev.cloudimages.testing.RateLimit computeLimit = new dev.cloudimages.testing.RateLimit(COMPUTE_RATE);
    volatile dev.cloudimages.testing.Latency latency = dev.cloudimages.testing.Latency.NONE;

    private final HttpServer server;
    private final ExecutorService executor;
    private final KeyPair key;
    private final Path keyFile;
    private final List<Request> requests = new ArrayList<>();
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    final FakeCompute compute = new FakeCompute(this);
    final FakeStorage storage = new FakeStorage(this);

    private FakeGcp() throws IOException, NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        key = generator.generateKeyPair();
        executor = Executors.newFixedThreadPool(8, r -> {
            Thread thread = new Thread(r, "fake-gcp");
            thread.setDaemon(true);
            return thread;
        });
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", this::serve);
        server.setExecutor(executor);
        server.start();
        keyFile = Files.createTempFile("fake-gcp-sa", ".json");
        keyFile.toFile().deleteOnExit();
        Files.writeString(keyFile, serviceAccountJson());
    }

    public static FakeGcp start() {
        try {
            return new FakeGcp();
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot start the fake GCP on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * The environment that points the gcp adapter at this fake: a service account key whose token_uri
     * is here, the project, both endpoints, and no metadata server.
     */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GOOGLE_APPLICATION_CREDENTIALS", keyFile.toString());
        env.put("GOOGLE_CLOUD_PROJECT", PROJECT);
        env.put("GCP_COMPUTE_ENDPOINT", endpoint());
        env.put("STORAGE_EMULATOR_HOST", endpoint());
        env.put("NO_GCE_CHECK", "true");
        return env;
    }

    /** Makes {@code fault} happen at the next call of {@code method}. */
    public void inject(Fault fault, String method) {
        faults.put(method, fault);
    }

    Fault takeFault(String method, Fault... kinds) {
        Fault fault = faults.get(method);
        if (fault != null && List.of(kinds).contains(fault)) {
            faults.remove(method);
            return fault;
        }
        return null;
    }

    /** Image inserts stay RUNNING for this many operation reads (a slow import). */
    public void slowInserts(int polls) {
        compute.insertPolls(polls);
    }

    /** Compute requests per second beyond which the fake answers 429 ({@link #COMPUTE_RATE} unless set; 0: never). */
    public void computeRate(double perSecond) {
        computeLimit.set(perSecond);
    }

    /** Compute requests answered 429 by the rate limit so far. */
    public long throttled() {
        return computeLimit.refused();
    }

    /** How long operations take (by type: insert, delete, deprecate, setLabels); {@link dev.cloudimages.testing.Latency#NONE} unless set. */
    public void latency(dev.cloudimages.testing.Latency latency) {
        this.latency = latency;
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The images by name, as the API would return them. */
    /** The image images.getFromFamily answers for the family, if any. */
    public java.util.Optional<String> imageFromFamily(String family) {
        return FakeFamilies.newest(compute.images(), family);
    }

    public Map<String, JsonNode> images() {
        return compute.images();
    }

    public JsonNode policy(String image) {
        return compute.policy(image);
    }

    /** Sets an image's IAM policy as someone else would (a new etag). */
    public void setPolicy(String image, JsonNode bindings) {
        compute.setPolicyDirectly(image, bindings);
    }

    /** Objects held, as "bucket/name". */
    public List<String> objects() {
        return storage.objects();
    }

    /** Object listings answer at most this many entries a page, so paging is exercised. */
    public void listPageSize(int items) {
        storage.pageSize(items);
    }

    /** Resumable upload sessions started and not finished. */
    public int openUploads() {
        return storage.openUploads();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean upload = path.startsWith("/upload/");
            synchronized (this) {
                requests.add(new Request(exchange.getRequestMethod(), path, query == null ? "" : query,
                        upload && !exchange.getRequestMethod().equals("POST") ? "<" + body.length + " bytes>"
                                : new String(body, StandardCharsets.UTF_8)));
            }
            if (path.equals("/token")) {
                token(exchange, new String(body, StandardCharsets.UTF_8));
                return;
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.startsWith("Bearer ") || auth.length() < 20) {
                error(exchange, 401, "Request is missing required authentication credential.", "required");
                return;
            }
            if (path.startsWith("/compute/v1/projects/") && !computeLimit.allow("global")) {
                // the project's rate quota: GCP documents 403 rateLimitExceeded for Compute, and answers 429 too
                error(exchange, 429, "Rate Limit Exceeded", "rateLimitExceeded");
            } else if (path.startsWith("/compute/v1/projects/")) {
                compute.serve(exchange, path.substring("/compute/v1/projects/".length()), query(query), body);
            } else if (path.startsWith("/upload/storage/v1/b/") || path.startsWith("/storage/v1/b/")
                    || path.startsWith("/download/storage/v1/b/")) {
                storage.serve(exchange, path, query(query), body);
            } else {
                error(exchange, 404, "no such API: " + path, "notFound");
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    /** The JWT-bearer grant: the assertion must be signed by this fake's service account key. */
    private void token(HttpExchange exchange, String form) throws IOException {
        String assertion = query(form).getOrDefault("assertion", "");
        String[] parts = assertion.split("\\.");
        boolean valid = false;
        if (parts.length == 3) {
            try {
                Signature signature = Signature.getInstance("SHA256withRSA");
                signature.initVerify(key.getPublic());
                signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
                valid = signature.verify(Base64.getUrlDecoder().decode(parts[2]));
            } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
                valid = false;
            }
        }
        if (!valid) {
            reply(exchange, 400, JSON.createObjectNode().put("error", "invalid_grant")
                    .put("error_description", "Invalid JWT Signature."));
            return;
        }
        reply(exchange, 200, JSON.createObjectNode().put("access_token", "ya29.fake-token-for-tests-only")
                .put("expires_in", 3600).put("token_type", "Bearer"));
    }

    private String serviceAccountJson() throws IOException {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        ObjectNode json = JSON.createObjectNode().put("type", "service_account").put("project_id", PROJECT)
                .put("private_key_id", "fake-key-1").put("private_key", pem)
                .put("client_email", "builder@" + PROJECT + ".iam.gserviceaccount.com")
                .put("client_id", "100000000000000000001").put("token_uri", endpoint() + "/token");
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json);
    }

    static Map<String, String> query(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return params;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            params.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    static void reply(HttpExchange exchange, int status, JsonNode json) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(json);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Google's error body: {"error": {"code", "message", "errors": [{"reason", "message", "domain"}]}}. */
    static void error(HttpExchange exchange, int status, String message, String reason) throws IOException {
        ObjectNode error = JSON.createObjectNode();
        ObjectNode inner = error.putObject("error").put("code", status).put("message", message);
        inner.putArray("errors").addObject().put("message", message).put("domain", "global").put("reason", reason);
        reply(exchange, status, error);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            Files.deleteIfExists(keyFile);
        } catch (IOException ignored) {
            // a temporary file; deleteOnExit too
        }
    }
}
