package dev.cloudimages.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.Map;

/**
 * The mirror and release metadata of {@link OverlayRuns#mirror()} for one test class, as a JUnit
 * extension: {@code @RegisterExtension static final OverlayMirror MIRROR = new OverlayMirror();}
 * starts it before the class and stops it after, so test classes that build on the test overlay
 * do not each carry the same fixture code.
 */
public final class OverlayMirror implements BeforeAllCallback, AfterAllCallback {

    private FixtureServer server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = OverlayRuns.mirror();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.close();
    }

    public FixtureServer server() {
        return server;
    }

    /** {@link OverlayRuns#prepare} with this class's mirror. */
    public void prepare(Path project, Map<String, String> env) throws Exception {
        OverlayRuns.prepare(project, env, server);
    }

    /**
     * The fake AWS's environment for a project, with no shared config or credentials files of the
     * machine's user in the way (they would point the SDK elsewhere).
     */
    public static void awsEnv(Map<String, String> env, Map<String, String> fakeAws, Path project) {
        env.putAll(fakeAws);
        env.put("AWS_CONFIG_FILE", project.resolve("no-aws-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", project.resolve("no-aws-credentials").toString());
    }
}
