package dev.cloudimages.store.gs;

import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.cloudimages.cloud.gcp.GcpStoreAccess;
import dev.cloudimages.store.ArtifactStore;
import dev.cloudimages.store.StoreUrl;
import dev.cloudimages.store.StoredObject;
import dev.cloudimages.store.ObjectNames;
import dev.cloudimages.support.BuildException;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code gs://bucket/prefix} through google-cloud-storage over HTTP/JSON. Every write is a
 * resumable upload straight to the final name: Cloud Storage makes the object visible only when
 * the last byte has arrived (and, for files, only when its CRC32C and MD5 match what was sent
 * ahead), so there is nothing half-written to hide and no temporary name is needed. The version of
 * an object is its generation; the conditional writes are Cloud Storage preconditions:
 * ifGenerationMatch=0 (absent) and ifGenerationMatch=N (unchanged).
 */
final class GsStore implements ArtifactStore {

    private static final int BUFFER = 1 << 20;
    private static final int CHUNK = 16 << 20;

    private final Storage storage;
    private final String url;
    private final String bucket;
    private final String prefix;
    private final GsFailures failures;
    private volatile boolean bucketSeen;

    private GsStore(GcpStoreAccess access, StoreUrl url) {
        this.storage = access.storage();
        this.url = url.text();
        this.bucket = url.authority();
        this.prefix = url.path();
        this.failures = new GsFailures(url.text(), url.authority(), access);
    }

    static ArtifactStore open(StoreUrl url, Map<String, String> env) {
        try {
            return new GsStore(GcpStoreAccess.open(env), url);
        } catch (BuildException e) {
            throw new BuildException("store " + url.text() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public Optional<StoredObject> stat(String name) {
        Blob blob;
        try {
            blob = storage.get(id(name));
        } catch (StorageException e) {
            throw failures.of("reading " + name, e);
        }
        if (blob == null) {
            // the client answers null for a missing bucket too: tell the two apart once
            checkBucket();
            return Optional.empty();
        }
        bucketSeen = true;
        return Optional.of(new StoredObject(name, blob.getSize(), Long.toString(blob.getGeneration())));
    }

    @Override
    public List<String> list(String namePrefix) {
        String base = prefix.isEmpty() ? "" : prefix + "/";
        List<String> names = new ArrayList<>();
        try {
            // currentDirectory: one flat level under the prefix, deeper "directories" come back as prefixes
            for (Blob blob : storage.list(bucket, Storage.BlobListOption.prefix(base + namePrefix),
                    Storage.BlobListOption.currentDirectory()).iterateAll()) {
                String name = blob.getName().substring(base.length());
                // the prefix is checked here too: a listing is only as good as the service's prefix matching
                if (!blob.isDirectory() && name.startsWith(namePrefix) && !name.startsWith(".")) {
                    names.add(name);
                }
            }
        } catch (StorageException e) {
            throw failures.of("listing " + (namePrefix.isEmpty() ? "the store" : namePrefix + "*"), e);
        }
        bucketSeen = true;
        return names.stream().sorted().toList();
    }

    @Override
    public Optional<byte[]> read(String name) {
        try {
            byte[] content = storage.readAllBytes(id(name));
            bucketSeen = true;
            return Optional.of(content);
        } catch (StorageException e) {
            if (GsFailures.notFound(e)) {
                checkBucket();
                return Optional.empty();
            }
            throw failures.of("reading " + name, e);
        }
    }

    @Override
    public void download(String name, Path target, TransferListener listener) {
        StoredObject object = stat(name).orElseThrow(() -> new BuildException("store " + url + " has no " + name));
        // that generation exactly: a replacement meanwhile fails the download instead of mixing two versions
        BlobId pinned = BlobId.of(bucket, key(name), Long.parseLong(object.version()));
        try (OutputStream out = new Counting(Files.newOutputStream(target), object.size(), listener)) {
            storage.downloadTo(pinned, out);
        } catch (StorageException e) {
            throw failures.of("downloading " + name, e);
        } catch (IOException e) {
            throw new BuildException("store " + url + ": downloading " + name + " to " + target + " failed: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void transfer(Path file, String name, TransferListener listener) {
        GcpStoreAccess.Checksums sums = GcpStoreAccess.checksums(file);
        BlobInfo info = BlobInfo.newBuilder(id(name)).setContentType("application/octet-stream")
                .setCrc32c(sums.crc32c()).setMd5(sums.md5()).build();
        // should reading the file fail half-way, closing the channel sends a short object, which
        // Cloud Storage refuses: its CRC32C and MD5 are not the ones announced
        try (InputStream in = Files.newInputStream(file)) {
            send(info, "uploading " + file.getFileName() + " as " + name, writer -> {
                byte[] buffer = new byte[BUFFER];
                long done = 0;
                for (int n; (n = in.read(buffer)) > 0; ) {
                    writeFully(writer, ByteBuffer.wrap(buffer, 0, n));
                    done += n;
                    listener.transferred(done, sums.size());
                }
            }, Storage.BlobWriteOption.crc32cMatch(), Storage.BlobWriteOption.md5Match());
        } catch (IOException e) {
            throw new BuildException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /**
     * Nothing to remove: uploads here use no temporary name, and the resumable session of an
     * upload killed half-way is no object (Cloud Storage shows an object only once its upload
     * completes); the session itself expires a week after it began (Google's "resumable uploads"
     * page: a resumable upload must be completed within a week of being initiated).
     */
    @Override
    public int sweepTemporaries(String name) {
        ObjectNames.check(name);
        return 0;
    }

    @Override
    public void write(String name, byte[] content) {
        send(BlobInfo.newBuilder(id(name)).build(), "writing " + name,
                writer -> writeFully(writer, ByteBuffer.wrap(content)));
    }

    @Override
    public boolean createIfAbsent(String name, byte[] content) {
        return conditional(BlobInfo.newBuilder(id(name)).build(), "creating " + name, content,
                Storage.BlobWriteOption.doesNotExist());
    }

    @Override
    public boolean replaceIfUnchanged(String name, String expected, byte[] content) {
        long generation;
        try {
            generation = Long.parseLong(expected);
        } catch (NumberFormatException e) {
            return false; // not a generation of this store: whatever it was, it is not what is there
        }
        if (generation <= 0) {
            return false; // ifGenerationMatch=0 would mean "absent": no object has generation 0
        }
        return conditional(BlobInfo.newBuilder(BlobId.of(bucket, key(name), generation)).build(), "replacing " + name,
                content, Storage.BlobWriteOption.generationMatch());
    }

    @Override
    public void delete(String name) {
        try {
            storage.delete(id(name));
        } catch (StorageException e) {
            throw failures.of("deleting " + name, e);
        }
    }

    private boolean conditional(BlobInfo info, String doing, byte[] content, Storage.BlobWriteOption condition) {
        try {
            send(info, doing, writer -> writeFully(writer, ByteBuffer.wrap(content)), condition);
            return true;
        } catch (ConditionLost e) {
            return false;
        }
    }

    /** What goes into one upload. */
    @FunctionalInterface
    private interface Body {
        void writeTo(WriteChannel writer) throws IOException;
    }

    /** One resumable upload; the object appears when the channel closes. */
    private void send(BlobInfo info, String doing, Body body, Storage.BlobWriteOption... options) {
        try {
            WriteChannel writer = storage.writer(info, options);
            try (writer) {
                writer.setChunkSize(CHUNK);
                body.writeTo(writer);
            }
            bucketSeen = true;
        } catch (StorageException e) {
            throw translate(doing, e);
        } catch (IOException e) {
            if (e.getCause() instanceof StorageException storageException) {
                throw translate(doing, storageException);
            }
            throw new BuildException("store " + url + ": " + doing + " failed: " + e.getMessage(), e);
        }
    }

    private RuntimeException translate(String doing, StorageException e) {
        if (GsFailures.lostCondition(e)) {
            return new ConditionLost();
        }
        return failures.of(doing, e);
    }

    private static void writeFully(WriteChannel writer, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            writer.write(bytes);
        }
    }

    /** After a 404: is it the object or the whole bucket that is missing? Asked once per store. */
    private void checkBucket() {
        if (bucketSeen) {
            return;
        }
        try {
            storage.list(bucket, Storage.BlobListOption.pageSize(1), Storage.BlobListOption.prefix(prefix));
            bucketSeen = true;
        } catch (StorageException e) {
            if (GsFailures.notFound(e)) {
                throw failures.noBucket();
            }
            throw failures.of("looking for bucket " + bucket, e);
        }
    }

    private BlobId id(String name) {
        return BlobId.of(bucket, key(name));
    }

    private String key(String name) {
        return ObjectNames.under(prefix, name);
    }

    /** A precondition that did not hold: the conditional write returns false. */
    private static final class ConditionLost extends RuntimeException {
        ConditionLost() {
            super(null, null, false, false);
        }
    }

    /** Reports downloaded bytes to the listener as they are written. */
    private static final class Counting extends FilterOutputStream {
        private final long total;
        private final TransferListener listener;
        private long done;

        Counting(OutputStream out, long total, TransferListener listener) {
            super(out);
            this.total = total;
            this.listener = listener;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            done += length;
            listener.transferred(done, total);
        }
    }
}
