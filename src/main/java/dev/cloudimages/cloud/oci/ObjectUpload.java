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
import com.oracle.bmc.objectstorage.requests.ListPreauthenticatedRequestsRequest;
import com.oracle.bmc.objectstorage.requests.UploadPartRequest;
import dev.cloudimages.cloud.ImportJournal;
import dev.cloudimages.cloud.Pending;
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
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Object Storage work: a multipart upload with each part's MD5 checked by OCI and progress logged,
 * read-only pre-authenticated requests (PARs) for an object, and removal of both.
 */
final class ObjectUpload {

    /** The journal's words for what this class makes, and the details that find them. */
    static final String OBJECT = "object";
    static final String PAR = "par";
    static final String BUCKET = "bucket";
    static final String UPLOAD_ID = "upload_id";
    static final String ID = "id";

    private final OciSession session;
    private final Log log;

    ObjectUpload(OciSession session, Log log) {
        this.session = session;
        this.log = log;
    }

    /**
     * Uploads {@code file} as {@code object} into {@code bucket} of the session's region. The
     * object's removal is put on {@code temporaries} (run whatever happens), as is the abort of an
     * upload that does not complete; the journal has the object (and its upload) before it starts.
     */
    void upload(Path file, String bucket, String object, long partSize, Rollback temporaries, ImportJournal journal) {
        String region = session.region();
        String namespace = session.namespace();
        ObjectStorageClient client = session.uploads(region);
        String where = "object " + object + " in bucket " + bucket + " (" + region + ")";
        Pending pending = Pending.before(journal, new ImportJournal.Entry(OBJECT, object, region, Map.of(BUCKET, bucket)));
        String uploadId;
        try {
            uploadId = client.createMultipartUpload(CreateMultipartUploadRequest.builder().namespaceName(namespace)
                    .bucketName(bucket).createMultipartUploadDetails(CreateMultipartUploadDetails.builder()
                            .object(object).contentType("application/octet-stream").build()).build())
                    .getMultipartUpload().getUploadId();
        } catch (BmcException e) {
            throw OciFailures.of("starting the upload of " + where, e, session);
        }
        pending.with(UPLOAD_ID, uploadId);
        AtomicBoolean committed = new AtomicBoolean();
        temporaries.onFailure(where, () -> {
            if (!committed.get()) {
                abort(region, bucket, object, uploadId);
            }
            deleteObject(region, bucket, object);
            pending.done();
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

    /** Aborts a multipart upload (its parts are kept, and billed, until then); one already gone is fine. */
    void abort(String region, String bucket, String object, String uploadId) {
        try {
            session.uploads(region).abortMultipartUpload(AbortMultipartUploadRequest.builder()
                    .namespaceName(session.namespace()).bucketName(bucket).objectName(object).uploadId(uploadId).build());
        } catch (BmcException e) {
            if (!OciFailures.notFound(e)) {
                throw OciFailures.of("aborting the upload of " + object + " to " + bucket, e, session);
            }
        }
    }

    /**
     * A read-only PAR for one object until {@code expires}, written into the journal before it is
     * made; its full URL is returned with its id, and its removal (which crosses it off) put on
     * {@code temporaries}.
     */
    Par readPar(String region, String bucket, String object, String name, Instant expires, Rollback temporaries,
                ImportJournal journal) {
        Pending pending = Pending.before(journal, new ImportJournal.Entry(PAR, name, region, Map.of(BUCKET, bucket,
                OBJECT, object)));
        Par par = readPar(region, bucket, object, name, expires);
        pending.with(ID, par.id());
        temporaries.onFailure("pre-authenticated request " + par.id(), () -> {
            deletePar(region, bucket, par.id());
            pending.done();
        });
        return par;
    }

    /** The ids of the PARs of {@code bucket} with this name (one whose id a killed run never learnt). */
    List<String> parsNamed(String region, String bucket, String object, String name) {
        try {
            return session.objectStorage(region).listPreauthenticatedRequests(ListPreauthenticatedRequestsRequest
                    .builder().namespaceName(session.namespace()).bucketName(bucket).objectNamePrefix(object).build())
                    .getItems().stream().filter(p -> name.equals(p.getName())).map(p -> p.getId()).toList();
        } catch (BmcException e) {
            throw OciFailures.of("listing the pre-authenticated requests of bucket " + bucket, e, session);
        }
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

    /** Deletes an object; whether it was there. */
    boolean deleteObject(String region, String bucket, String object) {
        try {
            session.objectStorage(region).deleteObject(DeleteObjectRequest.builder().namespaceName(session.namespace())
                    .bucketName(bucket).objectName(object).build());
            return true;
        } catch (BmcException e) {
            if (!OciFailures.notFound(e)) {
                throw OciFailures.of("deleting " + object + " from bucket " + bucket, e, session);
            }
            return false;
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
