package dev.cloudimages.cloud.oci;

import com.oracle.bmc.core.model.Image;
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
import dev.cloudimages.cloud.RemoteImage;
import dev.cloudimages.cloud.Rollback;
import dev.cloudimages.support.BuildException;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * OCI behind the {@link CloudAdapter} interface: remote state from the images' freeform tags,
 * import by a multipart upload to Object Storage and CreateImage from it (QCOW2), publish by
 * export and import into each region (OCI has no image copy).
 */
final class OciAdapter implements CloudAdapter {

    private final OciSession session;

    private OciAdapter(OciSession session) {
        this.session = session;
    }

    static OciAdapter connect(Map<String, String> env) {
        return new OciAdapter(OciSession.open(env));
    }

    @Override
    public String cloud() {
        return "oci";
    }

    @Override
    public String describe() {
        return session.describe();
    }

    @Override
    public Optional<RemoteImage> latestBuildImage(String project, String buildName, CloudSettings settings) {
        String compartment = settings.string("import.compartment", session.tenancy().orElse(null));
        return compartment == null ? Optional.empty() : latest(compartment, project, buildName);
    }

    private Optional<RemoteImage> latest(String compartment, String project, String buildName) {
        return new OciImages(session, null).find(session.region(), compartment, project, buildName, null).stream()
                .max(Comparator.comparingInt(OciTags::revision).thenComparing(Image::getId))
                .map(i -> OciTags.remote(i, session.region()));
    }

    @Override
    public void removeImage(RemoteImage image) {
        new OciImages(session, null).delete(image.region(), image.id());
    }

    @Override
    public RemoteImage importImage(ImportJob job, CloudContext context) {
        ImageIdentity identity = job.identity();
        if (!job.format().equals("qcow2")) {
            throw new BuildException("OCI imports QCOW2 images; this one is " + job.format()
                    + "; set image_format = qcow2 for oci (configs/cloud/oci.conf)");
        }
        // every setting is checked before anything is uploaded
        OciSettings settings = OciSettings.of(identity, job.settings(), session);
        String region = session.region();
        new OciLeftovers(session, context.log()).remove(job, settings);
        OciImages images = new OciImages(session, context.log());
        String object = identity.buildName() + "-r" + identity.revision() + "-" + UUID.randomUUID() + ".qcow2";
        ObjectUpload objects = new ObjectUpload(session, context.log());
        try (Rollback temporaries = new Rollback(context.log()); Rollback rollback = new Rollback(context.log())) {
            objects.upload(job.imageFile(), settings.bucket(), object, settings.partSize(), temporaries, job.journal());
            OciImages.Source source = OciImages.Source.object(settings.bucket(), object);
            if (settings.usePar()) {
                // federated users and instance principals cannot import by object name: a short-lived read PAR
                ObjectUpload.Par par = objects.readPar(region, settings.bucket(), object, object + "-import",
                        Instant.now().plus(settings.importTimeout()).plus(1, ChronoUnit.HOURS), temporaries,
                        job.journal());
                source = OciImages.Source.url(par.url());
            }
            Pending pending = Pending.before(job.journal(), new ImportJournal.Entry(OciImages.IMAGE,
                    identity.imageName(), region, Map.of(OciImages.COMPARTMENT, settings.compartment())));
            Image image = images.create(region, source, identity.imageName(), OciTags.of(identity, Map.of()), settings,
                    settings.importTimeout(), context.pollInterval(), rollback, pending);
            // marked imported last: an image without the mark is one a run did not finish
            image = images.tag(region, image, Map.of(ImageIdentity.IMPORTED, context.timestamp(),
                    OciTags.SOURCE_ID, image.getId(), OciTags.SOURCE_REGION, region));
            rollback.commit();
            pending.done();
            return OciTags.remote(image, region);
        }
    }

    @Override
    public PublishResult publish(PublishJob job, CloudContext context) {
        if (!job.source().region().equals(session.region())) {
            throw new BuildException("[" + job.identity().variantKey() + "] the image " + job.source().id() + " is in "
                    + job.source().region() + ", but this run works in " + session.region()
                    + "; set OCI_CLI_REGION=" + job.source().region());
        }
        return new OciPublisher(session, context).publish(job);
    }

    @Override
    public List<CloudImage> projectImages(String project, List<CloudSettings> settings, boolean launches) {
        return new OciProjectImages(session).list(project, settings);
    }

    @Override
    public void deleteImage(CloudImage image, CloudContext context) {
        new OciProjectImages(session).delete(image, context);
    }
}
