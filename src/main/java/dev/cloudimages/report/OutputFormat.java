package dev.cloudimages.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.support.BuildException;

import java.util.Locale;
import java.util.Optional;

/** How a document goes to stdout: JSON (one document, pretty) or YAML (the tool's own YAML style). */
public enum OutputFormat {
    JSON, YAML;

    private static final ObjectMapper JSON_MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static Optional<OutputFormat> parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "json" -> Optional.of(JSON);
            case "yaml", "yml" -> Optional.of(YAML);
            default -> Optional.empty();
        };
    }

    public String render(Object document) {
        try {
            return this == JSON ? JSON_MAPPER.writeValueAsString(document) + "\n"
                    : ConfigsYaml.mapper().writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new BuildException("cannot render the " + name().toLowerCase(Locale.ROOT) + " document: "
                    + e.getOriginalMessage());
        }
    }
}
