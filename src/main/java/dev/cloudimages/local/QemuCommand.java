package dev.cloudimages.local;

import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.support.BuildException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The builder VM's QEMU command line: boot files given directly, target as the first virtio disk,
 * then the ISO, then the payload; status on a virtio serial port. x86_64 uses the variant's machine
 * (q35 by default); aarch64 the "virt" machine with a 64-bit Arm CPU. BIOS is QEMU's SeaBIOS; UEFI is OVMF/AAVMF in flash.
 */
public final class QemuCommand {

    /** Marks every VM this tool starts, so tests (and people) can find strays. */
    public static final String NAME_PREFIX = "cloudimages-build:";
    public static final String STATUS_PORT = "build.status";

    /**
     * What the Alpine virt ISO's own boot menu passes (its init loads these to find the boot media
     * and modloop); panic=-1 makes a panicking builder end QEMU (-no-reboot) instead of hanging.
     */
    static final String BUILDER_KERNEL_OPTIONS = "modules=loop,squashfs,sd-mod,usb-storage quiet";

    /** Where a builder VM's disks, firmware and status channel are. */
    public record BuilderDisks(Path target, Path iso, Path payload, Path status, Path kernel, Path initramfs,
                               Path uefiVars) {
    }

    private QemuCommand() {
    }

    public static String binary(ResolvedVariant variant) {
        String arch = arch(variant);
        String configured = qemu(variant).get("binary") instanceof String b ? b : null;
        return configured != null ? configured : "qemu-system-" + arch;
    }

    public static List<String> builder(ResolvedVariant variant, BuilderDisks disks, Firmware.Uefi uefi, String accel,
                                       VmTunables tunables, Path qemuBinary) {
        String arch = arch(variant);
        List<String> args = machine(variant, qemuBinary, accel, tunables, "builder " + variant.key());
        // no -rtc from SOURCE_DATE_EPOCH: a guest clock in the past fails apk's TLS certificate checks;
        // the scripts get the epoch in their environment instead (BuildEnvironment)
        firmware(args, uefi, disks.uefiVars());
        args.addAll(List.of("-kernel", disks.kernel().toString(), "-initrd", disks.initramfs().toString(),
                "-append", BUILDER_KERNEL_OPTIONS + " console=" + console(arch) + " panic=-1"));
        drive(args, "target", disks.target(), "raw", false);
        drive(args, "media", disks.iso(), "raw", true);
        drive(args, "payload", disks.payload(), "raw", false);
        args.addAll(List.of("-device", "virtio-serial-pci,id=vser",
                "-chardev", "file,id=status,path=" + option(disks.status()),
                "-device", "virtserialport,bus=vser.0,chardev=status,name=" + STATUS_PORT,
                "-netdev", "user,id=net0", "-device", "virtio-net-pci,netdev=net0"));
        args.addAll(tunables.extraArgs(arch));
        return args;
    }

    private static List<String> machine(ResolvedVariant variant, Path qemuBinary, String accel, VmTunables tunables,
                                        String purpose) {
        String arch = arch(variant);
        Map<String, Object> qemu = qemu(variant);
        List<String> args = new ArrayList<>(List.of(qemuBinary.toString(), "-name", NAME_PREFIX + purpose.replace(',', '_'),
                "-machine", String.valueOf(qemu.getOrDefault("machine", arch.equals("aarch64") ? "virt" : "q35")),
                "-accel", accel));
        if (arch.equals("aarch64")) {
            args.addAll(List.of("-cpu", accel.equals("tcg") ? String.valueOf(qemu.getOrDefault("cpu", "cortex-a57")) : "host"));
        }
        args.addAll(List.of("-m", Integer.toString(tunables.memoryMib()), "-smp", Integer.toString(tunables.cpus()),
                "-nodefaults", "-display", "none", "-no-reboot", "-serial", "stdio"));
        return args;
    }

    static void firmware(List<String> args, Firmware.Uefi uefi, Path vars) {
        if (uefi == null) {
            return; // BIOS: QEMU's SeaBIOS
        }
        args.addAll(List.of("-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + option(uefi.code()),
                "-drive", "if=pflash,format=raw,unit=1,file=" + option(vars)));
    }

    private static void drive(List<String> args, String id, Path file, String format, boolean readOnly) {
        args.addAll(List.of("-drive", "if=none,id=" + id + ",file=" + option(file) + ",format=" + format
                // a host write error (disk full) goes to the guest, failing the build; QEMU's default pauses it
                + (readOnly ? ",readonly=on" : ",werror=report,rerror=report"), "-device", "virtio-blk-pci,drive=" + id));
    }

    /** A path inside a QEMU option list, where a comma must be doubled. */
    static String option(Path path) {
        return path.toString().replace(",", ",,");
    }

    static String console(String arch) {
        return arch.equals("aarch64") ? "ttyAMA0" : "ttyS0";
    }

    public static String arch(ResolvedVariant variant) {
        Object arch = variant.config().get("arch");
        if (!"x86_64".equals(arch) && !"aarch64".equals(arch)) {
            throw new BuildException("variant " + variant.key() + ": arch '" + arch
                    + "' cannot be built locally; the builder knows x86_64 and aarch64");
        }
        return arch.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> qemu(ResolvedVariant variant) {
        return variant.config().get("qemu") instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }
}
