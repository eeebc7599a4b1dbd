package dev.cloudimages.cloud.oci;

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
import dev.cloudimages.testing.oci.FakeCompute;
import dev.cloudimages.testing.oci.FakeOci;
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
 * The whole pipeline offline for OCI: ./build publish --only oci on the test overlay builds the
 * disk in QEMU, uploads it to the fake OCI, makes the image and publishes it to the overlay's two
 * other regions; ./build state then shows it published and a second publish only reads.
 */
class OciPipelineTest {

    private static final String BUILD = "test-3.24.1-x86_64-bios";
    @RegisterExtension
    static final OverlayMirror MIRROR = new OverlayMirror();

    @TempDir
    Path project;
    private FakeOci oci;
    private final Map<String, String> env = new HashMap<>();
    private String err;
    private String out;

    @BeforeEach
    void setUp() throws Exception {
        oci = FakeOci.start();
        OverlayRuns.prepare(project, env, MIRROR.server());
        env.putAll(oci.env(Files.createDirectories(project.resolve("oci")), "eu-frankfurt-1"));
    }

    @AfterEach
    void tearDown() {
        oci.close();
        assertEquals(List.of(), BuilderVms.running(project), "QEMU processes left behind");
    }

    private int run(String... args) {
        CliRun run = OverlayRuns.run(env, project, "oci", args);
        out = run.out();
        err = run.err();
        return run.code();
    }

    @Test
    void publishBuildsImportsAndPublishesThenStateShowsItAndARerunChangesNothing() throws Exception {
        assertEquals(Cli.OK, run("publish"), err);

        assertTrue(err.contains("Built 1 image(s)"), err);
        for (String region : FakeOci.REGIONS) {
            List<FakeCompute.Image> images = oci.images(region);
            assertEquals(1, images.size(), region);
            FakeCompute.Image image = images.get(0);
            assertEquals(BUILD + "-r0", image.displayName, region);
            assertEquals("BIOS", oci.schemas().get(image.id).get("Compute.Firmware").get("defaultValue").asText());
            assertTrue(image.tags.containsKey("published"), region);
        }
        Path dir = project.resolve("work/images/oci").resolve(BUILD);
        assertEquals(Files.readString(dir.resolve("image.qcow2.sha256")).split(" ")[0],
                oci.images("eu-frankfurt-1").get(0).sha256(), "the image holds the built qcow2");
        JsonNode imported = ConfigsYaml.mapper().readTree(dir.resolve("imported.yaml").toFile());
        assertEquals(oci.images("eu-frankfurt-1").get(0).id, imported.get("image_id").asText());
        JsonNode published = ConfigsYaml.mapper().readTree(dir.resolve("published.yaml").toFile());
        JsonNode publish = published.get("publishes").get(0);
        assertEquals(3, publish.get("regions").size());
        assertTrue(publish.get("notes").toString().contains("/p/"), "the public URL is recorded: " + published);
        assertTrue(err.contains("uploading image.qcow2"), "upload progress is shown: " + err);

        assertEquals(Cli.OK, run("state"), err);
        JsonNode plan = ConfigsYaml.mapper().readTree(project.resolve("work/actions.yaml").toFile())
                .get("3.24-x86_64-bios-oci");
        assertTrue(plan.get("remote").asText().startsWith("published r0 (ocid1.image"), plan.toString());
        assertTrue(out.contains("published r0"), out);
        assertEquals("[]", plan.get("actions").toString(), "published everywhere as configured: nothing to do");
        assertEquals(3, plan.get("regions").size(), plan.toString());

        int before = oci.requests().size();
        assertEquals(Cli.OK, run("publish"), err);
        List<FakeOci.Request> calls = oci.requests().subList(before, oci.requests().size());
        assertTrue(calls.stream().allMatch(r -> r.method().equals("GET") || r.method().equals("HEAD")),
                "a second publish only reads, but made " + calls);
        assertTrue(err.contains("Nothing to do: every selected variant is up to date for 'publish'"), err);
    }

    @Test
    void importWithoutAConfigFileStopsBeforeBuildingAnything() {
        env.put("OCI_CONFIG_FILE", project.resolve("none").toString());
        CliRun.assertOneLineError(run("import"), err, "cannot import 1 variant(s): oci: no config file "
                + project.resolve("none") + " (profile 'DEFAULT'); run 'oci setup config'", "--skip oci");
        assertFalse(Files.exists(project.resolve("work/images/oci")), "nothing was built");
    }
}
