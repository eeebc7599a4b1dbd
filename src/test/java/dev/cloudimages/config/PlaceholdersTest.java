package dev.cloudimages.config;

import dev.cloudimages.support.BuildException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlaceholdersTest {

    @Test
    void fillsFromTopLevelScalarsAndVVersion() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("version", "3.22");
        state.put("cloud", "aws");
        state.put("size", 2L);
        state.put("url", "x/{v_version}/{cloud}/{size}");
        state.put("nested", new LinkedHashMap<>(Map.of("list", new java.util.ArrayList<>(List.of("{version}")))));
        Placeholders.forVariant("k", state).fill(state, "");
        assertEquals("x/v3.22/aws/2", state.get("url"));
        assertEquals(Map.of("list", List.of("3.22")), state.get("nested"));
    }

    @Test
    void edgeVVersionIsEdge() {
        Map<String, Object> state = new LinkedHashMap<>(Map.of("version", "edge", "u", "{v_version}"));
        Placeholders.forVariant("k", state).fill(state, "");
        assertEquals("edge", state.get("u"));
    }

    @Test
    void laterStepPlaceholdersAndNonPlaceholderBracesStay() {
        Placeholders p = new Placeholders("k", Map.of());
        assertEquals("r{revision} {region} {image_id} {\"json\": 1} {1}",
                p.fillStrict("r{revision} {region} {image_id} {\"json\": 1} {1}", "x"));
    }

    @Test
    void strictFieldsTakeDoubledBracesAsLiteralsOtherFieldsKeepUnknownPlaceholders() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("release", "3.22.4");
        state.put("description", "Alpine {{release}} {release}");
        state.put("user_data", "echo {HOME} {release} {{x}}");
        Placeholders.forVariant("k", state).fill(state, "");
        assertEquals("Alpine {release} 3.22.4", state.get("description"));
        assertEquals("echo {HOME} 3.22.4 {{x}}", state.get("user_data"));
        Map<String, Object> bad = new LinkedHashMap<>(Map.of("repos", "http://m/{versoin}/main"));
        assertThrows(BuildException.class, () -> Placeholders.forVariant("k", bad).fill(bad, ""));
    }

    @Test
    void unknownPlaceholderIsAnErrorNamingKeyAndVariant() {
        Placeholders p = new Placeholders("3.22-aws", Map.of("release", "3.22.4"));
        BuildException e = assertThrows(BuildException.class, () -> p.fillStrict("alpine-{relase}", "name"));
        assertTrue(e.getMessage().contains("variant 3.22-aws: name uses unknown placeholder {relase}"), e.getMessage());
        assertTrue(e.getMessage().contains("release"), e.getMessage());
    }
}
