package dev.cloudimages.report;

import java.util.LinkedHashMap;
import java.util.Map;

/** Maps for documents the tool prints: keys in the order written (Map.of's order changes from run to run). */
public final class Documents {

    private Documents() {
    }

    /** {@code map("a", 1, "b", 2)}: a, then b. */
    public static Map<String, Object> map(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must pair up");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
