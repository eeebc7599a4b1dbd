package dev.cloudimages.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudimages.cli.Cli;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.testing.BuilderVms;
import dev.cloudimages.testing.CliRun;
import dev.cloudimages.testing.FixtureServer;
import dev.cloudimages.testing.HeadlessChromium;
import dev.cloudimages.testing.OverlayRuns;
import dev.cloudimages.testing.ThrowawayGpg;
import dev.cloudimages.testing.aws.FakeAws;
import dev.cloudimages.testing.gcp.FakeGcp;
import dev.cloudimages.testing.oci.FakeOci;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A release's life on the three fakes, with a file:// store: the x86_64 BIOS variant of aws, gcp
 * and oci built in QEMU, published and released twice (r0, then r1 by --revise); the catalog
 * checked against what the fakes hold (every id, every region) and opened in headless Chromium;
 * the SSM parameters and the GCP family moved only by the release; prune's dry run listing
 * exactly r0, and --really removing it from every region, cloud and the store, and nothing else.
 */
class ReleasePruneTest {

    private static final String PARAMETER = "/cloudimages-test/3.24/x86_64/bios/latest";
    private static final String FAMILY = "test-3-24-x86-64-bios";
    private static FixtureServer server;

    @TempDir
    Path project;
    private Path store;
    private FakeAws aws;
    private FakeGcp gcp;
    private FakeOci oci;
    private CloudInventory clouds;
    private ThrowawayGpg gpg;
    private final Map<String, String> env = new HashMap<>();
    private String out;
    private String err;

    @BeforeAll
    static void startServer() throws Exception {
        server = OverlayRuns.mirror();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        aws = FakeAws.start();
        gcp = FakeGcp.start();
        oci = FakeOci.start();
        clouds = new CloudInventory(aws, gcp, oci);
        gpg = ThrowawayGpg.create(project.resolve("gnupg"));
        store = project.resolve("store");
        OverlayRuns.prepare(project, env, server);
        env.putAll(aws.env());
        env.putAll(gpg.env());
        env.putAll(gcp.env());
        env.putAll(oci.env(Files.createDirectories(project.resolve("oci")), "eu-frankfurt-1"));
        env.put("AWS_CONFIG_FILE", project.resolve("no-aws-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", project.resolve("no-aws-credentials").toString());
        Files.writeString(project.resolve("overlay/configs/test.conf"), "\nDefault {\n"
                + "  storage_url = \"file://" + store + "/{v_version}/{cloud}\"\n"
                + "  latest.ssm_parameter = \"/{project}/{version}/{arch}/{firmware}/latest\"\n"
                + "  latest.family = \"test-{version}-{arch}-{firmware}\"\n"
                + "  prune { keep_revisions = 1, end_of_life = true }\n}\n", java.nio.file.StandardOpenOption.APPEND);
    }

    @AfterEach
    void tearDown() throws Exception {
        gpg.close();
        aws.close();
        gcp.close();
        oci.close();
        assertEquals(List.of(), BuilderVms.running(project), "QEMU processes left behind");
    }

    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--custom", "overlay", "--only", "x86_64", "bios", "--vars", "tcg.conf"));
        CliRun run = CliRun.run(env, project, false, all.toArray(String[]::new));
        out = run.out();
        err = run.err();
        return run.code();
    }

    @Test
    void releaseMovesTheLatestPointersRendersTheCatalogAndPruneRemovesTheOlderRevision() throws Exception {
        assertEquals(Cli.OK, run("release"), err);
        Map<String, String> r0 = clouds.images(0);
        assertEquals(CloudInventory.AWS_REGIONS.size() + 1 + CloudInventory.OCI_REGIONS.size(), r0.size(), r0.toString());
        assertPointers(r0);

        // r1 published but not released: the pointers still name r0
        assertEquals(Cli.OK, run("publish", "--revise"), err);
        Map<String, String> r1 = clouds.images(1);
        assertEquals(r0.keySet(), r1.keySet());
        assertPointers(r0);
        assertEquals(Cli.OK, run("release", "--output", "json"), err);
        assertPointers(r1);
        assertReported(r1);

        assertCatalog(r1);
        assertPageShows(r1);

        // prune's dry run: exactly r0, per cloud and region; nothing changes
        List<String> snapshots = clouds.snapshots(0);
        List<String> ociImages = clouds.ociImages(0);
        assertEquals(Cli.OK, run("prune"), err);
        assertEquals(chosen(r0), removals(out), out);
        assertEquals(r0, clouds.images(0), "a dry run removes nothing");
        assertTrue(out.contains("not among the newest 1 revision(s) (r1 is the newest)"), out);
        assertTrue(storeFiles().stream().anyMatch(f -> f.contains("-r0")), "the store still has r0");

        assertEquals(Cli.OK, run("prune", "--really"), err);
        assertEquals(Map.of(), clouds.images(0), "r0 is gone from every cloud and region");
        assertEquals(List.of(), clouds.leftovers(0, snapshots, ociImages));
        assertEquals(r1, clouds.images(1), "r1 is untouched");
        assertEquals(List.of(), storeFiles().stream().filter(f -> f.contains("-r0")).toList());
        assertEquals(3, storeFiles().stream().filter(f -> f.endsWith("-r1.yaml")).count(), storeFiles().toString());
        assertPointers(r1);

        assertEquals(Cli.OK, run("prune"), err);
        assertTrue(out.contains("nothing to prune"), out);
    }

    @Test
    void rulesThatWouldRemoveTheLatestOrEverythingAreRefusedWithOneLine() {
        CliRun.assertOneLineError(run("prune", "--keep-revisions", "0"), err,
                "keep_revisions = 0 would remove the latest revision of every variant");
        CliRun.assertOneLineError(run("prune", "--unused-days", "0"), err, "unused_days = 0 matches every AWS image");
        CliRun.assertOneLineError(run("prune", "--edge-days", "-3"), err, "edge_days = -3 matches every edge image");
    }

    /** SSM in every region the image was published to, and the GCP family, name the revision's images. */
    private void assertPointers(Map<String, String> revision) {
        for (String region : CloudInventory.AWS_REGIONS) {
            assertEquals(revision.get("aws " + region), aws.ssmParameters(region).get(PARAMETER), region);
        }
        assertEquals(java.util.Optional.of(revision.get("gcp global")), gcp.imageFromFamily(FAMILY));
    }

    /** The run's JSON document says, per variant, which image of each region it released. */
    private void assertReported(Map<String, String> released) throws Exception {
        JsonNode document = new ObjectMapper().readTree(out);
        Map<String, String> reported = new TreeMap<>();
        document.get("variants").forEach(v -> v.path("done").path("release").path("regions").fields().forEachRemaining(
                r -> reported.put(v.get("cloud").asText() + " " + r.getKey(), r.getValue().asText())));
        assertEquals(released, reported, out);
    }

    /** releases.yaml and images.json list every region's image of the newest released revision, and nothing else. */
    private void assertCatalog(Map<String, String> released) throws Exception {
        Path dir = project.resolve("work/release");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("images.json").toFile());
        Map<String, String> listed = new TreeMap<>();
        json.get("images").forEach(i -> listed.put(i.get("cloud").asText() + " " + i.get("region").asText(),
                i.get("image_id").asText()));
        assertEquals(released, listed, json.toString());
        JsonNode yaml = ConfigsYaml.mapper().readTree(dir.resolve("releases.yaml").toFile());
        Map<String, String> regions = new TreeMap<>();
        yaml.get("versions").forEach(v -> v.get("images").forEach(i -> i.get("regions").forEach(r -> regions.put(
                r.get("cloud").asText() + " " + r.get("region").asText(), r.get("image_id").asText()))));
        assertEquals(released, regions, yaml.toString());
    }

    private void assertPageShows(Map<String, String> released) throws Exception {
        Path page = project.resolve("work/release/index.html");
        String dom = HeadlessChromium.open(page, Path.of("target/release-prune/index.png").toAbsolutePath(),
                Files.createDirectories(project.resolve("chromium")));
        for (String id : released.values()) {
            assertTrue(dom.contains("<td class=\"image-id\">" + id + "</td>"), id + " in " + dom);
        }
        // the page's script ran: every row is shown, none hidden by the filters
        assertTrue(dom.contains(released.size() + " of " + released.size() + " shown"), dom);
    }

    /** What prune says it removes (or would): "cloud region id". */
    private static List<String> removals(String out) {
        List<String> found = new ArrayList<>();
        String where = null;
        for (String line : out.lines().toList()) {
            if (!line.startsWith(" ")) {
                where = line.endsWith(":") ? line.substring(0, line.length() - 1) : null;
            } else if (where != null && !where.startsWith("store ") && !where.equals("kept")
                    && line.trim().matches("(would remove|removing) .*")) {
                found.add(where + " " + line.trim().split(" ")[line.trim().startsWith("would") ? 2 : 1]);
            }
        }
        return found.stream().sorted().toList();
    }

    private static List<String> chosen(Map<String, String> images) {
        return images.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).sorted().toList();
    }

    private List<String> storeFiles() throws Exception {
        try (Stream<Path> files = Files.walk(store)) {
            return files.filter(Files::isRegularFile).map(p -> store.relativize(p).toString()).sorted().toList();
        }
    }
}
