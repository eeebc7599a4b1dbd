package dev.cloudimages.config;

import dev.cloudimages.support.BuildException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Turns a merged variant's structured settings into the flat strings the build scripts consume.
 * Map entries keep their config order; null entries were already dropped by the merge.
 */
final class Normaliser {

    private final String variant;

    Normaliser(String variant) {
        this.variant = variant;
    }

    void normalise(Map<String, Object> state) {
        joinList(state, "name", "-");
        joinList(state, "description", " ");
        motd(state);
        repos(state);
        packages(state);
        services(state);
        enabledKeys(state, "kernel_modules", ",");
        enabledKeys(state, "kernel_options", " ");
        enabledKeys(state, "initfs_features", " ");
    }

    private void joinList(Map<String, Object> state, String key, String separator) {
        Object value = state.get(key);
        if (value instanceof List<?> list) {
            StringJoiner joined = new StringJoiner(separator);
            for (Object element : list) {
                joined.add(scalar(key, element));
            }
            state.put(key, joined.toString());
        } else if (value != null && !(value instanceof String)) {
            throw invalid(key, "a list of strings", value);
        }
    }

    /** motd: named paragraphs (a string or a list of lines), joined by blank lines. */
    private void motd(Map<String, Object> state) {
        if (!(state.get("motd") instanceof Map<?, ?> motd)) {
            return;
        }
        List<String> paragraphs = new ArrayList<>();
        for (Map.Entry<?, ?> entry : motd.entrySet()) {
            // the release notes paragraph only makes sense when the release has notes
            if ("release_notes".equals(entry.getKey()) && state.get("release_notes") == null) {
                continue;
            }
            Object value = entry.getValue();
            if (value instanceof List<?> lines) {
                StringJoiner joined = new StringJoiner("\n");
                lines.forEach(line -> joined.add(scalar("motd." + entry.getKey(), line)));
                paragraphs.add(joined.toString());
            } else {
                paragraphs.add(scalar("motd." + entry.getKey(), value));
            }
        }
        state.put("motd", String.join("\n\n", paragraphs));
    }

    /** repos: URL = true (enabled), false (commented out), "tag" (@tag URL). */
    private void repos(Map<String, Object> state) {
        Map<String, Object> repos = map(state, "repos");
        if (repos == null) {
            return;
        }
        List<String> lines = new ArrayList<>();
        repos.forEach((url, value) -> {
            if (Boolean.TRUE.equals(value)) {
                lines.add(url);
            } else if (Boolean.FALSE.equals(value)) {
                lines.add("#" + url);
            } else if (value instanceof String tag) {
                lines.add("@" + tag.trim() + " " + url);
            } else {
                throw invalid("repos.\"" + url + "\"", "true, false, null or a tag string", value);
            }
        });
        state.put("repos", String.join("\n", lines));
    }

    /** packages: true (add), false (delete), "tag" (pkg@tag), "--no-scripts [tag]" (added without scripts). */
    private void packages(Map<String, Object> state) {
        Map<String, Object> packages = map(state, "packages");
        if (packages == null) {
            return;
        }
        StringJoiner add = new StringJoiner(" ");
        StringJoiner del = new StringJoiner(" ");
        StringJoiner noScripts = new StringJoiner(" ");
        packages.forEach((pkg, value) -> {
            if (Boolean.TRUE.equals(value)) {
                add.add(pkg);
            } else if (Boolean.FALSE.equals(value)) {
                del.add(pkg);
            } else if (value instanceof String spec) {
                boolean withoutScripts = spec.contains("--no-scripts");
                String tag = spec.replace("--no-scripts", "").trim();
                String name = tag.isEmpty() ? pkg : pkg + "@" + tag;
                (withoutScripts ? noScripts : add).add(name);
            } else {
                throw invalid("packages." + pkg, "true, false, null, a tag or \"--no-scripts [tag]\"", value);
            }
        });
        Map<String, Object> lists = new LinkedHashMap<>();
        lists.put("add", add.toString());
        lists.put("del", del.toString());
        lists.put("noscripts", noScripts.toString());
        state.put("packages", lists);
    }

    /** services: runlevel -> service -> true/false, as "level=svc1,svc2 level2=svc3" strings. */
    private void services(Map<String, Object> state) {
        Map<String, Object> services = map(state, "services");
        if (services == null) {
            return;
        }
        StringJoiner enable = new StringJoiner(" ");
        StringJoiner disable = new StringJoiner(" ");
        services.forEach((level, value) -> {
            if (!(value instanceof Map<?, ?> byService)) {
                throw invalid("services." + level, "a block of service = true/false", value);
            }
            StringJoiner on = new StringJoiner(",");
            StringJoiner off = new StringJoiner(",");
            byService.forEach((service, enabled) -> {
                if (Boolean.TRUE.equals(enabled)) {
                    on.add(service.toString());
                } else if (Boolean.FALSE.equals(enabled)) {
                    off.add(service.toString());
                } else {
                    throw invalid("services." + level + "." + service, "true, false or null", enabled);
                }
            });
            if (on.length() > 0) {
                enable.add(level + "=" + on);
            }
            if (off.length() > 0) {
                disable.add(level + "=" + off);
            }
        });
        Map<String, Object> lists = new LinkedHashMap<>();
        lists.put("enable", enable.toString());
        lists.put("disable", disable.toString());
        state.put("services", lists);
    }

    /** kernel_modules, kernel_options, initfs_features: the keys whose value is true. */
    private void enabledKeys(Map<String, Object> state, String key, String separator) {
        Map<String, Object> settings = map(state, key);
        if (settings == null) {
            return;
        }
        StringJoiner joined = new StringJoiner(separator);
        settings.forEach((name, value) -> {
            if (Boolean.TRUE.equals(value)) {
                joined.add(name);
            } else if (!Boolean.FALSE.equals(value)) {
                throw invalid(key + ".\"" + name + "\"", "true, false or null", value);
            }
        });
        state.put(key, joined.toString());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(Map<String, Object> state, String key) {
        Object value = state.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map)) {
            throw invalid(key, "a block { ... }", value);
        }
        return (Map<String, Object>) value;
    }

    private String scalar(String key, Object value) {
        if (value instanceof Map || value instanceof List || value == null) {
            throw invalid(key, "a string", value);
        }
        return value.toString();
    }

    private BuildException invalid(String key, String expected, Object got) {
        return new BuildException("variant " + variant + ": " + key + " must be " + expected + ", got "
                + (got == null ? "null" : got.getClass().getSimpleName().toLowerCase().replace("linkedhashmap", "block")
                .replace("arraylist", "list") + " " + got));
    }
}
