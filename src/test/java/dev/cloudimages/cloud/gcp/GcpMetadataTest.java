package dev.cloudimages.cloud.gcp;

import dev.cloudimages.support.BuildException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the metadata server may be asked: never with NO_GCE_CHECK, always when GCE_METADATA_HOST names one. */
class GcpMetadataTest {

    @TempDir
    Path home;

    @Test
    void noGceCheckWinsOverEverything() {
        assertFalse(GcpSession.onGce(Map.of("NO_GCE_CHECK", "true", "GCE_METADATA_HOST", "127.0.0.1:9")));
    }

    @Test
    void aNamedMetadataHostIsAsked() {
        assertTrue(GcpSession.onGce(Map.of("GCE_METADATA_HOST", "127.0.0.1:9")));
    }

    @Test
    void withoutCredentialsOffGceTheSessionSaysWhatToRunAndAsksNoServer() {
        BuildException failure = assertThrows(BuildException.class, () -> GcpSession.open(Map.of("HOME",
                home.toString(), "NO_GCE_CHECK", "true", "GOOGLE_CLOUD_PROJECT", "p")));
        assertTrue(failure.getMessage().contains("run 'gcloud auth application-default login'"), failure.getMessage());
    }
}
