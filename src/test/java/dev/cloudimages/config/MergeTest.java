package dev.cloudimages.config;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class MergeTest {

    @SafeVarargs
    private static Map<String, Object> map(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    @Test
    void scalarsAreReplacedMapsMergeAndArraysAppend() {
        Map<String, Object> state = map("size", "1G", "name", new ArrayList<>(List.of("alpine")),
                "packages", map("a", true));
        Merge.into(state, map("size", "2G", "name", List.of("x86_64"), "packages", map("b", false)));
        assertEquals("2G", state.get("size"));
        assertEquals(List.of("alpine", "x86_64"), state.get("name"));
        assertEquals(map("a", true, "b", false), state.get("packages"));
    }

    @Test
    void nullRemovesAndALaterAssignmentStartsFresh() {
        Map<String, Object> state = map("name", new ArrayList<>(List.of("alpine")), "packages", map("a", true, "b", true));
        Merge.into(state, map("name", null, "packages", map("a", null)));
        assertFalse(state.containsKey("name"));
        assertEquals(map("b", true), state.get("packages"));
        Merge.into(state, map("name", List.of("test")));
        assertEquals(List.of("test"), state.get("name"));
    }

    @Test
    void aValueOfAnotherTypeReplacesAndLayersAreNeverShared() {
        List<Object> layerList = new ArrayList<>(List.of("x"));
        Map<String, Object> layer = map("qemu", map("args", layerList), "flag", true);
        Map<String, Object> state = map("qemu", "none", "flag", map("nested", 1));
        Merge.into(state, layer);
        Merge.into(state, map("qemu", map("args", List.of("y"))));
        assertEquals(map("args", List.of("x", "y")), state.get("qemu"));
        assertEquals(true, state.get("flag"));
        assertEquals(List.of("x"), layerList, "merging must not change the layer it read from");
    }

    @Test
    void copiesLeaveOutNullEntries() {
        Map<String, Object> state = new LinkedHashMap<>();
        Merge.into(state, map("packages", map("keep", true, "drop", null)));
        assertEquals(map("keep", true), state.get("packages"));
    }
}
