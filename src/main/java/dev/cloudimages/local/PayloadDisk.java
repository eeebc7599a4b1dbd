package dev.cloudimages.local;

import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.plan.InputHash;
import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildException;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The payload the builder VM runs: a small FAT disk labelled BLDPAYLOAD, made with mtools (no
 * root), holding build/run (the runner), build/env, build/scripts.list, build/scripts/*,
 * build/dirs/* and, for Alpine's boot, localhost.apkovl.tar.gz.
 */
final class PayloadDisk {

    static final String LABEL = "BLDPAYLOAD";
    private static final long SLACK = 16L << 20;

    private PayloadDisk() {
    }

    static void make(Path image, Path staging, ResolvedVariant variant, Path scriptsDir, Map<String, String> env,
                     HostTools tools) {
        try {
            Path build = staging.resolve("build");
            Files.createDirectories(build.resolve("scripts"));
            Files.createDirectories(build.resolve("dirs"));
            Files.write(build.resolve("run"), BuilderResources.read(BuilderResources.RUNNER));
            Files.writeString(build.resolve("env"), BuildEnvironment.envFile(env), StandardCharsets.UTF_8);
            List<String> scripts = InputHash.strings(variant, "scripts");
            Files.writeString(build.resolve("scripts.list"), String.join("\n", scripts) + "\n");
            for (String script : scripts) {
                Files.copy(scriptsDir.resolve(script), build.resolve("scripts").resolve(script),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            for (String dir : InputHash.strings(variant, "script_dirs")) {
                copyTree(scriptsDir.resolve(dir), build.resolve("dirs").resolve(dir));
            }
            Files.write(staging.resolve("localhost.apkovl.tar.gz"), Apkovl.build());

            try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
                file.setLength(Math.max(32L << 20, size(staging) + SLACK));
            }
            Map<String, String> quiet = Map.of("MTOOLS_SKIP_CHECK", "1");
            tools.run(List.of("mformat", "-i", image.toString(), "-v", LABEL, "::"), Duration.ofMinutes(1), quiet);
            tools.run(List.of("mcopy", "-i", image.toString(), "-s", "-Q", build.toString(),
                    staging.resolve("localhost.apkovl.tar.gz").toString(), "::/"), Duration.ofMinutes(5), quiet);
        } catch (IOException e) {
            throw new BuildException("cannot make the payload disk " + image + ": " + AtomicFiles.describe(e));
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.sorted().toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            long total = 0;
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                total += Files.size(file) + 4096;
            }
            return total;
        }
    }
}
