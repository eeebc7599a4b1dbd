package dev.cloudimages.store;

import dev.cloudimages.testing.StoreUploadMain;
import dev.cloudimages.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process killed outright (kill -9) half-way through an upload leaves no object under the final
 * name: the upload reads from a FIFO the test feeds, so the kill lands mid-transfer for sure. What
 * it does leave, its hidden temporary file, is removed by the next run's upload of the same name.
 */
class KilledUploadTest {

    @TempDir
    Path temp;

    @Test
    void aKilledUploadLeavesNoFinalNamedObjectAndTheRerunLeavesNothing() throws Exception {
        Tools.require("mkfifo");
        Path storeDir = temp.resolve("store");
        Path fifo = temp.resolve("image.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        String url = "file://" + storeDir;
        Process uploader = uploader(url, fifo);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(uploader.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("started", out.readLine());
            try (OutputStream feed = Files.newOutputStream(fifo)) {
                feed.write(new byte[4 << 20]); // 4 MiB through the pipe: the upload is under way
                feed.flush();
                uploader.destroyForcibly(); // kill -9 while the writer still has the pipe open
                assertTrue(uploader.waitFor(30, TimeUnit.SECONDS));
            } catch (java.io.IOException brokenPipe) {
                // the reader died first: as intended
            }
        } finally {
            uploader.destroyForcibly();
        }
        assertEquals(137, uploader.exitValue(), "killed by SIGKILL");

        ArtifactStore store = ArtifactStores.shipped(Map.of()).open(StoreUrl.parse(url, "test"));
        assertTrue(store.stat("image-r0.qcow2").isEmpty(), "no final-named object");
        assertEquals(List.of(), store.list(""), "nothing listed");
        List<String> left = names(storeDir);
        assertEquals(1, left.size(), "the killed upload's temporary: " + left);
        assertTrue(ObjectNames.isTemporaryOf("image-r0.qcow2", left.get(0)), left.toString());

        // the rerun, a process of its own as a run is, uploads the same name from a whole file
        Path whole = temp.resolve("whole");
        Files.write(whole, new byte[1 << 20]);
        Process rerun = uploader(url, whole);
        String output = new String(rerun.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(rerun.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, rerun.exitValue(), output);
        assertEquals("started\ndone, removed 1 leftover(s)\n", output);
        assertEquals(1 << 20, store.stat("image-r0.qcow2").orElseThrow().size(), "the next upload lands whole");
        assertEquals(List.of("image-r0.qcow2"), names(storeDir), "and leaves no .part behind");
        assertEquals(List.of("image-r0.qcow2"), store.list(""));
    }

    private static Process uploader(String url, Path file) throws java.io.IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StoreUploadMain.class.getName(), url, file.toString(),
                "image-r0.qcow2").redirectErrorStream(true).start();
    }

    private static List<String> names(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
