package dev.cloudimages.cloud.oci;

import com.oracle.bmc.core.model.Image;
import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.cloud.ImportJob;
import dev.cloudimages.cloud.ImportJournal;
import dev.cloudimages.support.Log;

import java.util.List;

/**
 * What an earlier import of this build left in OCI when it was killed outright (kill -9, a lost
 * machine): first what its journal lists (the object and its unfinished upload, a PAR, an image),
 * then any image of this build and revision that was never marked imported. One log line per
 * thing removed; an entry is crossed off once what it names is gone.
 */
final class OciLeftovers {

    private final OciSession session;
    private final Log log;
    private final ObjectUpload objects;
    private final OciImages images;

    OciLeftovers(OciSession session, Log log) {
        this.session = session;
        this.log = log;
        this.objects = new ObjectUpload(session, log);
        this.images = new OciImages(session, log);
    }

    void remove(ImportJob job, OciSettings settings) {
        ImageIdentity identity = job.identity();
        String key = identity.variantKey();
        for (ImportJournal.Entry entry : job.journal().entries()) {
            String bucket = entry.details().getOrDefault(ObjectUpload.BUCKET, settings.bucket());
            switch (entry.kind()) {
                case ObjectUpload.OBJECT -> {
                    String upload = entry.details().get(ObjectUpload.UPLOAD_ID);
                    if (upload != null) {
                        objects.abort(entry.region(), bucket, entry.name(), upload);
                    }
                    if (objects.deleteObject(entry.region(), bucket, entry.name())) {
                        log.warn("[%s] removed object %s from bucket %s (%s), left by an import that was killed", key,
                                entry.name(), bucket, entry.region());
                    }
                }
                case ObjectUpload.PAR -> {
                    String id = entry.details().get(ObjectUpload.ID);
                    List<String> ids = id != null ? List.of(id) : objects.parsNamed(entry.region(), bucket,
                            entry.details().getOrDefault(ObjectUpload.OBJECT, ""), entry.name());
                    for (String par : ids) {
                        objects.deletePar(entry.region(), bucket, par);
                        log.warn("[%s] removed pre-authenticated request %s (%s) of bucket %s, left by an import that"
                                + " was killed", key, entry.name(), par, bucket);
                    }
                }
                case OciImages.IMAGE -> {
                    // without an id the image is found below, by its tags
                    String id = entry.details().get(OciImages.ID);
                    if (id != null) {
                        removeUnfinished(key, entry.region(), images.find(entry.region(), id));
                    }
                }
                default -> log.warn("[%s] %s %s in the journal %s is not OCI's; left alone", key, entry.kind(),
                        entry.name(), "work/pending/oci");
            }
            job.journal().remove(entry);
        }
        String region = session.region();
        for (Image left : images.find(region, settings.compartment(), identity.project(), identity.buildName(),
                identity.revision())) {
            removeUnfinished(key, region, java.util.Optional.of(left));
        }
    }

    /** An image never marked imported is what a run did not finish; a finished one is kept. */
    private void removeUnfinished(String key, String region, java.util.Optional<Image> image) {
        if (image.isEmpty() || OciTags.of(image.get()).containsKey(ImageIdentity.IMPORTED)
                || image.get().getLifecycleState() == Image.LifecycleState.Deleted) {
            return;
        }
        images.delete(region, image.get().getId());
        log.warn("[%s] removed image %s (%s) in %s, left by an import that did not finish", key, image.get().getId(),
                image.get().getLifecycleState().getValue(), region);
    }
}
