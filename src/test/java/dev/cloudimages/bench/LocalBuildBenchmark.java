package dev.cloudimages.bench;

import dev.cloudimages.cli.Cli;
import dev.cloudimages.cli.CliContext;
import dev.cloudimages.testing.FixtureServer;
import dev.cloudimages.testing.Fixtures;
import dev.cloudimages.testing.ProjectCopy;
import dev.cloudimages.testing.TestBuilder;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times ./build local on the test overlay (the test builder under TCG, as on a machine where KVM
 * does not work): one build's phases (QEMU start to first script, the scripts, conversion, total),
 * then two variants built one at a time against --parallel 2. The ISO is fetched and cached by a
 * warm-up build first, so downloads are not counted.
 * Run: mvn -q test-compile exec:java -Dbench.main=dev.cloudimages.bench.LocalBuildBenchmark
 */
public final class LocalBuildBenchmark {

    private static final Pattern BUILT = Pattern.compile(
            "\\[(\\S+)] built \\S+ \\(boot ([\\d.]+) s, scripts ([\\d.]+) s, conversion ([\\d.]+) s, total ([\\d.]+) s\\)");

    public static void main(String[] args) throws Exception {
        Path builder = TestBuilder.prepare();
        try (FixtureServer server = new FixtureServer().serve("/releases.json", Fixtures.releasesJson())
                .serveTree("/mirror", builder.resolve("mirror"))) {
            Path project = Files.createTempDirectory("build-local-bench");
            ProjectCopy.into(project);
            TestBuilder.overlay(project.resolve("overlay"), "");
            Files.writeString(project.resolve("tcg.conf"), "accel = tcg\n");
            Map<String, String> env = new HashMap<>();
            env.put("PATH", System.getenv("PATH"));
            env.put("ALPINE_RELEASES_URL", server.url("/releases.json"));
            env.put("ALPINE_MIRROR", server.url("/mirror"));

            run(project, env, "local", "--custom", "overlay", "--vars", "tcg.conf", "--only", "x86_64", "aws"); // warm-up

            String log = run(project, env, "local", "--revise", "--vars", "tcg.conf", "--only", "x86_64", "bios", "aws");
            Matcher one = BUILT.matcher(log);
            if (!one.find()) {
                throw new IllegalStateException("no build timings in:\n" + log);
            }
            System.out.printf("one build (%s, TCG): QEMU start -> first script %s s; scripts %s s; conversion %s s;"
                    + " total %s s%n", one.group(1), one.group(2), one.group(3), one.group(4), one.group(5));

            long serial = wall(project, env, "local", "--revise", "--vars", "tcg.conf", "--only", "x86_64", "aws", "--parallel", "1");
            long parallel = wall(project, env, "local", "--revise", "--vars", "tcg.conf", "--only", "x86_64", "aws", "--parallel", "2");
            System.out.printf("two builds (x86_64 bios + uefi, TCG): one at a time %.1f s; --parallel 2 %.1f s%n",
                    serial / 1000.0, parallel / 1000.0);
        }
    }

    private static long wall(Path project, Map<String, String> env, String... args) {
        long start = System.nanoTime();
        run(project, env, args);
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static String run(Path project, Map<String, String> env, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliContext context = new CliContext(env, project, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);
        List<String> command = new ArrayList<>(List.of(args));
        int code = Cli.execute(CommandLine.defaultFactory(), context, command.toArray(String[]::new));
        String log = err.toString(StandardCharsets.UTF_8);
        if (code != 0) {
            throw new IllegalStateException("build " + String.join(" ", args) + " failed:\n" + log);
        }
        return log;
    }
}
