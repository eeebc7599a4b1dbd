package dev.cloudimages.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.testing.CliRun;
import dev.cloudimages.testing.Fixtures;
import dev.cloudimages.testing.FixtureServer;
import dev.cloudimages.testing.ProjectCopy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI in-process: exit codes, one-line errors, options, and configs on the shipped files. */
class CliTest {

    private static FixtureServer server;

    @TempDir
    Path project;
    private final Map<String, String> env = new HashMap<>();
    private String err;
    private String out;

    @BeforeAll
    static void startServer() throws IOException {
        server = new FixtureServer()
                .serve("/releases.json", Fixtures.releasesJson())
                .serve("/garbage.json", "<html>not json</html>")
                .serve("/no-322.json", "{\"release_branches\": [{\"rel_branch\": \"edge\"}]}");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void setUp() {
        ProjectCopy.into(project);
        env.put("ALPINE_RELEASES_URL", server.url("/releases.json"));
    }

    private int run(boolean terminal, String... args) {
        CliRun run = CliRun.run(env, project, terminal, args);
        out = run.out();
        err = run.err();
        return run.code();
    }

    private int run(String... args) {
        return run(false, args);
    }

    private JsonNode configsYaml() throws IOException {
        return ConfigsYaml.mapper().readTree(project.resolve("work/configs.yaml").toFile());
    }

    private void assertFailure(int code, String... expected) {
        CliRun.assertOneLineError(code, err, expected);
    }

    private Path badTop(String content) {
        return ProjectCopy.overlayWithTopConfig(project, "bad", content);
    }

    // --- the configs step on the shipped configs ---

    @Test
    void configsResolvesTheShippedConfigs() throws IOException {
        env.put("SOURCE_DATE_EPOCH", "1795000000"); // 2026-11-18
        assertEquals(Cli.OK, run("configs"), err);
        JsonNode yaml = configsYaml();
        // 4 versions x (x86_64 bios, x86_64 uefi, aarch64 uefi) x (vm: 2 bootstraps x aws, oci, gcp,
        // nocloud + cloudinit generic; metal: cloudinit generic)
        assertEquals(120, yaml.size());
        assertTrue(err.contains("Resolved 120 image variant(s) into work/configs.yaml (200 excluded, 0 past end of life)"), err);
        assertTrue(err.contains("version:   3.22=30 3.23=30 3.24=30 edge=30"), err);
        assertTrue(err.contains("machine:   vm=108 metal=12"), err);
        assertTrue(err.contains("cloud:     aws=24 oci=24 gcp=24 nocloud=24 generic=24"), err);
        assertTrue(err.matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ INFO .*"), "UTC timestamps: " + err);

        JsonNode aws = yaml.get("3.23-aarch64-uefi-cloudinit-vm-aws");
        assertEquals("alpine-3.23.10-aarch64-uefi-cloudinit-r{revision}", aws.get("name").asText());
        assertEquals("2027-11-01", aws.get("end_of_life").asText());
        assertEquals("work/firmware/uefi-aarch64.bin", aws.at("/qemu/firmware").asText());
        assertEquals("Ec2", aws.get("cloudinit_datasource").asText());
        assertTrue(aws.at("/packages/noscripts").asText().contains("grub-efi"));
        assertEquals("https://dl-cdn.alpinelinux.org/alpine/v3.23/main\nhttps://dl-cdn.alpinelinux.org/alpine/v3.23/community",
                aws.get("repos").asText());
        JsonNode edge = yaml.get("edge-x86_64-bios-tiny-vm-gcp");
        assertEquals("alpine-20261118-x86_64-bios-tiny-r{revision}", edge.get("name").asText());
        assertTrue(edge.get("repos").asText().endsWith("/edge/testing"));
        assertTrue(edge.get("kernel_modules").asText().contains("gve"));
        assertFalse(edge.at("/access/PUBLIC").asBoolean(true), "edge ships private: " + edge.get("access"));
        JsonNode edgeAws = yaml.get("edge-x86_64-bios-tiny-vm-aws");
        assertEquals("{\"ALL\":false,\"us-east-1\":true,\"us-west-2\":true}", edgeAws.get("regions").toString());
        assertTrue(aws.at("/access/PUBLIC").asBoolean(false), "releases ship public");
        assertTrue(aws.at("/regions/ALL").asBoolean(false));
        assertFalse(yaml.has("3.22-aarch64-bios-tiny-vm-aws"), "aarch64 excludes bios");
        List<String> keys = List.copyOf(iterable(yaml.fieldNames()));
        assertEquals("3.22-x86_64-bios-tiny-vm-aws", keys.get(0));
        assertEquals("edge-aarch64-uefi-cloudinit-metal-generic", keys.get(keys.size() - 1));

        // one image for any cloud: cloud-init only, no datasource named, the clouds' NICs, a screen
        JsonNode generic = yaml.get("3.24-x86_64-uefi-cloudinit-vm-generic");
        assertEquals("alpine-3.24.1-x86_64-uefi-cloudinit-r{revision}", generic.get("name").asText());
        assertFalse(generic.has("cloudinit_datasource"), generic.toString());
        assertTrue(generic.get("kernel_modules").asText().contains("ena,gve"), generic.toString());
        assertEquals("console=ttyS0,115200n8 console=tty0 autodetect_serial=setconsole=[Aa]mazon,Microsoft,Google,Oracle",
                generic.get("kernel_options").asText());
        assertFalse(yaml.has("3.24-x86_64-uefi-tiny-vm-generic"), "tiny-cloud is made for one cloud");
        JsonNode nocloud = yaml.get("3.24-x86_64-bios-tiny-vm-nocloud");
        assertTrue(nocloud.at("/packages/add").asText().endsWith("tiny-cloud-nocloud"), nocloud.toString());
        assertEquals("qcow2", nocloud.get("image_format").asText());
        // metal: the LTS kernel and NIC firmware instead of linux-virt, a name of its own, generic only
        JsonNode metal = yaml.get("3.24-aarch64-uefi-cloudinit-metal-generic");
        assertEquals("alpine-3.24.1-aarch64-uefi-cloudinit-metal-r{revision}", metal.get("name").asText());
        assertEquals("Alpine Linux 3.24.1 Bare Metal (aarch64, uefi, cloudinit) for Generic",
                metal.get("description").asText());
        String packages = metal.at("/packages/add").asText();
        assertTrue(packages.contains("linux-lts") && packages.contains("linux-firmware-bnx2x")
                && !packages.contains("linux-virt"), packages);
        assertFalse(yaml.has("3.24-x86_64-uefi-cloudinit-metal-aws"), "metal is built as a generic image only");
        assertFalse(yaml.has("3.24-x86_64-uefi-tiny-metal-nocloud"));
    }

    private static <T> List<T> iterable(java.util.Iterator<T> iterator) {
        List<T> list = new java.util.ArrayList<>();
        iterator.forEachRemaining(list::add);
        return list;
    }

    /**
     * A user's own top-level config written before the machine dimension and the generic and
     * nocloud clouds (the shipped one as it was) resolves as it did, from the shipped dimension
     * files, without a warning: those files name no key of the new dimensions.
     */
    @Test
    void aConfigWithoutTheMachineDimensionResolvesAsBefore() throws IOException {
        env.put("SOURCE_DATE_EPOCH", "1795000000");
        String old = """
                project = "mine"
                Default {
                  project = ${project}
                  name = [ alpine ]
                  description = [ Alpine Linux ]
                  scripts = [ setup ]
                  script_dirs = [ setup.d ]
                  login = alpine
                }
                Dimensions {
                  version {
                    "3.24" { include required("version/3.24.conf") }
                  }
                  arch {
                    x86_64  { include required("arch/x86_64.conf") }
                    aarch64 { include required("arch/aarch64.conf") }
                  }
                  firmware {
                    bios { include required("firmware/bios.conf") }
                    uefi { include required("firmware/uefi.conf") }
                  }
                  bootstrap {
                    tiny      { include required("bootstrap/tiny.conf") }
                    cloudinit { include required("bootstrap/cloudinit.conf") }
                  }
                  cloud {
                    aws { include required("cloud/aws.conf") }
                    oci { include required("cloud/oci.conf") }
                    gcp { include required("cloud/gcp.conf") }
                  }
                }
                Mandatory {
                  name = [ "r{revision}" ]
                  description = [ "({arch}, {firmware}, {bootstrap}) for {cloud_name}" ]
                  scripts = [ cleanup ]
                }
                """;
        assertEquals(Cli.OK, run("configs", "--custom", badTop(old).toString()), err);
        JsonNode yaml = configsYaml();
        assertEquals(18, yaml.size(), "3 arch/firmware x 2 bootstraps x 3 clouds");
        JsonNode aws = yaml.get("3.24-x86_64-uefi-tiny-aws");
        assertEquals("mine", aws.get("project").asText());
        assertTrue(aws.at("/packages/add").asText().contains("linux-virt"), aws.toString());
        assertFalse(err.contains("WARN"), err);
    }

    @Test
    void exampleOverlayRepointsTheTopLevelConfig() throws IOException {
        assertEquals(Cli.OK, run("configs"), err);
        assertEquals(Cli.OK, run("configs", "--clean", "--custom", "overlays/example"), err);
        JsonNode yaml = configsYaml();
        assertEquals(24, yaml.size(), "2 versions x (x86_64 bios, x86_64 uefi, aarch64 uefi) x 2 bootstraps x aws x 2 flavors");
        JsonNode docker = yaml.get("edge-x86_64-uefi-cloudinit-vm-aws-docker");
        assertEquals("example-20261123".substring(0, 8), docker.get("name").asText().substring(0, 8));
        assertEquals("example-corp-alpine", docker.get("project").asText());
        assertEquals("2G", docker.get("size").asText());
        assertTrue(docker.at("/packages/add").asText().endsWith("docker docker-openrc docker-cli-compose docker-cli-buildx"),
                docker.at("/packages/add").asText());
        assertFalse(yaml.get("3.24-x86_64-uefi-cloudinit-vm-aws-docker").at("/packages/add").asText().contains("buildx"));
        assertTrue(Files.isSymbolicLink(project.resolve("work/configs/images.conf")));
    }

    @Test
    void sourceDateEpochMustBeANumber() {
        env.put("SOURCE_DATE_EPOCH", "yesterday");
        assertFailure(run("configs"), "SOURCE_DATE_EPOCH must be a whole number", "'yesterday'");
    }

    @Test
    void debugShowsTheStackTraceAndOptionsWithoutDuplicates() {
        env.put("SOURCE_DATE_EPOCH", "yesterday");
        assertEquals(Cli.FAILED, run("--debug", "configs", "--only", "aws", "aws", "x86_64", "--skip", "gcp", "gcp"));
        assertTrue(err.contains("\tat "), err);
        assertTrue(err.contains("only=[aws, x86_64]") && err.contains("skip=[gcp]"), err);
    }

    @Test
    void colourOnlyOnATerminalAndNeverWithNoColor() {
        assertEquals(Cli.OK, run(true, "configs"));
        assertTrue(err.contains("\u001b["), err);
        assertEquals(Cli.OK, run(true, "configs", "--no-color"));
        assertFalse(err.contains("\u001b["), err);
        assertEquals(Cli.OK, run(false, "configs"));
        assertFalse(err.contains("\u001b["), err);
    }

    @Test
    void onlyAndSkipAreCountedInTheSummary() {
        assertEquals(Cli.OK, run("configs", "--only", "aws", "uefi", "--skip", "edge"));
        assertTrue(err.contains("12 variant(s) match --only [aws, uefi] --skip [edge]"), err);
    }

    // --- usage errors exit 2 ---

    @Test
    void usageErrors() {
        assertEquals(Cli.USAGE, run());
        assertTrue(err.contains("missing STEP: one of configs, state, rollback, local, upload, import, sign, publish"), err);
        assertEquals(Cli.USAGE, run("bake"));
        assertEquals(Cli.USAGE, run("configs", "--custom", "no/such/dir"));
        assertTrue(err.contains("--custom value is not a directory: no/such/dir"), err);
        assertEquals(Cli.USAGE, run("configs", "--vars", "missing.vars"));
        assertTrue(err.contains("--vars value is not a file: missing.vars"), err);
        assertEquals(Cli.USAGE, run("configs", "--parallel", "0"));
        assertEquals(Cli.USAGE, run("configs", "--parallel", "many"));
        assertFalse(Files.exists(project.resolve("work")), "usage errors change nothing");
    }

    @Test
    void optionsWorkBeforeAndAfterTheStep() {
        assertEquals(Cli.OK, run("--only", "aws", "configs"));
        assertEquals(Cli.OK, run("configs", "--only", "aws"));
        assertEquals(Cli.OK, run("--version"));
        assertTrue(out.startsWith("build "), out);
        assertEquals(Cli.OK, run("--help"));
        assertTrue(out.contains("--custom=DIR...") && out.contains("Steps:"), out);
    }

    // --- help, version, completion ---

    @Test
    void everyStepHasItsOwnHelpWithTheExitCodes() {
        for (String[] args : List.of(new String[]{"local", "--help"}, new String[]{"help", "local"},
                new String[]{"--only", "aws", "local", "-h"})) {
            assertEquals(Cli.OK, run(args), String.join(" ", args) + ": " + err);
            assertTrue(out.contains("Usage: build local"), out);
            assertTrue(out.contains("build local images"), out);
            assertTrue(out.contains("--clean") && out.contains("Built images (work/images) are kept"), out);
            assertTrue(out.contains("--clean-images") && out.contains("--revise"), out);
            assertTrue(out.contains("Exit status:") && out.contains("75") && out.contains("lease"), out);
        }
        assertEquals(Cli.OK, run("--help"));
        assertTrue(out.contains("Exit status:") && out.contains("build help STEP"), out);
        assertFalse(Files.exists(project.resolve("work")), "help touches nothing");
    }

    @Test
    void versionNamesTheCommitTheJdkAndTheSdks() {
        for (String[] args : List.of(new String[]{"--version"}, new String[]{"state", "--version"})) {
            assertEquals(Cli.OK, run(args), err);
            assertTrue(out.matches("(?s)build \\S+ \\(commit \\S+\\)\nJDK 17.*"), out);
            assertTrue(out.contains("AWS SDK for Java 2.") && out.contains("OCI SDK for Java 3.")
                    && out.contains("Google Cloud Compute") && out.contains("Quarkus 3."), out);
        }
    }

    @Test
    void completionIsGeneratedFromTheCommandLine() {
        assertEquals(Cli.OK, run("completion"));
        assertTrue(out.contains("complete -F") && out.contains("build"), out.substring(0, Math.min(300, out.length())));
        for (String word : List.of("configs", "local", "publish", "--only", "--clean-images", "--parallel")) {
            assertTrue(out.contains(word), word);
        }
    }

    // --- where the user stands ---

    @Test
    void fromASubdirectoryTheProjectIsFoundAndPathsAreShownFromThere() throws IOException {
        Path sub = Files.createDirectories(project.resolve("docs/notes"));
        Path overlay = ProjectCopy.overlayWithTopConfig(project, "mine", "include required(\"alpine.conf\")\n");
        CliRun run = CliRun.run(env, sub, false, "configs", "--custom", "../../custom/mine");
        assertEquals(Cli.OK, run.code(), run.err());
        assertTrue(Files.isRegularFile(project.resolve("work/configs.yaml")));
        assertFalse(Files.exists(sub.resolve("work")), "no work/ where the user stands");
        assertTrue(run.err().contains("into ../../work/configs.yaml"), run.err());
        assertTrue(run.err().contains("Reading ../../work/configs/mine.conf"), run.err());
        assertTrue(Files.isRegularFile(overlay.resolve("configs/mine.conf")));
        // inside work/ itself: still the project, not the copy of configs/ that work/ holds
        run = CliRun.run(env, project.resolve("work/configs"), false, "configs");
        assertEquals(Cli.OK, run.code(), run.err());
        assertFalse(Files.exists(project.resolve("work/work")));
    }

    @Test
    void outsideAnyProjectItSaysSoAndCreatesNothing(@TempDir Path elsewhere) {
        CliRun run = CliRun.run(env, elsewhere, false, "configs");
        assertEquals(Cli.USAGE, run.code());
        assertTrue(run.err().contains("no project at or above " + elsewhere + " (a directory holding"
                + " configs/images.conf); cd into one or pass -C DIR"), run.err());
        assertFalse(Files.exists(elsewhere.resolve("work")));
        run = CliRun.run(env, elsewhere, false, "-C", project.toString(), "configs");
        assertEquals(Cli.OK, run.code(), run.err());
        assertTrue(run.err().contains("into " + project.resolve("work/configs.yaml")), "absolute from outside: "
                + run.err());
        run = CliRun.run(env, elsewhere, false, "configs", "-C", elsewhere.toString());
        assertEquals(Cli.USAGE, run.code());
        assertTrue(run.err().contains("no configs/images.conf there"), run.err());
    }

    @Test
    void cleanImagesIsNeverPartOfState() {
        assertEquals(Cli.USAGE, run("state", "--clean-images"));
        assertTrue(err.contains("--clean-images deletes images; state changes nothing"), err);
    }

    // --- bad input: one line, non-zero exit, no stack trace ---

    @Test
    void hoconSyntaxError() {
        assertFailure(run("configs", "--custom", badTop("Default {\n  name = [ a\n}\n").toString()),
                "HOCON syntax error in work/configs/bad.conf: 3");
    }

    @Test
    void anUnquotedValueWithAColonSaysWhichValueToQuoteAndHow() {
        assertFailure(run("configs", "--custom", badTop("include required(\"alpine.conf\")\n"
                        + "Mandatory {\n  description = [ - https://alpinelinux.org/cloud ]\n}\n").toString()),
                "HOCON syntax error in work/configs/bad.conf:3: quote the value - https://alpinelinux.org/cloud",
                "write description = [ \"- https://alpinelinux.org/cloud\" ]");
    }

    @Test
    void missingRequiredInclude() {
        assertFailure(run("configs", "--custom", badTop("include required(\"nothing-here.conf\")\n").toString()),
                "work/configs/bad.conf:1: include required(\"nothing-here.conf\") names a file that does not exist");
    }

    @Test
    void dimensionWithoutKeys() {
        assertFailure(run("configs", "--custom", badTop("include required(\"alpine.conf\")\nDimensions.cloud = {}\n"
                + "Dimensions.cloud { aws = null, oci = null, gcp = null, nocloud = null, generic = null }\n").toString()), "dimension 'cloud' has no keys");
    }

    @Test
    void unknownOnlyOrSkipKeyListsTheValidOnes() {
        assertFailure(run("configs", "--only", "azure"), "--only azure matches no dimension key; valid keys: 3.22 3.23 3.24 edge x86_64");
        assertFailure(run("configs", "--skip", "aws", "arm64"), "--skip arm64 matches no dimension key");
    }

    @Test
    void excludeAndWhenOfTheWrongType() {
        assertFailure(run("configs", "--clean", "--custom", badTop("include required(\"alpine.conf\")\n"
                + "Dimensions.arch.aarch64.EXCLUDE = bios\n").toString()), "work/configs/bad.conf:2", "EXCLUDE must be a list");
        Path other = ProjectCopy.overlayWithTopConfig(project, "when", "include required(\"alpine.conf\")\n"
                + "Dimensions.cloud.aws.WHEN = \"aarch64\"\n");
        assertFailure(run("configs", "--clean", "--custom", other.toString()), "work/configs/when.conf:2", "WHEN must be a block");
    }

    @Test
    void overlayCollisionLeavesWorkUntouched() throws IOException {
        Path clash = project.resolve("custom/clash");
        Fixtures.write(clash, "configs/cloud/aws.conf", "x = 1\n");
        assertFailure(run("configs", "--custom", clash.toString()), "overlay collision: configs/cloud/aws.conf",
                "configs/cloud/aws.conf");
        try (var entries = Files.list(project.resolve("work"))) {
            // only the (released) lock of the run itself
            assertEquals(List.of(".lock"), entries.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void unreachableReleaseMetadata() {
        env.put("ALPINE_RELEASES_URL", "http://127.0.0.1:9/releases.json");
        assertFailure(run("configs"), "cannot fetch Alpine release metadata from http://127.0.0.1:9/releases.json"
                        + " (connection refused or host unreachable)",
                "ALPINE_RELEASES_URL=file:///");
        env.put("ALPINE_RELEASES_URL", server.url("/missing.json"));
        assertFailure(run("configs"), "(HTTP 404)");
    }

    @Test
    void aFetchedCopyIsCachedAndOfferedForOfflineUse() {
        assertEquals(Cli.OK, run("configs"));
        assertTrue(Files.isRegularFile(project.resolve("work/cache/releases.json")));
        env.put("ALPINE_RELEASES_URL", "http://127.0.0.1:9/releases.json");
        assertFailure(run("configs"), "copy the one fetched earlier out of work/ (cp "
                + project.resolve("work/cache/releases.json") + " DIR/) and set ALPINE_RELEASES_URL=file:///DIR/releases.json");
        env.put("ALPINE_RELEASES_URL", project.resolve("work/cache/releases.json").toUri().toString());
        assertEquals(Cli.OK, run("configs"), err);
    }

    @Test
    void malformedReleaseMetadata() {
        env.put("ALPINE_RELEASES_URL", server.url("/garbage.json"));
        assertFailure(run("configs"), "malformed Alpine release metadata from " + server.url("/garbage.json"));
    }

    @Test
    void versionKeyWithNoRelease() {
        env.put("ALPINE_RELEASES_URL", server.url("/no-322.json"));
        assertFailure(run("configs"), "version \"3.22\" has no release in " + server.url("/no-322.json"));
        assertFalse(Files.exists(project.resolve("work/configs.yaml")), "nothing half-written");
    }

    @Test
    void mirrorAndReleasesUrlComeFromTheEnvironmentOrTheConfig() throws IOException {
        env.remove("ALPINE_RELEASES_URL");
        env.put("ALPINE_MIRROR", "http://127.0.0.1:1/alpine/");
        Path top = badTop("include required(\"alpine.conf\")\nreleases_url = \"" + server.url("/releases.json") + "\"\n");
        assertEquals(Cli.OK, run("configs", "--custom", top.toString()), err);
        assertTrue(configsYaml().get("3.24-x86_64-bios-tiny-vm-aws").get("repos").asText()
                .startsWith("http://127.0.0.1:1/alpine/v3.24/main"));
        env.put("ALPINE_RELEASES_URL", "file:releases.json");
        assertFailure(run("configs"), "ALPINE_RELEASES_URL / releases_url must be an http://, https:// or file:///absolute/path URL");
        env.put("ALPINE_RELEASES_URL", server.url("/releases.json"));
        env.put("ALPINE_MIRROR", "ftp://nope");
        assertFailure(run("configs"), "ALPINE_MIRROR / mirror must be an http://, https:// or file:///absolute/path URL");
    }
}
