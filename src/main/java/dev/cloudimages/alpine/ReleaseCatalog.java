package dev.cloudimages.alpine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Dates;

import java.net.URI;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alpine's release metadata ({@code releases.json}): per branch its end-of-life date and releases.
 * The shape read is {@code release_branches[]{rel_branch, eol_date, releases[]{version, date, notes}}}.
 */
public final class ReleaseCatalog {

    public static final String EDGE = "edge";
    private static final DateTimeFormatter YYYYMMDD = DateTimeFormatter.ofPattern("yyyyMMdd");

    private record Branch(String version, String eolDate, List<JsonNode> releases) {
    }

    private final String source;
    private final Map<String, Branch> branches;

    private ReleaseCatalog(String source, Map<String, Branch> branches) {
        this.source = source;
        this.branches = branches;
    }

    public static ReleaseCatalog parse(String json, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw malformed(source, "not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.path("release_branches").isArray()) {
            throw malformed(source, "no release_branches array");
        }
        Map<String, Branch> branches = new LinkedHashMap<>();
        for (JsonNode branch : root.get("release_branches")) {
            JsonNode name = branch.get("rel_branch");
            if (name == null || !name.isTextual() || name.asText().isBlank()) {
                throw malformed(source, "a release_branches entry has no rel_branch");
            }
            String version = name.asText().startsWith("v") ? name.asText().substring(1) : name.asText();
            List<JsonNode> releases = new ArrayList<>();
            JsonNode list = branch.path("releases");
            if (!list.isMissingNode() && !list.isArray()) {
                throw malformed(source, name.asText() + ".releases is not an array");
            }
            for (JsonNode release : list) {
                if (!release.path("version").isTextual()) {
                    throw malformed(source, name.asText() + " has a release without a version");
                }
                releases.add(release);
            }
            JsonNode eol = branch.get("eol_date");
            branches.put(version, new Branch(version, eol == null || eol.isNull() ? null : eol.asText(), releases));
        }
        return new ReleaseCatalog(source, branches);
    }

    /**
     * The current release of {@code version} on {@code today}: the newest x.y.z of a stable branch with
     * the branch's end of life, or for edge today's date with end of life tomorrow.
     */
    public Release lookup(String version, LocalDate today) {
        if (EDGE.equals(version)) {
            return new Release(EDGE, today.format(YYYYMMDD), defaultEndOfLife(today), null);
        }
        Branch branch = branches.get(version);
        if (branch == null || branch.releases().isEmpty()) {
            throw new BuildException("version \"" + version + "\" has no release in " + source
                    + (branch == null ? " (it lists: " + String.join(", ", branches.keySet()) + ")" : " (its branch lists no releases)")
                    + "; remove the version from Dimensions.version or use release metadata that has it");
        }
        JsonNode newest = branch.releases().stream().max(RELEASE_ORDER).orElseThrow();
        return new Release(version, newest.get("version").asText(), endOfLife(branch, today), notesUrl(newest));
    }

    /**
     * The release whose ISO boots the builder for {@code version}: its own release, or for edge
     * (which publishes no ISO) the newest stable release; null when the metadata lists none.
     */
    public String builderRelease(String version, LocalDate today) {
        if (!EDGE.equals(version)) {
            return lookup(version, today).release();
        }
        return branches.values().stream()
                .filter(b -> !EDGE.equals(b.version()) && !b.releases().isEmpty())
                .max(java.util.Comparator.comparing(Branch::version, ReleaseCatalog::compareVersions))
                .map(b -> lookup(b.version(), today).release())
                .orElse(null);
    }

    /** Edge, and a branch whose end of life is not known yet, end tomorrow (as in the reference). */
    public static LocalDate defaultEndOfLife(LocalDate today) {
        return today.plusDays(1);
    }

    private LocalDate endOfLife(Branch branch, LocalDate today) {
        if (branch.eolDate() == null || branch.eolDate().isBlank()) {
            return defaultEndOfLife(today);
        }
        try {
            return Dates.isoDate(branch.eolDate());
        } catch (DateTimeParseException e) {
            throw malformed(source, "v" + branch.version() + " has eol_date '" + branch.eolDate() + "', not YYYY-MM-DD");
        }
    }

    /** Release notes are site-relative ("posts/Alpine-3.22.2-released.md"); the site serves them as HTML. */
    private String notesUrl(JsonNode release) {
        JsonNode notes = release.get("notes");
        if (notes == null || !notes.isTextual() || notes.asText().isBlank()) {
            return null;
        }
        String path = notes.asText();
        if (path.startsWith("http://") || path.startsWith("https://")) {
            return path;
        }
        if (path.endsWith(".md")) {
            path = path.substring(0, path.length() - 3) + ".html";
        }
        try {
            return URI.create(source).resolve(path).toString();
        } catch (IllegalArgumentException e) {
            return path;
        }
    }

    /** Newest first by version number (3.22.10 after 3.22.9), then by date. */
    private static final Comparator<JsonNode> RELEASE_ORDER = Comparator
            .comparing((JsonNode r) -> r.get("version").asText(), ReleaseCatalog::compareVersions)
            .thenComparing(r -> r.path("date").asText(""));

    static int compareVersions(String a, String b) {
        String[] left = a.split("[.\\-_]");
        String[] right = b.split("[.\\-_]");
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
            String l = i < left.length ? left[i] : "";
            String r = i < right.length ? right[i] : "";
            int order = l.matches("\\d+") && r.matches("\\d+")
                    ? Long.compare(Long.parseLong(l), Long.parseLong(r))
                    : l.compareTo(r);
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }

    private static BuildException malformed(String source, String problem) {
        return new BuildException("malformed Alpine release metadata from " + source + ": " + problem
                + "; point ALPINE_RELEASES_URL at a releases.json in Alpine's format");
    }
}
