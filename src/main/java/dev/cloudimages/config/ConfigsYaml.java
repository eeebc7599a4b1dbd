package dev.cloudimages.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildException;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

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
                .build();
        return new ObjectMapper(yaml).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
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

    public static void write(Path file, Resolution resolution) {
        AtomicFiles.writeString(file, render(resolution));
    }
}
