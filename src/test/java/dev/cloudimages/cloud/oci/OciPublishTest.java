package dev.cloudimages.cloud.oci;

import dev.cloudimages.cloud.PublishResult;
import dev.cloudimages.cloud.RemoteImage;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.testing.oci.FakeCompute;
import dev.cloudimages.testing.oci.FakeOci;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OciPublishTest {

    @TempDir
    Path dir;

    @Test
    void publishImportsIntoEachRegionThenAReRunChangesNothingAndReviseMakesR1() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            RemoteImage source = f.adapter().importImage(f.job(f.disk(), 0, "uefi", OciFixture.settings(Map.of())),
                    f.context());
            PublishResult result = f.adapter().publish(OciFixture.publishJob(source, 0, OciFixture.settings(Map.of())),
                    f.context());

            assertEquals(List.of("eu-frankfurt-1", "uk-london-1", "us-ashburn-1"),
                    result.regions().stream().map(PublishResult.RegionOutcome::region).toList());
            assertTrue(result.failures().isEmpty(), result.toString());
            String sourceSha = f.oci.images(OciFixture.HOME).get(0).sha256();
            for (String region : List.of("uk-london-1", "us-ashburn-1")) {
                List<FakeCompute.Image> images = f.oci.images(region);
                assertEquals(1, images.size(), region);
                FakeCompute.Image copy = images.get(0);
                assertEquals("AVAILABLE", copy.lifecycle);
                assertEquals(sourceSha, copy.sha256(), "the same bytes in " + region);
                assertEquals("objectStorageUri", copy.source.get("sourceType").asText());
                assertEquals(source.id(), copy.tags.get("source_id"));
                assertEquals(OciFixture.HOME, copy.tags.get("source_region"));
                assertEquals("2026-11-18T00:00:00Z", copy.tags.get("published"));
                assertEquals("UEFI_64", f.oci.schemas().get(copy.id).get("Compute.Firmware").get("defaultValue").asText());
                assertTrue(copy.shapes.containsAll(List.of("VM.Standard.E6.Flex", "VM.Standard.E2.1.Micro")));
            }
            // access.PUBLIC: the export stays with one read PAR until end of life, its URL noted and tagged
            assertEquals(1, f.oci.objects(OciFixture.HOME).size());
            assertEquals(1, f.oci.pars().size());
            FakeOci.Par par = f.oci.pars().get(0);
            assertTrue(par.expires().startsWith("2028-05-01"), par.expires());
            FakeCompute.Image home = f.oci.images(OciFixture.HOME).get(0);
            assertTrue(home.tags.get("public_url").contains("/p/" + par.token() + "/"), home.tags.toString());
            assertTrue(result.notes().stream().anyMatch(n -> n.contains(home.tags.get("public_url"))), result.notes().toString());
            assertEquals("2026-11-18T00:00:00Z", home.tags.get("published"));
            assertTrue(f.adapter().latestBuildImage("cloudimages-test", OciFixture.BUILD, OciFixture.settings(Map.of()))
                    .orElseThrow().published());

            // a re-run changes nothing
            int before = f.oci.requests().size();
            PublishResult again = f.adapter().publish(OciFixture.publishJob(source, 0, OciFixture.settings(Map.of())),
                    f.context());
            assertTrue(again.regions().stream().allMatch(o -> o.outcome().equals("unchanged")), again.toString());
            assertTrue(f.oci.requests().subList(before, f.oci.requests().size()).stream()
                    .allMatch(r -> r.method().equals("GET") || r.method().equals("HEAD")),
                    "only reads: " + f.oci.requests().subList(before, f.oci.requests().size()));
            assertEquals(1, f.oci.pars().size());

            // access.PUBLIC turned off: the URL is revoked and the export goes; a re-run then changes nothing
            PublishResult closed = f.adapter().publish(OciFixture.publishJob(source, 0,
                    OciFixture.settings(Map.of("access.PUBLIC", false))), f.context());
            assertTrue(closed.notes().stream().anyMatch(n -> n.contains("revoked")), closed.notes().toString());
            assertTrue(f.oci.pars().isEmpty());
            assertTrue(f.oci.objects(OciFixture.HOME).isEmpty());
            assertFalse(f.oci.images(OciFixture.HOME).get(0).tags.containsKey("public_url"));
            int quiet = f.oci.requests().size();
            f.adapter().publish(OciFixture.publishJob(source, 0, OciFixture.settings(Map.of("access.PUBLIC", false))),
                    f.context());
            assertTrue(f.oci.requests().subList(quiet, f.oci.requests().size()).stream()
                    .allMatch(r -> r.method().equals("GET") || r.method().equals("HEAD")));

            // --revise of a published image: the next revision is imported and published beside it
            RemoteImage r1 = f.adapter().importImage(f.job(f.disk(), 1, "uefi", OciFixture.settings(Map.of())), f.context());
            f.adapter().publish(OciFixture.publishJob(r1, 1, OciFixture.settings(Map.of())), f.context());
            for (String region : FakeOci.REGIONS) {
                assertEquals(List.of("0", "1"), f.oci.images(region).stream().map(i -> i.tags.get("build_revision"))
                        .sorted().toList(), region);
            }
            assertEquals(1, f.adapter().latestBuildImage("cloudimages-test", OciFixture.BUILD,
                    OciFixture.settings(Map.of())).orElseThrow().revision());
        }
    }

    @Test
    void regionsAllMeansEveryRegionTheTenancyIsSubscribedTo() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            RemoteImage source = f.adapter().importImage(f.job(f.disk(), 0, "uefi", OciFixture.settings(Map.of())),
                    f.context());
            PublishResult result = f.adapter().publish(OciFixture.publishJob(source, 0, OciFixture.withRegions(
                    OciFixture.settings(Map.of("access.PUBLIC", false)), Map.of("ALL", true))), f.context());
            assertEquals(FakeOci.REGIONS, result.regions().stream().map(PublishResult.RegionOutcome::region).toList(),
                    "the READY subscriptions, home first; not " + FakeOci.SUBSCRIBING + " (still subscribing)");
            assertTrue(result.failures().isEmpty(), result.toString());
            for (String region : FakeOci.REGIONS) {
                assertEquals(1, f.oci.images(region).size(), region);
            }
            assertTrue(f.oci.requests().stream().anyMatch(r -> r.path().endsWith("/regionSubscriptions")));

            // a region set to false stays out of ALL
            PublishResult without = f.adapter().publish(OciFixture.publishJob(source, 0, OciFixture.withRegions(
                    OciFixture.settings(Map.of("access.PUBLIC", false)), Map.of("ALL", true, "us-ashburn-1", false))),
                    f.context());
            assertEquals(List.of("eu-frankfurt-1", "uk-london-1"),
                    without.regions().stream().map(PublishResult.RegionOutcome::region).toList());
        }
    }

    @Test
    void aFailingRegionDoesNotStopTheOthersAndAReRunFinishesIt() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            RemoteImage source = f.adapter().importImage(f.job(f.disk(), 0, "uefi", OciFixture.settings(Map.of())),
                    f.context());
            f.oci.deny("uk-london-1");
            PublishResult result = f.adapter().publish(OciFixture.publishJob(source, 0,
                    OciFixture.settings(Map.of("access.PUBLIC", false))), f.context());
            assertEquals(List.of("uk-london-1"), result.failures().stream().map(PublishResult.RegionOutcome::region).toList());
            assertTrue(result.failures().get(0).outcome().contains("NotAuthorizedOrNotFound"), result.toString());
            assertEquals(1, f.oci.images("us-ashburn-1").size());
            assertTrue(f.oci.images("uk-london-1").isEmpty());
            assertTrue(f.oci.objects(OciFixture.HOME).isEmpty(), "not public: the export is removed");
            assertTrue(f.oci.pars().isEmpty());

            f.oci.allow("uk-london-1");
            PublishResult again = f.adapter().publish(OciFixture.publishJob(source, 0,
                    OciFixture.settings(Map.of("access.PUBLIC", false))), f.context());
            assertTrue(again.failures().isEmpty(), again.toString());
            assertEquals(List.of("unchanged", "imported from eu-frankfurt-1", "unchanged"),
                    again.regions().stream().map(PublishResult.RegionOutcome::outcome).toList());
            assertEquals(1, f.oci.images("uk-london-1").size());
            assertEquals(1, f.oci.images("us-ashburn-1").size());
            assertTrue(f.oci.objects(OciFixture.HOME).isEmpty());
            assertTrue(f.oci.pars().isEmpty());
        }
    }

    @Test
    void aFailedImportInARegionRemovesItsImage() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            RemoteImage source = f.adapter().importImage(f.job(f.disk(), 0, "uefi", OciFixture.settings(Map.of())),
                    f.context());
            f.oci.failNextWorkRequest("out of capacity");
            PublishResult result = f.adapter().publish(OciFixture.publishJob(source, 0,
                    OciFixture.settings(Map.of("access.PUBLIC", false))), f.context());
            assertEquals(1, result.failures().size(), result.toString());
            assertTrue(result.failures().get(0).outcome().contains("out of capacity"));
            assertTrue(f.oci.images(result.failures().get(0).region()).isEmpty(), "the failed region's image is removed");
            assertTrue(f.oci.pars().isEmpty());
        }
    }

    @Test
    void reviseRemovesAnUnpublishedImageAndABadRegionFailsBeforeAnyChange() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            RemoteImage source = f.adapter().importImage(f.job(f.disk(), 0, "uefi", OciFixture.settings(Map.of())),
                    f.context());
            BuildException bad = assertThrows(BuildException.class, () -> f.adapter().publish(OciFixture.publishJob(source,
                    0, OciFixture.settings(Map.of("regions.Frankfurt", true))), f.context()));
            assertTrue(bad.getMessage().contains("regions.Frankfurt"), bad.getMessage());
            assertFalse(f.oci.images(OciFixture.HOME).get(0).tags.containsKey("published"));
            f.adapter().removeImage(source);
            assertTrue(f.oci.images(OciFixture.HOME).isEmpty());
            assertTrue(f.oci.schemas().isEmpty(), "its capability schema goes with it");
        }
    }
}
