package dev.cloudimages.config;

import dev.cloudimages.support.BuildException;
import dev.cloudimages.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Strict HOCON rejects the reference's unquoted values with ':'; the error names the value and the fix. */
class UnquotedValueHintTest {

    @TempDir
    Path dir;

    private String error(String content) {
        Path file = Fixtures.write(dir, "top.conf", content);
        return assertThrows(BuildException.class, () -> new HoconLoader(dir).parse(file)).getMessage();
    }

    @Test
    void anElementOfAOneLineList() {
        assertEquals("HOCON syntax error in top.conf:2: quote the value - https://alpinelinux.org/cloud"
                        + " (HOCON reads ':' and '//' in unquoted text as syntax; the reference's pyhocon did not):"
                        + " write description = [ Alpine, \"- https://alpinelinux.org/cloud\" ]",
                error("Mandatory {\n  description = [ Alpine, - https://alpinelinux.org/cloud ] # why\n}\n"));
    }

    @Test
    void aPlainValueAfterEqualsOrColon() {
        assertEquals("HOCON syntax error in top.conf:1: quote the value https://example.org/x (HOCON reads ':' and"
                        + " '//' in unquoted text as syntax; the reference's pyhocon did not): write url = \"https://example.org/x\"",
                error("url = https://example.org/x\n"));
        String colonSeparated = error("a = 1\nurl: http://mirror:8080/alpine\n");
        assertTrue(colonSeparated.startsWith("HOCON syntax error in top.conf:2: quote the value "
                + "http://mirror:8080/alpine"), colonSeparated);
        assertTrue(colonSeparated.endsWith("write url: \"http://mirror:8080/alpine\""), colonSeparated);
    }

    @Test
    void aLineOfAListSpreadOverLines() {
        String message = error("d = [\n  Alpine\n  - https://alpinelinux.org/cloud\n]\n");
        assertTrue(message.startsWith("HOCON syntax error in top.conf:3: quote the value"), message);
        assertTrue(message.endsWith("write \"- https://alpinelinux.org/cloud\""), message);
    }

    @Test
    void otherSyntaxErrorsKeepTheParsersOwnMessage() {
        String message = error("Default {\n  name = [ a\n}\n");
        assertTrue(message.startsWith("HOCON syntax error in top.conf: 3:"), message);
        assertTrue(message.endsWith("(fix the file and run again)"), message);
    }
}
