package dev.cloudimages.config;

import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Log;
import dev.cloudimages.testing.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkEnvironmentTest {

    @TempDir
    Path project;
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private WorkEnvironment work;

    @BeforeEach
    void setUp() throws IOException {
        Fixtures.write(project, "configs/alpine.conf", "base = true\n");
        Fixtures.write(project, "configs/version/3.22.conf", "v = 1\n");
        Files.createSymbolicLink(project.resolve("configs/images.conf"), Path.of("alpine.conf"));
        Path setup = Fixtures.write(project, "scripts/setup", "#!/bin/sh\n");
        setup.toFile().setExecutable(true);
        work = new WorkEnvironment(project, project.resolve("work"), new Log(new PrintStream(logged), false, true));
    }

    private Path overlay(String name) throws IOException {
        Path dir = project.resolve("overlays").resolve(name);
        Files.createDirectories(dir);
        return dir;
    }

    private List<String> tree() throws IOException {
        Path workDir = project.resolve("work");
        if (!Files.exists(workDir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(workDir)) {
            return walk.map(p -> workDir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void installsBaseThenOverlaysInOrderKeepingModes() throws IOException {
        Path one = overlay("one");
        Fixtures.write(one, "configs/one.conf", "one = 1\n");
        Fixtures.write(one, "scripts/setup.d/extra", "x\n");
        Path two = overlay("two");
        Fixtures.write(two, "configs/version/two.conf", "two = 2\n");

        assertEquals(List.of("configs", "scripts"), work.install(List.of(one, two, one)));
        Path configs = project.resolve("work/configs");
        assertEquals("one = 1\n", Files.readString(configs.resolve("one.conf")));
        assertEquals("two = 2\n", Files.readString(configs.resolve("version/two.conf")));
        assertTrue(Files.isExecutable(project.resolve("work/scripts/setup")));
        assertTrue(Files.exists(project.resolve("work/scripts/setup.d/extra")));
        assertEquals(configs.resolve("alpine.conf"), work.topLevelConfig());
        assertFalse(tree().stream().anyMatch(p -> p.contains("staging")), tree().toString());
    }

    @Test
    void anOverlayImagesConfLinkRepointsTheTopLevelConfig() throws IOException {
        Path custom = overlay("custom");
        Fixtures.write(custom, "configs/custom.conf", "include required(\"alpine.conf\")\n");
        Files.createSymbolicLink(custom.resolve("configs/images.conf"), Path.of("custom.conf"));
        work.install(List.of(custom));
        Path link = project.resolve("work/configs/images.conf");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(Path.of("custom.conf"), Files.readSymbolicLink(link));
        assertEquals(project.resolve("work/configs/custom.conf"), work.topLevelConfig());
    }

    @Test
    void aCollisionFailsNamingBothSourcesAndLeavesWorkAsItWas() throws IOException {
        Path custom = overlay("clash");
        Fixtures.write(custom, "scripts/ok", "fine\n");
        Fixtures.write(custom, "configs/version/3.22.conf", "v = 2\n");
        BuildException e = assertThrows(BuildException.class, () -> work.install(List.of(custom)));
        assertTrue(e.getMessage().contains("overlay collision: configs/version/3.22.conf from overlays/clash/configs/"
                + "version/3.22.conf would overwrite the one from configs/version/3.22.conf"), e.getMessage());
        assertEquals(List.of(""), tree(), "work/ holds nothing half-installed");
    }

    @Test
    void linkedOverlayDirectoriesAreFollowedAndHiddenFilesSkipped() throws IOException {
        Path real = overlay("real");
        Fixtures.write(real, "configs/b.conf", "b = 1\n");
        Fixtures.write(real, "shared/extra/e.conf", "e = 1\n");
        Files.createSymbolicLink(real.resolve("configs/images.conf"), Path.of("b.conf"));
        Files.createSymbolicLink(real.resolve("configs/extra"), Path.of("../shared/extra"));
        Path linked = overlay("linked");
        Files.createSymbolicLink(linked.resolve("configs"), Path.of("../real/configs"));
        Fixtures.write(project, "configs/sub/.gitkeep", "");
        Fixtures.write(real, "configs/sub/.gitkeep", "");
        Fixtures.write(real, "configs/.b.conf.swp", "x");

        work.install(List.of(linked));
        Path configs = project.resolve("work/configs");
        assertEquals(configs.resolve("b.conf"), work.topLevelConfig());
        assertTrue(Files.isRegularFile(configs.resolve("extra/e.conf")), tree().toString());
        assertFalse(Files.exists(configs.resolve("sub/.gitkeep")));
        assertFalse(Files.exists(configs.resolve(".b.conf.swp")));
        assertEquals("rwxr-xr-x", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(configs)));
    }

    @Test
    void aRegularImagesConfInAnOverlayIsACollision() throws IOException {
        Path custom = overlay("regular");
        Fixtures.write(custom, "configs/images.conf", "x = 1\n");
        assertThrows(BuildException.class, () -> work.install(List.of(custom)));
    }

    @Test
    void existingOverlaysAreReusedAndCleanStartsAgain() throws IOException {
        work.install(List.of());
        Path later = overlay("later");
        Fixtures.write(later, "configs/later.conf", "l = 1\n");
        assertEquals(List.of(), work.install(List.of(later)));
        assertFalse(Files.exists(project.resolve("work/configs/later.conf")), "existing configs/ is reused as is");
        assertTrue(logged.toString().contains("Using existing 'configs' in work environment"));
        assertTrue(logged.toString().contains("--custom overlays are not applied to the existing work/configs; add --clean"));

        Fixtures.write(project, "work/configs.yaml", "old\n");
        work.install(List.of(later), true);
        assertFalse(Files.exists(project.resolve("work/configs.yaml")), "--clean empties work/");
        assertTrue(Files.exists(project.resolve("work/configs/later.conf")));
    }

    @Test
    void danglingTopLevelConfigIsReported() throws IOException {
        Files.delete(project.resolve("configs/alpine.conf"));
        work.install(List.of());
        BuildException e = assertThrows(BuildException.class, work::topLevelConfig);
        assertTrue(e.getMessage().contains("work/configs/images.conf is missing or points at a file that does not exist"),
                e.getMessage());
    }
}
