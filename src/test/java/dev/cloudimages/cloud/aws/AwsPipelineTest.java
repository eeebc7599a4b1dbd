package dev.cloudimages.cloud.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudimages.cli.Cli;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.support.Digests;
import dev.cloudimages.testing.BuilderVms;
import dev.cloudimages.testing.CliRun;
import dev.cloudimages.testing.OverlayRuns;
import dev.cloudimages.testing.OverlayMirror;
import dev.cloudimages.testing.Fixtures;
import dev.cloudimages.testing.ProjectCopy;
import dev.cloudimages.testing.TestBuilder;
import dev.cloudimages.testing.Tools;
import dev.cloudimages.testing.aws.FakeAws;
import dev.cloudimages.testing.aws.Image;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole pipeline offline: ./build publish --only aws on the test overlay builds the disk in
 * QEMU, imports it into the fake AWS by EBS direct, and publishes it to every enabled region;
 * ./build state then shows where each copy is, a second publish has nothing to do, and --revise makes
 * r1, with both publishes in published.yaml and in work/manifest.json.
 */
class AwsPipelineTest {

    private static final String BUILD = "test-3.24.1-x86_64-bios";
    private static final List<String> ENABLED = List.of("eu-south-1", "eu-west-1", "us-east-1", "us-west-2");
    @RegisterExtension
    static final OverlayMirror MIRROR = new OverlayMirror();

    @TempDir
    Path project;
    private FakeAws aws;
    private final Map<String, String> env = new HashMap<>();
    private String err;
    private String out;

    @BeforeEach
    void setUp() throws Exception {
        aws = FakeAws.start();
        OverlayRuns.prepare(project, env, MIRROR.server());
        OverlayMirror.awsEnv(env, aws.env(), project);
    }

    @AfterEach
    void tearDown() {
        aws.close();
        assertEquals(List.of(), BuilderVms.running(project), "QEMU processes left behind");
    }

    private int run(String... args) {
        CliRun run = OverlayRuns.run(env, project, "aws", args);
        out = run.out();
        err = run.err();
        return run.code();
    }

    @Test
    void publishBuildsImportsAndPublishesThenStateShowsItAndARerunChangesNothing() throws Exception {
        assertEquals(Cli.OK, run("publish"), err);

        assertTrue(err.contains("Built 1 image(s)"), err);
        for (String region : ENABLED) {
            Image image = single(aws.images(region));
            assertEquals(BUILD + "-r0", image.name(), region);
            assertEquals("legacy-bios", image.bootMode());
            assertTrue(image.isPublic(), region);
            assertTrue(image.tags().containsKey("published"), region);
        }
        Path dir = project.resolve("work/images/aws").resolve(BUILD);
        JsonNode imported = ConfigsYaml.mapper().readTree(dir.resolve("imported.yaml").toFile());
        assertEquals(single(aws.images("us-east-1")).id(), imported.get("image_id").asText());
        JsonNode published = ConfigsYaml.mapper().readTree(dir.resolve("published.yaml").toFile());
        assertEquals(ENABLED.size(), published.get("publishes").get(0).get("regions").size());
        assertEquals(Digests.hex(dir.resolve("image.qcow2"), "SHA-512") + "  image.qcow2\n",
                Files.readString(dir.resolve("image.qcow2.sha512")), "the reference's .sha512 beside the image");
        assertFalse(Files.exists(project.resolve("work/build/aws").resolve(BUILD).resolve("import")),
                "the raw conversion is gone");
        assertTrue(err.contains("snapshot upload:"), "upload progress is shown: " + err);

        assertEquals(Cli.OK, run("state"), err);
        JsonNode plan = ConfigsYaml.mapper().readTree(project.resolve("work/actions.yaml").toFile())
                .get("3.24-x86_64-bios-aws");
        assertTrue(plan.get("remote").asText().startsWith("published r0 (ami-"), plan.toString());
        assertEquals("[]", plan.get("actions").toString(), "published everywhere as configured: nothing to do");
        assertTrue(out.contains("published r0") && out.contains("published to 4 region(s) as configured (published.yaml)"),
                out);
        for (String region : ENABLED) {
            JsonNode where = plan.get("regions").get(region);
            assertEquals(single(aws.images(region)).id(), where.get("image_id").asText(), region);
            assertEquals("published", where.get("state").asText(), region);
            assertEquals(region.equals("us-east-1") ? "live" : "published.yaml", where.get("source").asText(), region);
        }
        assertTrue(out.contains("\n  local work/images/aws/" + BUILD + "/image.qcow2; aws: us-east-1 "
                + single(aws.images("us-east-1")).id() + " published (live); eu-south-1 "), out);

        Map<String, Integer> before = new HashMap<>();
        ENABLED.forEach(r -> before.put(r, aws.requests(r).size()));
        assertEquals(Cli.OK, run("publish"), err);
        assertTrue(err.contains("Nothing to do: every selected variant is up to date for 'publish'"), err);
        for (String region : ENABLED) {
            List<String> calls = aws.requests(region).subList(before.get(region), aws.requests(region).size());
            assertTrue(calls.stream().allMatch(c -> c.startsWith("Describe") || c.startsWith("Get")),
                    region + ": a second publish only reads the home image, but made " + calls);
        }
    }

    @Test
    void reviseAfterPublishMakesTheNextRevision() throws Exception {
        assertEquals(Cli.OK, run("publish"), err);
        assertEquals(Cli.OK, run("publish", "--revise"), err);

        assertTrue(err.contains("--revise: removing local image"), err);
        for (String region : ENABLED) {
            List<String> names = aws.images(region).stream().map(Image::name).sorted().toList();
            assertEquals(List.of(BUILD + "-r0", BUILD + "-r1"), names, region);
        }
        Path dir = project.resolve("work/images/aws").resolve(BUILD);
        JsonNode record = ConfigsYaml.mapper().readTree(dir.resolve("image.yaml").toFile());
        assertEquals(BUILD + "-r1", record.get("image_name").asText());

        // the publish history outlives the rebuild: both publishes, newest last
        JsonNode history = ConfigsYaml.mapper().readTree(dir.resolve("published.yaml").toFile()).get("publishes");
        assertEquals(2, history.size(), history.toString());
        assertEquals(List.of(0, 1), List.of(history.get(0).get("revision").asInt(), history.get(1).get("revision").asInt()));
        assertTrue(history.get(1).get("targets").asText().startsWith("sha256:"), history.toString());
        assertEquals(ENABLED.size(), history.get(1).get("regions").size());

        // one manifest entry per run, as Packer's manifest post-processor appends them
        JsonNode manifest = new ObjectMapper().readTree(project.resolve("work/manifest.json").toFile());
        JsonNode builds = manifest.get("builds");
        assertEquals(2, builds.size(), manifest.toString());
        assertEquals(builds.get(1).get("run_uuid").asText(), manifest.get("last_run_uuid").asText());
        assertFalse(builds.get(0).get("run_uuid").asText().equals(builds.get(1).get("run_uuid").asText()));
        for (int i = 0; i < 2; i++) {
            JsonNode entry = builds.get(i);
            assertEquals("3.24-x86_64-bios-aws", entry.get("name").asText());
            assertEquals("publish", entry.get("step").asText());
            assertEquals(i, entry.get("revision").asInt());
            assertEquals(Long.parseLong(env.get("SOURCE_DATE_EPOCH")), entry.get("build_time").asLong());
            assertEquals(ENABLED.size(), entry.get("artifacts").size(), entry.toString());
            for (String region : ENABLED) {
                String id = aws.images(region).stream().filter(image -> image.name().equals(BUILD + "-r"
                        + entry.get("revision").asInt())).findFirst().orElseThrow().id();
                assertEquals(id, entry.get("artifacts").get(region).asText(), region);
                assertTrue(entry.get("artifact_id").asText().contains(region + ":" + id), entry.toString());
            }
        }
        JsonNode file = builds.get(1).get("files").get(0);
        assertEquals("work/images/aws/" + BUILD + "/image.qcow2", file.get("name").asText());
        assertEquals(Files.size(dir.resolve("image.qcow2")), file.get("size").asLong());
        assertEquals(record.get("sha256").asText(), file.get("sha256").asText());
        assertEquals(Digests.hex(dir.resolve("image.qcow2"), "SHA-512"), file.get("sha512").asText());
    }

    @Test
    void importWithoutCredentialsStopsBeforeBuildingAnything() {
        env.remove("AWS_ACCESS_KEY_ID");
        env.remove("AWS_SECRET_ACCESS_KEY");
        CliRun.assertOneLineError(run("import"), err, "cannot import 1 variant(s): aws: no usable credentials for"
                + " profile 'default' in us-east-1", "--skip aws");
        assertFalse(Files.exists(project.resolve("work/images/aws")), "nothing was built");
        assertEquals(List.of(), aws.snapshots("us-east-1"));
    }

    private static <T> T single(List<T> list) {
        assertEquals(1, list.size(), list.toString());
        return list.get(0);
    }
}
