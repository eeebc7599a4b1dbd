package dev.cloudimages.support;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The .sha512 beside an image: believed while it is current, else computed and written again. */
class ChecksumFilesTest {

    /** A digest the image does not have: coming back, it shows the sidecar was read, not the image hashed. */
    private static final String RECORDED = "ab".repeat(64);

    @TempDir
    Path dir;
    private Path image;
    private Path sidecar;
    private String actual;

    @BeforeEach
    void image() throws IOException {
        image = dir.resolve("image.qcow2");
        Files.writeString(image, "an image");
        sidecar = dir.resolve("image.qcow2.sha512");
        actual = Digests.hex(image, "SHA-512");
    }

    @Test
    void aCurrentSidecarIsReadAndTheImageNotHashedAgain() throws IOException {
        sidecar(RECORDED + "  image.qcow2\n", 0);
        assertEquals(RECORDED, ChecksumFiles.sha512(image));
    }

    @Test
    void aSidecarOlderThanTheImageIsNotBelieved() throws IOException {
        sidecar(RECORDED + "  image.qcow2\n", -60);
        assertComputedAndWritten();
    }

    @Test
    void aSidecarNamingAnotherFileIsNotBelieved() throws IOException {
        sidecar(RECORDED + "  image.raw\n", 0);
        assertComputedAndWritten();
    }

    @Test
    void aSidecarWithoutAWholeDigestIsNotBelieved() throws IOException {
        sidecar(RECORDED.substring(2) + "  image.qcow2\n", 0);
        assertComputedAndWritten();
    }

    @Test
    void aMissingSidecarIsWritten() throws IOException {
        assertComputedAndWritten();
    }

    /** Writes the sidecar, its modification time {@code seconds} from the image's. */
    private void sidecar(String content, int seconds) throws IOException {
        Files.writeString(sidecar, content);
        Instant imageTime = Files.getLastModifiedTime(image).toInstant();
        Files.setLastModifiedTime(sidecar, FileTime.from(imageTime.plusSeconds(seconds)));
    }

    private void assertComputedAndWritten() throws IOException {
        assertEquals(actual, ChecksumFiles.sha512(image));
        assertEquals(actual + "  image.qcow2\n", Files.readString(sidecar));
    }
}
