package dev.cloudimages.testing.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.cloudimages.testing.gcp.FakeGcp.JSON;
import static dev.cloudimages.testing.gcp.FakeGcp.error;
import static dev.cloudimages.testing.gcp.FakeGcp.reply;

/**
 * Compute v1 global images and operations, as REST JSON: insert (from a tar.gz object holding a
 * whole-GiB disk.raw), get, list with a labels filter, delete, deprecate, setLabels (fingerprint
 * checked), getIamPolicy/setIamPolicy (etag checked). Every change is an operation that is RUNNING
 * for {@link #POLLS} reads and then DONE, when its effect happens.
 */
final class FakeCompute {

    static final int POLLS = 2;
    private static final Pattern NAME = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern LABEL_KEY = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    private static final Pattern LABEL_VALUE = Pattern.compile("[a-z0-9_-]{0,63}");
    private static final Pattern SOURCE = Pattern.compile("https://storage\\.googleapis\\.com/([^/]+)/(.+)");

    /** A running operation: polls left, and what happens when it is done (or the error it ends with). */
    private record Operation(ObjectNode json, int[] polls, Runnable effect, String errorCode, String errorMessage,
                             String type, long started) {
    }

    private final FakeGcp gcp;
    private final AtomicLong ids = new AtomicLong(1000);
    private final Map<String, ObjectNode> images = new TreeMap<>();
    private final Map<String, ObjectNode> policies = new TreeMap<>();
    private final Map<String, Operation> operations = new LinkedHashMap<>();
    private volatile int insertPolls = POLLS;

    FakeCompute(FakeGcp gcp) {
        this.gcp = gcp;
    }

    void insertPolls(int polls) {
        insertPolls = polls;
    }

    synchronized Map<String, JsonNode> images() {
        Map<String, JsonNode> copy = new TreeMap<>();
        images.forEach((k, v) -> copy.put(k, v.deepCopy()));
        return copy;
    }

    synchronized JsonNode policy(String image) {
        return policies.getOrDefault(image, emptyPolicy()).deepCopy();
    }

    synchronized void setPolicyDirectly(String image, JsonNode bindings) {
        ObjectNode policy = emptyPolicy();
        policy.set("bindings", bindings.deepCopy());
        policy.put("etag", etag());
        policies.put(image, policy);
    }

    synchronized void serve(HttpExchange exchange, String rest, Map<String, String> query, byte[] body)
            throws IOException {
        // Google's Java HTTP transport sends PATCH as POST with X-HTTP-Method-Override, which Google honours
        String override = exchange.getRequestHeaders().getFirst("X-HTTP-Method-Override");
        String method = override != null && exchange.getRequestMethod().equals("POST") ? override
                : exchange.getRequestMethod();
        String[] parts = rest.split("/");
        if (parts.length < 3 || !parts[0].equals(FakeGcp.PROJECT) || !parts[1].equals("global")) {
            error(exchange, 404, "The resource 'projects/" + rest + "' was not found", "notFound");
            return;
        }
        JsonNode json = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        if (parts[2].equals("operations") && parts.length >= 4) {
            operation(exchange, parts[3]);
        } else if (!parts[2].equals("images")) {
            error(exchange, 404, "no such collection " + parts[2], "notFound");
        } else if (parts.length == 3 && method.equals("POST")) {
            insert(exchange, (ObjectNode) json);
        } else if (parts.length == 3) {
            list(exchange, query.getOrDefault("filter", ""));
        } else if (parts.length == 5 && parts[3].equals("family") && method.equals("GET")) {
            FakeFamilies.getFromFamily(exchange, images, parts[4]);
        } else {
            String name = parts[3];
            String verb = parts.length > 4 ? parts[4] : method;
            ObjectNode image = images.get(name);
            if (image == null) {
                error(exchange, 404, "The resource 'projects/" + FakeGcp.PROJECT + "/global/images/" + name
                        + "' was not found", "notFound");
                return;
            }
            switch (verb) {
                case "GET" -> reply(exchange, 200, image);
                case "DELETE" -> {
                    image.put("status", "DELETING");
                    start(exchange, "delete", name, () -> {
                        images.remove(name);
                        policies.remove(name);
                    }, null);
                }
                case "PATCH" -> {
                    String refused = FakeFamilies.patchProblem(image, json);
                    if (refused != null) {
                        error(exchange, 400, refused, "invalid");
                    } else {
                        start(exchange, "patch", name, () -> FakeFamilies.patch(image, json), null);
                    }
                }
                case "deprecate" -> deprecate(exchange, image, json);
                case "setLabels" -> setLabels(exchange, image, json);
                case "getIamPolicy" -> reply(exchange, 200, policy(name));
                case "setIamPolicy" -> setIamPolicy(exchange, name, json.path("policy"));
                default -> error(exchange, 400, "unknown method " + verb, "invalid");
            }
        }
    }

    private void insert(HttpExchange exchange, ObjectNode body) throws IOException {
        FakeGcp.Fault fault = gcp.takeFault("images.insert", FakeGcp.Fault.QUOTA_EXCEEDED,
                FakeGcp.Fault.PERMISSION_DENIED, FakeGcp.Fault.OPERATION_FAILS);
        String name = body.path("name").asText();
        if (fault == FakeGcp.Fault.QUOTA_EXCEEDED) {
            error(exchange, 403, "Quota 'IMAGES' exceeded. Limit: 0.0 globally.", "quotaExceeded");
            return;
        }
        if (fault == FakeGcp.Fault.PERMISSION_DENIED) {
            error(exchange, 403, "Required 'compute.images.create' permission for 'projects/" + FakeGcp.PROJECT
                    + "/global/images/" + name + "'", "forbidden");
            return;
        }
        if (!NAME.matcher(name).matches()) {
            error(exchange, 400, "Invalid value for field 'resource.name': '" + name + "'", "invalid");
            return;
        }
        String labels = badLabels(body.path("labels"));
        if (labels != null) {
            error(exchange, 400, labels, "invalid");
            return;
        }
        if (body.has("family") && !NAME.matcher(body.path("family").asText()).matches()) {
            error(exchange, 400, "Invalid value for field 'resource.family': '" + body.path("family").asText() + "'",
                    "invalid");
            return;
        }
        if (images.containsKey(name)) {
            error(exchange, 409, "The resource 'projects/" + FakeGcp.PROJECT + "/global/images/" + name
                    + "' already exists", "alreadyExists");
            return;
        }
        String problem = fault == FakeGcp.Fault.OPERATION_FAILS ? "the fake was told to fail this import"
                : checkRawDisk(body.path("rawDisk").path("source").asText());
        ObjectNode image = body.deepCopy();
        image.put("kind", "compute#image").put("id", Long.toString(ids.incrementAndGet()))
                .put("status", "PENDING").put("selfLink", gcp.endpoint() + "/compute/v1/projects/"
                        + FakeGcp.PROJECT + "/global/images/" + name)
                .put("labelFingerprint", fingerprint(image.path("labels")))
                .put("creationTimestamp", FakeFamilies.now());
        images.put(name, image);
        start(exchange, "insert", name, () -> image.put("status", problem == null ? "READY" : "FAILED"),
                problem);
    }

    /** What real Compute checks of rawDisk.source: an existing gzip'd tar whose first member is a whole-GiB disk.raw. */
    private String checkRawDisk(String source) {
        Matcher matcher = SOURCE.matcher(source);
        if (!matcher.matches()) {
            return "rawDisk.source '" + source + "' is not a Cloud Storage URL";
        }
        byte[] content = gcp.storage.read(matcher.group(1), matcher.group(2));
        if (content == null) {
            return "rawDisk.source " + source + " does not exist";
        }
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(content))) {
            byte[] header = in.readNBytes(512);
            String entry = new String(header, 0, 100, java.nio.charset.StandardCharsets.US_ASCII).replace("\0", "");
            // oldgnu sparse ('S') keeps the real size at offset 483; a plain file at 124
            boolean sparse = header[156] == 'S';
            String octal = new String(header, sparse ? 483 : 124, 12, java.nio.charset.StandardCharsets.US_ASCII)
                    .replace("\0", "").trim();
            long size = Long.parseLong(octal, 8);
            if (!entry.equals("disk.raw")) {
                return "the tar's first member is '" + entry + "', not disk.raw";
            }
            if (size == 0 || size % (1L << 30) != 0) {
                return "disk.raw is " + size + " bytes, not a whole number of GiB";
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "rawDisk.source is not a gzip'd tar: " + e.getMessage();
        }
    }

    private void list(HttpExchange exchange, String filter) throws IOException {
        java.util.function.Predicate<JsonNode> keep;
        try {
            keep = FakeFilter.parse(filter);
        } catch (FakeFilter.Invalid e) {
            error(exchange, 400, e.getMessage(), "invalid");
            return;
        }
        ObjectNode list = JSON.createObjectNode().put("kind", "compute#imageList");
        var items = list.putArray("items");
        for (ObjectNode image : images.values()) {
            if (keep.test(image)) {
                items.add(image);
            }
        }
        reply(exchange, 200, list);
    }

    /** What Compute says of labels it refuses (keys and values lower case, at most 63 characters), or null. */
    private static String badLabels(JsonNode labels) {
        for (var it = labels.fields(); it.hasNext(); ) {
            var label = it.next();
            if (!LABEL_KEY.matcher(label.getKey()).matches() || !LABEL_VALUE.matcher(label.getValue().asText()).matches()) {
                return "Invalid value for field 'labels': label '" + label.getKey() + "' = '" + label.getValue().asText()
                        + "'. Label keys and values may hold lower-case letters, digits, '_' and '-', at most 63";
            }
        }
        return null;
    }

    /**
     * Compute keeps the deprecation's times as RFC 3339 in its own form (milliseconds and an offset,
     * here Pacific as GCP answers), not as sent: a caller comparing strings sees a change every run.
     */
    private static String normaliseTime(String sent) {
        java.time.Instant at = java.time.OffsetDateTime.parse(sent).toInstant();
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx")
                .format(at.atZone(java.time.ZoneId.of("America/Los_Angeles")));
    }

    private void deprecate(HttpExchange exchange, ObjectNode image, JsonNode body) throws IOException {
        String state = body.path("state").asText("");
        if (!List.of("ACTIVE", "DEPRECATED", "OBSOLETE", "DELETED").contains(state)) {
            error(exchange, 400, "Invalid value for field 'deprecationStatus.state': '" + state + "'", "invalid");
            return;
        }
        ObjectNode stored = JSON.createObjectNode().put("state", state);
        for (String field : List.of("deprecated", "obsolete", "deleted")) {
            if (body.hasNonNull(field) && !body.get(field).asText().isEmpty()) {
                try {
                    stored.put(field, normaliseTime(body.get(field).asText()));
                } catch (java.time.format.DateTimeParseException e) {
                    error(exchange, 400, "Invalid value for field 'deprecationStatus." + field + "': '"
                            + body.get(field).asText() + "'. Must be an RFC 3339 timestamp", "invalid");
                    return;
                }
            }
        }
        if (body.hasNonNull("replacement")) {
            stored.set("replacement", body.get("replacement"));
        }
        start(exchange, "deprecate", image.path("name").asText(), () -> image.set("deprecated", stored), null);
    }

    private void setLabels(HttpExchange exchange, ObjectNode image, JsonNode body) throws IOException {
        if (!body.path("labelFingerprint").asText().equals(image.path("labelFingerprint").asText())) {
            error(exchange, 412, "Labels fingerprint either invalid or resource labels have changed",
                    "conditionNotMet");
            return;
        }
        JsonNode labels = body.path("labels").deepCopy();
        String bad = badLabels(labels);
        if (bad != null) {
            error(exchange, 400, bad, "invalid");
            return;
        }
        start(exchange, "setLabels", image.path("name").asText(), () -> {
            image.set("labels", labels);
            image.put("labelFingerprint", fingerprint(labels));
        }, null);
    }

    private void setIamPolicy(HttpExchange exchange, String name, JsonNode policy) throws IOException {
        FakeGcp.Fault fault = gcp.takeFault("images.setIamPolicy", FakeGcp.Fault.PERMISSION_DENIED,
                FakeGcp.Fault.POLICY_CHANGED_MEANWHILE);
        if (fault == FakeGcp.Fault.POLICY_CHANGED_MEANWHILE) {
            // someone else's write lands between the caller's read and this write
            ObjectNode other = policies.getOrDefault(name, emptyPolicy()).deepCopy();
            other.withArray("bindings").addObject().put("role", "roles/compute.viewer").putArray("members")
                    .add("user:other@example.com");
            other.put("etag", etag());
            policies.put(name, other);
        }
        if (fault == FakeGcp.Fault.PERMISSION_DENIED) {
            error(exchange, 403, "Required 'compute.images.setIamPolicy' permission for 'projects/"
                    + FakeGcp.PROJECT + "/global/images/" + name + "'", "forbidden");
            return;
        }
        ObjectNode current = policies.getOrDefault(name, emptyPolicy());
        if (policy.has("etag") && !policy.path("etag").asText().equals(current.path("etag").asText())) {
            error(exchange, 412, "There were concurrent policy changes. Please retry the whole read-modify-write"
                    + " with exponential backoff.", "conditionNotMet");
            return;
        }
        ObjectNode stored = policy.deepCopy();
        stored.put("etag", etag());
        stored.put("version", 1);
        policies.put(name, stored);
        reply(exchange, 200, stored);
    }

    private void operation(HttpExchange exchange, String name) throws IOException {
        Operation operation = operations.get(name);
        if (operation == null) {
            error(exchange, 404, "The resource 'projects/" + FakeGcp.PROJECT + "/global/operations/" + name
                    + "' was not found", "notFound");
            return;
        }
        if (operation.json().path("status").asText().equals("RUNNING") && --operation.polls()[0] <= 0
                && gcp.latency.passed(operation.type(), operation.started())) {
            operation.effect().run();
            operation.json().put("status", "DONE").put("progress", 100);
            if (operation.errorCode() != null) {
                operation.json().putObject("error").putArray("errors").addObject()
                        .put("code", operation.errorCode()).put("message", operation.errorMessage());
            }
        }
        reply(exchange, 200, operation.json());
    }

    private void start(HttpExchange exchange, String type, String image, Runnable effect, String problem)
            throws IOException {
        String name = "operation-" + ids.incrementAndGet();
        ObjectNode json = JSON.createObjectNode().put("kind", "compute#operation")
                .put("id", Long.toString(ids.get())).put("name", name).put("operationType", type)
                .put("targetLink", gcp.endpoint() + "/compute/v1/projects/" + FakeGcp.PROJECT + "/global/images/"
                        + image).put("status", "RUNNING").put("progress", 0)
                .put("selfLink", gcp.endpoint() + "/compute/v1/projects/" + FakeGcp.PROJECT + "/global/operations/"
                        + name);
        operations.put(name, new Operation(json, new int[] {type.equals("insert") ? insertPolls : POLLS}, effect,
                problem == null ? null : "IMAGE_IMPORT_FAILED", problem, type, System.nanoTime()));
        reply(exchange, 200, json);
    }

    private ObjectNode emptyPolicy() {
        return JSON.createObjectNode().put("version", 1).put("etag", "ACAB");
    }

    private String etag() {
        return Base64.getEncoder().encodeToString(Long.toString(ids.incrementAndGet()).getBytes());
    }

    private static String fingerprint(JsonNode labels) {
        return Base64.getEncoder().encodeToString(Integer.toHexString(String.valueOf(labels).hashCode()).getBytes());
    }
}
