package dev.cloudimages.store;

import dev.cloudimages.store.file.FileStore;
import dev.cloudimages.support.BuildException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A store that may put objects but not look for an earlier upload's leftovers (an S3 role without
 * s3:ListBucketMultipartUploads) still takes the upload: leftovers cost storage, not correctness.
 */
class SweepFailureTest {

    @TempDir
    Path dir;

    @Test
    void anUploadWhoseSweepIsRefusedStillUploadsAndSaysWhy() throws Exception {
        FileStore files = new FileStore(dir.resolve("store"), "file://" + dir.resolve("store"));
        ArtifactStore store = new NoSweep(files);
        Path image = Files.write(dir.resolve("image.qcow2"), new byte[] {1, 2, 3});

        ArtifactStore.Uploaded uploaded = store.upload(image, "image-r0.qcow2", ArtifactStore.TransferListener.NONE);

        assertEquals(0, uploaded.leftoversRemoved());
        assertEquals(Optional.of("s3://images: access denied to s3:ListBucketMultipartUploads"), uploaded.sweepFailure());
        assertArrayEquals(new byte[] {1, 2, 3}, files.read("image-r0.qcow2").orElseThrow());
        assertEquals(List.of("image-r0.qcow2"), files.list(""));
    }

    /** The file store, with the sweep refused as a bucket policy would. */
    private record NoSweep(FileStore files) implements ArtifactStore {
        @Override
        public int sweepTemporaries(String name) {
            throw new BuildException("s3://images: access denied to s3:ListBucketMultipartUploads");
        }

        @Override
        public String url() {
            return files.url();
        }

        @Override
        public Optional<StoredObject> stat(String name) {
            return files.stat(name);
        }

        @Override
        public List<String> list(String prefix) {
            return files.list(prefix);
        }

        @Override
        public Optional<byte[]> read(String name) {
            return files.read(name);
        }

        @Override
        public void download(String name, Path target, TransferListener listener) {
            files.download(name, target, listener);
        }

        @Override
        public void transfer(Path file, String name, TransferListener listener) {
            files.transfer(file, name, listener);
        }

        @Override
        public void write(String name, byte[] content) {
            files.write(name, content);
        }

        @Override
        public boolean createIfAbsent(String name, byte[] content) {
            return files.createIfAbsent(name, content);
        }

        @Override
        public boolean replaceIfUnchanged(String name, String expected, byte[] content) {
            return files.replaceIfUnchanged(name, expected, content);
        }

        @Override
        public void delete(String name) {
            files.delete(name);
        }
    }
}
