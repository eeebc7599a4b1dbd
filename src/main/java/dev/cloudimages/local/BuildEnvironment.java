package dev.cloudimages.local;

import dev.cloudimages.alpine.AlpineEndpoints;
import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.plan.VariantPlan;
import dev.cloudimages.support.Proxies;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The variables the provisioning scripts get (behaviour page, section 5, plus MOTD, NTP_SERVER,
 * IMAGE_NAME, BUILDER_REPOS, INPUT_HASH and, when set, SOURCE_DATE_EPOCH and the proxy variables), from a variant's resolved config and
 * its plan, and the env file that carries them into the builder.
 */
public final class BuildEnvironment {

    private BuildEnvironment() {
    }

    /**
     * With the host's proxy settings (http_proxy, https_proxy, no_proxy, both spellings) passed
     * on, as Packer and osbuild do: apk in the builder fetches the image's packages through the
     * same proxy as the tool's own downloads. A proxy on the host's loopback is re-pointed at the
     * host as the VM sees it (QEMU's user network, 10.0.2.2).
     */
    public static Map<String, String> of(VariantPlan plan, boolean debug, dev.cloudimages.support.BuildClock clock,
                                         Map<String, String> hostEnv) {
        Map<String, String> env = of(plan, debug, clock);
        env.putAll(Proxies.fromEnvironment(hostEnv).guestEnvironment());
        return env;
    }

    public static Map<String, String> of(VariantPlan plan, boolean debug, dev.cloudimages.support.BuildClock clock) {
        Map<String, Object> c = plan.variant().config();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DEBUG", Boolean.toString(debug));
        env.put("ARCH", text(c, "arch"));
        env.put("BOOTSTRAP", text(c, "bootstrap"));
        env.put("BUILDER_REPOS", builderRepos(plan.variant()));
        env.put("BUILD_NAME", plan.buildName());
        env.put("BUILD_REVISION", Integer.toString(plan.revision()));
        env.put("CLOUD", plan.cloud());
        env.put("END_OF_LIFE", plan.endOfLife());
        env.put("FIRMWARE", text(c, "firmware"));
        env.put("IMAGE_LOGIN", text(c, "login"));
        env.put("IMAGE_NAME", plan.imageName());
        env.put("INITFS_FEATURES", text(c, "initfs_features"));
        // reproducible disks: the scripts derive file system UUIDs, hash seeds and partition GUIDs
        // from it, so the same inputs give the same identifiers and a change gives new ones
        env.put("INPUT_HASH", plan.inputHash());
        env.put("KERNEL_MODULES", text(c, "kernel_modules"));
        env.put("KERNEL_OPTIONS", text(c, "kernel_options"));
        env.put("MOTD", text(c, "motd"));
        env.put("NTP_SERVER", text(c, "ntp_server"));
        env.put("PACKAGES_ADD", nested(c, "packages", "add"));
        env.put("PACKAGES_DEL", nested(c, "packages", "del"));
        env.put("PACKAGES_NOSCRIPTS", nested(c, "packages", "noscripts"));
        env.put("RELEASE", text(c, "release"));
        env.put("REPOS", text(c, "repos"));
        env.put("SERVICES_ENABLE", nested(c, "services", "enable"));
        env.put("SERVICES_DISABLE", nested(c, "services", "disable"));
        env.put("VERSION", text(c, "version"));
        if (clock.fromSourceDateEpoch()) {
            // reproducible builds: the scripts date what they write into the image with it; the
            // builder's own clock keeps the host's time (apk's TLS checks need a true "now")
            env.put("SOURCE_DATE_EPOCH", Long.toString(clock.now().getEpochSecond()));
        }
        return env;
    }

    /**
     * The builder's own repositories, for the tools the scripts install into the live system: an
     * edge target's REPOS would mix edge packages into a stable builder.
     */
    static String builderRepos(ResolvedVariant variant) {
        String branch = AlpineEndpoints.branchUrl(text(variant.config(), "mirror"), BuildSettings.builderRelease(variant));
        return branch + "/main\n" + branch + "/community";
    }

    /** Shell assignments, one per line, values single-quoted so nothing in them is interpreted. */
    public static String envFile(Map<String, String> env) {
        StringBuilder file = new StringBuilder();
        env.forEach((name, value) -> file.append(name).append("='").append(value.replace("'", "'\\''")).append("'\n"));
        return file.toString();
    }

    private static String text(Map<String, Object> config, String key) {
        Object value = config.get(key);
        return value == null ? "" : value.toString();
    }

    private static String nested(Map<String, Object> config, String key, String field) {
        return config.get(key) instanceof Map<?, ?> map && map.get(field) != null ? map.get(field).toString() : "";
    }
}
