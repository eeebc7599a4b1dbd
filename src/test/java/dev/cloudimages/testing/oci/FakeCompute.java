package dev.cloudimages.testing.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.cloudimages.testing.oci.FakeOci.JSON;
import static dev.cloudimages.testing.oci.FakeOci.error;
import static dev.cloudimages.testing.oci.FakeOci.reply;

/**
 * The Core paths of {@link FakeOci} (API 20160918): images made from an object or a PAR URL
 * through work requests that go ACCEPTED, IN_PROGRESS, then SUCCEEDED (or FAILED) over polls,
 * the image PROVISIONING (EXPORTING) until then; capability schemas, shapes, export, work requests.
 */
public final class FakeCompute {

    private static final byte[] QCOW2 = {'Q', 'F', 'I', (byte) 0xfb};

    /** One custom image, as the fake holds it. */
    public static final class Image {
        public final String id = "ocid1.image.oc1.." + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        public final String region;
        public final String compartment;
        public final String displayName;
        public final String launchMode;
        public final String operatingSystem;
        public final JsonNode source;
        public volatile String lifecycle = "PROVISIONING";
        public volatile Map<String, String> tags;
        public volatile byte[] data;
        /** OCI's x86 defaults until changed, whatever the image holds. */
        public final List<String> shapes = new CopyOnWriteArrayList<>(FakeShapes.X86_DEFAULTS);

        Image(String region, String compartment, String displayName, String launchMode, JsonNode source,
              Map<String, String> tags) {
            this.region = region;
            this.compartment = compartment;
            this.displayName = displayName;
            this.launchMode = launchMode;
            this.operatingSystem = source.path("operatingSystem").asText("Custom");
            this.source = source;
            this.tags = tags;
        }

        public String sha256() {
            return data == null ? "" : FakeCompute.sha256(data);
        }
    }

    private static final class WorkRequest {
        final String id = "ocid1.coreservicesworkrequest.oc1.." + UUID.randomUUID().toString().replace("-", "");
        final String operation;
        final Image image;
        final JsonNode export;
        volatile String failure;
        volatile int polls;
        volatile String status = "ACCEPTED";
        final long started = System.nanoTime();

        WorkRequest(String operation, Image image, JsonNode export, String failure) {
            this.operation = operation;
            this.image = image;
            this.export = export;
            this.failure = failure;
        }
    }

    private final FakeOci oci;
    private final Map<String, Image> images = new ConcurrentHashMap<>();
    private final Map<String, WorkRequest> work = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> schemas = new ConcurrentHashMap<>();
    volatile String failNext;
    volatile boolean quotaNext;
    volatile int pollsToFinish = 2;
    final java.util.concurrent.atomic.AtomicInteger throttleNext = new java.util.concurrent.atomic.AtomicInteger();

    FakeCompute(FakeOci oci) {
        this.oci = oci;
    }

    List<Image> images(String region) {
        return images.values().stream().filter(i -> i.region.equals(region)).toList();
    }

    Map<String, JsonNode> schemas() {
        Map<String, JsonNode> byImage = new LinkedHashMap<>();
        schemas.values().forEach(s -> byImage.put(s.get("imageId").asText(), s.get("schemaData")));
        return byImage;
    }

    void handle(HttpExchange exchange, String region, String path, Map<String, String> query, JsonNode body)
            throws IOException {
        List<String> s = FakeOci.segments(path);
        String method = exchange.getRequestMethod();
        if (s.isEmpty() || !s.get(0).equals("20160918")) {
            reply(exchange, 404, error("NotFound", "the fake has no " + method + " " + path));
            return;
        }
        String route = method + " " + String.join("/", s.subList(1, Math.min(s.size(), 2)))
                + (s.size() > 2 ? "/{id}" : "") + (s.size() > 3 ? "/" + String.join("/", s.subList(3, Math.min(s.size(), 4))) : "")
                + (s.size() > 4 ? "/" + (s.get(3).equals("shapes") ? "{shape}" : s.get(4)) : "");
        String id = s.size() > 2 ? s.get(2) : null;
        switch (route) {
            case "POST images" -> create(exchange, region, body);
            case "GET images" -> {
                FakeImageList.Page page = FakeImageList.page(images(region).stream()
                        .filter(i -> i.compartment.equals(query.get("compartmentId"))).map(FakeCompute::json).toList(), query);
                reply(exchange, 200, page.items(), page.next() == null ? Map.of() : Map.of("opc-next-page", page.next()));
            }
            case "GET images/{id}" -> withImage(exchange, region, id, image -> {
                advance(image);
                reply(exchange, 200, json(image));
            });
            case "PUT images/{id}" -> withImage(exchange, region, id, image -> {
                if (body.has("freeformTags")) {
                    image.tags = JSON.convertValue(body.get("freeformTags"), Map.class);
                }
                reply(exchange, 200, json(image));
            });
            case "DELETE images/{id}" -> withImage(exchange, region, id, image -> {
                // the image's capability schema is a resource of its own: it stays until deleted
                images.remove(image.id);
                reply(exchange, 204, null);
            });
            case "POST images/{id}/actions/export" -> withImage(exchange, region, id, image -> {
                WorkRequest request = new WorkRequest("ExportImage", image, body, null);
                work.put(request.id, request);
                image.lifecycle = "EXPORTING";
                reply(exchange, 200, json(image), Map.of("opc-work-request-id", request.id));
            });
            case "GET images/{id}/shapes" -> withImage(exchange, region, id, image -> {
                ArrayNode list = JSON.createArrayNode();
                image.shapes.forEach(shape -> list.add(JSON.createObjectNode().put("imageId", image.id).put("shape", shape)));
                reply(exchange, 200, list);
            });
            case "PUT images/{id}/shapes/{shape}" -> withImage(exchange, region, id, image -> {
                if (!FakeShapes.known(s.get(4))) {
                    reply(exchange, 400, error("InvalidParameter", "Shape " + s.get(4) + " is not a valid shape"));
                    return;
                }
                if (!image.shapes.contains(s.get(4))) {
                    image.shapes.add(s.get(4));
                }
                reply(exchange, 200, JSON.createObjectNode().put("imageId", image.id).put("shape", s.get(4)));
            });
            case "DELETE images/{id}/shapes/{shape}" -> withImage(exchange, region, id, image -> {
                reply(exchange, image.shapes.remove(s.get(4)) ? 204 : 404, image.shapes.contains(s.get(4)) ? null
                        : error("NotAuthorizedOrNotFound", "no such shape compatibility entry"));
            });
            case "GET computeGlobalImageCapabilitySchemas" -> reply(exchange, 200, JSON.createArrayNode().add(
                    JSON.createObjectNode().put("id", "ocid1.computeglobalimgcapschema.oc1..global")
                            .put("currentVersionName", "1.2").put("displayName", "OCI.ComputeGlobalImageCapabilitySchema")
                            .put("timeCreated", Instant.now().toString())));
            case "POST computeImageCapabilitySchemas" -> {
                ObjectNode schema = ((ObjectNode) body.deepCopy()).put("id", "ocid1.computeimgcapschema.oc1.."
                        + UUID.randomUUID()).put("timeCreated", Instant.now().toString());
                if (!images.containsKey(schema.get("imageId").asText())) {
                    reply(exchange, 404, error("NotAuthorizedOrNotFound", "no such image"));
                    return;
                }
                schemas.put(schema.get("id").asText(), schema);
                reply(exchange, 200, schema);
            }
            case "DELETE computeImageCapabilitySchemas/{id}" -> reply(exchange, schemas.remove(id) == null ? 404 : 204,
                    null);
            case "GET computeImageCapabilitySchemas" -> {
                ArrayNode list = JSON.createArrayNode();
                schemas.values().stream().filter(x -> x.get("imageId").asText().equals(query.get("imageId")))
                        .forEach(list::add);
                reply(exchange, 200, list);
            }
            case "GET workRequests/{id}" -> {
                WorkRequest request = work.get(id);
                if (request == null) {
                    reply(exchange, 404, error("NotAuthorizedOrNotFound", "no such work request"));
                    return;
                }
                if (throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    reply(exchange, 429, error("TooManyRequests", "Too many requests for the tenancy"));
                    return;
                }
                advance(request);
                reply(exchange, 200, JSON.createObjectNode().put("id", request.id).put("operationType", request.operation)
                        .put("status", request.status).put("compartmentId", request.image.compartment)
                        .put("percentComplete", request.status.equals("SUCCEEDED") ? 100.0 : 50.0)
                        .put("timeAccepted", Instant.now().toString()));
            }
            case "GET workRequests/{id}/errors" -> {
                WorkRequest request = work.get(id);
                ArrayNode list = JSON.createArrayNode();
                if (request != null && request.failure != null) {
                    list.add(JSON.createObjectNode().put("code", "ImageImportFailed").put("message", request.failure)
                            .put("timestamp", Instant.now().toString()));
                }
                reply(exchange, 200, list);
            }
            default -> reply(exchange, 404, error("NotFound", "the fake has no " + method + " " + path));
        }
    }

    private void create(HttpExchange exchange, String region, JsonNode body) throws IOException {
        if (quotaNext) {
            quotaNext = false;
            reply(exchange, 400, error("LimitExceeded", "The limit for custom images in this tenancy has been exceeded"));
            return;
        }
        String invalid = invalid(body);
        if (invalid != null) {
            reply(exchange, invalid.startsWith("compartment") ? 404 : 400, error(invalid.startsWith("compartment")
                    ? "NotAuthorizedOrNotFound" : "InvalidParameter", invalid));
            return;
        }
        Map<String, String> tags = body.has("freeformTags") ? JSON.convertValue(body.get("freeformTags"), Map.class) : Map.of();
        Image image = new Image(region, body.get("compartmentId").asText(), body.get("displayName").asText(),
                body.path("launchMode").asText(""), body.get("imageSourceDetails"), tags);
        images.put(image.id, image);
        WorkRequest request = new WorkRequest("CreateImage", image, null, failNext);
        failNext = null;
        work.put(request.id, request);
        reply(exchange, 200, json(image), Map.of("opc-work-request-id", request.id));
    }

    /** What OCI refuses in a CreateImage body before making anything, or null. */
    private static String invalid(JsonNode body) {
        String compartment = body.path("compartmentId").asText();
        if (!compartment.equals(FakeOci.COMPARTMENT) && !compartment.equals(FakeOci.TENANCY)) {
            return "compartment " + compartment + " not found or not authorized";
        }
        String mode = body.path("launchMode").asText("");
        if (!mode.isEmpty() && !List.of("NATIVE", "EMULATED", "PARAVIRTUALIZED", "CUSTOM").contains(mode)) {
            return "launchMode " + mode + " is not one of NATIVE, EMULATED, PARAVIRTUALIZED, CUSTOM";
        }
        JsonNode source = body.path("imageSourceDetails");
        if (!List.of("QCOW2", "VMDK").contains(source.path("sourceImageType").asText("VMDK"))) {
            return "sourceImageType " + source.path("sourceImageType").asText() + " is not QCOW2 or VMDK";
        }
        if (!source.has("sourceUri") && !source.has("objectName")) {
            return "imageSourceDetails needs an object or a sourceUri";
        }
        return null;
    }

    /** Each look at a work request or its image moves it on: ACCEPTED, IN_PROGRESS, then done. */
    private void advance(Image image) {
        work.values().stream().filter(w -> w.image == image && !w.status.endsWith("ED")).forEach(this::advance);
    }

    private synchronized void advance(WorkRequest request) {
        if (request.status.equals("SUCCEEDED") || request.status.equals("FAILED")) {
            return;
        }
        request.polls++;
        String kind = request.operation.equals("ExportImage") ? "export" : "import";
        if (request.polls < pollsToFinish || !oci.latency.passed(kind, request.started)) {
            request.status = "IN_PROGRESS";
            return;
        }
        if (request.operation.equals("ExportImage")) {
            JsonNode target = request.export;
            oci.objects.computeIfAbsent(request.image.region + "/" + target.get("bucketName").asText(),
                    k -> new ConcurrentHashMap<>()).put(target.get("objectName").asText(), request.image.data);
            request.image.lifecycle = "AVAILABLE";
            request.status = "SUCCEEDED";
            return;
        }
        if (request.failure == null) {
            byte[] data = read(request.image);
            if (data == null) {
                request.failure = "the image source cannot be read";
            } else if (data.length < 4 || !java.util.Arrays.equals(java.util.Arrays.copyOf(data, 4), QCOW2)) {
                request.failure = "the image is not a QCOW2 image";
            } else {
                request.image.data = data;
            }
        }
        request.status = request.failure == null ? "SUCCEEDED" : "FAILED";
        request.image.lifecycle = request.failure == null ? "AVAILABLE" : "DISABLED";
    }

    private byte[] read(Image image) {
        JsonNode source = image.source;
        if (source.has("sourceUri")) {
            return oci.readUrl(source.get("sourceUri").asText());
        }
        if (!FakeOci.NAMESPACE.equals(source.path("namespaceName").asText())) {
            return null;
        }
        return oci.objects.getOrDefault(image.region + "/" + source.path("bucketName").asText(), Map.of())
                .get(source.path("objectName").asText());
    }

    private interface ImageAction {
        void run(Image image) throws IOException;
    }

    private void withImage(HttpExchange exchange, String region, String id, ImageAction action) throws IOException {
        Image image = images.get(id);
        if (image == null || !image.region.equals(region)) {
            reply(exchange, 404, error("NotAuthorizedOrNotFound", "Authorization failed or requested resource not found."));
            return;
        }
        action.run(image);
    }

    private static ObjectNode json(Image image) {
        ObjectNode node = JSON.createObjectNode().put("id", image.id).put("compartmentId", image.compartment)
                .put("displayName", image.displayName).put("lifecycleState", image.lifecycle)
                .put("operatingSystem", image.operatingSystem).put("createImageAllowed", true)
                .put("timeCreated", Instant.now().toString());
        if (!image.launchMode.isEmpty()) {
            node.put("launchMode", image.launchMode);
        }
        node.set("freeformTags", JSON.valueToTree(image.tags));
        return node;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }
}
