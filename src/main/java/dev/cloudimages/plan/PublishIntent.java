package dev.cloudimages.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cloudimages.config.ResolvedVariant;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a publish is asked to make true, as one fingerprint: the settings publishing acts on
 * (where: {@code regions}; who may launch: {@code access}; how copies are encrypted:
 * {@code encrypted}, {@code import.kms_keys}) and the end of life it deprecates at. Each publish
 * records it; the plan compares it with the variant's now, so a publish that would change nothing
 * is planned as nothing without asking every region. The {@code publish} block is left out: it
 * holds only tunings (timeouts, concurrency) that do not change the result.
 */
public final class PublishIntent {

    static final List<String> KEYS = List.of("regions", "access", "encrypted", "import.kms_keys");

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private PublishIntent() {
    }

    /** {@code sha256:<hex>} over the publish settings, canonical (keys sorted) so order in a config does not count. */
    public static String of(ResolvedVariant variant, String endOfLife) {
        Map<String, Object> parts = new LinkedHashMap<>();
        for (String key : KEYS) {
            parts.put(key, value(variant.config(), key));
        }
        parts.put("end_of_life", endOfLife);
        try {
            byte[] canonical = CANONICAL.writeValueAsBytes(parts);
            return "sha256:" + HexFormat.of().formatHex(dev.cloudimages.support.Digests.newDigest("SHA-256")
                    .digest(canonical));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("publish settings do not serialise", e);
        }
    }

    private static Object value(Map<String, Object> config, String path) {
        Object current = config;
        for (String part : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(part);
        }
        return current == null ? null : stringified(current);
    }

    /** true and "true" are the same setting: HOCON gives either, depending on where it was written. */
    private static Object stringified(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), v == null ? null : stringified(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(v -> v == null ? null : stringified(v)).toList();
        }
        return value.toString();
    }
}
