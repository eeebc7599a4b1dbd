package dev.cloudimages.support;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LibraryLogTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private Log log(boolean debug) {
        return new Log(new PrintStream(out, true, StandardCharsets.UTF_8), false, debug);
    }

    @Test
    void libraryWarningsAreOurLinesOneLineAndShort() {
        Log log = log(false);
        try (LibraryLog ignored = LibraryLog.install(() -> log)) {
            Logger sdk = Logger.getLogger("com.oracle.bmc.objectstorage.ObjectStorageClient");
            sdk.warning("Warning for OCI SDK usage\nwith the Apache Connector " + "x".repeat(900));
            sdk.info("chatter");
            Logger.getLogger("software.amazon.awssdk.core.Retry").severe("gave up");
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length, out.toString(StandardCharsets.UTF_8));
        assertTrue(lines[0].matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ WARN  oci \\(ObjectStorageClient\\): "
                + "Warning for OCI SDK usage with the Apache Connector x+\\.\\.\\. \\(--debug shows all of it\\)"), lines[0]);
        assertTrue(lines[0].length() < 420, lines[0]);
        assertTrue(lines[1].endsWith("ERROR aws (Retry): gave up"), lines[1]);
        assertEquals("false", System.getProperty("oci.javasdk.extra.stream.logs.enabled"),
                "the OCI SDK's stream advice is off by its own switch");
    }

    @Test
    void withDebugEverythingAndAllOfItButStillOneFormat() {
        Log log = log(true);
        try (LibraryLog ignored = LibraryLog.install(() -> log)) {
            Logger sdk = Logger.getLogger("com.google.cloud.storage.Storage");
            sdk.setLevel(java.util.logging.Level.ALL);
            sdk.info("a " + "y".repeat(500));
            sdk.setLevel(null);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("DEBUG gcp (Storage): a " + "y".repeat(500) + "\n"), text);
        assertFalse(Logger.getLogger("").getHandlers().length > 0
                && java.util.Arrays.stream(Logger.getLogger("").getHandlers()).anyMatch(LibraryLog.class::isInstance),
                "removed when the run ends");
    }

    @Test
    void consoleControlCharactersNeverReachTheTerminal() {
        Log log = log(false);
        log.info("[v] | %s", "\u001b[2J\u001b[H\u001b[1;32mBdsDxe:\u001b[0m loading\u0007 \u001b]0;title\u0007done\r");
        assertEquals("INFO  [v] | BdsDxe: loading done", out.toString(StandardCharsets.UTF_8).trim().substring(21));
    }
}
