package dev.cloudimages.it;

import dev.cloudimages.testing.Fixtures;
import dev.cloudimages.testing.FixtureServer;
import dev.cloudimages.testing.ProjectCopy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ./build launcher's class-data sharing archive, on a copy of the launcher and the packaged JVM
 * application: recorded by the first step run, reused after, recorded again when the package or
 * the JDK changes, and never the cause of a failed run, whatever state it is found in.
 */
class LauncherCdsIT {

    private static FixtureServer server;

    @TempDir
    Path root;
    @TempDir
    Path project;
    private Path archive;

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

    @BeforeEach
    void copyLauncherAndPackage() throws IOException {
        Path repo = Fixtures.projectRoot();
        // the archive is the JVM package's; under -Pnative the launcher runs the native executable
        String nativeImage = System.getProperty("native.image.path", "");
        assumeFalse(!nativeImage.isBlank() && Files.isExecutable(Path.of(nativeImage)), "native executable built");
        assumeTrue(Files.isRegularFile(repo.resolve("target/quarkus-app/quarkus-run.jar")), "JVM package not built");
        Files.copy(repo.resolve("build"), root.resolve("build"), StandardCopyOption.COPY_ATTRIBUTES);
        Path app = repo.resolve("target/quarkus-app");
        try (Stream<Path> walk = Files.walk(app)) {
            for (Path source : walk.sorted().toList()) {
                Path dest = root.resolve("target/quarkus-app").resolve(app.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(source, dest, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        ProjectCopy.into(project);
        archive = root.resolve("target/cds/build.jsa");
    }

    private Result build(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(root.resolve("build").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile());
        builder.environment().remove("BUILD_JAVA_OPTS");
        builder.environment().remove("BUILD_CDS");
        builder.environment().put("ALPINE_RELEASES_URL", server.url("/releases.json"));
        builder.environment().put("SOURCE_DATE_EPOCH", "1795000000");
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

    /** A state run that must succeed; its stdout (the plan table) is the same with or without an archive. */
    private String state(Map<String, String> env) throws IOException, InterruptedException {
        Result result = build(env, "state", "--only", "3.24", "x86_64");
        assertEquals(0, result.exitCode(), result.stderr());
        assertFalse(result.stderr().contains("cds"), "no class-sharing messages: " + result.stderr());
        return result.stdout();
    }

    private Object archiveIdentity() throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(archive, BasicFileAttributes.class);
        return List.of(attributes.fileKey(), attributes.lastModifiedTime());
    }

    /** Whether a run mapped application classes from the archive, from the JVM's class-loading log. */
    private boolean usesArchive() throws IOException, InterruptedException {
        Path log = root.resolve("classes.log");
        Files.deleteIfExists(log);
        state(Map.of("BUILD_JAVA_OPTS", "-Xlog:class+load:file=" + log));
        return Files.readString(log).contains("dev.cloudimages.config.VariantResolver source: shared objects file (top)");
    }

    private List<String> cdsFiles() throws IOException {
        try (Stream<Path> files = Files.list(archive.getParent())) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theFirstStepRunRecordsTheArchiveAndLaterRunsReuseIt() throws IOException, InterruptedException {
        Result version = build(Map.of(), "--version");
        assertEquals(0, version.exitCode(), version.stderr());
        assertFalse(Files.exists(archive), "--version alone does not record an archive");

        String withoutArchive = state(Map.of());
        assertEquals(List.of("build.jsa", "build.jsa.id"), cdsFiles(), "the archive and its id, nothing left over");
        Object recorded = archiveIdentity();

        assertTrue(usesArchive());
        assertEquals(withoutArchive, state(Map.of()), "the same output with the archive");
        assertEquals(recorded, archiveIdentity(), "reused, not recorded again");
    }

    @Test
    void aRepackagedCliOrAnotherJdkRecordsANewArchive() throws IOException, InterruptedException {
        state(Map.of());
        Object first = archiveIdentity();

        Path appJar;
        try (Stream<Path> jars = Files.list(root.resolve("target/quarkus-app/app"))) {
            appJar = jars.filter(f -> f.toString().endsWith(".jar")).findFirst().orElseThrow();
        }
        Files.setLastModifiedTime(appJar, FileTime.from(Instant.now().plusSeconds(5)));
        state(Map.of());
        Object second = archiveIdentity();
        assertNotEquals(first, second, "a jar newer than the archive: recorded again");
        Files.setLastModifiedTime(appJar, FileTime.from(Instant.now().minusSeconds(60)));

        Path id = root.resolve("target/cds/build.jsa.id");
        Files.writeString(id, Files.readString(id).replace("java", "another-java"));
        state(Map.of());
        assertNotEquals(second, archiveIdentity(), "another JDK: recorded again");
        assertTrue(usesArchive());
    }

    @Test
    void aDamagedArchiveNeverFailsARun() throws IOException, InterruptedException {
        String expected = state(Map.of());
        long size = Files.size(archive);

        // truncated (the JVM itself would crash on this one): not used, recorded again
        archive.toFile().setWritable(true);
        try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
            file.setLength(size / 2);
        }
        assertEquals(expected, state(Map.of()));
        assertTrue(usesArchive(), "recorded again, whole");
        size = Files.size(archive);

        // the same size with damage inside: the JVM's checksums refuse it and load classes as usual
        archive.toFile().setWritable(true);
        try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
            for (long at = 0; at < size; at += size / 8) {
                file.seek(at);
                file.write("damaged".getBytes(StandardCharsets.US_ASCII));
            }
        }
        assertEquals(expected, state(Map.of()));
        assertFalse(usesArchive(), "a damaged archive is not mapped");
    }

    @Test
    void buildCdsOffRecordsNothing() throws IOException, InterruptedException {
        state(Map.of("BUILD_CDS", "off"));
        assertFalse(Files.exists(archive.getParent()));
    }
}
