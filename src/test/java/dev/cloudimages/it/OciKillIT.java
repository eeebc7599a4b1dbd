package dev.cloudimages.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudimages.testing.oci.FakeCompute;
import dev.cloudimages.testing.oci.FakeOci;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of the packaged CLI while OCI makes the image: no rollback runs, so the uploaded object
 * and the image in the making stay; the journal under work/pending/oci names them, and the next
 * import removes both (one line each) before it makes the one image.
 */
class OciKillIT {

    private static final String HOME = FakeOci.REGIONS.get(0);

    @TempDir
    Path project;

    @Test
    void aKilledImportLeavesAJournalAndTheNextImportRemovesWhatItNames() throws Exception {
        try (FakeOci oci = FakeOci.start();
             KilledImport run = new KilledImport(project, "oci", oci.env(Files.createDirectories(project.resolve(".oci")),
                     HOME))) {
            JsonNode plan = run.plan();
            run.plant(plan, dev.cloudimages.testing.Qcow2Stub.write(project.resolve("disk.qcow2"), 3), "qcow2");

            oci.workRequestPolls(1_000_000);
            Process importing = run.start("import");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (oci.images(HOME).isEmpty() && importing.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(300);
            assertTrue(importing.isAlive(), "the import was still waiting: " + run.output("import"));
            KilledImport.kill(importing);

            FakeCompute.Image left = oci.images(HOME).get(0);
            assertEquals("PROVISIONING", left.lifecycle);
            assertEquals(1, oci.objects(HOME).size(), "the killed run left its object");
            String object = oci.objects(HOME).keySet().iterator().next();
            String journal = Files.readString(run.journal(plan));
            assertTrue(journal.contains(left.id) && journal.contains(object), journal);

            oci.workRequestPolls(2);
            Process again = run.start("import");
            assertTrue(again.waitFor(3, TimeUnit.MINUTES), "the second import finished");
            String log = run.output("import");
            assertEquals(0, again.exitValue(), log);
            assertFalse(log.contains("\tat "), "no stack trace: " + log);
            assertTrue(log.contains("removed object " + object + " from bucket " + FakeOci.BUCKET), log);
            assertTrue(log.contains("removed image " + left.id), log);
            List<FakeCompute.Image> images = oci.images(HOME);
            assertEquals(1, images.size(), "exactly one image");
            assertEquals("AVAILABLE", images.get(0).lifecycle);
            assertTrue(images.get(0).tags.containsKey("imported"));
            assertEquals(1, oci.schemas().size(), "one capability schema, the image's");
            assertTrue(oci.objects(HOME).isEmpty(), "no object left");
            assertTrue(oci.pars().isEmpty(), "no PAR left");
            assertEquals(0, oci.openUploads());
            assertFalse(Files.exists(run.journal(plan)), "the journal is crossed off");
        }
    }
}
