package dev.cloudimages.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * gitlab-ci-local (npm), which runs a .gitlab-ci.yml on this machine: shell executor, no Docker,
 * each job in its own copy of the repository's tracked files ({@code --shell-isolation}), child
 * pipelines from artifacts included. The version is pinned in {@code .ci/gitlab-ci-local.version};
 * .ci/run installs it, and a test run without it installs it the same way, into
 * {@code $BUILD_TEST_TOOLS} or {@code ~/.cache/cloudimages-test-tools}.
 */
public final class GitlabCiLocal {

    private final Path script;

    private GitlabCiLocal(Path script) {
        this.script = script;
    }

    /** What {@link #find} found: the tool, or why it cannot run here. */
    public record Found(Optional<GitlabCiLocal> tool, String reason) {
    }

    public static String version() throws IOException {
        return Files.readString(Fixtures.projectRoot().resolve(".ci/gitlab-ci-local.version")).trim();
    }

    public static Path home() {
        String configured = System.getenv("BUILD_TEST_TOOLS");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "cloudimages-test-tools");
    }

    /** The pinned version, installed with npm when it is not there yet. */
    public static Found find() throws IOException, InterruptedException {
        for (String tool : List.of("node", "git", "rsync")) {
            if (!Tools.onPath(tool)) {
                return missing(tool + " is not installed (scripts/install-deps installs it)");
            }
        }
        String version = version();
        Path home = home();
        Path packageJson = home.resolve("node_modules/gitlab-ci-local/package.json");
        if (!Files.isRegularFile(packageJson) || !Files.readString(packageJson).contains("\"version\": \"" + version + "\"")) {
            if (!Tools.onPath("npm")) {
                return missing("gitlab-ci-local " + version + " is not in " + home + " and npm is not installed to get it");
            }
            Files.createDirectories(home);
            Process npm = new ProcessBuilder("npm", "install", "--prefix", home.toString(), "--no-audit", "--no-fund",
                    "--loglevel=error", "gitlab-ci-local@" + version).redirectErrorStream(true).start();
            String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!npm.waitFor(10, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                return missing("npm could not install gitlab-ci-local@" + version + " into " + home + ": "
                        + output.lines().reduce("", (a, b) -> b));
            }
        }
        Path script = home.resolve("node_modules/gitlab-ci-local/src/index.js");
        Process check = new ProcessBuilder("node", script.toString(), "--version").redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!check.waitFor(2, TimeUnit.MINUTES) || check.exitValue() != 0) {
            return missing("gitlab-ci-local " + version + " does not start with this Node.js: "
                    + output.lines().reduce("", (a, b) -> b));
        }
        return new Found(Optional.of(new GitlabCiLocal(script)), "");
    }

    private static Found missing(String reason) {
        return new Found(Optional.empty(), reason);
    }

    /** Runs the pipeline of {@code project} (a git repository) to its end; its exit code. */
    public int run(Path project, Map<String, String> env, Path log, int concurrency)
            throws IOException, InterruptedException {
        Process process = start(project, env, log, concurrency);
        if (!process.waitFor(30, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("gitlab-ci-local did not finish in 30 minutes; see " + log);
        }
        return process.exitValue();
    }

    /** Starts the pipeline of {@code project}, its output appended to {@code log}, with only {@code env}. */
    public Process start(Path project, Map<String, String> env, Path log, int concurrency) throws IOException {
        List<String> command = new ArrayList<>(List.of("node", script.toString(), "--no-color", "--shell-isolation",
                "--concurrency", Integer.toString(concurrency)));
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder.start();
    }
}
