package dev.cloudimages.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Suggestions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The top-level config: Default, the ordered Dimensions, Mandatory, and the tool settings that live
 * beside them ({@code releases_url}, {@code mirror}). Reading it checks the shape of every block and
 * directive once, with the file and line of anything wrong, so resolution can trust its input.
 */
public record TopConfig(Path file, Map<String, Object> defaults, List<Dimension> dimensions,
                        Map<String, Object> mandatory, Optional<String> releasesUrl, Optional<String> mirror,
                        List<String> warnings) {

    public static final String DEFAULT = "Default";
    public static final String DIMENSIONS = "Dimensions";
    public static final String MANDATORY = "Mandatory";
    public static final String VERSION = "version";

    public static TopConfig read(HoconLoader loader, HoconLoader.Document document) {
        return new Reader(loader, document).read();
    }

    public Dimension dimension(String name) {
        return dimensions.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }

    /** A dimension key an EXCLUDE or WHEN names, and where. */
    private record KeyReference(String where, String directive, String key) {
    }

    private record Reader(HoconLoader loader, HoconLoader.Document document, List<KeyReference> references,
                          Set<String> removedKeys) {

        Reader(HoconLoader loader, HoconLoader.Document document) {
            this(loader, document, new ArrayList<>(), new HashSet<>());
        }

        TopConfig read() {
            ConfigObject root = document.root();
            String file = loader.display(document.file());
            ConfigValue dimensionsValue = root.get(DIMENSIONS);
            if (dimensionsValue == null) {
                throw new BuildException(file + ": no " + DIMENSIONS + " block; a top-level config has "
                        + "Default, Dimensions and Mandatory blocks (is configs/images.conf pointing at the right file?)");
            }
            ConfigObject dimensionsObject = object(dimensionsValue, DIMENSIONS);
            List<Dimension> dimensions = new ArrayList<>();
            for (String name : document.order().sort(List.of(DIMENSIONS), dimensionsObject.keySet())) {
                // an overlay removes a dimension, or a key of one, by setting it to null
                if (dimensionsObject.get(name).valueType() != ConfigValueType.NULL) {
                    dimensions.add(dimension(name, dimensionsObject.get(name)));
                }
            }
            if (dimensions.stream().noneMatch(d -> d.name().equals(VERSION))) {
                throw new BuildException(loader.where(dimensionsValue.origin()) + ": " + DIMENSIONS
                        + " has no '" + VERSION + "' dimension; add one with a block per Alpine version, e.g. \"3.22\" { }");
            }
            Map<String, Object> defaults = layer(root, DEFAULT);
            Map<String, Object> mandatory = layer(root, MANDATORY);
            return new TopConfig(document.file(), defaults, dimensions, mandatory,
                    setting(root, "releases_url"), setting(root, "mirror"), unknownKeys(dimensions));
        }

        /**
         * A key no dimension has makes an EXCLUDE or WHEN a silent no-op, most often a typo. Keys an
         * overlay removed (set to null) are known: the shipped configs may still name them.
         */
        private List<String> unknownKeys(List<Dimension> dimensions) {
            Set<String> known = new LinkedHashSet<>();
            dimensions.forEach(d -> known.addAll(d.keys()));
            List<String> warnings = new ArrayList<>();
            for (KeyReference reference : references) {
                if (!known.contains(reference.key()) && !removedKeys.contains(reference.key())) {
                    warnings.add(reference.where() + ": " + reference.directive() + " names '" + reference.key()
                            + "', which no dimension has, so it never matches"
                            + Suggestions.closest(reference.key(), known).map(k -> "; nearest key: '" + k + "'")
                                    .orElse(""));
                }
            }
            return List.copyOf(warnings);
        }

        private Dimension dimension(String name, ConfigValue value) {
            String path = DIMENSIONS + "." + name;
            ConfigObject keysObject = object(value, path);
            List<String> keys = document.order().sort(List.of(DIMENSIONS, name), keysObject.keySet()).stream()
                    .filter(key -> keysObject.get(key).valueType() != ConfigValueType.NULL)
                    .toList();
            keysObject.keySet().stream().filter(key -> !keys.contains(key)).forEach(removedKeys::add);
            if (keys.isEmpty()) {
                throw new BuildException(loader.where(value.origin()) + ": dimension '" + name + "' has no keys; "
                        + (name.equals(VERSION)
                        ? "the version dimension is required: give it a block per Alpine version, e.g. \"3.24\" { }"
                        : "give it at least one key block (e.g. " + name + " { example { } }) or remove it"));
            }
            Map<String, Map<String, Object>> layers = new LinkedHashMap<>();
            for (String key : keys) {
                ConfigValue keyValue = keysObject.get(key);
                String keyPath = path + "." + quoteIfDotted(key);
                if (key.isBlank() || key.chars().anyMatch(Character::isWhitespace)) {
                    throw new BuildException(loader.where(keyValue.origin()) + ": dimension key '" + key + "' in "
                            + path + " contains white space; WHEN separates keys with spaces, so keys may not have any");
                }
                ConfigObject layer = object(keyValue, keyPath);
                if (name.equals(VERSION)) {
                    checkQuotedVersion("version key", key, layer);
                }
                checkDirectives(layer, keyPath);
                layers.put(key, asMap(keyValue, List.of(DIMENSIONS, name, key)));
            }
            return new Dimension(name, keys, layers);
        }

        private Map<String, Object> layer(ConfigObject root, String name) {
            ConfigValue value = root.get(name);
            if (value == null || value.valueType() == ConfigValueType.NULL) {
                return Map.of();
            }
            checkDirectives(object(value, name), name);
            return asMap(value, List.of(name));
        }

        private Optional<String> setting(ConfigObject root, String name) {
            ConfigValue value = root.get(name);
            if (value == null || value.valueType() == ConfigValueType.NULL) {
                return Optional.empty();
            }
            if (value.valueType() != ConfigValueType.STRING) {
                throw new BuildException(loader.where(value.origin()) + ": " + name + " must be a string (a URL), got "
                        + describe(value));
            }
            return Optional.of((String) value.unwrapped());
        }

        /** EXCLUDE is a list of dimension keys; WHEN maps space-separated keys to blocks, which may nest. */
        private void checkDirectives(ConfigObject layer, String path) {
            ConfigValue exclude = layer.get(Directives.EXCLUDE);
            if (exclude != null) {
                boolean ok = exclude.valueType() == ConfigValueType.LIST && ((ConfigList) exclude).stream()
                        .allMatch(v -> v.valueType() == ConfigValueType.STRING || v.valueType() == ConfigValueType.NUMBER);
                if (!ok) {
                    throw new BuildException(loader.where(exclude.origin()) + ": " + path + "." + Directives.EXCLUDE
                            + " must be a list of dimension keys, e.g. EXCLUDE = [bios], got " + describe(exclude));
                }
                for (ConfigValue key : (ConfigList) exclude) {
                    references.add(new KeyReference(loader.where(key.origin()), path + "." + Directives.EXCLUDE,
                            String.valueOf(key.unwrapped())));
                }
            }
            ConfigValue when = layer.get(Directives.WHEN);
            if (when != null) {
                if (when.valueType() != ConfigValueType.OBJECT) {
                    throw new BuildException(loader.where(when.origin()) + ": " + path + "." + Directives.WHEN
                            + " must be a block of key blocks, e.g. WHEN { \"aws gcp\" { ... } }, got " + describe(when));
                }
                ConfigObject whenObject = (ConfigObject) when;
                for (Map.Entry<String, ConfigValue> entry : whenObject.entrySet()) {
                    String blockPath = path + "." + Directives.WHEN + "." + quoteIfDotted(entry.getKey());
                    if (entry.getValue().valueType() != ConfigValueType.OBJECT) {
                        throw new BuildException(loader.where(entry.getValue().origin()) + ": " + blockPath
                                + " must be a block { ... } merged when the variant has one of the keys, got "
                                + describe(entry.getValue()));
                    }
                    checkQuotedVersion("WHEN key", entry.getKey(), (ConfigObject) entry.getValue());
                    for (String key : entry.getKey().trim().split("\\s+")) {
                        references.add(new KeyReference(loader.where(entry.getValue().origin()),
                                path + "." + Directives.WHEN, key));
                    }
                    checkDirectives((ConfigObject) entry.getValue(), blockPath);
                }
            }
        }

        private ConfigObject object(ConfigValue value, String path) {
            if (value.valueType() != ConfigValueType.OBJECT) {
                throw new BuildException(loader.where(value.origin()) + ": " + path + " must be a block { ... }, got "
                        + describe(value));
            }
            return (ConfigObject) value;
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> asMap(ConfigValue value, List<String> path) {
            return (Map<String, Object>) HoconLoader.toJava(document, value, path);
        }

        /** An unquoted 3.22 { } reads as key "3" holding block "22": say how to write it. */
        private void checkQuotedVersion(String what, String key, ConfigObject block) {
            if (!key.matches("\\d+") || block.size() != 1) {
                return;
            }
            Map.Entry<String, ConfigValue> only = block.entrySet().iterator().next();
            if (only.getKey().matches("\\d+") && only.getValue().valueType() == ConfigValueType.OBJECT) {
                String version = key + "." + only.getKey();
                throw new BuildException(loader.where(block.origin()) + ": " + what + " " + version
                        + " is unquoted, so HOCON reads it as a nested path; write it quoted: \"" + version + "\" { ... }");
            }
        }

        private static String describe(ConfigValue value) {
            // plain render() starts with an origin comment and spans lines
            String rendered = value.render(ConfigRenderOptions.concise());
            if (rendered.length() > 40) {
                rendered = rendered.substring(0, 37) + "...";
            }
            return value.valueType().name().toLowerCase() + " " + rendered.replace("\n", " ");
        }

        private static String quoteIfDotted(String key) {
            return key.contains(".") ? "\"" + key + "\"" : key;
        }
    }
}
