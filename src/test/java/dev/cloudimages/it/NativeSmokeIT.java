package dev.cloudimages.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudimages.cloud.aws.AwsStoreAccess;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.testing.BuilderVms;
import dev.cloudimages.testing.FixtureServer;
import dev.cloudimages.testing.Fixtures;
import dev.cloudimages.testing.OverlayRuns;
import dev.cloudimages.testing.ProjectCopy;
import dev.cloudimages.testing.TestBuilder;
import dev.cloudimages.testing.ThrowawayGpg;
import dev.cloudimages.testing.aws.FakeAws;
import dev.cloudimages.testing.gcp.FakeGcp;
import dev.cloudimages.testing.oci.FakeOci;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native executable ({@code target/*-runner}, built by {@code -Pnative}; see docs/native.md) run through every step as a user runs it: --help and --version, a bad config,
 * configs, state and plan --format gitlab on the shipped configs, the offline demo's local build
 * (real QEMU against the test builder's mirror), import, publish and release (S3 store, SSM latest
 * pointers), state --output json and prune's dry run against the fake AWS, import and publish
 * against the fake OCI (oci:// store) and the fake GCP (gs:// store), and Ctrl-C (SIGINT) during a
 * build. Each run is a separate process of the executable; the fakes run in this JVM.
 *
 * <p>Skipped, saying why on stderr, when there is no executable or it is older than the sources
 * (a stale one would test old code). {@code -Dsmoke.executable=FILE} runs another executable as is;
 * {@code -Dsmoke.launcher=jar} runs the same steps against the JVM package instead (to work on this
 * test without a native build).
 */
class NativeSmokeIT {

    private static final String BUILD = "test-3.24.1-x86_64-bios";
    private static final String LATEST = "/cloudimages-test/3.24/x86_64/bios/latest";
    private static List<String> launcher;
    private static FixtureServer server;

    @TempDir
    Path temp;

    @BeforeAll
    static void findExecutable() throws Exception {
        launcher = launcher();
        server = OverlayRuns.mirror();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static List<String> launcher() throws IOException {
        Path root = Fixtures.projectRoot();
        if ("jar".equals(System.getProperty("smoke.launcher"))) {
            return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                    root.resolve("target/quarkus-app/quarkus-run.jar").toString());
        }
        String given = System.getProperty("smoke.executable", "");
        if (!given.isBlank()) {
            return List.of(Path.of(given).toAbsolutePath().toString());
        }
        List<Path> runners;
        try (Stream<Path> files = Files.list(root.resolve("target"))) {
            runners = files.filter(f -> f.getFileName().toString().endsWith("-runner") && Files.isExecutable(f))
                    .toList();
        } catch (java.nio.file.NoSuchFileException e) {
            runners = List.of();
        }
        String why = null;
        if (runners.isEmpty()) {
            why = "no native executable target/*-runner";
        } else {
            Path runner = runners.get(0);
            long built = Files.getLastModifiedTime(runner).toMillis();
            try (Stream<Path> sources = Stream.concat(Stream.of(root.resolve("pom.xml")),
                    Files.walk(root.resolve("src/main")))) {
                Path newer = sources.filter(p -> {
                    try {
                        return Files.getLastModifiedTime(p).toMillis() > built;
                    } catch (IOException e) {
                        return false;
                    }
                }).findFirst().orElse(null);
                if (newer != null) {
                    why = runner.getFileName() + " is older than " + root.relativize(newer) + " (stale)";
                } else {
                    return List.of(runner.toString());
                }
            }
        }
        String message = "NativeSmokeIT SKIPPED: " + why + "; build it with the command in docs/native.md,"
                + " then: mvn verify -Dit.test=NativeSmokeIT";
        System.err.println("\n*** " + message + " ***\n");
        Assumptions.abort(message);
        return List.of();
    }

    record Run(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private static Run run(Path dir, Map<String, String> env, String... args) throws Exception {
        Process process = start(dir, env, dir.resolve("out.txt"), dir.resolve("err.txt"), args);
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("did not finish: " + List.of(args));
        }
        return new Run(process.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    private static Process start(Path dir, Map<String, String> env, Path out, Path err, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("OCI_")
                || k.startsWith("GOOGLE_") || k.startsWith("CLOUDSDK_") || k.equals("SOURCE_DATE_EPOCH"));
        builder.environment().put("ALPINE_RELEASES_URL", server.url("/releases.json"));
        builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        builder.environment().putAll(env);
        return builder.start();
    }

    /** Exit 0 and no stack trace. */
    private static Run ok(Path dir, Map<String, String> env, String... args) throws Exception {
        Run run = run(dir, env, args);
        assertEquals(0, run.code(), List.of(args) + ":\n" + run.all());
        assertFalse(run.all().contains("\tat "), "no stack trace: " + run.all());
        return run;
    }

    @Test
    void helpAndVersion() throws Exception {
        Path dir = ProjectCopy.into(temp.resolve("p"));
        Run help = ok(dir, Map.of(), "--help");
        assertTrue(help.out().contains("Usage: build") && help.out().contains("publish"), help.all());
        Run stepHelp = ok(dir, Map.of(), "local", "--help");
        assertTrue(stepHelp.out().contains("--parallel"), stepHelp.all());
        Run version = ok(dir, Map.of(), "--version");
        assertTrue(version.out().startsWith("build ") && version.out().contains("Quarkus"), version.all());
        Run completion = ok(dir, Map.of(), "completion");
        assertTrue(completion.out().contains("complete -F"), completion.out());
    }

    @Test
    void aBadConfigIsOneLineAndExit1() throws Exception {
        Path dir = ProjectCopy.into(temp.resolve("p"));
        Files.writeString(dir.resolve("configs/images.conf"), "\nDefault { size = [ 1G \n",
                StandardOpenOption.APPEND);
        Run bad = run(dir, Map.of(), "configs");
        assertEquals(1, bad.code(), bad.all());
        List<String> errors = bad.err().lines().filter(l -> l.contains(" ERROR ")).toList();
        assertEquals(1, errors.size(), bad.err());
        assertTrue(errors.get(0).contains("HOCON syntax error in work/configs/alpine.conf:"), errors.get(0));
        assertFalse(bad.err().contains("\tat "), bad.err());

        Run usage = run(dir, Map.of(), "configs", "--parallel", "0");
        assertEquals(2, usage.code(), usage.all());
    }

    @Test
    void configsAndStateOnTheShippedConfigs() throws Exception {
        Path dir = ProjectCopy.into(temp.resolve("p"));
        Run configs = ok(dir, Map.of("SOURCE_DATE_EPOCH", "1795000000"), "configs");
        assertTrue(configs.err().contains("Resolved 120 image variant(s) into work/configs.yaml"), configs.err());
        assertEquals(120, ConfigsYaml.mapper().readTree(dir.resolve("work/configs.yaml").toFile()).size());
        try (FakeAws aws = FakeAws.start()) {
            Map<String, String> env = new HashMap<>(aws.env());
            env.put("AWS_CONFIG_FILE", dir.resolve("no-aws-config").toString());
            env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-aws-credentials").toString());
            Run state = ok(dir, env, "state", "--only", "3.24", "x86_64", "aws");
            JsonNode actions = ConfigsYaml.mapper().readTree(dir.resolve("work/actions.yaml").toFile());
            assertEquals(4, actions.size(), state.all());
            assertTrue(state.out().contains("3.24-x86_64-bios-tiny-vm-aws"), state.all());

            // the CI generator: a GitLab child pipeline on stdout (YAML), the table on stderr
            Files.copy(Fixtures.projectRoot().resolve("examples/ci/gitlab/defaults.yml"), dir.resolve("defaults.yml"));
            Run plan = ok(dir, env, "plan", "--format", "gitlab", "--gitlab-defaults", "defaults.yml",
                    "--only", "3.24", "x86_64", "aws");
            JsonNode pipeline = ConfigsYaml.mapper().readTree(plan.out());
            assertEquals("variants", pipeline.path("stages").path(0).asText(), plan.out());
            assertTrue(pipeline.path("default").has("id_tokens"), plan.out());
            List<String> variants = new ArrayList<>();
            actions.fieldNames().forEachRemaining(variants::add);
            for (String key : variants) {
                JsonNode job = pipeline.path("variant " + key);
                assertTrue(job.path("script").path(0).asText().startsWith("./build import --variant " + key),
                        key + " in " + plan.out());
                assertEquals("x86_64", job.path("variables").path("BUILD_ARCH").asText(), job.toString());
            }
            assertTrue(pipeline.path("publish aws 1").path("script").path(0).asText()
                    .startsWith("./build publish --variant "), plan.out());
            assertTrue(pipeline.path("state").path("script").path(0).asText().endsWith("--output json > build-state.json"),
                    plan.out());
            assertTrue(plan.err().contains("gitlab: 4 variant job(s), 1 publish job(s)"), plan.err());
        }
    }

    /**
     * The offline demo: the local step builds the test overlay's x86_64 BIOS aws variant in QEMU
     * from the 127.0.0.1 mirror; then import, publish (4 regions) and release (the S3 store, the
     * catalog rendered with jinjava, an SSM latest pointer per region) against the fake AWS, and a
     * second publish changes nothing; state's JSON document; prune's dry run (one revision: nothing).
     */
    @Test
    void localThenImportPublishAndReleaseOnTheFakeAws() throws Exception {
        Path dir = temp.resolve("p");
        Map<String, String> env = new HashMap<>();
        OverlayRuns.prepare(dir, env, server);
        try (FakeAws aws = FakeAws.start(); ThrowawayGpg gpg = ThrowawayGpg.create(temp.resolve("gnupg"))) {
            AwsStoreAccess.open(aws.env()).s3().createBucket(b -> b.bucket("release-store"));
            Files.writeString(dir.resolve("overlay/configs/test.conf"), "\nDefault { storage_url = "
                    + "\"s3://release-store/releases/{v_version}/{cloud}/{arch}\"\n"
                    + "  latest.ssm_parameter = \"/{project}/{version}/{arch}/{firmware}/latest\" }\n",
                    StandardOpenOption.APPEND);
            env.putAll(aws.env());
            env.putAll(gpg.env());
            env.put("AWS_CONFIG_FILE", dir.resolve("no-aws-config").toString());
            env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-aws-credentials").toString());
            String[] select = {"--custom", "overlay", "--only", "x86_64", "bios", "aws", "--vars", "tcg.conf"};

            Run local = ok(dir, env, concat("local", select));
            assertTrue(local.err().contains("Built 1 image(s)"), local.err());
            assertTrue(Files.exists(dir.resolve("work/images/aws/" + BUILD + "/image.qcow2")), local.err());

            Run imported = ok(dir, env, concat("import", select));
            assertEquals(1, aws.images("us-east-1").size(), imported.all());

            ok(dir, env, concat("publish", select));
            assertEquals(1, aws.images("eu-west-1").size(), "copied to the other regions");
            Run state = ok(dir, env, concat("state", select));
            assertTrue(state.out().contains("published r0"), state.all());
            Run again = ok(dir, env, concat("publish", select));
            assertFalse(again.err().contains("Built "), again.err());

            Run release = ok(dir, env, concat("release", select));
            assertTrue(release.err().contains("Release catalog: 1 released image(s)"), release.all());
            JsonNode catalog = ConfigsYaml.mapper().readTree(dir.resolve("work/release/releases.yaml").toFile());
            assertEquals("3.24", catalog.at("/versions/0/version").asText(), catalog.toString());
            JsonNode images = ConfigsYaml.mapper().readTree(dir.resolve("work/release/images.json").toFile());
            assertTrue(images.toString().contains(aws.images("us-east-1").get(0).id()), images.toString());
            assertTrue(Files.readString(dir.resolve("work/release/index.html")).contains("<html"));
            // the latest pointer (the AWS SDK's SSM client) in every region the image is in
            for (String region : List.of("us-east-1", "eu-west-1", "us-west-2", "eu-south-1")) {
                assertEquals(aws.images(region).get(0).id(), aws.ssmParameters(region).get(LATEST),
                        region + ": " + release.all());
            }

            // the run's document alone on stdout (Jackson, JSON), the table on stderr
            Run json = ok(dir, env, concat(select, "state", "--output", "json"));
            JsonNode document = new ObjectMapper().readTree(json.out());
            assertEquals("build/v1", document.path("schema").asText(), json.out());
            assertEquals("state", document.path("step").asText(), json.out());
            assertEquals("ok", document.path("result").asText(), json.out());
            JsonNode variant = document.path("variants").path(0);
            assertEquals(1, document.path("variants").size(), json.out());
            assertEquals(BUILD, variant.path("build_name").asText(), json.out());
            assertEquals(aws.images("us-east-1").get(0).id(), variant.path("remote").path("image_id").asText(),
                    json.out());
            assertTrue(variant.path("store").path("url").asText().startsWith("s3://release-store/"), json.out());
            assertFalse(variant.path("store").path("published").isNull(), json.out());
            assertTrue(json.err().contains("VARIANT "), "the table is on stderr: " + json.all());

            // prune's dry run: every region's images and the store listed; one revision, nothing to remove
            Run prune = ok(dir, env, concat(select, "prune", "--keep-revisions", "1"));
            assertTrue(prune.out().contains("dry run") && prune.out().contains("nothing to prune"), prune.all());
            assertTrue(prune.err().contains("prune: listing the images of project cloudimages-test in aws"),
                    prune.all());
            assertEquals(1, aws.images("eu-west-1").size(), "a dry run removes nothing");

            // an overlay template naming an unknown variable: one line with the file and line, exit 1
            Files.createDirectories(dir.resolve("overlay/templates"));
            Files.writeString(dir.resolve("overlay/templates/extra.txt.jinja"), "{{ project }}\n{{ nosuch.thing }}\n");
            Run bad = run(dir, env, concat("release", select));
            assertEquals(1, bad.code(), bad.all());
            List<String> errors = bad.err().lines().filter(l -> l.contains(" ERROR ")).toList();
            assertEquals(1, errors.size(), bad.err());
            assertTrue(errors.get(0).contains("extra.txt.jinja:2"), errors.get(0));
            assertFalse(bad.all().contains("\tat "), bad.all());
        }
        assertEquals(List.of(), BuilderVms.running(dir), "no QEMU left");
    }

    /** OCI: a planted qcow2 uploaded to the oci:// store and Object Storage, imported, published to 2 more regions. */
    @Test
    void importAndPublishOnTheFakeOci() throws Exception {
        Path dir = temp.resolve("p");
        Map<String, String> env = new HashMap<>();
        OverlayRuns.prepare(dir, env, server);
        try (FakeOci oci = FakeOci.start(); ThrowawayGpg gpg = ThrowawayGpg.create(temp.resolve("gnupg"))) {
            env.putAll(oci.env(Files.createDirectories(temp.resolve("oci")), FakeOci.REGIONS.get(0)));
            env.putAll(gpg.env());
            Files.writeString(dir.resolve("overlay/configs/test.conf"), "\nDefault { storage_url = \"oci://"
                    + FakeOci.NAMESPACE + "/" + FakeOci.BUCKET + "/releases/{v_version}/{cloud}/{arch}\" }\n",
                    StandardOpenOption.APPEND);
            String[] select = {"--custom", "overlay", "--only", "x86_64", "bios", "oci"};
            plant(dir, env, select, "oci", "qcow2", dev.cloudimages.testing.Qcow2Stub.write(temp.resolve("disk.qcow2"), 3));

            ok(dir, env, concat("import", select));
            assertEquals(1, oci.images(FakeOci.REGIONS.get(0)).size());
            ok(dir, env, concat("publish", select));
            for (String region : FakeOci.REGIONS) {
                assertEquals(1, oci.images(region).size(), region);
            }
            Run state = ok(dir, env, concat("state", select));
            assertTrue(state.out().contains("published r0"), state.all());
        }
    }

    /** GCP: a planted 1 GiB sparse tar.gz uploaded to the gs:// store and Cloud Storage, imported, published. */
    @Test
    void importAndPublishOnTheFakeGcp() throws Exception {
        Path dir = temp.resolve("p");
        Map<String, String> env = new HashMap<>();
        OverlayRuns.prepare(dir, env, server);
        try (FakeGcp gcp = FakeGcp.start(); ThrowawayGpg gpg = ThrowawayGpg.create(temp.resolve("gnupg"))) {
            env.putAll(gcp.env());
            env.putAll(gpg.env());
            Files.writeString(dir.resolve("overlay/configs/test.conf"), "\nDefault { storage_url = \"gs://"
                    + FakeGcp.BUCKET + "/releases/{v_version}/{cloud}/{arch}\" }\n", StandardOpenOption.APPEND);
            String[] select = {"--custom", "overlay", "--only", "x86_64", "bios", "gcp"};
            plant(dir, env, select, "gcp", "tar.gz", tarball(temp.resolve("disk")));

            ok(dir, env, concat("import", select));
            assertEquals(1, gcp.images().size());
            ok(dir, env, concat("publish", select));
            Run state = ok(dir, env, concat("state", select));
            assertTrue(state.out().contains("published r0"), state.all());
        }
    }

    /** Ctrl-C (SIGINT) while the builder VM runs a script: one line, the VM stopped, nothing left. */
    @Test
    void ctrlCDuringABuildStopsTheVmAndLeavesNothing() throws Exception {
        Path dir = ProjectCopy.into(temp.resolve("p"));
        TestBuilder.overlay(dir.resolve("overlay"), "Mandatory { scripts = [ hang ] }", "hang",
                "#!/bin/sh\nsleep 600\n");
        Files.writeString(dir.resolve("tcg.conf"), "accel = tcg\n");
        Path err = dir.resolve("stderr.txt");
        Process build = start(dir, Map.of("ALPINE_MIRROR", server.url("/mirror")), dir.resolve("stdout.txt"), err,
                "local", "--custom", "overlay", "--only", "x86_64", "bios", "aws", "--vars", "tcg.conf");
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (!Files.readString(err).contains("running hang")) {
                assertTrue(build.isAlive() && System.nanoTime() < deadline, "the script never ran: " + Files.readString(err));
                Thread.sleep(200);
            }
            assertFalse(BuilderVms.running(dir).isEmpty(), "a builder VM runs while the script does");
            Process signal = new ProcessBuilder("kill", "-INT", Long.toString(build.pid())).inheritIO().start();
            assertEquals(0, signal.waitFor());
            assertTrue(build.waitFor(60, TimeUnit.SECONDS), "the build stopped on SIGINT");
            assertTrue(build.exitValue() != 0, "exit " + build.exitValue() + ": " + Files.readString(err));
        } finally {
            build.destroyForcibly();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!BuilderVms.running(dir).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(List.of(), BuilderVms.running(dir), "no QEMU survives the tool");
        String log = Files.readString(err);
        assertEquals(1, log.lines().filter(l -> l.contains("ERROR interrupted: stopping 1 build(s)")).count(), log);
        String scratch = "work/build/aws/" + BUILD;
        assertFalse(Files.exists(dir.resolve(scratch + "/target.raw")), "no target disk left");
        assertFalse(Files.exists(dir.resolve(scratch + "/payload.img")), "no payload left");
        assertFalse(Files.exists(dir.resolve("work/images/aws/" + BUILD + "/image.qcow2")), "no image");
        assertEquals("", Files.readString(dir.resolve("work/.lock")), "the lock is cleared");
        assertFalse(Files.exists(dir.resolve("work/.children")));
    }

    /** The plan of the one selected variant, then its image planted where local keeps it (no VM run). */
    private static void plant(Path dir, Map<String, String> env, String[] select, String cloud, String format,
                              Path image) throws Exception {
        ok(dir, env, concat("state", select));
        JsonNode actions = ConfigsYaml.mapper().readTree(dir.resolve("work/actions.yaml").toFile());
        String key = actions.fieldNames().next();
        JsonNode plan = actions.get(key);
        Path images = Files.createDirectories(dir.resolve("work/images").resolve(cloud)
                .resolve(plan.path("build_name").asText()));
        String file = "image." + format;
        Files.copy(image, images.resolve(file));
        byte[] bytes = Files.readAllBytes(image);
        Files.writeString(images.resolve("image.yaml"), "variant: " + key + "\nbuild_name: "
                + plan.path("build_name").asText() + "\nimage_name: " + plan.path("image_name").asText()
                + "\nrevision: " + plan.path("revision").asInt() + "\nformat: " + format + "\nfile: " + file
                + "\nsize: " + bytes.length + "\nsha256: "
                + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
                + "\ninput_hash: " + plan.path("input_hash").asText() + "\nbuilt: 2026-11-18T00:00:00Z\n");
    }

    /** A 1 GiB sparse disk.raw in a gzip'd oldgnu tar, as the local step writes it for GCP. */
    private static Path tarball(Path work) throws Exception {
        Files.createDirectories(work);
        try (RandomAccessFile file = new RandomAccessFile(work.resolve("disk.raw").toFile(), "rw")) {
            file.setLength(1L << 30);
            file.write("a test disk".getBytes(StandardCharsets.US_ASCII));
        }
        Path tarball = work.resolveSibling("disk.tar.gz");
        Process tar = new ProcessBuilder("tar", "--format=oldgnu", "--sparse", "-czf", tarball.toString(), "-C",
                work.toString(), "disk.raw").inheritIO().start();
        assertTrue(tar.waitFor(120, TimeUnit.SECONDS) && tar.exitValue() == 0, "tar");
        return tarball;
    }

    /** The step and its own options, then the selection. */
    private static String[] concat(String[] select, String... stepAndOptions) {
        return Stream.concat(Stream.of(stepAndOptions), Stream.of(select)).toArray(String[]::new);
    }

    private static String[] concat(String step, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = step;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
