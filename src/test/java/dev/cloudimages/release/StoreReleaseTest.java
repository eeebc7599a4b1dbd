package dev.cloudimages.release;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudimages.cli.Cli;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.support.Digests;
import dev.cloudimages.testing.BuilderVms;
import dev.cloudimages.testing.CliRun;
import dev.cloudimages.testing.OverlayMirror;
import dev.cloudimages.testing.OverlayRuns;
import dev.cloudimages.testing.ThrowawayGpg;
import dev.cloudimages.testing.aws.FakeAws;
import dev.cloudimages.testing.aws.Image;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two machines, one release: two projects with their own work/ share one file:// store. Machine
 * A builds (real QEMU) and uploads; machine B, which never built anything, publishes to the fake
 * AWS from the store's copy — after a held lease, a damaged stored image and a metadata file that
 * does not parse have each stopped it with one line and nothing changed.
 */
class StoreReleaseTest {

    private static final String VARIANT = "3.24-x86_64-bios-aws";
    private static final String BUILD = "test-3.24.1-x86_64-bios";
    private static final List<String> ENABLED = List.of("eu-south-1", "eu-west-1", "us-east-1", "us-west-2");
    @RegisterExtension
    static final OverlayMirror MIRROR = new OverlayMirror();

    @TempDir
    Path temp;
    private Path store;
    private Path storeDir;
    private Path machineA;
    private Path machineB;
    private FakeAws aws;
    private ThrowawayGpg gpg;
    private final Map<String, String> envA = new HashMap<>();
    private final Map<String, String> envB = new HashMap<>();
    private String err;
    private String out;

    @BeforeEach
    void setUp() throws Exception {
        aws = FakeAws.start();
        gpg = ThrowawayGpg.create(temp.resolve("gnupg"));
        store = temp.resolve("store");
        storeDir = store.resolve("v3.24/aws/x86_64");
        machineA = temp.resolve("a");
        machineB = temp.resolve("b");
        prepareMachine(machineA, envA);
        prepareMachine(machineB, envB);
    }

    /** One "machine": a project copy with the test overlay, the shared store, the fake AWS and the signing key. */
    private void prepareMachine(Path machine, Map<String, String> env) throws Exception {
        MIRROR.prepare(machine, env);
        appendConfig(machine, "Default { storage_url = \"file://" + store + "/{v_version}/{cloud}/{arch}\" }");
        OverlayMirror.awsEnv(env, aws.env(), machine);
        env.putAll(gpg.env());
    }

    @AfterEach
    void tearDown() throws Exception {
        aws.close();
        gpg.close();
        assertEquals(List.of(), BuilderVms.running(machineA), "QEMU processes left behind");
    }

    private int run(Path machine, String... args) {
        CliRun run = OverlayRuns.run(machine == machineA ? envA : envB, machine, "aws", args);
        out = run.out();
        err = run.err();
        return run.code();
    }

    @Test
    void machineBPublishesWhatMachineAUploadedAndAShowsIt() throws Exception {
        assertEquals(Cli.OK, run(machineA, "upload"), err);
        assertTrue(err.contains("Built 1 image(s)"), err);
        Path localImage = machineA.resolve("work/images/aws").resolve(BUILD).resolve("image.qcow2");
        String image = BUILD + "-r0.qcow2";
        String sha512 = Digests.hex(localImage, "SHA-512");
        assertEquals(sha512 + "  " + image + "\n", Files.readString(storeDir.resolve(image + ".sha512")));
        assertEquals(Files.size(localImage), Files.size(storeDir.resolve(image)));
        JsonNode uploaded = metadata();
        assertEquals(BUILD + "-r0", uploaded.get("name").asText());
        assertEquals(0, uploaded.get("revision").asInt());
        assertEquals(sha512, uploaded.get("sha512").asText());
        assertTrue(uploaded.has("uploaded") && !uploaded.has("imported"), uploaded.toString());
        // what image.yaml says beside the record travels with the image: the SBOM's files and digests, the provenance
        JsonNode local = ConfigsYaml.mapper().readTree(localImage.resolveSibling("image.yaml").toFile());
        assertEquals("image.spdx.json", uploaded.at("/sbom/spdx").asText(), uploaded.toString());
        assertEquals(local.get("sbom"), uploaded.get("sbom"));
        assertEquals(local.get("provenance"), uploaded.get("provenance"));
        assertEquals(uploaded.get("input_hash").asText(), uploaded.at("/provenance/input_hash").asText());
        assertEquals(List.of(), leftovers(), "no temporary names, no lease after the run");
        assertEquals(Cli.OK, run(machineA, "upload"), err);
        assertTrue(err.contains("Nothing to do"), err);

        // a lease held by a live machine: exit 75 naming it, nothing made anywhere
        Instant now = Instant.now();
        Path lease = storeDir.resolve(BUILD + ".lease");
        Files.writeString(lease, "owner: \"ci@runner-7 pid 42\"\ntoken: x\nacquired: " + now.minusSeconds(30)
                + "\nexpires: " + now.plusSeconds(600) + "\n");
        assertEquals(75, run(machineB, "publish"), err);
        assertEquals(1, err.lines().filter(l -> l.contains(" ERROR ")).count(), err);
        assertTrue(err.contains("is being worked on by ci@runner-7 pid 42") && err.matches("(?s).*taken 3\\d s ago, expires in 9 min.*"), err);
        assertNothingChangedOnB();

        // a stored image whose bytes are not what its metadata says is never imported
        Files.delete(lease);
        byte[] good = Files.readAllBytes(storeDir.resolve(image));
        byte[] bad = good.clone();
        bad[bad.length / 2] ^= 1;
        Files.write(storeDir.resolve(image), bad);
        assertEquals(Cli.FAILED, run(machineB, "publish"), err);
        assertTrue(err.contains(" ERROR [" + VARIANT + "] file://" + storeDir + "/" + image
                + " does not match its metadata (checksum); it was not used"), err);
        assertFalse(err.contains("\tat "), err);
        assertNothingChangedOnB();
        Files.write(storeDir.resolve(image), good);

        // metadata that does not parse: one line naming it
        Path metadataFile = storeDir.resolve(BUILD + "-r0.yaml");
        byte[] metadata = Files.readAllBytes(metadataFile);
        Files.writeString(metadataFile, "name: [unclosed\n");
        CliRun.assertOneLineError(run(machineB, "state"), err, BUILD + "-r0.yaml is not image metadata");
        Files.write(metadataFile, metadata);

        // an expired lease (a machine that died) is taken over
        Files.writeString(lease, "owner: \"ci@runner-7 pid 42\"\ntoken: x\nacquired: " + now.minusSeconds(3600)
                + "\nexpires: " + now.minusSeconds(60) + "\n");
        assertEquals(Cli.OK, run(machineB, "publish"), err);
        assertTrue(err.contains("took over the lease") && err.contains("of ci@runner-7 pid 42, expired"), err);
        assertFalse(err.contains("Built 1 image(s)") || Files.exists(machineB.resolve("work/build/aws").resolve(BUILD)
                .resolve("disk.raw")), "machine B built nothing: " + err);
        assertTrue(err.contains("downloaded and verified (sha512)"), err);
        JsonNode published = metadata();
        assertEquals(uploaded.get("provenance"), published.get("provenance"), "kept by every later step");
        assertEquals(uploaded.get("sbom"), published.get("sbom"));
        Image source = single(aws.images("us-east-1"));
        assertEquals(source.id(), published.get("import_id").asText());
        assertEquals("us-east-1", published.get("import_region").asText());
        for (String region : ENABLED) {
            assertEquals(single(aws.images(region)).id(), published.get("artifacts").get(region).asText(), region);
        }
        assertTrue(published.has("published") && published.has("signed"), published.toString());
        assertEquals(gpg.fingerprint(), published.get("signed_by").asText());
        assertTrue(gpg.verifies(storeDir.resolve(image + ".asc"), storeDir.resolve(image)), "the stored signature verifies");
        assertEquals(List.of(), leftovers());

        // machine A sees B's work; B's second publish changes nothing in the store
        assertEquals(Cli.OK, run(machineA, "state"), err);
        JsonNode plan = ConfigsYaml.mapper().readTree(machineA.resolve("work/actions.yaml").toFile()).get(VARIANT);
        assertEquals(source.id(), plan.get("stored").get("import_id").asText(), plan.toString());
        assertEquals(ENABLED.size(), plan.get("stored").get("artifacts").size(), plan.toString());
        assertTrue(out.contains("published r0") && out.contains("signed"), out);
        assertEquals(Cli.OK, run(machineB, "publish"), err);
        assertEquals(ENABLED.size(), metadata().get("artifacts").size());

        // a published image is never rolled back
        CliRun.assertOneLineError(run(machineB, "rollback"), err, "rollback refused: " + VARIANT,
                "is published or released");
        assertTrue(Files.exists(storeDir.resolve(image)));
        assertEquals(1, aws.images("us-east-1").size());
    }

    @Test
    void rollbackUndoesImportUploadAndLocalOfAnUnpublishedImage() throws Exception {
        assertEquals(Cli.OK, run(machineA, "import", "--disable", "sign"), err);
        Image imported = single(aws.images("us-east-1"));
        assertEquals(imported.id(), metadata().get("import_id").asText());
        assertFalse(metadata().has("signed"), "--disable sign");

        assertEquals(Cli.OK, run(machineA, "rollback"), err);
        assertTrue(err.contains("removing imported " + imported.id()), err);
        assertEquals(List.of(), aws.images("us-east-1"));
        assertEquals(List.of(), aws.snapshots("us-east-1"));
        assertEquals(List.of(), leftovers());
        try (Stream<Path> files = Files.list(storeDir)) {
            assertEquals(List.of(), files.toList(), "the store holds nothing of the image");
        }
        assertFalse(Files.exists(machineA.resolve("work/images/aws").resolve(BUILD)));
        assertEquals(Cli.OK, run(machineA, "rollback"), err);
        assertTrue(err.contains("Nothing to roll back"), err);
    }

    @Test
    void twoMachinesPublishingOneVariantAtOnceImportItOnce() throws Exception {
        assertEquals(Cli.OK, run(machineA, "upload"), err);
        Path machineC = temp.resolve("c");
        Map<String, String> envC = new HashMap<>();
        prepareMachine(machineC, envC);
        aws.delayBlocks(java.time.Duration.ofMillis(300)); // the winner is still uploading when the other looks

        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<CliRun> b = pool.submit(() -> OverlayRuns.run(envB, machineB, "aws", "publish"));
            java.util.concurrent.Future<CliRun> c = pool.submit(() -> OverlayRuns.run(envC, machineC, "aws", "publish"));
            List<CliRun> runs = List.of(b.get(), c.get());
            List<Integer> codes = runs.stream().map(CliRun::code).sorted().toList();
            assertEquals(List.of(0, 75), codes, runs.toString());
            CliRun loser = runs.stream().filter(r -> r.code() == 75).findFirst().orElseThrow();
            assertTrue(loser.err().contains("is being worked on by "), loser.err());
            assertFalse(loser.err().contains("downloading"), "the loser did nothing: " + loser.err());
        } finally {
            pool.shutdownNow();
        }
        for (String region : ENABLED) {
            assertEquals(1, aws.images(region).size(), region + ": imported and published once");
        }
        assertEquals(1, aws.snapshots("us-east-1").size());
        assertEquals(List.of(), leftovers());
    }

    @Test
    void anUnknownSchemeIsOneLineAndChangesNothing() throws Exception {
        appendConfig(machineB, "Default { storage_url = \"ftp://host/images\" }");
        CliRun.assertOneLineError(run(machineB, "upload"), err, "storage_url 'ftp://host/images' has the unknown "
                + "scheme 'ftp'", "file://");
        assertFalse(Files.exists(machineB.resolve("work/images/aws")), "nothing was built");
    }

    private static void appendConfig(Path machine, String config) throws Exception {
        Files.writeString(machine.resolve("overlay/configs/test.conf"), "\n" + config + "\n",
                java.nio.file.StandardOpenOption.APPEND);
    }

    private void assertNothingChangedOnB() throws Exception {
        assertEquals(List.of(), aws.snapshots("us-east-1"));
        assertEquals(List.of(), aws.images("us-east-1"));
        assertFalse(Files.exists(machineB.resolve("work/images/aws").resolve(BUILD).resolve("image.qcow2")),
                "no local image on B");
        assertFalse(Files.exists(storeDir.resolve(BUILD + "-r0.qcow2.asc")));
    }

    private JsonNode metadata() throws Exception {
        return ConfigsYaml.mapper().readTree(storeDir.resolve(BUILD + "-r0.yaml").toFile());
    }

    /** Temporary names and leases left in the store. */
    private List<String> leftovers() throws Exception {
        try (Stream<Path> files = Files.list(storeDir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".") || n.endsWith(".lease"))
                    .filter(n -> !n.equals(".store.lock")).toList();
        }
    }

    private static <T> T single(List<T> list) {
        assertEquals(1, list.size(), list.toString());
        return list.get(0);
    }
}
