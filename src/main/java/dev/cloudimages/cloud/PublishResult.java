package dev.cloudimages.cloud;

import java.util.List;

/** What publishing did in each region, in region order; {@code failed} regions say why. */
public record PublishResult(List<RegionOutcome> regions, List<String> notes) {

    /** One region: the image there (if any), what was done ("copied", "unchanged", ...), or why it failed. */
    public record RegionOutcome(String region, String imageId, String outcome, boolean failed) {
    }

    public PublishResult {
        regions = List.copyOf(regions);
        notes = List.copyOf(notes);
    }

    public List<RegionOutcome> failures() {
        return regions.stream().filter(RegionOutcome::failed).toList();
    }
}
