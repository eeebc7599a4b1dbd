package dev.cloudimages.it;

import dev.cloudimages.testing.Fixtures;
import dev.cloudimages.testing.ProjectCopy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's offline demo, as users run it: {@code scripts/demo} on a copy of the project, with
 * the packaged CLI and the fakes started from the test class path. It must end 0 having built,
 * published and re-published (nothing to do) on every fake cloud, leaving no process and no
 * temporary directory behind.
 */
class DemoIT {

    @TempDir
    Path project;

    @Test
    void theDemoScriptRunsEveryCloudAndCleansUp() throws Exception {
        ProjectCopy.into(project);
        Path root = Fixtures.projectRoot();
        for (String dir : List.of("src/test/builder", "src/test/resources/fixtures")) {
            copy(root.resolve(dir), project.resolve(dir));
        }
        Path launcher = project.resolve("packaged-build");
        Files.writeString(launcher, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' -jar '" + root.resolve("target/quarkus-app/quarkus-run.jar") + "' \"$@\"\n");
        launcher.toFile().setExecutable(true);
        Path tmp = Files.createDirectories(project.resolve("tmp"));

        ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("scripts/demo").toString())
                .directory(project.toFile()).redirectErrorStream(true);
        builder.environment().put("BUILD_DEMO_ROOT", project.toString());
        builder.environment().put("BUILD_DEMO_BUILD", launcher.toString());
        builder.environment().put("BUILD_DEMO_CLASSPATH", System.getProperty("java.class.path"));
        builder.environment().put("TMPDIR", tmp.toString());
        builder.environment().put("HOME", System.getProperty("user.home"));
        Path log = project.resolve("demo.log");
        Process demo = builder.redirectOutput(log.toFile()).start();
        if (!demo.waitFor(15, TimeUnit.MINUTES)) {
            demo.destroyForcibly();
            throw new AssertionError("the demo did not finish: " + Files.readString(log));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, demo.exitValue(), out);
        for (String cloud : List.of("aws", "oci", "gcp")) {
            assertTrue(out.contains("demo: " + cloud + ": publishing again changes nothing"), out);
            assertTrue(Files.isDirectory(project.resolve("work/images").resolve(cloud)), cloud + ": " + out);
        }
        assertTrue(out.contains("Nothing to do"), out);
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "the demo's temporary directory is gone");
        }
        ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(tmp.toString()))
                .findAny().ifPresent(p -> {
                    throw new AssertionError("left running: " + p.info().commandLine().orElse(""));
                });
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path source : walk.sorted().toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isSymbolicLink(source)) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Files.readSymbolicLink(source));
                } else if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
