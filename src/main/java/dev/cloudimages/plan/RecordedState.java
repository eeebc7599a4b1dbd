package dev.cloudimages.plan;

import dev.cloudimages.cloud.RemoteImage;
import dev.cloudimages.release.ImageMetadata;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What the records say of one planned revision: this machine's {@code imported.yaml} and newest
 * {@code published.yaml} entry, and the store's metadata. It fills in the regions the cloud is not
 * asked about, stands in for a cloud that cannot be asked, and decides whether a publish would
 * change anything. That decision is cheap on purpose: the cloud is asked only for its home image
 * (which the plan reads anyway); the rest is the record of the last publish of that very image,
 * which must have succeeded everywhere and have been made for the same {@link PublishIntent}
 * (regions, access, encryption, end of life). Anything else (no record, another image, a failed
 * region, changed settings) plans the publish, which checks each region and changes only what differs.
 */
final class RecordedState {

    static final String IMPORTED_SOURCE = ShipRecords.IMPORTED;
    static final String PUBLISHED_SOURCE = ShipRecords.PUBLISHED;
    static final String STORE_SOURCE = "store";

    /** Whether the publish is already done as configured, and the plan's words for it. */
    record Verdict(boolean done, String why) {
    }

    private final Optional<ShipRecords.Imported> imported;
    private final Optional<ShipRecords.Publish> publish;
    private final Optional<ImageMetadata> stored;

    private RecordedState(Optional<ShipRecords.Imported> imported, Optional<ShipRecords.Publish> publish,
                          Optional<ImageMetadata> stored) {
        this.imported = imported;
        this.publish = publish;
        this.stored = stored;
    }

    /** The records of {@code revision} beside the local image in {@code dir}, and the store's of it. */
    static RecordedState of(Path dir, int revision, Optional<ImageMetadata> storedHere) {
        return new RecordedState(ShipRecords.imported(dir).filter(i -> i.revision() == revision),
                ShipRecords.latestOf(dir, revision), storedHere.filter(m -> m.revision() == revision));
    }

    /** The recorded import (this machine's, else the store's), as "id in region (source)". */
    Optional<String> importedAs() {
        return imported.map(i -> i.imageId() + " in " + i.region() + " (" + IMPORTED_SOURCE + ")")
                .or(() -> stored.filter(ImageMetadata::isImported)
                        .map(m -> m.importId() + " in " + m.importRegion() + " (" + STORE_SOURCE + ")"));
    }

    /**
     * The publish verdict. {@code live} is the cloud's home image of the revision when the cloud was
     * asked (empty when it was not): a record of another image than the one there says nothing.
     */
    Verdict publishVerdict(Optional<RemoteImage> live, boolean cloudAsked, String intent) {
        if (publish.isEmpty()) {
            boolean storePublished = stored.filter(ImageMetadata::isPublished).isPresent();
            return new Verdict(false, storePublished
                    ? "the store records the publish but not the settings it was made with; publish checks each region"
                    : "no record here of where it was published; publish checks each region");
        }
        ShipRecords.Publish last = publish.get();
        if (cloudAsked && live.isPresent() && !last.sourceId().equals(live.get().id())) {
            return new Verdict(false, PUBLISHED_SOURCE + " records a publish of " + last.sourceId() + ", not of "
                    + live.get().id() + "; publish checks each region");
        }
        if (!last.failures().isEmpty()) {
            return new Verdict(false, "its last publish failed in " + String.join(", ",
                    last.failures().stream().map(ShipRecords.RegionPublish::region).toList()) + "; publish retries");
        }
        if (!last.targets().equals(intent)) {
            return new Verdict(false, "regions, access, encryption or end of life changed since it was published"
                    + " (" + PUBLISHED_SOURCE + "); publish brings each region up to date");
        }
        long regions = last.regions().stream().filter(r -> !r.imageId().isBlank()).count();
        return new Verdict(true, "published to " + regions + " region(s) as configured (" + PUBLISHED_SOURCE
                + (cloudAsked ? "" : "; cloud not asked") + ")");
    }

    /**
     * Where the revision is: the live home image first, then what the records say of the other
     * regions (only records of that same image when the cloud was asked), else what they say of all.
     */
    Whereabouts where(Optional<String> localFile, Optional<RemoteImage> live, boolean cloudAsked) {
        Whereabouts.Builder where = new Whereabouts.Builder().local(localFile);
        live.ifPresent(l -> where.add(l.region(), l.id(), l.state(), Whereabouts.LIVE));
        if (cloudAsked && live.isEmpty()) {
            return where.build(); // the cloud has none: records of an image it no longer has would mislead
        }
        Optional<String> source = live.map(RemoteImage::id);
        publish.filter(p -> source.isEmpty() || p.sourceId().equals(source.get())).ifPresent(p -> p.regions()
                .forEach(r -> where.add(r.region(), r.imageId(), r.failed() ? "failed" : "published", PUBLISHED_SOURCE)));
        imported.filter(i -> source.isEmpty() || i.imageId().equals(source.get()))
                .ifPresent(i -> where.add(i.region(), i.imageId(), "imported", IMPORTED_SOURCE));
        stored.filter(m -> source.isEmpty() || source.get().equals(m.importId())).ifPresent(m -> {
            for (Map.Entry<String, String> artifact : m.artifacts().entrySet()) {
                boolean home = artifact.getKey().equals(m.importRegion());
                where.add(artifact.getKey(), artifact.getValue(),
                        m.isPublished() || !home ? "published" : "imported", STORE_SOURCE);
            }
        });
        return where.build();
    }
}
