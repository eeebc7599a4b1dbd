package dev.cloudimages.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the tests that run the real local step share: the test builder's mirror and the release
 * metadata served from 127.0.0.1, a project copy with the test overlay, and CLI runs of one of the
 * overlay's x86_64 BIOS variants under TCG.
 */
public final class OverlayRuns {

    private OverlayRuns() {
    }

    /** The release metadata and the test builder's mirror on 127.0.0.1; close it after the class. */
    public static FixtureServer mirror() throws Exception {
        Tools.require("qemu-system-x86_64", "qemu-img", "mformat", "mcopy");
        Path builder = TestBuilder.prepare();
        return new FixtureServer().serve("/releases.json", Fixtures.releasesJson())
                .serveTree("/mirror", builder.resolve("mirror"));
    }

    /**
     * A project copy in {@code project} with the test overlay (long operations polled every 50 ms)
     * and a TCG tunables file; {@code env} gains what a run needs besides the cloud's own variables.
     */
    public static void prepare(Path project, Map<String, String> env, FixtureServer server) throws Exception {
        ProjectCopy.into(project);
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", project.toString());
        env.put("ALPINE_RELEASES_URL", server.url("/releases.json"));
        env.put("ALPINE_MIRROR", server.url("/mirror"));
        env.put("SOURCE_DATE_EPOCH", "1795000000");
        Files.writeString(project.resolve("tcg.conf"), "accel = tcg\n");
        TestBuilder.overlay(project.resolve("overlay"), "Default { poll_interval = 50ms }");
    }

    /** {@code ./build ARGS} on the overlay's x86_64 BIOS variant of {@code cloud}. */
    public static CliRun run(Map<String, String> env, Path project, String cloud, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--custom", "overlay", "--only", "x86_64", "bios", cloud, "--vars", "tcg.conf"));
        return CliRun.run(env, project, false, all.toArray(String[]::new));
    }
}
