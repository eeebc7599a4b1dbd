package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.CloudContext;
import dev.cloudimages.cloud.CloudImage;
import dev.cloudimages.cloud.ImageIdentity;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ImageAttributeName;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The project's AMIs in every region the account can use, for prune (tag {@code project}, owner
 * self), each with when it was made and, when asked, last launched (DescribeImageAttribute
 * lastLaunchedTime: EC2 records it about daily, and never for an AMI nobody launched); and the
 * deletion of one: deregister, then its snapshots, then the "latest" parameter if it named it.
 */
final class AwsProjectImages {

    private final AwsSession session;

    AwsProjectImages(AwsSession session) {
        this.session = session;
    }

    List<CloudImage> list(String project, boolean launches) {
        List<CloudImage> found = new ArrayList<>();
        for (String region : regions()) {
            Ec2Client ec2 = session.ec2(region);
            try {
                List<Image> images = ec2.describeImages(b -> b.owners("self").filters(
                        f -> f.name("tag:" + ImageIdentity.PROJECT).values(project))).images();
                for (Image image : images) {
                    if ("deregistered".equals(image.stateAsString())) {
                        continue;
                    }
                    Map<String, String> tags = AwsTags.map(image.tags());
                    found.add(new CloudImage("aws", region, image.imageId(), image.name(),
                            tags.getOrDefault(ImageIdentity.BUILD_NAME, ""), AwsTags.revision(image), tags,
                            instant(image.creationDate()).orElse(Instant.EPOCH),
                            launches ? lastLaunched(ec2, image.imageId()) : Optional.empty(), Map.of()));
                }
            } catch (SdkException e) {
                throw AwsFailures.of("listing the images of project " + project + " in " + region, e, session);
            }
        }
        return found;
    }

    void delete(CloudImage image, CloudContext context) {
        Ec2Client ec2 = session.ec2(image.region());
        try {
            List<Image> found;
            try {
                found = ec2.describeImages(b -> b.imageIds(image.id())).images();
            } catch (SdkException e) {
                if (AwsFailures.code(e).startsWith("InvalidAMIID")) {
                    return; // gone already
                }
                throw e;
            }
            if (found.isEmpty() || "deregistered".equals(found.get(0).stateAsString())) {
                return;
            }
            Image ami = found.get(0);
            new AwsLatest(session).forget(ami, image.region());
            ec2.deregisterImage(b -> b.imageId(image.id()));
            for (String id : AmiPublisher.snapshots(ami, ami.imageId())) {
                if (id.startsWith("snap-")) {
                    ec2.deleteSnapshot(b -> b.snapshotId(id));
                }
            }
            context.log().info("aws %s: deregistered %s and deleted its snapshots", image.region(), image.id());
        } catch (SdkException e) {
            throw AwsFailures.of("deleting image " + image.id() + " in " + image.region(), e, session);
        }
    }

    /** Every region enabled for the account (opted in, or needing no opt-in). */
    private List<String> regions() {
        try {
            return session.ec2(session.region()).describeRegions(b -> b.allRegions(true)).regions().stream()
                    .filter(r -> !PublishTargets.NOT_OPTED_IN.equals(r.optInStatus()))
                    .map(software.amazon.awssdk.services.ec2.model.Region::regionName).sorted().toList();
        } catch (SdkException e) {
            throw AwsFailures.of("listing the account's regions", e, session);
        }
    }

    private Optional<Instant> lastLaunched(Ec2Client ec2, String imageId) {
        var value = ec2.describeImageAttribute(b -> b.imageId(imageId).attribute(ImageAttributeName.LAST_LAUNCHED_TIME))
                .lastLaunchedTime();
        return value == null ? Optional.empty() : instant(value.value());
    }

    private static Optional<Instant> instant(String text) {
        try {
            return text == null || text.isBlank() ? Optional.empty() : Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
