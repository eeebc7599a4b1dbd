package dev.cloudimages.testing.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static dev.cloudimages.testing.oci.FakeOci.JSON;
import static dev.cloudimages.testing.oci.FakeOci.error;
import static dev.cloudimages.testing.oci.FakeOci.reply;

/**
 * The Object Storage paths of {@link FakeOci}: /n/, multipart uploads (/u: create, parts, commit, list
 * in pages, abort; an upload id is good only for the object it was created for), objects (/o: put, get,
 * head, list in pages, delete), RenameObject, PARs (/p). Every write gives the object a new ETag;
 * if-none-match: * and if-match: ETAG on PutObject and CommitMultipartUpload, and the ETag
 * conditions of RenameObject, are checked under the bucket's lock together with the write and
 * answer 412 IfNoneMatchFailed / IfMatchFailed as OCI does.
 */
final class FakeObjectStorage {

    private final FakeOci oci;

    FakeObjectStorage(FakeOci oci) {
        this.oci = oci;
    }

    void handle(HttpExchange exchange, String region, String path, Map<String, String> query, byte[] body)
            throws IOException {
        List<String> s = FakeOci.segments(path);
        String method = exchange.getRequestMethod();
        if (s.size() == 1 && s.get(0).equals("n") && method.equals("GET")) {
            reply(exchange, 200, FakeOci.NAMESPACE);
            return;
        }
        if (s.size() < 5 || !s.get(0).equals("n") || !s.get(1).equals(FakeOci.NAMESPACE) || !s.get(2).equals("b")
                || !s.get(3).equals(FakeOci.BUCKET)) {
            reply(exchange, 404, error("BucketNotFound", "Either the bucket named '" + (s.size() > 3 ? s.get(3) : "")
                    + "' does not exist in the namespace '" + (s.size() > 1 ? s.get(1) : "") + "' or you are not authorized"));
            return;
        }
        String bucketKey = region + "/" + FakeOci.BUCKET;
        Map<String, byte[]> bucket = oci.objects.computeIfAbsent(bucketKey, k -> new ConcurrentHashMap<>());
        String kind = s.get(4);
        String name = s.size() > 5 ? String.join("/", s.subList(5, s.size())) : null;
        switch (kind + " " + method + (name == null ? "" : " name")) {
            case "u POST" -> {
                JsonNode details = JSON.readTree(body);
                String object = details.path("object").asText("");
                if (object.isEmpty()) {
                    reply(exchange, 400, error("InvalidParameter", "createMultipartUploadDetails.object is required"));
                    return;
                }
                String uploadId = UUID.randomUUID().toString();
                String created = Instant.now().toString();
                oci.uploads.put(uploadId, new FakeOci.Upload(bucketKey, object, uploadId, created,
                        new ConcurrentHashMap<>()));
                ObjectNode upload = JSON.createObjectNode().put("namespace", FakeOci.NAMESPACE)
                        .put("bucket", FakeOci.BUCKET).put("object", object)
                        .put("uploadId", uploadId).put("timeCreated", created);
                reply(exchange, 200, upload);
            }
            case "u GET" -> listUploads(exchange, bucketKey, query);
            case "u PUT name" -> uploadPart(exchange, bucketKey, name, query, body);
            case "u POST name" -> commit(exchange, bucket, bucketKey, name, query, body);
            case "u DELETE name" -> {
                if (upload(exchange, bucketKey, name, query) != null) {
                    oci.uploads.remove(query.get("uploadId"));
                    reply(exchange, 204, null);
                }
            }
            case "o HEAD name" -> {
                byte[] data = bucket.get(name);
                exchange.getResponseHeaders().add("Content-Length", data == null ? "0" : Long.toString(data.length));
                if (data != null) {
                    exchange.getResponseHeaders().add("ETag", etag(bucketKey + "/" + name));
                }
                exchange.sendResponseHeaders(data == null ? 404 : 200, -1);
            }
            case "o GET name" -> getObject(exchange, bucket, bucketKey, name);
            case "o PUT name" -> putObject(exchange, bucket, bucketKey, name, body);
            case "o GET" -> list(exchange, bucket, query);
            case "actions POST name" -> {
                if (!name.equals("renameObject")) {
                    reply(exchange, 404, error("NotFound", "the fake has no action " + name));
                } else {
                    rename(exchange, bucket, bucketKey, JSON.readTree(body));
                }
            }
            case "o DELETE name" -> {
                boolean removed;
                synchronized (bucket) {
                    removed = bucket.remove(name) != null;
                    oci.etags.remove(bucketKey + "/" + name);
                }
                reply(exchange, removed ? 204 : 404, removed ? null
                        : error("ObjectNotFound", "The object '" + name + "' does not exist in bucket '"
                        + FakeOci.BUCKET + "' with namespace '" + FakeOci.NAMESPACE + "'"));
            }
            case "p POST" -> {
                JsonNode details = FakeOci.JSON.readTree(body);
                String id = UUID.randomUUID().toString();
                String token = UUID.randomUUID().toString().replace("-", "");
                String object = details.get("objectName").asText();
                FakeOci.Par par = new FakeOci.Par(id, details.get("name").asText(), region, FakeOci.BUCKET, object, token,
                        details.get("timeExpires").asText());
                oci.pars.put(id, par);
                String access = "/p/" + token + "/n/" + FakeOci.NAMESPACE + "/b/" + FakeOci.BUCKET + "/o/" + object;
                reply(exchange, 200, JSON.createObjectNode().put("id", id).put("name", details.get("name").asText())
                        .put("accessUri", access).put("objectName", object).put("accessType", "ObjectRead")
                        .put("timeExpires", details.get("timeExpires").asText()).put("timeCreated", Instant.now().toString())
                        .put("fullPath", oci.url() + "/" + region + "/os" + access));
            }
            case "p GET" -> {
                var list = JSON.createArrayNode();
                String prefix = query.getOrDefault("objectNamePrefix", "");
                oci.pars.values().stream().filter(p -> p.region().equals(region) && p.object().startsWith(prefix))
                        .forEach(p -> list.addObject().put("id", p.id()).put("name", p.name()).put("objectName", p.object())
                                .put("accessType", "ObjectRead").put("timeExpires", p.expires())
                                .put("timeCreated", Instant.now().toString()));
                reply(exchange, 200, list);
            }
            case "p DELETE name" -> reply(exchange, oci.pars.remove(name) == null ? 404 : 204,
                    oci.pars.containsKey(name) ? null : error("NotFound", "no such PAR"));
            default -> reply(exchange, 404, error("NotFound", "the fake has no " + method + " " + path));
        }
    }

    /**
     * The open upload that {@code uploadId} names, of this bucket and object, as UploadPart, Commit and Abort
     * find it; else answers (400 without an uploadId, 404 NoSuchUpload for an id that is unknown, finished,
     * aborted, or of another object) and returns null.
     */
    private FakeOci.Upload upload(HttpExchange exchange, String bucketKey, String name, Map<String, String> query)
            throws IOException {
        String uploadId = query.get("uploadId");
        if (uploadId == null || uploadId.isEmpty()) {
            reply(exchange, 400, error("MissingParameter", "uploadId is required"));
            return null;
        }
        FakeOci.Upload upload = oci.uploads.get(uploadId);
        if (upload == null || !upload.bucketKey().equals(bucketKey) || !upload.object().equals(name)) {
            reply(exchange, 404, error("NoSuchUpload", "The upload ID '" + uploadId + "' for object '" + name
                    + "' does not exist in bucket '" + FakeOci.BUCKET + "' with namespace '" + FakeOci.NAMESPACE
                    + "'"));
            return null;
        }
        return upload;
    }

    /**
     * ListMultipartUploads: the bucket's open uploads (OCI offers no prefix here), ordered by object and id, at
     * most {@code limit} (1 to 1000) and the fake's page size a page, the next page's token in opc-next-page.
     */
    private void listUploads(HttpExchange exchange, String bucketKey, Map<String, String> query) throws IOException {
        int limit;
        try {
            limit = Integer.parseInt(query.getOrDefault("limit", "1000"));
        } catch (NumberFormatException e) {
            limit = 0;
        }
        if (limit < 1 || limit > 1000) {
            reply(exchange, 400, error("InvalidParameter", "limit must be between 1 and 1000"));
            return;
        }
        String after = null;
        if (query.containsKey("page")) {
            try {
                after = new String(Base64.getUrlDecoder().decode(query.get("page")), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                after = "";
            }
            if (!after.contains("\n")) {
                reply(exchange, 400, error("InvalidParameter", "the page token '" + query.get("page")
                        + "' is not valid"));
                return;
            }
        }
        String from = after;
        List<FakeOci.Upload> open = oci.uploads.values().stream().filter(u -> u.bucketKey().equals(bucketKey))
                .sorted(Comparator.comparing(FakeOci.Upload::object).thenComparing(FakeOci.Upload::uploadId))
                .filter(u -> from == null || (u.object() + "\n" + u.uploadId()).compareTo(from) > 0).toList();
        int size = Math.min(limit, oci.listPageSize);
        ArrayNode items = JSON.createArrayNode();
        for (FakeOci.Upload upload : open.subList(0, Math.min(size, open.size()))) {
            items.addObject().put("namespace", FakeOci.NAMESPACE).put("bucket", FakeOci.BUCKET)
                    .put("object", upload.object()).put("uploadId", upload.uploadId())
                    .put("timeCreated", upload.created()).put("storageTier", "Standard");
        }
        if (open.size() > size) {
            FakeOci.Upload last = open.get(size - 1);
            reply(exchange, 200, items, Map.of("opc-next-page", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((last.object() + "\n" + last.uploadId()).getBytes(StandardCharsets.UTF_8))));
        } else {
            reply(exchange, 200, items);
        }
    }

    private void uploadPart(HttpExchange exchange, String bucketKey, String name, Map<String, String> query,
                            byte[] body) throws IOException {
        FakeOci.Upload upload = upload(exchange, bucketKey, name, query);
        if (upload == null) {
            return;
        }
        Map<Integer, byte[]> parts = upload.parts();
        int number = Integer.parseInt(query.get("uploadPartNum"));
        if (number == oci.failingPart) {
            reply(exchange, 500, error("InternalServerError", "the connection to the storage node was lost"));
            return;
        }
        String md5 = Base64.getEncoder().encodeToString(md5(body));
        String sent = exchange.getRequestHeaders().getFirst("Content-MD5");
        if (sent == null || !sent.equals(md5)) {
            reply(exchange, 400, error("InvalidDigest", "The Content-MD5 you specified did not match what was received"));
            return;
        }
        parts.put(number, body);
        reply(exchange, 200, null, Map.of("ETag", "etag-" + number + "-" + md5.hashCode(), "opc-content-md5", md5));
    }

    private void commit(HttpExchange exchange, Map<String, byte[]> bucket, String bucketKey, String name,
                        Map<String, String> query, byte[] body) throws IOException {
        FakeOci.Upload upload = upload(exchange, bucketKey, name, query);
        if (upload == null) {
            return;
        }
        // a commit that fails (a missing part, a precondition) leaves the upload open, to commit again or abort
        Map<Integer, byte[]> parts = upload.parts();
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        Map<Integer, byte[]> ordered = new TreeMap<>(parts);
        for (JsonNode part : JSON.readTree(body).get("partsToCommit")) {
            byte[] data = ordered.get(part.get("partNum").asInt());
            if (data == null || !part.get("etag").asText().startsWith("etag-" + part.get("partNum").asInt() + "-")) {
                reply(exchange, 400, error("InvalidParameter", "part " + part.get("partNum") + " was not uploaded"));
                return;
            }
            whole.write(data);
        }
        String etag;
        synchronized (bucket) {
            String failed = preconditionFailure(exchange, bucketKey + "/" + name, bucket.containsKey(name));
            if (failed != null) {
                reply(exchange, 412, error(failed, "the precondition of the request did not hold"));
                return;
            }
            if (oci.uploads.remove(upload.uploadId()) == null) {
                reply(exchange, 404, error("NoSuchUpload", "The upload ID '" + upload.uploadId() + "' was aborted"));
                return;
            }
            etag = store(bucket, bucketKey, name, whole.toByteArray());
        }
        reply(exchange, 200, null, Map.of("ETag", etag, "opc-multipart-md5",
                Base64.getEncoder().encodeToString(md5(whole.toByteArray())) + "-" + parts.size()));
    }

    private void putObject(HttpExchange exchange, Map<String, byte[]> bucket, String bucketKey, String name,
                           byte[] body) throws IOException {
        String sentMd5 = exchange.getRequestHeaders().getFirst("Content-MD5");
        String md5 = Base64.getEncoder().encodeToString(md5(body));
        if (sentMd5 != null && !sentMd5.equals(md5)) {
            reply(exchange, 400, error("InvalidDigest", "The Content-MD5 you specified did not match what was received"));
            return;
        }
        String etag;
        synchronized (bucket) {
            String failed = preconditionFailure(exchange, bucketKey + "/" + name, bucket.containsKey(name));
            if (failed != null) {
                reply(exchange, 412, error(failed, "the precondition of the request did not hold"));
                return;
            }
            etag = store(bucket, bucketKey, name, body);
        }
        reply(exchange, 200, null, Map.of("ETag", etag, "opc-content-md5", md5));
    }

    /** The error code when if-none-match or if-match does not hold for the object now, else null. */
    private String preconditionFailure(HttpExchange exchange, String key, boolean exists) {
        String noneMatch = exchange.getRequestHeaders().getFirst("if-none-match");
        String match = exchange.getRequestHeaders().getFirst("if-match");
        if (noneMatch != null && (noneMatch.equals("*") ? exists : exists && noneMatch.equals(etag(key)))) {
            return "IfNoneMatchFailed";
        }
        if (match != null && (!exists || !match.equals(etag(key)))) {
            return "IfMatchFailed";
        }
        return null;
    }

    /** The ETag of an existing object; objects the fake's Core makes (exports) get theirs when first asked. */
    private String etag(String key) {
        return oci.etags.computeIfAbsent(key, k -> UUID.randomUUID().toString());
    }

    /** Writes a new version; the caller holds the bucket's lock. */
    private String store(Map<String, byte[]> bucket, String bucketKey, String name, byte[] data) {
        String etag = UUID.randomUUID().toString();
        bucket.put(name, data);
        oci.etags.put(bucketKey + "/" + name, etag);
        return etag;
    }

    private void getObject(HttpExchange exchange, Map<String, byte[]> bucket, String bucketKey, String name)
            throws IOException {
        byte[] data;
        String etag;
        synchronized (bucket) {
            data = bucket.get(name);
            etag = data == null ? null : etag(bucketKey + "/" + name);
        }
        if (data == null) {
            reply(exchange, 404, error("ObjectNotFound", "The object '" + name + "' does not exist in bucket '"
                    + FakeOci.BUCKET + "' with namespace '" + FakeOci.NAMESPACE + "'"));
            return;
        }
        exchange.getResponseHeaders().add("ETag", etag);
        exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
        exchange.getResponseHeaders().add("opc-request-id", Long.toHexString(System.nanoTime()));
        exchange.sendResponseHeaders(200, data.length == 0 ? -1 : data.length);
        exchange.getResponseBody().write(data);
    }

    /** ListObjects: names after {@code start} with the prefix, cut at the delimiter, a page at a time. */
    private void list(HttpExchange exchange, Map<String, byte[]> bucket, Map<String, String> query) throws IOException {
        String prefix = query.getOrDefault("prefix", "");
        String delimiter = query.get("delimiter");
        String start = query.get("start");
        int limit = Math.min(oci.listPageSize, Integer.parseInt(query.getOrDefault("limit", "1000")));
        List<String> names = new ArrayList<>(new TreeSet<>(bucket.keySet()));
        ArrayNode objects = JSON.createArrayNode();
        Set<String> prefixes = new TreeSet<>();
        String next = null;
        int count = 0;
        for (String name : names) {
            if (!name.startsWith(prefix) || (start != null && name.compareTo(start) < 0)) {
                continue;
            }
            int cut = delimiter == null ? -1 : name.indexOf(delimiter, prefix.length());
            if (cut >= 0) {
                prefixes.add(name.substring(0, cut + 1));
                continue;
            }
            if (count == limit) {
                next = name;
                break;
            }
            ObjectNode summary = objects.addObject().put("name", name);
            String fields = query.getOrDefault("fields", "name");
            if (fields.contains("size")) {
                summary.put("size", bucket.get(name).length);
            }
            count++;
        }
        ObjectNode page = JSON.createObjectNode();
        page.set("objects", objects);
        ArrayNode prefixList = page.putArray("prefixes");
        prefixes.forEach(prefixList::add);
        if (next != null) {
            page.put("nextStartWith", next);
        }
        reply(exchange, 200, page);
    }

    private void rename(HttpExchange exchange, Map<String, byte[]> bucket, String bucketKey, JsonNode details)
            throws IOException {
        String source = details.path("sourceName").asText();
        String target = details.path("newName").asText();
        synchronized (bucket) {
            byte[] data = bucket.get(source);
            if (data == null) {
                reply(exchange, 404, error("ObjectNotFound", "The object '" + source + "' does not exist"));
                return;
            }
            String sourceEtag = etag(bucketKey + "/" + source);
            String targetEtag = bucket.containsKey(target) ? etag(bucketKey + "/" + target) : null;
            if ((details.hasNonNull("srcObjIfMatchETag") && !details.get("srcObjIfMatchETag").asText().equals(sourceEtag))
                    || (details.hasNonNull("newObjIfMatchETag")
                    && !details.get("newObjIfMatchETag").asText().equals(targetEtag))) {
                reply(exchange, 412, error("IfMatchFailed", "the precondition of the rename did not hold"));
                return;
            }
            if (details.hasNonNull("newObjIfNoneMatchETag") && targetEtag != null) {
                reply(exchange, 412, error("IfNoneMatchFailed", "the object '" + target + "' exists"));
                return;
            }
            bucket.remove(source);
            oci.etags.remove(bucketKey + "/" + source);
            bucket.put(target, data);
            oci.etags.put(bucketKey + "/" + target, sourceEtag);
        }
        reply(exchange, 200, null);
    }

    static byte[] md5(byte[] data) {
        try {
            return MessageDigest.getInstance("MD5").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
