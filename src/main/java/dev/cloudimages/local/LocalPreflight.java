package dev.cloudimages.local;

import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.plan.VariantPlan;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Log;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every check of the local step that needs no build: tunables, each variant's size, format and
 * architecture, the host programs, the UEFI firmware, disk space, and each builder ISO (the
 * mirror reachable, the checksum right), each once however many builds need it. A cause that
 * every build shares (an unreachable mirror) is one line before anything starts, not one failure
 * per build. Run before --revise removes any image, so a check that fails leaves the old images
 * where they are.
 */
public final class LocalPreflight {

    /** What the checks found, for the builds to use; {@code media} holds the ISOs checked. */
    public record Checked(VmTunables tunables, HostTools tools, Firmware firmware, BootMedia media) {
    }

    private LocalPreflight() {
    }

    public static Checked check(List<VariantPlan> builds, Path workDir, List<Path> varsFiles, Map<String, String> env,
                                int parallel, Log log) {
        VmTunables tunables = VmTunables.load(varsFiles);
        HostTools tools = new HostTools(env);
        Firmware firmware = new Firmware(workDir.resolve("firmware"), log);
        BootMedia media = new BootMedia(workDir.resolve("cache/iso"), log);
        if (builds.isEmpty()) {
            return new Checked(tunables, tools, firmware, media);
        }
        for (VariantPlan build : builds) {
            BuildSettings.size(build.variant());
            tools.find(QemuCommand.binary(build.variant()));
        }
        tools.find("qemu-img");
        tools.find("mformat");
        tools.find("mcopy");
        if (builds.stream().anyMatch(b -> BuildSettings.format(b.variant()).equals("tar.gz"))) {
            tools.find("tar");
            tools.find("gzip");
        }
        Set<String> archs = new LinkedHashSet<>();
        for (VariantPlan build : builds) {
            ResolvedVariant variant = build.variant();
            String arch = QemuCommand.arch(variant);
            if ("uefi".equals(variant.config().get("firmware")) && archs.add(arch)) {
                firmware.uefi(arch, BuildSettings.text(variant, "mirror"), BuildSettings.builderRelease(variant));
            }
        }
        DiskSpace.checkHost(workDir, builds, parallel);
        isos(builds, media);
        return new Checked(tunables, tools, firmware, media);
    }

    /** Fetches and verifies every builder ISO the builds need, once each, before any build starts. */
    private static void isos(List<VariantPlan> builds, BootMedia media) {
        Map<List<String>, List<String>> users = new LinkedHashMap<>();
        for (VariantPlan build : builds) {
            ResolvedVariant variant = build.variant();
            users.computeIfAbsent(List.of(BuildSettings.text(variant, "mirror"), BuildSettings.builderRelease(variant),
                    QemuCommand.arch(variant)), k -> new ArrayList<>()).add(build.key());
        }
        users.forEach((iso, keys) -> {
            try {
                media.prepare(iso.get(0), iso.get(1), iso.get(2));
            } catch (BuildException e) {
                throw new BuildException(e.getMessage() + "; " + keys.size() + " build(s) need it ("
                        + Failures.some(keys) + "); no build was started");
            }
        });
    }
}
