package dev.cloudimages.store.oci;

import com.oracle.bmc.model.BmcException;
import com.oracle.bmc.objectstorage.ObjectStorageClient;
import com.oracle.bmc.objectstorage.model.CommitMultipartUploadDetails;
import com.oracle.bmc.objectstorage.model.CommitMultipartUploadPartDetails;
import com.oracle.bmc.objectstorage.model.CreateMultipartUploadDetails;
import com.oracle.bmc.objectstorage.requests.AbortMultipartUploadRequest;
import com.oracle.bmc.objectstorage.requests.CommitMultipartUploadRequest;
import com.oracle.bmc.objectstorage.requests.CreateMultipartUploadRequest;
import com.oracle.bmc.objectstorage.requests.UploadPartRequest;
import dev.cloudimages.store.ArtifactStore.TransferListener;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Digests;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A file sent to Object Storage as a multipart upload: each part with its MD5, which OCI checks,
 * progress after each part, and the upload aborted when it does not commit (no parts left behind).
 */
final class OciParts {

    private final ObjectStorageClient client;
    private final String namespace;
    private final String bucket;

    OciParts(ObjectStorageClient client, String namespace, String bucket) {
        this.client = client;
        this.namespace = namespace;
        this.bucket = bucket;
    }

    void upload(Path file, long size, long partSize, String object, TransferListener listener) {
        String uploadId = client.createMultipartUpload(CreateMultipartUploadRequest.builder().namespaceName(namespace)
                .bucketName(bucket).createMultipartUploadDetails(CreateMultipartUploadDetails.builder().object(object)
                        .contentType("application/octet-stream").build()).build()).getMultipartUpload().getUploadId();
        boolean committed = false;
        try (InputStream in = Files.newInputStream(file)) {
            List<CommitMultipartUploadPartDetails> parts = new ArrayList<>();
            byte[] buffer = new byte[(int) Math.min(partSize, Math.max(size, 1))];
            long done = 0;
            // an empty file is one empty part: a multipart upload commits at least one
            for (int number = 1; done < size || number == 1; number++) {
                int length = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, size - done));
                byte[] part = Arrays.copyOf(buffer, length);
                String md5 = Base64.getEncoder().encodeToString(Digests.newDigest("MD5").digest(part));
                String etag = client.uploadPart(UploadPartRequest.builder().namespaceName(namespace).bucketName(bucket)
                        .objectName(object).uploadId(uploadId).uploadPartNum(number).contentLength((long) length)
                        .contentMD5(md5).uploadPartBody(new ByteArrayInputStream(part)).build()).getETag();
                parts.add(CommitMultipartUploadPartDetails.builder().partNum(number).etag(etag).build());
                done += length;
                listener.transferred(done, size);
                if (length == 0) {
                    break;
                }
            }
            client.commitMultipartUpload(CommitMultipartUploadRequest.builder().namespaceName(namespace)
                    .bucketName(bucket).objectName(object).uploadId(uploadId)
                    .commitMultipartUploadDetails(CommitMultipartUploadDetails.builder().partsToCommit(parts).build())
                    .build());
            committed = true;
        } catch (IOException e) {
            throw new BuildException("cannot read " + file + ": " + e.getMessage());
        } finally {
            if (!committed) {
                abortQuietly(object, uploadId);
            }
        }
    }

    private void abortQuietly(String object, String uploadId) {
        try {
            client.abortMultipartUpload(AbortMultipartUploadRequest.builder().namespaceName(namespace)
                    .bucketName(bucket).objectName(object).uploadId(uploadId).build());
        } catch (BmcException ignored) {
            // the failure that got here is the one to report; OCI lifecycle rules remove what is left
        }
    }
}
