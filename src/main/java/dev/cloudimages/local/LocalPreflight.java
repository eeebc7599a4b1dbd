package dev.cloudimages.local;

import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.plan.VariantPlan;
import dev.cloudimages.support.Log;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every check of the local step that needs no build: tunables, each variant's size, format and
 * architecture, the host programs, and the UEFI firmware. Run before --revise removes any image,
 * so a check that fails leaves the old images where they are.
 */
public final class LocalPreflight {

    /** What the checks found, for the builds to use. */
    public record Checked(VmTunables tunables, HostTools tools, Firmware firmware) {
    }

    private LocalPreflight() {
    }

    public static Checked check(List<VariantPlan> builds, Path workDir, List<Path> varsFiles, Map<String, String> env,
                                int parallel, Log log) {
        VmTunables tunables = VmTunables.load(varsFiles);
        HostTools tools = new HostTools(env);
        Firmware firmware = new Firmware(workDir.resolve("firmware"), log);
        if (builds.isEmpty()) {
            return new Checked(tunables, tools, firmware);
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
        return new Checked(tunables, tools, firmware);
    }
}
