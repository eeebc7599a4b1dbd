package dev.cloudimages.local;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueType;
import dev.cloudimages.support.BuildException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The builder VM's tunables: memory, cpus, acceleration, time limits and extra QEMU arguments per
 * arch. Defaults below; each --vars FILE (HOCON) overrides them in the order given.
 */
public record VmTunables(int memoryMib, int cpus, String accel, Duration accelProbeTimeout,
                         Map<String, Duration> bootTimeout, Map<String, Duration> buildTimeout,
                         Map<String, List<String>> extraArgs) {

    /** The documented defaults (docs/local-builds.md, "VM tunables"). */
    public static final String DEFAULTS = """
            memory = 1024          # MiB
            cpus   = 2
            accel  = auto          # auto: KVM/HVF after a probe proves it works, else TCG; or kvm, hvf, tcg
            accel_probe_timeout = 10s
            # from QEMU start until the first script runs
            boot_timeout  { x86_64 = 5m,  aarch64 = 10m }
            # the whole build, QEMU start to power-off
            build_timeout { x86_64 = 30m, aarch64 = 60m }
            extra_args    { x86_64 = [],  aarch64 = [] }
            """;

    private static final Set<String> KNOWN = Set.of("memory", "cpus", "accel", "accel_probe_timeout", "boot_timeout",
            "build_timeout", "extra_args");
    private static final Set<String> ACCELS = Set.of("auto", "kvm", "hvf", "tcg");

    public static VmTunables load(List<Path> varsFiles) {
        Config merged = ConfigFactory.parseString(DEFAULTS);
        for (Path file : varsFiles) {
            Config vars;
            try {
                vars = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            } catch (ConfigException e) {
                throw new BuildException("--vars " + file + ": " + e.getMessage());
            }
            for (String key : vars.root().keySet()) {
                if (!KNOWN.contains(key)) {
                    throw new BuildException("--vars " + file + ": unknown tunable '" + key + "'; known: "
                            + String.join(", ", KNOWN.stream().sorted().toList()));
                }
            }
            merged = vars.withFallback(merged);
        }
        Config config = merged.resolve();
        try {
            int memory = config.getInt("memory");
            int cpus = config.getInt("cpus");
            String accel = config.getString("accel");
            if (memory < 128 || cpus < 1) {
                throw new BuildException("--vars: memory must be at least 128 (MiB) and cpus at least 1, got memory="
                        + memory + " cpus=" + cpus);
            }
            if (!ACCELS.contains(accel)) {
                throw new BuildException("--vars: accel '" + accel + "' is not one of auto, kvm, hvf, tcg");
            }
            return new VmTunables(memory, cpus, accel, config.getDuration("accel_probe_timeout"),
                    durations(config, "boot_timeout"), durations(config, "build_timeout"), lists(config, "extra_args"));
        } catch (ConfigException e) {
            throw new BuildException("--vars: " + e.getMessage());
        }
    }

    public Duration bootTimeout(String arch) {
        return bootTimeout.getOrDefault(arch, Duration.ofMinutes(10));
    }

    public Duration buildTimeout(String arch) {
        return buildTimeout.getOrDefault(arch, Duration.ofMinutes(60));
    }

    public List<String> extraArgs(String arch) {
        return extraArgs.getOrDefault(arch, List.of());
    }

    private static Map<String, Duration> durations(Config config, String key) {
        Config block = config.getConfig(key);
        return block.root().keySet().stream().sorted()
                .collect(java.util.stream.Collectors.toMap(k -> k, block::getDuration, (a, b) -> a,
                        java.util.TreeMap::new));
    }

    private static Map<String, List<String>> lists(Config config, String key) {
        Config block = config.getConfig(key);
        Map<String, List<String>> result = new java.util.TreeMap<>();
        for (String arch : block.root().keySet()) {
            if (block.getValue(arch).valueType() != ConfigValueType.LIST) {
                throw new BuildException("--vars: " + key + "." + arch + " must be a list of QEMU arguments");
            }
            result.put(arch, block.getStringList(arch));
        }
        return result;
    }
}
