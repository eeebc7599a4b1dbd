package dev.cloudimages.local;

import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Log;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * UEFI firmware for the builder and for booting what it built: OVMF for x86_64, AAVMF for aarch64.
 * Taken from the host's installed packages (the usual paths of Debian/Ubuntu, Fedora, Arch, Alpine
 * and Homebrew) and kept under work/firmware/, padded to the 64 MiB an aarch64 "virt" flash needs.
 * BIOS builds use QEMU's own SeaBIOS and need nothing from here.
 */
public final class Firmware {

    /** The read-only code and the template for each VM's writable variable store. */
    public record Uefi(Path code, Path varsTemplate) {
    }

    record Pair(String code, String vars) {
    }

    private static final long AARCH64_FLASH = 64L << 20;

    static final Map<String, List<Pair>> HOST_PATHS = Map.of(
            "x86_64", List.of(
                    new Pair("/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd"),     // Debian 12+, Ubuntu
                    new Pair("/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd"),           // Debian, Ubuntu
                    new Pair("/usr/share/edk2/ovmf/OVMF_CODE.fd", "/usr/share/edk2/ovmf/OVMF_VARS.fd"), // Fedora
                    new Pair("/usr/share/edk2/x64/OVMF_CODE.4m.fd", "/usr/share/edk2/x64/OVMF_VARS.4m.fd"), // Arch
                    new Pair("/usr/share/edk2-ovmf/x64/OVMF_CODE.fd", "/usr/share/edk2-ovmf/x64/OVMF_VARS.fd"), // Arch (old)
                    new Pair("/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd"),           // Alpine ovmf
                    new Pair("/opt/homebrew/share/qemu/edk2-x86_64-code.fd", "/opt/homebrew/share/qemu/edk2-i386-vars.fd"),
                    new Pair("/usr/local/share/qemu/edk2-x86_64-code.fd", "/usr/local/share/qemu/edk2-i386-vars.fd"),
                    new Pair("/usr/share/qemu/edk2-x86_64-code.fd", "/usr/share/qemu/edk2-i386-vars.fd")),
            "aarch64", List.of(
                    new Pair("/usr/share/AAVMF/AAVMF_CODE.fd", "/usr/share/AAVMF/AAVMF_VARS.fd"),       // Debian, Ubuntu
                    new Pair("/usr/share/edk2/aarch64/QEMU_EFI-pflash.raw",
                            "/usr/share/edk2/aarch64/vars-template-pflash.raw"),                       // Fedora
                    new Pair("/usr/share/edk2/aarch64/QEMU_CODE.fd", "/usr/share/edk2/aarch64/QEMU_VARS.fd"), // Arch
                    new Pair("/usr/share/aavmf/QEMU_EFI.fd", "/usr/share/aavmf/QEMU_VARS.fd"),         // Alpine aavmf
                    new Pair("/opt/homebrew/share/qemu/edk2-aarch64-code.fd", "/opt/homebrew/share/qemu/edk2-arm-vars.fd"),
                    new Pair("/usr/local/share/qemu/edk2-aarch64-code.fd", "/usr/local/share/qemu/edk2-arm-vars.fd"),
                    new Pair("/usr/share/qemu/edk2-aarch64-code.fd", "/usr/share/qemu/edk2-arm-vars.fd")));

    private final Path firmwareDir;
    private final Map<String, List<Pair>> hostPaths;
    private final Log log;

    public Firmware(Path firmwareDir, Log log) {
        this(firmwareDir, HOST_PATHS, log);
    }

    Firmware(Path firmwareDir, Map<String, List<Pair>> hostPaths, Log log) {
        this.firmwareDir = firmwareDir;
        this.hostPaths = hostPaths;
        this.log = log;
    }

    /**
     * The UEFI firmware for {@code arch}, installed into work/firmware/ on first use: the host's,
     * else the Alpine package of {@code release} from {@code mirror}.
     */
    public synchronized Uefi uefi(String arch, String mirror, String release) {
        Path code = firmwareDir.resolve("uefi-" + arch + ".bin");
        Path vars = firmwareDir.resolve("uefi-" + arch + "-vars.bin");
        if (installed(code, arch) && installed(vars, arch)) {
            return new Uefi(code, vars);
        }
        Optional<Pair> found = hostFirmware(arch);
        if (found.isPresent()) {
            log.info("Using host UEFI firmware %s for %s", found.get().code(), arch);
            install(Path.of(found.get().code()), code, arch);
            install(Path.of(found.get().vars()), vars, arch);
        } else {
            Path codePart = code.resolveSibling(code.getFileName() + ".part");
            Path varsPart = vars.resolveSibling(vars.getFileName() + ".part");
            AlpineFirmware.fetch(mirror, release, arch, codePart, varsPart, firmwareDir.resolve("downloads"), log);
            pad(codePart, arch);
            pad(varsPart, arch);
            try {
                AtomicFiles.moveIntoPlace(codePart, code);
                AtomicFiles.moveIntoPlace(varsPart, vars);
            } catch (IOException e) {
                throw new BuildException("cannot install UEFI firmware into " + firmwareDir + ": " + AtomicFiles.describe(e));
            }
        }
        return new Uefi(code, vars);
    }

    Optional<Pair> hostFirmware(String arch) {
        return hostPaths.getOrDefault(arch, List.of()).stream()
                .filter(p -> Files.isRegularFile(Path.of(p.code())) && Files.isRegularFile(Path.of(p.vars())))
                .findFirst();
    }

    /** A fresh writable copy of the variable store for one VM. */
    public static void copyVars(Uefi uefi, Path target) {
        try {
            Files.copy(uefi.varsTemplate(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new BuildException("cannot copy UEFI variables to " + target + ": " + AtomicFiles.describe(e));
        }
    }

    private static boolean installed(Path file, String arch) {
        try {
            return Files.isRegularFile(file) && (!arch.equals("aarch64") || Files.size(file) == AARCH64_FLASH);
        } catch (IOException e) {
            return false;
        }
    }

    /** "virt" flash banks are 64 MiB; zero padding is what QEMU expects. */
    private static void pad(Path file, String arch) {
        try {
            if (arch.equals("aarch64") && Files.size(file) < AARCH64_FLASH) {
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                    raf.setLength(AARCH64_FLASH);
                }
            }
        } catch (IOException e) {
            throw new BuildException("cannot pad UEFI firmware " + file + ": " + AtomicFiles.describe(e));
        }
    }

    private void install(Path source, Path target, String arch) {
        Path temp = target.resolveSibling(target.getFileName() + ".part");
        try {
            Files.createDirectories(firmwareDir);
            Files.copy(source, temp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            pad(temp, arch);
            AtomicFiles.moveIntoPlace(temp, target);
        } catch (IOException e) {
            AtomicFiles.deleteQuietly(temp);
            throw new BuildException("cannot install UEFI firmware " + source + " into " + target + ": "
                    + AtomicFiles.describe(e));
        }
    }
}
