package dev.cloudimages.store;

import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Log;
import dev.cloudimages.support.TemporaryFailure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every scheme promises, checked the same way on each: file:// on a temporary directory, and
 * s3://, gs:// and oci:// through the real SDK clients against the fakes on 127.0.0.1.
 */
class ArtifactStoreContractTest {

    static final List<String> SCHEMES = StoreFakes.SCHEMES;
    private static final int IMAGE_SIZE = (11 << 20) + 12345;
    private static StoreFakes fakes;
    private static Path image;
    private static byte[] imageBytes;

    @BeforeAll
    static void start() throws Exception {
        fakes = new StoreFakes();
        imageBytes = new byte[IMAGE_SIZE];
        new Random(16).nextBytes(imageBytes);
        image = fakes.dir.resolve("image.qcow2");
        Files.write(image, imageBytes);
    }

    @AfterAll
    static void stop() {
        fakes.close();
    }

    @ParameterizedTest
    @FieldSource("SCHEMES")
    void smallObjectsAndFilesGoThereAndBack(String scheme) throws Exception {
        ArtifactStore store = fakes.open(scheme);
        assertEquals(List.of(), store.list(""));
        assertTrue(store.stat("a.yaml").isEmpty());
        assertTrue(store.read("a.yaml").isEmpty());

        store.write("a.yaml", bytes("name: a\n"));
        store.write("b.yaml", bytes("name: b\n"));
        store.write("b.yaml", bytes("name: b, again\n"));
        assertEquals("name: b, again\n", text(store.read("b.yaml").orElseThrow()));
        assertEquals(15, store.stat("b.yaml").orElseThrow().size());

        List<long[]> progress = new ArrayList<>();
        store.upload(image, "alpine.qcow2", (done, total) -> progress.add(new long[] {done, total}));
        long[] last = progress.get(progress.size() - 1);
        assertEquals(IMAGE_SIZE, last[0], "the listener hears of every byte");
        assertEquals(IMAGE_SIZE, last[1]);
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i)[0] >= progress.get(i - 1)[0], "progress only grows");
        }
        StoredObject stored = store.stat("alpine.qcow2").orElseThrow();
        assertEquals(IMAGE_SIZE, stored.size());
        assertFalse(stored.version().isEmpty());

        Path copy = fakes.dir.resolve(scheme + "-download");
        List<Long> downloaded = new ArrayList<>();
        store.download("alpine.qcow2", copy, (done, total) -> downloaded.add(done));
        assertArrayEquals(imageBytes, Files.readAllBytes(copy));
        assertEquals(IMAGE_SIZE, downloaded.get(downloaded.size() - 1));
        Files.delete(copy);

        // more names than one listing page holds (the fakes answer two a page)
        for (int i = 0; i < 5; i++) {
            store.write("c" + i + ".sha512", bytes("sum " + i));
        }
        assertEquals(List.of("a.yaml", "alpine.qcow2", "b.yaml", "c0.sha512", "c1.sha512", "c2.sha512", "c3.sha512",
                "c4.sha512"), store.list(""));
        assertEquals(List.of("c0.sha512", "c1.sha512", "c2.sha512", "c3.sha512", "c4.sha512"), store.list("c"));

        store.delete("alpine.qcow2");
        store.delete("alpine.qcow2");
        assertTrue(store.stat("alpine.qcow2").isEmpty());
        assertThrows(BuildException.class, () -> store.download("alpine.qcow2", copy, ArtifactStore.TransferListener.NONE));
    }

    @ParameterizedTest
    @FieldSource("SCHEMES")
    void anUploadIsNeverSeenUnderItsNameBeforeItIsWhole(String scheme) {
        ArtifactStore store = fakes.open(scheme);
        store.write("earlier.yaml", bytes("x"));
        List<String> seen = new ArrayList<>();
        store.upload(image, "alpine.qcow2", (done, total) -> {
            if (done < total) {
                seen.addAll(store.list(""));
                assertTrue(store.stat("alpine.qcow2").isEmpty(), "half an upload is visible at " + done);
            }
        });
        assertFalse(seen.isEmpty(), "the upload reported progress before its end");
        assertTrue(seen.stream().allMatch(n -> n.equals("earlier.yaml")), seen.toString());
        assertEquals(List.of("alpine.qcow2", "earlier.yaml"), store.list(""));
        assertEquals(List.of(), store.list("."), "temporary names are never listed");
        assertTrue(fakes.rawNames(scheme).stream().noneMatch(n -> n.endsWith(".part")), "and none is left behind: "
                + fakes.rawNames(scheme));
        assertEquals(0, fakes.openUploads(scheme), "no upload is left open");
    }

    /**
     * What a killed upload left (its temporary object; on s3 and oci its multipart uploads, which no
     * listing shows) is gone after the next upload of the same name, which says how much it removed;
     * temporaries of other names (longer ones among them) and every final object stay. gs:// uploads
     * use no temporary name and leave nothing to remove.
     */
    @ParameterizedTest
    @FieldSource("SCHEMES")
    void theNextUploadOfANameRemovesWhatAKilledOneLeft(String scheme) throws Exception {
        ArtifactStore store = fakes.open(scheme);
        boolean temporaries = !scheme.equals("gs");
        boolean multipart = scheme.equals("s3") || scheme.equals("oci");
        store.write("alpine.qcow2.sha512", bytes("sum"));
        store.write("alpine.yaml", bytes("name: alpine\n"));
        String mine = ".alpine.qcow2.k3x9q2.part";
        // of alpine.qcow2.sha512, other.qcow2 and alpine.qcow2.k3x9q2: names that start like alpine.qcow2's
        List<String> others = List.of(".alpine.qcow2.sha512.k3x9q2.part", ".other.qcow2.k3x9q2.part",
                ".alpine.qcow2.k3x9q2.z7.part");
        if (temporaries) {
            fakes.plantObject(store, mine, bytes("half an image"));
            others.forEach(name -> fakes.plantObject(store, name, bytes("another upload's")));
        }
        if (multipart) {
            fakes.plantUpload(store, ".alpine.qcow2.m1n2.part");
            fakes.plantUpload(store, ".other.qcow2.m1n2.part");
            fakes.plantUpload(store, ".other.qcow2.p3q4.part");
        }
        if (scheme.equals("s3")) {
            fakes.plantUpload(store, "alpine.qcow2"); // killed during UploadPartCopy: under the final key itself
        }
        assertEquals(List.of("alpine.qcow2.sha512", "alpine.yaml"), store.list(""), "leftovers are never listed");

        int expected = (temporaries ? 1 : 0) + (multipart ? 1 : 0) + (scheme.equals("s3") ? 1 : 0);
        assertEquals(expected,
                store.upload(image, "alpine.qcow2", ArtifactStore.TransferListener.NONE).leftoversRemoved());
        assertEquals(IMAGE_SIZE, store.stat("alpine.qcow2").orElseThrow().size());
        assertEquals(List.of("alpine.qcow2", "alpine.qcow2.sha512", "alpine.yaml"), store.list(""));
        assertEquals("name: alpine\n", text(store.read("alpine.yaml").orElseThrow()));
        assertEquals("sum", text(store.read("alpine.qcow2.sha512").orElseThrow()));
        List<String> raw = fakes.rawNames(store);
        assertFalse(raw.contains(mine), raw.toString());
        if (temporaries) {
            assertTrue(raw.containsAll(others), "temporaries of other names stay: " + raw);
        }
        String base = StoreFakes.keyPrefix(store);
        assertEquals(multipart ? List.of(base + ".other.qcow2.m1n2.part", base + ".other.qcow2.p3q4.part") : List.of(),
                fakes.openUploadNames(scheme), "the uploads of other names stay open");

        // the other names' leftovers go with their own next uploads
        Path small = fakes.dir.resolve(scheme + "-small");
        Files.write(small, bytes("small"));
        assertEquals((temporaries ? 1 : 0) + (multipart ? 2 : 0), store.upload(small, "other.qcow2",
                ArtifactStore.TransferListener.NONE).leftoversRemoved());
        for (String name : List.of("alpine.qcow2.sha512", "alpine.qcow2.k3x9q2")) {
            assertEquals(temporaries ? 1 : 0,
                    store.upload(small, name, ArtifactStore.TransferListener.NONE).leftoversRemoved(), name);
        }
        assertEquals(0, store.upload(small, "alpine.qcow2", ArtifactStore.TransferListener.NONE).leftoversRemoved(),
                "nothing is left");
        Files.delete(small);
        assertEquals(List.of(), fakes.openUploadNames(scheme));
        assertEquals(0, fakes.openUploads(scheme));
        assertEquals(List.of("alpine.qcow2", "alpine.qcow2.k3x9q2", "alpine.qcow2.sha512", "alpine.yaml",
                "other.qcow2"), fakes.rawNames(store), "nothing hidden is left");
    }

    @ParameterizedTest
    @FieldSource("SCHEMES")
    void exactlyOneOfTwoMachinesCreatesAName(String scheme) throws Exception {
        ArtifactStore store = fakes.open(scheme);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 4; round++) {
                String name = "build-" + round + ".lease";
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<Boolean>> racers = new ArrayList<>();
                for (String machine : List.of("one", "two")) {
                    racers.add(pool.submit(() -> {
                        start.await();
                        return store.createIfAbsent(name, bytes(machine));
                    }));
                }
                boolean first = racers.get(0).get();
                boolean second = racers.get(1).get();
                assertTrue(first ^ second, "round " + round + ": exactly one wins, not " + first + "/" + second);
                assertEquals(first ? "one" : "two", text(store.read(name).orElseThrow()));
                assertFalse(store.createIfAbsent(name, bytes("three")), "taken names stay taken");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @FieldSource("SCHEMES")
    void aStaleVersionReplacesNothing(String scheme) {
        ArtifactStore store = fakes.open(scheme);
        assertFalse(store.replaceIfUnchanged("x.lease", "0", bytes("v0")), "nothing there is not a version");
        store.write("x.lease", bytes("v1"));
        String v1 = store.stat("x.lease").orElseThrow().version();
        assertTrue(store.replaceIfUnchanged("x.lease", v1, bytes("v2 is longer")));
        String v2 = store.stat("x.lease").orElseThrow().version();
        assertNotEquals(v1, v2);
        assertFalse(store.replaceIfUnchanged("x.lease", v1, bytes("v3")), "a stale version fails");
        assertEquals("v2 is longer", text(store.read("x.lease").orElseThrow()));
        store.delete("x.lease");
        assertFalse(store.replaceIfUnchanged("x.lease", v2, bytes("v4")), "a deleted object fails too");
        assertTrue(store.read("x.lease").isEmpty());
    }

    @ParameterizedTest
    @FieldSource("SCHEMES")
    void leasesAreTakenHeldTakenOverRenewedAndReleased(String scheme) {
        ArtifactStore store = fakes.open(scheme);
        Clock clock = new Clock(Instant.parse("2025-06-01T10:00:00Z"));
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        Log log = new Log(new PrintStream(logged, true, StandardCharsets.UTF_8), false, false);
        Duration ttl = Duration.ofMinutes(30);

        Lease first = Lease.acquire(store, "b.lease", "ci@one pid 1", ttl, clock, log, "build b");
        clock.advance(Duration.ofMinutes(5));
        TemporaryFailure held = assertThrows(TemporaryFailure.class,
                () -> Lease.acquire(store, "b.lease", "ci@two pid 2", ttl, clock, log, "build b"));
        assertEquals(75, held.exitCode());
        assertTrue(held.getMessage().startsWith("build b is being worked on by ci@one pid 1 (lease " + store.url()
                + "/b.lease, taken 5 min ago, expires in 25 min)"), held.getMessage());

        first.renew();
        clock.advance(Duration.ofMinutes(29));
        assertThrows(TemporaryFailure.class, () -> Lease.acquire(store, "b.lease", "ci@two pid 2", ttl, clock, log,
                "build b"), "the renewal pushed the expiry out");

        clock.advance(Duration.ofMinutes(2));
        Lease second = Lease.acquire(store, "b.lease", "ci@two pid 2", ttl, clock, log, "build b");
        assertTrue(logged.toString(StandardCharsets.UTF_8).contains("took over the lease " + store.url()
                + "/b.lease of ci@one pid 1, expired 60 s ago"), logged.toString(StandardCharsets.UTF_8));
        BuildException lost = assertThrows(BuildException.class, first::renew);
        assertTrue(lost.getMessage().startsWith("lost the lease " + store.url() + "/b.lease"), lost.getMessage());
        first.close();
        assertTrue(store.stat("b.lease").isPresent(), "closing a lost lease leaves the new holder's");

        second.renew();
        second.close();
        assertTrue(store.stat("b.lease").isEmpty());
        Lease.acquire(store, "b.lease", "ci@three pid 3", ttl, clock, log, "build b").close();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A clock the test moves. */
    static final class Clock implements InstantSource {
        private final AtomicReference<Instant> now;

        Clock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void advance(Duration by) {
            now.updateAndGet(t -> t.plus(by));
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
