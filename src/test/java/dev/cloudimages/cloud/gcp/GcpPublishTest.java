package dev.cloudimages.cloud.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudimages.cloud.PublishResult;
import dev.cloudimages.cloud.RemoteImage;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.testing.gcp.FakeGcp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Publishing an imported image (IAM policy, deprecation, label) through the real clients against the fake GCP. */
class GcpPublishTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private GcpFixture fixture;
    private RemoteImage source;

    @BeforeEach
    void importOne() throws Exception {
        fixture = new GcpFixture(dir);
        source = fixture.adapter().importImage(fixture.job(GcpFixture.identity(0, "uefi", "x86_64"),
                GcpFixture.settings(Map.of())), fixture.context());
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private PublishResult publish(Map<String, Object> settings) {
        return fixture.adapter().publish(GcpFixture.publishJob(source, GcpFixture.settings(settings)),
                fixture.context());
    }

    @Test
    void publicMeansImageUserForAllAuthenticatedUsersKeepingOtherBindingsWithTheEtag() throws Exception {
        fixture.gcp.setPolicy(GcpFixture.IMAGE, JSON.readTree("[{\"role\":\"roles/compute.imageUser\","
                + "\"members\":[\"group:ops@example.com\"]},{\"role\":\"roles/owner\",\"members\":[\"user:a@example.com\"]}]"));
        String etag = fixture.gcp.policy(GcpFixture.IMAGE).path("etag").asText();

        PublishResult result = publish(Map.of());

        assertEquals(List.of(), result.failures());
        assertEquals("global", result.regions().get(0).region());
        JsonNode policy = fixture.gcp.policy(GcpFixture.IMAGE);
        assertEquals("[{\"role\":\"roles/compute.imageUser\",\"members\":[\"group:ops@example.com\","
                + "\"allAuthenticatedUsers\"]},{\"role\":\"roles/owner\",\"members\":[\"user:a@example.com\"]}]",
                policy.path("bindings").toString());
        JsonNode sent = JSON.readTree(fixture.gcp.requests().stream().filter(r -> r.path().endsWith("/setIamPolicy"))
                .findFirst().orElseThrow().body());
        assertEquals(etag, sent.path("policy").path("etag").asText(), "the etag read is sent back");
        JsonNode image = fixture.gcp.images().get(GcpFixture.IMAGE);
        // GCP keeps the time in its own form: the same instant, not the same string
        assertEquals("2028-04-30T17:00:00.000-07:00", image.path("deprecated").path("deprecated").asText());
        assertEquals(java.time.Instant.parse("2028-05-01T00:00:00Z"),
                java.time.OffsetDateTime.parse(image.path("deprecated").path("deprecated").asText()).toInstant());
        assertEquals("ACTIVE", image.path("deprecated").path("state").asText());
        assertTrue(image.path("labels").has("published"));
        assertEquals("test-3_24_1-x86_64-uefi", image.path("labels").path("build_name").asText(),
                "the identity labels are kept");
        assertTrue(fixture.adapter().latestBuildImage("cloudimages-test", GcpFixture.BUILD, GcpFixture.settings(Map.of())).orElseThrow().published());
    }

    @Test
    void aRerunChangesNothingThatIsRight() {
        publish(Map.of());
        int before = fixture.gcp.requests().size();

        PublishResult again = publish(Map.of());

        assertEquals("unchanged", again.regions().get(0).outcome());
        List<String> calls = fixture.gcp.requests().subList(before, fixture.gcp.requests().size()).stream()
                .map(FakeGcp.Request::line).toList();
        assertTrue(calls.stream().allMatch(c -> c.startsWith("GET ") || c.startsWith("POST /token")),
                "a rerun only reads: " + calls);
    }

    @Test
    void listedMembersInsteadOfPublic() {
        publish(Map.of("access", Map.of("PUBLIC", false, "group:testers@example.com", true)));

        assertEquals("[{\"role\":\"roles/compute.imageUser\",\"members\":[\"group:testers@example.com\"]}]",
                fixture.gcp.policy(GcpFixture.IMAGE).path("bindings").toString());
    }

    @Test
    void aPolicyChangedMeanwhileIsReadAgainAndTheOtherChangeKept() {
        fixture.gcp.inject(FakeGcp.Fault.POLICY_CHANGED_MEANWHILE, "images.setIamPolicy");
        publish(Map.of());
        long sets = fixture.gcp.requests().stream().filter(r -> r.path().endsWith("/setIamPolicy")).count();
        assertEquals(2, sets, "the first write is refused for its stale etag, the second made after a new read");
        assertEquals("[{\"role\":\"roles/compute.viewer\",\"members\":[\"user:other@example.com\"]},"
                + "{\"role\":\"roles/compute.imageUser\",\"members\":[\"allAuthenticatedUsers\"]}]",
                fixture.gcp.policy(GcpFixture.IMAGE).path("bindings").toString());
    }

    @Test
    void permissionDeniedOnTheIamPolicyIsOneLineAndARerunFinishes() {
        fixture.gcp.inject(FakeGcp.Fault.PERMISSION_DENIED, "images.setIamPolicy");
        BuildException e = assertThrows(BuildException.class, () -> publish(Map.of()));
        assertTrue(e.getMessage().startsWith("gcp: permission denied while publishing image " + GcpFixture.IMAGE),
                e.getMessage());
        assertTrue(e.getMessage().contains("compute.images.setIamPolicy"), e.getMessage());
        assertFalse(fixture.gcp.images().get(GcpFixture.IMAGE).path("labels").has("published"));

        PublishResult again = publish(Map.of());
        assertTrue(again.regions().get(0).outcome().contains("shared with allAuthenticatedUsers"),
                again.regions().get(0).outcome());
    }

    @Test
    void anAccessKeyThatIsNoMemberIsAnError() {
        BuildException e = assertThrows(BuildException.class,
                () -> publish(Map.of("access", Map.of("someone", true))));
        assertTrue(e.getMessage().contains("access.someone"), e.getMessage());
    }
}
