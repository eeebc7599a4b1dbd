package dev.cloudimages.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.testing.CliProject;
import dev.cloudimages.testing.CliRun;
import dev.cloudimages.testing.ReleasesServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --variant, --shard and --output on the shipped configs (72 variants), with no cloud to ask. */
class SelectionCliTest {

    @RegisterExtension
    static final ReleasesServer releases = new ReleasesServer();

    @TempDir
    Path project;
    private CliProject cli;

    @BeforeEach
    void setUp() {
        cli = CliProject.copy(project, releases).dated().withoutMachineCloudSettings();
    }

    private static List<String> keys(String json) throws IOException {
        List<String> keys = new ArrayList<>();
        new ObjectMapper().readTree(json).path("variants").forEach(v -> keys.add(v.path("key").asText()));
        return keys;
    }

    @Test
    void variantTakesExactKeysAndATypoIsOneLineNamingTheNearest() throws IOException {
        CliRun two = cli.run("state", "--variant", "3.24-x86_64-uefi-tiny-vm-aws", "3.23-aarch64-uefi-cloudinit-vm-gcp",
                "--output", "json");
        assertEquals(Cli.OK, two.code(), two.err());
        assertEquals(List.of("3.23-aarch64-uefi-cloudinit-vm-gcp", "3.24-x86_64-uefi-tiny-vm-aws"), keys(two.out()),
                "configs order");

        CliRun typo = cli.run("state", "--variant", "3.24-x86_64-uefi-tiny-vm-aw");
        CliRun.assertOneLineError(typo.code(), typo.err(), "--variant 3.24-x86_64-uefi-tiny-vm-aw is no variant",
                "nearest: 3.24-x86_64-uefi-tiny-vm-aws ");
        CliRun excluded = cli.run("state", "--variant", "3.24-aarch64-bios-tiny-vm-aws");
        CliRun.assertOneLineError(excluded.code(), excluded.err(), "is not built: it excludes bios");

        CliRun none = cli.run("state", "--variant", "3.24-x86_64-uefi-tiny-vm-aws", "--skip", "aws");
        CliRun.assertOneLineError(none.code(), none.err(),
                "--skip aws --variant 3.24-x86_64-uefi-tiny-vm-aws select none of the 120 variant(s)");
    }

    @Test
    void shardsPartitionTheSelectionAndAutoReadsGitlabsVariables() throws IOException {
        List<String> all = keys(cli.run("state", "--only", "3.24", "--output", "json").out());
        assertTrue(all.size() > 5, all.toString());
        Set<String> seen = new HashSet<>();
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            CliRun shard = cli.run("state", "--only", "3.24", "--shard", i + "/5", "--output", "json");
            assertEquals(Cli.OK, shard.code(), shard.err());
            List<String> part = keys(shard.out());
            sizes.add(part.size());
            part.forEach(k -> assertTrue(seen.add(k), k + " is in two shards"));
            assertEquals(i + "/5", new ObjectMapper().readTree(shard.out()).path("selection").path("shard").asText());
        }
        assertEquals(Set.copyOf(all), seen, "every selected variant in exactly one shard");
        assertEquals(all.size(), sizes.stream().mapToInt(Integer::intValue).sum());
        assertTrue(java.util.Collections.max(sizes) - java.util.Collections.min(sizes) <= 1,
                "round-robin: parts differ by one at most: " + sizes);

        cli.env().put("CI_NODE_INDEX", "2"); // GitLab counts from 1
        cli.env().put("CI_NODE_TOTAL", "5");
        assertEquals(keys(cli.run("state", "--only", "3.24", "--shard", "1/5", "--output", "json").out()),
                keys(cli.run("state", "--only", "3.24", "--shard", "auto", "--output", "json").out()));

        CliRun empty = cli.run("state", "--variant", "3.24-x86_64-uefi-tiny-vm-aws", "--shard", "1/2",
                "--output", "json");
        assertEquals(Cli.OK, empty.code(), "a shard with nothing in it is not a mistake: " + empty.err());
        assertEquals(List.of(), keys(empty.out()));
        assertTrue(empty.err().contains("Shard 1/2: 0 of the 1 selected variant(s)"), empty.err());
    }

    @Test
    void badShardsAreUsageErrors() {
        for (String bad : List.of("2/2", "1", "a/b", "-1/2")) {
            CliRun run = cli.run("state", "--shard", bad);
            assertEquals(Cli.USAGE, run.code(), bad + ": " + run.err());
            assertTrue(run.err().contains("--shard"), run.err());
        }
        CliRun auto = cli.run("state", "--shard", "auto");
        assertEquals(Cli.USAGE, auto.code());
        assertTrue(auto.err().contains("CI_NODE_INDEX and CI_NODE_TOTAL"), auto.err());
        CliRun output = cli.run("state", "--output", "xml");
        assertEquals(Cli.USAGE, output.code());
        assertTrue(output.err().contains("--output takes json or yaml, got 'xml'"), output.err());
    }

    @Test
    void outputPutsTheDocumentAloneOnStdoutAndTheTableOnStderr() throws IOException {
        CliRun yaml = cli.run("state", "--only", "3.24", "x86_64", "bios", "aws", "--output", "yaml");
        assertEquals(Cli.OK, yaml.code(), yaml.err());
        JsonNode document = ConfigsYaml.mapper().readTree(yaml.out());
        assertEquals("build/v1", document.path("schema").asText());
        assertEquals("state", document.path("step").asText());
        assertEquals("ok", document.path("result").asText());
        assertEquals(2, document.path("variants").size());
        JsonNode variant = document.path("variants").get(0);
        assertEquals("3.24-x86_64-bios-tiny-vm-aws", variant.path("key").asText());
        assertEquals("x86_64", variant.path("arch").asText());
        assertEquals("unknown", variant.path("remote").asText());
        assertEquals(List.of("build", "import", "publish"), List.of(variant.path("planned").get(0).asText(),
                variant.path("planned").get(1).asText(), variant.path("planned").get(2).asText()));
        assertFalse(yaml.out().contains("VARIANT "), "no table on stdout");
        assertTrue(yaml.err().contains("VARIANT "), "the table is on stderr: " + yaml.err());

        // a failed run still prints its document, with the error
        CliRun failed = cli.run("import", "--only", "3.24", "x86_64", "bios", "aws", "--output", "json");
        assertEquals(Cli.FAILED, failed.code());
        JsonNode failure = new ObjectMapper().readTree(failed.out());
        assertEquals("failed", failure.path("result").asText());
        assertEquals(1, failure.path("exit").asInt());
        assertTrue(failure.path("error").asText().contains("cannot import"), failure.toString());
    }
}
