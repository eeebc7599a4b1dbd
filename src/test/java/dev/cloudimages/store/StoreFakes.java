package dev.cloudimages.store;

import dev.cloudimages.cloud.aws.AwsStoreAccess;
import dev.cloudimages.cloud.oci.OciStoreAccess;
import dev.cloudimages.store.oci.OciStore;
import dev.cloudimages.store.s3.S3Store;
import dev.cloudimages.testing.aws.FakeAws;
import dev.cloudimages.testing.gcp.FakeGcp;
import dev.cloudimages.testing.oci.FakeOci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** Uploads started and neither finished nor aborted. */
    int openUploads(String scheme) {
        return switch (scheme) {
            case "gs" -> gcp.openUploads();
            case "oci" -> oci.openUploads();
            default -> 0;
        };
    }

    @Override
    public void close() {
        aws.close();
        gcp.close();
        oci.close();
    }
}
