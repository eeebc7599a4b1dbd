package dev.cloudimages.config;

import dev.cloudimages.alpine.ReleaseCatalog;
import dev.cloudimages.testing.Fixtures;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;

/** Resolves small HOCON fixtures written to a temporary directory. */
final class ResolverFixture {

    static final LocalDate TODAY = LocalDate.of(2026, 11, 23);
    static final String RELEASES = """
            {"release_branches": [
              {"rel_branch": "edge"},
              {"rel_branch": "v3.22", "eol_date": "2027-05-01", "releases": [
                 {"version": "3.22.0", "date": "2025-05-30", "notes": "posts/Alpine-3.22.0-released.md"},
                 {"version": "3.22.4", "date": "2026-08-11", "notes": "posts/Alpine-3.22.4-released.md"}]},
              {"rel_branch": "v3.21", "eol_date": "2026-11-01", "releases": [
                 {"version": "3.21.6", "date": "2026-06-17"}]}
            ]}
            """;

    private final Path dir;

    ResolverFixture(Path dir) {
        this.dir = dir;
    }

    ResolverFixture file(String name, String content) {
        Fixtures.write(dir, name, content);
        return this;
    }

    TopConfig read(String top) {
        Path file = Fixtures.write(dir, "top.conf", top);
        HoconLoader loader = new HoconLoader(dir);
        return TopConfig.read(loader, loader.parse(file));
    }

    Resolution resolve(String top) {
        return new VariantResolver(read(top), ReleaseCatalog.parse(RELEASES, "https://example.test/releases.json"),
                TODAY, "https://mirror.test/alpine").resolve();
    }

    static Map<String, Object> config(Resolution resolution, String key) {
        return resolution.variants().stream().filter(v -> v.key().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("no variant " + key + " in "
                        + resolution.variants().stream().map(ResolvedVariant::key).toList()))
                .config();
    }
}
