package dev.cloudimages.local;

import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.ChildProcesses;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The host programs the local step runs (qemu-system-*, qemu-img, mtools), found on the PATH the
 * tool was started with; a missing one is named with the package that provides it.
 */
public final class HostTools {

    /** Debian/Ubuntu package per program, for the error message. */
    private static final Map<String, String> PACKAGES = Map.of(
            "qemu-system-x86_64", "qemu-system-x86",
            "qemu-system-aarch64", "qemu-system-arm",
            "qemu-img", "qemu-utils",
            "mformat", "mtools",
            "mcopy", "mtools");

    private final List<Path> path;

    public HostTools(Map<String, String> env) {
        List<Path> dirs = new ArrayList<>();
        for (String dir : env.getOrDefault("PATH", "").split(":")) {
            if (!dir.isBlank()) {
                dirs.add(Path.of(dir));
            }
        }
        this.path = List.copyOf(dirs);
    }

    /** The absolute path of {@code program}, or a clear error naming the package to install. */
    public Path find(String program) {
        if (program.contains("/")) {
            if (Files.isExecutable(Path.of(program))) {
                return Path.of(program);
            }
        } else {
            for (Path dir : path) {
                Path candidate = dir.resolve(program);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        String pkg = PACKAGES.get(program);
        throw new BuildException(program + " not found on PATH; install it"
                + (pkg == null ? "" : " (Debian/Ubuntu: apt-get install " + pkg + "; Fedora, Arch, Alpine, Homebrew: qemu"
                + (pkg.equals("mtools") ? " / mtools" : "") + ")"));
    }

    /** Runs a host command to completion within {@code timeout}; its output goes into the message when it fails. */
    public String run(List<String> command, Duration timeout, Map<String, String> extraEnv) {
        List<String> resolved = new ArrayList<>(command);
        resolved.set(0, find(command.get(0)).toString());
        Path output = null;
        Process process = null;
        try {
            output = Files.createTempFile("build-tool-", ".out");
            ProcessBuilder builder = new ProcessBuilder(resolved).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(extraEnv);
            process = ChildProcesses.start(builder);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new BuildException(command.get(0) + " did not finish within " + timeout.toSeconds() + " s: "
                        + String.join(" ", command));
            }
            String text = Files.readString(output, StandardCharsets.UTF_8).trim();
            if (process.exitValue() != 0) {
                throw new BuildException(command.get(0) + " failed (exit " + process.exitValue() + "): "
                        + (text.isEmpty() ? String.join(" ", command) : lastLine(text)));
            }
            return text;
        } catch (IOException e) {
            throw new BuildException("cannot run " + command.get(0) + ": " + AtomicFiles.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildException(command.get(0) + " was interrupted");
        } finally {
            if (process != null) {
                if (process.isAlive()) {
                    process.destroyForcibly();
                }
                ChildProcesses.forget(process);
            }
            AtomicFiles.deleteQuietly(output);
        }
    }

    private static String lastLine(String text) {
        String[] lines = text.split("\n");
        return lines[lines.length - 1];
    }
}
