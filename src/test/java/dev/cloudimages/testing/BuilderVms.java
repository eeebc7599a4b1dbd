package dev.cloudimages.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** QEMU from the tests' side: is any VM of the tool still running, and does a built image boot. */
public final class BuilderVms {

    private BuilderVms() {
    }

    /**
     * Processes whose command line carries the tool's VM name marker and a path in {@code project}:
     * this test's own builder VMs, not those of another build running on the same machine.
     */
    public static List<String> running(Path project) {
        List<String> found = new ArrayList<>();
        ProcessHandle.allProcesses().filter(ProcessHandle::isAlive).forEach(p -> p.info().commandLine()
                .filter(c -> c.contains("cloudimages-build:") && c.contains(project.toString()))
                .ifPresent(c -> found.add(p.pid() + " " + c)));
        return found;
    }

    /**
     * Boots {@code image} with firmware only (SeaBIOS, or the host's OVMF/AAVMF with a fresh
     * variable store) and returns the console once QEMU exits (the test system powers off).
     */
    public static String boot(Path image, String arch, String firmware, Path scratch) throws IOException,
            InterruptedException {
        List<String> command = new ArrayList<>();
        if (arch.equals("aarch64")) {
            command.addAll(List.of("qemu-system-aarch64", "-machine", "virt", "-cpu", "cortex-a57"));
        } else {
            command.addAll(List.of("qemu-system-x86_64", "-machine", "q35"));
        }
        command.addAll(List.of("-accel", "tcg", "-m", "512", "-nodefaults", "-display", "none", "-no-reboot",
                "-serial", "stdio"));
        if (firmware.equals("uefi")) {
            Path code = Path.of(arch.equals("aarch64") ? "/usr/share/AAVMF/AAVMF_CODE.fd" : "/usr/share/OVMF/OVMF_CODE.fd");
            Path vars = scratch.resolve("vars-" + arch + ".fd");
            Files.copy(Path.of(arch.equals("aarch64") ? "/usr/share/AAVMF/AAVMF_VARS.fd" : "/usr/share/OVMF/OVMF_VARS.fd"),
                    vars, StandardCopyOption.REPLACE_EXISTING);
            command.addAll(List.of("-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + code,
                    "-drive", "if=pflash,format=raw,unit=1,file=" + vars));
        }
        command.addAll(List.of("-drive", "if=none,id=d,file=" + image + ",format=qcow2,snapshot=on",
                "-device", "virtio-blk-pci,drive=d"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder console = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (console) {
                        console.append(line.replace("\r", "")).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
        reader.start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        reader.join(5000);
        synchronized (console) {
            return console.toString();
        }
    }
}
