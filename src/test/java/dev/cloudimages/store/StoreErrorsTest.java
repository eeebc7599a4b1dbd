package dev.cloudimages.store;

import dev.cloudimages.support.BuildException;
import dev.cloudimages.testing.gcp.FakeGcp;
import dev.cloudimages.testing.oci.FakeOci;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.net.ServerSocket;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A store that cannot be used says so in one line that names its URL and what to do: a bucket
 * that does not exist, credentials missing or refused, an endpoint nobody answers at. Secrets never
 * appear. Each store is opened as a run opens it, through {@link ArtifactStores#shipped}.
 */
class StoreErrorsTest {

    private static StoreFakes fakes;

    @BeforeAll
    static void start() {
        fakes = new StoreFakes();
    }

    @AfterAll
    static void stop() {
        fakes.close();
    }

    @Test
    void aBucketThatDoesNotExistIsNamed() {
        String s3 = "s3://no-such-bucket/releases";
        assertOneLine(s3 + ": the bucket 'no-such-bucket' does not exist (profile 'default' in us-east-1); create it,"
                + " or fix storage_url", () -> open(s3, fakes.env("s3")).stat("a.yaml"));
        assertOneLine(s3 + ": the bucket 'no-such-bucket' does not exist", () -> open(s3, fakes.env("s3")).list(""));
        assertOneLine(s3 + ": the bucket 'no-such-bucket' does not exist", () -> open(s3, fakes.env("s3"))
                .upload(file(), "a.qcow2", ArtifactStore.TransferListener.NONE));

        String gs = "gs://no-such-bucket/releases";
        assertOneLine(gs + ": the bucket 'no-such-bucket' does not exist", () -> open(gs, fakes.env("gs")).stat("a"));
        assertOneLine(gs + ": the bucket 'no-such-bucket' does not exist", () -> open(gs, fakes.env("gs")).read("a"));
        assertOneLine(gs + ": the bucket 'no-such-bucket' does not exist", () -> open(gs, fakes.env("gs")).list(""));

        String oci = "oci://" + FakeOci.NAMESPACE + "/no-such-bucket/releases";
        assertOneLine(oci + ": the bucket 'no-such-bucket' does not exist in eu-frankfurt-1 (profile 'DEFAULT' in"
                + " eu-frankfurt-1); create it, or fix storage_url or the region", () -> open(oci, fakes.env("oci")).stat("a"));
        assertOneLine(oci + ": the bucket 'no-such-bucket' does not exist", () -> open(oci, fakes.env("oci")).read("a"));
        assertOneLine(oci + ": the bucket 'no-such-bucket' does not exist", () -> open(oci, fakes.env("oci")).list(""));
        assertOneLine(oci + ": the bucket 'no-such-bucket' does not exist", () -> open(oci, fakes.env("oci"))
                .upload(file(), "a.qcow2", ArtifactStore.TransferListener.NONE));
        assertOneLine("oci://" + FakeOci.NAMESPACE + " names no bucket; write it like oci://namespace/bucket/prefix",
                () -> open("oci://" + FakeOci.NAMESPACE, fakes.env("oci")));
    }

    @Test
    void refusedCredentialsAreAccessDenied() {
        Map<String, String> env = fakes.env("s3");
        env.put("AWS_ACCESS_KEY_ID", "AKIDWRONGWRONGWRONG1");
        String s3 = fakes.newUrl("s3");
        assertOneLine(s3 + ": access denied while listing the store (profile 'default' in us-east-1): InvalidAccessKeyId:",
                () -> open(s3, env).list(""));
        // the sweep before the upload is refused too, but only the upload's refusal stops it
        String denied = assertOneLine(s3 + ": access denied while uploading a.qcow2 as a.qcow2"
                + " (profile 'default' in us-east-1): InvalidAccessKeyId:",
                () -> open(s3, env).upload(file(), "a.qcow2", ArtifactStore.TransferListener.NONE));
        assertTrue(denied.contains("the store needs s3:GetObject, s3:PutObject, s3:DeleteObject, s3:ListBucket,"
                + " s3:ListBucketMultipartUploads and s3:AbortMultipartUpload on bucket '" + StoreFakes.S3_BUCKET
                + "'"), denied);

        String gs = fakes.newUrl("gs");
        ArtifactStore store = open(gs, fakes.env("gs"));
        fakes.gcp.inject(FakeGcp.Fault.PERMISSION_DENIED, "storage");
        assertOneLine(gs + ": access denied while listing the store (credentials from ", () -> store.list(""));

        String oci = fakes.newUrl("oci");
        fakes.oci.acceptKeyId("ocid1.tenancy.oc1..other/ocid1.user.oc1..other/00:00");
        try {
            assertOneLine(oci + ": not authenticated while reading a.yaml (profile 'DEFAULT' in eu-frankfurt-1):",
                    () -> open(oci, fakes.env("oci")).read("a.yaml"));
        } finally {
            fakes.oci.acceptKeyId(FakeOci.TENANCY + "/" + FakeOci.USER + "/" + FakeOci.FINGERPRINT);
        }
    }

    @Test
    void missingCredentialsSayWhatToRun() {
        Map<String, String> aws = fakes.env("s3");
        aws.remove("AWS_ACCESS_KEY_ID");
        aws.remove("AWS_SECRET_ACCESS_KEY");
        aws.put("AWS_CONFIG_FILE", "/nonexistent");
        aws.put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
        String s3 = fakes.newUrl("s3");
        assertOneLine(s3 + ": aws: no usable credentials for profile 'default' in us-east-1", () -> open(s3, aws));

        Map<String, String> gcp = fakes.env("gs");
        gcp.remove("GOOGLE_APPLICATION_CREDENTIALS");
        gcp.put("HOME", fakes.dir.resolve("no-home").toString());
        String gs = fakes.newUrl("gs");
        assertOneLine(gs + ": gcp: no Application Default Credentials", () -> open(gs, gcp));

        String oci = fakes.newUrl("oci");
        assertOneLine(oci + ": oci: no config file /nonexistent (profile 'DEFAULT'); run 'oci setup config'",
                () -> open(oci, Map.of("OCI_CONFIG_FILE", "/nonexistent")));
    }

    @Test
    void anEndpointNobodyAnswersAtIsNamed() throws Exception {
        String closed;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = "http://127.0.0.1:" + socket.getLocalPort();
        }
        Map<String, String> aws = fakes.env("s3");
        aws.put("AWS_ENDPOINT_URL_S3", closed);
        String s3 = fakes.newUrl("s3");
        assertOneLine(s3 + ": cannot reach S3 at " + closed + " while reading a.yaml", () -> open(s3, aws).read("a.yaml"));

        Map<String, String> gcp = fakes.env("gs");
        gcp.put("STORAGE_EMULATOR_HOST", closed);
        String gs = fakes.newUrl("gs");
        assertOneLine(gs + ": cannot reach Cloud Storage at " + closed + " while reading a.yaml",
                () -> open(gs, gcp).read("a.yaml"));

        Map<String, String> ociEnv = fakes.env("oci");
        ociEnv.put("OCI_ENDPOINT_OBJECTSTORAGE", closed + "/{region}/os");
        String oci = fakes.newUrl("oci");
        assertOneLine(oci + ": cannot reach Object Storage at " + closed + "/eu-frankfurt-1/os while reading a.yaml",
                () -> open(oci, ociEnv).read("a.yaml"));
    }

    private static ArtifactStore open(String url, Map<String, String> env) {
        return ArtifactStores.shipped(env).open(StoreUrl.parse(url, "test"));
    }

    /** A small file to upload. */
    private static java.nio.file.Path file() throws java.io.IOException {
        return java.nio.file.Files.write(fakes.dir.resolve("a.qcow2"), new byte[1024]);
    }

    /** One line starting "store URL...", with nothing secret in it; the message. */
    private static String assertOneLine(String start, Executable action) {
        BuildException failure = assertThrows(BuildException.class, action);
        String message = failure.getMessage();
        assertTrue(message.startsWith("store " + start), message);
        assertFalse(message.contains("\n"), message);
        assertFalse(message.contains(fakes.aws.secretAccessKey()), message);
        assertFalse(message.contains("ya29."), message);
        assertFalse(message.contains("PRIVATE KEY"), message);
        assertEquals(-1, message.indexOf("\tat "), message);
        return message;
    }

}
