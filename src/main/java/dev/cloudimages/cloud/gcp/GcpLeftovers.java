package dev.cloudimages.cloud.gcp;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.compute.v1.Image;
import com.google.cloud.compute.v1.ListImagesRequest;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.StorageException;
import dev.cloudimages.cloud.CloudContext;
import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.cloud.ImportJob;
import dev.cloudimages.cloud.ImportJournal;
import dev.cloudimages.support.BuildException;

import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * What earlier imports of this build left in GCP: first what the journal of one killed outright
 * lists (the uploaded object, the image being created), then every image with this build's labels
 * that is not READY (PENDING or FAILED: no finished image), then an image of this name the plan
 * did not see as imported, which is in the way of images.insert. One log line per thing removed.
 */
final class GcpLeftovers {

    private final GcpSession session;
    private final ImageCreator creator;
    private final CloudContext context;

    GcpLeftovers(GcpSession session, ImageCreator creator, CloudContext context) {
        this.session = session;
        this.creator = creator;
        this.context = context;
    }

    void remove(ImportJob job, ImageCreator.Settings image) {
        ImageIdentity identity = job.identity();
        for (ImportJournal.Entry entry : job.journal().entries()) {
            switch (entry.kind()) {
                case GcsUpload.OBJECT -> removeObject(identity, entry.name());
                case ImageCreator.IMAGE -> creator.find(entry.name()).ifPresent(found -> removeImage(identity, found,
                        "left by an import that was killed"));
                default -> context.log().warn("[%s] %s %s in the journal is not GCP's; left alone",
                        identity.variantKey(), entry.kind(), entry.name());
            }
            job.journal().remove(entry);
        }
        String filter = GcpLabels.filter(Map.of(ImageIdentity.BUILD_NAME, identity.buildName(),
                ImageIdentity.PROJECT, identity.project()));
        try {
            Iterable<Image> labelled = session.images().list(ListImagesRequest.newBuilder()
                    .setProject(session.project()).setFilter(filter).build()).iterateAll();
            StreamSupport.stream(labelled.spliterator(), false).filter(i -> !i.getStatus().equals("READY"))
                    .forEach(i -> removeImage(identity, i, "left by an import that did not finish"));
        } catch (ApiException e) {
            throw GcpFailures.of("reading the images of " + identity.buildName(), e, session);
        }
        Optional<Image> existing = creator.find(image.imageName());
        if (existing.isPresent()) {
            removeImage(identity, existing.get(), "left by an earlier import that did not finish");
        }
    }

    private void removeObject(ImageIdentity identity, String url) {
        String path = url.replaceFirst("^gs://", "");
        int slash = path.indexOf('/');
        if (slash < 0) {
            return;
        }
        try {
            if (session.storage().delete(BlobId.of(path.substring(0, slash), path.substring(slash + 1)))) {
                context.log().warn("[%s] removed object %s, left by an import that was killed", identity.variantKey(),
                        url);
            }
        } catch (StorageException e) {
            throw GcpFailures.of("removing " + url, e, session);
        }
    }

    /** Removes an image of this build; one of the same name that another build made is an error. */
    private void removeImage(ImageIdentity identity, Image image, String why) {
        if (!GcpLabels.value(identity.buildName()).equals(image.getLabelsMap().get(ImageIdentity.BUILD_NAME))) {
            throw new BuildException("gcp: an image named " + image.getName() + " that this build did not make"
                    + " is in project " + session.project() + "; remove it or rename the variant");
        }
        creator.delete(image.getName(), java.time.Duration.ofMinutes(10), context.pollInterval());
        context.log().warn("[%s] removed image %s (%s), %s", identity.variantKey(), image.getName(), image.getStatus(),
                why);
    }
}
