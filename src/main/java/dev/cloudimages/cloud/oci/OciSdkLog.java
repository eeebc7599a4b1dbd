package dev.cloudimages.cloud.oci;

import dev.cloudimages.support.Log;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The OCI SDK logs through slf4j (which ends in java.util.logging here), in the framework's own
 * format, with stack traces for things that are not failures (a region it does not know, say).
 * Its warnings and errors are written as one line of the tool's log instead ("oci SDK: ..."),
 * its info and debug chatter (retries, endpoints, client set-up) is dropped: the adapter reports
 * what failed itself, in {@link OciFailures}.
 */
final class OciSdkLog {

    /**
     * Categories whose warnings are noise here: StreamUtils warns on every Object Storage client
     * about the Apache connector's streams, which this tool neither uses (Jersey 3) nor reads.
     */
    private static final java.util.List<String> SILENCED = java.util.List.of("com.oracle.bmc.util.StreamUtils");

    /** Held, so the configuration of the loggers is not lost to garbage collection. */
    private static volatile Logger sdk;
    private static final java.util.List<Logger> SILENT = new java.util.ArrayList<>();

    private OciSdkLog() {
    }

    static synchronized void install() {
        if (sdk != null) {
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
            SILENT.add(quiet);
        }
        Logger logger = Logger.getLogger("com.oracle.bmc");
        logger.setUseParentHandlers(false);
        logger.setLevel(Level.WARNING);
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    // System.err as it is now: the stream the CLI's own log writes to
                    new Log(System.err, false, false).warn("oci SDK: %s", line(record));
                }
            }

            @Override
            public void flush() {
                System.err.flush();
            }

            @Override
            public void close() {
                // nothing held
            }
        });
        sdk = logger;
    }

    /** The record's message on one line, the first line of its cause's message after it. */
    static String line(LogRecord record) {
        String message = new java.util.logging.SimpleFormatter().formatMessage(record);
        String text = message == null ? "" : message.lines().findFirst().orElse("").trim();
        Throwable cause = record.getThrown();
        if (cause != null && cause.getMessage() != null) {
            text += " (" + cause.getMessage().lines().findFirst().orElse("").trim() + ")";
        }
        return text;
    }
}
