package dev.cloudimages.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * EXCLUDE and WHEN, applied to a variant's state right after each layer is merged.
 * WHEN "k1 k2" { } merges its block when the variant has any of the keys (OR); a WHEN inside a merged
 * block is evaluated after its parent (AND). EXCLUDE = [k1, k2] drops the variant when it has any of them.
 */
public final class Directives {

    public static final String EXCLUDE = "EXCLUDE";
    public static final String WHEN = "WHEN";

    private Directives() {
    }

    /**
     * Applies the WHEN blocks now in {@code state} (repeatedly, for nesting), then its EXCLUDE.
     * Both are removed from the state. Returns the key that excludes the variant, if one does.
     */
    @SuppressWarnings("unchecked")
    public static Optional<String> apply(Map<String, Object> state, Set<String> variantKeys) {
        Object when;
        while ((when = state.remove(WHEN)) instanceof Map<?, ?> blocks) {
            for (Map.Entry<String, Object> block : ((Map<String, Object>) blocks).entrySet()) {
                if (matchesAny(block.getKey(), variantKeys) && block.getValue() instanceof Map<?, ?> config) {
                    Merge.into(state, (Map<String, Object>) config);
                }
            }
        }
        if (state.remove(EXCLUDE) instanceof List<?> excluded) {
            for (Object key : excluded) {
                if (variantKeys.contains(String.valueOf(key))) {
                    return Optional.of(String.valueOf(key));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean matchesAny(String whenKeys, Set<String> variantKeys) {
        for (String key : whenKeys.trim().split("\\s+")) {
            if (variantKeys.contains(key)) {
                return true;
            }
        }
        return false;
    }
}
