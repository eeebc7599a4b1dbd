package dev.cloudimages.cloud;

import dev.cloudimages.support.Log;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one import has made so far (a snapshot, an object, a bucket, an image), undone in reverse
 * order when the import fails or the tool is interrupted. Every open rollback is known to a
 * shutdown hook, so Ctrl-C or SIGTERM part-way through an upload leaves nothing in the cloud.
 */
public final class Rollback implements AutoCloseable {

    private static final Set<Rollback> OPEN = ConcurrentHashMap.newKeySet();

    /** One thing to undo, and how to name it if undoing fails (so the user can remove it). */
    private record Undo(String what, Runnable action) {
    }

    private final Log log;
    private final Deque<Undo> undo = new ArrayDeque<>();

    public Rollback(Log log) {
        this.log = log;
        OPEN.add(this);
    }

    /** Records how to remove something just made; {@code what} names it ("snapshot snap-1 in us-east-1"). */
    public synchronized void onFailure(String what, Runnable action) {
        undo.push(new Undo(what, action));
    }

    /** The work succeeded: keep what was made. */
    public synchronized void commit() {
        undo.clear();
    }

    /** Undoes everything recorded, newest first; a step that fails is named and the rest still run. */
    public synchronized void undo() {
        while (!undo.isEmpty()) {
            Undo step = undo.pop();
            try {
                step.action().run();
                log.info("removed %s", step.what());
            } catch (RuntimeException e) {
                log.error("could not remove %s (%s); remove it by hand", step.what(), e.getMessage());
            }
        }
    }

    /**
     * Undoes what is still recorded: everything after a failure, nothing after {@link #commit};
     * a rollback never committed is how temporaries (objects, buckets) are always removed.
     */
    @Override
    public synchronized void close() {
        undo();
        OPEN.remove(this);
    }

    /** The shutdown hook's work: undo every open rollback. */
    public static void undoAll() {
        for (Rollback rollback : OPEN) {
            rollback.undo();
        }
    }

    public static Thread installShutdownHook() {
        Thread hook = new Thread(Rollback::undoAll, "undo-cloud-work");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }
}
