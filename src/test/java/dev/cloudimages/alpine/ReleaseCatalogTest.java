package dev.cloudimages.alpine;

import dev.cloudimages.support.BuildException;
import dev.cloudimages.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReleaseCatalogTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 11, 23);
    private final ReleaseCatalog catalog = ReleaseCatalog.parse(Fixtures.releasesJson(), "https://alpinelinux.org/releases.json");

    @Test
    void newestReleaseByVersionNumberNotByListOrder() {
        Release release = catalog.lookup("3.23", TODAY);
        assertEquals("3.23.10", release.release());
        assertEquals(LocalDate.of(2027, 11, 1), release.endOfLife());
        assertEquals("https://alpinelinux.org/posts/Alpine-3.23.10-released.html", release.notesUrl());
    }

    @Test
    void edgeIsTodayWithEndOfLifeTomorrow() {
        Release edge = catalog.lookup("edge", TODAY);
        assertEquals("20261123", edge.release());
        assertEquals(LocalDate.of(2026, 11, 24), edge.endOfLife());
        assertNull(edge.notesUrl());
    }

    @Test
    void unknownVersionNamesTheSourceAndWhatItHas() {
        BuildException e = assertThrows(BuildException.class, () -> catalog.lookup("3.99", TODAY));
        assertTrue(e.getMessage().startsWith("version \"3.99\" has no release in https://alpinelinux.org/releases.json"),
                e.getMessage());
        assertTrue(e.getMessage().contains("3.24, 3.23"), e.getMessage());
    }

    @Test
    void malformedDocumentsAreRejectedWithTheReason() {
        for (Map.Entry<String, String> c : Map.of(
                "{ not json", "not valid JSON",
                "{\"branches\": []}", "no release_branches array",
                "{\"release_branches\": [{\"eol_date\": \"2027-01-01\"}]}", "no rel_branch",
                "{\"release_branches\": [{\"rel_branch\": \"v3.1\", \"releases\": [{\"date\": \"x\"}]}]}",
                "release without a version").entrySet()) {
            BuildException e = assertThrows(BuildException.class, () -> ReleaseCatalog.parse(c.getKey(), "http://x/r.json"));
            assertTrue(e.getMessage().startsWith("malformed Alpine release metadata from http://x/r.json: "), e.getMessage());
            assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
        }
        ReleaseCatalog badEol = ReleaseCatalog.parse("{\"release_branches\": [{\"rel_branch\": \"v3.1\","
                + " \"eol_date\": \"soon\", \"releases\": [{\"version\": \"3.1.0\"}]}]}", "u");
        assertThrows(BuildException.class, () -> badEol.lookup("3.1", TODAY));
    }

    @Test
    void anUnknownEndOfLifeIsTomorrowAsForEdge() {
        ReleaseCatalog noEol = ReleaseCatalog.parse(
                "{\"release_branches\": [{\"rel_branch\": \"v3.1\", \"releases\": [{\"version\": \"3.1.0\"}]}]}", "u");
        assertEquals(TODAY.plusDays(1), noEol.lookup("3.1", TODAY).endOfLife());
        assertEquals(TODAY.plusDays(1), noEol.lookup("edge", TODAY).endOfLife());
    }

    @Test
    void versionComparisonIsNumeric() {
        assertTrue(ReleaseCatalog.compareVersions("3.22.10", "3.22.9") > 0);
        assertTrue(ReleaseCatalog.compareVersions("3.9.0", "3.10.0") < 0);
        assertEquals(0, ReleaseCatalog.compareVersions("3.22.1", "3.22.1"));
    }
}
