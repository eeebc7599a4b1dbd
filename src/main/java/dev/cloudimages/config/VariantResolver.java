package dev.cloudimages.config;

import dev.cloudimages.alpine.Release;
import dev.cloudimages.alpine.ReleaseCatalog;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Dates;

import java.math.BigInteger;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Expands a top-level config into image variants: the Cartesian product of the dimensions' keys,
 * each variant merging Default, then every dimension key's layer in dimension order, then Mandatory,
 * with EXCLUDE and WHEN applied after each layer; then end-of-life filtering, normalisation and
 * placeholder filling.
 */
public final class VariantResolver {

    private final TopConfig config;
    private final ReleaseCatalog releases;
    private final LocalDate today;
    private final String mirror;

    public VariantResolver(TopConfig config, ReleaseCatalog releases, LocalDate today, String mirror) {
        this.config = config;
        this.releases = releases;
        this.today = today;
        this.mirror = mirror;
    }

    /**
     * The most candidate variants (the product of the dimensions' key counts) a config may make.
     * Each resolved variant holds its whole config, so far beyond this the JVM runs out of memory
     * after minutes instead of failing at once; 3^10 = 59 049 resolves in seconds.
     */
    public static final long MAX_CANDIDATES = 200_000;

    public Resolution resolve() {
        checkCandidateCount(config);
        List<Dimension> dimensions = withReleases(config.dimensions());
        List<ResolvedVariant> variants = new ArrayList<>();
        List<Resolution.Skipped> skipped = new ArrayList<>();
        Map<String, Map<String, String>> madeBy = new HashMap<>();
        int[] index = new int[dimensions.size()];
        do {
            Map<String, String> keys = new LinkedHashMap<>();
            for (int d = 0; d < dimensions.size(); d++) {
                keys.put(dimensions.get(d).name(), dimensions.get(d).keys().get(index[d]));
            }
            checkUnique(madeBy, keys);
            resolveOne(dimensions, keys, variants, skipped);
        } while (advance(index, dimensions));
        return new Resolution(dimensions, variants, skipped);
    }

    private void resolveOne(List<Dimension> dimensions, Map<String, String> keys,
                            List<ResolvedVariant> variants, List<Resolution.Skipped> skipped) {
        String variantKey = String.join("-", keys.values());
        Set<String> variantKeys = new HashSet<>(keys.values());
        Map<String, Object> state = new LinkedHashMap<>(keys);
        state.put("mirror", mirror);

        List<Map<String, Object>> layers = new ArrayList<>();
        layers.add(config.defaults());
        dimensions.forEach(d -> layers.add(d.layer(keys.get(d.name()))));
        layers.add(config.mandatory());
        for (Map<String, Object> layer : layers) {
            Merge.into(state, layer);
            Optional<String> excludedBy = Directives.apply(state, variantKeys);
            if (excludedBy.isPresent()) {
                skipped.add(new Resolution.Skipped(variantKey, Resolution.Reason.EXCLUDED, "excludes " + excludedBy.get()));
                return;
            }
        }
        Optional<LocalDate> endOfLife = endOfLife(variantKey, state);
        // like the reference: end of life starts at midnight of its date
        if (endOfLife.isPresent() && !today.isBefore(endOfLife.get())) {
            skipped.add(new Resolution.Skipped(variantKey, Resolution.Reason.END_OF_LIFE,
                    "end of life " + endOfLife.get()));
            return;
        }
        new Normaliser(variantKey).normalise(state);
        Placeholders.forVariant(variantKey, state).fill(state, "");
        variants.add(new ResolvedVariant(variantKey, keys, withIdentity(keys, variantKey, state)));
    }

    static void checkCandidateCount(TopConfig config) {
        BigInteger candidates = BigInteger.ONE;
        List<String> factors = new ArrayList<>();
        for (Dimension dimension : config.dimensions()) {
            candidates = candidates.multiply(BigInteger.valueOf(dimension.keys().size()));
            factors.add(String.valueOf(dimension.keys().size()));
        }
        if (candidates.compareTo(BigInteger.valueOf(MAX_CANDIDATES)) > 0) {
            throw new BuildException("the " + factors.size() + " dimensions make " + String.join(" x ", factors) + " = "
                    + candidates + " candidate variants, more than the limit of " + MAX_CANDIDATES
                    + "; remove dimensions or keys, or split them over several top-level configs");
        }
    }

    /**
     * Keys are joined with '-', so keys that hold '-' can join to the same variant key from two
     * combinations (a-b + c and a + b-c); one would silently overwrite the other in configs.yaml.
     */
    private static void checkUnique(Map<String, Map<String, String>> madeBy, Map<String, String> keys) {
        String variantKey = String.join("-", keys.values());
        Map<String, String> earlier = madeBy.putIfAbsent(variantKey, keys);
        if (earlier != null) {
            throw new BuildException("two key combinations make the same variant key '" + variantKey + "': "
                    + combination(earlier) + " and " + combination(keys)
                    + "; variant keys join dimension keys with '-', so rename a key that contains '-'");
        }
    }

    private static String combination(Map<String, String> keys) {
        List<String> parts = new ArrayList<>();
        keys.forEach((dimension, key) -> parts.add(dimension + "=" + key));
        return "(" + String.join(", ", parts) + ")";
    }

    /**
     * The settings after the dimension keys, with the reference's two identity keys that downstream
     * tools read: config_key (the variant key) and image_key (the same keys with the version's
     * release in place of the version: release-arch-firmware-bootstrap-cloud for the shipped dimensions).
     */
    private static Map<String, Object> withIdentity(Map<String, String> keys, String variantKey,
                                                    Map<String, Object> state) {
        List<String> imageKey = new ArrayList<>();
        keys.forEach((dimension, key) -> imageKey.add(dimension.equals(TopConfig.VERSION)
                ? String.valueOf(state.get("release")) : key));
        Map<String, Object> config = new LinkedHashMap<>();
        keys.keySet().stream().filter(state::containsKey).forEach(dimension -> config.put(dimension, state.get(dimension)));
        config.put("config_key", variantKey);
        config.put("image_key", String.join("-", imageKey));
        state.forEach(config::putIfAbsent);
        return config;
    }

    /** The version layers, each with its release looked up and appended to the name and description. */
    private List<Dimension> withReleases(List<Dimension> dimensions) {
        List<Dimension> result = new ArrayList<>();
        for (Dimension dimension : dimensions) {
            if (!dimension.name().equals(TopConfig.VERSION)) {
                result.add(dimension);
                continue;
            }
            Map<String, Map<String, Object>> layers = new HashMap<>();
            for (String version : dimension.keys()) {
                Release release = releases.lookup(version, today);
                // shallow: the layer's own nulls must survive to remove what earlier layers set
                Map<String, Object> layer = new LinkedHashMap<>(dimension.layer(version));
                layer.put("release", release.release());
                layer.put("end_of_life", release.endOfLife().toString());
                String builderRelease = releases.builderRelease(version, today);
                if (builderRelease != null) {
                    layer.put("builder_release", builderRelease);
                }
                if (release.notesUrl() != null) {
                    layer.put("release_notes", release.notesUrl());
                }
                // as in the reference, the release goes into both (after the version key's own parts,
                // which the reference drops)
                appendRelease(layer, "name", release.release());
                appendRelease(layer, "description", release.release());
                layers.put(version, layer);
            }
            result.add(new Dimension(dimension.name(), dimension.keys(), layers));
        }
        return result;
    }

    private static void appendRelease(Map<String, Object> layer, String key, String release) {
        List<Object> parts = new ArrayList<>();
        if (layer.get(key) instanceof List<?> own) {
            parts.addAll(own);
        }
        parts.add(release);
        layer.put(key, parts);
    }

    private static Optional<LocalDate> endOfLife(String variantKey, Map<String, Object> state) {
        Object value = state.get("end_of_life");
        if (value == null) {
            return Optional.empty();
        }
        String text = value.toString();
        try {
            return Optional.of(Dates.isoDate(text));
        } catch (DateTimeParseException e) {
            throw new BuildException("variant " + variantKey + ": end_of_life '" + text
                    + "' is not a date (YYYY-MM-DD)");
        }
    }

    /** Odometer over the dimensions' keys, last dimension fastest (like itertools.product). */
    private static boolean advance(int[] index, List<Dimension> dimensions) {
        for (int d = index.length - 1; d >= 0; d--) {
            if (++index[d] < dimensions.get(d).keys().size()) {
                return true;
            }
            index[d] = 0;
        }
        return false;
    }
}
