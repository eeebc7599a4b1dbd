package dev.cloudimages.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudimages.cloud.PublishResult;
import dev.cloudimages.cloud.RemoteImage;
import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.plan.Action;
import dev.cloudimages.plan.LocalImages;
import dev.cloudimages.plan.Step;
import dev.cloudimages.plan.VariantPlan;
import dev.cloudimages.support.BuildClock;
import dev.cloudimages.support.Digests;
import dev.cloudimages.support.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** work/manifest.json: appended per run, Packer's shape, digests from the sidecars, a damaged file set aside. */
class RunManifestTest {

    private static final String BUILD = "b-3.24.1";

    @TempDir
    Path work;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final BuildClock clock = BuildClock.fromEnvironment(Map.of(BuildClock.SOURCE_DATE_EPOCH, "1795000000"));

    private VariantPlan variant() throws IOException {
        Path dir = work.resolve("images/aws").resolve(BUILD);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("image.qcow2"), "image bytes");
        LocalImages.write(dir, new LocalImages.Record("v-aws", BUILD, BUILD + "-r0", 0, "qcow2", "image.qcow2", 11,
                Digests.sha256(dir.resolve("image.qcow2")), "sha256:in", "2026-11-18T00:00:00Z"));
        ResolvedVariant resolved = new ResolvedVariant("v-aws", Map.of("cloud", "aws"), Map.of("cloud", "aws"));
        return new VariantPlan(resolved, BUILD, BUILD + "-r0", 0, "2028-05-01", List.of(Action.PUBLISH),
                LocalImages.Status.CURRENT, Optional.empty(), "sha256:in", List.of(), false, Optional.empty());
    }

    private RunManifest manifest() {
        return new RunManifest(work, Step.PUBLISH, clock,
                new Log(new PrintStream(log, true, StandardCharsets.UTF_8), false, false));
    }

    @Test
    void eachRunAppendsItsBuildsWithFilesAndArtifacts() throws IOException {
        VariantPlan variant = variant();
        Path image = work.resolve("images/aws").resolve(BUILD).resolve("image.qcow2");
        RunManifest first = manifest();
        first.add(variant, Optional.of(new RemoteImage("ami-1", "us-east-1", BUILD, 0, "", true, false, Map.of())),
                Optional.empty());
        first.write();
        RunManifest second = manifest();
        second.add(variant, Optional.empty(), Optional.of(new PublishResult(List.of(
                new PublishResult.RegionOutcome("us-east-1", "ami-1", "unchanged", false),
                new PublishResult.RegionOutcome("eu-west-1", "ami-2", "copied", false),
                new PublishResult.RegionOutcome("ap-east-2", "", "throttled", true)), List.of())));
        second.write();
        manifest().write(); // a run that finished nothing adds nothing

        JsonNode document = new ObjectMapper().readTree(work.resolve(RunManifest.FILE).toFile());
        JsonNode builds = document.get("builds");
        assertEquals(2, builds.size(), document.toString());
        assertEquals(builds.get(1).get("run_uuid"), document.get("last_run_uuid"));
        assertEquals(1795000000L, builds.get(0).get("build_time").asLong());
        assertEquals("2026-11-18T11:06:40Z", builds.get(0).get("time").asText());
        assertEquals("us-east-1:ami-1", builds.get(0).get("artifact_id").asText());
        assertEquals("eu-west-1:ami-2,us-east-1:ami-1", builds.get(1).get("artifact_id").asText(),
                "the regions that failed are not artifacts");
        JsonNode file = builds.get(1).get("files").get(0);
        assertEquals("work/images/aws/" + BUILD + "/image.qcow2", file.get("name").asText());
        assertEquals(11, file.get("size").asInt());
        String sha512 = Digests.hex(image, "SHA-512");
        assertEquals(sha512, file.get("sha512").asText());
        assertEquals(sha512 + "  image.qcow2\n", Files.readString(image.resolveSibling("image.qcow2.sha512")),
                "an image built before .sha512 existed gets one");
    }

    @Test
    void aDamagedManifestIsSetAsideNotOverwritten() throws IOException {
        VariantPlan variant = variant();
        Files.writeString(work.resolve(RunManifest.FILE), "{\"builds\": [ {\"name\":");
        RunManifest run = manifest();
        run.add(variant, Optional.empty(), Optional.empty());
        run.write();

        assertEquals("{\"builds\": [ {\"name\":", Files.readString(work.resolve(RunManifest.FILE + ".damaged")));
        assertEquals(1, new ObjectMapper().readTree(work.resolve(RunManifest.FILE).toFile()).get("builds").size());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("is not a manifest (damaged or hand-edited); moved it to"
                + " manifest.json.damaged and starting a new one"), log.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(work.resolve("images/aws").resolve(BUILD).resolve("published.yaml")));
    }
}
