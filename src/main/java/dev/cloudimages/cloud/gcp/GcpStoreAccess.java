package dev.cloudimages.cloud.gcp;

import com.google.cloud.storage.Storage;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the gs:// artifact store takes from the gcp adapter, so that both find credentials and the
 * Cloud Storage endpoint one way: the adapter's session (Application Default Credentials,
 * STORAGE_EMULATOR_HOST), its checksums of an upload and its reading of Google's errors.
 */
public final class GcpStoreAccess {

    public static final String LOGIN_HINT = GcpSession.LOGIN_HINT;

    /** A file's size and its CRC32C and MD5 in Cloud Storage's base64 form. */
    public record Checksums(long size, String crc32c, String md5) {
    }

    private final GcpSession session;

    private GcpStoreAccess(GcpSession session) {
        this.session = session;
    }

    /** The session the environment describes; one line ("gcp: no Application Default Credentials ...") when none. */
    public static GcpStoreAccess open(Map<String, String> env) {
        return new GcpStoreAccess(GcpSession.open(env));
    }

    /** The session's Storage client, with few retries (see {@link GcpSession#storageForSmallRequests()}). */
    public Storage storage() {
        return session.storageForSmallRequests();
    }

    /** Where Cloud Storage requests go. */
    public String endpoint() {
        return session.storageHost().orElse("https://storage.googleapis.com");
    }

    /** "credentials from FILE", for messages (the project does not matter to a bucket's objects). */
    public String describe() {
        return session.describe().replaceFirst("^project '[^']*', ", "");
    }

    public static Checksums checksums(Path file) {
        GcsUpload.Checksums sums = GcsUpload.Checksums.of(file);
        return new Checksums(sums.size(), sums.crc32c(), sums.md5());
    }

    /** The HTTP status Google answered with, or 0 for a failure on this side. */
    public static int status(Throwable e) {
        return GcpFailures.status(e);
    }

    /** Google's own words, one line. */
    public static String message(Throwable e) {
        return GcpFailures.message(e);
    }
}
