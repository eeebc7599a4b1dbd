package dev.cloudimages.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What libraries log (the cloud SDKs through SLF4J or java.util.logging, Quarkus), written as our
 * own log lines: one format on the console, one line per message, shortened unless --debug.
 * Installed on the root logger for the length of a run in place of the framework's console
 * handler. Library INFO and below only show with --debug: they are the SDKs' chatter, and what a
 * step does is said by the step.
 */
public final class LibraryLog extends Handler implements AutoCloseable {

    /** A library message longer than this is cut (the whole of it with --debug). */
    static final int MAX_LENGTH = 300;

    /** Logger name prefixes and what the line calls them: the cloud, not a Java package. */
    private static final Map<String, String> SOURCES = Map.of("com.oracle.bmc", "oci", "software.amazon.awssdk", "aws",
            "com.google", "gcp", "io.grpc", "gcp", "io.quarkus", "quarkus", "org.jboss", "quarkus");

    private final Supplier<Log> log;
    private final Logger root = Logger.getLogger("");
    private final List<Handler> replaced = new ArrayList<>();
    private final Level previousLevel;
    private final Formatter messages = new Formatter() {
        @Override
        public String format(LogRecord record) {
            return formatMessage(record);
        }
    };

    private LibraryLog(Supplier<Log> log) {
        this.log = log;
        this.previousLevel = root.getLevel();
    }

    /**
     * Routes library logging to {@code log} until closed. Also turns off, by the SDK's own switch,
     * the OCI SDK's ~900-character advice on closing Apache connector streams, logged whenever an
     * Object Storage client is made: the adapter closes its streams, and the advice is for the
     * SDK's users, not ours. A value the user set is left alone.
     */
    public static LibraryLog install(Supplier<Log> log) {
        if (System.getProperty("oci.javasdk.extra.stream.logs.enabled") == null) {
            System.setProperty("oci.javasdk.extra.stream.logs.enabled", "false");
        }
        LibraryLog handler = new LibraryLog(log);
        for (Handler existing : handler.root.getHandlers()) {
            handler.replaced.add(existing);
            handler.root.removeHandler(existing);
        }
        handler.root.addHandler(handler);
        return handler;
    }

    @Override
    public void publish(LogRecord record) {
        Log to = log.get();
        boolean warning = record.getLevel().intValue() >= Level.WARNING.intValue();
        if (to == null || !warning && !to.isDebug()) {
            return;
        }
        String message = messages.format(record);
        if (record.getThrown() != null) {
            message += ": " + record.getThrown();
        }
        message = message.replaceAll("\\s*\\R\\s*", " ").strip();
        if (!to.isDebug() && message.length() > MAX_LENGTH) {
            message = message.substring(0, MAX_LENGTH) + "... (--debug shows all of it)";
        }
        String line = source(record.getLoggerName()) + ": " + message;
        if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
            to.error("%s", line);
        } else if (warning) {
            to.warn("%s", line);
        } else {
            to.debug("%s", line);
        }
    }

    /** "oci (ObjectStorageClient)": where it came from, in the user's words. */
    static String source(String loggerName) {
        String name = loggerName == null ? "" : loggerName;
        String simple = name.substring(name.lastIndexOf('.') + 1);
        return SOURCES.entrySet().stream().filter(e -> name.startsWith(e.getKey())).map(Map.Entry::getValue)
                .findFirst().map(cloud -> cloud + " (" + simple + ")").orElse(name.isEmpty() ? "library" : name);
    }

    @Override
    public void flush() {
        // each line is written and flushed by the log
    }

    private volatile boolean closed;

    /**
     * Puts the framework's handlers back (in-process runs, tests). Two in-process runs at once
     * (tests of concurrent machines) may close out of order: a handler of a run that has already
     * ended is never put back.
     */
    @Override
    public synchronized void close() {
        closed = true;
        root.removeHandler(this);
        replaced.stream().filter(h -> !(h instanceof LibraryLog other && other.closed)).forEach(root::addHandler);
        root.setLevel(previousLevel);
    }
}
