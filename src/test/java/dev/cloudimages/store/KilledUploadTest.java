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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process killed outright (kill -9) half-way through an upload leaves no object under the final
 * name: the upload reads from a FIFO the test feeds, so the kill lands mid-transfer for sure.
 */
class KilledUploadTest {

    @TempDir
    Path temp;

    @Test
    void aKilledUploadLeavesNoFinalNamedObject() throws Exception {
        Tools.require("mkfifo");
        Path storeDir = temp.resolve("store");
        Path fifo = temp.resolve("image.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        String url = "file://" + storeDir;
        Process uploader = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StoreUploadMain.class.getName(), url, fifo.toString(),
                "image-r0.qcow2").redirectErrorStream(true).start();
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
        try (var files = Files.list(storeDir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().allMatch(ObjectNames::isTemporary), "only a hidden temporary: " + names);
        }

        Path whole = temp.resolve("whole");
        Files.write(whole, new byte[1 << 20]);
        store.upload(whole, "image-r0.qcow2", ArtifactStore.TransferListener.NONE);
        assertEquals(1 << 20, store.stat("image-r0.qcow2").orElseThrow().size(), "the next upload lands whole");
        assertFalse(store.list("").contains(".image-r0.qcow2"));
    }
}
