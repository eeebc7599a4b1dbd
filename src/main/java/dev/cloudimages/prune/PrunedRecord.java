package dev.cloudimages.prune;

import dev.cloudimages.release.ImageMetadata;
import dev.cloudimages.support.Log;

import java.util.List;
import java.util.Set;

/** A pruned revision's record in its store: removed with its image files, or left with fewer regions. */
record PrunedRecord(PruneInventory.Stored stored, Log log) {

    /** The image, its checksum and signature first, the metadata last (a run cut short leaves it to be found again). */
    void removeAll() {
        ImageMetadata metadata = stored.metadata();
        if (metadata.file() != null) {
            for (String suffix : List.of("", ".sha512", ".asc")) {
                stored.store().delete(metadata.file() + suffix);
            }
        }
        stored.store().delete(stored.object());
        log.info("prune: removed %s%s from %s", stored.object(), metadata.file() == null ? ""
                : " and " + metadata.file() + " (.sha512, .asc)", stored.store().url());
    }

    void removeRegions(Set<String> regions, String now) {
        stored.store().write(stored.object(), stored.metadata().withoutRegions(regions, now).toYaml());
        log.info("prune: %s in %s no longer lists %s", stored.object(), stored.store().url(), String.join(", ", regions));
    }
}
