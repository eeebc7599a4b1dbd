package dev.cloudimages.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.oracle.bmc.objectstorage.requests.PutObjectRequest;
import dev.cloudimages.cli.Cli;
import dev.cloudimages.cloud.aws.AwsStoreAccess;
import dev.cloudimages.cloud.oci.OciStoreAccess;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.store.ArtifactStore;
import dev.cloudimages.store.ArtifactStores;
import dev.cloudimages.store.StoreUrl;
import dev.cloudimages.testing.BuilderVms;
import dev.cloudimages.testing.CliRun;
import dev.cloudimages.testing.OverlayMirror;
import dev.cloudimages.testing.OverlayRuns;
import dev.cloudimages.testing.ThrowawayGpg;
import dev.cloudimages.testing.aws.FakeAws;
import dev.cloudimages.testing.gcp.FakeGcp;
import dev.cloudimages.testing.oci.FakeOci;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two-machine release of {@link StoreReleaseTest} with the store in object storage: s3://
 * on the fake S3, gs:// on the fake Cloud Storage, oci:// on the fake Object Storage, each through
 * its cloud's SDK. Machine A builds and uploads (removing, on s3 and oci, the temporary object an
 * upload killed earlier left, and saying so); machine B (no work/) is stopped by a held lease
 * (exit 75, nothing done), then publishes from the store's copy; A's state shows B's work.
 */
class ObjectStoreReleaseTest {

    private static final String VARIANT = "3.24-x86_64-bios-aws";
    private static final String BUILD = "test-3.24.1-x86_64-bios";
    private static final String S3_BUCKET = "release-store";
    @RegisterExtension
    static final OverlayMirror MIRROR = new OverlayMirror();

    @TempDir
    Path temp;
    private FakeAws aws;
    private FakeGcp gcp;
    private FakeOci oci;
    private ThrowawayGpg gpg;

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable fake : new AutoCloseable[]{aws, gcp, oci, gpg}) {
            if (fake != null) {
                fake.close();
            }
        }
        assertEquals(List.of(), BuilderVms.running(temp.resolve("a")), "QEMU processes left behind");
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "gs", "oci"})
    void machineBPublishesFromObjectStorage(String scheme) throws Exception {
        aws = FakeAws.start();
        gpg = ThrowawayGpg.create(temp.resolve("gnupg"));
        Map<String, String> cloudEnv = new HashMap<>(aws.env());
        String url = switch (scheme) {
            case "s3" -> {
                AwsStoreAccess.open(aws.env()).s3().createBucket(b -> b.bucket(S3_BUCKET));
                yield "s3://" + S3_BUCKET + "/releases";
            }
            case "gs" -> {
                gcp = FakeGcp.start();
                cloudEnv.putAll(gcp.env());
                yield "gs://" + FakeGcp.BUCKET + "/releases";
            }
            default -> {
                oci = FakeOci.start();
                cloudEnv.putAll(oci.env(Files.createDirectories(temp.resolve("oci")), "eu-frankfurt-1"));
                yield "oci://" + FakeOci.NAMESPACE + "/" + FakeOci.BUCKET + "/releases";
            }
        };
        Map<Path, Map<String, String>> envs = new HashMap<>();
        for (String name : List.of("a", "b")) {
            Path machine = temp.resolve(name);
            Map<String, String> env = new HashMap<>();
            MIRROR.prepare(machine, env);
            Files.writeString(machine.resolve("overlay/configs/test.conf"), "\nDefault { storage_url = \"" + url
                    + "/{v_version}/{cloud}/{arch}\" }\n", java.nio.file.StandardOpenOption.APPEND);
            OverlayMirror.awsEnv(env, cloudEnv, machine);
            env.putAll(gpg.env());
            envs.put(machine, env);
        }
        Path a = temp.resolve("a");
        Path b = temp.resolve("b");
        ArtifactStore store = ArtifactStores.shipped(cloudEnv).open(StoreUrl.parse(url + "/v3.24/aws/x86_64", "test"));

        String image = BUILD + "-r0.qcow2";
        // what a machine killed mid-upload left: the image's temporary object (gs:// uploads use none)
        String leftover = "releases/v3.24/aws/x86_64/." + image + ".k3x9q2.part";
        plantLeftover(scheme, cloudEnv, leftover);
        CliRun upload = OverlayRuns.run(envs.get(a), a, "aws", "upload");
        assertEquals(Cli.OK, upload.code(), upload.err());
        assertEquals(!scheme.equals("gs"), upload.err().contains("removed 1 leftover temporary upload of " + image
                + " from an earlier run (in " + url + "/v3.24/aws/x86_64)"), upload.err());
        assertFalse(rawNames(scheme).contains(leftover), "the leftover is gone: " + rawNames(scheme));
        assertEquals(List.of(BUILD + "-r0.qcow2", image + ".sha512", BUILD + "-r0.yaml"),
                List.of(store.list(BUILD + "-r0.q").get(0), store.list(image + ".")
                        .get(0), store.list(BUILD + "-r0.y").get(0)));

        Instant now = Instant.now();
        store.write(BUILD + ".lease", ("owner: \"ci@runner-3 pid 7\"\ntoken: t\nacquired: " + now.minusSeconds(5)
                + "\nexpires: " + now.plusSeconds(600) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        CliRun held = OverlayRuns.run(envs.get(b), b, "aws", "publish");
        assertEquals(75, held.code(), held.err());
        assertTrue(held.err().contains("is being worked on by ci@runner-3 pid 7"), held.err());
        assertEquals(List.of(), aws.images("us-east-1"), "nothing imported while the lease is held");
        store.delete(BUILD + ".lease");

        CliRun publish = OverlayRuns.run(envs.get(b), b, "aws", "publish");
        assertEquals(Cli.OK, publish.code(), publish.err());
        assertFalse(publish.err().contains("Built 1 image(s)"), "B built nothing: " + publish.err());
        assertTrue(publish.err().contains("downloaded and verified (sha512)"), publish.err());
        JsonNode metadata = ConfigsYaml.mapper().readTree(store.read(BUILD + "-r0.yaml").orElseThrow());
        assertEquals(aws.images("us-east-1").get(0).id(), metadata.get("import_id").asText());
        assertEquals(gpg.fingerprint(), metadata.get("signed_by").asText());
        assertTrue(metadata.has("published"), metadata.toString());
        assertTrue(store.stat(image + ".asc").isPresent());
        assertTrue(store.stat(BUILD + ".lease").isEmpty(), "the lease is released");

        CliRun state = OverlayRuns.run(envs.get(a), a, "aws", "state");
        assertEquals(Cli.OK, state.code(), state.err());
        JsonNode plan = ConfigsYaml.mapper().readTree(a.resolve("work/actions.yaml").toFile()).get(VARIANT);
        assertEquals(metadata.get("import_id").asText(), plan.at("/stored/import_id").asText(), plan.toString());
    }

    private void plantLeftover(String scheme, Map<String, String> cloudEnv, String key) {
        byte[] half = new byte[4096];
        switch (scheme) {
            case "s3" -> AwsStoreAccess.open(aws.env()).s3().putObject(b -> b.bucket(S3_BUCKET).key(key),
                    RequestBody.fromBytes(half));
            case "oci" -> OciStoreAccess.open(cloudEnv).objectStorage().putObject(PutObjectRequest.builder()
                    .namespaceName(FakeOci.NAMESPACE).bucketName(FakeOci.BUCKET).objectName(key)
                    .contentLength((long) half.length).putObjectBody(new ByteArrayInputStream(half)).build());
            default -> {
            }
        }
    }

    private List<String> rawNames(String scheme) {
        return switch (scheme) {
            case "s3" -> aws.objects(S3_BUCKET);
            case "oci" -> List.copyOf(oci.objects("eu-frankfurt-1").keySet());
            default -> gcp.objects();
        };
    }
}
