package dev.cloudimages.local;

import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the provisioning scripts handed back through $BUILD_OUTPUT (build/out on the payload disk),
 * copied off the payload after the builder powered off cleanly:
 * <ul>
 *   <li>{@code apk-installed}: the image's {@code /lib/apk/db/installed}, for its SBOM;</li>
 *   <li>{@code image-facts}: lines {@code kernel VERSION}, {@code repository URL CACHED-INDEX|-} and
 *       {@code index FILE KEY[,KEY...]|- DESCRIPTION}, for its provenance.</li>
 * </ul>
 * Scripts that hand back nothing (an overlay's own) leave the image without an SBOM; it still builds.
 */
public record BuilderOutput(Optional<String> apkDatabase, String kernel, List<Repository> repositories) {

    /** A repository of the image and the index apk fetched from it, with the keys that signed the index. */
    public record Repository(String url, String index, List<String> signedBy, String description) {
    }

    static final String DIR = "build/out";

    public static final BuilderOutput NONE = new BuilderOutput(Optional.empty(), "", List.of());

    /** Copies build/out off the payload into {@code into}/out and reads it. */
    static BuilderOutput collect(Path payload, Path into, HostTools tools, Log log, String key) {
        Path out = into.resolve("out");
        try {
            tools.run(List.of("mcopy", "-i", payload.toString(), "-s", "-n", "-Q", "::/" + DIR, into.toString()),
                    Duration.ofMinutes(2), Map.of("MTOOLS_SKIP_CHECK", "1"));
        } catch (BuildException e) {
            log.warn("[%s] the scripts handed nothing back in $BUILD_OUTPUT (%s): no SBOM, no package facts",
                    key, e.getMessage());
            return NONE;
        }
        try {
            return read(out);
        } catch (IOException e) {
            throw new BuildException("cannot read what the scripts handed back in " + out + ": "
                    + AtomicFiles.describe(e));
        }
    }

    static BuilderOutput read(Path out) throws IOException {
        Path db = out.resolve("apk-installed");
        Optional<String> database = Files.isRegularFile(db) ? Optional.of(Files.readString(db)) : Optional.empty();
        Path factsFile = out.resolve("image-facts");
        List<String> facts = Files.isRegularFile(factsFile) ? Files.readAllLines(factsFile) : List.of();
        return parse(database, facts);
    }

    static BuilderOutput parse(Optional<String> database, List<String> facts) {
        String kernel = "";
        Map<String, String> cached = new LinkedHashMap<>();
        Map<String, String[]> indexes = new LinkedHashMap<>();
        for (String line : facts) {
            String[] words = line.trim().split("\\s+", 4);
            switch (words[0]) {
                case "kernel" -> kernel = words.length > 1 ? words[1] : "";
                case "repository" -> cached.put(words[1], words.length > 2 ? words[2] : "-");
                case "index" -> indexes.put(words[1], words);
                default -> { } // a later script's facts; not ours to judge
            }
        }
        List<Repository> repositories = new ArrayList<>();
        cached.forEach((url, file) -> {
            String[] index = indexes.get(file);
            repositories.add(index == null ? new Repository(url, "", List.of(), "")
                    : new Repository(url, file, keys(index), index.length > 3 ? index[3] : ""));
        });
        // an index no repository's name leads to (apk-tools 3 names its cache otherwise): still listed
        indexes.forEach((file, index) -> {
            if (!cached.containsValue(file)) {
                repositories.add(new Repository("", file, keys(index), index.length > 3 ? index[3] : ""));
            }
        });
        return new BuilderOutput(database, kernel, List.copyOf(repositories));
    }

    private static List<String> keys(String[] index) {
        return index.length < 3 || index[2].equals("-") ? List.of() : Arrays.asList(index[2].split(","));
    }
}
