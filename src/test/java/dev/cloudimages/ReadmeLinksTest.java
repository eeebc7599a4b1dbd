package dev.cloudimages;

import dev.cloudimages.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every relative link in README.md and docs/*.md leads somewhere: to a file or directory of the
 * repository and, when it has an anchor, to a heading of that Markdown file, as GitHub makes
 * anchors of headings. Every docs file is linked from the README.
 */
class ReadmeLinksTest {

    /** An inline link or image, {@code [text](target)} or {@code [text](target "title")}. */
    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})[ \\t]+(.*?)(?:[ \\t]+#+)?[ \\t]*$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");

    @Test
    void everyRelativeLinkPointsToAFileAndHeadingThatExist() throws IOException {
        Path root = Fixtures.projectRoot().toAbsolutePath().normalize();
        List<String> broken = new ArrayList<>();
        Map<Path, Set<String>> anchors = new HashMap<>();
        for (Path file : markdownFiles(root)) {
            for (String target : links(Files.readString(file, StandardCharsets.UTF_8))) {
                if (target.isEmpty() || target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue; // http:, https:, mailto: ...: not this test's business
                }
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path to = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
                String where = root.relativize(file) + ": (" + target + ")";
                if (!to.startsWith(root)) {
                    broken.add(where + " leaves the repository");
                } else if (!Files.exists(to)) {
                    broken.add(where + " names a missing file");
                } else if (anchor != null && to.toString().endsWith(".md")
                        && !anchors.computeIfAbsent(to, ReadmeLinksTest::anchorsOf).contains(anchor)) {
                    broken.add(where + " names no heading of " + root.relativize(to));
                } else if (anchor != null && !to.toString().endsWith(".md")) {
                    broken.add(where + " has an anchor into a file that is not Markdown");
                }
            }
        }
        assertEquals(List.of(), broken);
    }

    @Test
    void everyDocsFileIsLinkedFromTheReadme() throws IOException {
        Path root = Fixtures.projectRoot().toAbsolutePath().normalize();
        Set<Path> linked = new LinkedHashSet<>();
        for (String target : links(Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8))) {
            int hash = target.indexOf('#');
            String path = hash < 0 ? target : target.substring(0, hash);
            if (!path.isEmpty() && !path.contains(":")) {
                linked.add(root.resolve(path).normalize());
            }
        }
        List<String> unlinked = new ArrayList<>();
        for (Path file : markdownFiles(root)) {
            if (file.getParent().equals(root.resolve("docs")) && !linked.contains(file)) {
                unlinked.add(root.relativize(file).toString());
            }
        }
        assertEquals(List.of(), unlinked, "docs the README's contents do not lead to");
    }

    @Test
    void anchorsAreMadeAsGithubMakesThem() {
        assertEquals("the-plan-state", slug("The plan (`state`)"));
        assertEquals("many-machines-ci-engines---variant---shard-plan",
                slug("Many machines: CI engines (`--variant`, `--shard`, `plan`)"));
        assertEquals("the-artifact-store-storage_url", slug("The artifact store (`storage_url`)"));
        assertEquals("see-the-plan", slug("See [the plan](plan.md)"));
        assertEquals(List.of("import", "publish", "import-1", "import-2"),
                new ArrayList<>(anchorsOf("## Import\n### Publish\n```\n# not a heading\n```\n# Import\n# Import\n")));
        assertEquals(List.of("a"), links("[x](a) `[y](b)` and\n```\n[z](c)\n```\n"));
        assertTrue(links("[multi\nline](#anchor)").contains("#anchor"));
    }

    private static List<Path> markdownFiles(Path root) throws IOException {
        List<Path> files = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(f -> f.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        return files;
    }

    /** The link targets of a Markdown text, leaving out fenced code blocks and code spans. */
    static List<String> links(String markdown) {
        String text = CODE_SPAN.matcher(withoutFences(markdown)).replaceAll(" ");
        List<String> targets = new ArrayList<>();
        Matcher m = LINK.matcher(text);
        while (m.find()) {
            targets.add(m.group(1));
        }
        return targets;
    }

    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?s:.+?)\\1");

    private static String withoutFences(String markdown) {
        StringBuilder out = new StringBuilder();
        String fence = null;
        for (String line : markdown.split("\n", -1)) {
            Matcher m = FENCE.matcher(line);
            if (fence == null && m.find()) {
                fence = m.group(1);
            } else if (fence != null && closes(fence, line.strip())) {
                fence = null;
            } else if (fence == null) {
                out.append(line);
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** A closing fence: at least as many of the opening fence's character, and nothing else. */
    private static boolean closes(String fence, String line) {
        return line.startsWith(fence) && line.chars().allMatch(c -> c == fence.charAt(0));
    }

    private static Set<String> anchorsOf(Path file) {
        try {
            return anchorsOf(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The anchors GitHub gives the headings of a Markdown text; a repeated one gets -1, -2, ... */
    static Set<String> anchorsOf(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : withoutFences(markdown).split("\n")) {
            Matcher m = HEADING.matcher(line);
            if (m.matches()) {
                String slug = slug(m.group(2));
                int n = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(n == 0 ? slug : slug + "-" + n);
            }
        }
        return anchors;
    }

    /**
     * GitHub's anchor for a heading: its text (link targets, code marks and emphasis stars
     * dropped) in lower case, keeping letters, digits, '_' and '-', each space a '-'.
     */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "").replace("*", "")
                .replaceAll("<[^>]*>", "").strip().toLowerCase(Locale.ROOT);
        StringBuilder slug = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '_' || c == '-') {
                slug.appendCodePoint(c);
            } else if (c == ' ') {
                slug.append('-');
            }
        });
        return slug.toString();
    }
}
