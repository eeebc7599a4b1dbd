package dev.cloudimages.config;

import dev.cloudimages.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class KeyOrderScannerTest {

    @TempDir
    Path dir;

    private static List<String> sorted(KeyOrder order, List<String> path, String... keys) {
        return order.sort(path, Set.of(keys));
    }

    @Test
    void keysComeOutInDocumentOrderNotHashOrder() {
        KeyOrder order = KeyOrderScanner.scanText("""
                zeta = 1
                alpha { c = 1, b = 2, a = 3 }
                mid: "x"
                """, dir);
        assertEquals(List.of("zeta", "alpha", "mid"), sorted(order, List.of(), "alpha", "mid", "zeta"));
        assertEquals(List.of("c", "b", "a"), sorted(order, List.of("alpha"), "a", "b", "c"));
    }

    @Test
    void dottedPathsQuotedKeysAndCommentsAreUnderstood() {
        KeyOrder order = KeyOrderScanner.scanText("""
                # a comment with { braces
                d.z = 1   // trailing comment with "quote
                d."y.1" = 2
                d { x = "a # not a comment" }
                "3.22" { k = 1 }
                url = "https://example.org/{v}"
                unquoted = http://host/path
                """, dir);
        assertEquals(List.of("z", "y.1", "x"), sorted(order, List.of("d"), "x", "y.1", "z"));
        assertEquals(List.of("d", "3.22", "url", "unquoted"), sorted(order, List.of(), "3.22", "d", "unquoted", "url"));
    }

    @Test
    void includesArePlacedWhereTheyStandRelativeToTheIncludingFile() {
        Fixtures.write(dir, "sub/inner.conf", "first = 1\ninclude required(\"deeper.conf\")\nlast = 3\n");
        Fixtures.write(dir, "sub/deeper.conf", "middle = 2\n");
        Path top = Fixtures.write(dir, "top.conf", """
                block {
                  before = 0
                  include required("sub/inner.conf")
                  after = 4
                }
                """);
        KeyOrder order = KeyOrderScanner.scan(top);
        assertEquals(List.of("before", "first", "middle", "last", "after"),
                sorted(order, List.of("block"), "after", "before", "first", "last", "middle"));
    }

    @Test
    void aLaterObjectKeepsTheFirstPositionButANonObjectValueResetsTheChildren() {
        KeyOrder order = KeyOrderScanner.scanText("""
                a { one = 1, two = 2 }
                b = 1
                a { three = 3 }
                r { x = 1, y = 2 }
                r = null
                r { y = 1, x = 2 }
                """, dir);
        assertEquals(List.of("a", "b", "r"), sorted(order, List.of(), "r", "b", "a"));
        assertEquals(List.of("one", "two", "three"), sorted(order, List.of("a"), "three", "two", "one"));
        assertEquals(List.of("y", "x"), sorted(order, List.of("r"), "x", "y"));
    }

    @Test
    void arraysAndMultilineStringsAreSkippedWithoutConfusingTheScan() {
        KeyOrder order = KeyOrderScanner.scanText("""
                list = [ { inner = 1 }, [ "]" ], "}" ]
                text = \"\"\"
                  fake = { key }
                \"\"\"
                last = true
                """, dir);
        assertEquals(List.of("list", "text", "last"), sorted(order, List.of(), "last", "list", "text"));
    }

    @Test
    void substitutionsTakeTheOrderOfWhatTheyReferToWhereTheyStand() {
        KeyOrder order = KeyOrderScanner.scanText("""
                dims { version { edge {} }, cloud { gcp {}, aws {} }, arch { x86_64 {} } }
                Dimensions = ${dims}
                base { zz = 1, aa = 2 }
                repos = ${base} { extra = 3 }
                Default.packages { zsh = true, apk = true }
                Default.packages = ${?UNSET}
                """, dir);
        assertEquals(List.of("version", "cloud", "arch"), sorted(order, List.of("Dimensions"), "arch", "cloud", "version"));
        assertEquals(List.of("gcp", "aws"), sorted(order, List.of("Dimensions", "cloud"), "aws", "gcp"));
        assertEquals(List.of("zz", "aa", "extra"), sorted(order, List.of("repos"), "aa", "extra", "zz"));
        assertEquals(List.of("zsh", "apk"), sorted(order, List.of("Default", "packages"), "apk", "zsh"));
    }

    @Test
    void keysTheScanDidNotSeeFollowSorted() {
        KeyOrder order = KeyOrderScanner.scanText("b = 1\n", dir);
        assertEquals(List.of("b", "a", "c"), sorted(order, List.of(), "c", "a", "b"));
    }
}
