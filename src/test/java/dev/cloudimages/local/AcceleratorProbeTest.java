package dev.cloudimages.local;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The KVM probe boots the way the build does: an aarch64 build's firmware comes along. */
class AcceleratorProbeTest {

    private static final Path QEMU = Path.of("/usr/bin/qemu-system-aarch64");
    private static final Path KERNEL = Path.of("/cache/vmlinuz-virt");

    @Test
    void aarch64ProbeBootsTheKernelThroughTheBuildsFirmware() {
        Firmware.Uefi uefi = new Firmware.Uefi(Path.of("/fw/uefi-aarch64.bin"), Path.of("/fw/vars-aarch64.bin"));
        List<String> command = Accelerator.probeCommand("aarch64", QEMU, KERNEL, "kvm", uefi,
                Path.of("/cache/probe-vars.bin"));

        String line = String.join(" ", command);
        assertTrue(line.contains("-machine virt -accel kvm -cpu host"), line);
        assertTrue(line.contains("-drive if=pflash,format=raw,unit=0,readonly=on,file=/fw/uefi-aarch64.bin"
                + " -drive if=pflash,format=raw,unit=1,file=/cache/probe-vars.bin"), line);
        // the firmware is set up before the kernel it starts, as in the builder's command
        assertTrue(command.indexOf("-kernel") > command.lastIndexOf("-drive"), line);
        assertEquals(KERNEL.toString(), command.get(command.indexOf("-kernel") + 1));
        assertEquals("panic=-1 console=ttyAMA0", command.get(command.indexOf("-append") + 1));
        assertTrue(command.contains("-no-reboot"), line);
    }

    @Test
    void biosProbeHasNoFirmwareDrives() {
        List<String> command = Accelerator.probeCommand("x86_64", Path.of("/usr/bin/qemu-system-x86_64"), KERNEL,
                "kvm", null, null);

        assertFalse(command.contains("-drive"), String.join(" ", command));
        assertFalse(command.contains("-cpu"), String.join(" ", command));
        assertEquals("panic=-1 console=ttyS0", command.get(command.indexOf("-append") + 1));
    }
}
