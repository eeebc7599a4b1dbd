package dev.cloudimages.plan;

import dev.cloudimages.cloud.CloudAdapters;
import dev.cloudimages.config.ResolvedVariant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plan with the records beside a local image (imported.yaml, published.yaml): what exists where,
 * live or recorded; a publish already done as configured is nothing to do; without the cloud the
 * records stand in for it; published.yaml keeps a bounded history.
 */
class PlanRecordsTest {

    static final String BUILD = PlannerTest.BUILD;
    static final String SOURCE = "img-" + BUILD + "-r2";

    @TempDir
    Path work;
    private final PlannerTest fixture = new PlannerTest();
    private Path dir;

    @BeforeEach
    void setUp() {
        fixture.work = work;
        dir = work.resolve("images/aws").resolve(BUILD);
    }

    private Plan plan(CloudAdapters clouds, ResolvedVariant variant, Step step) throws IOException {
        InputHash hash = fixture.hash();
        fixture.writeLocalImage(variant, 2, hash.of(variant, 2));
        return fixture.planner(clouds, hash, new ByteArrayOutputStream()).plan(List.of(variant), step, false);
    }

    private void recordPublish(ResolvedVariant variant, String targetsEndOfLife, boolean failed) {
        ShipRecords.appendPublish(dir, variant.key(), "aws", new ShipRecords.Publish(BUILD + "-r2", 2,
                "2026-11-18T00:00:00Z", "test-1", SOURCE, PublishIntent.of(variant, targetsEndOfLife),
                List.of(new ShipRecords.RegionPublish("test-1", SOURCE, "published", false),
                        new ShipRecords.RegionPublish("test-2", "img-copy", failed ? "failed: throttled" : "copied",
                                failed)), List.of()));
    }

    @Test
    void aPublishDoneAsConfiguredIsNothingToDoAndStateSaysWhereEachCopyIs() throws IOException {
        ResolvedVariant variant = fixture.variant(Map.of());
        Files.createDirectories(dir);
        recordPublish(variant, PlannerTest.REMOTE_EOL, false);
        FakeCloud cloud = new FakeCloud("aws").with(BUILD, 2, PlannerTest.REMOTE_EOL, true);

        Plan plan = plan(cloud.adapters(), variant, Step.PUBLISH);

        VariantPlan planned = plan.variants().get(0);
        assertEquals(List.of(), planned.actions(), String.join("; ", planned.why()));
        assertTrue(plan.nothingToDo());
        assertTrue(planned.why().contains("published to 2 region(s) as configured (published.yaml)"),
                planned.why().toString());
        assertEquals(List.of(new Whereabouts.RegionImage("test-1", SOURCE, "published", "live"),
                new Whereabouts.RegionImage("test-2", "img-copy", "published", "published.yaml")),
                planned.where().regions());
        String table = PlanTable.render(plan);
        assertTrue(table.contains("\n  local work/images/aws/" + BUILD + "/image.qcow2; aws: test-1 " + SOURCE
                + " published (live); test-2 img-copy published (published.yaml)\n"), table);
        String yaml = PlanStep.render(plan);
        assertTrue(yaml.contains("local_file: work/images/aws/" + BUILD + "/image.qcow2"), yaml);
        assertTrue(yaml.contains("test-2:\n      image_id: img-copy\n      state: published\n      source: published.yaml"),
                yaml);
    }

    @Test
    void changedSettingsAFailedRegionOrNoRecordPlanThePublish() throws IOException {
        FakeCloud cloud = new FakeCloud("aws").with(BUILD, 2, PlannerTest.REMOTE_EOL, true);
        ResolvedVariant variant = fixture.variant(Map.of());
        Files.createDirectories(dir);

        VariantPlan none = plan(cloud.adapters(), variant, Step.PUBLISH).variants().get(0);
        assertEquals(List.of(Action.PUBLISH), none.actions());
        assertTrue(String.join("; ", none.why()).contains("no record here of where it was published"), none.why().toString());

        recordPublish(variant, PlannerTest.REMOTE_EOL, false);
        ResolvedVariant moreRegions = fixture.variant(Map.of("regions", Map.of("ALL", true, "test-9", true)));
        VariantPlan changed = plan(cloud.adapters(), moreRegions, Step.PUBLISH).variants().get(0);
        assertEquals(List.of(Action.PUBLISH), changed.actions());
        assertTrue(String.join("; ", changed.why()).contains("regions, access, encryption or end of life changed"),
                changed.why().toString());
        ResolvedVariant shared = fixture.variant(Map.of("access", Map.of("123456789012", true)));
        assertEquals(List.of(Action.PUBLISH), plan(cloud.adapters(), shared, Step.PUBLISH).variants().get(0).actions());

        recordPublish(variant, PlannerTest.REMOTE_EOL, true);
        VariantPlan failed = plan(cloud.adapters(), variant, Step.PUBLISH).variants().get(0);
        assertEquals(List.of(Action.PUBLISH), failed.actions());
        assertTrue(String.join("; ", failed.why()).contains("its last publish failed in test-2"), failed.why().toString());
        assertEquals("failed", failed.where().regions().get(1).state());
    }

    @Test
    void withoutTheCloudTheRecordsStandInAndSaySo() throws IOException {
        ResolvedVariant variant = fixture.variant(Map.of());
        Files.createDirectories(dir);
        ShipRecords.writeImported(dir, variant.key(), "aws", new ShipRecords.Imported(BUILD + "-r2", 2, "test-1",
                SOURCE, Map.of()));
        // the local record gives r2 and the variant's end of life: the publish was made for those
        recordPublish(variant, PlannerTest.VARIANT_EOL, false);
        CloudAdapters none = new CloudAdapters(Map.of(), Map.of());

        VariantPlan planned = plan(none, variant, Step.STATE).variants().get(0);

        assertEquals(List.of(), planned.actions(), String.join("; ", planned.why()));
        assertTrue(planned.why().contains("remote state from the records (cloud not asked): imported as " + SOURCE
                + " in test-1 (imported.yaml)"), planned.why().toString());
        assertTrue(planned.why().contains("published to 2 region(s) as configured (published.yaml; cloud not asked)"),
                planned.why().toString());
        assertTrue(planned.where().regions().stream().allMatch(r -> r.source().equals("published.yaml")),
                planned.where().toString());

        // records of another revision say nothing of this one
        Files.delete(dir.resolve(ShipRecords.PUBLISHED));
        ShipRecords.writeImported(dir, variant.key(), "aws", new ShipRecords.Imported(BUILD + "-r1", 1, "test-1",
                "img-old", Map.of()));
        VariantPlan old = plan(none, variant, Step.STATE).variants().get(0);
        assertEquals(List.of(Action.IMPORT, Action.PUBLISH), old.actions());
        assertTrue(old.why().contains("remote state unknown"), old.why().toString());
        assertEquals(List.of(), old.where().regions());
    }

    @Test
    void publishedYamlKeepsABoundedHistoryNewestLastAndReadsTheOldForm() throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(ShipRecords.PUBLISHED), """
                variant: v
                cloud: aws
                image_name: x-r0
                revision: 0
                source: {region: test-1, image_id: img-0}
                regions:
                  test-1: {image_id: img-0, outcome: published}
                notes: []
                """);
        assertEquals(1, ShipRecords.publishes(dir).size(), "a single publish of an earlier version");
        for (int i = 1; i <= ShipRecords.HISTORY + 4; i++) {
            ShipRecords.appendPublish(dir, "v", "aws", new ShipRecords.Publish("x-r" + i, i, "t" + i, "test-1",
                    "img-" + i, "sha256:x", List.of(new ShipRecords.RegionPublish("test-1", "img-" + i, "copied",
                    false)), List.of()));
        }
        List<ShipRecords.Publish> history = ShipRecords.publishes(dir);
        assertEquals(ShipRecords.HISTORY, history.size());
        assertEquals(ShipRecords.HISTORY + 4, history.get(history.size() - 1).revision(), "newest last");
        assertEquals(5, history.get(0).revision(), "the oldest are dropped");

        Files.writeString(dir.resolve(ShipRecords.PUBLISHED), "[unclosed");
        assertEquals(java.util.Optional.empty(), ShipRecords.latestOf(dir, 1), "a damaged record is no record");
        assertEquals(java.util.Optional.of("published.yaml is not YAML"), ShipRecords.appendPublish(dir, "v", "aws",
                history.get(0)));
        assertEquals(1, ShipRecords.publishes(dir).size(), "started afresh");
    }
}
