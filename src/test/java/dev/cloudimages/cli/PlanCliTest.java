package dev.cloudimages.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.plan.LocalImages;
import dev.cloudimages.plan.PublishIntent;
import dev.cloudimages.plan.ShipRecords;
import dev.cloudimages.testing.CliProject;
import dev.cloudimages.testing.CliRun;
import dev.cloudimages.testing.LockHolder;
import dev.cloudimages.testing.ReleasesServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan step through the CLI, on the shipped configs: state, actions.yaml, the lock, import. */
class PlanCliTest {

    private static final String ONE = "3.24-x86_64-uefi-tiny-vm-aws";

    @RegisterExtension
    static final ReleasesServer releases = new ReleasesServer();

    @TempDir
    Path project;
    private CliProject cli;
    private String err;
    private String out;

    @BeforeEach
    void setUp() {
        cli = CliProject.copy(project, releases).dated().withoutMachineCloudSettings();
    }

    private int run(String... args) {
        CliRun run = cli.run(args);
        out = run.out();
        err = run.err();
        return run.code();
    }

    private JsonNode actionsYaml() throws IOException {
        return ConfigsYaml.mapper().readTree(project.resolve("work/actions.yaml").toFile());
    }

    private void assertOneLineError(int code, String... expected) {
        CliRun.assertOneLineError(code, err, expected);
    }

    @Test
    void stateShowsAndWritesThePlanForEverySelectedVariant() throws IOException {
        assertEquals(Cli.OK, run("state", "--only", "x86_64", "--skip", "edge"), err);

        JsonNode actions = actionsYaml();
        assertEquals(60, actions.size(), "3 versions x (bios, uefi) x (2 bootstraps x (aws, oci, gcp, nocloud)"
                + " + generic vm + generic metal)");
        JsonNode one = actions.get(ONE);
        assertEquals("alpine-3.24.1-x86_64-uefi-tiny", one.get("build_name").asText());
        assertEquals("alpine-3.24.1-x86_64-uefi-tiny-r0", one.get("image_name").asText());
        assertEquals(0, one.get("revision").asInt());
        assertEquals("[\"build\",\"import\",\"publish\"]", one.get("actions").toString());
        assertEquals("absent", one.get("local").asText());
        assertEquals("unknown", one.get("remote").asText());
        assertTrue(one.get("input_hash").asText().startsWith("sha256:"));
        assertTrue(out.startsWith("VARIANT"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith(ONE) && l.contains("alpine-3.24.1-x86_64-uefi-tiny-r0")
                && l.contains("build,import,publish") && l.contains("no local image")), out);
        assertTrue(err.contains("aws: no region for profile 'default': set AWS_REGION, or run 'aws configure set region"
                + " REGION --profile default'; planning from local state only"), err);
        assertTrue(err.contains("oci: no config file " + project.resolve("no-oci-config") + " (profile 'DEFAULT'); run"
                + " 'oci setup config'"), err);
        assertTrue(err.contains("gcp: no Application Default Credentials (no GOOGLE_APPLICATION_CREDENTIALS, no gcloud"
                + " application_default_credentials.json, not on Google Compute Engine); run 'gcloud auth application-default login'"),
                err);
        assertFalse(Files.exists(project.resolve("work/images")), "state changes nothing");
        // generic and nocloud: no cloud to import into, so no cloud actions, no warning, remote "none"
        for (String local : List.of("3.24-x86_64-uefi-cloudinit-vm-generic", "3.24-x86_64-bios-tiny-vm-nocloud",
                "3.24-x86_64-uefi-cloudinit-metal-generic")) {
            JsonNode plan = actions.get(local);
            assertEquals("[\"build\"]", plan.get("actions").toString(), local);
            assertEquals("none", plan.get("remote").asText(), local);
            String cloud = local.substring(local.lastIndexOf('-') + 1);
            assertTrue(plan.get("why").toString().contains("no cloud import for " + cloud
                    + ": ends at the local image (and the store)"), plan.toString());
        }
        assertFalse(err.contains("generic:") || err.contains("nocloud:"), err);
    }

    /** What the reference's downstream tools see: a YAML 1.1 reader (like PyYAML) on both reports. */
    @Test
    void reportsReadAsTheReferencesWithAYaml11Reader() throws IOException {
        assertEquals(Cli.OK, run("state", "--only", "uefi", "tiny", "aws", "--skip", "3.22", "3.23"), err);
        Yaml yaml11 = new Yaml();
        Map<String, Map<String, Object>> configs = yaml11.load(Files.readString(project.resolve("work/configs.yaml")));
        Map<String, Object> one = configs.get(ONE);
        assertEquals("2028-05-01", one.get("end_of_life"), "a string, not a date");
        assertEquals(ONE, one.get("config_key"));
        assertEquals("3.24.1-x86_64-uefi-tiny-vm-aws", one.get("image_key"));
        assertEquals("Alpine Linux 3.24.1 (x86_64, uefi, tiny) for Amazon Web Services", one.get("description"));
        Map<String, Object> edge = configs.get("edge-x86_64-uefi-tiny-vm-aws");
        assertEquals("20261118", edge.get("release"), "a string, not a number");
        assertEquals("2026-11-19", edge.get("end_of_life"));

        Map<String, Map<String, Object>> actions = yaml11.load(Files.readString(project.resolve("work/actions.yaml")));
        assertEquals("2028-05-01", actions.get(ONE).get("end_of_life"), "a string, not a date");
    }

    @Test
    void aCurrentLocalImageMeansNothingToDoForLocal() throws IOException {
        assertEquals(Cli.OK, run("state", "--only", "3.24", "x86_64", "uefi", "tiny", "aws"), err);
        JsonNode one = actionsYaml().get(ONE);
        Path dir = project.resolve("work/images/aws").resolve(one.get("build_name").asText());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("image.qcow2"), "image");
        LocalImages.write(dir, new LocalImages.Record(ONE, one.get("build_name").asText(),
                one.get("image_name").asText(), 0, "qcow2", "image.qcow2", 5, "x",
                one.get("input_hash").asText(), "2026-11-18T00:00:00Z"));

        assertEquals(Cli.OK, run("local", "--only", "3.24", "x86_64", "uefi", "tiny", "aws"), err);
        assertTrue(err.contains("Nothing to do"), err);
        assertEquals("[]", actionsYaml().get(ONE).get("actions").toString());

        // a changed source script is installed again and makes it stale: the plan says which input changed
        Files.writeString(project.resolve("scripts/setup-tiny"), "\n# changed\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertEquals(Cli.OK, run("state", "--only", "3.24", "x86_64", "uefi", "tiny", "aws"), err);
        assertTrue(err.contains("Re-installing work/scripts from scripts: changed since it was made: setup-tiny"), err);
        assertEquals("stale", actionsYaml().get(ONE).get("local").asText());
        assertTrue(out.contains("local image is stale"), out);
        assertTrue(actionsYaml().get(ONE).get("why").toString().contains("image.yaml records no per-input hashes"),
                actionsYaml().get(ONE).get("why").toString());
    }

    /** The first hour: no credentials on this machine, but the records beside the image say where it is. */
    @Test
    void withoutCredentialsStateShowsWhereTheRecordsSayAndAPublishDoneIsNothingToDo() throws IOException {
        String[] only = {"--only", "3.24", "x86_64", "uefi", "tiny", "aws"};
        assertEquals(Cli.OK, run(with("state", only)), err);
        JsonNode one = actionsYaml().get(ONE);
        String build = one.get("build_name").asText();
        Path dir = project.resolve("work/images/aws").resolve(build);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("image.qcow2"), "image");
        LocalImages.write(dir, new LocalImages.Record(ONE, build, one.get("image_name").asText(), 0, "qcow2",
                "image.qcow2", 5, dev.cloudimages.support.Digests.sha256(dir.resolve("image.qcow2")),
                one.get("input_hash").asText(), "2026-11-18T00:00:00Z"));
        ShipRecords.writeImported(dir, ONE, "aws", new ShipRecords.Imported(one.get("image_name").asText(), 0,
                "us-east-1", "ami-0home", Map.of()));
        // as the publish recorded it: for the variant's settings as configs.yaml resolves them
        Map<String, Object> config = ConfigsYaml.mapper().convertValue(ConfigsYaml.mapper()
                .readTree(project.resolve("work/configs.yaml").toFile()).get(ONE), Map.class);
        String intent = PublishIntent.of(new ResolvedVariant(ONE, Map.of(), config), one.get("end_of_life").asText());
        ShipRecords.appendPublish(dir, ONE, "aws", new ShipRecords.Publish(one.get("image_name").asText(), 0,
                "2026-11-18T00:00:00Z", "us-east-1", "ami-0home", intent, List.of(
                new ShipRecords.RegionPublish("eu-west-1", "ami-0copy", "copied", false),
                new ShipRecords.RegionPublish("us-east-1", "ami-0home", "published", false)), List.of()));

        assertEquals(Cli.OK, run(with("state", only)), err);
        JsonNode plan = actionsYaml().get(ONE);
        assertEquals("[]", plan.get("actions").toString(), plan.toString());
        assertEquals("work/images/aws/" + build + "/image.qcow2", plan.get("local_file").asText());
        assertEquals("ami-0copy", plan.get("regions").get("eu-west-1").get("image_id").asText());
        assertEquals("published.yaml", plan.get("regions").get("us-east-1").get("source").asText());
        assertTrue(plan.get("why").asText().contains("remote state from the records (cloud not asked): imported as"
                + " ami-0home in us-east-1 (imported.yaml); published to 2 region(s) as configured"), plan.toString());
        assertTrue(out.contains("\n  local work/images/aws/" + build + "/image.qcow2; aws: eu-west-1 ami-0copy"
                + " published, us-east-1 ami-0home published (published.yaml)\n"), out);
        assertTrue(err.contains("Nothing to do"), err);

        assertEquals(Cli.OK, run(with("publish", only)), err);
        assertTrue(err.contains("Nothing to do: every selected variant is up to date for 'publish'"), err);
        assertFalse(Files.exists(project.resolve("work/manifest.json")), "a run that did nothing adds nothing");

        // another regions setting: the publish is planned again (and needs the cloud)
        Files.writeString(project.resolve("configs/cloud/aws.conf"), "\nregions.eu-west-3 = true\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertOneLineError(run(with("publish", only)), "cannot publish 1 variant(s): aws: no region");
    }

    private static String[] with(String step, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = step;
        System.arraycopy(args, 0, all, 1, args.length);
        return all;
    }

    @Test
    void aStaleImageNamesTheInputsThatChanged() throws IOException {
        String[] only = {"--only", "3.24", "x86_64", "uefi", "tiny", "aws"};
        cli.env().put("ALPINE_MIRROR", "http://127.0.0.1:9/alpine");
        assertEquals(Cli.OK, run("state", only[0], only[1], only[2], only[3], only[4], only[5]), err);
        JsonNode one = actionsYaml().get(ONE);
        Path dir = project.resolve("work/images/aws").resolve(one.get("build_name").asText());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("image.qcow2"), "image");
        // as the local step records it: the parts of the hash the plan made (this process made it)
        LocalImages.write(dir, LocalImages.Record.built(ONE, one.get("build_name").asText(),
                one.get("image_name").asText(), 0, "qcow2", "image.qcow2", 5,
                dev.cloudimages.support.Digests.sha256(dir.resolve("image.qcow2")), one.get("input_hash").asText(),
                "2026-11-18T00:00:00Z", "http://127.0.0.1:9/alpine"));
        String yaml = Files.readString(dir.resolve(LocalImages.RECORD));
        assertTrue(yaml.contains("mirror: http://127.0.0.1:9/alpine") && yaml.contains("script setup-tiny:"), yaml);

        cli.env().remove("ALPINE_MIRROR"); // the first hour: a new shell without the export
        Files.writeString(project.resolve("configs/alpine.conf"), "\nDefault.motd.extra = \"hello\"\n",
                java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(project.resolve("scripts/setup-tiny"), "\n# changed\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertEquals(Cli.OK, run("state", only[0], only[1], only[2], only[3], only[4], only[5]), err);
        String why = actionsYaml().get(ONE).get("why").toString();
        assertTrue(why.contains("local image is stale: changed since it was built: the mirror (built from"
                + " http://127.0.0.1:9/alpine, which its repos name; ALPINE_MIRROR=http://127.0.0.1:9/alpine uses this"
                + " image); config key motd; script setup-tiny"), why);
    }

    @Test
    void aDamagedActionsYamlIsRegenerated() throws IOException {
        assertEquals(Cli.OK, run("state", "--only", "aws"), err);
        Files.writeString(project.resolve("work/actions.yaml"), "\"3.24: [unclosed\n");
        Files.writeString(project.resolve("work/configs.yaml"), "{{{");
        assertEquals(Cli.OK, run("state", "--only", "aws"), err);
        assertTrue(err.contains("actions.yaml was not valid YAML (damaged or hand-edited); regenerating it"), err);
        assertTrue(err.contains("configs.yaml was not valid YAML"), err);
        assertEquals(24, actionsYaml().size());
    }

    @Test
    void reviseWithNothingToReviseSaysSo() {
        assertEquals(Cli.OK, run("state", "--revise", "--only", "aws"), err);
        assertTrue(err.contains("--revise: nothing to revise"), err);
    }

    @Test
    void importAndPublishFailClearlyWithoutACloudAdapter() {
        // 3.24's 30 variants: the 18 of aws, oci and gcp need an adapter; nocloud and generic have no import
        assertOneLineError(run("import", "--only", "3.24"), "cannot import 18 variant(s)",
                "aws: no region for profile 'default'", "gcp:", "oci:", "--skip aws gcp oci");
        assertOneLineError(run("publish", "--only", "oci"), "cannot publish 24 variant(s)", "oci:");
    }

    @Test
    void aSecondBuildOnTheSameWorkDirectoryStopsAtOnce() throws Exception {
        Process holder = LockHolder.start(project.resolve("work"));
        try {
            assertOneLineError(run("state"), "another build is using", "process id " + holder.pid());
        } finally {
            holder.destroyForcibly().waitFor();
        }
        assertEquals(Cli.OK, run("state", "--only", "aws"), err);
        assertTrue(err.contains("Taking over a stale lock"), err);
    }
}
