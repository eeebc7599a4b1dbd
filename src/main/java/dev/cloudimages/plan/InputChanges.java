package dev.cloudimages.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Why a local image is stale, in words: which of the named input parts (see {@link InputHash})
 * differ between its image.yaml and the variant now, grouped as config settings, scripts,
 * script-dir files, builder inputs, the revision and the mirror.
 */
final class InputChanges {

    private static final String GENERIC = "its inputs changed since it was built";
    private static final int MAX_NAMES = 8;

    private InputChanges() {
    }

    static String describe(LocalImages.Record built, Optional<Map<String, String>> now) {
        if (now.isEmpty()) {
            return GENERIC;
        }
        if (built.inputs().isEmpty()) {
            return GENERIC + " (its image.yaml records no per-input hashes, so which is not known)";
        }
        Map<String, List<String>> groups = new LinkedHashMap<>();
        // the likeliest surprise first: an environment that differs (mirror), then what the user edited
        for (String group : List.of("mirror", "revision", "config", "script", "script_dirs", "builder")) {
            groups.put(group, new ArrayList<>());
        }
        Set<String> names = new LinkedHashSet<>(built.inputs().keySet());
        names.addAll(now.get().keySet());
        for (String name : names) {
            String before = built.inputs().get(name);
            String after = now.get().get(name);
            if (before != null && before.equals(after)) {
                continue;
            }
            String suffix = before == null ? " (new)" : after == null ? " (gone)" : "";
            if (name.equals(InputHash.MIRROR)) {
                groups.computeIfAbsent("mirror", g -> new ArrayList<>()).add(built.mirror().isEmpty() ? ""
                        : "built from " + built.mirror() + ", which its repos name; ALPINE_MIRROR=" + built.mirror()
                        + " uses this image");
            } else if (name.equals(InputHash.REVISION)) {
                groups.computeIfAbsent("revision", g -> new ArrayList<>()).add(built.revision() + "");
            } else {
                String group = name.substring(0, name.indexOf(' ') + 1);
                groups.computeIfAbsent(group.trim(), g -> new ArrayList<>()).add(name.substring(group.length()) + suffix);
            }
        }
        groups.values().removeIf(List::isEmpty);
        if (groups.isEmpty()) {
            return GENERIC; // same parts, another way of combining them (a newer version of the tool)
        }
        List<String> said = new ArrayList<>();
        int budget = MAX_NAMES;
        for (Map.Entry<String, List<String>> group : groups.entrySet()) {
            List<String> items = group.getValue();
            String label = switch (group.getKey()) {
                case "config" -> "config " + (items.size() == 1 ? "key" : "keys");
                case "script" -> items.size() == 1 ? "script" : "scripts";
                case "script_dirs" -> "script dir " + (items.size() == 1 ? "file" : "files");
                case "builder" -> "builder " + (items.size() == 1 ? "input" : "inputs");
                case "revision" -> "revision (was r" + items.get(0) + ")";
                default -> "the mirror";
            };
            if (group.getKey().equals("revision") || group.getKey().equals("mirror")) {
                String detail = group.getKey().equals("mirror") && !items.get(0).isEmpty() ? " (" + items.get(0) + ")" : "";
                said.add(label + detail);
                continue;
            }
            int shown = Math.max(1, Math.min(items.size(), budget));
            budget -= shown;
            said.add(label + " " + String.join(", ", items.subList(0, shown))
                    + (items.size() > shown ? " and " + (items.size() - shown) + " more" : ""));
        }
        return "changed since it was built: " + String.join("; ", said);
    }
}
