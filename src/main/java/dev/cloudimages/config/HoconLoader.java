package dev.cloudimages.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import dev.cloudimages.support.BuildException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.cloudimages.support.PathDisplay;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Parses a HOCON file tree (includes, substitutions) with typesafe-config and turns it into plain,
 * ordered Java values: {@code LinkedHashMap<String,Object>}, {@code List<Object>}, String, Boolean,
 * Long, BigDecimal and null. Numbers keep their written form ("3.20" stays 3.20).
 */
public final class HoconLoader {

    private final PathDisplay paths;

    /** @param displayBase paths in error messages are shown relative to this directory */
    public HoconLoader(Path displayBase) {
        this(PathDisplay.at(displayBase));
    }

    /** @param paths how paths in messages are shown (relative to where the user stands) */
    public HoconLoader(PathDisplay paths) {
        this.paths = paths;
    }

    /** A parsed document: the library's tree (which knows where every value came from) and its key order. */
    public record Document(Path file, ConfigObject root, KeyOrder order) {
    }

    public Document parse(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(absolute)) {
            throw new BuildException("config file " + display(absolute) + " does not exist");
        }
        ConfigParseOptions options = ConfigParseOptions.defaults()
                .setSyntax(ConfigSyntax.CONF)
                .setAllowMissing(false)
                .setIncluder(new RelativeFileIncluder());
        Config config;
        try {
            config = ConfigFactory.parseFile(absolute.toFile(), options)
                    .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(true));
        } catch (ConfigException e) {
            if (e instanceof ConfigException.IO) {
                // the library does not say which file's include failed; the scanner knows where it stands
                for (KeyOrderScanner.MissingInclude missing : KeyOrderScanner.missingIncludes(absolute)) {
                    throw new BuildException(display(missing.file()) + ":" + missing.line() + ": include required(\""
                            + missing.name() + "\") names a file that does not exist ("
                            + display(missing.file().resolveSibling(missing.name())) + "); fix the path or add the file");
                }
            }
            throw new BuildException(describe(e));
        }
        return new Document(absolute, config.root(), KeyOrderScanner.scan(absolute));
    }

    /** The value at {@code path} of a document as ordered plain Java values. */
    public static Object toJava(Document document, ConfigValue value, List<String> path) {
        switch (value.valueType()) {
            case OBJECT -> {
                ConfigObject object = (ConfigObject) value;
                Map<String, Object> result = new LinkedHashMap<>();
                for (String key : document.order().sort(path, object.keySet())) {
                    List<String> child = new ArrayList<>(path);
                    child.add(key);
                    result.put(key, toJava(document, object.get(key), child));
                }
                return result;
            }
            case LIST -> {
                List<Object> result = new ArrayList<>();
                for (ConfigValue element : (ConfigList) value) {
                    // objects inside arrays have no path of their own: their keys come out sorted
                    result.add(toJava(document, element, List.of("\u0000[]")));
                }
                return result;
            }
            case NUMBER -> {
                return number(value);
            }
            case BOOLEAN -> {
                return value.unwrapped();
            }
            case NULL -> {
                return null;
            }
            default -> {
                return value.unwrapped().toString();
            }
        }
    }

    private static Object number(ConfigValue value) {
        String written = value.render().trim();
        try {
            if (written.matches("-?\\d+")) {
                return Long.valueOf(written);
            }
            return new BigDecimal(written);
        } catch (NumberFormatException e) {
            return value.unwrapped();
        }
    }

    /** "work/configs/alpine.conf:12" for a value's origin, relative where possible. */
    public String where(ConfigOrigin origin) {
        if (origin == null) {
            return "(unknown)";
        }
        String file = origin.filename();
        if (file == null) {
            return relativise(origin.description());
        }
        String shown = display(Path.of(file));
        return origin.lineNumber() > 0 ? shown + ":" + origin.lineNumber() : shown;
    }

    String display(Path path) {
        return paths.show(path);
    }

    private String describe(ConfigException e) {
        String message = relativise(e.getMessage());
        if (e instanceof ConfigException.UnresolvedSubstitution) {
            return "unresolved substitution in config: " + message
                    + " (define the referenced key or use ${?...} for an optional one)";
        }
        if (e instanceof ConfigException.Parse && message.contains("end of file") && e.origin() != null
                && e.origin().filename() != null) {
            Path file = Path.of(e.origin().filename());
            Optional<UnclosedBracket> unclosed = UnclosedBracket.find(file);
            if (unclosed.isPresent()) {
                return "HOCON syntax error in " + display(file) + ":" + unclosed.get().line() + ": '"
                        + unclosed.get().bracket() + "' is never closed; add the missing '" + unclosed.get().closer()
                        + "' (the file ends first)";
            }
        }
        if (e instanceof ConfigException.Parse || e instanceof ConfigException.BugOrBroken) {
            Optional<String> unquoted = unquotedColon(e);
            if (unquoted.isPresent()) {
                return "HOCON syntax error in " + unquoted.get();
            }
            return "HOCON syntax error in " + message + " (fix the file and run again)";
        }
        if (e instanceof ConfigException.IO) {
            return "cannot read config: " + message + " (check the include path and that the file exists)";
        }
        return "invalid config: " + message;
    }

    /** "file:line: quote the value ...: write ..." when the error is an unquoted value holding ':'. */
    private Optional<String> unquotedColon(ConfigException e) {
        ConfigOrigin origin = e.origin();
        if (!String.valueOf(e.getMessage()).contains("':'") || origin == null || origin.filename() == null
                || origin.lineNumber() < 1) {
            return Optional.empty();
        }
        Path file = Path.of(origin.filename());
        try (Stream<String> lines = Files.lines(file)) {
            return lines.skip(origin.lineNumber() - 1L).findFirst().flatMap(UnquotedValueHint::of)
                    .map(hint -> display(file) + ":" + origin.lineNumber() + ": " + hint.advice());
        } catch (IOException | UncheckedIOException ex) {
            return Optional.empty();
        }
    }

    private String relativise(String text) {
        if (text == null) {
            return "";
        }
        // the library names files by absolute path; show each as the user would type it
        java.util.regex.Matcher files = java.util.regex.Pattern.compile(
                java.util.regex.Pattern.quote(paths.projectDir() + "/") + "[^\\s:,)]*").matcher(text);
        return files.replaceAll(m -> java.util.regex.Matcher.quoteReplacement(display(Path.of(m.group()))))
                .replace("\n", " ");
    }
}
