package dev.cloudimages.testing.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
 * refused if its CRC32C or MD5 differs from what the session's metadata said), object metadata,
 * media reads (alt=media, a generation, a Range), listing by prefix and delimiter in pages, and
 * delete. Every object version gets a new generation; ifGenerationMatch (0: absent) is checked when
 * a session starts and again, under the same lock as every write, when its object is made, and
 * answers 412 conditionNotMet as Cloud Storage does.
 */
final class FakeStorage {

    private static final Pattern RANGE = Pattern.compile("bytes (\\*|(\\d+)-(\\d+))/(\\*|\\d+)");
    private static final Pattern READ_RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    private record Session(String bucket, ObjectNode metadata, Long ifGenerationMatch, ByteArrayOutputStream data) {
    }

    private final FakeGcp gcp;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong generations = new AtomicLong(1_700_000_000_000_000L);
    private final Map<String, Session> sessions = new TreeMap<>();
    private final Map<String, byte[]> objects = new TreeMap<>();
    private final Map<String, ObjectNode> metadata = new TreeMap<>();
    private int pageSize = 1000;

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

    synchronized void pageSize(int items) {
        pageSize = items;
    }

    synchronized void serve(HttpExchange exchange, String path, Map<String, String> query, byte[] body)
            throws IOException {
        String method = exchange.getRequestMethod();
        if (gcp.takeFault("storage", FakeGcp.Fault.PERMISSION_DENIED) != null) {
            error(exchange, 403, "builder@" + FakeGcp.PROJECT + ".iam.gserviceaccount.com does not have"
                    + " storage.objects.list access to the Google Cloud Storage bucket.", "forbidden");
            return;
        }
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
        String rest = path.substring(path.indexOf("/storage/v1/b/") + "/storage/v1/b/".length());
        String[] parts = rest.split("/o", 2);
        String bucket = parts[0];
        if (!bucket.equals(FakeGcp.BUCKET)) {
            error(exchange, 404, "The specified bucket does not exist.", "notFound");
            return;
        }
        if (parts.length > 1 && (parts[1].isEmpty() || parts[1].equals("/")) && method.equals("GET")) {
            list(exchange, bucket, query);
            return;
        }
        if (parts.length < 2 || !parts[1].startsWith("/")) {
            error(exchange, 400, "the fake has no " + method + " " + path, "invalid");
            return;
        }
        String key = bucket + "/" + URLDecoder.decode(parts[1].substring(1), StandardCharsets.UTF_8);
        ObjectNode meta = metadata.get(key);
        if (meta == null || (query.containsKey("generation")
                && !query.get("generation").equals(meta.get("generation").asText()))) {
            error(exchange, 404, "No such object: " + key, "notFound");
        } else if (!preconditionHolds(query, meta)) {
            conditionNotMet(exchange);
        } else if (method.equals("DELETE")) {
            objects.remove(key);
            metadata.remove(key);
            exchange.sendResponseHeaders(204, -1);
        } else if (method.equals("GET") && "media".equals(query.get("alt"))) {
            media(exchange, objects.get(key), meta);
        } else if (method.equals("GET")) {
            reply(exchange, 200, meta);
        } else {
            error(exchange, 400, "the fake has no " + method + " " + path, "invalid");
        }
    }

    private static boolean preconditionHolds(Map<String, String> query, ObjectNode meta) {
        String expected = query.get("ifGenerationMatch");
        if (expected == null) {
            return true;
        }
        return meta == null ? expected.equals("0") : meta.get("generation").asText().equals(expected);
    }

    private static void conditionNotMet(HttpExchange exchange) throws IOException {
        error(exchange, 412, "At least one of the pre-conditions you specified did not hold.", "conditionNotMet");
    }

    private void list(HttpExchange exchange, String bucket, Map<String, String> query) throws IOException {
        String prefix = query.getOrDefault("prefix", "");
        String delimiter = query.get("delimiter");
        int max = Math.min(pageSize, Integer.parseInt(query.getOrDefault("maxResults", "1000")));
        String after = query.get("pageToken");
        ObjectNode page = JSON.createObjectNode().put("kind", "storage#objects");
        ArrayNode items = JSON.createArrayNode();
        ArrayNode prefixes = JSON.createArrayNode();
        List<String> entries = new ArrayList<>();
        for (String key : objects.keySet()) {
            String name = key.substring(bucket.length() + 1);
            if (!key.startsWith(bucket + "/") || !name.startsWith(prefix)) {
                continue;
            }
            int cut = delimiter == null ? -1 : name.indexOf(delimiter, prefix.length());
            String entry = cut < 0 ? name : name.substring(0, cut + delimiter.length());
            if ((after == null || entry.compareTo(after) > 0) && !entries.contains(entry)) {
                entries.add(entry);
            }
        }
        for (String entry : entries.subList(0, Math.min(max, entries.size()))) {
            if (delimiter != null && entry.endsWith(delimiter) && !objects.containsKey(bucket + "/" + entry)) {
                prefixes.add(entry);
            } else {
                items.add(metadata.get(bucket + "/" + entry));
            }
        }
        if (entries.size() > max) {
            page.put("nextPageToken", entries.get(max - 1));
        }
        if (!items.isEmpty()) {
            page.set("items", items);
        }
        if (!prefixes.isEmpty()) {
            page.set("prefixes", prefixes);
        }
        reply(exchange, 200, page);
    }

    private static void media(HttpExchange exchange, byte[] data, ObjectNode meta) throws IOException {
        String range = exchange.getRequestHeaders().getFirst("Range");
        int first = 0;
        int last = data.length - 1;
        int status = 200;
        Matcher matcher = range == null ? null : READ_RANGE.matcher(range.trim());
        if (matcher != null && matcher.matches()) {
            first = (int) Math.min(Long.parseLong(matcher.group(1)), data.length);
            last = matcher.group(2).isEmpty() ? last : (int) Math.min(Long.parseLong(matcher.group(2)), last);
            status = 206;
            exchange.getResponseHeaders().set("Content-Range", "bytes " + first + "-" + last + "/" + data.length);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange.getResponseHeaders().set("x-goog-generation", meta.get("generation").asText());
        exchange.getResponseHeaders().set("x-goog-hash", "crc32c=" + meta.get("crc32c").asText() + ",md5="
                + meta.get("md5Hash").asText());
        int length = Math.max(0, last - first + 1);
        exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(data, first, length);
        }
    }

    private void startSession(HttpExchange exchange, String bucket, Map<String, String> query, byte[] body)
            throws IOException {
        ObjectNode meta = body.length == 0 ? JSON.createObjectNode() : (ObjectNode) JSON.readTree(body);
        if (query.containsKey("name")) {
            meta.put("name", query.get("name"));
        }
        if (!preconditionHolds(query, metadata.get(bucket + "/" + meta.path("name").asText()))) {
            conditionNotMet(exchange);
            return;
        }
        String id = "upload-" + ids.incrementAndGet();
        Long condition = query.containsKey("ifGenerationMatch") ? Long.valueOf(query.get("ifGenerationMatch")) : null;
        sessions.put(id, new Session(bucket, meta, condition, new ByteArrayOutputStream()));
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
        String key = session.bucket() + "/" + name;
        // checked again as the object is made: another upload may have finished since this one started
        if (session.ifGenerationMatch() != null && !preconditionHolds(
                Map.of("ifGenerationMatch", session.ifGenerationMatch().toString()), metadata.get(key))) {
            conditionNotMet(exchange);
            return;
        }
        long generation = generations.incrementAndGet();
        ObjectNode object = meta.deepCopy();
        object.put("kind", "storage#object").put("bucket", session.bucket()).put("name", name)
                .put("id", key + "/" + generation).put("generation", Long.toString(generation))
                .put("metageneration", "1").put("size", Long.toString(data.length)).put("crc32c", crc32c)
                .put("md5Hash", md5);
        objects.put(key, data);
        metadata.put(key, object);
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
