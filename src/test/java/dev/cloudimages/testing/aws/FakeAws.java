package dev.cloudimages.testing.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful fake of the AWS services the aws adapter uses, on 127.0.0.1 only: one HTTP server for the EC2 Query
 * API ({@code POST /}) and the EBS direct API ({@code /snapshots...}), and s3proxy in-process for S3. The real SDK
 * clients talk to it with {@link #env()} (or endpointOverride, the keys and a region). The region of a request is
 * the one in its SigV4 credential scope; only the access key id is checked, not the signature.
 *
 * <p>Faults fire the given number of times; {@link #clearFaults()} ends them all. The inspection methods return
 * immutable snapshots of the state and never count as Describe polls.
 */
public final class FakeAws implements AutoCloseable {
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/[^/]+/([^/]+)/([^/]+)/aws4_request");
    private static final String ACCESS_KEY_ID = "AKIAFAKEAWS000000001";
    private static final String SECRET_ACCESS_KEY = "fakeawsSecretKeyForTestsOnly0000000000000";

    private final AwsState state;
    private final Faults faults = new Faults();
    private final FakeS3 s3;
    private final FakeEc2 ec2;
    private final FakeEbs ebs;
    private final FakeSsm ssm;
    private final HttpServer server;
    private final ExecutorService executor;

    private FakeAws(FakeAwsSettings settings) throws IOException {
        state = new AwsState(settings);
        s3 = FakeS3.start(ACCESS_KEY_ID, SECRET_ACCESS_KEY, state);
        ec2 = new FakeEc2(state, faults, s3::read);
        ebs = new FakeEbs(state, faults);
        ssm = new FakeSsm((region, id) -> {
            synchronized (state) {
                return state.region(region).images.containsKey(id);
            }
        }, FakeEc2.ACCOUNT);
        executor = Executors.newFixedThreadPool(16, runnable -> {
            Thread thread = new Thread(runnable, "fake-aws");
            thread.setDaemon(true);
            return thread;
        });
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", this::serve);
        server.setExecutor(executor);
        server.start();
    }

    /** Starts the fake with the default regions and poll counts ({@link FakeAwsSettings#defaults()}). */
    public static FakeAws start() {
        return start(FakeAwsSettings.defaults());
    }

    public static FakeAws start(FakeAwsSettings settings) {
        try {
            return new FakeAws(settings);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake AWS on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    /** The EC2 and EBS endpoint, {@code http://127.0.0.1:PORT}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The S3 endpoint (path-style addressing only). */
    public URI s3Endpoint() {
        return s3.endpoint();
    }

    public String accessKeyId() {
        return ACCESS_KEY_ID;
    }

    public String secretAccessKey() {
        return SECRET_ACCESS_KEY;
    }

    public String accountId() {
        return FakeEc2.ACCOUNT;
    }

    /** The environment that points the SDK at this fake (endpoints, keys, AWS_REGION=us-east-1). */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_ENDPOINT_URL_EC2", endpoint().toString());
        env.put("AWS_ENDPOINT_URL_EBS", endpoint().toString());
        env.put("AWS_ENDPOINT_URL_SSM", endpoint().toString());
        env.put("AWS_ENDPOINT_URL_S3", s3Endpoint().toString());
        env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY);
        env.put("AWS_REGION", "us-east-1");
        return env;
    }

    // ---- faults and settings

    /** The next {@code times} requests for the action (EC2 action or EBS operation name) are throttled. */
    public void throttle(String action, int times) {
        faults.throttle(action, times);
    }

    /** The next {@code times} PutSnapshotBlock requests fail with HTTP 500 InternalServerException. */
    public void failBlock(int times) {
        faults.failBlock(times);
    }

    /** The next ImportSnapshot task fails this way. */
    public void failImportTask(ImportFailure mode) {
        faults.failImportTask(mode, 1);
    }

    private volatile Duration blockDelay = Duration.ZERO;

    /** Every PutSnapshotBlock takes this long (a slow link), so a test can interrupt an upload. */
    public void delayBlocks(Duration delay) {
        blockDelay = delay;
    }

    /** Every request signed for this region fails with AuthFailure until {@link #clearFaults()}. */
    public void regionAuthFailure(String region) {
        faults.regionAuthFailure(state.region(region).name(), true);
    }

    /** Every CopyImage into this region fails with the error code until {@link #clearFaults()}. */
    public void failCopy(String region, String code) {
        faults.failCopy(state.region(region).name(), code, Faults.UNTIL_CLEARED);
    }

    public void failCopy(String region, String code, int times) {
        faults.failCopy(state.region(region).name(), code, times);
    }

    /** The next RegisterImage fails with the error code (after its parameters were checked). */
    public void failRegister(String code) {
        faults.failRegister(code, 1);
    }

    /** The next {@code times} CopyImage requests (any region) fail with ResourceLimitExceeded. */
    public void resourceLimitOnCopy(int times) {
        faults.resourceLimitOnCopy(times);
    }

    /** The next {@code times} requests for the EC2 action answer the HTTP status with an empty body. */
    public void bareStatus(String action, int status, int times) {
        faults.bareStatus(action, status, times);
    }

    /** While held, import tasks stay active with no progress (a slow conversion), until released or cleared. */
    public void holdImportTasks(boolean held) {
        faults.holdImports(held);
    }

    /** The next RegisterImage makes its AMI without the tags its TagSpecification asked for. */
    public void dropRegisterTags() {
        faults.dropRegisterTags(1);
    }

    /** S3 ListObjects answers at most this many keys a page. */
    public void s3ListPageSize(int keys) {
        s3.listPageSize(keys);
    }

    public void clearFaults() {
        faults.clear();
    }

    /** How many images may be public in the region (AWS's default is 5). */
    public void publicQuota(String region, int quota) {
        synchronized (state) {
            state.region(region).publicQuota = quota;
        }
    }

    /** Block public access for AMIs in the region ({@code block-new-sharing}) or not ({@code unblocked}). */
    public void blockPublicAccess(String region, boolean blocked) {
        synchronized (state) {
            state.region(region).blockPublicAccess = blocked;
        }
    }

    /** The account's EBS encryption by default in the region (off unless turned on). */
    public void encryptionByDefault(String region, boolean on) {
        synchronized (state) {
            state.region(region).encryptionByDefault = on;
        }
    }

    /** Makes a bucket, as a user's own bucket that imports go through would be made beforehand. */
    public void createBucket(String bucket) {
        s3.createBucket(bucket);
    }

    /** Moves the fake's clock forward, e.g. past an EBS direct snapshot's timeout. */
    public void advanceTime(Duration by) {
        synchronized (state) {
            state.advance(by);
        }
    }

    // ---- inspection

    public List<Image> images(String region) {
        synchronized (state) {
            return state.region(region).images.values().stream().map(AwsState.ImageEntry::toRecord).toList();
        }
    }

    public List<Snapshot> snapshots(String region) {
        synchronized (state) {
            ec2.tick();
            return state.region(region).snapshots.values().stream().map(AwsState.SnapshotEntry::toRecord).toList();
        }
    }

    public List<ImportTask> importTasks() {
        synchronized (state) {
            ec2.tick();
            return state.tasks.values().stream().map(AwsState.TaskEntry::toRecord).toList();
        }
    }

    /** The snapshot's whole volume: the written blocks, zeros elsewhere. */
    public byte[] snapshotContent(String region, String snapshotId) {
        synchronized (state) {
            AwsState.SnapshotEntry snapshot = state.region(region).snapshots.get(snapshotId);
            if (snapshot == null) {
                throw new IllegalArgumentException("no snapshot " + snapshotId + " in " + region);
            }
            return snapshot.content();
        }
    }

    /** The snapshot's written blocks by index (512 KiB each), without assembling the whole volume. */
    public SortedMap<Long, byte[]> snapshotBlocks(String region, String snapshotId) {
        synchronized (state) {
            AwsState.SnapshotEntry snapshot = state.region(region).snapshots.get(snapshotId);
            if (snapshot == null) {
                throw new IllegalArgumentException("no snapshot " + snapshotId + " in " + region);
            }
            return Collections.unmodifiableSortedMap(new TreeMap<>(snapshot.blocks));
        }
    }

    public Set<String> buckets() {
        return new TreeSet<>(s3.buckets());
    }

    /** The keys in a bucket, sorted. */
    public List<String> objects(String bucket) {
        return s3.keys(bucket);
    }

    /** The keys of the bucket's multipart uploads neither completed nor aborted (their parts cost like objects). */
    public List<String> openUploads(String bucket) {
        return s3.openUploads(bucket);
    }

    public byte[] object(String bucket, String key) {
        try {
            return s3.read(bucket, key);
        } catch (Exception e) {
            throw new IllegalArgumentException("no object " + key + " in bucket " + bucket, e);
        }
    }

    /** EBS direct blocks accepted by PutSnapshotBlock. */
    public long blocksReceived() {
        return state.blocksReceived.get();
    }

    /** Request body bytes received by an API: {@code ec2}, {@code ebs} or {@code s3} (object data only). */
    public long bytesReceived(String api) {
        var counter = state.bytesReceived.get(api);
        return counter == null ? 0 : counter.get();
    }

    /** The EC2 actions and EBS operations requested in the region, in order (refused ones included). */
    public List<String> requests(String region) {
        synchronized (state.region(region).requests) {
            return List.copyOf(state.region(region).requests);
        }
    }

    /** The region's SSM parameters, name to value. */
    public Map<String, String> ssmParameters(String region) {
        Map<String, String> values = new TreeMap<>();
        ssm.all(region).forEach(p -> values.put(p.name(), p.value()));
        return values;
    }

    /** An instance was launched from the AMI at {@code when} (EC2's lastLaunchedTime). */
    public void launched(String region, String imageId, java.time.Instant when) {
        synchronized (state) {
            state.region(region).images.get(imageId).lastLaunched = when;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        s3.close();
    }

    // ---- HTTP

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (target != null && target.startsWith("AmazonSSM.")) {
                serveSsm(exchange, target, body);
                return;
            }
            boolean isEbs = path.startsWith("/snapshots");
            state.countBytes(isEbs ? "ebs" : "ec2", body.length);
            HttpReply reply;
            try {
                reply = isEbs ? serveEbs(exchange, path, body) : serveEc2(exchange, body);
            } catch (AwsError error) {
                reply = isEbs ? FakeEbs.error(error) : HttpReply.xml(error.status, Xml.error(error.code, error.getMessage()));
            } catch (RuntimeException e) {
                String message = "fake AWS bug: " + e;
                reply = isEbs ? FakeEbs.error(new AwsError(500, "InternalServerException", message))
                        : HttpReply.xml(500, Xml.error("InternalError", message));
            }
            send(exchange, reply);
        }
    }

    private void serveSsm(HttpExchange exchange, String target, byte[] body) throws IOException {
        HttpReply reply;
        try {
            reply = ssm.handle(target, body, authenticate(exchange, target).name());
        } catch (AwsError error) {
            reply = HttpReply.json(error.status, "{\"__type\":\"" + error.code + "\",\"message\":\"\"}",
                    Map.of("x-amzn-ErrorType", error.code));
        }
        send(exchange, reply);
    }

    private HttpReply serveEc2(HttpExchange exchange, byte[] body) {
        QueryParams params = QueryParams.parse(new String(body, StandardCharsets.UTF_8));
        String action = params.get("Action");
        AwsState.RegionState region = authenticate(exchange, action == null ? "(no action)" : action);
        if (action == null) {
            throw AwsError.client("MissingAction", "The request must contain the parameter Action");
        }
        if (faults.takeThrottle(action)) {
            throw new AwsError(503, "RequestLimitExceeded", "Request limit exceeded.");
        }
        int bare = faults.takeBareStatus(action);
        if (bare != 0) {
            return new HttpReply(bare, "text/html", Map.of(), new byte[0]);
        }
        synchronized (state) {
            return HttpReply.xml(200, ec2.handle(new Ec2Request(action, params, region)));
        }
    }

    private HttpReply serveEbs(HttpExchange exchange, String path, byte[] body) {
        String operation = FakeEbs.operation(exchange.getRequestMethod(), path);
        if (operation.equals("PutSnapshotBlock") && !blockDelay.isZero()) {
            try {
                Thread.sleep(blockDelay.toMillis()); // a slow link, outside any lock
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        AwsState.RegionState region;
        try {
            region = authenticate(exchange, operation);
        } catch (AwsError error) {
            throw new AwsError(403, "AccessDeniedException", error.getMessage(), "UNAUTHORIZED_ACCOUNT");
        }
        return ebs.handle(operation, path, name -> exchange.getRequestHeaders().getFirst(name), body, region);
    }

    /** The region the request is signed for, after the access key and the region's status are checked. */
    private AwsState.RegionState authenticate(HttpExchange exchange, String action) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        Matcher credential = CREDENTIAL.matcher(authorization == null ? "" : authorization);
        if (!credential.find()) {
            throw new AwsError(401, "AuthFailure", "AWS was not able to validate the provided access credentials");
        }
        AwsState.RegionState region = state.regions.get(credential.group(2));
        if (region != null) {
            region.requests.add(action);
        }
        if (!ACCESS_KEY_ID.equals(credential.group(1))) {
            throw new AwsError(401, "AuthFailure", "AWS was not able to validate the provided access credentials");
        }
        // AWS does not say why: a region not opted in answers as a wrong key does
        if (region == null || !region.region.enabled() || faults.authFails(region.name())) {
            throw new AwsError(401, "AuthFailure", "AWS was not able to validate the provided access credentials");
        }
        return region;
    }

    private static void send(HttpExchange exchange, HttpReply reply) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(reply.body());
        }
    }

    /** For FakeAwsMain: the regions the fake serves. */
    List<String> regionNames() {
        return new ArrayList<>(state.regions.keySet());
    }
}
