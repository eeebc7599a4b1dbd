package dev.cloudimages.store.file;

import dev.cloudimages.store.ArtifactStore;
import dev.cloudimages.store.ObjectNames;
import dev.cloudimages.store.StoredObject;
import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code file:///dir}: a directory, local or mounted (NFS, a CI cache). Uploads are written under
 * a hidden temporary name and renamed into place (the hidden file of an upload killed before its
 * rename is removed by the next upload of the name); the conditional create links a whole temporary
 * file to the final name (link(2) fails when the name exists, like O_EXCL, and unlike O_EXCL no
 * reader ever sees the file empty).
 */
public final class FileStore implements ArtifactStore {

    private static final int BUFFER = 1 << 20;
    private final Path dir;
    private final String url;

    public FileStore(Path dir, String url) {
        this.dir = dir;
        this.url = url;
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public Optional<StoredObject> stat(String name) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path(name), BasicFileAttributes.class);
            return Optional.of(new StoredObject(name, attributes.size(),
                    attributes.lastModifiedTime().toInstant() + "/" + attributes.size() + "/" + attributes.fileKey()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("read", name, e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        if (!Files.isDirectory(dir)) {
            if (Files.exists(dir)) {
                throw new BuildException("store " + url + ": " + dir + " is not a directory");
            }
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(prefix) && !ObjectNames.isTemporary(n) && !n.startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            throw failure("list", prefix + "*", e);
        }
    }

    @Override
    public Optional<byte[]> read(String name) {
        try {
            return Optional.of(Files.readAllBytes(path(name)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("read", name, e);
        }
    }

    @Override
    public void download(String name, Path target, TransferListener listener) {
        try (InputStream in = Files.newInputStream(path(name)); OutputStream out = Files.newOutputStream(target)) {
            copy(in, out, Files.size(path(name)), listener);
        } catch (NoSuchFileException e) {
            throw new BuildException("store " + url + " has no " + name);
        } catch (IOException e) {
            throw failure("download", name, e);
        }
    }

    @Override
    public void transfer(Path file, String name, TransferListener listener) {
        put("upload", name, out -> {
            try (InputStream in = Files.newInputStream(file)) {
                copy(in, out, Files.size(file), listener);
            }
        });
    }

    /** The hidden {@code .<name>.<random>.part} files of uploads killed before their rename. */
    @Override
    public int sweepTemporaries(String name) {
        ObjectNames.check(name);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        List<Path> leftovers;
        try (Stream<Path> files = Files.list(dir)) {
            leftovers = files.filter(p -> ObjectNames.isTemporaryOf(name, p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw failure("list the leftover uploads of", name, e);
        }
        int removed = 0;
        for (Path leftover : leftovers) {
            try {
                if (Files.deleteIfExists(leftover)) {
                    removed++;
                }
            } catch (IOException e) {
                throw failure("remove the leftover upload", leftover.getFileName().toString(), e);
            }
        }
        return removed;
    }

    @Override
    public void write(String name, byte[] content) {
        put("write", name, out -> out.write(content));
    }

    @Override
    public boolean createIfAbsent(String name, byte[] content) {
        Path temp = temporary(name);
        try {
            writeSynced(temp, out -> out.write(content));
            Files.createLink(path(name), temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException e) {
            return createExclusive(name, content);
        } catch (IOException e) {
            throw failure("create", name, e);
        } finally {
            AtomicFiles.deleteQuietly(temp);
        }
    }

    /** Where hard links are not offered: O_EXCL itself. */
    private boolean createExclusive(String name, byte[] content) {
        try {
            Files.write(path(name), content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw failure("create", name, e);
        }
    }

    /**
     * Compare-and-swap under an OS lock on a sidecar file, which every machine on the same
     * directory (NFS with its lock manager too) takes for this one operation.
     */
    @Override
    public boolean replaceIfUnchanged(String name, String expected, byte[] content) {
        Path lockFile = dir.resolve(".store.lock");
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                Optional<StoredObject> current = stat(name);
                if (current.isEmpty() || !current.get().version().equals(expected)) {
                    return false;
                }
                write(name, content);
                return true;
            }
        } catch (IOException e) {
            throw failure("replace", name, e);
        }
    }

    @Override
    public void delete(String name) {
        try {
            Files.deleteIfExists(path(name));
        } catch (IOException e) {
            throw failure("delete", name, e);
        }
    }

    private Path path(String name) {
        return dir.resolve(ObjectNames.check(name));
    }

    private Path temporary(String name) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw failure("create the directory for", name, e);
        }
        return dir.resolve(ObjectNames.temporary(name));
    }

    private static void copy(InputStream in, OutputStream out, long total, TransferListener listener)
            throws IOException {
        byte[] buffer = new byte[BUFFER];
        long done = 0;
        for (int read; (read = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, read);
            done += read;
            listener.transferred(done, total);
        }
    }

    /** What goes into a temporary file before it gets its final name. */
    @FunctionalInterface
    private interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Puts {@code content} under {@code name}: whole and on disk under a temporary name, then renamed into place. */
    private void put(String verb, String name, Content content) {
        Path temp = temporary(name);
        try {
            writeSynced(temp, content);
            AtomicFiles.moveIntoPlace(temp, path(name));
        } catch (IOException e) {
            throw failure(verb, name, e);
        } finally {
            AtomicFiles.deleteQuietly(temp);
        }
    }

    /** Writes a new temporary file and syncs it: what lands under a final name is on disk before it is visible. */
    private static void writeSynced(Path temp, Content content) throws IOException {
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            content.writeTo(Channels.newOutputStream(channel));
            channel.force(true);
        }
    }

    private BuildException failure(String verb, String name, IOException e) {
        return new BuildException("store " + url + ": cannot " + verb + " " + name + ": " + AtomicFiles.describe(e));
    }
}
