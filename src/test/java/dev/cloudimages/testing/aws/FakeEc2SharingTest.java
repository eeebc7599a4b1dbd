package dev.cloudimages.testing.aws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.LaunchPermission;
import software.amazon.awssdk.services.ec2.model.PermissionGroup;

/** Copies, launch permissions, block public access, the public quota and deprecation through the real Ec2Client. */
class FakeEc2SharingTest {
    private FakeAws aws;
    private Ec2Client ireland;
    private Ec2Client oregon;

    @BeforeEach
    void start() {
        // AWS's lag is pinned by FakeLagTest; here each request sees what the one before it made
        aws = FakeAws.start(FakeAwsSettings.defaults().withLag(FakeAwsSettings.Lag.NONE));
        ireland = FakeAwsClients.ec2(aws, "eu-west-1");
        oregon = FakeAwsClients.ec2(aws, "us-west-2");
    }

    @AfterEach
    void stop() {
        ireland.close();
        oregon.close();
        aws.close();
    }

    private static String code(Ec2Exception e) {
        return e.awsErrorDetails().errorCode();
    }

    private static String state(Ec2Client ec2, String image) {
        return ec2.describeImages(request -> request.imageIds(image)).images().get(0).stateAsString();
    }

    private String copy(String source, String token) {
        return oregon.copyImage(request -> request.sourceRegion("eu-west-1").sourceImageId(source).name("copy")
                .description("copied").copyImageTags(true).clientToken(token)).imageId();
    }

    @Test
    void copiesAnImageWithItsTagsAndContentIntoTheRequestRegion() {
        String source = FakeAwsTest.availableImage(aws, ireland, "eu-west-1", "source", false);
        ireland.createTags(request -> request.resources(source).tags(tag -> tag.key("release").value("3.24")));
        String copy = copy(source, "token-1");
        assertEquals(copy, copy(source, "token-1"), "the same client token gives the same copy");
        assertEquals(List.of("pending", "pending", "available"),
                List.of(state(oregon, copy), state(oregon, copy), state(oregon, copy)));
        Image image = oregon.describeImages(request -> request.imageIds(copy)).images().get(0);
        assertEquals(source, image.sourceImageId());
        assertEquals("eu-west-1", image.sourceImageRegion());
        assertEquals("copied", image.description());
        assertEquals("3.24", image.tags().get(0).value());
        String copiedSnapshot = image.blockDeviceMappings().get(0).ebs().snapshotId();
        assertEquals("completed", aws.snapshots("us-west-2").get(0).state());
        String sourceSnapshot = aws.images("eu-west-1").get(0).blockDevices().get(0).snapshotId();
        var sourceBlocks = aws.snapshotBlocks("eu-west-1", sourceSnapshot);
        var copiedBlocks = aws.snapshotBlocks("us-west-2", copiedSnapshot);
        assertEquals(sourceBlocks.keySet(), copiedBlocks.keySet());
        assertArrayEquals(sourceBlocks.get(0L), copiedBlocks.get(0L));
        assertEquals(1, aws.images("us-west-2").size());
    }

    @Test
    void failsCopiesAsInjected() {
        String source = FakeAwsTest.availableImage(aws, ireland, "eu-west-1", "source", false);
        aws.resourceLimitOnCopy(1);
        assertEquals("ResourceLimitExceeded", code(assertThrows(Ec2Exception.class, () -> copy(source, "a"))));
        aws.failCopy("us-west-2", "InvalidRequest");
        assertEquals("InvalidRequest", code(assertThrows(Ec2Exception.class, () -> copy(source, "b"))));
        assertEquals("InvalidRequest", code(assertThrows(Ec2Exception.class, () -> copy(source, "c"))));
        try (Ec2Client virginia = FakeAwsClients.ec2(aws, "us-east-1")) {
            virginia.copyImage(request -> request.sourceRegion("eu-west-1").sourceImageId(source).name("copy"));
        }
        aws.clearFaults();
        copy(source, "d");
        assertEquals(1, aws.images("us-west-2").size());
        assertEquals(1, aws.images("us-east-1").size());
    }

    @Test
    void refusesCopyingAnImageThatIsNotAvailable() {
        String source = FakeAwsTest.availableImage(aws, ireland, "eu-west-1", "source", false);
        String pending = copy(source, null);
        Ec2Exception refused = assertThrows(Ec2Exception.class, () -> ireland.copyImage(request -> request
                .sourceRegion("us-west-2").sourceImageId(pending).name("again")));
        assertEquals("IncorrectState", code(refused));
    }

    @Test
    void sharesWithEveryoneAndWithAccountsThenResets() {
        String image = FakeAwsTest.availableImage(aws, ireland, "eu-west-1", "shared", false);
        ireland.modifyImageAttribute(request -> request.imageId(image).launchPermission(permissions -> permissions
                .add(LaunchPermission.builder().group(PermissionGroup.ALL).build(),
                        LaunchPermission.builder().userId("210987654321").build())));
        assertTrue(ireland.describeImages(request -> request.imageIds(image)).images().get(0).publicLaunchPermissions());
        List<LaunchPermission> permissions = ireland.describeImageAttribute(request -> request.imageId(image)
                .attribute("launchPermission")).launchPermissions();
        assertEquals(Set.of("all", "210987654321"), Set.copyOf(permissions.stream()
                .map(permission -> permission.group() != null ? permission.groupAsString() : permission.userId())
                .toList()));
        ireland.modifyImageAttribute(request -> request.imageId(image).attribute("launchPermission")
                .operationType("remove").userIds("210987654321"));
        assertEquals(Set.of(), aws.images("eu-west-1").get(0).launchUserIds());
        assertEquals(Set.of("all"), aws.images("eu-west-1").get(0).launchGroups());
        ireland.resetImageAttribute(request -> request.imageId(image).attribute("launchPermission"));
        assertTrue(ireland.describeImageAttribute(request -> request.imageId(image).attribute("launchPermission"))
                .launchPermissions().isEmpty());
        assertEquals("InvalidAMIAttributeItemValue", code(assertThrows(Ec2Exception.class, () -> ireland
                .modifyImageAttribute(request -> request.imageId(image).launchPermission(p -> p
                        .add(LaunchPermission.builder().userId("not-an-account").build()))))));
    }

    private void makePublic(String image) {
        ireland.modifyImageAttribute(request -> request.imageId(image)
                .launchPermission(p -> p.add(LaunchPermission.builder().group(PermissionGroup.ALL).build())));
    }

    @Test
    void refusesPublicImagesWhenBlockedEncryptedOrOverTheQuota() {
        String first = FakeAwsTest.availableImage(aws, ireland, "eu-west-1", "first", false);
        String second = FakeAwsTest.availableImage(aws, ireland, "eu-west-1", "second", false);
        String encrypted = FakeAwsTest.availableImage(aws, ireland, "eu-west-1", "encrypted", true);
        assertEquals("unblocked", ireland.getImageBlockPublicAccessState(request -> { }).imageBlockPublicAccessState());
        aws.blockPublicAccess("eu-west-1", true);
        assertEquals("block-new-sharing",
                ireland.getImageBlockPublicAccessState(request -> { }).imageBlockPublicAccessState());
        Ec2Exception blocked = assertThrows(Ec2Exception.class, () -> makePublic(first));
        assertEquals("OperationNotPermitted", code(blocked));
        assertTrue(blocked.awsErrorDetails().errorMessage().contains("block public access"), blocked.getMessage());
        aws.blockPublicAccess("eu-west-1", false);
        assertEquals("UnsupportedOperation", code(assertThrows(Ec2Exception.class, () -> makePublic(encrypted))));
        aws.publicQuota("eu-west-1", 1);
        makePublic(first);
        makePublic(first);
        Ec2Exception quota = assertThrows(Ec2Exception.class, () -> makePublic(second));
        assertEquals("ResourceLimitExceeded", code(quota));
        assertTrue(quota.awsErrorDetails().errorMessage().startsWith("You have reached your quota of 1 for the number "
                + "of public images allowed in this Region."), quota.getMessage());
        assertEquals(Map.of("first", true, "second", false, "encrypted", false), Map.of(
                "first", aws.images("eu-west-1").get(0).isPublic(), "second", aws.images("eu-west-1").get(1).isPublic(),
                "encrypted", aws.images("eu-west-1").get(2).isPublic()));
    }

    @Test
    void storesDeprecationTimesRoundedToTheMinute() {
        String image = FakeAwsTest.availableImage(aws, ireland, "eu-west-1", "aging", false);
        Instant at = Instant.now().plus(Duration.ofDays(400)).truncatedTo(ChronoUnit.MINUTES).plusSeconds(10);
        ireland.enableImageDeprecation(request -> request.imageId(image).deprecateAt(at));
        Instant expected = at.truncatedTo(ChronoUnit.MINUTES);
        assertEquals(expected, Instant.parse(ireland.describeImages(request -> request.imageIds(image)).images().get(0)
                .deprecationTime()));
        assertEquals(expected, aws.images("eu-west-1").get(0).deprecationTime());
        assertEquals("InvalidParameterValue", code(assertThrows(Ec2Exception.class, () -> ireland
                .enableImageDeprecation(request -> request.imageId(image).deprecateAt(Instant.now().minusSeconds(3600))))));
    }
}
