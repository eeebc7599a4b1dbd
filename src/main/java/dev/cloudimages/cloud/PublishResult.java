package dev.cloudimages.cloud;

import java.util.List;

/** What publishing did in each region, in region order; {@code failed} regions say why. */
public record PublishResult(List<RegionOutcome> regions, List<String> notes) {

    /** One region: the image there (if any), what was done ("copied", "unchanged", ...), or why it failed. */
    public record RegionOutcome(String region, String imageId, String outcome, boolean failed) {

        /**
         * The outcome of a region published concurrently with others: a region that threw is a failed
         * region (the others go on); an interrupt stops the publish.
         */
        public static RegionOutcome await(String region, java.util.concurrent.Future<RegionOutcome> outcome) {
            try {
                return outcome.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new dev.cloudimages.support.BuildException("interrupted while publishing to " + region);
            } catch (java.util.concurrent.ExecutionException e) {
                return new RegionOutcome(region, "", "failed: " + e.getCause(), true);
            }
        }
    }

    public PublishResult {
        regions = List.copyOf(regions);
        notes = List.copyOf(notes);
    }

    public List<RegionOutcome> failures() {
        return regions.stream().filter(RegionOutcome::failed).toList();
    }
}
