package dev.cloudimages.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one merge rule for config layers (Default, each dimension key, WHEN blocks, Mandatory):
 * scalars are replaced, maps merge key by key, arrays append, and null removes a key so that a
 * later layer assigning it starts fresh.
 */
public final class Merge {

    private Merge() {
    }

    /** Merges {@code layer} into {@code state}, which it changes; {@code layer} is left as it was. */
    @SuppressWarnings("unchecked")
    public static void into(Map<String, Object> state, Map<String, Object> layer) {
        for (Map.Entry<String, Object> entry : layer.entrySet()) {
            String key = entry.getKey();
            Object value = entry.getValue();
            Object existing = state.get(key);
            if (value == null) {
                state.remove(key);
            } else if (existing instanceof Map && value instanceof Map) {
                into((Map<String, Object>) existing, (Map<String, Object>) value);
            } else if (existing instanceof List && value instanceof List) {
                ((List<Object>) existing).addAll((List<Object>) copy(value));
            } else {
                state.put(key, copy(value));
            }
        }
    }

    /** A deep, mutable copy; map entries whose value is null are left out (they only ever remove). */
    @SuppressWarnings("unchecked")
    public static Object copy(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<String, Object> entry : ((Map<String, Object>) map).entrySet()) {
                if (entry.getValue() != null) {
                    copy.put(entry.getKey(), copy(entry.getValue()));
                }
            }
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object element : list) {
                copy.add(copy(element));
            }
            return copy;
        }
        return value;
    }
}
