package dev.cloudimages.store.s3;

import dev.cloudimages.store.ArtifactStore.TransferListener;
import dev.cloudimages.support.BuildException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;

/**
 * S3's multipart uploads for the store: a file sent in parts (progress after each), and an object
 * copied in parts inside S3 (UploadPartCopy, for objects over CopyObject's 5 GiB). An upload that
 * does not complete is aborted, so no parts are left to be billed.
 */
final class S3Parts {

    private final S3Client s3;
    private final String bucket;
    S3Parts(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    void upload(Path file, long size, long partSize, String key, TransferListener listener) {
        byte[] buffer = new byte[(int) partSize];
        try (InputStream in = Files.newInputStream(file)) {
            multipart(key, (uploadId, parts) -> {
                long done = 0;
                for (int number = 1; done < size; number++) {
                    int length = readPart(in, buffer, file);
                    int partNumber = number;
                    String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                            .partNumber(partNumber).contentLength((long) length),
                            RequestBody.fromBytes(Arrays.copyOf(buffer, length))).eTag();
                    parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                    done += length;
                    listener.transferred(done, size);
                }
                return null;
            });
        } catch (IOException e) {
            throw new BuildException("cannot read " + file + ": " + e.getMessage());
        }
    }

    void copy(String sourceKey, long size, long partSize, String key) {
        multipart(key, (uploadId, parts) -> {
            int number = 1;
            for (long first = 0; first < size; first += partSize, number++) {
                String range = "bytes=" + first + "-" + (Math.min(size, first + partSize) - 1);
                int partNumber = number;
                String etag = s3.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey(sourceKey)
                        .destinationBucket(bucket).destinationKey(key).uploadId(uploadId).partNumber(partNumber)
                        .copySourceRange(range)).copyPartResult().eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            return null;
        });
    }

    /** Starts an upload, lets {@code send} add the parts, completes it; aborts it on any failure. */
    private void multipart(String key, BiFunction<String, List<CompletedPart>, Void> send) {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        boolean completed = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            send.apply(uploadId, parts);
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
            completed = true;
        } finally {
            if (!completed) {
                abortQuietly(key, uploadId);
            }
        }
    }

    private void abortQuietly(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException ignored) {
            // the failure that got here is the one to report; S3 lifecycle rules remove what is left
        }
    }

    private static int readPart(InputStream in, byte[] buffer, Path file) {
        try {
            int length = in.readNBytes(buffer, 0, buffer.length);
            if (length == 0) {
                throw new BuildException(file + " became shorter while it was uploaded");
            }
            return length;
        } catch (IOException e) {
            throw new BuildException("cannot read " + file + ": " + e.getMessage());
        }
    }
}
