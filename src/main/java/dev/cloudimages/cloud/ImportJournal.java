package dev.cloudimages.cloud;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an import is about to make in a cloud, written down <em>before</em> the call that makes it
 * (by the name, token or tags the adapter will give it) and crossed off once it is removed or
 * kept. A run killed outright (kill -9) runs no rollback; the journal it leaves tells the next
 * import of the same build what to look for and remove. One file per cloud and build under
 * {@code work/pending/}, rewritten atomically on every change, so a kill never leaves half a
 * journal. The shutdown-hook rollback is still the first line: the journal covers what it cannot.
 */
public final class ImportJournal {

    /**
     * One thing the import makes: {@code kind} is the adapter's word ("bucket", "object",
     * "import-task", "snapshot", "image"), {@code name} what it can be found by before its id is
     * known (a bucket or object name, a client token, an image name), {@code region} where, and
     * {@code details} anything else the adapter needs to find it (ids once known, tags). Jackson
     * writes and reads it by reflection, so the native image keeps its accessors.
     */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Entry(String kind, String name, String region, Map<String, String> details) {
        public Entry {
            details = Map.copyOf(details);
        }

        public Entry with(String key, String value) {
            Map<String, String> more = new LinkedHashMap<>(details);
            more.put(key, value);
            return new Entry(kind, name, region, more);
        }
    }

    private final Optional<Path> file;
    private final List<Entry> entries = new ArrayList<>();

    private ImportJournal(Optional<Path> file, List<Entry> entries) {
        this.file = file;
        this.entries.addAll(entries);
    }

    /** The journal of one build, read from {@code file} when an earlier run left it. */
    public static ImportJournal at(Path file) {
        if (!Files.isRegularFile(file)) {
            return new ImportJournal(Optional.of(file), List.of());
        }
        try {
            List<Entry> read = ConfigsYaml.mapper().readValue(file.toFile(), new TypeReference<List<Entry>>() {
            });
            return new ImportJournal(Optional.of(file), read == null ? List.of() : read);
        } catch (IOException e) {
            throw new BuildException("cannot read " + file + " (what an earlier killed import left in the cloud): "
                    + e.getMessage().lines().findFirst().orElse("") + "; check that cloud by hand for this build's "
                    + "resources, then delete the file");
        }
    }

    /** Where {@link CloudStep} keeps the journal of a cloud's build. */
    public static Path fileFor(Path workDir, String cloud, String buildName) {
        return workDir.resolve("pending").resolve(cloud).resolve(buildName + ".yaml");
    }

    /** A journal kept in memory only (tests that call an adapter directly). */
    public static ImportJournal inMemory() {
        return new ImportJournal(Optional.empty(), List.of());
    }

    /** What earlier runs left: the entries not yet crossed off. */
    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** Writes down what is about to be made; call it before the request that makes it. */
    public synchronized Entry add(Entry entry) {
        entries.add(entry);
        save();
        return entry;
    }

    /** Replaces an entry (its id became known); the same as add when it was not there. */
    public synchronized Entry update(Entry old, Entry updated) {
        int at = entries.indexOf(old);
        if (at < 0) {
            entries.add(updated);
        } else {
            entries.set(at, updated);
        }
        save();
        return updated;
    }

    /** Crosses an entry off: it was removed, or it is kept as the import's result. */
    public synchronized void remove(Entry entry) {
        if (entries.remove(entry)) {
            save();
        }
    }

    /** Crosses everything off. */
    public synchronized void clear() {
        entries.clear();
        save();
    }

    private void save() {
        if (file.isEmpty()) {
            return;
        }
        Path path = file.get();
        try {
            if (entries.isEmpty()) {
                Files.deleteIfExists(path);
            } else {
                AtomicFiles.writeString(path, ConfigsYaml.mapper().writeValueAsString(entries));
            }
        } catch (IOException e) {
            throw new BuildException("cannot write " + path + ": " + e.getMessage());
        }
    }
}
