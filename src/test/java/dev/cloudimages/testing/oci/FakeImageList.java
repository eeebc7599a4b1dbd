package dev.cloudimages.testing.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.cloudimages.testing.oci.FakeOci.JSON;

/**
 * ListImages as OCI answers it: the recent platform images first (every compartment sees them,
 * with no compartmentId), then the compartment's custom images, {@code limit} per page (100 unless
 * asked, at most 1000) with an opc-next-page token; filtered by displayName, operatingSystem and
 * lifecycleState when asked. There is no filter for custom images or tags: a caller that wants
 * only its own images must filter by what they carry.
 */
final class FakeImageList {

    /** Three recent versions of a few distributions, x86 and Arm builds: more than a page. */
    static final List<ObjectNode> PLATFORM = platform();

    private FakeImageList() {
    }

    /** The page {@code query} asks for, and the next page's token (null on the last). */
    record Page(ArrayNode items, String next) {
    }

    static Page page(List<ObjectNode> custom, Map<String, String> query) {
        List<ObjectNode> all = new ArrayList<>(PLATFORM);
        all.addAll(custom);
        List<ObjectNode> matching = all.stream()
                .filter(i -> matches(i, "displayName", query.get("displayName")))
                .filter(i -> matches(i, "operatingSystem", query.get("operatingSystem")))
                .filter(i -> matches(i, "operatingSystemVersion", query.get("operatingSystemVersion")))
                .filter(i -> query.get("lifecycleState") == null
                        || i.path("lifecycleState").asText().equalsIgnoreCase(query.get("lifecycleState")))
                .toList();
        int limit = Integer.parseInt(query.getOrDefault("limit", "100"));
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be 1 to 1000");
        }
        int from = Integer.parseInt(query.getOrDefault("page", "0"));
        int to = Math.min(matching.size(), from + limit);
        ArrayNode items = JSON.createArrayNode();
        matching.subList(Math.min(from, to), to).forEach(items::add);
        return new Page(items, to < matching.size() ? Integer.toString(to) : null);
    }

    private static boolean matches(ObjectNode image, String field, String wanted) {
        return wanted == null || wanted.equals(image.path(field).asText(null));
    }

    private static List<ObjectNode> platform() {
        List<ObjectNode> images = new ArrayList<>();
        String[][] systems = {{"Oracle Linux", "9"}, {"Oracle Linux", "8"}, {"Canonical Ubuntu", "24.04"},
                {"Canonical Ubuntu", "22.04"}, {"Windows", "Server 2022 Standard"}};
        int n = 0;
        for (String[] system : systems) {
            for (String arch : List.of("", "-aarch64", "-Gen2-GPU", "-Minimal")) {
                for (int build = 0; build < 8; build++) {
                    n++;
                    images.add(JSON.createObjectNode().put("id", "ocid1.image.oc1..platform" + n)
                            .put("displayName", system[0].replace(' ', '-') + "-" + system[1] + arch + "-2026.0" + build)
                            .put("operatingSystem", system[0]).put("operatingSystemVersion", system[1])
                            .put("lifecycleState", "AVAILABLE").put("createImageAllowed", true)
                            .put("timeCreated", "2026-0" + (1 + build) + "-01T00:00:00.000Z"));
                }
            }
        }
        return List.copyOf(images);
    }
}
