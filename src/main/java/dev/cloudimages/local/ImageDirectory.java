package dev.cloudimages.local;

import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.plan.LocalImages;
import dev.cloudimages.plan.ShipRecords;
import dev.cloudimages.plan.VariantPlan;
import dev.cloudimages.sbom.ApkPackage;
import dev.cloudimages.sbom.ImageSbom;
import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildClock;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.ChecksumFiles;
import dev.cloudimages.support.Digests;
import dev.cloudimages.support.FileTrees;
import dev.cloudimages.support.ToolIdentity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A finished local image's directory, work/images/&lt;cloud&gt;/&lt;build name&gt;/: the disk
 * converted to the variant's format with its sha256, the build log, the SBOM made from the image's
 * apk database (image.spdx.json, image.packages.tsv, their sha256s in image.sbom.sha256) and
 * image.yaml, written last, with the SBOM's files and the image's provenance. Assembled beside
 * its final place and renamed into it, replacing a stale image, so nothing half-made ever stands
 * where an image belongs.
 */
final class ImageDirectory {

    static final String SPDX = "image.spdx.json";
    static final String PACKAGES = "image.packages.tsv";
    static final String SBOM_SUMS = "image.sbom.sha256";

    private static final DateTimeFormatter ISO_SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    /** What one successful build leaves for its image directory. */
    record Parts(VariantPlan build, Path target, Path consoleLog, BuilderOutput output, Map<String, Object> provenance) {
    }

    private ImageDirectory() {
    }

    /** Where a finished image is assembled before its directory is renamed into place. */
    static Path newDir(Path imagesDir, VariantPlan build) {
        return imagesDir.resolve(build.cloud()).resolve("." + build.buildName() + ".new");
    }

    static Path assemble(Parts parts, Path workDir, HostTools tools, BuildClock clock, ToolIdentity tool)
            throws IOException {
        VariantPlan build = parts.build();
        ResolvedVariant variant = build.variant();
        String format = BuildSettings.format(variant);
        Path imagesDir = workDir.resolve("images");
        Path finalDir = new LocalImages(imagesDir).dir(build.cloud(), build.buildName());
        Path newDir = newDir(imagesDir, build);
        FileTrees.deleteRecursively(newDir);
        Files.createDirectories(newDir);
        String file = "image." + format;
        Path image = newDir.resolve(file);
        convert(parts.target(), image, format, newDir, tools, clock);
        Map<String, String> digests = Digests.hexes(image, "SHA-256", "SHA-512");
        String sha256 = digests.get("SHA-256");
        ChecksumFiles.write(image, "sha256", sha256);
        // the reference's release file (upload stores it, and reads it rather than hash the image again)
        ChecksumFiles.write(image, "sha512", digests.get("SHA-512"));
        Files.copy(parts.consoleLog(), newDir.resolve("build.log"));

        Map<String, Object> extra = new LinkedHashMap<>();
        if (parts.output().apkDatabase().isPresent()) {
            extra.put("sbom", writeSbom(parts, newDir, clock, tool));
        }
        extra.put("provenance", parts.provenance());
        LocalImages.write(newDir, LocalImages.Record.built(build.key(), build.buildName(), build.imageName(),
                build.revision(), format, file, Files.size(image), sha256, build.inputHash(),
                ISO_SECONDS.format(clock.now()), BuildSettings.text(build.variant(), "mirror")), extra);
        // the publish history is the build's, not this image's: it survives a rebuild
        Path history = finalDir.resolve(ShipRecords.PUBLISHED);
        if (Files.isRegularFile(history)) {
            Files.copy(history, newDir.resolve(ShipRecords.PUBLISHED));
        }
        FileTrees.deleteRecursively(finalDir);
        AtomicFiles.moveIntoPlace(newDir, finalDir);
        return finalDir.resolve(file);
    }

    private static void convert(Path target, Path image, String format, Path dir, HostTools tools, BuildClock clock) {
        boolean tarball = format.equals("tar.gz");
        Path converted = tarball ? dir.resolve("disk.raw") : image;
        List<String> convert = new ArrayList<>(List.of("qemu-img", "convert", "-f", "raw", "-O",
                BuildSettings.qemuFormat(format)));
        if (format.equals("qcow2")) {
            convert.add("-c");
        } else if (format.equals("vhd")) {
            convert.addAll(List.of("-o", "subformat=dynamic,force_size=on"));
        }
        convert.addAll(List.of(target.toString(), converted.toString()));
        tools.run(convert, Duration.ofMinutes(30), Map.of());
        if (tarball) {
            // sparse, fixed owner and time, no name or time in the gzip header: the same bytes every build
            String epoch = Long.toString(clock.now().getEpochSecond());
            Path tar = dir.resolve("image.tar");
            tools.run(List.of("tar", "--format=oldgnu", "--sparse", "--owner=0", "--group=0",
                    "--numeric-owner", "--mtime=@" + epoch, "-cf", tar.toString(), "-C", dir.toString(), "disk.raw"),
                    Duration.ofMinutes(30), Map.of());
            try {
                Files.delete(converted);
            } catch (IOException e) {
                throw new BuildException("cannot remove " + converted + ": " + AtomicFiles.describe(e));
            }
            tools.run(List.of("gzip", "-n", tar.toString()), Duration.ofMinutes(30), Map.of());
        }
    }

    private static Map<String, Object> writeSbom(Parts parts, Path dir, BuildClock clock, ToolIdentity tool)
            throws IOException {
        List<ApkPackage> packages;
        try {
            packages = ApkPackage.parseDatabase(parts.output().apkDatabase().orElseThrow());
        } catch (IllegalArgumentException e) {
            throw new BuildException("the image's apk database (handed back as apk-installed) is not one: "
                    + e.getMessage());
        }
        VariantPlan build = parts.build();
        ImageSbom sbom = new ImageSbom(new ImageSbom.Image(build.imageName(),
                BuildSettings.text(build.variant(), "release"), QemuCommand.arch(build.variant()),
                ISO_SECONDS.format(clock.now()), "build-" + tool.version()), packages);
        AtomicFiles.writeString(dir.resolve(SPDX), sbom.spdxJson());
        AtomicFiles.writeString(dir.resolve(PACKAGES), sbom.packageList());
        String spdxSha = Digests.sha256(dir.resolve(SPDX));
        String listSha = Digests.sha256(dir.resolve(PACKAGES));
        AtomicFiles.writeString(dir.resolve(SBOM_SUMS), spdxSha + "  " + SPDX + "\n" + listSha + "  " + PACKAGES + "\n");
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("spdx", SPDX);
        record.put("spdx_sha256", spdxSha);
        record.put("packages", PACKAGES);
        record.put("packages_sha256", listSha);
        record.put("package_count", packages.size());
        return record;
    }
}
