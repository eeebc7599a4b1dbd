package dev.cloudimages.testing.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fake's list filter takes the documented forms and refuses the rest, as Compute does. */
class FakeFilterTest {

    private static final JsonNode IMAGE = image();

    private static JsonNode image() {
        try {
            return new ObjectMapper().readTree("{\"name\":\"test-3-24-1-r0\",\"status\":\"READY\","
                    + "\"labels\":{\"build_name\":\"test-3_24_1\",\"project\":\"p\"}}");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean keeps(String filter) {
        return FakeFilter.parse(filter).test(IMAGE);
    }

    @Test
    void documentedFormsAreUnderstood() {
        assertTrue(keeps(""));
        assertTrue(keeps("labels.build_name = \"test-3_24_1\""));
        assertTrue(keeps("labels.build_name = test-3_24_1"));
        assertTrue(keeps("(labels.build_name = \"test-3_24_1\") AND (labels.project = \"p\")"));
        assertTrue(keeps("(labels.build_name = \"test-3_24_1\") (labels.project = \"p\")"));
        assertFalse(keeps("(labels.build_name = \"test-3_24_1\") AND (labels.project = \"q\")"));
        assertTrue(keeps("(labels.project = \"q\") OR (status = READY)"));
        assertTrue(keeps("name != other"));
        assertTrue(keeps("labels.project:*"));
        assertFalse(keeps("labels.owner:*"));
        assertTrue(keeps("name eq 'test-3-.*'"));
        assertFalse(keeps("name ne .*-r0"));
        assertTrue(keeps("(name eq test-.*) (name ne .*-r1)"));
    }

    @Test
    void whatTheGrammarDoesNotHaveIsRefused() {
        for (String bad : new String[] {"labels.build_name = \"test-3_24_1\" AND labels.project = \"p\"",
                "labels.a = \"x\" labels.b = \"y\"", "AND (name = a)", "(name = a) AND", "(name == a)",
                "(name eq a) (status eq READY)", "(name eq a) (status = READY)", "name = 'quoted'", "(name = a"}) {
            assertThrows(FakeFilter.Invalid.class, () -> FakeFilter.parse(bad), bad);
        }
    }
}
