package dev.cloudimages.store;

import com.oracle.bmc.objectstorage.ObjectStorageClient;
import com.oracle.bmc.objectstorage.model.CreateMultipartUploadDetails;
import com.oracle.bmc.objectstorage.model.MultipartUpload;
import com.oracle.bmc.objectstorage.requests.CreateMultipartUploadRequest;
import com.oracle.bmc.objectstorage.requests.ListMultipartUploadsRequest;
import com.oracle.bmc.objectstorage.requests.PutObjectRequest;
import com.oracle.bmc.objectstorage.requests.UploadPartRequest;
import dev.cloudimages.cloud.aws.AwsStoreAccess;
import dev.cloudimages.cloud.oci.OciStoreAccess;
import dev.cloudimages.store.oci.OciStore;
import dev.cloudimages.store.s3.S3Store;
import dev.cloudimages.support.Digests;
import dev.cloudimages.testing.aws.FakeAws;
import dev.cloudimages.testing.gcp.FakeGcp;
import dev.cloudimages.testing.oci.FakeOci;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fake clouds the store tests run the real SDK clients against, started once for a test class,
 * and a fresh store under a new prefix for each test. Part sizes are made small (S3's 5 MiB minimum,
 * 4 MiB on OCI) so that a file of a few MiB goes through multipart uploads and S3's UploadPartCopy,
 * and every fake answers listings in pages of two so that paging is exercised.
 */
final class StoreFakes implements AutoCloseable {

    static final List<String> SCHEMES = List.of("file", "s3", "gs", "oci");
    static final String S3_BUCKET = "store-tests";
    static final String OCI_REGION = "eu-frankfurt-1";

    final FakeAws aws = FakeAws.start();
    final FakeGcp gcp = FakeGcp.start();
    final FakeOci oci = FakeOci.start();
    final Path dir;
    private final Map<String, String> ociEnv;
    private final AtomicInteger runs = new AtomicInteger();

    StoreFakes() {
        try {
            dir = Files.createTempDirectory("store-tests");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ociEnv = oci.env(dir, OCI_REGION);
        AwsStoreAccess.open(aws.env()).s3().createBucket(b -> b.bucket(S3_BUCKET));
        aws.s3ListPageSize(2);
        gcp.listPageSize(2);
        oci.listPageSize(2);
    }

    /** The environment that points a scheme's SDK at its fake. */
    Map<String, String> env(String scheme) {
        return new HashMap<>(switch (scheme) {
            case "s3" -> aws.env();
            case "gs" -> gcp.env();
            case "oci" -> ociEnv;
            default -> Map.of();
        });
    }

    /** The URL of a new, empty store of the scheme. */
    String newUrl(String scheme) {
        String run = "run-" + runs.incrementAndGet();
        return switch (scheme) {
            case "file" -> "file://" + dir.resolve("file").resolve(run);
            case "s3" -> "s3://" + S3_BUCKET + "/releases/" + run;
            case "gs" -> "gs://" + FakeGcp.BUCKET + "/releases/" + run;
            case "oci" -> "oci://" + FakeOci.NAMESPACE + "/" + FakeOci.BUCKET + "/releases/" + run;
            default -> throw new IllegalArgumentException(scheme);
        };
    }

    /** A new, empty store of the scheme, with small parts where the scheme has them. */
    ArtifactStore open(String scheme) {
        StoreUrl url = StoreUrl.parse(newUrl(scheme), "test");
        return switch (scheme) {
            case "s3" -> new S3Store(AwsStoreAccess.open(env("s3")), url, new S3Store.Sizes(5L << 20, 5L << 20));
            case "oci" -> new OciStore(OciStoreAccess.open(env("oci")), url, 4L << 20);
            default -> ArtifactStores.shipped(env(scheme)).open(url);
        };
    }

    /** Every object name the scheme's fake holds, as the service would list them raw (temporaries too). */
    List<String> rawNames(String scheme) {
        return switch (scheme) {
            case "s3" -> aws.objects(S3_BUCKET);
            case "gs" -> gcp.objects();
            case "oci" -> List.copyOf(oci.objects(OCI_REGION).keySet());
            default -> {
                try (var files = Files.walk(dir.resolve("file"))) {
                    yield files.map(Path::toString).toList();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /** The names the scheme's fake holds under one store, relative to it, as the service would list them raw. */
    List<String> rawNames(ArtifactStore store) {
        StoreUrl url = StoreUrl.parse(store.url(), "test");
        String base = switch (url.scheme()) {
            case "file" -> "/" + url.path() + "/";
            case "gs" -> url.authority() + "/" + keyPrefix(store); // the fake's names are "bucket/name"
            default -> keyPrefix(store);
        };
        return rawNames(url.scheme()).stream().filter(n -> n.startsWith(base)).map(n -> n.substring(base.length()))
                .sorted().toList();
    }

    /** Where a store's objects are in its bucket: "releases/run-N/". */
    static String keyPrefix(ArtifactStore store) {
        StoreUrl url = StoreUrl.parse(store.url(), "test");
        return (url.scheme().equals("oci") ? url.path().substring(url.path().indexOf('/') + 1) : url.path()) + "/";
    }

    /** Uploads started and neither finished nor aborted. */
    int openUploads(String scheme) {
        return switch (scheme) {
            case "s3" -> aws.openUploads(S3_BUCKET).size();
            case "gs" -> gcp.openUploads();
            case "oci" -> oci.openUploads();
            default -> 0;
        };
    }

    /** The object names of open multipart uploads (s3, oci), sorted. */
    List<String> openUploadNames(String scheme) {
        return switch (scheme) {
            case "s3" -> aws.openUploads(S3_BUCKET);
            case "oci" -> ociClient().listMultipartUploads(ListMultipartUploadsRequest.builder()
                    .namespaceName(FakeOci.NAMESPACE).bucketName(FakeOci.BUCKET).limit(1000).build())
                    .getItems().stream().map(MultipartUpload::getObject).sorted().toList();
            default -> List.of();
        };
    }

    /**
     * Puts an object under any name beside a store's objects (a temporary {@code .<name>.<random>.part}
     * too, which the stores' own calls refuse), through the scheme's SDK as a killed upload would have.
     */
    void plantObject(ArtifactStore store, String rawName, byte[] content) {
        StoreUrl url = StoreUrl.parse(store.url(), "test");
        switch (url.scheme()) {
            case "file" -> {
                try {
                    Path dir = Path.of("/" + url.path());
                    Files.createDirectories(dir);
                    Files.write(dir.resolve(rawName), content);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            case "s3" -> AwsStoreAccess.open(env("s3")).s3().putObject(b -> b.bucket(url.authority())
                    .key(keyPrefix(store) + rawName), RequestBody.fromBytes(content));
            case "oci" -> ociClient().putObject(PutObjectRequest.builder().namespaceName(url.authority())
                    .bucketName(FakeOci.BUCKET).objectName(keyPrefix(store) + rawName)
                    .contentLength((long) content.length)
                    .putObjectBody(new ByteArrayInputStream(content)).build());
            default -> throw new IllegalArgumentException("no raw objects planted on " + url.scheme());
        }
    }

    /** Starts a multipart upload of {@code rawName} beside a store's objects and sends one part, never to finish it. */
    void plantUpload(ArtifactStore store, String rawName) {
        StoreUrl url = StoreUrl.parse(store.url(), "test");
        byte[] part = new byte[1024];
        switch (url.scheme()) {
            case "s3" -> {
                S3Client s3 = AwsStoreAccess.open(env("s3")).s3();
                String key = keyPrefix(store) + rawName;
                String id = s3.createMultipartUpload(b -> b.bucket(url.authority()).key(key)).uploadId();
                s3.uploadPart(b -> b.bucket(url.authority()).key(key).uploadId(id).partNumber(1)
                        .contentLength((long) part.length), RequestBody.fromBytes(part));
            }
            case "oci" -> {
                ObjectStorageClient client = ociClient();
                String object = keyPrefix(store) + rawName;
                String id = client.createMultipartUpload(CreateMultipartUploadRequest.builder()
                        .namespaceName(url.authority()).bucketName(FakeOci.BUCKET).createMultipartUploadDetails(
                                CreateMultipartUploadDetails.builder().object(object).build()).build())
                        .getMultipartUpload().getUploadId();
                client.uploadPart(UploadPartRequest.builder().namespaceName(url.authority()).bucketName(FakeOci.BUCKET)
                        .objectName(object).uploadId(id).uploadPartNum(1).contentLength((long) part.length)
                        .contentMD5(Base64.getEncoder().encodeToString(Digests.newDigest("MD5").digest(part)))
                        .uploadPartBody(new ByteArrayInputStream(part)).build());
            }
            default -> throw new IllegalArgumentException("no multipart uploads on " + url.scheme());
        }
    }

    private ObjectStorageClient ociClient() {
        return OciStoreAccess.open(env("oci")).objectStorage();
    }

    @Override
    public void close() {
        aws.close();
        gcp.close();
        oci.close();
    }
}
