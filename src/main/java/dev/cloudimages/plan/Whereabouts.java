package dev.cloudimages.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What exists where for one variant's planned revision: its local image file, and in each region
 * of its cloud the image there and its state, each saying how it is known: {@code live} (the cloud
 * said so this run), or the record it comes from ({@code published.yaml}, {@code imported.yaml},
 * {@code store}) when the cloud was not asked or is asked only for its home region.
 */
public record Whereabouts(Optional<String> localFile, List<RegionImage> regions) {

    public static final String LIVE = "live";
    public static final Whereabouts NONE = new Whereabouts(Optional.empty(), List.of());

    /** One region's image: its id, state (imported, published, failed) and where that was learned. */
    public record RegionImage(String region, String imageId, String state, String source) {
    }

    public Whereabouts {
        regions = List.copyOf(regions);
    }

    public boolean isEmpty() {
        return localFile.isEmpty() && regions.isEmpty();
    }

    /**
     * The table's second line: {@code local <file>; <cloud>: <region> <id> <state>, ... (<source>); ...},
     * regions grouped by how they are known, so a long region list names its source once.
     */
    public String line(String cloud) {
        StringBuilder line = new StringBuilder("local ").append(localFile.orElse("none"));
        if (!regions.isEmpty()) {
            line.append("; ").append(cloud).append(':');
            String source = null;
            for (RegionImage region : regions) {
                if (!region.source().equals(source)) {
                    if (source != null) {
                        line.append(" (").append(source).append(");");
                    }
                    source = region.source();
                } else {
                    line.append(',');
                }
                line.append(' ').append(region.region()).append(' ').append(region.imageId()).append(' ')
                        .append(region.state());
            }
            line.append(" (").append(source).append(')');
        }
        return line.toString();
    }

    /** actions.yaml's {@code regions}: region to image id, state and source, in the line's order. */
    public Map<String, Object> regionsYaml() {
        Map<String, Object> yaml = new LinkedHashMap<>();
        for (RegionImage region : regions) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("image_id", region.imageId());
            entry.put("state", region.state());
            entry.put("source", region.source());
            yaml.put(region.region(), entry);
        }
        return yaml;
    }

    /** Collects regions, first come first kept (the live region first), the rest in region order per source. */
    static final class Builder {
        private final Map<String, RegionImage> regions = new LinkedHashMap<>();
        private Optional<String> localFile = Optional.empty();

        Builder local(Optional<String> file) {
            localFile = file;
            return this;
        }

        Builder add(String region, String imageId, String state, String source) {
            // a region that failed before it had an image is still worth showing
            if (!region.isBlank() && (!imageId.isBlank() || state.equals("failed"))) {
                regions.putIfAbsent(region, new RegionImage(region, imageId.isBlank() ? "-" : imageId, state, source));
            }
            return this;
        }

        Whereabouts build() {
            List<RegionImage> ordered = new ArrayList<>();
            List<String> sources = regions.values().stream().map(RegionImage::source).distinct().toList();
            for (String source : sources) {
                regions.values().stream().filter(r -> r.source().equals(source))
                        .sorted(java.util.Comparator.comparing(RegionImage::region)).forEach(ordered::add);
            }
            return new Whereabouts(localFile, ordered);
        }
    }
}
