package dev.cloudimages.release;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Renders the release catalog with jinjava: the shipped templates (releases.yaml, images.json,
 * index.html), then each overlay's {@code templates/} directory in order, where a template of the
 * same name replaces the shipped one and a new name adds an output. Strict: an unknown variable
 * is an error, as is any template error; each is one line with the file, the line and what
 * jinjava said. Outputs are written whole (temporary name, then rename).
 */
public final class CatalogTemplates {

    static final String SUFFIX = ".jinja";
    static final List<String> SHIPPED = List.of("releases.yaml", "images.json", "index.html");

    private CatalogTemplates() {
    }

    /** Renders every template into {@code outDir}; returns the files written, in name order. */
    public static List<Path> render(Map<String, Object> model, List<Path> overlayDirs, Path outDir) {
        Map<String, Template> templates = new TreeMap<>();
        for (String name : SHIPPED) {
            templates.put(name, shipped(name));
        }
        for (Path dir : overlayDirs) {
            Path templatesDir = dir.resolve("templates");
            if (!Files.isDirectory(templatesDir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(templatesDir)) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).sorted().toList()) {
                    String name = file.getFileName().toString();
                    templates.put(name.substring(0, name.length() - SUFFIX.length()),
                            new Template(file.toString(), Files.readString(file)));
                }
            } catch (IOException e) {
                throw new BuildException("cannot read the templates in " + templatesDir + ": " + AtomicFiles.describe(e));
            }
        }
        Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder().withFailOnUnknownTokens(true)
                .withTrimBlocks(true).withLstripBlocks(true).build());
        // render everything before writing anything: one bad template leaves the old catalog whole
        Map<String, String> rendered = new TreeMap<>();
        templates.forEach((output, template) -> rendered.put(output, render(jinjava, template, model)));
        List<Path> written = new ArrayList<>();
        rendered.forEach((output, text) -> {
            Path file = outDir.resolve(output);
            AtomicFiles.writeString(file, text);
            written.add(file);
        });
        return written;
    }

    private record Template(String source, String text) {
    }

    private static String render(Jinjava jinjava, Template template, Map<String, Object> model) {
        RenderResult result;
        try {
            result = jinjava.renderForResult(template.text(), model);
        } catch (RuntimeException e) {
            throw new BuildException("template " + template.source() + ": " + oneLine(e.getMessage()));
        }
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL
                    || error.getReason() == TemplateError.ErrorReason.UNKNOWN) {
                throw new BuildException("template " + template.source() + (error.getLineno() > 0 ? ":"
                        + error.getLineno() : "") + ": " + oneLine(error.getMessage())
                        + "; fix the template (the variables are project, generated, filters, versions, images)");
            }
        }
        return result.getOutput();
    }

    private static Template shipped(String output) {
        String resource = "templates/" + output + SUFFIX;
        try (InputStream in = CatalogTemplates.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing shipped template " + resource);
            }
            return new Template("(shipped) " + output + SUFFIX, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read shipped template " + resource, e);
        }
    }

    private static String oneLine(String message) {
        return message == null ? "unknown error" : message.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
