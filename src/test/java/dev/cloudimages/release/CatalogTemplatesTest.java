package dev.cloudimages.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.support.BuildException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The catalog model and its templates, without any cloud: what the shipped templates render, and bad templates. */
class CatalogTemplatesTest {

    @TempDir
    Path temp;

    private static ImageMetadata image(String variant, String version, String cloud, int revision, boolean released,
                                      Map<String, String> artifacts) {
        String build = "alpine-" + version + "-x86_64-bios-tiny-" + cloud;
        Map<String, String> identity = new java.util.LinkedHashMap<>();
        identity.put("name", build + "-r" + revision);
        identity.put("project", "test-project");
        identity.put("version", version);
        identity.put("release", version.equals("edge") ? "20261118" : version + ".1");
        identity.put("arch", "x86_64");
        identity.put("firmware", "bios");
        identity.put("bootstrap", "tiny");
        identity.put("cloud", cloud);
        identity.put("end_of_life", "2027-11-01");
        return new ImageMetadata(identity, revision, "2026-11-18T00:00:00Z", "2026-11-18T00:00:00Z",
                "2026-11-18T00:00:00Z", null, "2026-11-18T00:00:00Z", released ? "2026-11-19T00:00:00Z" : null,
                null, "id-" + revision, "us-east-1", artifacts, variant, build, "sha256:x", build + "-r" + revision
                + ".qcow2", "qcow2", 10, "a", "b", null, null, Map.of(), Map.of());
    }

    private static Map<String, Object> model() {
        ResolvedVariant aws = new ResolvedVariant("3.24-aws", Map.of("version", "3.24", "cloud", "aws"), Map.of(
                "cloud_launch_url", "https://{region}.example/launch?ami={image_id}",
                "download_url", "https://dl.example/images"));
        List<ImageMetadata> stored = List.of(
                image("3.24-aws", "3.24", "aws", 0, true, Map.of("us-east-1", "ami-old", "eu-west-1", "ami-old2")),
                image("3.24-aws", "3.24", "aws", 1, true, Map.of("us-east-1", "ami-new", "eu-west-1", "ami-new2")),
                image("3.24-gcp", "3.24", "gcp", 0, true, Map.of("global", "img-gcp")),
                image("3.9-aws", "3.9", "aws", 0, true, Map.of("us-east-1", "ami-39")),
                image("3.24-oci", "3.24", "oci", 0, false, Map.of("eu-frankfurt-1", "ocid-not-released")));
        return Catalog.model(stored, Map.of("3.24-aws", aws), "test-project", "2026-11-19T00:00:00Z");
    }

    @Test
    void theShippedTemplatesRenderTheNewestReleasedRevisionOfEachBuild() throws Exception {
        List<Path> written = CatalogTemplates.render(model(), List.of(), temp);
        assertEquals(List.of("images.json", "index.html", "releases.yaml"),
                written.stream().map(p -> p.getFileName().toString()).toList());

        JsonNode json = new ObjectMapper().readTree(temp.resolve("images.json").toFile());
        List<String> ids = new java.util.ArrayList<>();
        json.get("images").forEach(i -> ids.add(i.get("image_id").asText()));
        assertEquals(List.of("ami-new2", "ami-new", "img-gcp", "ami-39"), ids, "r1 only, no unreleased image");
        JsonNode first = json.get("images").get(0);
        assertEquals("https://eu-west-1.example/launch?ami=ami-new2", first.get("launch_url").asText());

        JsonNode releases = ConfigsYaml.mapper().readTree(temp.resolve("releases.yaml").toFile());
        assertEquals("3.24", releases.at("/versions/0/version").asText(), "newest version first");
        assertEquals("3.9", releases.at("/versions/1/version").asText());
        JsonNode variant = releases.at("/versions/0/images/0");
        assertEquals("3.24.1 x86_64 bios tiny", variant.get("variant").asText());
        assertEquals(2, variant.get("downloads").size(), "aws and gcp, the oci image is not released");
        assertEquals("https://dl.example/images/alpine-3.24-x86_64-bios-tiny-aws-r1.qcow2",
                variant.at("/downloads/0/image_url").asText());
        assertEquals(3, variant.get("regions").size());
        assertEquals(List.of("aws", "gcp"), List.of(releases.at("/filters/clouds/0/cloud").asText(),
                releases.at("/filters/clouds/1/cloud").asText()));
        String html = Files.readString(temp.resolve("index.html"));
        assertTrue(html.contains("ami-new2") && !html.contains("ami-old") && !html.contains("ocid-not-released"), html);
    }

    @Test
    void anOverlayTemplateReplacesOrAddsAndErrorsAreOneLineWithFileAndLine() throws Exception {
        Path overlay = Files.createDirectories(temp.resolve("overlay/templates"));
        Files.writeString(overlay.resolve("ids.txt.jinja"), "{% for i in images %}{{ i.image_id }}\n{% endfor %}");
        Path out = temp.resolve("out");
        CatalogTemplates.render(model(), List.of(temp.resolve("overlay")), out);
        assertEquals("ami-new2\nami-new\nimg-gcp\nami-39\n", Files.readString(out.resolve("ids.txt")));

        Files.writeString(overlay.resolve("ids.txt.jinja"), "line one\n{% for i in images %}{{ i.image_id }\n");
        BuildException syntax = assertThrows(BuildException.class,
                () -> CatalogTemplates.render(model(), List.of(temp.resolve("overlay")), temp.resolve("out2")));
        assertTrue(syntax.getMessage().startsWith("template " + overlay.resolve("ids.txt.jinja") + ":2: "),
                syntax.getMessage());
        assertFalse(syntax.getMessage().contains("\n"));
        assertFalse(Files.exists(temp.resolve("out2")), "nothing written when a template fails");

        Files.writeString(overlay.resolve("ids.txt.jinja"), "{{ project }}\n{{ no_such_thing }}\n");
        BuildException unknown = assertThrows(BuildException.class,
                () -> CatalogTemplates.render(model(), List.of(temp.resolve("overlay")), temp.resolve("out3")));
        assertTrue(unknown.getMessage().contains("ids.txt.jinja:2: ") && unknown.getMessage().contains("no_such_thing"),
                unknown.getMessage());
    }
}
