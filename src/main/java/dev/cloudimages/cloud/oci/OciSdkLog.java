package dev.cloudimages.cloud.oci;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The OCI SDK logs through slf4j (which ends in java.util.logging here), in the framework's own
 * format, with stack traces for things that are not failures. Its records reach the user only
 * through {@link dev.cloudimages.support.LibraryLog} (one line of the tool's log, like every
 * library's); here its info and debug chatter (retries, endpoints, client set-up) is turned off
 * at the source, since the adapter reports what failed itself, in {@link OciFailures}.
 */
final class OciSdkLog {

    /**
     * Categories whose warnings are noise here: StreamUtils warns on every Object Storage client
     * about the Apache connector's streams, which this tool neither uses (Jersey 3) nor reads.
     */
    private static final java.util.List<String> SILENCED = java.util.List.of("com.oracle.bmc.util.StreamUtils");

    /** Held, so the configuration of the loggers is not lost to garbage collection. */
    private static final java.util.List<Logger> CONFIGURED = new java.util.ArrayList<>();

    private OciSdkLog() {
    }

    static synchronized void install() {
        if (!CONFIGURED.isEmpty()) {
            return;
        }
        // the SDK's own switch for the same warning, which ObjectStorageClient logs under its own name
        // once a client has a configurator of ours (the throttle gate's request interceptor)
        if (System.getProperty("oci.javasdk.extra.stream.logs.enabled") == null) {
            System.setProperty("oci.javasdk.extra.stream.logs.enabled", "false");
        }
        for (String category : SILENCED) {
            Logger quiet = Logger.getLogger(category);
            quiet.setLevel(Level.OFF);
            CONFIGURED.add(quiet);
        }
        Logger sdk = Logger.getLogger("com.oracle.bmc");
        sdk.setLevel(Level.WARNING);
        CONFIGURED.add(sdk);
    }
}
