package dev.cloudimages.local;

import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What goes into the builder: the FAT payload disk, the env file, the Alpine apkovl, the tunables. */
class PayloadTest {

    @TempDir
    Path dir;

    @Test
    void thePayloadDiskHoldsRunnerEnvScriptsAndDirs() throws Exception {
        Tools.require("mformat", "mcopy", "mtype", "mdir");
        Path scripts = dir.resolve("scripts");
        Files.createDirectories(scripts.resolve("setup.d/sub"));
        Files.writeString(scripts.resolve("setup"), "#!/bin/sh\necho setup\n");
        Files.writeString(scripts.resolve("cleanup"), "#!/bin/sh\necho cleanup\n");
        Files.writeString(scripts.resolve("setup.d/sub/data"), "data");
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("scripts", List.of("setup", "cleanup"));
        config.put("script_dirs", List.of("setup.d"));
        ResolvedVariant variant = new ResolvedVariant("v", Map.of(), config);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MOTD", "it's \"quoted\"\nand $(not run)");
        Path image = dir.resolve("payload.img");
        HostTools tools = new HostTools(System.getenv());

        PayloadDisk.make(image, dir.resolve("staging"), variant, scripts, env, tools);

        Map<String, String> mtools = Map.of("MTOOLS_SKIP_CHECK", "1");
        String listing = tools.run(List.of("mdir", "-i", image.toString(), "-/", "-b", "::"), Duration.ofSeconds(30), mtools);
        for (String path : List.of("::/build/run", "::/build/env", "::/build/scripts.list", "::/build/scripts/setup",
                "::/build/scripts/cleanup", "::/build/dirs/setup.d/sub/data", "::/localhost.apkovl.tar.gz")) {
            assertTrue(listing.lines().anyMatch(l -> l.equalsIgnoreCase(path)), path + " in\n" + listing);
        }
        assertEquals("setup\ncleanup", tools.run(List.of("mtype", "-i", image.toString(), "::/build/scripts.list"),
                Duration.ofSeconds(30), mtools));

        // the env file gives the shell back exactly the value, running nothing
        Path envFile = dir.resolve("env");
        Files.writeString(envFile, BuildEnvironment.envFile(env));
        Process shell = new ProcessBuilder("sh", "-c", ". \"$1\"; printf '%s' \"$MOTD\"", "sh", envFile.toString()).start();
        assertEquals(env.get("MOTD"), new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void theBuilderGetsTheHostsProxies() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("arch", "x86_64");
        config.put("mirror", "https://dl-cdn.alpinelinux.org/alpine");
        config.put("builder_release", "3.24.1");
        dev.cloudimages.plan.VariantPlan plan = new dev.cloudimages.plan.VariantPlan(
                new ResolvedVariant("v", Map.of(), config), "b", "b-r0", 0, "2030-01-01", List.of(),
                dev.cloudimages.plan.LocalImages.Status.ABSENT, java.util.Optional.empty(), "sha256:x", List.of(),
                false, java.util.Optional.empty());
        dev.cloudimages.support.BuildClock clock = new dev.cloudimages.support.BuildClock(
                java.time.Instant.parse("2026-11-23T00:00:00Z"), false);
        Map<String, String> env = BuildEnvironment.of(plan, false, clock,
                Map.of("https_proxy", "http://localhost:3128", "no_proxy", ".corp"));
        assertEquals("http://10.0.2.2:3128", env.get("https_proxy"));
        assertEquals("http://10.0.2.2:3128", env.get("HTTPS_PROXY"));
        assertEquals(".corp", env.get("no_proxy"));
        assertTrue(BuildEnvironment.of(plan, false, clock, Map.of()).keySet().stream()
                .noneMatch(k -> k.toLowerCase(java.util.Locale.ROOT).contains("proxy")));
    }

    @Test
    void theApkovlHasTheHookFilesAndRunlevelLinks() throws Exception {
        byte[] apkovl = Apkovl.build();
        Path archive = dir.resolve("localhost.apkovl.tar.gz");
        Files.write(archive, apkovl);
        Process tar = new ProcessBuilder("tar", "-tvzf", archive.toString()).redirectErrorStream(true).start();
        String listing = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, tar.waitFor(), listing);
        assertTrue(listing.lines().anyMatch(l -> l.startsWith("-rwxr-xr-x") && l.endsWith("etc/local.d/build.start")),
                listing);
        assertTrue(listing.contains("etc/runlevels/default/local -> /etc/init.d/local"), listing);
        assertTrue(listing.contains("etc/runlevels/sysinit/modloop -> /etc/init.d/modloop"), listing);
        assertTrue(listing.lines().noneMatch(l -> l.endsWith("README")), "the README stays out: " + listing);
        assertTrue(java.util.Arrays.equals(apkovl, Apkovl.build()), "the same bytes every time");
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(apkovl))) {
            assertTrue(in.readAllBytes().length % 512 == 0);
        }
    }

    @Test
    void tunablesHaveDocumentedDefaultsAndLaterFilesWin() throws IOException {
        VmTunables defaults = VmTunables.load(List.of());
        assertEquals(1024, defaults.memoryMib());
        assertEquals("auto", defaults.accel());
        assertEquals(Duration.ofMinutes(60), defaults.buildTimeout("aarch64"));

        Path first = Files.writeString(dir.resolve("a.conf"), "memory = 2048\nextra_args.x86_64 = [ \"-rtc\", \"base=utc\" ]\n");
        Path second = Files.writeString(dir.resolve("b.conf"), "memory = 512\nbuild_timeout.x86_64 = 90s\n");
        VmTunables tuned = VmTunables.load(new ArrayList<>(List.of(first, second)));
        assertEquals(512, tuned.memoryMib());
        assertEquals(Duration.ofSeconds(90), tuned.buildTimeout("x86_64"));
        assertEquals(Duration.ofMinutes(60), tuned.buildTimeout("aarch64"));
        assertEquals(List.of("-rtc", "base=utc"), tuned.extraArgs("x86_64"));

        for (String bad : List.of("accel = fast", "memory = lots", "cpus = 0", "extra_args.x86_64 = -rtc")) {
            Path file = Files.writeString(dir.resolve("bad.conf"), bad + "\n");
            dev.cloudimages.support.BuildException e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.cloudimages.support.BuildException.class, () -> VmTunables.load(List.of(file)));
            assertTrue(e.getMessage().startsWith("--vars"), e.getMessage());
        }
    }
}
