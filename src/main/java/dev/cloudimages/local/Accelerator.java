package dev.cloudimages.local;

import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.ChildProcesses;
import dev.cloudimages.support.Log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Chooses QEMU's accelerator. KVM (HVF on macOS) is used only after a short probe proves a guest
 * really runs: a kernel without a root file system must panic and, with -no-reboot, end QEMU
 * within the probe timeout. The probe boots the way the build does: with the build's UEFI firmware
 * when it has one (Alpine's aarch64 kernel is an EFI zboot image that only firmware can start). /dev/kvm can exist while KVM guests hang, so it is never assumed.
 * Otherwise TCG (software emulation), with a warning. One probe per arch per run.
 */
final class Accelerator {

    private final VmTunables tunables;
    private final Path cacheFile;
    private final Log log;
    private final Map<String, String> chosen = new ConcurrentHashMap<>();

    Accelerator(VmTunables tunables, Path cacheDir, Log log) {
        this.tunables = tunables;
        this.cacheFile = cacheDir.resolve("accel");
        this.log = log;
    }

    /** {@code uefi} is the build's firmware, null for a BIOS build. */
    String choose(String arch, Path qemuBinary, Path kernel, Firmware.Uefi uefi) {
        if (!tunables.accel().equals("auto")) {
            return tunables.accel();
        }
        return chosen.computeIfAbsent(arch + " " + qemuBinary, ignored -> chooseOnce(arch, qemuBinary, kernel, uefi));
    }

    private String chooseOnce(String arch, Path qemuBinary, Path kernel, Firmware.Uefi uefi) {
        // a probe result holds for this QEMU until the host reboots
        String key = arch + " " + hostKey(qemuBinary);
        java.util.Optional<String> cached = cached(key)
                .filter(c -> !c.equals("kvm") || kvmAccessible()); // permissions or modules may have changed
        if (cached.isPresent()) {
            log.info("Using %s for %s guests (probed earlier on this boot of the host; accel in --vars to force)",
                    cached.get().toUpperCase(Locale.ROOT), arch);
            return cached.get();
        }
        Decision decided = decide(arch, qemuBinary, kernel, uefi);
        if (decided.lasting()) {
            remember(key, decided.accel());
        }
        return decided.accel();
    }

    private java.util.Optional<String> cached(String key) {
        try {
            for (String line : Files.readAllLines(cacheFile)) {
                if (line.startsWith(key + " = ")) {
                    return java.util.Optional.of(line.substring(key.length() + 3).trim());
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // no cache yet
        }
        return java.util.Optional.empty();
    }

    private synchronized void remember(String key, String accel) {
        StringBuilder content = new StringBuilder();
        try {
            for (String line : Files.readAllLines(cacheFile)) {
                if (!line.startsWith(key.substring(0, key.indexOf(' ') + 1))) {
                    content.append(line).append('\n');
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // first entry
        }
        content.append(key).append(" = ").append(accel).append('\n');
        dev.cloudimages.support.AtomicFiles.writeString(cacheFile, content.toString());
    }

    /** QEMU's identity and the host's boot id: a new QEMU or a reboot probes again. */
    private static String hostKey(Path qemuBinary) {
        String bootId = "unknown-boot";
        try {
            bootId = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
        } catch (IOException e) {
            // not Linux: no boot id, the QEMU identity still counts
        }
        try {
            return qemuBinary + ":" + Files.size(qemuBinary) + ":" + Files.getLastModifiedTime(qemuBinary).toMillis()
                    + ":" + bootId;
        } catch (IOException e) {
            return qemuBinary + ":" + bootId;
        }
    }

    /** An accelerator, and whether the reason holds until the host reboots (worth caching). */
    private record Decision(String accel, boolean lasting) {
    }

    private Decision decide(String arch, Path qemuBinary, Path kernel, Firmware.Uefi uefi) {
        String hostArch = hostArch();
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String candidate = os.contains("mac") ? "hvf" : "kvm";
        if (!arch.equals(hostArch)) {
            log.info("Using TCG (software emulation) for %s guests on this %s host", arch, hostArch);
            return new Decision("tcg", true);
        }
        if (candidate.equals("kvm") && !kvmAccessible()) {
            log.warn("KVM is not available (/dev/kvm missing or not accessible); using TCG, which is slower");
            return new Decision("tcg", false);
        }
        Probe probe = probe(arch, qemuBinary, kernel, uefi, candidate);
        if (probe == Probe.PASSED) {
            log.info("Using %s for %s guests (probe passed)", candidate.toUpperCase(Locale.ROOT), arch);
            return new Decision(candidate, true);
        }
        return new Decision("tcg", probe == Probe.FAILED || probe == Probe.HUNG);
    }

    private enum Probe { PASSED, FAILED, HUNG, NOT_RUN }

    /**
     * The probe's QEMU command: the build's machine and kernel, with its firmware when it has one,
     * and "panic=-1" so that the kernel, finding no root, ends QEMU (-no-reboot) at once.
     */
    static List<String> probeCommand(String arch, Path qemuBinary, Path kernel, String accel, Firmware.Uefi uefi,
                                     Path vars) {
        List<String> command = new java.util.ArrayList<>(List.of(qemuBinary.toString(), "-name",
                QemuCommand.NAME_PREFIX + "accel-probe", "-machine", arch.equals("aarch64") ? "virt" : "q35",
                "-accel", accel));
        if (arch.equals("aarch64")) {
            command.addAll(List.of("-cpu", "host")); // virt's default CPU is 32-bit
        }
        command.addAll(List.of("-m", "256", "-nodefaults", "-display", "none", "-no-reboot", "-serial", "none"));
        QemuCommand.firmware(command, uefi, vars);
        command.addAll(List.of("-kernel", kernel.toString(), "-append", "panic=-1 console=" + QemuCommand.console(arch)));
        return command;
    }

    private Probe probe(String arch, Path qemuBinary, Path kernel, Firmware.Uefi uefi, String accel) {
        Path vars = null;
        if (uefi != null) {
            try {
                Files.createDirectories(cacheFile.getParent());
                vars = Files.createTempFile(cacheFile.getParent(), "accel-probe-vars", ".bin");
                Firmware.copyVars(uefi, vars);
            } catch (IOException | dev.cloudimages.support.BuildException e) {
                log.warn("%s probe could not copy the UEFI variables (%s); using TCG", accel.toUpperCase(Locale.ROOT),
                        e.getMessage());
                AtomicFiles.deleteQuietly(vars);
                return Probe.NOT_RUN;
            }
        }
        try {
            return run(probeCommand(arch, qemuBinary, kernel, accel, uefi, vars), accel);
        } finally {
            AtomicFiles.deleteQuietly(vars);
        }
    }

    private Probe run(List<String> command, String accel) {
        Process process = null;
        String name = accel.toUpperCase(Locale.ROOT);
        try {
            process = ChildProcesses.start(new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD));
            boolean ended = process.waitFor(tunables.accelProbeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (ChildProcesses.stopping()) {
                return Probe.NOT_RUN; // Ctrl-C or SIGTERM stopped the probe: it proved nothing, so nothing is cached
            }
            if (ended) {
                if (process.exitValue() == 0) {
                    return Probe.PASSED;
                }
                log.warn("%s probe failed (QEMU exit %d); using TCG, which is slower", name, process.exitValue());
                return Probe.FAILED;
            }
            log.warn("%s probe did not finish within %d s (a %s guest hangs here); using TCG, which is slower",
                    name, tunables.accelProbeTimeout().toSeconds(), name);
            return Probe.HUNG;
        } catch (IOException e) {
            log.warn("%s probe could not start QEMU (%s); using TCG", name, e.getMessage());
            return Probe.NOT_RUN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Probe.NOT_RUN;
        } finally {
            if (process != null) {
                if (process.isAlive()) {
                    process.destroyForcibly();
                    try {
                        process.waitFor(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                ChildProcesses.forget(process);
            }
        }
    }

    private static boolean kvmAccessible() {
        Path kvm = Path.of("/dev/kvm");
        return Files.isReadable(kvm) && Files.isWritable(kvm);
    }

    static String hostArch() {
        String arch = System.getProperty("os.arch", "");
        return switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
    }
}
