package dev.cloudimages.testing.aws;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.gaul.s3proxy.S3ErrorCode;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.S3ProxyException;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * S3 for the fake: s3proxy in-process on 127.0.0.1 with an in-memory blob store that counts the bytes stored and
 * makes conditional writes real: s3proxy checks If-Match by reading the object and then writing it, two steps
 * another request can come between; here every write of a key is serialised and PutObject's If-None-Match and
 * If-Match are checked again inside the same lock, answering 412 PreconditionFailed as S3 does.
 */
final class FakeS3 implements AutoCloseable {
    /**
     * s3proxy and its shaded Jetty at WARNING: unconfigured, the JBoss LogManager lets debug through, and Jetty's
     * debug messages (built for every chunk even when nothing prints them) slow uploads tenfold. Held here because
     * java.util.logging keeps loggers only weakly.
     */
    private static final Logger S3PROXY_LOG = Logger.getLogger("org.gaul");

    static {
        S3PROXY_LOG.setLevel(Level.WARNING);
    }

    private final S3Proxy proxy;
    private final CountingBlobStore store;

    private FakeS3(S3Proxy proxy, CountingBlobStore store) {
        this.proxy = proxy;
        this.store = store;
    }

    static FakeS3 start(String accessKeyId, String secretAccessKey, AwsState state) {
        CountingBlobStore store = new CountingBlobStore(new TransientNio2BlobStore(), state);
        S3Proxy proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V4, accessKeyId, secretAccessKey)
                .ignoreUnknownHeaders(true).build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
                }
                Thread.sleep(5);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot start s3proxy on 127.0.0.1: " + e.getMessage(), e);
        }
        return new FakeS3(proxy, store);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    byte[] read(String bucket, String key) throws IOException {
        try (ResponseInputStream<GetObjectResponse> in = store.getBlob(bucket, key)) {
            return in.readAllBytes();
        }
    }

    void createBucket(String bucket) {
        store.createContainer(bucket);
    }

    List<String> buckets() {
        return store.list().buckets().stream().map(Bucket::name).toList();
    }

    /** Every key of the bucket, sorted (all pages: the page size may be made small). */
    List<String> keys(String bucket) {
        List<String> keys = new java.util.ArrayList<>();
        String token = null;
        do {
            String from = token;
            ListObjectsV2Response page = store.list(ListObjectsV2Request.builder().bucket(bucket)
                    .continuationToken(from).build());
            page.contents().stream().map(S3Object::key).forEach(keys::add);
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        return keys.stream().sorted().toList();
    }

    /** The keys of the bucket's multipart uploads neither completed nor aborted, sorted. */
    List<String> openUploads(String bucket) {
        return store.listMultipartUploads(bucket).stream()
                .map(software.amazon.awssdk.services.s3.model.MultipartUpload::key).sorted().toList();
    }

    /** ListObjects pages hold at most this many keys (S3 may answer fewer than max-keys), so paging is exercised. */
    void listPageSize(int keys) {
        store.pageSize = keys;
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop s3proxy: " + e.getMessage(), e);
        }
    }

    /** Counts object data stored (single PUTs and multipart parts) as {@code bytesReceived("s3")}. */
    private static final class CountingBlobStore extends ForwardingBlobStore {
        private final AwsState state;

        CountingBlobStore(BlobStore delegate, AwsState state) {
            super(delegate);
            this.state = state;
        }

        private final Object writes = new Object();
        /** s3proxy's stand-in object of an open multipart upload (its name: this and the upload id). */
        private static final String MPU_STUB = ".s3proxy-mpu-stub-";
        /** The stubs s3proxy removed at the start of an abort or completion, until that is known to be good. */
        private final java.util.Map<String, HeadObjectResponse> removedStubs = new java.util.HashMap<>();
        private volatile int pageSize = 1000;

        @Override
        public PutObjectResponse putBlob(PutObjectRequest request, InputStream data) {
            synchronized (writes) {
                HeadObjectResponse current = delegate().blobMetadataIfPresent(request.bucket(), request.key());
                if (request.ifNoneMatch() != null || request.ifMatch() != null) {
                    // the body is read before any answer, as S3 does: a 412 sent while the client still
                    // writes leaves the connection's unread bytes in the way of the next request
                    try {
                        data = new java.io.ByteArrayInputStream(data.readAllBytes());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                if ("*".equals(request.ifNoneMatch()) && current != null) {
                    throw new S3ProxyException(S3ErrorCode.PRECONDITION_FAILED);
                }
                if (request.ifMatch() != null) {
                    if (current == null) {
                        throw new S3ProxyException(S3ErrorCode.NO_SUCH_KEY);
                    }
                    if (!unquoted(request.ifMatch()).equals(unquoted(current.eTag()))) {
                        throw new S3ProxyException(S3ErrorCode.PRECONDITION_FAILED);
                    }
                }
                // the conditions were checked here, atomically: the store below writes unconditionally
                return delegate().putBlob(request.toBuilder().ifMatch(null).ifNoneMatch(null).build(), counted(data));
            }
        }

        @Override
        public CopyObjectResponse copyBlob(CopyObjectRequest request) {
            synchronized (writes) {
                return delegate().copyBlob(request);
            }
        }

        @Override
        public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
            synchronized (writes) {
                if (request.key().startsWith(MPU_STUB)) {
                    HeadObjectResponse stub = delegate().blobMetadataIfPresent(request.bucket(), request.key());
                    if (stub != null) {
                        removedStubs.put(request.bucket() + "/" + request.key(), stub);
                    }
                }
                return delegate().removeBlob(request);
            }
        }

        @Override
        public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
                                                                       CompleteMultipartUploadRequest request) {
            synchronized (writes) {
                CompleteMultipartUploadResponse response = delegate().completeMultipartUpload(upload, request);
                removedStubs.remove(upload.containerName() + "/" + MPU_STUB + upload.id());
                return response;
            }
        }

        /**
         * S3 knows an upload by bucket, key and upload id together: an abort naming another key is 404
         * NoSuchUpload and leaves the upload open. s3proxy looks at the id alone (and has already removed its
         * bookkeeping stub of the upload when it gets here): the key is checked here, and on a mismatch the stub
         * is put back, so that the upload can still be completed or aborted as S3 would let it.
         */
        @Override
        public void abortMultipartUpload(MultipartUpload upload) {
            synchronized (writes) {
                HeadObjectResponse stub = removedStubs.remove(upload.containerName() + "/" + MPU_STUB + upload.id());
                boolean open = delegate().listMultipartUploads(upload.containerName()).stream()
                        .anyMatch(u -> u.uploadId().equals(upload.id()) && u.key().equals(upload.blobName()));
                if (!open) {
                    if (stub != null) {
                        delegate().putBlob(PutObjectRequest.builder().bucket(upload.containerName())
                                .key(MPU_STUB + upload.id()).contentLength(0L).contentType(stub.contentType())
                                .cacheControl(stub.cacheControl()).metadata(stub.metadata()).build(),
                                InputStream.nullInputStream());
                    }
                    throw new S3ProxyException(S3ErrorCode.NO_SUCH_UPLOAD);
                }
                delegate().abortMultipartUpload(upload);
            }
        }

        @Override
        public ListObjectsV2Response list(ListObjectsV2Request request) {
            int asked = request.maxKeys() == null ? 1000 : request.maxKeys();
            return delegate().list(request.toBuilder().maxKeys(Math.min(asked, pageSize)).build());
        }

        private static String unquoted(String etag) {
            return etag == null ? "" : etag.replace("\"", "");
        }

        @Override
        public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request, InputStream data) {
            return delegate().uploadMultipartPart(upload, request, counted(data));
        }

        private InputStream counted(InputStream data) {
            return new FilterInputStream(data) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        state.countBytes("s3", 1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = super.read(buffer, offset, length);
                    if (n > 0) {
                        state.countBytes("s3", n);
                    }
                    return n;
                }
            };
        }
    }
}
