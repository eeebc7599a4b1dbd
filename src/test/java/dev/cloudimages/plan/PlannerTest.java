package dev.cloudimages.plan;

import dev.cloudimages.cloud.CloudAdapters;
import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.support.BuildClock;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plan over step x local image (absent, current, stale) x remote image (none, imported,
 * published) x --revise, against an in-memory cloud. Remote images are r2 with end of life
 * 2030-01-01; the variant's own end of life is 2027-05-01.
 */
class PlannerTest {

    static final String BUILD = "alpine-3.22.4-x86_64-uefi-tiny";
    static final String VARIANT_EOL = "2027-05-01";
    static final String REMOTE_EOL = "2030-01-01";

    @TempDir
    Path work;

    /**
     * One row per (local, remote, revise): the actions the plan drops from what the step wants,
     * the revision and end of life it carries, and what --revise removes outside the dry run.
     */
    static Stream<Arguments> table() {
        String[] rows = {
                // local    remote     revise  dropped        rev  eol     removes-local removes-remote
                "absent    none       no      -              0    variant no  no",
                "current   none       no      build          0    variant no  no",
                "stale     none       no      -              0    variant no  no",
                "absent    imported   no      build,import   2    remote  no  no",
                "current   imported   no      build,import   2    remote  no  no",
                "stale     imported   no      build,import   2    remote  no  no",
                "absent    published  no      build,import   2    remote  no  no",
                "current   published  no      build,import   2    remote  no  no",
                "stale     published  no      build,import   2    remote  no  no",
                "absent    none       yes     -              0    variant no  no",
                "current   none       yes     -              0    variant yes no",
                "stale     none       yes     -              0    variant yes no",
                "absent    imported   yes     -              2    variant no  yes",
                "current   imported   yes     -              2    variant yes yes",
                "stale     imported   yes     -              2    variant yes yes",
                "absent    published  yes     -              3    variant no  no",
                "current   published  yes     -              3    variant yes no",
                "stale     published  yes     -              3    variant yes no",
        };
        List<Arguments> cases = new ArrayList<>();
        for (Step step : Step.values()) {
            if (step == Step.ROLLBACK) {
                continue; // plans no action: RollbackStep's own tests
            }
            for (String row : rows) {
                cases.add(Arguments.of(step, row));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("table")
    void plansEachCombination(Step step, String row) throws IOException {
        String[] cell = row.trim().split("\\s+");
        String localState = cell[0];
        String remoteState = cell[1];
        boolean revise = cell[2].equals("yes");
        Set<Action> dropped = EnumSet.noneOf(Action.class);
        if (!cell[3].equals("-")) {
            Arrays.stream(cell[3].split(",")).map(a -> Action.valueOf(a.toUpperCase())).forEach(dropped::add);
        }
        int revision = Integer.parseInt(cell[4]);
        String endOfLife = cell[5].equals("remote") ? REMOTE_EOL : VARIANT_EOL;
        boolean removesLocal = cell[6].equals("yes") && !step.dryRun();
        boolean removesRemote = cell[7].equals("yes") && !step.dryRun();
        // without a storage_url nothing is uploaded or signed
        dropped.addAll(EnumSet.of(Action.UPLOAD, Action.SIGN, Action.RELEASE));
        if (!step.asksClouds()) {
            // local asks no cloud: only the local image counts, and its record keeps the revision
            dropped = localState.equals("current") && !revise ? EnumSet.of(Action.BUILD) : EnumSet.noneOf(Action.class);
            dropped.addAll(EnumSet.of(Action.UPLOAD, Action.SIGN, Action.RELEASE));
            revision = localState.equals("absent") || remoteState.equals("none") ? 0 : 2;
            endOfLife = VARIANT_EOL;
            removesLocal = revise && !localState.equals("absent");
            removesRemote = false;
        }

        FakeCloud cloud = new FakeCloud("aws");
        if (!remoteState.equals("none")) {
            cloud.with(BUILD, 2, REMOTE_EOL, remoteState.equals("published"));
        }
        ResolvedVariant variant = variant(Map.of());
        InputHash hash = hash();
        int localRevision = remoteState.equals("none") ? 0 : 2;
        if (!localState.equals("absent")) {
            writeLocalImage(variant, localRevision,
                    localState.equals("current") ? hash.of(variant, localRevision) : "sha256:old");
        }

        Plan plan = planner(cloud.adapters(), hash).plan(List.of(variant), step, revise);
        assertEquals(List.of(), cloud.removed, "planning itself removes nothing");
        assertEquals(!localState.equals("absent"),
                Files.exists(work.resolve("images/aws").resolve(BUILD).resolve(LocalImages.RECORD)));
        Revisions.apply(plan, new LocalImages(work.resolve("images")), cloud.adapters(), quietLog());

        VariantPlan planned = plan.variants().get(0);
        Set<Action> expected = step.wanted();
        expected.removeAll(dropped);
        assertEquals(List.copyOf(expected), planned.actions(), String.join("; ", planned.why()));
        assertEquals(revision, planned.revision());
        assertEquals(BUILD + "-r" + revision, planned.imageName());
        assertEquals(BUILD, planned.buildName());
        assertEquals(endOfLife, planned.endOfLife());
        assertEquals(!localState.equals("absent") && !removesLocal,
                Files.exists(work.resolve("images/aws").resolve(BUILD).resolve(LocalImages.RECORD)));
        assertEquals(removesRemote ? List.of("img-" + BUILD + "-r2") : List.of(), cloud.removed);
    }

    @Test
    void anImageWhoseBytesChangedIsDamagedNeverRebuiltOrImportedSilently() throws IOException {
        ResolvedVariant variant = variant(Map.of());
        InputHash hash = hash();
        writeLocalImage(variant, 0, hash.of(variant, 0));
        Path image = work.resolve("images/aws").resolve(BUILD).resolve("image.qcow2");
        assertEquals(List.of(Action.IMPORT, Action.PUBLISH), planner(new FakeCloud("aws").adapters(), hash)
                .plan(List.of(variant), Step.PUBLISH, false).variants().get(0).actions());
        java.nio.file.attribute.FileTime verified = Files.getLastModifiedTime(image);
        Files.writeString(image, "qcow2 bytEs"); // same size, other bytes
        // the file system's clock is coarse (a few ms): an edit that fast would keep the stamp's time
        Files.setLastModifiedTime(image, java.nio.file.attribute.FileTime.fromMillis(verified.toMillis() + 1000));

        VariantPlan planned = planner(new FakeCloud("aws").adapters(), hash).plan(List.of(variant), Step.STATE, false)
                .variants().get(0);
        assertEquals(LocalImages.Status.DAMAGED, planned.local());
        assertFalse(planned.has(Action.BUILD), "not rebuilt silently");
        assertTrue(String.join("; ", planned.why()).contains("local image is damaged (checksum): image.qcow2 does "
                + "not have the sha256 image.yaml records"), planned.why().toString());
        java.util.Optional<LocalImages.Record> record = new LocalImages(work.resolve("images")).inspect("aws", BUILD)
                .record();
        BuildException refused = org.junit.jupiter.api.Assertions.assertThrows(BuildException.class,
                () -> dev.cloudimages.cloud.ReleaseHooks.LOCAL_ONLY.localImage(planned,
                        new LocalImages(work.resolve("images"))));
        assertTrue(refused.getMessage().contains("is damaged (checksum)") && refused.getMessage()
                .contains("run './build local --revise --only"), refused.getMessage());
        assertTrue(record.isPresent());
    }

    @Test
    void localRevisionCarriesForwardWhenTheCloudCannotBeAsked() throws IOException {
        ResolvedVariant variant = variant(Map.of());
        InputHash hash = hash();
        writeLocalImage(variant, 4, hash.of(variant, 4));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        CloudAdapters none = new CloudAdapters(Map.of(), Map.of());

        Plan plan = planner(none, hash, log).plan(List.of(variant), Step.IMPORT, false);

        VariantPlan planned = plan.variants().get(0);
        assertEquals(List.of(Action.IMPORT), planned.actions());
        assertEquals(4, planned.revision());
        assertTrue(planned.remote().isEmpty());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("aws: this version of build has no adapter"),
                log.toString(StandardCharsets.UTF_8));
    }

    /** generic and nocloud: no cloud to import into, so the plan ends at the local image, quietly. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Step.class, names = {"STATE", "IMPORT", "PUBLISH", "RELEASE"})
    void aCloudWithoutImportEndsAtTheLocalImage(Step step) throws IOException {
        ResolvedVariant aws = variant(Map.of());
        Map<String, String> dimensions = new LinkedHashMap<>(aws.dimensions());
        dimensions.put("cloud", "generic");
        Map<String, Object> config = new LinkedHashMap<>(aws.config());
        config.put("cloud", "generic");
        ResolvedVariant generic = new ResolvedVariant("3.22-x86_64-uefi-tiny-generic", dimensions, config);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        // an adapter factory for aws only, as shipped: none for generic
        Plan plan = planner(new FakeCloud("aws").adapters(), hash(), log).plan(List.of(generic), step, false);

        VariantPlan planned = plan.variants().get(0);
        assertEquals(List.of(Action.BUILD), planned.actions(), String.join("; ", planned.why()));
        assertEquals(List.of("no local image", "no cloud import for generic: ends at the local image (and the store)"),
                planned.why());
        assertEquals("none", planned.remote().orElseThrow().describe(), "nothing remote, and not unknown either");
        assertEquals("", log.toString(StandardCharsets.UTF_8), "no warning about a missing adapter");
        dev.cloudimages.cloud.CloudSteps.requireAdapters(plan, new FakeCloud("aws").adapters(), Action.IMPORT);
        dev.cloudimages.cloud.CloudSteps.requireAdapters(plan, new FakeCloud("aws").adapters(), Action.PUBLISH);

        // --revise with nothing remote to ask: no "cloud state unknown"
        VariantPlan revised = planner(new FakeCloud("aws").adapters(), hash(), log)
                .plan(List.of(generic), step, true).variants().get(0);
        assertFalse(revised.why().stream().anyMatch(w -> w.contains("unknown")), String.join("; ", revised.why()));
    }

    @Test
    void anAdapterForACloudWithoutImportIsUsed() {
        CloudAdapters withGeneric = new CloudAdapters(Map.of("generic",
                env -> CloudAdapters.Availability.unavailable("test")), Map.of());
        assertTrue(withGeneric.withoutImport("generic").isEmpty(), "an adapter factory wins");
        assertTrue(new CloudAdapters(Map.of(), Map.of()).withoutImport("nocloud").isPresent());
        assertTrue(new CloudAdapters(Map.of(), Map.of()).withoutImport("azure").isEmpty(),
                "an unknown cloud still fails import for want of an adapter");
    }

    @Test
    void buildingLocallyAsksNoCloud() throws IOException {
        ResolvedVariant variant = variant(Map.of());
        InputHash hash = hash();
        writeLocalImage(variant, 4, hash.of(variant, 4));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        CloudAdapters failing = new CloudAdapters(Map.of("aws", env -> {
            throw new AssertionError("local asked the aws cloud");
        }), Map.of());

        VariantPlan planned = planner(failing, hash, log).plan(List.of(variant), Step.LOCAL, false).variants().get(0);

        assertEquals(List.of(), planned.actions());
        assertEquals(4, planned.revision());
        assertEquals("", log.toString(StandardCharsets.UTF_8), "no warning about the cloud");
    }

    @Test
    void changingAScriptMakesTheLocalImageStale() throws IOException {
        ResolvedVariant variant = variant(Map.of());
        InputHash hash = hash();
        writeLocalImage(variant, 0, hash.of(variant, 0));
        FakeCloud cloud = new FakeCloud("aws");
        assertEquals(List.of(), planner(cloud.adapters(), hash).plan(List.of(variant), Step.LOCAL, false)
                .variants().get(0).actions());

        Files.writeString(work.resolve("scripts/setup"), "#!/bin/sh\necho changed\n");
        VariantPlan planned = planner(cloud.adapters(), hash).plan(List.of(variant), Step.LOCAL, false)
                .variants().get(0);

        assertEquals(List.of(Action.BUILD), planned.actions());
        assertEquals(LocalImages.Status.STALE, planned.local());
        assertTrue(String.join(";", planned.why()).contains("stale"), planned.why().toString());
    }

    @Test
    void changingScriptDataOrConfigChangesTheHashButPublishSettingsDoNot() throws IOException {
        InputHash hash = hash();
        ResolvedVariant variant = variant(Map.of());
        String before = hash.of(variant, 0);
        assertEquals(before, hash.of(variant(Map.of("regions", Map.of("ALL", false))), 0));
        assertFalse(before.equals(hash.of(variant(Map.of("packages", "add: more")), 0)));
        assertFalse(before.equals(hash.of(variant, 1)));
        Files.writeString(work.resolve("scripts/setup.d/data"), "other");
        assertFalse(before.equals(hash.of(variant, 0)));
        assertFalse(hash().of(variant, 0).equals(new InputHash(work.resolve("scripts"),
                List.of(new InputHash.BuilderInput("run", "v2".getBytes(StandardCharsets.UTF_8)))).of(variant, 0)));
    }

    @Test
    void theMirrorIsAnInputOnlyWhereAValueNamesIt() {
        InputHash hash = hash();
        String a = "http://127.0.0.1:9/a";
        String b = "http://127.0.0.1:9/b";
        // where the builder downloads from (ISO, its own packages) is not what the image holds
        assertEquals(hash.of(variant(Map.of("mirror", a, "repos", "https://example.org/alpine/main")), 0),
                hash.of(variant(Map.of("mirror", b, "repos", "https://example.org/alpine/main")), 0));
        // repos naming it end up in the image's /etc/apk/repositories: a part of its own, named "mirror"
        Map<String, String> partsA = hash.parts(variant(Map.of("mirror", a, "repos", a + "/v3.22/main")), 0);
        Map<String, String> partsB = hash.parts(variant(Map.of("mirror", b, "repos", b + "/v3.22/main")), 0);
        assertEquals(partsA.get("config repos"), partsB.get("config repos"));
        assertFalse(partsA.get(InputHash.MIRROR).equals(partsB.get(InputHash.MIRROR)));
    }

    @Test
    void aStaleImageSaysWhichInputsChanged() throws IOException {
        InputHash hash = hash();
        ResolvedVariant variant = variant(Map.of("packages", "add: a"));
        String built = hash.of(variant, 0);
        Path dir = work.resolve("images/aws").resolve(BUILD);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("image.qcow2"), "qcow2 bytes");
        LocalImages.write(dir, LocalImages.Record.built(variant.key(), BUILD, BUILD + "-r0", 0, "qcow2",
                "image.qcow2", Files.size(dir.resolve("image.qcow2")),
                dev.cloudimages.support.Digests.sha256(dir.resolve("image.qcow2")), built, "2026-11-23T00:00:00Z", ""));

        Files.writeString(work.resolve("scripts/setup"), "#!/bin/sh\necho changed\n");
        Files.writeString(work.resolve("scripts/setup.d/more"), "new");
        ResolvedVariant changed = variant(Map.of("packages", "add: a b", "motd", "hi"));
        VariantPlan planned = planner(new FakeCloud("aws").adapters(), hash).plan(List.of(changed), Step.LOCAL, false)
                .variants().get(0);
        assertEquals(LocalImages.Status.STALE, planned.local());
        assertTrue(planned.why().contains("local image is stale: changed since it was built: config keys packages,"
                + " motd (new); script setup; script dir file setup.d/more (new)"), planned.why().toString());
    }

    @Test
    void aDamagedRecordIsNeverTrusted() throws IOException {
        ResolvedVariant variant = variant(Map.of());
        InputHash hash = hash();
        writeLocalImage(variant, 0, hash.of(variant, 0));
        Path dir = work.resolve("images/aws").resolve(BUILD);
        LocalImages images = new LocalImages(work.resolve("images"));

        Files.writeString(dir.resolve("image.qcow2"), "truncated");
        assertEquals(LocalImages.Status.CORRUPT, images.inspect("aws", BUILD, hash.of(variant, 0)).status());

        writeLocalImage(variant, 0, hash.of(variant, 0));
        Files.writeString(dir.resolve(LocalImages.RECORD), "variant: [unclosed\n");
        LocalImages.Inspection inspection = images.inspect("aws", BUILD, hash.of(variant, 0));
        assertEquals(LocalImages.Status.CORRUPT, inspection.status());
        assertTrue(inspection.detail().contains("unreadable"), inspection.detail());

        VariantPlan planned = planner(new FakeCloud("aws").adapters(), hash).plan(List.of(variant), Step.LOCAL, false)
                .variants().get(0);
        assertEquals(List.of(Action.BUILD), planned.actions());
    }

    @Test
    void reviseWithNothingToReviseSaysSo() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        planner(new FakeCloud("aws").adapters(), hash(), log).plan(List.of(variant(Map.of())), Step.LOCAL, true);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("--revise: nothing to revise"),
                log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void unknownEndOfLifeIsTomorrow() {
        Map<String, Object> noEol = new LinkedHashMap<>();
        noEol.put("end_of_life", null);
        VariantPlan planned = planner(new FakeCloud("aws").adapters(), hash())
                .plan(List.of(variant(noEol)), Step.LOCAL, false).variants().get(0);
        assertEquals("2026-11-24", planned.endOfLife());
    }

    @Test
    void buildNamesMustBeOwnAndPlain() {
        ResolvedVariant one = variant(Map.of());
        ResolvedVariant two = new ResolvedVariant("3.22-x86_64-uefi-cloudinit-aws", one.dimensions(), one.config());
        dev.cloudimages.support.BuildException shared = org.junit.jupiter.api.Assertions.assertThrows(
                dev.cloudimages.support.BuildException.class,
                () -> Planner.checkNames(List.of(one, two)));
        assertTrue(shared.getMessage().contains("have the same build name"), shared.getMessage());

        ResolvedVariant escaping = variant(Map.of("name", "../../etc"));
        dev.cloudimages.support.BuildException path = org.junit.jupiter.api.Assertions.assertThrows(
                dev.cloudimages.support.BuildException.class,
                () -> Planner.checkNames(List.of(escaping)));
        assertTrue(path.getMessage().contains("build name '../../etc'"), path.getMessage());
    }

    @Test
    void namesWithARevisionPlaceholderKeepTheirForm() {
        ResolvedVariant variant = variant(Map.of("name", "alpine-3.22.4-x86_64-r{revision}"));
        assertEquals("alpine-3.22.4-x86_64", ImageNames.buildName(variant));
        assertEquals("alpine-3.22.4-x86_64-r7", ImageNames.imageName(variant, 7));
    }

    ResolvedVariant variant(Map<String, Object> overrides) {
        Map<String, String> dimensions = new LinkedHashMap<>();
        dimensions.put("version", "3.22");
        dimensions.put("arch", "x86_64");
        dimensions.put("firmware", "uefi");
        dimensions.put("bootstrap", "tiny");
        dimensions.put("cloud", "aws");
        Map<String, Object> config = new LinkedHashMap<>(dimensions);
        config.put("project", "test");
        config.put("name", BUILD);
        config.put("scripts", List.of("setup"));
        config.put("script_dirs", List.of("setup.d"));
        config.put("image_format", "qcow2");
        config.put("end_of_life", VARIANT_EOL);
        config.put("regions", Map.of("ALL", true));
        config.putAll(overrides);
        if (overrides.containsKey("end_of_life") && overrides.get("end_of_life") == null) {
            config.remove("end_of_life");
        }
        return new ResolvedVariant("3.22-x86_64-uefi-tiny-aws", dimensions, config);
    }

    InputHash hash() {
        try {
            Files.createDirectories(work.resolve("scripts/setup.d"));
            if (!Files.exists(work.resolve("scripts/setup"))) {
                Files.writeString(work.resolve("scripts/setup"), "#!/bin/sh\necho setup\n");
                Files.writeString(work.resolve("scripts/setup.d/data"), "data");
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new InputHash(work.resolve("scripts"),
                List.of(new InputHash.BuilderInput("run", "v1".getBytes(StandardCharsets.UTF_8))));
    }

    void writeLocalImage(ResolvedVariant variant, int revision, String inputHash) throws IOException {
        Path dir = work.resolve("images/aws").resolve(BUILD);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("image.qcow2"), "qcow2 bytes");
        LocalImages.write(dir, new LocalImages.Record(variant.key(), BUILD, BUILD + "-r" + revision, revision,
                "qcow2", "image.qcow2", Files.size(dir.resolve("image.qcow2")),
                dev.cloudimages.support.Digests.sha256(dir.resolve("image.qcow2")), inputHash,
                "2026-11-23T00:00:00Z"));
    }

    private static Log quietLog() {
        return new Log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false, false);
    }

    private Planner planner(CloudAdapters clouds, InputHash hash) {
        return planner(clouds, hash, new ByteArrayOutputStream());
    }

    Planner planner(CloudAdapters clouds, InputHash hash, ByteArrayOutputStream log) {
        return new Planner(new LocalImages(work.resolve("images")), clouds, hash,
                new BuildClock(Instant.parse("2026-11-23T12:00:00Z"), true),
                new Log(new PrintStream(log, true, StandardCharsets.UTF_8), false, false));
    }
}
