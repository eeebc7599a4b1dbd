package dev.cloudimages.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.testing.FixtureServer;
import dev.cloudimages.testing.Fixtures;
import dev.cloudimages.testing.ProjectCopy;
import dev.cloudimages.testing.TestBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A project for killing the packaged CLI in the middle of an import: the test overlay, and a local
 * image planted where the local step would have written it (its record carries the input hash the
 * plan computes, read from {@code state}'s actions.yaml), so no VM has to run. The CLI is started
 * with a cloud's environment, killed outright (SIGKILL: no shutdown hook, no rollback) and run again.
 */
final class KilledImport implements AutoCloseable {

    static final List<String> SELECT = List.of("--custom", "overlay", "--only", "x86_64", "bios");

    private final Path project;
    private final Map<String, String> cloudEnv;
    private final String cloud;
    private final FixtureServer server;

    KilledImport(Path project, String cloud, Map<String, String> cloudEnv) throws IOException, InterruptedException {
        this.project = project;
        this.cloud = cloud;
        this.cloudEnv = cloudEnv;
        ProjectCopy.into(project);
        TestBuilder.overlay(project.resolve("overlay"), "Default { poll_interval = 50ms }");
        server = new FixtureServer().serve("/releases.json", Fixtures.releasesJson());
    }

    /** The variant's plan (build_name, image_name, input_hash, ...) as `state` writes it. */
    JsonNode plan() throws IOException, InterruptedException {
        Process state = start("state");
        if (!state.waitFor(3, TimeUnit.MINUTES) || state.exitValue() != 0) {
            throw new AssertionError("state failed: " + output("state"));
        }
        JsonNode actions = ConfigsYaml.mapper().readTree(project.resolve("work/actions.yaml").toFile());
        String key = actions.fieldNames().next();
        return ((com.fasterxml.jackson.databind.node.ObjectNode) actions.get(key).deepCopy()).put("variant", key);
    }

    /** Puts {@code image} where the local step keeps the variant's image, with a record the plan trusts. */
    void plant(JsonNode plan, Path image, String format) throws Exception {
        Path dir = Files.createDirectories(project.resolve("work/images").resolve(cloud)
                .resolve(plan.path("build_name").asText()));
        String file = "image." + format;
        Files.copy(image, dir.resolve(file));
        byte[] bytes = Files.readAllBytes(image);
        String record = "variant: " + plan.path("variant").asText() + "\nbuild_name: " + plan.path("build_name").asText()
                + "\nimage_name: " + plan.path("image_name").asText() + "\nrevision: " + plan.path("revision").asInt()
                + "\nformat: " + format + "\nfile: " + file + "\nsize: " + bytes.length + "\nsha256: "
                + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
                + "\ninput_hash: " + plan.path("input_hash").asText() + "\nbuilt: 2026-11-18T00:00:00Z\n";
        Files.writeString(dir.resolve("image.yaml"), record);
    }

    /** Starts `./build STEP --custom overlay --only x86_64 bios CLOUD`, its output in STEP.log (appended). */
    Process start(String step) throws IOException {
        List<String> command = new ArrayList<>(ConfigsIT.launcher());
        command.add(step);
        command.addAll(SELECT);
        command.add(cloud);
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(project.resolve(step + ".log").toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("GOOGLE_") || k.startsWith("CLOUDSDK_") || k.startsWith("OCI_"));
        env.putAll(cloudEnv);
        env.put("HOME", project.toString());
        env.put("ALPINE_RELEASES_URL", server.url("/releases.json"));
        env.put("ALPINE_MIRROR", server.url("/mirror"));
        env.put("SOURCE_DATE_EPOCH", "1795000000");
        return builder.start();
    }

    /** SIGKILL: the JVM runs no shutdown hook, so nothing is rolled back. */
    static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the CLI did not die");
        }
    }

    Path journal(JsonNode plan) {
        return project.resolve("work/pending").resolve(cloud).resolve(plan.path("build_name").asText() + ".yaml");
    }

    String output(String step) throws IOException {
        Path log = project.resolve(step + ".log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() {
        server.close();
    }
}
