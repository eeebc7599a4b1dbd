package dev.cloudimages.cloud.gcp;

import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.cloudimages.cloud.ImportJournal;
import dev.cloudimages.cloud.Pending;
import dev.cloudimages.cloud.Rollback;
import dev.cloudimages.cloud.TransferProgress;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Digests;
import dev.cloudimages.support.Log;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Uploads the image file to a Cloud Storage bucket by a resumable upload (16 MiB chunks, the
 * client resumes a chunk that fails), with progress, and with the file's CRC32C and MD5 sent
 * ahead so Cloud Storage refuses an object whose bytes differ; the stored object's CRC32C is
 * checked again afterwards. The object is recorded in the rollback as soon as the upload starts.
 */
final class GcsUpload {

    static final int CHUNK = 16 << 20;

    /** The object, and the storage URL images.insert takes as rawDisk.source. */
    record Uploaded(BlobId blob, String sourceUrl) {
    }

    private final GcpSession session;
    private final Log log;

    GcsUpload(GcpSession session, Log log) {
        this.session = session;
        this.log = log;
    }

    /** The journal's word for an uploaded object (its name is gs://bucket/object). */
    static final String OBJECT = "object";

    Uploaded upload(Path file, String bucket, String objectName, Rollback rollback, ImportJournal journal) {
        Checksums sums = Checksums.of(file);
        Storage storage = session.storage();
        BlobId blob = BlobId.of(bucket, objectName);
        BlobInfo info = BlobInfo.newBuilder(blob).setContentType("application/gzip").setCrc32c(sums.crc32c())
                .setMd5(sums.md5()).build();
        String where = "gs://" + bucket + "/" + objectName;
        Pending pending = Pending.before(journal, new ImportJournal.Entry(OBJECT, where, "global", Map.of()));
        rollback.onFailure("object " + where, () -> {
            storage.delete(blob);
            pending.done();
        });
        TransferProgress progress = TransferProgress.every5s(log, "upload to " + where, sums.size());
        try (InputStream in = Files.newInputStream(file)) {
            WriteChannel writer = storage.writer(info, Storage.BlobWriteOption.crc32cMatch(),
                    Storage.BlobWriteOption.md5Match());
            try (writer) {
                writer.setChunkSize(CHUNK);
                byte[] buffer = new byte[1 << 20];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
                    while (bytes.hasRemaining()) {
                        writer.write(bytes);
                    }
                    progress.add(n);
                    if (Thread.currentThread().isInterrupted()) {
                        throw new BuildException("interrupted");
                    }
                }
            }
        } catch (IOException e) {
            Throwable cause = e.getCause() instanceof StorageException s ? s : e;
            if (cause instanceof StorageException s) {
                throw GcpFailures.of("uploading " + file.getFileName() + " to " + where, s, session);
            }
            throw new BuildException("gcp: uploading " + file + " to " + where + " failed: " + e.getMessage(), e);
        } catch (StorageException e) {
            throw GcpFailures.of("uploading " + file.getFileName() + " to " + where, e, session);
        }
        progress.finish();
        Blob stored;
        try {
            stored = storage.get(blob);
        } catch (StorageException e) {
            throw GcpFailures.of("reading back " + where, e, session);
        }
        if (stored == null || !sums.crc32c().equals(stored.getCrc32c()) || stored.getSize() != sums.size()) {
            throw new BuildException("gcp: " + where + " does not hold what was sent (CRC32C "
                    + (stored == null ? "none" : stored.getCrc32c()) + ", expected " + sums.crc32c() + "); run again");
        }
        return new Uploaded(blob, "https://storage.googleapis.com/" + bucket + "/" + objectName);
    }

    /** The file's size, CRC32C and MD5 in the base64 form Cloud Storage uses. */
    record Checksums(long size, String crc32c, String md5) {

        static Checksums of(Path file) {
            CRC32C crc = new CRC32C();
            MessageDigest md5 = Digests.newDigest("MD5");
            long size = 0;
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 20];
                for (int n; (n = in.read(buffer)) > 0; size += n) {
                    crc.update(buffer, 0, n);
                    md5.update(buffer, 0, n);
                }
            } catch (IOException e) {
                throw new BuildException("cannot read " + file + ": " + e.getMessage());
            }
            byte[] crcBytes = ByteBuffer.allocate(4).putInt((int) crc.getValue()).array();
            Base64.Encoder base64 = Base64.getEncoder();
            return new Checksums(size, base64.encodeToString(crcBytes), base64.encodeToString(md5.digest()));
        }
    }
}
