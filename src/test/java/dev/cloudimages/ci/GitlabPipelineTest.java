package dev.cloudimages.ci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudimages.cli.Cli;
import dev.cloudimages.testing.BuildLauncher;
import dev.cloudimages.testing.CliRun;
import dev.cloudimages.testing.Fixtures;
import dev.cloudimages.testing.FixtureServer;
import dev.cloudimages.testing.GitlabCiLocal;
import dev.cloudimages.testing.OverlayRuns;
import dev.cloudimages.testing.StoreView;
import dev.cloudimages.testing.ThrowawayGpg;
import dev.cloudimages.testing.aws.AwsView;
import dev.cloudimages.testing.aws.FakeAws;
import dev.cloudimages.testing.aws.FakeAwsProcess;
import org.junit.jupiter.api.Assumptions;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The repository's GitLab example run for real by gitlab-ci-local (shell executor, each job in its
 * own copy of the project, so its own work/): 'generate' plans the test overlay's three aws
 * variants and writes the child pipeline, whose three variant jobs build (QEMU), upload to a
 * file:// store and import into a fake AWS running as its own process, at once; then publish and
 * state. One variant's job is killed (SIGKILL) mid-import; the pipeline run again converges, and
 * the cloud and the store then equal those of the same release made by one machine.
 */
class GitlabPipelineTest {

    private static final List<String> VARIANTS = List.of("3.24-x86_64-bios-aws", "3.24-x86_64-uefi-aws",
            "3.24-aarch64-uefi-aws");
    private static final String KILLED = "3.24-x86_64-uefi-aws";
    private static final String KILLED_BUILD = "test-3.24.1-x86_64-uefi";
    private static final String OPTIONS = "--custom overlay --only aws --vars tcg.conf";

    @TempDir
    Path temp;

    @Test
    void variantJobsInParallelThenPublishMakeWhatOneMachineMakesAndAKilledImportConverges() throws Exception {
        GitlabCiLocal.Found found = GitlabCiLocal.find();
        Assumptions.assumeTrue(found.tool().isPresent(), "gitlab-ci-local cannot run here, so the pipeline is not "
                + "run (the generator's output is tested by CiPlanTest): " + found.reason());
        GitlabCiLocal gitlab = found.tool().orElseThrow();
        try (FixtureServer server = OverlayRuns.mirror();
             ThrowawayGpg gpg = ThrowawayGpg.create(temp.resolve("gnupg"))) {
            // the same release by one machine: build, upload, import, sign, publish in one run
            Path one = temp.resolve("one-machine");
            Map<String, String> oneEnv = project(one, temp.resolve("store-one"), server, gpg);
            List<String> oneCloud;
            try (FakeAws aws = FakeAws.start()) {
                oneEnv.putAll(aws.env());
                CliRun run = CliRun.run(oneEnv, one, false, ("publish " + OPTIONS + " --parallel 2").split(" "));
                assertEquals(Cli.OK, run.code(), run.err());
                oneCloud = AwsView.of(aws.env());
            }

            Path project = temp.resolve("gitlab");
            Map<String, String> env = project(project, temp.resolve("store"), server, gpg);
            Files.copy(Fixtures.projectRoot().resolve("examples/ci/gitlab/.gitlab-ci.yml"),
                    project.resolve(".gitlab-ci.yml"));
            Files.createDirectories(project.resolve("examples/ci/gitlab"));
            Files.copy(Fixtures.projectRoot().resolve("examples/ci/gitlab/defaults.yml"),
                    project.resolve("examples/ci/gitlab/defaults.yml"));
            BuildLauncher.into(project);
            commit(project);
            env.put("BUILD_OPTIONS", OPTIONS);
            env.put("BUILD_LEASE_SECONDS", "5"); // the killed job's lease expires before the re-run
            try (FakeAwsProcess aws = FakeAwsProcess.start(temp.resolve("fake-aws.log"), 300)) {
                env.putAll(aws.env());
                Path log = temp.resolve("gitlab-ci-local.log");

                try {
                    run(gitlab, project, env, log, aws.env(), oneCloud);
                } finally {
                    // the jobs' output outlives the temporary directory, for whoever reads a failure
                    Files.copy(log, Fixtures.projectRoot().resolve("target/gitlab-ci-local.log"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** The pipeline, its first run with a job killed, its re-run, and what they leave behind. */
    private void run(GitlabCiLocal gitlab, Path project, Map<String, String> env, Path log, Map<String, String> aws,
                     List<String> oneCloud) throws Exception {
        // first run: one variant job killed while its snapshot is being uploaded
        Process pipeline = gitlab.start(project, env, log, 4);
        ProcessHandle killed = killWhenUploading(pipeline, aws, log);
        assertTrue(pipeline.waitFor(30, TimeUnit.MINUTES), read(log));
        String first = read(log);
        assertTrue(first.contains("FAIL") && first.contains("variant " + KILLED), first);
        assertTrue(!killed.isAlive(), "the killed job's CLI is gone");
        List<String> halfway = AwsView.of(aws);
        assertEquals(2, halfway.stream().filter(l -> l.startsWith("us-east-1 image ")).count(),
                "the other two imported, nothing published: " + halfway);
        assertTrue(halfway.stream().noneMatch(l -> l.startsWith("us-west-2 ")), halfway.toString());

        // the re-run plans again: the killed variant's import (its image from the store), publish all
        Thread.sleep(6_000); // BUILD_LEASE_SECONDS: the dead job's lease has expired
        Files.writeString(log, "\n==== re-run ====\n", StandardOpenOption.APPEND);
        gitlab.run(project, env, log, 4);
        String second = read(log).substring(first.length());
        assertTrue(!second.contains("FAIL"), second);
        assertTrue(second.contains("-> variant " + KILLED) && !second.contains("-> variant " + VARIANTS.get(0)),
                "only the killed variant has a job: " + second);
        assertTrue(second.contains("removing snapshot") || second.contains("left in us-east-1"),
                "the killed import's snapshot is removed: " + second);

        assertEquals(oneCloud, AwsView.of(aws), "the cloud equals one machine's release");
        assertEquals(StoreView.of(temp.resolve("store-one")), StoreView.of(temp.resolve("store")),
                "the store equals one machine's release");
        assertEquals(3 * AwsView.REGIONS.size(), oneCloud.stream().filter(l -> l.split(" ")[1].equals("image")).count(),
                "one image per variant and region: " + oneCloud);

        JsonNode state = new ObjectMapper().readTree(stateDocument(project).toFile());
        assertEquals("build/v1", state.path("schema").asText());
        List<String> keys = new ArrayList<>();
        for (JsonNode variant : state.path("variants")) {
            keys.add(variant.path("key").asText());
            assertEquals(List.of("publish"), names(variant.path("planned")), "only publish's check is left: "
                    + variant);
            assertEquals(4, variant.path("store").path("artifacts").size(), variant.toString());
        }
        assertEquals(VARIANTS.stream().sorted().toList(), keys.stream().sorted().toList());
    }

    /** A project with the test overlay whose variants store in {@code store}; the environment its runs get. */
    private static Map<String, String> project(Path project, Path store, FixtureServer server, ThrowawayGpg gpg)
            throws Exception {
        Map<String, String> env = new HashMap<>();
        OverlayRuns.prepare(project, env, server);
        // one block at a time, so that an import takes long enough to be killed in its upload
        Files.writeString(project.resolve("overlay/configs/test.conf"), "\nDefault { storage_url = \"file://" + store
                + "\", import { upload_concurrency = 1 } }\n", StandardOpenOption.APPEND);
        env.putAll(gpg.env());
        env.put("AWS_CONFIG_FILE", project.resolve("no-aws-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", project.resolve("no-aws-credentials").toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        return env;
    }

    private static void commit(Path project) throws Exception {
        Files.writeString(project.resolve(".gitignore"), "work/\n.gitlab-ci-local/\n");
        for (List<String> git : List.of(List.of("init", "-q"), List.of("add", "-A"),
                List.of("-c", "user.name=test", "-c", "user.email=test@localhost", "commit", "-q", "-m", "test"))) {
            List<String> command = new ArrayList<>(List.of("git", "-C", project.toString()));
            command.addAll(git);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(1, TimeUnit.MINUTES) && process.exitValue() == 0, git + ": " + output);
        }
    }

    /**
     * Waits for the killed variant's job to have a snapshot in the making, then kills its CLI
     * outright: no shutdown hook, no rollback, as a runner lost mid-job.
     */
    private static ProcessHandle killWhenUploading(Process pipeline, Map<String, String> aws, Path log)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
        while (System.nanoTime() < deadline && pipeline.isAlive()) {
            Optional<ProcessHandle> cli = pipeline.descendants().filter(p -> {
                List<String> arguments = arguments(p);
                return arguments.contains(KILLED) && arguments.contains("import");
            }).findFirst();
            if (cli.isPresent() && AwsView.of(aws).stream().anyMatch(l -> l.startsWith("us-east-1 snapshot pending")
                    && l.contains("build_name=" + KILLED_BUILD))) {
                cli.get().destroyForcibly();
                cli.get().onExit().get(1, TimeUnit.MINUTES);
                return cli.get();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the job of " + KILLED + " never uploaded: " + read(log));
    }

    /** A process's command line from /proc (ProcessHandle.Info leaves out long ones, as the JVM's classpath is). */
    private static List<String> arguments(ProcessHandle process) {
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            return List.of(new String(cmdline, StandardCharsets.UTF_8).split("\0"));
        } catch (java.io.IOException e) {
            return List.of(); // it ended meanwhile
        }
    }

    /** The state job's artifact: the release's document. */
    private static Path stateDocument(Path project) throws Exception {
        try (Stream<Path> files = Files.walk(project.resolve(".gitlab-ci-local"))) {
            return files.filter(f -> f.getFileName().toString().equals(CiPlan.DOCUMENT))
                    .filter(f -> f.toString().contains("artifacts")).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + CiPlan.DOCUMENT + " artifact"));
        }
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }

    private static String read(Path log) throws Exception {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }
}
