package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.PublishJob;
import dev.cloudimages.cloud.PublishResult;
import dev.cloudimages.cloud.RemoteImage;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.testing.Tools;
import dev.cloudimages.testing.aws.Image;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Publishing an imported AMI to regions through the real SDK against the fake AWS. */
class AwsPublishTest {

    private static final String HOME = "us-east-1";
    /** The fake's regions enabled for the account (ap-east-1 is not opted in). */
    private static final List<String> ENABLED = List.of("eu-south-1", "eu-west-1", "us-east-1", "us-west-2");

    @TempDir
    Path dir;
    private AwsFixture fixture;
    private RemoteImage source;

    @BeforeAll
    static void tools() {
        Tools.require("qemu-img");
    }

    @BeforeEach
    void importOne() throws Exception {
        fixture = new AwsFixture(dir);
        source = fixture.adapter().importImage(fixture.job(fixture.disk("raw"), "raw", AwsFixture.settings(Map.of())),
                fixture.context());
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private PublishResult publish(Map<String, Object> settings) {
        return fixture.adapter().publish(AwsFixture.publishJob(source, 0, AwsFixture.settings(settings)),
                fixture.context());
    }

    @Test
    void publishesToEveryEnabledRegionPublicWithDeprecation() {
        PublishResult result = publish(Map.of());

        assertEquals(ENABLED, result.regions().stream().map(PublishResult.RegionOutcome::region).toList());
        assertEquals(List.of(), result.failures());
        for (String region : ENABLED) {
            Image image = single(fixture.aws.images(region));
            assertEquals("available", image.state(), region);
            assertTrue(image.isPublic(), region);
            assertEquals(AwsFixture.BUILD + "-r0", image.name());
            assertTrue(image.tags().containsKey("published"), region);
            assertEquals(source.id(), image.tags().get("source_id"), region);
            assertEquals(AwsFixture.BUILD, image.tags().get("build_name"), region);
            // end of life 2028-05-01 is within two years of creation: not capped
            assertEquals(Instant.parse("2028-05-01T00:00:00Z"), image.deprecationTime(), region);
            String snapshot = image.blockDevices().get(0).snapshotId();
            assertTrue(fixture.aws.snapshots(region).stream().anyMatch(s -> s.id().equals(snapshot)
                    && s.tags().containsKey("published")), region);
            if (!region.equals(HOME)) {
                assertEquals(source.id(), image.sourceImageId(), region);
            }
        }
        assertEquals(List.of(), fixture.aws.images("ap-east-1"));
        assertTrue(fixture.adapter().latestBuildImage("cloudimages-test", AwsFixture.BUILD, AwsFixture.settings(Map.of())).orElseThrow().published());
    }

    @Test
    void publishesPrivatelyToListedRegionsAndSkipsOnesNotOptedIn() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("regions", new LinkedHashMap<>(Map.of("us-west-2", true, "ap-east-1", true)));
        settings.put("access", new LinkedHashMap<>(Map.of("PUBLIC", false, "210987654321", true)));
        PublishResult result = publish(settings);

        assertEquals(List.of(), result.failures());
        assertEquals(List.of("ap-east-1", "us-west-2"),
                result.regions().stream().map(PublishResult.RegionOutcome::region).toList());
        assertTrue(result.regions().get(0).outcome().contains("not opted in"));
        Image copy = single(fixture.aws.images("us-west-2"));
        assertFalse(copy.isPublic());
        assertEquals(Set.of("210987654321"), copy.launchUserIds());
        assertEquals(List.of(), fixture.aws.images("eu-west-1"));
        assertEquals(List.of(), fixture.aws.images("ap-east-1"));
        assertTrue(result.notes().stream().anyMatch(n -> n.startsWith("ap-east-1: skipped")), result.notes().toString());
    }

    @Test
    void anUnknownRegionIsAnErrorBeforeAnythingChanges() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("regions", new LinkedHashMap<>(Map.of("us-nowhere-9", true)));
        BuildException failure = assertThrows(BuildException.class, () -> publish(settings));
        assertTrue(failure.getMessage().startsWith("variant 3.24-x86_64-uefi-aws: regions.us-nowhere-9 is 'true',"
                + " expected names of AWS regions; 'us-nowhere-9' is not one (known: ap-east-1, "), failure.getMessage());
        assertFalse(fixture.aws.requests(HOME).contains("CopyImage"));
        assertFalse(fixture.aws.requests(HOME).contains("ModifyImageAttribute"));
    }

    @Test
    void oneRegionFailingDoesNotStopTheOthersAndARerunFinishesOnlyIt() {
        fixture.aws.regionAuthFailure("eu-west-1");
        PublishResult first = publish(Map.of());

        assertEquals(1, first.failures().size());
        assertEquals("eu-west-1", first.failures().get(0).region());
        assertTrue(first.failures().get(0).outcome().contains("AuthFailure"), first.failures().get(0).outcome());
        for (String region : List.of("eu-south-1", "us-east-1", "us-west-2")) {
            assertTrue(single(fixture.aws.images(region)).isPublic(), region);
        }

        fixture.aws.clearFaults();
        Map<String, Integer> before = new LinkedHashMap<>();
        ENABLED.forEach(r -> before.put(r, fixture.aws.requests(r).size()));
        PublishResult second = publish(Map.of());

        assertEquals(List.of(), second.failures());
        assertTrue(single(fixture.aws.images("eu-west-1")).isPublic());
        for (String region : List.of("eu-south-1", "us-east-1", "us-west-2")) {
            List<String> calls = fixture.aws.requests(region).subList(before.get(region),
                    fixture.aws.requests(region).size());
            assertEquals("unchanged", outcome(second, region), region);
            assertFalse(calls.contains("CopyImage") || calls.contains("ModifyImageAttribute")
                    || calls.contains("ResetImageAttribute") || calls.contains("CreateTags")
                    || calls.contains("EnableImageDeprecation"), region + " changed: " + calls);
        }
        assertTrue(outcome(second, "eu-west-1").startsWith("copied"), outcome(second, "eu-west-1"));

        PublishResult third = publish(Map.of());
        ENABLED.forEach(r -> assertEquals("unchanged", outcome(third, r), r));
    }

    @Test
    void blockPublicAccessFailsTheRegionWithTheCommandThatChangesIt() {
        fixture.aws.blockPublicAccess("us-west-2", true);
        PublishResult result = publish(Map.of());

        assertEquals(List.of("us-west-2"), result.failures().stream().map(PublishResult.RegionOutcome::region).toList());
        assertTrue(outcome(result, "us-west-2").contains(
                "'aws ec2 disable-image-block-public-access --region us-west-2'"), outcome(result, "us-west-2"));
        assertFalse(single(fixture.aws.images("us-west-2")).isPublic());
    }

    @Test
    void thePublicAmiQuotaIsReportedWithWhatToRequest() {
        fixture.aws.publicQuota("eu-south-1", 0);
        PublishResult result = publish(Map.of());
        assertTrue(outcome(result, "eu-south-1").contains("request a higher 'Public AMIs' quota"),
                outcome(result, "eu-south-1"));
    }

    @Test
    void copiesBackOffWhenAwsSaysTooMany() {
        fixture.aws.resourceLimitOnCopy(2);
        PublishResult result = publish(Map.of());
        assertEquals(List.of(), result.failures());
        assertTrue(fixture.log().contains("too many copies in progress"), fixture.log());
    }

    @Test
    void anEncryptedImageIsNeverMadePublic() {
        BuildException failure = assertThrows(BuildException.class, () -> publish(Map.of("encrypted", true)));
        assertTrue(failure.getMessage().contains("an encrypted image cannot be made public"), failure.getMessage());
    }

    @Test
    void anEndOfLifeInThePastDeprecatesNowAndARerunLeavesItAlone() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("regions", new LinkedHashMap<>(Map.of("us-east-1", true, "us-west-2", true)));
        // edge's end of life is "tomorrow" of the day it was imported, read back from the tag
        PublishJob past = new PublishJob(AwsFixture.identity(0, "uefi", "x86_64", "2026-01-01"), source,
                AwsFixture.settings(settings));
        PublishResult first = fixture.adapter().publish(past, fixture.context());
        assertEquals(List.of(), first.failures());
        for (String region : List.of("us-east-1", "us-west-2")) {
            Instant at = single(fixture.aws.images(region)).deprecationTime();
            assertTrue(Math.abs(Duration.between(Instant.now(), at).toMinutes()) <= 3, region + " " + at);
            assertTrue(outcome(first, region).contains("(end of life 2026-01-01T00:00:00Z has passed)"),
                    outcome(first, region));
        }
        PublishResult second = fixture.adapter().publish(past, fixture.context());
        assertEquals("unchanged", outcome(second, "us-west-2"));
    }

    @Test
    void launchPermissionsChangeInOneRequestWithoutAPrivateMoment() {
        publish(Map.of());
        Map<String, Integer> before = new LinkedHashMap<>();
        ENABLED.forEach(r -> before.put(r, fixture.aws.requests(r).size()));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("access", new LinkedHashMap<>(Map.of("PUBLIC", false, "210987654321", true)));
        PublishResult result = publish(settings);

        assertEquals(List.of(), result.failures());
        for (String region : ENABLED) {
            List<String> calls = fixture.aws.requests(region).subList(before.get(region),
                    fixture.aws.requests(region).size());
            assertFalse(calls.contains("ResetImageAttribute"), region + ": " + calls);
            assertEquals(1, calls.stream().filter("ModifyImageAttribute"::equals).count(), region + ": " + calls);
            Image image = single(fixture.aws.images(region));
            assertFalse(image.isPublic(), region);
            assertEquals(Set.of("210987654321"), image.launchUserIds(), region);
        }
    }

    @Test
    void encryptionByDefaultInATargetRegionRefusesAPublicPublishBeforeAnyChange() {
        fixture.aws.encryptionByDefault("eu-west-1", true);
        BuildException failure = assertThrows(BuildException.class, () -> publish(Map.of()));
        assertTrue(failure.getMessage().contains("an encrypted image cannot be made public (EBS encryption by default"
                + " is on in eu-west-1"), failure.getMessage());
        for (String region : ENABLED) {
            List<String> calls = fixture.aws.requests(region);
            assertFalse(calls.contains("CopyImage") || calls.contains("ModifyImageAttribute"), region + ": " + calls);
        }
    }

    @Test
    void encryptedCopiesUseEachRegionsKey() {
        String key = "arn:aws:kms:us-west-2:123456789012:key/abcd";
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("regions", new LinkedHashMap<>(Map.of("us-west-2", true, "eu-west-1", true)));
        settings.put("access", new LinkedHashMap<>(Map.of("PUBLIC", false)));
        settings.put("encrypted", true);
        settings.put("import.kms_keys", Map.of("us-west-2", key));
        assertEquals(List.of(), publish(settings).failures());
        String west = single(fixture.aws.images("us-west-2")).blockDevices().get(0).snapshotId();
        assertEquals(key, fixture.aws.snapshots("us-west-2").stream().filter(s -> s.id().equals(west)).findFirst()
                .orElseThrow().kmsKeyId());
        assertTrue(single(fixture.aws.images("eu-west-1")).blockDevices().get(0).encrypted(), "the default key");
    }

    @Test
    void reviseRemovesAnUnpublishedAmiWithItsSnapshot() {
        fixture.adapter().removeImage(source);
        assertEquals(List.of(), fixture.aws.images(HOME));
        assertEquals(List.of(), fixture.aws.snapshots(HOME));
    }

    private static String outcome(PublishResult result, String region) {
        return result.regions().stream().filter(r -> r.region().equals(region)).findFirst().orElseThrow().outcome();
    }

    private static <T> T single(List<T> list) {
        assertEquals(1, list.size(), list.toString());
        return list.get(0);
    }
}
