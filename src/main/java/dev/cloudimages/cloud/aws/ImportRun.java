package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.cloud.ImportJournal;
import dev.cloudimages.cloud.Rollback;
import dev.cloudimages.support.Log;

import java.time.Duration;
import java.util.Map;

/**
 * What the parts of one import share: where and for which build, how long AWS may take to know what
 * was just made, the journal (written before each thing is made) and the rollback (what a failure
 * or interrupt removes), the encryption settings, the import's deadline and poll interval.
 */
record ImportRun(AwsSession session, Log log, ImageIdentity identity, Eventually eventually, ImportJournal journal,
                 Rollback rollback, Encryption encryption, Duration timeout, Duration poll) {

    String region() {
        return session.region();
    }

    String key() {
        return identity.variantKey();
    }

    /** Writes down what is about to be made, before the request that makes it. */
    ImportJournal.Entry before(String kind, String name, Map<String, String> details) {
        return journal.add(new ImportJournal.Entry(kind, name, region(), details));
    }

    /** The id of what was written down is known now: the journal keeps it for a later run. */
    ImportJournal.Entry madeAs(ImportJournal.Entry entry, String id) {
        session.made(id);
        return journal.update(entry, entry.with("id", id));
    }

    /**
     * Hands something just made to the rollback: on failure or interrupt {@code remove} runs and the
     * journal entry is crossed off; on success the caller crosses it off as kept.
     */
    void onFailure(String what, ImportJournal.Entry entry, Runnable remove) {
        onFailure(rollback, what, entry, remove);
    }

    /** The same with another rollback: temporaries (object, bucket) have one that is never committed. */
    void onFailure(Rollback undo, String what, ImportJournal.Entry entry, Runnable remove) {
        undo.onFailure(what, () -> {
            remove.run();
            journal.remove(entry);
        });
    }
}
