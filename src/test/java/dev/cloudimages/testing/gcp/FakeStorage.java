package dev.cloudimages.testing.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

import static dev.cloudimages.testing.gcp.FakeGcp.JSON;
import static dev.cloudimages.testing.gcp.FakeGcp.error;
import static dev.cloudimages.testing.gcp.FakeGcp.reply;

/**
 * The Cloud Storage JSON API for one bucket ({@link FakeGcp#BUCKET}): resumable upload sessions
 * (chunks in order, 308 with the persisted Range, the object made when the last byte arrives and
 * refused if its CRC32C or MD5 differs from what the session's metadata said), object get and delete.
 */
final class FakeStorage {

    private static final Pattern RANGE = Pattern.compile("bytes (\\*|(\\d+)-(\\d+))/(\\*|\\d+)");

    private record Session(String bucket, ObjectNode metadata, ByteArrayOutputStream data) {
    }

    private final FakeGcp gcp;
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, Session> sessions = new TreeMap<>();
    private final Map<String, byte[]> objects = new TreeMap<>();
    private final Map<String, ObjectNode> metadata = new TreeMap<>();

    FakeStorage(FakeGcp gcp) {
        this.gcp = gcp;
    }

    synchronized List<String> objects() {
        return new ArrayList<>(objects.keySet());
    }

    synchronized int openUploads() {
        return sessions.size();
    }

    synchronized byte[] read(String bucket, String name) {
        return objects.get(bucket + "/" + name);
    }

    synchronized void serve(HttpExchange exchange, String path, Map<String, String> query, byte[] body)
            throws IOException {
        String method = exchange.getRequestMethod();
        if (path.startsWith("/upload/")) {
            String bucket = path.substring("/upload/storage/v1/b/".length()).split("/")[0];
            if (!bucket.equals(FakeGcp.BUCKET)) {
                error(exchange, 404, "The specified bucket does not exist.", "notFound");
            } else if (method.equals("POST") && "resumable".equals(query.get("uploadType"))) {
                startSession(exchange, bucket, query, body);
            } else if (method.equals("PUT") && query.containsKey("upload_id")) {
                chunk(exchange, query.get("upload_id"), body);
            } else {
                error(exchange, 400, "only resumable uploads here", "invalid");
            }
            return;
        }
        String[] parts = path.substring("/storage/v1/b/".length()).split("/o/", 2);
        String key = parts[0] + "/" + (parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
        if (!objects.containsKey(key)) {
            error(exchange, 404, "No such object: " + key, "notFound");
        } else if (method.equals("DELETE")) {
            objects.remove(key);
            metadata.remove(key);
            exchange.sendResponseHeaders(204, -1);
        } else {
            reply(exchange, 200, metadata.get(key));
        }
    }

    private void startSession(HttpExchange exchange, String bucket, Map<String, String> query, byte[] body)
            throws IOException {
        ObjectNode meta = body.length == 0 ? JSON.createObjectNode() : (ObjectNode) JSON.readTree(body);
        if (query.containsKey("name")) {
            meta.put("name", query.get("name"));
        }
        String id = "upload-" + ids.incrementAndGet();
        sessions.put(id, new Session(bucket, meta, new ByteArrayOutputStream()));
        exchange.getResponseHeaders().set("Location", gcp.endpoint() + "/upload/storage/v1/b/" + bucket
                + "/o?uploadType=resumable&upload_id=" + id);
        exchange.getResponseHeaders().set("X-GUploader-UploadID", id);
        exchange.sendResponseHeaders(200, -1);
    }

    private void chunk(HttpExchange exchange, String id, byte[] body) throws IOException {
        Session session = sessions.get(id);
        if (session == null) {
            error(exchange, 404, "No such upload session " + id, "notFound");
            return;
        }
        if (gcp.takeFault("upload", FakeGcp.Fault.UPLOAD_INTERRUPTED) != null) {
            // the session is gone, as when an upload outlives its week or the bucket refuses it mid-way
            sessions.remove(id);
            error(exchange, 410, "The upload session has expired or was cancelled.", "gone");
            return;
        }
        String range = exchange.getRequestHeaders().getFirst("Content-Range");
        Matcher matcher = range == null ? null : RANGE.matcher(range.trim());
        if (matcher == null || !matcher.matches()) {
            error(exchange, 400, "bad Content-Range '" + range + "'", "invalid");
            return;
        }
        long have = session.data().size();
        if (matcher.group(2) != null) {
            long first = Long.parseLong(matcher.group(2));
            long last = Long.parseLong(matcher.group(3));
            if (first > have || last - first + 1 != body.length) {
                error(exchange, 400, "chunk " + range + " does not follow the " + have + " bytes persisted", "invalid");
                return;
            }
            // a resent chunk overlaps what is held: keep only the new part
            session.data().write(body, (int) (have - first), (int) (last + 1 - have));
        }
        long size = session.data().size();
        String total = matcher.group(4);
        if (!total.equals("*") && Long.parseLong(total) == size) {
            finish(exchange, id, session);
            return;
        }
        if (size > 0) {
            exchange.getResponseHeaders().set("Range", "bytes=0-" + (size - 1));
        }
        exchange.sendResponseHeaders(308, -1);
    }

    private void finish(HttpExchange exchange, String id, Session session) throws IOException {
        sessions.remove(id);
        byte[] data = session.data().toByteArray();
        String crc32c = crc32c(data);
        String md5 = md5(data);
        JsonNode meta = session.metadata();
        if (meta.hasNonNull("crc32c") && !meta.get("crc32c").asText().equals(crc32c)) {
            error(exchange, 400, "Provided CRC32C \"" + meta.get("crc32c").asText()
                    + "\" doesn't match calculated CRC32C \"" + crc32c + "\".", "invalid");
            return;
        }
        if (meta.hasNonNull("md5Hash") && !meta.get("md5Hash").asText().equals(md5)) {
            error(exchange, 400, "Provided MD5 hash \"" + meta.get("md5Hash").asText()
                    + "\" doesn't match calculated MD5 hash \"" + md5 + "\".", "invalid");
            return;
        }
        String name = meta.path("name").asText();
        ObjectNode object = meta.deepCopy();
        object.put("kind", "storage#object").put("bucket", session.bucket()).put("name", name)
                .put("id", session.bucket() + "/" + name + "/1").put("generation", "1").put("metageneration", "1")
                .put("size", Long.toString(data.length)).put("crc32c", crc32c).put("md5Hash", md5);
        objects.put(session.bucket() + "/" + name, data);
        metadata.put(session.bucket() + "/" + name, object);
        reply(exchange, 200, object);
    }

    static String crc32c(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    static String md5(byte[] data) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
