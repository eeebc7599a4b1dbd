package dev.cloudimages.support;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
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
    private final PathDisplay paths;

    public Log(PrintStream out, boolean color, boolean debug) {
        this(out, color, debug, PathDisplay.at(Path.of("")));
    }

    public Log(PrintStream out, boolean color, boolean debug, PathDisplay paths) {
        this(out, color, debug, Instant::now, paths, "");
    }

    Log(PrintStream out, boolean color, boolean debug, Supplier<Instant> wallClock) {
        this(out, color, debug, wallClock, PathDisplay.at(Path.of("")), "");
    }

    private Log(PrintStream out, boolean color, boolean debug, Supplier<Instant> wallClock, PathDisplay paths,
                String prefix) {
        this.out = out;
        this.color = color;
        this.debug = debug;
        this.wallClock = wallClock;
        this.paths = paths;
        this.prefix = prefix;
    }

    /**
     * The same log for one variant's work: every line carries "[key]", so lines of variants
     * worked on at once can be told apart (a line that already starts with '[' is left as it is).
     */
    public Log forVariant(String key) {
        return new Log(out, color, debug, wallClock, paths, "[" + key + "] ");
    }

    /** A path as the user should see it: relative to where they stand when that is shorter (see PathDisplay). */
    public String show(Path path) {
        return paths.show(path);
    }

    public PathDisplay paths() {
        return paths;
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
        String message = printable(args.length == 0 ? format : String.format(format, args));
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

    /**
     * The message without terminal control: escape sequences (a guest firmware's clear-screen, a
     * title, colours) are dropped whole and other control characters removed, so what a VM or a
     * file name carries cannot move the cursor, clear the user's screen or fake a log line. Tabs
     * and line breaks stay. The one place this rule lives: every console line passes here.
     */
    public static String printable(String text) {
        if (text.chars().noneMatch(c -> c < 0x20 && c != '\t' && c != '\n' || c >= 0x7f && c < 0xa0)) {
            return text;
        }
        String noEscapes = ESCAPE.matcher(text).replaceAll("");
        StringBuilder kept = new StringBuilder(noEscapes.length());
        noEscapes.chars().filter(c -> !(c < 0x20 && c != '\t' && c != '\n' || c >= 0x7f && c < 0xa0))
                .forEach(c -> kept.append((char) c));
        return kept.toString();
    }

    /** ECMA-48: CSI (ESC [ ... final byte), OSC (ESC ] ... BEL or ESC \\), and two-byte ESC sequences. */
    private static final java.util.regex.Pattern ESCAPE = java.util.regex.Pattern.compile(
            "\u001b\\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b\\][^\u0007\u001b]*(\u0007|\u001b\\\\)?"
                    + "|\u001b[ -/]*[0-~]");

    private static String colorCode(Level level) {
        return switch (level) {
            case DEBUG -> "\u001b[2m";
            case INFO -> "\u001b[32m";
            case WARN -> "\u001b[33m";
            case ERROR -> "\u001b[1;31m";
        };
    }
}
