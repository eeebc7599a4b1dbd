package dev.cloudimages.ci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudimages.testing.BuildLauncher;
import dev.cloudimages.testing.FixtureServer;
import dev.cloudimages.testing.OverlayRuns;
import dev.cloudimages.testing.StoreView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two machines (projects with their own work/) started at once on one store, with
 * {@code --shard 0/2} and {@code --shard 1/2}: between them every selected variant is built and
 * stored exactly once, and neither waits for or steps on the other.
 */
class ShardRunsTest {

    private static final List<String> VARIANTS = List.of("3.24-aarch64-uefi-aws", "3.24-x86_64-bios-aws",
            "3.24-x86_64-uefi-aws");

    @TempDir
    Path temp;

    @Test
    void twoShardsStartedAtOnceCoverEverySelectedVariantExactlyOnce() throws Exception {
        Path store = temp.resolve("store");
        try (FixtureServer server = OverlayRuns.mirror()) {
            List<Process> machines = new ArrayList<>();
            for (int shard = 0; shard < 2; shard++) {
                Path project = temp.resolve("machine-" + shard);
                Map<String, String> env = new HashMap<>();
                OverlayRuns.prepare(project, env, server);
                Files.writeString(project.resolve("overlay/configs/test.conf"),
                        "\nDefault { storage_url = \"file://" + store + "\" }\n", StandardOpenOption.APPEND);
                BuildLauncher.into(project);
                ProcessBuilder builder = new ProcessBuilder("./build", "upload", "--custom", "overlay", "--only", "aws",
                        "--vars", "tcg.conf", "--shard", shard + "/2", "--output", "json").directory(project.toFile())
                        .redirectOutput(project.resolve("out.json").toFile())
                        .redirectError(project.resolve("err.log").toFile());
                builder.environment().clear();
                builder.environment().putAll(env);
                machines.add(builder.start());
            }
            List<String> built = new ArrayList<>();
            for (int shard = 0; shard < 2; shard++) {
                Path project = temp.resolve("machine-" + shard);
                assertTrue(machines.get(shard).waitFor(20, TimeUnit.MINUTES), "machine " + shard + " finished");
                String err = Files.readString(project.resolve("err.log"), StandardCharsets.UTF_8);
                assertEquals(0, machines.get(shard).exitValue(), err);
                JsonNode document = new ObjectMapper().readTree(project.resolve("out.json").toFile());
                assertEquals(shard + "/2", document.path("selection").path("shard").asText());
                for (JsonNode variant : document.path("variants")) {
                    assertTrue(variant.path("done").has("build") && variant.path("done").has("upload"),
                            variant.toString());
                    built.add(variant.path("key").asText());
                }
            }
            assertEquals(VARIANTS, built.stream().sorted().toList(), "each variant by exactly one machine");
            List<String> images = StoreView.of(store).stream().filter(line -> line.endsWith(".qcow2")).toList();
            assertEquals(List.of("test-3.24.1-aarch64-uefi-r0.qcow2", "test-3.24.1-x86_64-bios-r0.qcow2",
                    "test-3.24.1-x86_64-uefi-r0.qcow2"), images);
            assertTrue(StoreView.of(store).stream().noneMatch(line -> line.contains(".lease") || line.contains(".part")),
                    StoreView.of(store).toString());
        }
    }
}
