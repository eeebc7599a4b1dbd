package dev.cloudimages.support;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Supplier;

/**
 * Console log for the CLI: one line per message, UTC timestamp, level, optional ANSI colour.
 * Log lines are for people; they use the wall clock, never SOURCE_DATE_EPOCH.
 */
public final class Log {

    public enum Level { DEBUG, INFO, WARN, ERROR }

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final PrintStream out;
    private final boolean color;
    private final boolean debug;
    private final Supplier<Instant> wallClock;
    private final String prefix;

    public Log(PrintStream out, boolean color, boolean debug) {
        this(out, color, debug, Instant::now);
    }

    Log(PrintStream out, boolean color, boolean debug, Supplier<Instant> wallClock) {
        this(out, color, debug, wallClock, "");
    }

    private Log(PrintStream out, boolean color, boolean debug, Supplier<Instant> wallClock, String prefix) {
        this.out = out;
        this.color = color;
        this.debug = debug;
        this.wallClock = wallClock;
        this.prefix = prefix;
    }

    /**
     * The same log for one variant's work: every line carries "[key]", so lines of variants
     * worked on at once can be told apart (a line that already starts with '[' is left as it is).
     */
    public Log forVariant(String key) {
        return new Log(out, color, debug, wallClock, "[" + key + "] ");
    }

    public boolean isDebug() {
        return debug;
    }

    public void debug(String format, Object... args) {
        if (debug) {
            write(Level.DEBUG, format, args);
        }
    }

    public void info(String format, Object... args) {
        write(Level.INFO, format, args);
    }

    public void warn(String format, Object... args) {
        write(Level.WARN, format, args);
    }

    public void error(String format, Object... args) {
        write(Level.ERROR, format, args);
    }

    /** The stack trace, only when --debug asked for it. */
    public void debugTrace(Throwable t) {
        if (debug) {
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            out.print(trace);
            out.flush();
        }
    }

    private void write(Level level, String format, Object... args) {
        String message = args.length == 0 ? format : String.format(format, args);
        if (!prefix.isEmpty() && !message.startsWith("[")) {
            message = prefix + message;
        }
        String label = String.format("%-5s", level.name());
        if (color) {
            label = colorCode(level) + label + "\u001b[0m";
        }
        synchronized (out) {
            out.println(TIMESTAMP.format(wallClock.get()) + " " + label + " " + message);
            out.flush();
        }
    }

    private static String colorCode(Level level) {
        return switch (level) {
            case DEBUG -> "\u001b[2m";
            case INFO -> "\u001b[32m";
            case WARN -> "\u001b[33m";
            case ERROR -> "\u001b[1;31m";
        };
    }
}
