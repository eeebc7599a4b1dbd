package dev.cloudimages.scripts;

import dev.cloudimages.testing.Fixtures;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One variant's shipped provisioning scripts run on the host: the builder's environment for the
 * variant, the disk a zero-filled file, the target a directory, the live system's files under a
 * "builder root", and the tools the scripts call replaced by the recording stub
 * ({@code provisioning/stub}) first in PATH.
 */
final class ProvisioningRun {

    /** The tools the stub stands in for. */
    static final List<String> STUBBED = List.of("apk", "chroot", "sfdisk", "mkfs.ext4", "mkfs.vfat", "mount", "umount",
            "mdev", "debugfs");

    final Path dir;
    final Path disk;
    final Path target;
    final Path builderRoot;
    final Path log;
    /** What the scripts handed back to the host (BUILD_OUTPUT). */
    final Path output;
    final Map<String, String> env;
    /** Each script's name, exit status and output, in order. */
    final List<String> transcript = new ArrayList<>();

    private ProvisioningRun(Path dir, Map<String, String> buildEnv) throws IOException {
        this.dir = dir;
        disk = dir.resolve("disk.raw");
        target = Files.createDirectories(dir.resolve("mnt"));
        builderRoot = dir.resolve("builder");
        log = dir.resolve("calls.log");
        output = dir.resolve("out");
        Path stubs = Files.createDirectories(dir.resolve("stubs"));
        Path state = Files.createDirectories(dir.resolve("stub-state"));
        Path stub = stubs.resolve("stub");
        try (InputStream in = ProvisioningRun.class.getResourceAsStream("/provisioning/stub")) {
            Files.write(stub, in.readAllBytes());
        }
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String tool : STUBBED) {
            Files.createSymbolicLink(stubs.resolve(tool), stub.getFileName());
        }
        try (var file = new java.io.RandomAccessFile(disk.toFile(), "rw")) {
            file.setLength(2L << 20);
        }
        Fixtures.write(builderRoot, "etc/apk/keys/alpine-devel.rsa.pub", "key\n");
        Fixtures.write(builderRoot, "etc/resolv.conf", "nameserver 10.0.2.3\n");
        Fixtures.write(builderRoot, "proc/mounts", "");
        Files.createFile(log);

        env = new HashMap<>(buildEnv);
        env.put("PATH", stubs + ":/usr/bin:/bin:/usr/sbin:/sbin");
        env.put("SETUP_DISK", disk.toString());
        env.put("SETUP_TARGET", target.toString());
        env.put("SETUP_DATA", Fixtures.projectRoot().resolve("scripts/setup.d").toString());
        env.put("BUILDER_ROOT", builderRoot.toString());
        env.put("STUB_LOG", log.toString());
        env.put("STUB_STATE", state.toString());
        // as the builder's runner sets it: where the scripts leave files for the host
        env.put("BUILD_OUTPUT", Files.createDirectories(dir.resolve("out")).toString());
    }

    /** Runs the scripts in order, as the builder's runner does, stopping at the first failure. */
    static ProvisioningRun run(Path dir, Map<String, String> buildEnv, List<String> scripts)
            throws IOException, InterruptedException {
        ProvisioningRun run = new ProvisioningRun(dir, buildEnv);
        for (String script : scripts) {
            if (run.runScript(script) != 0) {
                break;
            }
        }
        return run;
    }

    private int runScript(String script) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(Fixtures.projectRoot().resolve("scripts").resolve(script).toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                        Path.of("/dev/null").toFile()));
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(script + " did not finish");
        }
        transcript.add(script + " exited " + process.exitValue() + ":\n" + output);
        return process.exitValue();
    }

    boolean succeeded() {
        return transcript.stream().allMatch(t -> t.contains(" exited 0:"));
    }

    /** The recorded calls whose first word is {@code tool}, without that word. */
    List<String> calls(String tool) {
        return lines(log).stream().filter(l -> l.startsWith(tool + " ")).map(l -> l.substring(tool.length() + 1))
                .toList();
    }

    String read(String pathInTarget) {
        try {
            return Files.readString(target.resolve(pathInTarget));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean exists(String pathInTarget) {
        return Files.exists(target.resolve(pathInTarget), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    /** The services linked into a runlevel, with their link targets checked. */
    List<String> runlevel(String level) {
        Path dir = target.resolve("etc/runlevels").resolve(level);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var links = Files.list(dir)) {
            return links.map(link -> {
                try {
                    String name = link.getFileName().toString();
                    if (!Files.readSymbolicLink(link).toString().equals("/etc/init.d/" + name)) {
                        throw new AssertionError(link + " does not point to /etc/init.d/" + name);
                    }
                    return name;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
