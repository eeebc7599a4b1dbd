package dev.cloudimages.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;

/**
 * The Alpine release list (releases.json) served on 127.0.0.1 for one test class: registered as a
 * static extension, it starts before the class's tests and stops after them.
 */
public final class ReleasesServer implements BeforeAllCallback, AfterAllCallback {

    private FixtureServer server;

    public String releasesUrl() {
        return server.url("/releases.json");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        server = new FixtureServer().serve("/releases.json", Fixtures.releasesJson());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.close();
    }
}
