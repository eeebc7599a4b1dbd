package dev.cloudimages.local;

import dev.cloudimages.alpine.AlpineEndpoints;
import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Digests;
import dev.cloudimages.support.Fetch;
import dev.cloudimages.support.Log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The builder's boot media: the Alpine "virt" ISO of a release and arch from the mirror, checked
 * against the mirror's published sha256 (or sha512) before use and cached in work/cache/iso/.
 * A cached ISO is checked again every time and downloaded again only when it no longer matches.
 * Its kernel and initramfs are taken out next to it, so QEMU boots them directly.
 */
public final class BootMedia {

    /** The ISO (with its sha256, for the image's provenance) and the kernel and initramfs taken out of it. */
    public record BootFiles(Path iso, String isoSha256, Path kernel, Path initramfs) {
    }

    private final Path cacheDir;
    private final Log log;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /**
     * ISOs verified in this run, with the ISO's size and time then: the preflight checks each once
     * and the builds reuse it, unless the file changed since (then it is checked again).
     */
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    private record Verified(BootFiles files, String stamp) {
    }

    private static String stamp(Path iso) {
        try {
            return Files.size(iso) + " " + Files.getLastModifiedTime(iso).toMillis();
        } catch (IOException e) {
            return "";
        }
    }

    public BootMedia(Path cacheDir, Log log) {
        this.cacheDir = cacheDir;
        this.log = log;
    }

    public static String isoName(String release, String arch) {
        return "alpine-virt-" + release + "-" + arch + ".iso";
    }

    public static String isoUrl(String mirror, String release, String arch) {
        return AlpineEndpoints.branchUrl(mirror, release) + "/releases/" + arch + "/" + isoName(release, arch);
    }

    /** Fetches (or reuses) the verified ISO and its boot files; one fetch per ISO however many builds ask. */
    public BootFiles prepare(String mirror, String release, String arch) {
        String name = isoName(release, arch);
        synchronized (locks.computeIfAbsent(name, n -> new Object())) {
            String url = isoUrl(mirror, release, arch);
            Verified known = verified.get(url);
            if (known != null && known.stamp().equals(stamp(known.files().iso()))) {
                return known.files();
            }
            Path iso = cacheDir.resolve(name);
            Checksum expected = checksum(url, iso);
            if (Files.isRegularFile(iso)) {
                if (expected.matches(iso)) {
                    log.info("Using cached %s (%s verified)", name, expected.algorithm());
                } else {
                    log.warn("Cached %s does not match its %s; downloading it again", name, expected.algorithm());
                    AtomicFiles.deleteQuietly(iso);
                }
            }
            if (!Files.isRegularFile(iso)) {
                download(url, iso, expected);
            }
            // the provenance names the ISO by sha256 even where the mirror publishes only sha512
            String sha256 = expected.algorithm().equals("sha256") ? expected.hex() : new Checksum("sha256", "").digest(iso);
            BootFiles files = bootFiles(iso, expected.hex(), sha256);
            verified.put(url, new Verified(files, stamp(iso)));
            return files;
        }
    }

    private void download(String url, Path iso, Checksum expected) {
        log.info("Downloading %s", url);
        Path temp = iso.resolveSibling(iso.getFileName() + ".download");
        try {
            Fetch.toFile(url, temp, log);
        } catch (Fetch.Failure e) {
            if (e.getMessage().contains("No space left on device")) {
                // the mirror is fine: say where the space ran out
                throw new BuildException("cannot download the builder ISO " + url + ": the disk holding "
                        + iso.getParent() + " is full (" + e.getMessage() + "); free some space and run again");
            }
            throw new BuildException("cannot download the builder ISO " + url + " (" + e.getMessage()
                    + "); check the mirror (ALPINE_MIRROR or 'mirror' in the top-level config) and the network");
        }
        String actual = expected.digest(temp);
        if (!actual.equals(expected.hex())) {
            AtomicFiles.deleteQuietly(temp);
            throw new BuildException("checksum mismatch for " + url + ": the mirror publishes " + expected.algorithm()
                    + " " + expected.hex() + " but the download has " + actual
                    + "; the download was discarded; try again later or another mirror");
        }
        try {
            AtomicFiles.moveIntoPlace(temp, iso);
        } catch (IOException e) {
            AtomicFiles.deleteQuietly(temp);
            throw new BuildException("cannot store " + iso + ": " + AtomicFiles.describe(e));
        }
    }

    /** The boot files, taken out once per ISO content (keyed by its checksum). */
    private BootFiles bootFiles(Path iso, String isoHash, String sha256) {
        Path dir = iso.resolveSibling(iso.getFileName() + ".boot");
        Path kernel = dir.resolve("vmlinuz-virt");
        Path initramfs = dir.resolve("initramfs-virt");
        Path stamp = dir.resolve("from");
        try {
            if (Files.isRegularFile(stamp) && Files.readString(stamp).trim().equals(isoHash)
                    && Files.isRegularFile(kernel) && Files.isRegularFile(initramfs)) {
                return new BootFiles(iso, sha256, kernel, initramfs);
            }
            Files.createDirectories(dir);
            AtomicFiles.deleteQuietly(stamp);
            try (IsoImage image = IsoImage.open(iso)) {
                extract(image, "boot/vmlinuz-virt", kernel, iso);
                extract(image, "boot/initramfs-virt", initramfs, iso);
            }
            AtomicFiles.writeString(stamp, isoHash + "\n");
            return new BootFiles(iso, sha256, kernel, initramfs);
        } catch (IOException e) {
            throw new BuildException("cannot read the boot files of " + iso + ": " + AtomicFiles.describe(e)
                    + "; delete it to download it again");
        }
    }

    private static void extract(IsoImage image, String path, Path target, Path iso) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".part");
        try (OutputStream out = Files.newOutputStream(temp)) {
            if (!image.copy(path, out)) {
                throw new BuildException(iso.getFileName() + " has no " + path
                        + "; the builder needs an Alpine \"virt\" ISO (boot/vmlinuz-virt, boot/initramfs-virt)");
            }
        } catch (BuildException e) {
            AtomicFiles.deleteQuietly(temp);
            throw e;
        }
        AtomicFiles.moveIntoPlace(temp, target);
    }

    /** The published checksum: fetched fresh when the mirror answers, else the copy kept beside the ISO. */
    private Checksum checksum(String url, Path iso) {
        for (String algorithm : new String[]{"sha256", "sha512"}) {
            Path kept = iso.resolveSibling(iso.getFileName() + "." + algorithm);
            try {
                String text = Fetch.text(url + "." + algorithm);
                Checksum checksum = Checksum.parse(algorithm, text, url + "." + algorithm);
                AtomicFiles.writeString(kept, text);
                return checksum;
            } catch (Fetch.Failure e) {
                if (e.notFound()) {
                    continue;
                }
                if (Files.isRegularFile(kept) && Files.isRegularFile(iso)) {
                    log.warn("Cannot fetch %s.%s (%s); using the checksum kept from before", url, algorithm,
                            e.getMessage());
                    try {
                        return Checksum.parse(algorithm, Files.readString(kept), kept.toString());
                    } catch (IOException io) {
                        throw new BuildException("cannot read " + kept + ": " + AtomicFiles.describe(io));
                    }
                }
                throw new BuildException("cannot fetch the checksum " + url + "." + algorithm + " (" + e.getMessage()
                        + "); check the mirror (ALPINE_MIRROR or 'mirror' in the top-level config) and the network");
            }
        }
        throw new BuildException("the mirror publishes no checksum for " + url + " (no ." + "sha256 or .sha512);"
                + " an unverified ISO is never used; check the mirror and the release");
    }

    record Checksum(String algorithm, String hex) {

        static Checksum parse(String algorithm, String text, String source) {
            String first = text.trim().split("\\s+")[0].toLowerCase(Locale.ROOT);
            int length = algorithm.equals("sha256") ? 64 : 128;
            if (!first.matches("[0-9a-f]{" + length + "}")) {
                throw new BuildException(source + " does not hold a " + algorithm + " checksum");
            }
            return new Checksum(algorithm, first);
        }

        boolean matches(Path file) {
            return digest(file).equals(hex);
        }

        String digest(Path file) {
            return Digests.hex(file, algorithm.equals("sha256") ? "SHA-256" : "SHA-512");
        }

    }
}
