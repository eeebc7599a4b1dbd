package dev.cloudimages.store.s3;

import dev.cloudimages.cloud.aws.AwsStoreAccess;
import dev.cloudimages.store.ArtifactStore;
import dev.cloudimages.store.ObjectNames;
import dev.cloudimages.store.StoreUrl;
import dev.cloudimages.store.StoredObject;
import dev.cloudimages.support.BuildException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code s3://bucket/prefix} through the AWS SDK's S3 client. Small content is one PutObject,
 * which S3 makes visible whole or not at all; the conditional writes are PutObject with
 * {@code If-None-Match: *} and {@code If-Match: <etag>}, S3's own compare-and-swap. A file goes
 * to a hidden temporary name first (multipart above one part's size, progress per part), and
 * only a finished, complete object is copied to its final name in one step: a run killed
 * mid-upload leaves a {@code .part} object or an incomplete multipart upload, never a short image
 * under the name the next run looks for, and the next upload of the name removes them
 * ({@link #sweepTemporaries}). CopyObject takes up to 5 GiB; bigger images are copied part by
 * part (UploadPartCopy), still inside S3, and appear at CompleteMultipartUpload.
 */
public final class S3Store implements ArtifactStore {

    /** Part sizes and S3's single-copy limit; tests make them small to exercise the multipart paths. */
    public record Sizes(long part, long copyLimit) {
        public static final Sizes DEFAULT = new Sizes(16L << 20, 5L << 30);
        static final int MAX_PARTS = 10_000;

        /** A part size that keeps a file within S3's 10,000 parts. */
        long partFor(long size) {
            return Math.max(part, (size + MAX_PARTS - 1) / MAX_PARTS);
        }
    }

    private static final int BUFFER = 1 << 20;

    private final S3Client s3;
    private final String url;
    private final String bucket;
    private final String prefix;
    private final Sizes sizes;
    private final S3Failures failures;
    private volatile boolean bucketSeen;

    public S3Store(AwsStoreAccess access, StoreUrl url, Sizes sizes) {
        this.s3 = access.s3();
        this.url = url.text();
        this.bucket = url.authority();
        this.prefix = url.path();
        this.sizes = sizes;
        this.failures = new S3Failures(url.text(), url.authority(), access);
    }

    static ArtifactStore open(StoreUrl url, Map<String, String> env) {
        AwsStoreAccess access;
        try {
            access = AwsStoreAccess.open(env);
        } catch (BuildException e) {
            throw new BuildException("store " + url.text() + ": " + e.getMessage(), e);
        }
        return new S3Store(access, url, Sizes.DEFAULT);
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public Optional<StoredObject> stat(String name) {
        try {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key(name)));
            bucketSeen = true;
            return Optional.of(new StoredObject(name, head.contentLength(), head.eTag()));
        } catch (SdkException e) {
            if (S3Failures.isStatus(e, 404)) {
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
            // the delimiter keeps deeper "directories" out: the store is one flat level under the prefix
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(base + namePrefix)
                    .delimiter("/")).contents()) {
                String name = object.key().substring(base.length());
                // the prefix is checked here too: a listing is only as good as the service's prefix matching
                if (name.startsWith(namePrefix) && !name.startsWith(".")) {
                    names.add(name);
                }
            }
        } catch (SdkException e) {
            throw failures.of("listing " + (namePrefix.isEmpty() ? "the store" : namePrefix + "*"), e);
        }
        bucketSeen = true;
        return names.stream().sorted().toList();
    }

    @Override
    public Optional<byte[]> read(String name) {
        return get(name, "reading " + name, in -> {
            try {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new BuildException("store " + url + ": reading " + name + " broke off: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void download(String name, Path target, TransferListener listener) {
        Optional<Boolean> found = get(name, "downloading " + name, in -> {
            long total = in.response().contentLength();
            try (OutputStream out = Files.newOutputStream(target)) {
                byte[] buffer = new byte[BUFFER];
                long done = 0;
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    done += n;
                    listener.transferred(done, total);
                }
                return true;
            } catch (IOException e) {
                throw new BuildException("store " + url + ": downloading " + name + " to " + target + " failed: "
                        + e.getMessage(), e);
            }
        });
        if (found.isEmpty()) {
            throw new BuildException("store " + url + " has no " + name);
        }
    }

    private <T> Optional<T> get(String name, String doing, Function<ResponseInputStream<GetObjectResponse>, T> use) {
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key(name)))) {
            bucketSeen = true;
            return Optional.of(use.apply(in));
        } catch (SdkException e) {
            if (AwsStoreAccess.code(e).equals("NoSuchKey")) {
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
        try {
            S3Parts parts = new S3Parts(s3, bucket);
            long part = sizes.partFor(size);
            if (size <= part) {
                s3.putObject(b -> b.bucket(bucket).key(temporary).contentLength(size), RequestBody.fromFile(file));
                listener.transferred(size, size);
            } else {
                parts.upload(file, size, part, temporary, listener);
            }
            if (size <= sizes.copyLimit()) {
                s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(temporary).destinationBucket(bucket)
                        .destinationKey(key(name)));
            } else {
                // copied parts may be up to 5 GiB each: large ones keep the number of requests small
                parts.copy(temporary, size, Math.max(part, Math.min(sizes.copyLimit(), 1L << 30)), key(name));
            }
        } catch (SdkException e) {
            throw failures.of("uploading " + file.getFileName() + " as " + name, e);
        } finally {
            deleteQuietly(temporary);
        }
    }

    /**
     * What a killed upload of {@code name} can leave: a temporary object (killed between the upload
     * and the copy), an incomplete multipart upload under a temporary key (killed mid-upload), or one
     * under the final key itself (killed mid-UploadPartCopy of an image over CopyObject's limit). The
     * multipart uploads are listed by prefix (ListMultipartUploads) and aborted; the prefix of the
     * final key also finds longer names (its .sha512), so only that exact key is taken.
     */
    @Override
    public int sweepTemporaries(String name) {
        String base = prefix.isEmpty() ? "" : prefix + "/";
        String temporaries = base + ObjectNames.temporaryPrefix(name);
        String key = key(name);
        int removed = 0;
        try {
            for (String search : List.of(temporaries, key)) {
                for (MultipartUpload upload : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(search))
                        .uploads()) {
                    if (ObjectNames.isTemporaryOf(name, base, upload.key()) || upload.key().equals(key)) {
                        removed += abort(upload) ? 1 : 0;
                    }
                }
            }
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(temporaries)).contents()) {
                if (ObjectNames.isTemporaryOf(name, base, object.key())) {
                    s3.deleteObject(b -> b.bucket(bucket).key(object.key()));
                    removed++;
                }
            }
        } catch (SdkException e) {
            throw failures.of("removing what earlier uploads of " + name + " left", e);
        }
        bucketSeen = true;
        return removed;
    }


    /** Aborts an upload; false when it was gone already (NoSuchUpload: completed or aborted meanwhile). */
    private boolean abort(MultipartUpload upload) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
            return true;
        } catch (SdkException e) {
            if (AwsStoreAccess.code(e).equals("NoSuchUpload")) {
                return false;
            }
            throw e;
        }
    }

    /** One PutObject: S3 stores it whole or not at all, so no temporary name is needed here. */
    @Override
    public void write(String name, byte[] content) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(key(name)), RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw failures.of("writing " + name, e);
        }
    }

    @Override
    public boolean createIfAbsent(String name, byte[] content) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(key(name)).ifNoneMatch("*"), RequestBody.fromBytes(content));
            return true;
        } catch (SdkException e) {
            if (S3Failures.lostCondition(e)) {
                return dev.cloudimages.store.StoreFailures.landed(this, name, content);
            }
            throw failures.of("creating " + name, e);
        }
    }

    @Override
    public boolean replaceIfUnchanged(String name, String expected, byte[] content) {
        // a version already stale is known from a HEAD, without sending the content; the conditional
        // PutObject below stays the authority for the race between the HEAD and the write
        if (!stat(name).map(StoredObject::version).filter(expected::equals).isPresent()) {
            return false;
        }
        try {
            s3.putObject(b -> b.bucket(bucket).key(key(name)).ifMatch(expected), RequestBody.fromBytes(content));
            return true;
        } catch (SdkException e) {
            // 404: the object went away meanwhile, which is a change too
            if (S3Failures.lostCondition(e) || AwsStoreAccess.code(e).equals("NoSuchKey")) {
                return dev.cloudimages.store.StoreFailures.landed(this, name, content);
            }
            throw failures.of("replacing " + name, e);
        }
    }


    @Override
    public void delete(String name) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key(name)));
        } catch (SdkException e) {
            throw failures.of("deleting " + name, e);
        }
    }

    private void deleteQuietly(String key) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException ignored) {
            // a leftover .part object is never listed; the failure that got here is the one to report
        }
    }

    /** After a 404 to a HEAD: is it the object or the whole bucket that is missing? Asked once per store. */
    private void checkBucket() {
        if (bucketSeen) {
            return;
        }
        try {
            s3.headBucket(b -> b.bucket(bucket));
            bucketSeen = true;
        } catch (SdkException e) {
            if (S3Failures.isStatus(e, 404)) {
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
