package dev.cloudimages.testing.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake OCI on 127.0.0.1 that the real OCI SDK clients talk HTTP to: Object Storage (namespace,
 * multipart uploads with each part's MD5 checked, objects, PARs) and Core (images made from an
 * object or a PAR URL through work requests that progress over polls, capability schemas, shape
 * compatibility, export) per region, under {@code /<region>/os} and {@code /<region>/iaas}. It
 * checks the keyId of each request's signature (not the signature), keeps state the tests can
 * inspect, and injects faults.
 */
public final class FakeOci implements AutoCloseable {

    public static final String NAMESPACE = "fakens";
    public static final String TENANCY = "ocid1.tenancy.oc1..faketenancy";
    public static final String USER = "ocid1.user.oc1..fakeuser";
    public static final String FINGERPRINT = "12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:de:f0";
    public static final String COMPARTMENT = "ocid1.compartment.oc1..fakecompartment";
    public static final String BUCKET = "images";
    public static final List<String> REGIONS = List.of("eu-frankfurt-1", "uk-london-1", "us-ashburn-1");
    /** A region the tenancy's subscription to is still under way: listed, not READY, not served. */
    public static final String SUBSCRIBING = "ap-tokyo-1";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern KEY_ID = Pattern.compile("keyId=\"([^\"]*)\"");

    /** One request as the fake saw it, for assertions. */
    public record Request(String region, String method, String path, JsonNode body, Map<String, String> query) {
    }

    /** A multipart upload: the bucket ("region/bucket") and object it was created for, and its parts so far. */
    record Upload(String bucketKey, String object, String uploadId, String created, Map<Integer, byte[]> parts) {
    }

    public record Par(String id, String name, String region, String bucket, String object, String token,
                      String expires) {
    }

    final Map<String, Map<String, byte[]>> objects = new ConcurrentHashMap<>();
    /** The ETag of each object's current version, by "region/bucket/name": new with every write. */
    final Map<String, String> etags = new ConcurrentHashMap<>();
    /** Multipart uploads neither committed nor aborted, by upload id. */
    final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    volatile int listPageSize = 1000;
    final Map<String, Par> pars = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final Set<String> deniedRegions = ConcurrentHashMap.newKeySet();
    /**
     * Core (and work request) calls per second per region before 429 TooManyRequests. OCI
     * publishes no figure for these APIs; 20 a second is the order at which tenancies report
     * 429s, and tests polling every 20 ms meet it at once, so the adapter must get by.
     */
    public static final double CORE_RATE = 20;
    final dev.cloudimages.testing.RateLimit coreLimit = new dev.cloudimages.testing.RateLimit(CORE_RATE);
    volatile dev.cloudimages.testing.Latency latency = dev.cloudimages.testing.Latency.NONE;
    volatile int failingPart;
    volatile String keyId = TENANCY + "/" + USER + "/" + FINGERPRINT;
    final FakeCompute compute = new FakeCompute(this);
    private final HttpServer server;

    private FakeOci() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.start();
    }

    public static FakeOci start() {
        try {
            return new FakeOci();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Writes an ~/.oci/config-style file with a throwaway RSA key into {@code dir}; the env
     * points the CLI at it and at this fake, in {@code region}.
     */
    public Map<String, String> env(Path dir, String region) {
        Map<String, String> env = new TreeMap<>(configFile(dir, region));
        env.put("OCI_ENDPOINT_IAAS", url() + "/{region}/iaas");
        env.put("OCI_ENDPOINT_OBJECTSTORAGE", url() + "/{region}/os");
        env.put("OCI_ENDPOINT_IDENTITY", url() + "/{region}/identity");
        return env;
    }

    /** Writes the config file and key alone (no fake needed): OCI_CONFIG_FILE pointing at it. */
    public static Map<String, String> configFile(Path dir, String region) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Path key = dir.resolve("oci_api_key.pem");
            Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
            Path config = dir.resolve("oci-config");
            Files.writeString(config, "[DEFAULT]\nuser=" + USER + "\nfingerprint=" + FINGERPRINT + "\ntenancy=" + TENANCY
                    + "\nregion=" + region + "\nkey_file=" + key + "\n");
            return Map.of("OCI_CONFIG_FILE", config.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- inspection ---

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public Map<String, byte[]> objects(String region) {
        return Map.copyOf(objects.getOrDefault(region + "/" + BUCKET, Map.of()));
    }

    public List<Par> pars() {
        return List.copyOf(pars.values());
    }

    public int openUploads() {
        return uploads.size();
    }

    public List<FakeCompute.Image> images(String region) {
        return compute.images(region);
    }

    public Map<String, JsonNode> schemas() {
        return compute.schemas();
    }

    /** ListObjects answers at most this many entries a page, so paging is exercised. */
    public void listPageSize(int entries) {
        listPageSize = entries;
    }

    // --- faults ---

    /** Every upload of this part number fails (HTTP 500), until cleared with 0. */
    public void failPart(int number) {
        failingPart = number;
    }

    /** Every Core call in this region answers NotAuthorizedOrNotFound. */
    public void deny(String region) {
        deniedRegions.add(region);
    }

    public void allow(String region) {
        deniedRegions.remove(region);
    }

    public void failNextWorkRequest(String message) {
        compute.failNext = message;
    }

    /** Work requests finish after this many looks (2 unless set): a slow import, to interrupt. */
    public void workRequestPolls(int polls) {
        compute.pollsToFinish = polls;
    }

    /**
     * The next {@code polls} reads of work requests answer 429 TooManyRequests, as OCI answers a
     * tenancy polling too fast (not by default: the SDK waits 2 s and more before each retry).
     */
    public void throttleWorkRequestPolls(int polls) {
        compute.throttleNext.set(polls);
    }

    /** Core calls per second per region beyond which the fake answers 429 ({@link #CORE_RATE} unless set; 0: never). */
    public void coreRate(double perSecond) {
        coreLimit.set(perSecond);
    }

    /** Core calls answered 429 by the rate limit so far. */
    public long throttled() {
        return coreLimit.refused();
    }

    /** How long image imports and exports take ({@link dev.cloudimages.testing.Latency#NONE} unless set). */
    public void latency(dev.cloudimages.testing.Latency latency) {
        this.latency = latency;
    }

    public void quotaOnNextCreate() {
        compute.quotaNext = true;
    }

    /** The keyId the fake accepts; another makes every request a 401. */
    public void acceptKeyId(String id) {
        keyId = id;
    }

    // --- HTTP ---

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] parts = exchange.getRequestURI().getRawPath().split("/", 4);
            if (parts.length < 3) {
                reply(exchange, 404, error("NotFound", "no such path"));
                return;
            }
            String region = parts[1];
            String service = parts[2];
            String rest = parts.length > 3 ? "/" + parts[3] : "/";
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (service.equals("os") && rest.startsWith("/p/")) {
                parRead(exchange, rest);
                return;
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            Matcher key = KEY_ID.matcher(auth == null ? "" : auth);
            if (!key.find() || !key.group(1).equals(keyId)) {
                reply(exchange, 401, error("NotAuthenticated", "The required information to complete authentication"
                        + " was not provided or was incorrect."));
                return;
            }
            JsonNode json = null;
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            if (body.length > 0 && type != null && type.contains("json")) {
                json = JSON.readTree(body);
            }
            Map<String, String> query = query(exchange.getRequestURI());
            requests.add(new Request(region, exchange.getRequestMethod(), service + rest, json, query));
            if (!REGIONS.contains(region)) {
                // the user exists only in the regions the tenancy is subscribed to
                reply(exchange, 401, error("NotAuthenticated", "The tenancy is not subscribed to region " + region));
            } else if (service.equals("identity")) {
                identity(exchange, rest);
            } else if (service.equals("os")) {
                new FakeObjectStorage(this).handle(exchange, region, rest, query, body);
            } else if (!coreLimit.allow(region)) {
                reply(exchange, 429, error("TooManyRequests", "Too many requests for the tenancy"));
            } else if (deniedRegions.contains(region)) {
                reply(exchange, 404, error("NotAuthorizedOrNotFound", "Authorization failed or requested resource not found."));
            } else {
                compute.handle(exchange, region, rest, query, json);
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            reply(exchange, 500, error("InternalError", String.valueOf(e)));
        }
    }

    /** Identity: the tenancy's region subscriptions, the only call the adapter makes there. */
    private void identity(HttpExchange exchange, String rest) throws IOException {
        List<String> s = segments(rest);
        if (s.size() != 4 || !s.get(0).equals("20160918") || !s.get(1).equals("tenancies")
                || !s.get(3).equals("regionSubscriptions") || !exchange.getRequestMethod().equals("GET")) {
            reply(exchange, 404, error("NotFound", "the fake has no " + exchange.getRequestMethod() + " " + rest));
            return;
        }
        if (!s.get(2).equals(TENANCY)) {
            reply(exchange, 404, error("NotAuthorizedOrNotFound", "no tenancy " + s.get(2)));
            return;
        }
        com.fasterxml.jackson.databind.node.ArrayNode list = JSON.createArrayNode();
        for (String region : REGIONS) {
            list.addObject().put("regionKey", region.substring(0, 3).toUpperCase()).put("regionName", region)
                    .put("status", "READY").put("isHomeRegion", region.equals(REGIONS.get(0)));
        }
        list.addObject().put("regionKey", "NRT").put("regionName", SUBSCRIBING).put("status", "IN_PROGRESS")
                .put("isHomeRegion", false);
        reply(exchange, 200, list);
    }

    private void parRead(HttpExchange exchange, String rest) throws IOException {
        String token = rest.split("/")[2];
        Par par = pars.values().stream().filter(p -> p.token().equals(token)).findFirst().orElse(null);
        byte[] data = par == null ? null : objects.getOrDefault(par.region() + "/" + par.bucket(), Map.of()).get(par.object());
        if (data == null) {
            reply(exchange, 404, error("NotFound", "no such pre-authenticated request"));
            return;
        }
        exchange.sendResponseHeaders(200, data.length);
        exchange.getResponseBody().write(data);
    }

    /** The object a PAR URL of this fake reads, or null. */
    byte[] readUrl(String url) {
        String prefix = url();
        if (!url.startsWith(prefix)) {
            return null;
        }
        String[] parts = url.substring(prefix.length()).split("/");
        // /<region>/os/p/<token>/n/...
        Par par = parts.length > 4 ? pars.values().stream().filter(p -> p.token().equals(parts[4])).findFirst()
                .orElse(null) : null;
        return par == null ? null : objects.getOrDefault(par.region() + "/" + par.bucket(), Map.of()).get(par.object());
    }

    static ObjectNode error(String code, String message) {
        return JSON.createObjectNode().put("code", code).put("message", message);
    }

    static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        reply(exchange, status, body, Map.of());
    }

    static void reply(HttpExchange exchange, int status, Object body, Map<String, String> headers) throws IOException {
        headers.forEach(exchange.getResponseHeaders()::add);
        exchange.getResponseHeaders().add("opc-request-id", Long.toHexString(System.nanoTime()));
        if (body == null) {
            exchange.sendResponseHeaders(status == 200 ? 204 : status, -1);
            return;
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> query = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return query;
    }

    static List<String> segments(String path) {
        List<String> segments = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                segments.add(URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
