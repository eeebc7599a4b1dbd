package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.CloudAdapter;
import dev.cloudimages.cloud.CloudContext;
import dev.cloudimages.cloud.CloudImage;
import dev.cloudimages.cloud.CloudSettings;
import dev.cloudimages.cloud.DiskFiles;
import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.cloud.ImportJob;
import dev.cloudimages.cloud.PublishJob;
import dev.cloudimages.cloud.PublishResult;
import dev.cloudimages.cloud.ReleaseJob;
import dev.cloudimages.cloud.RemoteImage;
import dev.cloudimages.cloud.Rollback;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.FileTrees;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Image;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * AWS behind the {@link CloudAdapter} interface: remote state from AMI tags (owner self), import
 * by EBS direct (default) or S3 + ImportSnapshot, then RegisterImage; publish by CopyImage to
 * regions with tags, launch permissions and deprecation.
 */
final class AwsAdapter implements CloudAdapter {

    static final String EBS_DIRECT = "ebs-direct";
    static final String S3 = "s3";

    private final AwsSession session;
    private final Map<String, String> env;

    private AwsAdapter(AwsSession session, Map<String, String> env) {
        this.session = session;
        this.env = env;
    }

    static AwsAdapter connect(Map<String, String> env) {
        return new AwsAdapter(AwsSession.open(env), env);
    }

    @Override
    public String cloud() {
        return "aws";
    }

    @Override
    public String describe() {
        return session.describe();
    }

    @Override
    public Optional<RemoteImage> latestBuildImage(String project, String buildName, CloudSettings settings) {
        String region = session.region();
        try {
            List<Image> images = session.ec2(region).describeImages(b -> b.owners("self").filters(
                    f -> f.name("tag:" + ImageIdentity.BUILD_NAME).values(buildName),
                    f -> f.name("tag:" + ImageIdentity.PROJECT).values(project))).images();
            return images.stream().filter(i -> !"deregistered".equals(i.stateAsString()))
                    .max(Comparator.comparingInt(AwsTags::revision).thenComparing(Image::imageId))
                    .map(i -> AwsTags.remote(i, region));
        } catch (SdkException e) {
            throw AwsFailures.of("reading the images of " + buildName, e, session);
        }
    }

    @Override
    public void removeImage(RemoteImage image) {
        Ec2Client ec2 = session.ec2(image.region());
        try {
            List<Image> found = ec2.describeImages(b -> b.imageIds(image.id())).images();
            ec2.deregisterImage(b -> b.imageId(image.id()));
            for (Image each : found) {
                for (String id : AmiPublisher.snapshots(each, each.imageId())) {
                    if (id.startsWith("snap-")) {
                        ec2.deleteSnapshot(b -> b.snapshotId(id));
                    }
                }
            }
        } catch (SdkException e) {
            throw AwsFailures.of("removing image " + image.id(), e, session);
        }
    }

    @Override
    public RemoteImage importImage(ImportJob job, CloudContext context) {
        ImageIdentity identity = job.identity();
        // every setting is checked before anything is made or removed
        String method = job.settings().choice("import.method", EBS_DIRECT, List.of(EBS_DIRECT, S3));
        AmiRegistrar.Settings register = AmiRegistrar.Settings.of(identity, job.settings());
        Duration timeout = job.settings().duration("import.timeout", Duration.ofHours(2));
        int concurrency = job.settings().integer("import.upload_concurrency", 8, 1, 64);
        Optional<S3Import.Settings> s3 = method.equals(S3) ? Optional.of(S3Import.Settings.of(job.settings()))
                : Optional.empty();
        Encryption encryption = Encryption.of(job.settings());
        Eventually eventually = Eventually.of(session, job.settings(), "import");
        Path scratch = job.scratchDir();
        new AwsLeftovers(session, context.log(), identity).remove(job.journal());
        try (Rollback temporaries = new Rollback(context.log()); Rollback rollback = new Rollback(context.log())) {
            // the conversion goes whatever happens, on an interrupt too (the rollbacks' shutdown hook)
            temporaries.onFailure("the scratch directory " + scratch, () -> deleteTree(scratch));
            ImportRun run = new ImportRun(session, context.log(), identity, eventually, job.journal(), rollback,
                    encryption, timeout, context.pollInterval());
            String snapshotId;
            if (s3.isEmpty()) {
                Path raw = DiskFiles.raw(job.imageFile(), job.format(), scratch, env);
                snapshotId = new EbsDirectUpload(session, context.log()).upload(raw, concurrency, run).snapshotId();
            } else {
                boolean vhd = job.format().equals("vhd");
                Path disk = vhd ? job.imageFile() : DiskFiles.raw(job.imageFile(), job.format(), scratch, env);
                snapshotId = new S3Import(session, context.log()).importSnapshot(disk, vhd ? "VHD" : "RAW", s3.get(), run);
            }
            Image image = new AmiRegistrar(session, context.log()).register(snapshotId, register, context.timestamp(),
                    run);
            rollback.commit();
            // the snapshot and the AMI are the import's result: crossed off as kept
            job.journal().entries().stream().filter(e -> e.kind().equals("snapshot") || e.kind().equals("image"))
                    .forEach(job.journal()::remove);
            return AwsTags.remote(image, session.region());
        }
    }

    private static void deleteTree(Path dir) {
        try {
            FileTrees.deleteRecursively(dir);
        } catch (IOException e) {
            throw new BuildException(e.getMessage());
        }
    }

    @Override
    public PublishResult publish(PublishJob job, CloudContext context) {
        if (!job.source().region().equals(session.region())) {
            throw new BuildException("[" + job.identity().variantKey() + "] the image " + job.source().id() + " is in "
                    + job.source().region() + ", but this run works in " + session.region()
                    + "; set AWS_REGION=" + job.source().region());
        }
        return new AmiPublisher(session).publish(job, context);
    }

    @Override
    public List<String> moveLatest(ReleaseJob job, CloudContext context) {
        return new AwsLatest(session).move(job, context);
    }

    @Override
    public List<CloudImage> projectImages(String project, List<CloudSettings> settings, boolean launches) {
        return new AwsProjectImages(session).list(project, launches);
    }

    @Override
    public void deleteImage(CloudImage image, CloudContext context) {
        new AwsProjectImages(session).delete(image, context);
    }
}
