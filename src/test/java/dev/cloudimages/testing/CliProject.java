package dev.cloudimages.testing;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A copy of the repository's configs, scripts and overlays in a test's directory, and the
 * environment the CLI runs with there: the release list from a {@link ReleasesServer}, and of the
 * machine's environment only what a test puts in.
 */
public final class CliProject {

    /** The build time the plan tests date their images by: 2026-11-18. */
    public static final String SOURCE_DATE_EPOCH = "1795000000";

    private final Path dir;
    private final Map<String, String> env = new HashMap<>();

    private CliProject(Path dir) {
        this.dir = dir;
    }

    public static CliProject copy(Path dir, ReleasesServer releases) {
        ProjectCopy.into(dir);
        CliProject project = new CliProject(dir);
        project.env.put("ALPINE_RELEASES_URL", releases.releasesUrl());
        return project;
    }

    /** Builds dated {@link #SOURCE_DATE_EPOCH}, whatever the day the test runs. */
    public CliProject dated() {
        env.put("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH);
        return this;
    }

    /**
     * None of the machine's cloud settings: no AWS or OCI profile files (the adapters find no
     * region and say so), no gcloud configuration, and never the GCE metadata server.
     */
    public CliProject withoutMachineCloudSettings() {
        env.put("AWS_CONFIG_FILE", dir.resolve("no-aws-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-aws-credentials").toString());
        env.put("OCI_CONFIG_FILE", dir.resolve("no-oci-config").toString());
        env.put("CLOUDSDK_CONFIG", dir.resolve("no-gcloud").toString());
        env.put("NO_GCE_CHECK", "true");
        return this;
    }

    /** The environment the CLI gets; a test changes it for the runs that follow. */
    public Map<String, String> env() {
        return env;
    }

    /** One run of the CLI in the project directory, not on a terminal. */
    public CliRun run(String... args) {
        return CliRun.run(env, dir, false, args);
    }
}
