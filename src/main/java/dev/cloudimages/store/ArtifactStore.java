package dev.cloudimages.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a release's images and their metadata live between machines (the reference's
 * {@code storage_url}): a flat namespace of objects under one base URL, whatever the scheme.
 * Each scheme is one small package behind this interface (file, s3, gs, oci); the release
 * steps and the plan see only this. Names are relative to the base and never contain "..".
 *
 * <p>Two promises every scheme keeps: an object is never half-visible under its final name
 * (uploads go to a temporary name, then the final name is published in one step; on gs:// the
 * resumable upload itself is that step, as Cloud Storage shows an object only when it is whole), and
 * {@link #createIfAbsent} is a real conditional write of the store, so two machines racing for
 * one name cannot both win. What a killed upload leaves under its temporary name is removed by the
 * next upload of the same name ({@link #sweepTemporaries}).
 */
public interface ArtifactStore {

    /** The base URL, for messages (never holds a secret). */
    String url();

    /** An object's size and the store's version of it (etag, generation), if it exists. */
    Optional<StoredObject> stat(String name);

    /** The names under the base that start with {@code prefix}, sorted. */
    List<String> list(String prefix);

    /** A small object's content (metadata, checksums, leases), if it exists. */
    Optional<byte[]> read(String name);

    /** Copies an object to {@code target} (the caller downloads to a temporary name and checks it). */
    void download(String name, Path target, TransferListener listener);

    /**
     * Stores a file under {@code name}: never visible there until whole. First it removes what
     * earlier uploads of the name left behind when they were killed ({@link #sweepTemporaries}), so
     * a kill -9 mid-upload leaves nothing once the upload has run again; returns how many such
     * leftovers it removed. The one place a scheme's upload is started from.
     *
     * <p>A sweep that fails (a role allowed to put objects but not to list or abort multipart
     * uploads) does not stop the upload: leftovers cost storage, not correctness. Its reason is
     * returned for the caller to warn about.
     */
    default Uploaded upload(Path file, String name, TransferListener listener) {
        Uploaded swept;
        try {
            swept = new Uploaded(sweepTemporaries(name), Optional.empty());
        } catch (RuntimeException e) {
            swept = new Uploaded(0, Optional.of(String.valueOf(e.getMessage())));
        }
        transfer(file, name, listener);
        return swept;
    }

    /** What an upload swept first: leftovers removed, or why it could not look. */
    record Uploaded(int leftoversRemoved, Optional<String> sweepFailure) {
    }

    /** The transfer of {@link #upload}, by way of a temporary name; callers use {@code upload}, which sweeps first. */
    void transfer(Path file, String name, TransferListener listener);

    /**
     * Removes the leftovers of earlier uploads of {@code name} that never finished (a kill -9, a
     * machine gone mid-upload): temporary objects {@code .<name>.<random>.part} and, where the
     * service has them, multipart uploads never completed nor aborted, which no listing shows and
     * which are billed like objects; returns how many it removed. Temporaries of other names and
     * every final object are left alone.
     *
     * <p>Safe to call before an upload because no other upload of {@code name} can be in flight:
     * images are uploaded only under their build's lease (release.Leases takes a {@link Lease} on
     * every build a run changes, before anything is made), so whatever temporary of the name is
     * there belongs to a run that is gone, or whose lease expired and was taken over (such a run,
     * should it still be uploading, fails here, as it has to stop anyway: it lost the lease).
     */
    int sweepTemporaries(String name);

    /** Stores small content under {@code name}, replacing what is there; never half-visible. */
    void write(String name, byte[] content);

    /**
     * Stores {@code content} under {@code name} only if nothing is there yet, as one conditional
     * request of the store (S3 If-None-Match, GCS ifGenerationMatch=0, OCI if-none-match,
     * O_EXCL); false when something already was.
     */
    boolean createIfAbsent(String name, byte[] content);

    /**
     * Replaces {@code name} only while it is still the version {@code expected} (an expired lease
     * taken over); false when another machine changed it first.
     */
    boolean replaceIfUnchanged(String name, String expected, byte[] content);

    /** Removes an object; nothing happens when it is not there. */
    void delete(String name);

    /** What a transfer reports as it goes (bytes so far of a total). */
    @FunctionalInterface
    interface TransferListener {
        TransferListener NONE = (done, total) -> {
        };

        void transferred(long done, long total);
    }
}
