package dev.cloudimages.bench;

import dev.cloudimages.alpine.ReleaseCatalog;
import dev.cloudimages.config.HoconLoader;
import dev.cloudimages.config.Resolution;
import dev.cloudimages.config.TopConfig;
import dev.cloudimages.config.VariantResolver;
import dev.cloudimages.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark measures what it says: 1024 candidates, with EXCLUDE and nested WHEN taking effect. */
class ResolveBenchmarkTest {

    @Test
    void generatedMatrixHas1024CandidatesWithExcludesAndNestedWhen(@TempDir Path dir) throws IOException {
        Path top = ResolveBenchmark.generateMatrix(dir);
        HoconLoader loader = new HoconLoader(dir);
        Resolution r = new VariantResolver(TopConfig.read(loader, loader.parse(top)),
                ReleaseCatalog.parse(Fixtures.releasesJson(), "u"), LocalDate.of(2026, 11, 23), "m").resolve();
        assertEquals(1024, r.variants().size() + r.skipped().size());
        assertEquals(169, r.skipped().size());
        String deep = r.variants().stream().filter(v -> v.key().equals("3.22-a1-f2-b0-c1")).findFirst().orElseThrow()
                .config().get("packages").toString();
        assertTrue(deep.contains("deep"), deep);
        String shallow = r.variants().stream().filter(v -> v.key().equals("3.22-a1-f1-b0-c1")).findFirst().orElseThrow()
                .config().get("packages").toString();
        assertFalse(shallow.contains("deep"), shallow);
    }
}
