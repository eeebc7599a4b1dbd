package dev.cloudimages.cloud.gcp;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.compute.v1.Image;
import com.google.cloud.compute.v1.ListImagesRequest;
import com.google.cloud.storage.StorageException;
import dev.cloudimages.cloud.CloudAdapter;
import dev.cloudimages.cloud.CloudContext;
import dev.cloudimages.cloud.CloudImage;
import dev.cloudimages.cloud.CloudSettings;
import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.cloud.ImportJob;
import dev.cloudimages.cloud.ImportJournal;
import dev.cloudimages.cloud.Pending;
import dev.cloudimages.cloud.PublishJob;
import dev.cloudimages.cloud.PublishResult;
import dev.cloudimages.cloud.ReleaseJob;
import dev.cloudimages.cloud.RemoteImage;
import dev.cloudimages.cloud.Rollback;
import dev.cloudimages.support.BuildException;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * GCP behind the {@link CloudAdapter} interface: remote state from image labels, import by a
 * resumable upload of the tar.gz to Cloud Storage and images.insert from it, publish by the image's
 * IAM policy and deprecation. Images are global: the one "region" is "global".
 */
final class GcpAdapter implements CloudAdapter {

    private final GcpSession session;
    /** The project each image the plan saw lives in, so --revise removes it there. */
    private final Map<String, GcpSession> seenIn = new java.util.concurrent.ConcurrentHashMap<>();

    private GcpAdapter(GcpSession session) {
        this.session = session;
    }

    static GcpAdapter connect(Map<String, String> env) {
        return new GcpAdapter(GcpSession.open(env));
    }

    @Override
    public String cloud() {
        return "gcp";
    }

    @Override
    public String describe() {
        return session.describe();
    }

    /** The session in the project a variant names ({@code import.project}), else the environment's. */
    private GcpSession session(CloudSettings settings) {
        return session.inProject(settings.string("import.project", null));
    }

    @Override
    public Optional<RemoteImage> latestBuildImage(String project, String buildName, CloudSettings settings) {
        GcpSession in = session(settings);
        Optional<RemoteImage> found = latestBuildImage(in, project, buildName);
        found.ifPresent(image -> seenIn.put(image.id(), in));
        return found;
    }

    private static Optional<RemoteImage> latestBuildImage(GcpSession session, String project, String buildName) {
        String filter = GcpLabels.filter(Map.of(ImageIdentity.BUILD_NAME, buildName, ImageIdentity.PROJECT, project));
        try {
            Iterable<Image> images = session.images().list(ListImagesRequest.newBuilder()
                    .setProject(session.project()).setFilter(filter).build()).iterateAll();
            return StreamSupport.stream(images.spliterator(), false)
                    // a PENDING or FAILED image is no import: the next import removes it (removeLeftover)
                    .filter(i -> i.getStatus().equals("READY"))
                    .max(Comparator.comparingInt(GcpLabels::revision).thenComparing(Image::getName))
                    .map(i -> GcpLabels.remote(i, buildName));
        } catch (ApiException e) {
            throw GcpFailures.of("reading the images of " + buildName, e, session);
        }
    }

    @Override
    public void removeImage(RemoteImage image) {
        // deletion takes seconds: poll more often than for an import
        new ImageCreator(seenIn.getOrDefault(image.id(), session), null).delete(image.id(), Duration.ofMinutes(10),
                Duration.ofSeconds(2));
    }

    @Override
    public RemoteImage importImage(ImportJob job, CloudContext context) {
        ImageIdentity identity = job.identity();
        GcpSession session = session(job.settings());
        session.project(); // fails here, before any upload, when no project is known
        // every setting is checked before anything is uploaded
        if (!job.format().equals("tar.gz")) {
            throw new BuildException("gcp: variant " + identity.variantKey() + " has image_format '" + job.format()
                    + "', GCP imports tar.gz (disk.raw in a gzip'd tar); set image_format = \"tar.gz\" in"
                    + " configs/cloud/gcp.conf");
        }
        ImageCreator.Settings image = ImageCreator.Settings.of(identity, job.settings());
        String bucket = job.settings().string("import.bucket", null);
        if (bucket == null) {
            throw job.settings().bad("import.bucket", "", "the Cloud Storage bucket to upload the image to");
        }
        String object = job.settings().string("import.prefix", "") + image.imageName() + ".tar.gz";
        Map<String, String> labels = GcpLabels.of(identity, Map.of(ImageIdentity.IMPORTED,
                context.timestamp()));
        ImageCreator creator = new ImageCreator(session, context.log());
        new GcpLeftovers(session, creator, context).remove(job, image);
        try (Rollback temporaries = new Rollback(context.log()); Rollback rollback = new Rollback(context.log())) {
            GcsUpload.Uploaded uploaded = new GcsUpload(session, context.log()).upload(job.imageFile(), bucket, object,
                    temporaries, job.journal());
            Pending pending = Pending.before(job.journal(), new ImportJournal.Entry(ImageCreator.IMAGE,
                    image.imageName(), "global", Map.of()));
            Image made = creator.create(uploaded.sourceUrl(), identity, image, labels, context.pollInterval(),
                    rollback, pending);
            rollback.commit();
            pending.done();
            // the object is needed no more: the temporaries' undo removes it on close
            return GcpLabels.remote(made, identity.buildName());
        } catch (StorageException e) {
            throw GcpFailures.of("uploading the image", e, session);
        }
    }

    @Override
    public PublishResult publish(PublishJob job, CloudContext context) {
        return new ImagePublisher(session(job.settings())).publish(job, context);
    }

    @Override
    public List<String> moveLatest(ReleaseJob job, CloudContext context) {
        return new GcpFamily(session(job.settings())).move(job, context);
    }

    @Override
    public List<CloudImage> projectImages(String project, List<CloudSettings> settings, boolean launches) {
        return new GcpProjectImages(session).list(project, settings);
    }

    @Override
    public void deleteImage(CloudImage image, CloudContext context) {
        new GcpProjectImages(session).delete(image, context);
    }
}
