package dev.cloudimages.testing.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static dev.cloudimages.testing.oci.FakeOci.JSON;
import static dev.cloudimages.testing.oci.FakeOci.error;
import static dev.cloudimages.testing.oci.FakeOci.reply;

/** The Object Storage paths of {@link FakeOci}: /n/, multipart uploads (/u), objects (/o), PARs (/p). */
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
                String uploadId = UUID.randomUUID().toString();
                oci.uploads.put(uploadId, new ConcurrentHashMap<>());
                ObjectNode upload = JSON.createObjectNode().put("namespace", FakeOci.NAMESPACE)
                        .put("bucket", FakeOci.BUCKET).put("object", details.get("object").asText())
                        .put("uploadId", uploadId).put("timeCreated", Instant.now().toString());
                reply(exchange, 200, upload);
            }
            case "u PUT name" -> uploadPart(exchange, query, body);
            case "u POST name" -> commit(exchange, bucket, name, query, body);
            case "u DELETE name" -> {
                oci.uploads.remove(query.get("uploadId"));
                reply(exchange, 204, null);
            }
            case "o HEAD name" -> {
                byte[] data = bucket.get(name);
                exchange.getResponseHeaders().add("Content-Length", data == null ? "0" : Long.toString(data.length));
                exchange.sendResponseHeaders(data == null ? 404 : 200, -1);
            }
            case "o DELETE name" -> reply(exchange, bucket.remove(name) == null ? 404 : 204,
                    bucket.containsKey(name) ? null : error("ObjectNotFound", "The object '" + name + "' does not exist"));
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

    private void uploadPart(HttpExchange exchange, Map<String, String> query, byte[] body) throws IOException {
        Map<Integer, byte[]> parts = oci.uploads.get(query.get("uploadId"));
        int number = Integer.parseInt(query.get("uploadPartNum"));
        if (parts == null) {
            reply(exchange, 404, error("NoSuchUpload", "no such upload"));
            return;
        }
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

    private void commit(HttpExchange exchange, Map<String, byte[]> bucket, String name, Map<String, String> query,
                        byte[] body) throws IOException {
        Map<Integer, byte[]> parts = oci.uploads.remove(query.get("uploadId"));
        if (parts == null) {
            reply(exchange, 404, error("NoSuchUpload", "no such upload"));
            return;
        }
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
        bucket.put(name, whole.toByteArray());
        reply(exchange, 200, null, Map.of("ETag", "etag-" + name.hashCode(), "opc-multipart-md5",
                Base64.getEncoder().encodeToString(md5(whole.toByteArray())) + "-" + parts.size()));
    }

    static byte[] md5(byte[] data) {
        try {
            return MessageDigest.getInstance("MD5").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
