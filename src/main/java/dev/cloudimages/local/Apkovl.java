package dev.cloudimages.local;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * The Alpine boot hook as an "apkovl" (a gzipped tar Alpine's initramfs unpacks over / before
 * OpenRC starts): the hook files, plus one runlevel symlink per service, written here because
 * resources cannot carry symlinks. Entries have fixed owners and times, so the bytes are stable.
 */
final class Apkovl {

    private static final FileTime EPOCH = FileTime.fromMillis(0);

    private Apkovl() {
    }

    static byte[] build() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // 512-byte records: the archive ends after its two zero blocks, with no padding to 10 KiB
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes), 512)) {
            Set<String> dirs = new LinkedHashSet<>();
            for (String file : BuilderResources.HOOK_FILES) {
                parents(file, dirs);
            }
            for (String service : BuilderResources.HOOK_SERVICES) {
                parents("etc/runlevels/" + service, dirs);
            }
            for (String dir : dirs) {
                add(tar, entry(dir + "/", TarConstants.LF_DIR, 0755), new byte[0]);
            }
            for (String file : BuilderResources.HOOK_FILES) {
                int mode = file.startsWith("etc/local.d/") ? 0755 : 0644;
                add(tar, entry(file, TarConstants.LF_NORMAL, mode), BuilderResources.read("alpine-hook/" + file));
            }
            for (String service : BuilderResources.HOOK_SERVICES) {
                TarArchiveEntry link = entry("etc/runlevels/" + service, TarConstants.LF_SYMLINK, 0777);
                link.setLinkName("/etc/init.d/" + service.substring(service.indexOf('/') + 1));
                add(tar, link, new byte[0]);
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void parents(String path, Set<String> dirs) {
        int slash = path.indexOf('/');
        while (slash > 0) {
            dirs.add(path.substring(0, slash));
            slash = path.indexOf('/', slash + 1);
        }
    }

    /** An entry owned by root, dated 1970: nothing of the machine or the moment that made it. */
    private static TarArchiveEntry entry(String name, byte type, int mode) {
        TarArchiveEntry entry = new TarArchiveEntry(name, type);
        entry.setMode(mode);
        entry.setIds(0, 0);
        entry.setNames("root", "root");
        entry.setModTime(EPOCH);
        return entry;
    }

    private static void add(TarArchiveOutputStream tar, TarArchiveEntry entry, byte[] content) throws IOException {
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
