package dev.cloudimages.store.oci;

import com.oracle.bmc.model.BmcException;
import com.oracle.bmc.objectstorage.ObjectStorageClient;
import com.oracle.bmc.objectstorage.model.ListObjects;
import com.oracle.bmc.objectstorage.model.MultipartUpload;
import com.oracle.bmc.objectstorage.model.ObjectSummary;
import com.oracle.bmc.objectstorage.model.RenameObjectDetails;
import com.oracle.bmc.objectstorage.requests.AbortMultipartUploadRequest;
import com.oracle.bmc.objectstorage.requests.DeleteObjectRequest;
import com.oracle.bmc.objectstorage.requests.GetObjectRequest;
import com.oracle.bmc.objectstorage.requests.HeadObjectRequest;
import com.oracle.bmc.objectstorage.requests.ListMultipartUploadsRequest;
import com.oracle.bmc.objectstorage.requests.ListObjectsRequest;
import com.oracle.bmc.objectstorage.requests.PutObjectRequest;
import com.oracle.bmc.objectstorage.requests.RenameObjectRequest;
import com.oracle.bmc.objectstorage.responses.GetObjectResponse;
import com.oracle.bmc.objectstorage.responses.HeadObjectResponse;
import dev.cloudimages.cloud.oci.OciStoreAccess;
import dev.cloudimages.store.ArtifactStore;
import dev.cloudimages.store.ObjectNames;
import dev.cloudimages.store.StoreUrl;
import dev.cloudimages.store.StoredObject;
import dev.cloudimages.support.BuildException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * {@code oci://namespace/bucket/prefix} through the OCI SDK's Object Storage client, in the
 * session's region. Small content is one PutObject (whole or not at all); the conditional writes
 * are PutObject with {@code if-none-match: *} and {@code if-match: <etag>}; the version is the
 * ETag. A file is uploaded in parts under a hidden temporary name and then given its final name
 * with RenameObject, not CopyObject: a rename in one bucket is synchronous and atomic and moves
 * no bytes, while OCI's CopyObject is an asynchronous work request that copies the whole image
 * and would have to be polled. What a killed upload leaves (its multipart upload, or its committed
 * temporary object) is removed by the next upload of the name ({@link #sweepTemporaries}).
 */
public final class OciStore implements ArtifactStore {

    /** Part size of the multipart uploads (the oci adapter's default); tests make it small. */
    public static final long PART_SIZE = 128L << 20;
    private static final int BUFFER = 1 << 20;

    private final ObjectStorageClient client;
    private final ObjectStorageClient uploads;
    private final String url;
    private final String namespace;
    private final String bucket;
    private final String prefix;
    private final long partSize;
    private final OciStoreFailures failures;
    private volatile boolean bucketSeen;

    public OciStore(OciStoreAccess access, StoreUrl url, long partSize) {
        int slash = url.path().indexOf('/');
        if (url.path().isEmpty()) {
            throw new BuildException("store " + url.text() + " names no bucket; write it like"
                    + " oci://namespace/bucket/prefix");
        }
        this.client = access.objectStorage();
        this.uploads = access.uploads();
        this.url = url.text();
        this.namespace = url.authority();
        this.bucket = slash < 0 ? url.path() : url.path().substring(0, slash);
        this.prefix = slash < 0 ? "" : url.path().substring(slash + 1);
        this.partSize = partSize;
        this.failures = new OciStoreFailures(url.text(), bucket, access);
    }

    static ArtifactStore open(StoreUrl url, Map<String, String> env) {
        OciStoreAccess access;
        try {
            access = OciStoreAccess.open(env);
        } catch (BuildException e) {
            throw new BuildException("store " + url.text() + ": " + e.getMessage(), e);
        }
        return new OciStore(access, url, PART_SIZE);
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public Optional<StoredObject> stat(String name) {
        try {
            HeadObjectResponse head = client.headObject(HeadObjectRequest.builder().namespaceName(namespace)
                    .bucketName(bucket).objectName(key(name)).build());
            bucketSeen = true;
            return Optional.of(new StoredObject(name, head.getContentLength(), head.getETag()));
        } catch (BmcException e) {
            if (OciStoreFailures.notFound(e)) {
                // a HEAD answer has no body: a missing bucket looks like a missing object until asked
                checkBucket();
                return Optional.empty();
            }
            throw failures.of("reading " + name, e);
        }
    }

    @Override
    public List<String> list(String namePrefix) {
        String base = prefix.isEmpty() ? "" : prefix + "/";
        List<String> names = new ArrayList<>();
        try {
            String start = null;
            do {
                String from = start;
                // the delimiter keeps deeper "directories" out: the store is one flat level under the prefix
                ListObjects page = client.listObjects(ListObjectsRequest.builder().namespaceName(namespace)
                        .bucketName(bucket).prefix(base + namePrefix).delimiter("/").start(from).fields("name")
                        .build()).getListObjects();
                for (ObjectSummary object : page.getObjects()) {
                    String name = object.getName().substring(base.length());
                    // the prefix is checked here too: a listing is only as good as the service's prefix matching
                    if (name.startsWith(namePrefix) && !name.startsWith(".")) {
                        names.add(name);
                    }
                }
                start = page.getNextStartWith();
            } while (start != null);
        } catch (BmcException e) {
            throw failures.of("listing " + (namePrefix.isEmpty() ? "the store" : namePrefix + "*"), e);
        }
        bucketSeen = true;
        return names.stream().sorted().toList();
    }

    @Override
    public Optional<byte[]> read(String name) {
        return get(name, "reading " + name, (response, in) -> in.readAllBytes());
    }

    @Override
    public void download(String name, Path target, TransferListener listener) {
        Optional<Boolean> found = get(name, "downloading " + name, (response, in) -> {
            long total = response.getContentLength() == null ? -1 : response.getContentLength();
            try (OutputStream out = Files.newOutputStream(target)) {
                byte[] buffer = new byte[BUFFER];
                long done = 0;
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    done += n;
                    listener.transferred(done, total);
                }
            }
            return true;
        });
        if (found.isEmpty()) {
            throw new BuildException("store " + url + " has no " + name);
        }
    }

    /** What to do with an object's content as it arrives. */
    @FunctionalInterface
    private interface Reader<T> {
        T read(GetObjectResponse response, InputStream in) throws IOException;
    }

    private <T> Optional<T> get(String name, String doing, Reader<T> reader) {
        try {
            GetObjectResponse response = client.getObject(GetObjectRequest.builder().namespaceName(namespace)
                    .bucketName(bucket).objectName(key(name)).build());
            bucketSeen = true;
            try (InputStream in = response.getInputStream()) {
                return Optional.of(reader.read(response, in));
            }
        } catch (BmcException e) {
            if (OciStoreFailures.bucketMissing(e)) {
                throw failures.noBucket();
            }
            if (OciStoreFailures.notFound(e)) {
                return Optional.empty();
            }
            throw failures.of(doing, e);
        } catch (IOException e) {
            throw new BuildException("store " + url + ": " + doing + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void transfer(Path file, String name, TransferListener listener) {
        String temporary = temporaryKey(name);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new BuildException("cannot read " + file + ": " + e.getMessage());
        }
        boolean renamed = false;
        try {
            new OciParts(uploads, namespace, bucket).upload(file, size, partSize, temporary, listener);
            client.renameObject(RenameObjectRequest.builder().namespaceName(namespace).bucketName(bucket)
                    .renameObjectDetails(RenameObjectDetails.builder().sourceName(temporary).newName(key(name)).build())
                    .build());
            renamed = true;
        } catch (BmcException e) {
            throw failures.of("uploading " + file.getFileName() + " as " + name, e);
        } finally {
            if (!renamed) {
                deleteQuietly(temporary);
            }
        }
    }

    /**
     * What a killed upload of {@code name} can leave: an incomplete multipart upload under a
     * temporary name (killed mid-upload), or a committed temporary object (killed before the
     * rename). Object Storage lists multipart uploads for the whole bucket, without a prefix, so
     * the names say which are ours; the objects are listed by prefix.
     */
    @Override
    public int sweepTemporaries(String name) {
        String base = prefix.isEmpty() ? "" : prefix + "/";
        String temporaries = base + ObjectNames.temporaryPrefix(name);
        int removed = 0;
        try {
            for (MultipartUpload upload : client.getPaginators().listMultipartUploadsRecordIterator(
                    ListMultipartUploadsRequest.builder().namespaceName(namespace).bucketName(bucket).build())) {
                if (ObjectNames.isTemporaryOf(name, base, upload.getObject())) {
                    removed += removes(() -> client.abortMultipartUpload(AbortMultipartUploadRequest.builder()
                            .namespaceName(namespace).bucketName(bucket).objectName(upload.getObject())
                            .uploadId(upload.getUploadId()).build())) ? 1 : 0;
                }
            }
            String start = null;
            do {
                String from = start;
                ListObjects page = client.listObjects(ListObjectsRequest.builder().namespaceName(namespace)
                        .bucketName(bucket).prefix(temporaries).start(from).fields("name").build()).getListObjects();
                for (ObjectSummary object : page.getObjects()) {
                    if (ObjectNames.isTemporaryOf(name, base, object.getName())) {
                        removed += removes(() -> client.deleteObject(DeleteObjectRequest.builder().namespaceName(
                                namespace).bucketName(bucket).objectName(object.getName()).build())) ? 1 : 0;
                    }
                }
                start = page.getNextStartWith();
            } while (start != null);
        } catch (BmcException e) {
            throw failures.of("removing what earlier uploads of " + name + " left", e);
        }
        bucketSeen = true;
        return removed;
    }


    /** Runs a removal; false when its target was gone already (404 NoSuchUpload or ObjectNotFound, not the bucket). */
    private static boolean removes(Runnable removal) {
        try {
            removal.run();
            return true;
        } catch (BmcException e) {
            if (OciStoreFailures.notFound(e) && !OciStoreFailures.bucketMissing(e)) {
                return false;
            }
            throw e;
        }
    }

    /** One PutObject: Object Storage stores it whole or not at all, so no temporary name is needed here. */
    @Override
    public void write(String name, byte[] content) {
        try {
            put(name, content, b -> b);
        } catch (BmcException e) {
            throw failures.of("writing " + name, e);
        }
    }

    @Override
    public boolean createIfAbsent(String name, byte[] content) {
        return conditional(name, "creating " + name, content, b -> b.ifNoneMatch("*"));
    }

    @Override
    public boolean replaceIfUnchanged(String name, String expected, byte[] content) {
        return conditional(name, "replacing " + name, content, b -> b.ifMatch(expected));
    }

    @Override
    public void delete(String name) {
        try {
            client.deleteObject(DeleteObjectRequest.builder().namespaceName(namespace).bucketName(bucket)
                    .objectName(key(name)).build());
        } catch (BmcException e) {
            if (OciStoreFailures.bucketMissing(e)) {
                throw failures.noBucket();
            }
            if (!OciStoreFailures.notFound(e)) {
                throw failures.of("deleting " + name, e);
            }
        }
    }

    private boolean conditional(String name, String doing, byte[] content, UnaryOperator<PutObjectRequest.Builder> condition) {
        try {
            put(name, content, condition);
            return true;
        } catch (BmcException e) {
            // if-match on an object that is gone: 404, a change too
            if (OciStoreFailures.lostCondition(e) || (OciStoreFailures.notFound(e) && !OciStoreFailures.bucketMissing(e))) {
                return dev.cloudimages.store.StoreFailures.landed(this, name, content);
            }
            throw failures.of(doing, e);
        }
    }


    private void put(String name, byte[] content, UnaryOperator<PutObjectRequest.Builder> options) {
        client.putObject(options.apply(PutObjectRequest.builder().namespaceName(namespace).bucketName(bucket)
                .objectName(key(name)).contentLength((long) content.length)
                .putObjectBody(new ByteArrayInputStream(content))).build());
        bucketSeen = true;
    }

    private void deleteQuietly(String object) {
        try {
            client.deleteObject(DeleteObjectRequest.builder().namespaceName(namespace).bucketName(bucket)
                    .objectName(object).build());
        } catch (BmcException ignored) {
            // a leftover .part object is never listed; the failure that got here is the one to report
        }
    }

    /** After a 404 to a HEAD: is it the object or the whole bucket that is missing? Asked once per store. */
    private void checkBucket() {
        if (bucketSeen) {
            return;
        }
        try {
            client.listObjects(ListObjectsRequest.builder().namespaceName(namespace).bucketName(bucket).limit(1)
                    .build());
            bucketSeen = true;
        } catch (BmcException e) {
            if (OciStoreFailures.notFound(e)) {
                throw failures.noBucket();
            }
            throw failures.of("looking for bucket " + bucket, e);
        }
    }

    private String key(String name) {
        return ObjectNames.under(prefix, name);
    }

    /** Where an upload of {@code name} goes first: a hidden name beside it (names never start with a dot). */
    private String temporaryKey(String name) {
        String temporary = ObjectNames.temporary(name);
        return prefix.isEmpty() ? temporary : prefix + "/" + temporary;
    }
}
