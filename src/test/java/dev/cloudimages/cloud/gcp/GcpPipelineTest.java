package dev.cloudimages.cloud.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudimages.cli.Cli;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.testing.BuilderVms;
import dev.cloudimages.testing.CliRun;
import dev.cloudimages.testing.OverlayRuns;
import dev.cloudimages.testing.OverlayMirror;
import dev.cloudimages.testing.Fixtures;
import dev.cloudimages.testing.ProjectCopy;
import dev.cloudimages.testing.TestBuilder;
import dev.cloudimages.testing.Tools;
import dev.cloudimages.testing.gcp.FakeGcp;
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
 * The whole pipeline offline: ./build publish --only gcp on the test overlay builds the disk in
 * QEMU as a tar.gz, uploads it to the fake GCP's bucket, creates the image and publishes it;
 * ./build state then shows it published, a second publish changes nothing, and --revise makes r1.
 */
class GcpPipelineTest {

    private static final String IMAGE = "test-3-24-1-x86-64-bios-r0";
    @RegisterExtension
    static final OverlayMirror MIRROR = new OverlayMirror();

    @TempDir
    Path project;
    private FakeGcp gcp;
    private final Map<String, String> env = new HashMap<>();
    private String err;
    private String out;

    @BeforeEach
    void setUp() throws Exception {
        gcp = FakeGcp.start();
        OverlayRuns.prepare(project, env, MIRROR.server());
        env.putAll(gcp.env());
    }

    @AfterEach
    void tearDown() {
        gcp.close();
        assertEquals(List.of(), BuilderVms.running(project), "QEMU processes left behind");
    }

    private int run(String... args) {
        CliRun run = OverlayRuns.run(env, project, "gcp", args);
        out = run.out();
        err = run.err();
        return run.code();
    }

    @Test
    void publishBuildsImportsAndPublishesThenStateShowsItAndARerunChangesNothing() throws Exception {
        assertEquals(Cli.OK, run("publish"), err);

        assertTrue(err.contains("Built 1 image(s)"), err);
        JsonNode image = gcp.images().get(IMAGE);
        assertEquals("READY", image.path("status").asText(), gcp.images().toString());
        assertEquals("X86_64", image.path("architecture").asText());
        assertEquals("[{\"type\":\"GVNIC\"}]", image.path("guestOsFeatures").toString(), "bios: no UEFI_COMPATIBLE");
        assertTrue(image.path("labels").has("published"));
        assertTrue(gcp.policy(IMAGE).path("bindings").toString().contains("allAuthenticatedUsers"));
        assertEquals(List.of(), gcp.objects(), "the uploaded tar.gz is removed");
        Path dir = project.resolve("work/images/gcp/test-3.24.1-x86_64-bios");
        JsonNode imported = ConfigsYaml.mapper().readTree(dir.resolve("imported.yaml").toFile());
        assertEquals(IMAGE, imported.get("image_id").asText());
        assertEquals("global", imported.get("region").asText());
        assertTrue(Files.exists(dir.resolve("published.yaml")));
        assertTrue(err.contains("upload to gs://" + FakeGcp.BUCKET), "upload progress is shown: " + err);

        assertEquals(Cli.OK, run("state"), err);
        JsonNode plan = ConfigsYaml.mapper().readTree(project.resolve("work/actions.yaml").toFile())
                .get("3.24-x86_64-bios-gcp");
        assertTrue(plan.get("remote").asText().startsWith("published r0 (" + IMAGE), plan.toString());
        assertEquals("[]", plan.get("actions").toString(), "published as configured: nothing to do");
        assertEquals("live", plan.get("regions").get("global").get("source").asText(), plan.toString());
        assertTrue(out.contains("published r0"), out);

        int before = gcp.requests().size();
        assertEquals(Cli.OK, run("publish"), err);
        List<String> calls = gcp.requests().subList(before, gcp.requests().size()).stream()
                .map(FakeGcp.Request::line).toList();
        assertTrue(calls.stream().allMatch(c -> c.startsWith("GET ") || c.equals("POST /token")),
                "a second publish only reads, but made " + calls);
        assertTrue(err.contains("Nothing to do: every selected variant is up to date for 'publish'"), err);
        assertTrue(gcp.requests().stream().allMatch(r -> !r.path().contains("computeMetadata")));
    }

    @Test
    void reviseAfterPublishMakesTheNextRevision() throws Exception {
        assertEquals(Cli.OK, run("publish"), err);
        assertEquals(Cli.OK, run("publish", "--revise"), err);

        assertEquals(List.of(IMAGE, "test-3-24-1-x86-64-bios-r1"), List.copyOf(gcp.images().keySet()));
        assertEquals("1", gcp.images().get("test-3-24-1-x86-64-bios-r1").path("labels").path("build_revision").asText());
    }

    @Test
    void importWithoutCredentialsStopsBeforeBuildingAnythingWithWhatToRun() {
        env.remove("GOOGLE_APPLICATION_CREDENTIALS");
        CliRun.assertOneLineError(run("import"), err, "cannot import 1 variant(s): gcp: no Application Default Credentials",
                "gcloud auth application-default login");
        assertFalse(Files.exists(project.resolve("work/images/gcp")), "nothing was built");
    }
}
