package dev.cloudimages.config;

import dev.cloudimages.support.BuildException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shape checks done once when the top-level config is read; every message names file and line. */
class TopConfigTest {

    @TempDir
    Path dir;

    private String error(String top) {
        return assertThrows(BuildException.class, () -> new ResolverFixture(dir).read(top)).getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
        }
        assertTrue(!message.contains("\n"), "one line: " + message);
    }

    @Test
    void syntaxErrorNamesFileAndLine() {
        assertContains(error("Default {\n  name = [ a\n}\n"), "HOCON syntax error in top.conf: 3");
    }

    @Test
    void missingRequiredIncludeIsNamed() {
        assertContains(error("Dimensions { version { \"3.22\" { include required(\"version/nope.conf\") } } }\n"),
                "top.conf:1: include required(\"version/nope.conf\") names a file that does not exist (version/nope.conf)");
    }

    @Test
    void includeFileIsReadBesideTheIncludingFile() {
        TopConfig config = new ResolverFixture(dir)
                .file("parts/version.conf", "version { \"3.22\" {} }\n")
                .file("parts/dims.conf", "include file(\"version.conf\")\n")
                .read("Dimensions { include required(file(\"parts/dims.conf\")) }\n");
        assertEquals(List.of("3.22"), config.dimension("version").keys());
    }

    @Test
    void unresolvedSubstitutionSaysHowToMakeItOptional() {
        assertContains(error("Default { a = ${undefined} }\nDimensions { version { \"3.22\" {} } }\n"),
                "unresolved substitution in config: top.conf: 1", "${?...}");
    }

    @Test
    void dimensionWithoutKeys() {
        assertContains(error("Dimensions {\n  version { \"3.22\" {} }\n  cloud {}\n}\n"),
                "top.conf:3", "dimension 'cloud' has no keys");
    }

    @Test
    void excludeOfTheWrongType() {
        assertContains(error("Dimensions {\n  version { \"3.22\" {\n    EXCLUDE = bios\n  } }\n}\n"),
                "top.conf:3", "Dimensions.version.\"3.22\".EXCLUDE must be a list of dimension keys", "got string");
    }

    @Test
    void whenOfTheWrongTypeAtAnyDepth() {
        assertContains(error("Default { WHEN = [ aws ] }\nDimensions { version { \"3.22\" {} } }\n"),
                "top.conf:1", "Default.WHEN must be a block");
        assertContains(error("Dimensions { version { \"3.22\" {\n WHEN { aws { WHEN { gcp = true } } }\n} } }\n"),
                "top.conf:2", "WHEN.aws.WHEN.gcp must be a block");
    }

    @Test
    void missingDimensionsOrVersionDimension() {
        assertContains(error("Default { a = 1 }\n"), "top.conf: no Dimensions block");
        assertContains(error("Dimensions { cloud { aws {} } }\n"), "has no 'version' dimension");
    }

    @Test
    void unquotedVersionKeyIsCaught() {
        assertContains(error("Dimensions { version { 3.22 { } } }\n"), "version key 3.22 is unquoted", "\"3.22\"");
        assertContains(error("Dimensions { version { \"3.22\" { WHEN { 3.22 { a = 1 } } } } }\n"),
                "WHEN key 3.22 is unquoted");
    }

    @Test
    void dimensionKeyThatIsNotABlock() {
        assertContains(error("Dimensions { version { \"3.22\" = yes } }\n"), "Dimensions.version.\"3.22\" must be a block");
    }

    @Test
    void nullRemovesDimensionsAndKeysSoOverlaysCanNarrowTheMatrix() {
        TopConfig config = new ResolverFixture(dir).read("""
                Dimensions { version { "3.22" {}, edge {} }, cloud { aws {}, gcp {} }, arch { x {} } }
                Dimensions { version { edge = null }, arch = null }
                """);
        assertEquals(List.of("version", "cloud"), config.dimensions().stream().map(Dimension::name).toList());
        assertEquals(List.of("3.22"), config.dimension("version").keys());
    }
}
