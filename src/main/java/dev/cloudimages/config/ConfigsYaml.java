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

    public static ObjectMapper mapper() {
        YAMLFactory yaml = YAMLFactory.builder()
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                .disable(YAMLGenerator.Feature.SPLIT_LINES)
                .stringQuotingChecker(new DatesQuoted())
                .build();
        return new ObjectMapper(yaml).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
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
        if (Files.isRegularFile(file)) {
            try {
                mapper().readTree(file.toFile());
            } catch (IOException e) {
                log.warn("%s was not valid YAML (damaged or hand-edited); regenerating it", file.getFileName());
            }
        }
        AtomicFiles.writeString(file, content);
    }
}
