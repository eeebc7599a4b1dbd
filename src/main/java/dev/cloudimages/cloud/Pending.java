package dev.cloudimages.cloud;

/**
 * One thing an import is making, as written in its {@link ImportJournal}: written down before the
 * request that makes it, given its ids as they become known, crossed off once it is removed or
 * kept. The entry changes as ids are added; this holds the current one, so whoever crosses it off
 * (a rollback, the end of the import) need not know what was added meanwhile.
 */
public final class Pending {

    private final ImportJournal journal;
    private ImportJournal.Entry entry;

    private Pending(ImportJournal journal, ImportJournal.Entry entry) {
        this.journal = journal;
        this.entry = entry;
    }

    /** Writes {@code entry} into the journal now, before the request that makes it. */
    public static Pending before(ImportJournal journal, ImportJournal.Entry entry) {
        return new Pending(journal, journal.add(entry));
    }

    /** Records an id (or anything else that finds it) as soon as the cloud has said it. */
    public synchronized Pending with(String key, String value) {
        entry = journal.update(entry, entry.with(key, value));
        return this;
    }

    /** It was removed, or it is kept as the import's result: crossed off. */
    public synchronized void done() {
        journal.remove(entry);
    }
}
