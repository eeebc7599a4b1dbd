package dev.cloudimages.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudimages.testing.gcp.FakeGcp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of the packaged CLI while GCP creates the image: no rollback runs, so the PENDING image
 * and the uploaded tar.gz stay; the journal under work/pending/gcp names them, and the next import
 * of the build removes both (one line each) before it makes the one image.
 */
class GcpKillIT {

    @TempDir
    Path project;

    @Test
    void aKilledImportLeavesAJournalAndTheNextImportRemovesWhatItNames() throws Exception {
        try (FakeGcp gcp = FakeGcp.start(); KilledImport run = new KilledImport(project, "gcp", gcp.env())) {
            JsonNode plan = run.plan();
            run.plant(plan, disk(), "tar.gz");

            gcp.slowInserts(100_000);
            Process importing = run.start("import");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (gcp.images().isEmpty() && importing.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(importing.isAlive(), "the import was still waiting: " + run.output("import"));
            KilledImport.kill(importing);

            String image = gcp.images().keySet().iterator().next();
            assertEquals("PENDING", gcp.images().get(image).path("status").asText());
            assertEquals(1, gcp.objects().size(), "the killed run left its object");
            String journal = Files.readString(run.journal(plan));
            assertTrue(journal.contains(image) && journal.contains(gcp.objects().get(0)), journal);
            String object = gcp.objects().get(0);

            gcp.slowInserts(2);
            Process again = run.start("import");
            assertTrue(again.waitFor(3, TimeUnit.MINUTES), "the second import finished");
            String log = run.output("import");
            assertEquals(0, again.exitValue(), log);
            assertFalse(log.contains("\tat "), "no stack trace: " + log);
            assertTrue(log.contains("removed object gs://" + object + ", left by an import that was killed"), log);
            assertTrue(log.contains("removed image " + image + " (PENDING), left by an import that was killed"), log);
            assertEquals(List.of(image), List.copyOf(gcp.images().keySet()), "exactly one image");
            assertEquals("READY", gcp.images().get(image).path("status").asText());
            assertTrue(gcp.images().get(image).path("labels").has("imported"));
            assertEquals(List.of(), gcp.objects(), "no object left");
            assertEquals(0, gcp.openUploads());
            assertFalse(Files.exists(run.journal(plan)), "the journal is crossed off");
        }
    }

    /** A 1 GiB sparse disk.raw in a gzip'd oldgnu tar, as the local step writes it (little is stored). */
    private Path disk() throws Exception {
        Path work = Files.createDirectories(project.resolve("disk"));
        try (RandomAccessFile file = new RandomAccessFile(work.resolve("disk.raw").toFile(), "rw")) {
            file.setLength(1L << 30);
            file.write("a test disk".getBytes());
        }
        Path tarball = project.resolve("disk.tar.gz");
        Process tar = new ProcessBuilder("tar", "--format=oldgnu", "--sparse", "-czf", tarball.toString(), "-C",
                work.toString(), "disk.raw").inheritIO().start();
        assertTrue(tar.waitFor(120, TimeUnit.SECONDS) && tar.exitValue() == 0, "tar");
        return tarball;
    }
}
