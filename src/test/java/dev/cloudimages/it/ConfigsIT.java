package dev.cloudimages.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.testing.Fixtures;
import dev.cloudimages.testing.FixtureServer;
import dev.cloudimages.testing.ProjectCopy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: the packaged CLI (the JVM jar, or the native executable under -Pnative) run as a user
 * runs it, in a copy of the repository, with releases.json served from 127.0.0.1.
 */
class ConfigsIT {

    private static FixtureServer server;

    @TempDir
    Path project;

    record Result(int exitCode, String stdout, String stderr) {
    }

    @BeforeAll
    static void startServer() throws IOException {
        server = new FixtureServer().serve("/releases.json", Fixtures.releasesJson());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    static List<String> launcher() {
        String nativeImage = System.getProperty("native.image.path");
        if (nativeImage != null && !nativeImage.isBlank() && Files.isExecutable(Path.of(nativeImage))) {
            return List.of(nativeImage);
        }
        String jar = System.getProperty("build.launcher",
                Fixtures.projectRoot().resolve("target/quarkus-app/quarkus-run.jar").toString());
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar);
    }

    private Result run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile());
        builder.environment().remove("SOURCE_DATE_EPOCH");
        builder.environment().put("ALPINE_RELEASES_URL", server.url("/releases.json"));
        builder.environment().putAll(env);
        Path stdout = Files.createTempFile("build-it", ".out");
        Path stderr = Files.createTempFile("build-it", ".err");
        Process process = builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("build did not finish: " + command);
        }
        Result result = new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
        Files.delete(stdout);
        Files.delete(stderr);
        return result;
    }

    private Result build(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(launcher());
        command.addAll(List.of(args));
        return run(command, env);
    }

    @Test
    void configsOnTheShippedConfigs() throws Exception {
        ProjectCopy.into(project);
        Result result = build(Map.of("SOURCE_DATE_EPOCH", "1795000000"), "configs");
        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(result.stderr().contains("Resolved 120 image variant(s) into work/configs.yaml"), result.stderr());
        assertTrue(result.stderr().contains("cloud:     aws=24 oci=24 gcp=24 nocloud=24 generic=24"), result.stderr());
        assertFalse(result.stderr().contains("\u001b["), "no colour when not on a terminal");
        JsonNode yaml = ConfigsYaml.mapper().readTree(project.resolve("work/configs.yaml").toFile());
        assertEquals(120, yaml.size());
        JsonNode variant = yaml.get("3.24-x86_64-uefi-tiny-vm-oci");
        assertEquals("alpine-3.24.1-x86_64-uefi-tiny-r{revision}", variant.get("name").asText());
        assertEquals("Alpine Linux 3.24.1 (x86_64, uefi, tiny) for Oracle Cloud Infrastructure", variant.get("description").asText());
        assertTrue(variant.at("/packages/add").asText().endsWith("dosfstools dhcpcd tiny-cloud-oci"), variant.at("/packages/add").asText());
        assertEquals("20261118", yaml.get("edge-aarch64-uefi-tiny-vm-aws").get("release").asText());

        // a second run reuses work/ and writes the same file
        String first = Files.readString(project.resolve("work/configs.yaml"));
        Result again = build(Map.of("SOURCE_DATE_EPOCH", "1795000000"), "configs");
        assertEquals(0, again.exitCode(), again.stderr());
        assertTrue(again.stderr().contains("work/configs is up to date with configs"), again.stderr());
        assertEquals(first, Files.readString(project.resolve("work/configs.yaml")));
    }

    @Test
    void configsWithTheExampleOverlay() throws Exception {
        ProjectCopy.into(project);
        Result result = build(Map.of(), "configs", "--clean", "--custom", "overlays/example");
        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(result.stderr().contains("Reading work/configs/example.conf"), result.stderr());
        assertTrue(result.stderr().contains("flavor:    base=12 docker=12"), result.stderr());
        JsonNode yaml = ConfigsYaml.mapper().readTree(project.resolve("work/configs.yaml").toFile());
        assertEquals("example-corp-alpine", yaml.get("3.24-x86_64-bios-tiny-vm-aws-base").get("project").asText());
    }

    @Test
    void failuresAreOneLineWithExitCodes() throws Exception {
        ProjectCopy.into(project);
        Result usage = build(Map.of(), "configs", "--custom", "nowhere");
        assertEquals(2, usage.exitCode());
        assertTrue(usage.stderr().startsWith("build: --custom value is not a directory: nowhere"), usage.stderr());

        Result offline = build(Map.of("ALPINE_RELEASES_URL", "http://127.0.0.1:9/releases.json"), "configs");
        assertEquals(1, offline.exitCode());
        assertTrue(offline.stderr().contains("ERROR cannot fetch Alpine release metadata from http://127.0.0.1:9/releases.json"),
                offline.stderr());
        assertFalse(offline.stderr().contains("\tat "), offline.stderr());
        assertFalse(Files.exists(project.resolve("work/configs.yaml")));

        Result noMirror = build(Map.of("ALPINE_MIRROR", "http://127.0.0.1:9/alpine"), "local",
                "--only", "3.24", "x86_64", "bios", "tiny", "aws");
        assertEquals(1, noMirror.exitCode());
        assertTrue(noMirror.stderr().contains("cannot fetch the checksum http://127.0.0.1:9/alpine/v3.24/releases/x86_64/"
                + "alpine-virt-3.24.1-x86_64.iso.sha256"), noMirror.stderr());
        assertFalse(noMirror.stderr().contains("\tat "), noMirror.stderr());

        Result noOci = build(Map.of("OCI_CONFIG_FILE", "/nonexistent"), "import", "--only", "oci");
        assertEquals(1, noOci.exitCode());
        assertTrue(noOci.stderr().contains("ERROR cannot import 24 variant(s): oci: no config file /nonexistent"
                + " (profile 'DEFAULT'); run 'oci setup config'"), noOci.stderr());
    }

    /**
     * A cloud's SDK loads only when a step needs that cloud: configs, local and a plan of other
     * clouds load no AWS (OCI) class; a plan of aws (oci) variants does (so the check itself can fail).
     */
    @Test
    void theAwsSdkLoadsOnlyWhenAStepNeedsTheAwsCloud() throws Exception {
        List<String> launcher = launcher();
        org.junit.jupiter.api.Assumptions.assumeTrue(launcher.size() == 3, "class loading is a JVM matter");
        ProjectCopy.into(project);
        // credentials and a region, but every AWS endpoint is a closed port on 127.0.0.1
        Map<String, String> noAws = Map.of("AWS_CONFIG_FILE", "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE",
                "/nonexistent", "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "AKIDTEST", "AWS_SECRET_ACCESS_KEY",
                "not-a-secret", "AWS_ENDPOINT_URL", "http://127.0.0.1:9", "ALPINE_MIRROR", "http://127.0.0.1:9/alpine");
        // the same for OCI: a profile with a key, every OCI endpoint a closed port
        Map<String, String> noClouds = new java.util.HashMap<>(noAws);
        noClouds.putAll(dev.cloudimages.testing.oci.FakeOci.configFile(project, "eu-frankfurt-1"));
        noClouds.put("OCI_ENDPOINT_IAAS", "http://127.0.0.1:9/{region}");
        noClouds.put("OCI_ENDPOINT_OBJECTSTORAGE", "http://127.0.0.1:9/{region}");
        // generic and nocloud (all that --skip aws oci gcp leaves) have no cloud to ask: a plan of them loads no SDK
        for (List<String> args : List.of(List.of("configs"), List.of("state", "--only", "oci"),
                List.of("local", "--only", "3.24", "x86_64", "bios", "tiny", "aws"), List.of("state", "--only", "aws"),
                List.of("state", "--skip", "aws", "oci", "gcp"))) {
            Path classes = project.resolve("classes.log");
            List<String> command = new ArrayList<>(List.of(launcher.get(0), "-Xlog:class+load=info:file=" + classes,
                    "-jar", launcher.get(2)));
            command.addAll(args);
            Result result = run(command, noClouds);
            if (args.contains("--skip")) {
                assertEquals(0, result.exitCode(), result.stderr());
            }
            boolean aws = Files.readAllLines(classes).stream().anyMatch(l -> l.contains("software.amazon.awssdk"));
            if (args.get(0).equals("state") && args.contains("aws") && !args.contains("--skip")) {
                assertTrue(aws, "a plan of aws variants asks AWS");
            } else {
                assertFalse(aws, args + " loaded AWS SDK classes; " + result.stderr());
            }
            boolean oci = Files.readAllLines(classes).stream().anyMatch(l -> l.contains("com.oracle.bmc"));
            if (args.get(0).equals("state") && args.contains("oci") && !args.contains("--skip")) {
                assertTrue(oci, "a plan of oci variants asks OCI");
            } else {
                assertFalse(oci, args + " loaded OCI SDK classes; " + result.stderr());
            }
            Files.delete(classes);
        }
    }

    /**
     * The Google SDK (about 80 MB of jars) loads only when a step needs the gcp cloud: configs,
     * local and a plan of aws variants load no com.google.cloud.compute or .storage class; a plan
     * of gcp variants, asking the fake GCP on 127.0.0.1, does (so the check itself can fail).
     */
    @Test
    void theGoogleSdkLoadsOnlyWhenAStepNeedsTheGcpCloud() throws Exception {
        List<String> launcher = launcher();
        org.junit.jupiter.api.Assumptions.assumeTrue(launcher.size() == 3, "class loading is a JVM matter");
        ProjectCopy.into(project);
        try (dev.cloudimages.testing.gcp.FakeGcp gcp = dev.cloudimages.testing.gcp.FakeGcp.start()) {
            Map<String, String> env = new java.util.HashMap<>(gcp.env());
            env.putAll(Map.of("AWS_CONFIG_FILE", "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent",
                    "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "AKIDTEST", "AWS_SECRET_ACCESS_KEY", "not-a-secret",
                    "AWS_ENDPOINT_URL", "http://127.0.0.1:9", "ALPINE_MIRROR", "http://127.0.0.1:9/alpine"));
            for (List<String> args : List.of(List.of("configs"), List.of("state", "--only", "aws"),
                    List.of("local", "--only", "3.24", "x86_64", "bios", "tiny", "aws"), List.of("state", "--only", "gcp"))) {
                Path classes = project.resolve("classes.log");
                List<String> command = new ArrayList<>(List.of(launcher.get(0), "-Xlog:class+load=info:file=" + classes,
                        "-jar", launcher.get(2)));
                command.addAll(args);
                Result result = run(command, env);
                boolean google = Files.readAllLines(classes).stream().anyMatch(l -> l.contains("com.google.cloud.compute")
                        || l.contains("com.google.cloud.storage"));
                if (args.contains("gcp")) {
                    assertEquals(0, result.exitCode(), result.stderr());
                    assertTrue(google, "a plan of gcp variants asks GCP");
                } else {
                    assertFalse(google, args + " loaded Google SDK classes; " + result.stderr());
                }
                Files.delete(classes);
            }
        }
    }

    @Test
    void theLauncherScriptRunsTheCliFromAnyProjectDirectory() throws Exception {
        ProjectCopy.into(project);
        Result result = run(List.of(Fixtures.projectRoot().resolve("build").toString(), "configs", "--only", "gcp"),
                Map.of());
        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(result.stderr().contains("24 variant(s) match --only [gcp]"), result.stderr());
    }
}
