package dev.cloudimages.cloud.oci;

import com.oracle.bmc.model.BmcException;
import com.oracle.bmc.objectstorage.ObjectStorageClient;
import com.oracle.bmc.objectstorage.model.CommitMultipartUploadDetails;
import com.oracle.bmc.objectstorage.model.CommitMultipartUploadPartDetails;
import com.oracle.bmc.objectstorage.model.CreateMultipartUploadDetails;
import com.oracle.bmc.objectstorage.model.CreatePreauthenticatedRequestDetails;
import com.oracle.bmc.objectstorage.model.PreauthenticatedRequest;
import com.oracle.bmc.objectstorage.requests.AbortMultipartUploadRequest;
import com.oracle.bmc.objectstorage.requests.CommitMultipartUploadRequest;
import com.oracle.bmc.objectstorage.requests.CreateMultipartUploadRequest;
import com.oracle.bmc.objectstorage.requests.CreatePreauthenticatedRequestRequest;
import com.oracle.bmc.objectstorage.requests.DeleteObjectRequest;
import com.oracle.bmc.objectstorage.requests.DeletePreauthenticatedRequestRequest;
import com.oracle.bmc.objectstorage.requests.HeadObjectRequest;
import com.oracle.bmc.objectstorage.requests.UploadPartRequest;
import dev.cloudimages.cloud.Rollback;
import dev.cloudimages.cloud.TransferProgress;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Digests;
import dev.cloudimages.support.Log;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Object Storage work: a multipart upload with each part's MD5 checked by OCI and progress logged,
 * read-only pre-authenticated requests (PARs) for an object, and removal of both.
 */
final class ObjectUpload {

    private final OciSession session;
    private final Log log;

    ObjectUpload(OciSession session, Log log) {
        this.session = session;
        this.log = log;
    }

    /**
     * Uploads {@code file} as {@code object} into {@code bucket} of the session's region. The
     * object's removal is put on {@code temporaries} (run whatever happens), as is the abort of an
     * upload that does not complete.
     */
    void upload(Path file, String bucket, String object, long partSize, Rollback temporaries) {
        String region = session.region();
        String namespace = session.namespace();
        ObjectStorageClient client = session.uploads(region);
        String where = "object " + object + " in bucket " + bucket + " (" + region + ")";
        String uploadId;
        try {
            uploadId = client.createMultipartUpload(CreateMultipartUploadRequest.builder().namespaceName(namespace)
                    .bucketName(bucket).createMultipartUploadDetails(CreateMultipartUploadDetails.builder()
                            .object(object).contentType("application/octet-stream").build()).build())
                    .getMultipartUpload().getUploadId();
        } catch (BmcException e) {
            throw OciFailures.of("starting the upload of " + where, e, session);
        }
        AtomicBoolean committed = new AtomicBoolean();
        temporaries.onFailure(where, () -> deleteObject(region, bucket, object));
        temporaries.onFailure("the unfinished upload of " + where, () -> {
            if (!committed.get()) {
                client.abortMultipartUpload(AbortMultipartUploadRequest.builder().namespaceName(namespace)
                        .bucketName(bucket).objectName(object).uploadId(uploadId).build());
            }
        });
        List<CommitMultipartUploadPartDetails> parts = new ArrayList<>();
        long size = size(file);
        TransferProgress progress = TransferProgress.every5s(log, "uploading " + file.getFileName() + " to " + where, size);
        try (InputStream in = Files.newInputStream(file)) {
            int number = 1;
            for (long offset = 0; offset < size || number == 1; offset += partSize, number++) {
                byte[] part = in.readNBytes((int) Math.min(partSize, size - offset));
                String md5 = Base64.getEncoder().encodeToString(md5(part));
                String etag = client.uploadPart(UploadPartRequest.builder().namespaceName(namespace).bucketName(bucket)
                        .objectName(object).uploadId(uploadId).uploadPartNum(number).contentLength((long) part.length)
                        .contentMD5(md5).uploadPartBody(new ByteArrayInputStream(part)).build()).getETag();
                parts.add(CommitMultipartUploadPartDetails.builder().partNum(number).etag(etag).build());
                progress.add(part.length);
                if (Thread.currentThread().isInterrupted()) {
                    throw new BuildException("interrupted");
                }
            }
            client.commitMultipartUpload(CommitMultipartUploadRequest.builder().namespaceName(namespace)
                    .bucketName(bucket).objectName(object).uploadId(uploadId)
                    .commitMultipartUploadDetails(CommitMultipartUploadDetails.builder().partsToCommit(parts).build())
                    .build());
            committed.set(true);
        } catch (BmcException e) {
            throw OciFailures.of("uploading " + where, e, session);
        } catch (IOException e) {
            throw new BuildException("cannot read " + file + ": " + e.getMessage());
        }
        progress.finish();
    }

    /** A read-only PAR for one object until {@code expires}; its full URL is returned with its id. */
    Par readPar(String region, String bucket, String object, String name, Instant expires) {
        try {
            PreauthenticatedRequest par = session.objectStorage(region).createPreauthenticatedRequest(
                    CreatePreauthenticatedRequestRequest.builder().namespaceName(session.namespace()).bucketName(bucket)
                            .createPreauthenticatedRequestDetails(CreatePreauthenticatedRequestDetails.builder()
                                    .name(name).objectName(object)
                                    .accessType(CreatePreauthenticatedRequestDetails.AccessType.ObjectRead)
                                    .timeExpires(Date.from(expires)).build()).build())
                    .getPreauthenticatedRequest();
            String uri = par.getFullPath() != null ? par.getFullPath()
                    : session.objectStorageUrl(region) + par.getAccessUri();
            return new Par(par.getId(), uri);
        } catch (BmcException e) {
            throw OciFailures.of("creating a pre-authenticated request for " + object + " in " + bucket, e, session);
        }
    }

    record Par(String id, String url) {
    }

    void deletePar(String region, String bucket, String parId) {
        try {
            session.objectStorage(region).deletePreauthenticatedRequest(DeletePreauthenticatedRequestRequest.builder()
                    .namespaceName(session.namespace()).bucketName(bucket).parId(parId).build());
        } catch (BmcException e) {
            if (!OciFailures.notFound(e)) {
                throw OciFailures.of("deleting a pre-authenticated request of bucket " + bucket, e, session);
            }
        }
    }

    boolean exists(String region, String bucket, String object) {
        try {
            session.objectStorage(region).headObject(HeadObjectRequest.builder().namespaceName(session.namespace())
                    .bucketName(bucket).objectName(object).build());
            return true;
        } catch (BmcException e) {
            if (OciFailures.notFound(e)) {
                return false;
            }
            throw OciFailures.of("looking for " + object + " in bucket " + bucket, e, session);
        }
    }

    void deleteObject(String region, String bucket, String object) {
        try {
            session.objectStorage(region).deleteObject(DeleteObjectRequest.builder().namespaceName(session.namespace())
                    .bucketName(bucket).objectName(object).build());
        } catch (BmcException e) {
            if (!OciFailures.notFound(e)) {
                throw OciFailures.of("deleting " + object + " from bucket " + bucket, e, session);
            }
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new BuildException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static byte[] md5(byte[] data) {
        return Digests.newDigest("MD5").digest(data);
    }
}
