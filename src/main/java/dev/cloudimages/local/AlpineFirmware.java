package dev.cloudimages.local;

import dev.cloudimages.alpine.AlpineEndpoints;
import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Fetch;
import dev.cloudimages.support.Log;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * UEFI firmware from the Alpine repository, for hosts without it installed (as the reference
 * builder does): the "ovmf" (x86_64) or "aavmf" (aarch64) package of the builder's release,
 * found through the community repository's APKINDEX and unpacked without apk.
 */
final class AlpineFirmware {

    /** Firmware file names inside the packages, in order of preference. */
    private static final List<String> CODE = List.of("OVMF_CODE.fd", "QEMU_EFI.fd", "AAVMF_CODE.fd");
    private static final List<String> VARS = List.of("OVMF_VARS.fd", "QEMU_VARS.fd", "AAVMF_VARS.fd");

    private AlpineFirmware() {
    }

    static String packageName(String arch) {
        return arch.equals("aarch64") ? "aavmf" : "ovmf";
    }

    /** Downloads the package and writes its code and vars files to {@code code} and {@code vars}. */
    static void fetch(String mirror, String release, String arch, Path code, Path vars, Path downloads, Log log) {
        String name = packageName(arch);
        String repo = AlpineEndpoints.branchUrl(mirror, release) + "/community/" + arch;
        IndexEntry entry;
        try {
            entry = indexEntry(Fetch.bytes(repo + "/APKINDEX.tar.gz"), name)
                    .orElseThrow(() -> new BuildException(repo + "/APKINDEX.tar.gz lists no package '" + name + "'"));
        } catch (Fetch.Failure e) {
            throw new BuildException("no UEFI firmware on this machine, and the Alpine repository " + repo
                    + " cannot be read (" + e.getMessage() + "); install the host's firmware package (Debian/Ubuntu: "
                    + (arch.equals("aarch64") ? "qemu-efi-aarch64" : "ovmf") + ")");
        }
        String version = entry.version();
        String url = repo + "/" + name + "-" + version + ".apk";
        Path apk = downloads.resolve(name + "-" + version + ".apk");
        log.info("No UEFI firmware for %s on this machine; fetching %s", arch, url);
        try {
            Fetch.toFile(url, apk, log);
        } catch (Fetch.Failure e) {
            throw new BuildException("cannot download " + url + " (" + e.getMessage() + ")");
        }
        try {
            // the index's size of the package: a cheap check that this is the file it lists
            if (entry.size() >= 0 && Files.size(apk) != entry.size()) {
                AtomicFiles.deleteQuietly(apk);
                throw new BuildException(url + " is " + Files.size(apk) + " bytes but APKINDEX lists " + entry.size()
                        + "; try again later or another mirror");
            }
        } catch (IOException e) {
            throw new BuildException("cannot read " + apk + ": " + AtomicFiles.describe(e));
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(apk))) {
            Tar.read(in, (path, content) -> {
                String base = path.substring(path.lastIndexOf('/') + 1);
                if (CODE.contains(base) || VARS.contains(base)) {
                    files.putIfAbsent(base, content);
                }
            });
        } catch (IOException | RuntimeException e) {
            throw new BuildException("cannot unpack " + apk + ": " + e.getMessage());
        }
        byte[] codeBytes = CODE.stream().map(files::get).filter(java.util.Objects::nonNull).findFirst()
                .orElseThrow(() -> new BuildException(url + " holds none of " + String.join(", ", CODE)));
        // a missing variable store starts empty; the firmware initialises it
        byte[] varsBytes = VARS.stream().map(files::get).filter(java.util.Objects::nonNull).findFirst()
                .orElse(new byte[arch.equals("aarch64") ? 64 << 20 : 128 << 10]);
        AtomicFiles.write(code, codeBytes);
        AtomicFiles.write(vars, varsBytes);
    }

    /** A package's version and size as the index lists them (size -1 when not listed). */
    record IndexEntry(String version, long size) {
    }

    /** The entry of {@code name} in an APKINDEX.tar.gz ("P:name", "V:version", "S:size" records). */
    static java.util.Optional<IndexEntry> indexEntry(byte[] apkindex, String name) {
        StringBuilder index = new StringBuilder();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(apkindex))) {
            Tar.read(in, (path, content) -> {
                if (path.equals("APKINDEX")) {
                    index.append(new String(content, StandardCharsets.UTF_8));
                }
            });
        } catch (IOException | RuntimeException e) {
            throw new BuildException("the Alpine APKINDEX is not a gzipped tar: " + e.getMessage());
        }
        for (String record : index.toString().split("\n\n")) {
            String pkg = null;
            String version = null;
            long size = -1;
            for (String line : record.split("\n")) {
                if (line.startsWith("P:")) {
                    pkg = line.substring(2).trim();
                } else if (line.startsWith("V:")) {
                    version = line.substring(2).trim();
                } else if (line.startsWith("S:") && line.substring(2).trim().matches("\\d+")) {
                    size = Long.parseLong(line.substring(2).trim());
                }
            }
            if (name.equals(pkg) && version != null) {
                return java.util.Optional.of(new IndexEntry(version, size));
            }
        }
        return java.util.Optional.empty();
    }

    /** The regular files of Alpine's tar archives: an .apk or APKINDEX.tar.gz, ungzipped. */
    static final class Tar {

        interface Entry {
            void accept(String path, byte[] content) throws IOException;
        }

        /**
         * Alpine's archives are gzip streams of tar segments concatenated (signature, control,
         * data); abuild cuts the end-of-archive blocks between them, so they read as one tar. A
         * segment that kept its end blocks is read past too: reading goes on while bytes remain,
         * with 512-byte records so nothing of the next segment is taken as padding.
         */
        static void read(InputStream gunzipped, Entry entry) throws IOException {
            InputStream in = new java.io.BufferedInputStream(gunzipped);
            do {
                TarArchiveInputStream tar = new TarArchiveInputStream(in, 512);
                TarArchiveEntry next;
                while ((next = tar.getNextEntry()) != null) {
                    if (next.isFile()) {
                        String path = next.getName();
                        entry.accept(path.startsWith("./") ? path.substring(2) : path, tar.readAllBytes());
                    }
                }
            } while (hasMore(in));
        }

        private static boolean hasMore(InputStream in) throws IOException {
            in.mark(1);
            boolean more = in.read() >= 0;
            in.reset();
            return more;
        }
    }
}
