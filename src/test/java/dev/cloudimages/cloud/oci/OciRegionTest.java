package dev.cloudimages.cloud.oci;

import dev.cloudimages.support.BuildException;
import dev.cloudimages.testing.oci.FakeOci;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The region of the OCI config checked before the SDK sees it, and the SDK's own warnings as our log lines. */
class OciRegionTest {

    @TempDir
    Path dir;

    @Test
    void anUnknownRegionIsOneLineWithoutAStackTraceAndNoRequest() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            Path config = Path.of(f.env.get("OCI_CONFIG_FILE"));
            Files.writeString(config, Files.readString(config).replace("region=eu-frankfurt-1", "region=eu-nowhere-1"));
            String err = stderrOf(() -> {
                BuildException e = assertThrows(BuildException.class, f::adapter);
                assertTrue(e.getMessage().startsWith("oci: unknown region 'eu-nowhere-1' (profile 'DEFAULT' of ")
                        && !e.getMessage().contains("\n"), e.getMessage());
            });
            assertFalse(err.contains("\tat "), "no stack trace: " + err);
            assertTrue(f.oci.requests().isEmpty());

            f.env.put("OCI_CLI_REGION", "us-nowhere-9");
            BuildException e = assertThrows(BuildException.class, f::adapter);
            assertTrue(e.getMessage().contains("unknown region 'us-nowhere-9' (OCI_CLI_REGION)"), e.getMessage());
        }
    }

    /** OCI_CLI_REGION wins over the profile's region; the SDK still reads the profile and warns: one line of ours. */
    @Test
    void theSdksWarningsAreOneLineInOurFormat() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            Path config = Path.of(f.env.get("OCI_CONFIG_FILE"));
            Files.writeString(config, Files.readString(config).replace("region=eu-frankfurt-1", "region=eu-elsewhere-7"));
            f.env.put("OCI_CLI_REGION", OciFixture.HOME);
            // as in every CLI run, libraries' records go through LibraryLog into the tool's log
            String err = stderrOf(() -> {
                dev.cloudimages.support.Log log = new dev.cloudimages.support.Log(System.err, false, false);
                try (dev.cloudimages.support.LibraryLog ignored = dev.cloudimages.support.LibraryLog.install(() -> log)) {
                    f.adapter().latestBuildImage("cloudimages-test", OciFixture.BUILD, OciFixture.settings(Map.of()));
                }
            });
            List<String> lines = err.lines().toList();
            assertEquals(1, lines.size(), err);
            assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ WARN  oci \\(\\w+\\): .*eu-elsewhere-7.*"),
                    err);
            assertTrue(f.oci.requests().stream().allMatch(r -> r.region().equals(OciFixture.HOME)));
        }
    }

    @Test
    void aPublishRegionOciDoesNotKnowFailsBeforeAnyChange() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            assertFalse(OciSession.knownRegion("eu-nowhere-1"));
            assertTrue(OciSession.knownRegion("eu-frankfurt-1"));
            assertTrue(OciSession.knownRegion(FakeOci.SUBSCRIBING));
        }
    }

    private static String stderrOf(Runnable action) {
        PrintStream old = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(old);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
