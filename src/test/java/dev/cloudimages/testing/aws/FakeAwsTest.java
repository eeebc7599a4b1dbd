package dev.cloudimages.testing.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ebs.EbsClient;
import software.amazon.awssdk.services.ebs.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ArchitectureValues;
import software.amazon.awssdk.services.ec2.model.BootModeValues;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Region;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/** The fake's regions, authentication, images and snapshots through the real Ec2Client. */
class FakeAwsTest {
    private FakeAws aws;
    private Ec2Client ec2;

    @BeforeEach
    void start() {
        // AWS's lag is pinned by FakeLagTest; here each request sees what the one before it made
        aws = FakeAws.start(FakeAwsSettings.defaults().withLag(FakeAwsSettings.Lag.NONE));
        ec2 = FakeAwsClients.ec2(aws, "eu-west-1");
    }

    @AfterEach
    void stop() {
        ec2.close();
        aws.close();
    }

    /** A completed one-block snapshot written through the EBS direct API, as the adapter makes one. */
    static String completedSnapshot(FakeAws aws, String region, boolean encrypted) {
        try (EbsClient ebs = FakeAwsClients.ebs(aws, region); Ec2Client ec2 = FakeAwsClients.ec2(aws, region)) {
            String id = ebs.startSnapshot(request -> request.volumeSize(1L).encrypted(encrypted)).snapshotId();
            byte[] data = new byte[524288];
            data[0] = 42;
            String checksum = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(data));
            ebs.putSnapshotBlock(request -> request.snapshotId(id).blockIndex(0).dataLength(data.length)
                    .checksum(checksum).checksumAlgorithm(ChecksumAlgorithm.SHA256), RequestBody.fromBytes(data));
            ebs.completeSnapshot(request -> request.snapshotId(id).changedBlocksCount(1));
            for (int poll = 0; poll < 10; poll++) {
                if (ec2.describeSnapshots(request -> request.snapshotIds(id)).snapshots().get(0).stateAsString()
                        .equals("completed")) {
                    return id;
                }
            }
            throw new AssertionError("snapshot " + id + " never completed");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Registers an image on a new snapshot and polls it until it is available. */
    static String availableImage(FakeAws aws, Ec2Client ec2, String region, String name, boolean encrypted) {
        String snapshot = completedSnapshot(aws, region, encrypted);
        String id = ec2.registerImage(request -> request.name(name).architecture(ArchitectureValues.X86_64)
                .rootDeviceName("/dev/xvda").virtualizationType("hvm").blockDeviceMappings(mapping -> mapping
                        .deviceName("/dev/xvda").ebs(ebs -> ebs.snapshotId(snapshot).volumeType("gp3")))).imageId();
        for (int poll = 0; poll < 10; poll++) {
            if (ec2.describeImages(request -> request.imageIds(id)).images().get(0).stateAsString().equals("available")) {
                return id;
            }
        }
        throw new AssertionError("image " + id + " never became available");
    }

    private static String code(Ec2Exception e) {
        return e.awsErrorDetails().errorCode();
    }

    @Test
    void listsTheEnabledRegionsOrAllWithTheirOptInStatus() {
        assertEquals(List.of("us-east-1", "us-west-2", "eu-west-1", "eu-south-1"),
                ec2.describeRegions().regions().stream().map(Region::regionName).toList());
        Map<String, String> all = new java.util.LinkedHashMap<>();
        ec2.describeRegions(request -> request.allRegions(true)).regions()
                .forEach(region -> all.put(region.regionName(), region.optInStatus()));
        assertEquals("not-opted-in", all.get("ap-east-1"));
        assertEquals("opted-in", all.get("eu-south-1"));
        assertEquals(5, all.size());
    }

    @Test
    void refusesRegionsNotOptedInWrongKeysAndInjectedRegionFailures() {
        try (Ec2Client hongKong = FakeAwsClients.ec2(aws, "ap-east-1");
                Ec2Client wrongKey = FakeAwsClients.ec2(aws, "eu-west-1", "AKIAWRONGKEY00000000");
                Ec2Client oregon = FakeAwsClients.ec2(aws, "us-west-2")) {
            // EC2 answers AuthFailure with HTTP 401; the URL-connection client drops the body of a 401 to a
            // streamed request (a JDK HttpURLConnection rule), so only the status reaches the caller, as with AWS
            assertEquals(401, assertThrows(Ec2Exception.class, () -> hongKong.describeImages()).statusCode());
            assertEquals(401, assertThrows(Ec2Exception.class, () -> wrongKey.describeImages()).statusCode());
            aws.regionAuthFailure("us-west-2");
            assertEquals(401, assertThrows(Ec2Exception.class, () -> oregon.describeImages()).statusCode());
            assertTrue(ec2.describeImages().images().isEmpty(), "other regions still answer");
            aws.clearFaults();
            assertTrue(oregon.describeImages().images().isEmpty());
        }
    }

    @Test
    void registersAnImageThatBecomesAvailableAfterOnePoll() {
        String snapshot = completedSnapshot(aws, "eu-west-1", false);
        String id = ec2.registerImage(request -> request.name("alpine-3.24.0-x86_64-uefi-tiny-r0")
                .description("Alpine Linux 3.24").architecture(ArchitectureValues.ARM64).rootDeviceName("/dev/xvda")
                .virtualizationType("hvm").enaSupport(true).bootMode(BootModeValues.UEFI).imdsSupport("v2.0")
                .tpmSupport("v2.0").blockDeviceMappings(mapping -> mapping.deviceName("/dev/xvda")
                        .ebs(ebs -> ebs.snapshotId(snapshot).volumeType("gp3").volumeSize(2).deleteOnTermination(true)))
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.IMAGE)
                        .tags(Tag.builder().key("revision").value("r0").build()).build())).imageId();
        assertTrue(id.matches("ami-[0-9a-f]{17}"), id);
        Image pending = ec2.describeImages(request -> request.imageIds(id)).images().get(0);
        assertEquals("pending", pending.stateAsString());
        Image image = ec2.describeImages(request -> request.owners("self")).images().get(0);
        assertEquals("available", image.stateAsString());
        assertEquals("alpine-3.24.0-x86_64-uefi-tiny-r0", image.name());
        assertEquals("Alpine Linux 3.24", image.description());
        assertEquals("arm64", image.architectureAsString());
        assertEquals("uefi", image.bootModeAsString());
        assertEquals("v2.0", image.imdsSupportAsString());
        assertEquals("v2.0", image.tpmSupportAsString());
        assertTrue(image.enaSupport());
        assertFalse(image.publicLaunchPermissions());
        assertEquals("/dev/xvda", image.rootDeviceName());
        assertEquals("hvm", image.virtualizationTypeAsString());
        assertEquals(snapshot, image.blockDeviceMappings().get(0).ebs().snapshotId());
        assertEquals(2, image.blockDeviceMappings().get(0).ebs().volumeSize());
        assertEquals("gp3", image.blockDeviceMappings().get(0).ebs().volumeTypeAsString());
        assertEquals(List.of(Tag.builder().key("revision").value("r0").build()), image.tags());
        assertEquals("123456789012", image.ownerId());
        assertEquals(1, ec2.describeImages(request -> request.filters(filter("tag:revision", "r0"),
                filter("name", "alpine-3.24.*"), filter("state", "available"))).images().size());
        assertEquals(0, ec2.describeImages(request -> request.filters(filter("tag:revision", "r1"))).images().size());
        assertEquals(0, ec2.describeImages(request -> request.owners("amazon")).images().size());
        assertEquals(1, aws.images("eu-west-1").size());
        assertEquals("InvalidAMIID.NotFound", code(assertThrows(Ec2Exception.class,
                () -> ec2.describeImages(request -> request.imageIds("ami-00000000000000000")))));
        assertEquals("InvalidParameterValue", code(assertThrows(Ec2Exception.class,
                () -> ec2.describeImages(request -> request.filters(filter("no-such-filter", "x"))))));
    }

    private static Filter filter(String name, String... values) {
        return Filter.builder().name(name).values(values).build();
    }

    @Test
    void refusesRegisteringOnMissingOrPendingSnapshotsDuplicateNamesAndInjectedFailures() {
        assertEquals("InvalidSnapshot.NotFound", code(assertThrows(Ec2Exception.class, () -> register("a-image",
                "snap-00000000000000000"))));
        String pending;
        try (EbsClient ebs = FakeAwsClients.ebs(aws, "eu-west-1")) {
            pending = ebs.startSnapshot(request -> request.volumeSize(1L)).snapshotId();
        }
        assertEquals("IncorrectState", code(assertThrows(Ec2Exception.class, () -> register("a-image", pending))));
        String snapshot = completedSnapshot(aws, "eu-west-1", false);
        register("a-image", snapshot);
        assertEquals("InvalidAMIName.Duplicate", code(assertThrows(Ec2Exception.class,
                () -> register("a-image", snapshot))));
        aws.failRegister("InvalidBlockDeviceMapping");
        assertEquals("InvalidBlockDeviceMapping", code(assertThrows(Ec2Exception.class,
                () -> register("b-image", snapshot))));
        register("b-image", snapshot);
        assertEquals(2, aws.images("eu-west-1").size());
    }

    private String register(String name, String snapshot) {
        return ec2.registerImage(request -> request.name(name).rootDeviceName("/dev/xvda").virtualizationType("hvm")
                .blockDeviceMappings(mapping -> mapping.deviceName("/dev/xvda").ebs(ebs -> ebs.snapshotId(snapshot))))
                .imageId();
    }

    @Test
    void keepsASnapshotWhileAnImageUsesItAndTagsBoth() {
        String image = availableImage(aws, ec2, "eu-west-1", "tagged", false);
        String snapshot = aws.images("eu-west-1").get(0).blockDevices().get(0).snapshotId();
        ec2.createTags(request -> request.resources(image, snapshot).tags(Tag.builder().key("k").value("v").build(),
                Tag.builder().key("gone").value("x").build()));
        ec2.deleteTags(request -> request.resources(image).tags(Tag.builder().key("gone").build()));
        assertEquals(Map.of("k", "v"), aws.images("eu-west-1").get(0).tags());
        assertEquals(Map.of("k", "v", "gone", "x"), aws.snapshots("eu-west-1").get(0).tags());
        assertEquals(1, ec2.describeSnapshots(request -> request.ownerIds("self")
                .filters(filter("tag:gone", "x"))).snapshots().size());
        assertEquals("InvalidSnapshot.InUse", code(assertThrows(Ec2Exception.class,
                () -> ec2.deleteSnapshot(request -> request.snapshotId(snapshot)))));
        ec2.deregisterImage(request -> request.imageId(image));
        ec2.deleteSnapshot(request -> request.snapshotId(snapshot));
        assertTrue(aws.images("eu-west-1").isEmpty());
        assertTrue(aws.snapshots("eu-west-1").isEmpty());
        assertEquals("InvalidSnapshot.NotFound", code(assertThrows(Ec2Exception.class,
                () -> ec2.deleteSnapshot(request -> request.snapshotId(snapshot)))));
    }

    @Test
    void throttlesAnActionTheGivenNumberOfTimes() {
        aws.throttle("DescribeImages", 1);
        assertTrue(ec2.describeImages().images().isEmpty(), "the SDK retries a throttled request");
        assertEquals(List.of("DescribeImages", "DescribeImages"), aws.requests("eu-west-1"));
        aws.throttle("DescribeImages", 10);
        Ec2Exception throttled = assertThrows(Ec2Exception.class, () -> ec2.describeImages());
        assertEquals("RequestLimitExceeded", code(throttled));
        assertEquals(503, throttled.statusCode());
    }
}
