package dev.cloudimages.testing.aws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.Tag;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What an AWS account (a fake one, in this process or another) holds, read through the real SDK
 * from the environment the CLI was given, with every AWS-made id masked: two accounts that went
 * through the same release, by one machine or by many, read the same.
 */
public final class AwsView {

    /** The fake's regions that answer (ap-east-1 is not opted in). */
    public static final List<String> REGIONS = List.of("us-east-1", "us-west-2", "eu-west-1", "eu-south-1");

    private AwsView() {
    }

    /** One sorted line per image and per snapshot in each region. */
    public static List<String> of(Map<String, String> env) {
        List<String> lines = new ArrayList<>();
        for (String region : REGIONS) {
            try (Ec2Client ec2 = Ec2Client.builder().endpointOverride(URI.create(env.get("AWS_ENDPOINT_URL_EC2")))
                    .region(Region.of(region)).httpClient(UrlConnectionHttpClient.create())
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                            env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")))).build()) {
                for (Image image : ec2.describeImages(b -> b.owners("self")).images()) {
                    var permissions = ec2.describeImageAttribute(b -> b.imageId(image.imageId())
                            .attribute("launchPermission")).launchPermissions();
                    lines.add(mask(region + " image " + image.name() + " " + image.stateAsString()
                            + " public=" + image.publicLaunchPermissions() + " launch=" + permissions.stream()
                            .map(p -> p.groupAsString() + "/" + p.userId()).sorted().toList()
                            + " deprecation=" + image.deprecationTime() + " snapshots="
                            + image.blockDeviceMappings().stream().filter(m -> m.ebs() != null).count()
                            + " tags=" + tags(image.tags())));
                }
                for (Snapshot snapshot : ec2.describeSnapshots(b -> b.ownerIds("self")).snapshots()) {
                    lines.add(mask(region + " snapshot " + snapshot.stateAsString() + " tags=" + tags(snapshot.tags())));
                }
            }
        }
        lines.sort(Comparator.naturalOrder());
        return lines;
    }

    private static List<String> tags(List<Tag> tags) {
        return tags.stream().map(t -> t.key() + "=" + t.value()).sorted().toList();
    }

    private static String mask(String line) {
        return line.replaceAll("\\b(ami|snap|import-snap|import-ami)-[0-9a-f]+", "$1-*");
    }
}
