package dev.cloudimages.testing.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static dev.cloudimages.testing.gcp.FakeGcp.error;
import static dev.cloudimages.testing.gcp.FakeGcp.reply;

/**
 * Image families as Compute keeps them: images.patch, which may change only family and
 * description (anything else is refused, as GCP does), and images.getFromFamily, which answers
 * the family's newest image (by creation) that is READY and not deprecated.
 */
final class FakeFamilies {

    private static final Pattern NAME = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final List<String> PATCHABLE = List.of("family", "description", "name");

    private FakeFamilies() {
    }

    /** Compute's form of a creation time (milliseconds and an offset, as GCP answers). */
    static String now() {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx")
                .format(ZonedDateTime.now(ZoneId.of("America/Los_Angeles")));
    }

    /** Why a patch is refused, or null. */
    static String patchProblem(ObjectNode image, JsonNode body) {
        for (Iterator<String> fields = body.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!PATCHABLE.contains(field)) {
                return "Invalid value for field 'resource." + field + "': images.patch may change only family and"
                        + " description";
            }
        }
        if (body.has("name") && !body.get("name").asText().equals(image.path("name").asText())) {
            return "Invalid value for field 'resource.name': '" + body.get("name").asText() + "'. Names cannot be"
                    + " changed";
        }
        if (body.has("family") && !body.get("family").asText().isEmpty()
                && !NAME.matcher(body.get("family").asText()).matches()) {
            return "Invalid value for field 'resource.family': '" + body.get("family").asText() + "'";
        }
        return null;
    }

    static void patch(ObjectNode image, JsonNode body) {
        for (String field : List.of("family", "description")) {
            if (body.has(field)) {
                image.put(field, body.get(field).asText());
            }
        }
    }

    static Optional<String> newest(Map<String, ? extends JsonNode> images, String family) {
        return images.values().stream().filter(i -> family.equals(i.path("family").asText()))
                .filter(i -> i.path("status").asText().equals("READY"))
                .filter(i -> List.of("", "ACTIVE").contains(i.path("deprecated").path("state").asText()))
                // creation times, then ids (made one after another) for images made in the same millisecond
                .max(Comparator.comparing((JsonNode i) -> java.time.OffsetDateTime.parse(
                        i.path("creationTimestamp").asText()).toInstant())
                        .thenComparingLong(i -> i.path("id").asLong()))
                .map(i -> i.path("name").asText());
    }

    static void getFromFamily(HttpExchange exchange, Map<String, ObjectNode> images, String family) throws IOException {
        Optional<String> name = newest(images, family);
        if (name.isEmpty()) {
            error(exchange, 404, "The resource 'projects/" + FakeGcp.PROJECT + "/global/images/family/" + family
                    + "' was not found", "notFound");
            return;
        }
        reply(exchange, 200, images.get(name.get()));
    }
}
