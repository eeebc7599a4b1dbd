package dev.cloudimages.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Log;

import java.io.IOException;
import java.nio.file.Files;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** work/configs.yaml: variant key -> resolved settings, in variant order, written atomically. */
public final class ConfigsYaml {

    private ConfigsYaml() {
    }

    /** One mapper per process: making one costs a short run more than the YAML it writes. Never reconfigure it. */
    private static final class Shared {
        static final ObjectMapper MAPPER = new ObjectMapper(YAMLFactory.builder()
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                .disable(YAMLGenerator.Feature.SPLIT_LINES)
                .stringQuotingChecker(new DatesQuoted())
                .build()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    /** The YAML mapper for every file the tool writes and reads back (shared: use, do not configure). */
    public static ObjectMapper mapper() {
        return Shared.MAPPER;
    }

    /**
     * YAML 1.1 readers (PyYAML, as the reference's tools use) load an unquoted 2027-05-01 as a date,
     * not the string the reference writes; so every date- or timestamp-like string is quoted.
     */
    static final class DatesQuoted extends StringQuotingChecker.Default {

        private static final Pattern DATE_LIKE = Pattern.compile("^\\d{4}-\\d{1,2}-\\d{1,2}([Tt\\s].*)?$");

        @Override
        public boolean needToQuoteValue(String value) {
            return super.needToQuoteValue(value) || DATE_LIKE.matcher(value).matches();
        }
    }

    public static String render(Resolution resolution) {
        Map<String, Object> document = new LinkedHashMap<>();
        for (ResolvedVariant variant : resolution.variants()) {
            document.put(variant.key(), variant.config());
        }
        try {
            return mapper().writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new BuildException("cannot render configs.yaml: " + e.getOriginalMessage());
        }
    }

    public static void write(Path file, Resolution resolution, Log log) {
        replaceReport(file, render(resolution), log);
    }

    /**
     * Writes a report file the tool regenerates every run and never reads back. One that no longer
     * parses was damaged or hand-edited: say so, so nobody thinks their edit was used.
     */
    public static void replaceReport(Path file, String content, Log log) {
        // the file as this run writes it was written by the tool, so only a different one is parsed
        if (Files.isRegularFile(file) && !sameContent(file, content)) {
            try {
                mapper().readTree(file.toFile());
            } catch (IOException e) {
                log.warn("%s was not valid YAML (damaged or hand-edited); regenerating it", file.getFileName());
            }
        }
        AtomicFiles.writeString(file, content);
    }

    private static boolean sameContent(Path file, String content) {
        try {
            return Files.size(file) == content.length() && Files.readString(file).equals(content);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
