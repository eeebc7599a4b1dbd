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
    void derivedTreesFollowTheirSourcesAndOverlaysAreRemembered() throws IOException {
        assertEquals(List.of("configs", "scripts"), work.install(List.of()));
        assertEquals(List.of(), work.install(List.of()), "nothing changed, nothing installed");
        assertTrue(logged.toString().contains("work/configs is up to date with configs"), logged.toString());

        // an edit to a source is installed on the next run, and the log says what changed
        Fixtures.write(project, "configs/alpine.conf", "base = false\n");
        Path added = Fixtures.write(project, "scripts/setup.d/new", "x\n");
        assertEquals(List.of("configs", "scripts"), work.install(List.of()));
        assertEquals("base = false\n", Files.readString(project.resolve("work/configs/alpine.conf")));
        assertTrue(Files.exists(project.resolve("work/scripts/setup.d/new")));
        assertTrue(logged.toString().contains("Re-installing work/configs from configs: changed since it was made:"
                + " alpine.conf"), logged.toString());
        assertTrue(logged.toString().contains("setup.d (new), setup.d/new (new)"), logged.toString());
        Files.delete(added);
        Files.delete(added.getParent());
        project.resolve("scripts/setup").toFile().setExecutable(false);
        work.install(List.of());
        assertFalse(Files.exists(project.resolve("work/scripts/setup.d")));
        assertFalse(Files.isExecutable(project.resolve("work/scripts/setup")), "a mode change counts");

        // an overlay given once is applied on later runs too, and changes in it are picked up
        Path later = overlay("later");
        Fixtures.write(later, "configs/later.conf", "l = 1\n");
        assertEquals(List.of("configs"), work.install(List.of(later)));
        Fixtures.write(later, "configs/later.conf", "l = 2\n");
        assertEquals(List.of("configs"), work.install(List.of()));
        assertEquals("l = 2\n", Files.readString(project.resolve("work/configs/later.conf")));
        assertTrue(logged.toString().contains("Applying the overlays of an earlier run: overlays/later"), logged.toString());
        assertFalse(tree().stream().anyMatch(p -> p.contains("staging")), tree().toString());

        // --clean drops the remembered overlays and everything derived or cached, never built images
        Fixtures.write(project, "work/configs.yaml", "old\n");
        Fixtures.write(project, "work/cache/iso/alpine.iso", "iso\n");
        Fixtures.write(project, "work/images/aws/img/image.qcow2", "image\n");
        work.install(List.of(), true);
        assertFalse(Files.exists(project.resolve("work/configs.yaml")), "--clean removes what is derived");
        assertFalse(Files.exists(project.resolve("work/cache")), "--clean removes the caches");
        assertFalse(Files.exists(project.resolve("work/configs/later.conf")), "--clean forgets the overlays");
        assertTrue(Files.exists(project.resolve("work/images/aws/img/image.qcow2")), "--clean keeps built images");

        // only --clean-images removes them
        work.install(List.of(), false, true);
        assertFalse(Files.exists(project.resolve("work/images")));
    }

    @Test
    void aRememberedOverlayThatIsGoneIsAnError() throws IOException {
        Path gone = overlay("gone");
        work.install(List.of(gone));
        Files.delete(gone);
        BuildException e = assertThrows(BuildException.class, () -> work.install(List.of()));
        assertTrue(e.getMessage().contains("the overlay overlays/gone (remembered in work/overlays.list from an earlier"
                + " --custom) no longer exists; give --custom again, or --clean"), e.getMessage());
        work.install(List.of(), true);
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
