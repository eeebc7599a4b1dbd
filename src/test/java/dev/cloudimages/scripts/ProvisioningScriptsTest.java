package dev.cloudimages.scripts;

import dev.cloudimages.config.ConfigsStep;
import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.local.BuildEnvironment;
import dev.cloudimages.plan.ImageNames;
import dev.cloudimages.plan.InputHash;
import dev.cloudimages.plan.LocalImages;
import dev.cloudimages.plan.VariantPlan;
import dev.cloudimages.support.BuildClock;
import dev.cloudimages.support.Log;
import dev.cloudimages.testing.Fixtures;
import dev.cloudimages.testing.ProjectCopy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every shipped variant's provisioning scripts (setup, setup-tiny or setup-cloudinit, cleanup)
 * run on the host against stub tools (see {@link ProvisioningRun}), with the environment the
 * builder gives them; then what they decided is checked against what Alpine and the clouds need.
 * The expectations are written out here, from the variant's dimensions, not read back from the
 * configs, so a config change that breaks an image fails here.
 */
class ProvisioningScriptsTest {

    private static final long EPOCH = 1_795_000_000L; // 2026-11-18
    /** mkinitfs' DEFAULT_FEATURES (its Makefile); the images keep them all. */
    private static final List<String> MKINITFS_DEFAULTS = List.of("ata", "base", "cdrom", "ext4", "keymap", "kms",
            "mmc", "nvme", "raid", "scsi", "usb", "virtio");

    private static Path root;
    private static final Map<String, Future<Outcome>> RUNS = new LinkedHashMap<>();
    private static ExecutorService pool;

    private record Outcome(ResolvedVariant variant, Map<String, String> env, ProvisioningRun run) {
    }

    @BeforeAll
    static void runEveryVariant() throws IOException {
        root = Files.createTempDirectory("provisioning");
        Path project = ProjectCopy.into(Files.createDirectories(root.resolve("project")));
        Map<String, String> env = Map.of("ALPINE_RELEASES_URL",
                Fixtures.projectRoot().resolve("src/test/resources/fixtures/releases.json").toUri().toString(),
                BuildClock.SOURCE_DATE_EPOCH, Long.toString(EPOCH));
        BuildClock clock = BuildClock.fromEnvironment(env);
        List<ResolvedVariant> variants = new ConfigsStep(new Log(new PrintStream(PrintStream.nullOutputStream()),
                false, false)).run(new ConfigsStep.Inputs(project, false, List.of(), List.of(), List.of(), env, clock))
                .resolution().variants();
        pool = Executors.newFixedThreadPool(2);
        for (ResolvedVariant variant : variants) {
            VariantPlan plan = new VariantPlan(variant, ImageNames.buildName(variant), ImageNames.imageName(variant, 0),
                    0, String.valueOf(variant.config().get("end_of_life")), List.of(), LocalImages.Status.ABSENT,
                    Optional.empty(), inputHash(variant.key()), List.of(), false, Optional.empty());
            Map<String, String> buildEnv = BuildEnvironment.of(plan, false, clock);
            Path dir = root.resolve(variant.key());
            RUNS.put(variant.key(), pool.submit(() -> new Outcome(variant, buildEnv,
                    ProvisioningRun.run(dir, buildEnv, InputHash.strings(variant, "scripts")))));
        }
    }

    /** A stand-in input hash per variant (the real one covers the builder's files too). */
    private static String inputHash(String key) {
        return "sha256:" + sha256(key);
    }

    /** What setup derives an identifier from: the first 32 hex digits of sha256("INPUT_HASH LABEL"). */
    private static String derived(String key, String label) {
        return sha256(inputHash(key) + " " + label).substring(0, 32);
    }

    private static String guid(String key, String label) {
        String h = derived(key, label);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20) + "-"
                + h.substring(20);
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void cleanUp() throws IOException {
        pool.shutdownNow();
        dev.cloudimages.support.FileTrees.deleteRecursively(root);
    }

    @TestFactory
    Stream<DynamicTest> everyShippedVariant() {
        assertEquals(120, RUNS.size(), "shipped variants: " + RUNS.keySet());
        return RUNS.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> check(e.getValue().get())));
    }

    private static void check(Outcome outcome) {
        ProvisioningRun run = outcome.run();
        Map<String, String> dims = outcome.variant().dimensions();
        String version = dims.get("version");
        String arch = dims.get("arch");
        String firmware = dims.get("firmware");
        String bootstrap = dims.get("bootstrap");
        String cloud = dims.get("cloud");
        // a config without the machine dimension builds virtual machines
        String kernel = "metal".equals(dims.get("machine")) ? "lts" : "virt";
        String what = outcome.variant().key();
        assertTrue(run.succeeded(), String.join("\n", run.transcript));
        assertEquals(List.of("setup", bootstrap.equals("tiny") ? "setup-tiny" : "setup-cloudinit", "cleanup"),
                run.transcript.stream().map(t -> t.substring(0, t.indexOf(' '))).toList(), what);

        mkinitfs(run, cloud, arch, kernel, what);
        bootLoader(run, cloud, arch, firmware, kernel, what);
        getty(run, console(cloud, arch), screen(cloud), what);
        runlevels(run, bootstrap, cloud, what);
        network(run, bootstrap, what);
        prompt(run, what);
        logins(run, bootstrap, cloud, what);
        packages(run, version, firmware, bootstrap, cloud, kernel, what);
        cleanup(run, firmware, what);
        handedBack(run, version, kernel, what);
        identifiers(run, outcome.variant().key(), firmware, what);
    }

    /** Reproducible disks: every identifier the tools would draw at random comes from INPUT_HASH. */
    private static void identifiers(ProvisioningRun run, String key, String firmware, String what) {
        String table = run.calls("sfdisk-table").get(0);
        String ext4 = run.calls("mkfs.ext4").get(0);
        assertTrue(ext4.contains("-U " + guid(key, "root-fs") + " -E hash_seed=" + guid(key, "root-hash-seed")
                + ",lazy_itable_init=0,lazy_journal_init=0"), what + ": " + ext4);
        if (firmware.equals("uefi")) {
            assertTrue(table.contains("label-id: " + guid(key, "disk") + ";"), what + ": " + table);
            assertTrue(table.contains("name=esp, uuid=" + guid(key, "esp") + ";")
                    && table.contains("name=root, uuid=" + guid(key, "root") + ";"), what + ": " + table);
            assertTrue(run.calls("mkfs.vfat").get(0).contains("-i " + derived(key, "esp-fs").substring(0, 8)), what);
        } else {
            assertTrue(table.contains("label-id: 0x" + derived(key, "disk").substring(0, 8) + ";"), what + ": " + table);
        }
    }

    /** cleanup hands the host what the SBOM and provenance are made of. */
    private static void handedBack(ProvisioningRun run, String version, String kernel, String what) {
        String installed = String.join("\n", ProvisioningRun.lines(run.output.resolve("apk-installed")));
        assertTrue(installed.contains("\nP:alpine-base\nV:1.0-r0\n") && installed.contains("\nP:linux-" + kernel + "\n"),
                what);
        List<String> facts = ProvisioningRun.lines(run.output.resolve("image-facts"));
        assertTrue(facts.contains("kernel 6.12.13-0-" + kernel), what + ": " + facts);
        String branch = version.equals("edge") ? "edge" : "v" + version;
        String main = "https://dl-cdn.alpinelinux.org/alpine/" + branch + "/main";
        String cached = "APKINDEX." + sha1(main).substring(0, 8) + ".tar.gz";
        assertTrue(facts.contains("repository " + main + " " + cached), what + ": " + facts);
        assertTrue(facts.contains("index " + cached + " alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub"
                + " v3.24.1-0-gstub"), what + ": " + facts);
        assertEquals(facts.stream().filter(f -> f.startsWith("repository ")).count(),
                facts.stream().filter(f -> f.startsWith("index ")).count(), what + ": " + facts);
    }

    private static String sha1(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The serial console the cloud's console shows, per cloud and arch. */
    private static String console(String cloud, String arch) {
        return arch.equals("x86_64") || cloud.equals("aws") ? "ttyS0" : "ttyAMA0";
    }

    /** Images for places with a screen too: generic and nocloud (and so metal, which is generic). */
    private static boolean screen(String cloud) {
        return cloud.equals("generic") || cloud.equals("nocloud");
    }

    private static void mkinitfs(ProvisioningRun run, String cloud, String arch, String kernel, String what) {
        List<String> calls = run.calls("mkinitfs-features");
        assertEquals(1, calls.size(), what + ": one initramfs");
        List<String> features = Arrays.asList(calls.get(0).trim().split(" +"));
        assertTrue(features.containsAll(MKINITFS_DEFAULTS), what + ": mkinitfs defaults kept: " + features);
        assertEquals(features.size(), features.stream().distinct().count(), what + ": no feature twice: " + features);
        if (cloud.equals("aws")) {
            assertTrue(features.containsAll(List.of("ena", "nvme")), what + ": " + features);
        }
        // any cloud: ENA and gVNIC in the initramfs (gve from setup.d/mkinitfs, as mkinitfs ships no such feature)
        assertEquals(cloud.equals("generic"), features.containsAll(List.of("ena", "gve", "nvme")), what + ": " + features);
        if (features.contains("gve")) {
            assertTrue(run.exists("etc/mkinitfs/features.d/gve.modules"), what);
        }
        assertEquals(cloud.equals("aws") && arch.equals("aarch64"), features.contains("gpio_pl061"),
                what + ": gpio_pl061 for AWS Graviton only: " + features);
        if (features.contains("gpio_pl061")) {
            assertTrue(run.exists("etc/mkinitfs/features.d/gpio_pl061.modules"), what);
        }
        assertTrue(features.contains("scsi"), what + ": scsi (GCP virtio-SCSI, OCI sdX): " + features);
        assertTrue(run.exists("boot/initramfs-" + kernel), what);
    }

    private static void bootLoader(ProvisioningRun run, String cloud, String arch, String firmware, String kernel,
                                   String what) {
        String cmdline;
        if (firmware.equals("bios")) {
            String conf = run.read("boot/extlinux.conf");
            cmdline = conf.lines().map(String::trim).filter(l -> l.startsWith("APPEND ")).findFirst().orElseThrow()
                    .substring("APPEND ".length());
            assertTrue(run.exists("boot/ldlinux.sys"), what + ": extlinux installed");
            List<String> upd = run.read("etc/update-extlinux.conf").lines().toList();
            assertTrue(upd.contains("default=" + kernel), what + ": update-extlinux default: " + upd);
            assertEquals(1, upd.stream().filter(l -> l.startsWith("default=")).count(), what + ": " + upd);
            assertTrue(conf.contains("LINUX /boot/vmlinuz-" + kernel + "\n"), what + ": " + conf);
            assertTrue(upd.contains("root=LABEL=root"), what + ": " + upd);
            List<String> mkfs = run.calls("mkfs.ext4");
            assertEquals(1, mkfs.size(), what);
            assertTrue(mkfs.get(0).contains("-O ^64bit,^metadata_csum_seed,^orphan_file"),
                    what + ": ext4 without what syslinux cannot read: " + mkfs);
            assertTrue(run.calls("sfdisk-table").get(0).contains("label: dos"), what);
            assertEquals("M".repeat(440), readDiskHead(run), what + ": syslinux MBR code written");
        } else {
            String cfg = run.read("boot/grub/grub.cfg");
            cmdline = cfg.lines().map(String::trim).filter(l -> l.startsWith("linux ")).findFirst().orElseThrow()
                    .replaceFirst("^linux /boot/vmlinuz-" + kernel + " ", "");
            assertTrue(cfg.contains("initrd /boot/initramfs-" + kernel + "\n"), what + ": " + cfg);
            String efi = arch.equals("x86_64") ? "x64" : "aa64";
            assertTrue(run.exists("boot/efi/EFI/boot/boot" + efi + ".efi"), what + ": removable-media path");
            assertFalse(run.calls("mkfs.ext4").get(0).contains("-O"), what + ": UEFI keeps the ext4 defaults");
            assertTrue(run.calls("sfdisk-table").get(0).contains("label: gpt"), what);
            assertTrue(run.read("etc/default/grub").contains("console=" + console(cloud, arch)), what);
        }
        List<String> options = Arrays.asList(cmdline.trim().split(" +"));
        assertTrue(options.contains("root=LABEL=root"), what + ": " + options);
        List<String> consoles = options.stream().filter(o -> o.startsWith("console=")).toList();
        List<String> wantedConsoles = new ArrayList<>(List.of("console=" + console(cloud, arch) + ",115200"
                + (arch.equals("x86_64") ? "n8" : "")));
        if (screen(cloud)) {
            // the screen last: /dev/console (OpenRC's output) is the last one
            wantedConsoles.add("console=tty0");
        }
        assertEquals(wantedConsoles, consoles, what + ": kernel console");
        // generic: the initramfs moves the console to the serial port on the clouds with a read-only screen
        assertEquals(cloud.equals("generic"), options.contains("autodetect_serial=setconsole=[Aa]mazon,Microsoft,Google,Oracle"),
                what + ": " + options);
        String modules = options.stream().filter(o -> o.startsWith("modules=")).findFirst().orElseThrow();
        List<String> wanted = new ArrayList<>(List.of("ext4", "virtio_blk"));
        switch (cloud) {
            case "aws" -> wanted.addAll(List.of("ena", "nvme"));
            case "gcp" -> wanted.addAll(List.of("virtio_scsi", "nvme", "gve"));
            case "generic" -> wanted.addAll(List.of("virtio_scsi", "nvme", "ena", "gve"));
            default -> wanted.addAll(List.of("virtio_scsi", "nvme"));
        }
        if (cloud.equals("aws") && arch.equals("aarch64")) {
            wanted.add("gpio_pl061");
        }
        assertTrue(Arrays.asList(modules.substring("modules=".length()).split(",")).containsAll(wanted),
                what + ": " + modules + " lacks some of " + wanted);
        if (cloud.equals("aws")) {
            assertTrue(options.contains("nvme_core.io_timeout=4294967295"), what + ": " + options);
        }
    }

    private static String readDiskHead(ProvisioningRun run) {
        try (var in = Files.newInputStream(run.disk)) {
            return new String(in.readNBytes(440), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void getty(ProvisioningRun run, String tty, boolean screen, String what) {
        List<String> inittab = run.read("etc/inittab").lines().toList();
        List<String> gettys = inittab.stream().filter(l -> !l.startsWith("#") && l.contains("getty")).toList();
        List<String> wanted = new ArrayList<>();
        if (screen) {
            wanted.add("tty1::respawn:/sbin/getty 38400 tty1");
        }
        wanted.add(tty + "::respawn:/sbin/getty -L 115200 " + tty + " vt100");
        assertEquals(wanted, gettys, what + ": the serial console's getty, and tty1's only with a screen");
    }

    private static void runlevels(ProvisioningRun run, String bootstrap, String cloud, String what) {
        assertTrue(run.runlevel("default").containsAll(List.of("sshd", "chronyd", "networking")), what);
        if (bootstrap.equals("tiny")) {
            // tiny-cloud 3.x: tiny-cloud-boot in boot, the other phases in default
            assertEquals(List.of("tiny-cloud-boot"), tinyCloud(run.runlevel("boot")), what);
            assertEquals(List.of("tiny-cloud-early", "tiny-cloud-final", "tiny-cloud-main"),
                    tinyCloud(run.runlevel("default")), what);
            assertEquals(List.of(), tinyCloud(run.runlevel("sysinit")), what);
            assertTrue(run.runlevel("sysinit").containsAll(List.of("mdev", "hwdrivers")), what);
        } else {
            assertTrue(run.runlevel("boot").contains("cloud-init-local"), what);
            assertTrue(run.runlevel("default").containsAll(List.of("cloud-init", "cloud-config", "cloud-final",
                    "udev-postmount")), what);
            // hotplugged NICs: cloud-init handles them for Ec2 only (generic may be on EC2), and only
            // with the event turned on
            boolean hotplug = cloud.equals("aws") || cloud.equals("generic");
            assertEquals(hotplug, run.runlevel("default").contains("cloud-init-hotplugd"), what);
            assertEquals(hotplug, run.exists("etc/cloud/cloud.cfg.d/30-hotplug.cfg"), what);
            if (hotplug) {
                assertTrue(run.read("etc/cloud/cloud.cfg.d/30-hotplug.cfg")
                        .contains("when: [ boot-new-instance, hotplug ]"), what);
            }
            // hotplugd listens to udev: eudev instead of mdev
            List<String> sysinit = run.runlevel("sysinit");
            assertTrue(sysinit.containsAll(List.of("udev", "udev-trigger", "udev-settle")), what + ": " + sysinit);
            assertFalse(sysinit.contains("mdev") || sysinit.contains("hwdrivers"), what + ": " + sysinit);
        }
    }

    /** Tiny images: dhcpcd (IPv6, the network's MTU); cloud-init images keep the dhclient its datasources run. */
    private static void network(ProvisioningRun run, String bootstrap, String what) {
        List<String> asked = askedOfApk(run);
        if (bootstrap.equals("tiny")) {
            assertTrue(asked.contains("dhcpcd"), what + ": " + asked);
            assertTrue(run.read("etc/dhcpcd.conf").lines().anyMatch(l -> l.equals("option interface_mtu")), what);
        } else {
            assertFalse(asked.contains("dhcpcd"), what + ": " + asked);
            assertTrue(asked.contains("dhclient"), what + ": " + asked);
        }
        assertTrue(run.read("etc/network/interfaces").contains("iface eth0 inet dhcp"), what);
    }

    /** The reference's prompt: user@host for each shell /etc/profile sets one for. */
    private static void prompt(ProvisioningRun run, String what) {
        List<String> ps1 = run.read("etc/profile").lines().map(String::trim).filter(l -> l.startsWith("PS1=")).toList();
        assertEquals(List.of("PS1='\\u@\\h:\\w\\$ '", "PS1='%n@%m:%~%# '", "PS1='$USER@${HOSTNAME%%.*}:$PWD'"),
                ps1, what);
    }

    private static List<String> askedOfApk(ProvisioningRun run) {
        List<String> asked = new ArrayList<>();
        run.calls("apk").stream().filter(c -> c.startsWith("--root ") && c.contains(" add "))
                .forEach(c -> asked.addAll(Arrays.asList(c.substring(c.indexOf(" add ") + 5).trim().split(" +"))));
        return asked;
    }

    private static List<String> tinyCloud(List<String> services) {
        return services.stream().filter(s -> s.startsWith("tiny-cloud")).toList();
    }

    private static void logins(ProvisioningRun run, String bootstrap, String cloud, String what) {
        List<String> shadow = run.read("etc/shadow").lines().toList();
        assertTrue(shadow.stream().anyMatch(l -> l.startsWith("root:*:")), what + ": root locked: " + shadow);
        // "*": no password, yet not locked, so sshd without PAM accepts the user's keys
        assertTrue(shadow.stream().anyMatch(l -> l.startsWith("alpine:*:")), what + ": " + shadow);
        assertFalse(run.read("etc/ssh/sshd_config").lines().anyMatch(l -> l.trim().matches("(?i)UsePAM\\s+yes")),
                what + ": sshd without PAM");
        if (bootstrap.equals("tiny")) {
            List<String> conf = run.read("etc/tiny-cloud.conf").lines().toList();
            assertTrue(conf.contains("CLOUD=\"" + cloud + "\"") && conf.contains("CLOUD_USER=\"alpine\""),
                    what + ": " + conf);
        } else {
            String user = run.read("etc/cloud/cloud.cfg.d/20-default-user.cfg");
            assertTrue(user.contains("name: alpine") && user.contains("lock_passwd: false"), what + ": " + user);
            assertFalse(user.contains("lock_passwd: true"), what);
            String datasource = switch (cloud) {
                case "aws" -> "Ec2";
                case "gcp" -> "GCE";
                case "oci" -> "Oracle";
                case "nocloud" -> "NoCloud";
                default -> null;
            };
            if (datasource == null) {
                // generic: cloud-init's own list, every datasource it knows, finds the cloud
                assertFalse(run.exists("etc/cloud/cloud.cfg.d/10-datasource.cfg"), what);
            } else {
                assertEquals("datasource_list: [ " + datasource + ", None ]",
                        run.read("etc/cloud/cloud.cfg.d/10-datasource.cfg").trim(), what);
            }
        }
        // GCP with cloud-init: sshd asks the metadata server for every key, for the login user
        boolean gceKeys = bootstrap.equals("cloudinit") && cloud.equals("gcp");
        String sshd = run.read("etc/ssh/sshd_config");
        assertEquals(gceKeys, sshd.contains("AuthorizedKeysCommand /usr/libexec/gce-authorized-keys %u\n"
                + "AuthorizedKeysCommandUser nobody"), what + ": " + sshd);
        assertEquals(gceKeys, run.exists("usr/libexec/gce-authorized-keys"), what);
        if (gceKeys) {
            String helper = run.read("usr/libexec/gce-authorized-keys");
            assertTrue(helper.contains("LOGIN=${GCE_KEYS_LOGIN:-alpine}"), what);
            assertTrue(Files.isExecutable(run.target.resolve("usr/libexec/gce-authorized-keys")), what);
        }
    }

    private static void packages(ProvisioningRun run, String version, String firmware, String bootstrap,
                                 String cloud, String kernel, String what) {
        List<String> asked = askedOfApk(run);
        assertTrue(asked.containsAll(List.of("alpine-base", "linux-" + kernel, "openssh", "chrony")), what + ": " + asked);
        assertEquals(1, asked.stream().filter(p -> p.matches("linux-(virt|lts)")).count(), what + ": one kernel: " + asked);
        // metal: firmware for the common NICs, never the whole of linux-firmware
        List<String> firmwarePackages = asked.stream().filter(p -> p.startsWith("linux-firmware")).toList();
        assertEquals(kernel.equals("lts") ? List.of("linux-firmware-bnx2", "linux-firmware-bnx2x", "linux-firmware-tigon",
                "linux-firmware-rtl_nic", "linux-firmware-qed", "linux-firmware-cxgb4") : List.of(), firmwarePackages, what);
        assertFalse(asked.contains("openssh-server-pam"), what + ": one sshd for both bootstraps: " + asked);
        assertTrue(asked.contains(firmware.equals("bios") ? "syslinux" : "grub-efi"), what + ": " + asked);
        if (bootstrap.equals("tiny")) {
            assertTrue(asked.contains("tiny-cloud-" + cloud), what + ": " + asked);
            assertFalse(asked.contains("cloud-init"), what);
        } else {
            assertTrue(asked.containsAll(List.of("cloud-init", "dhclient", "eudev", "udev-init-scripts-openrc")),
                    what + ": " + asked);
        }
        String targetRepos = run.read("etc/apk/repositories");
        assertTrue(targetRepos.contains(version.equals("edge") ? "/edge/main" : "/v" + version + "/main"),
                what + ": " + targetRepos);
        // the builder's tools come from its own (stable) release, never from edge
        List<String> builder = run.calls("apk-builder-repos");
        assertEquals(1, builder.size(), what);
        assertFalse(builder.get(0).contains("edge"), what + ": " + builder);
        assertTrue(builder.get(0).contains(version.equals("edge") ? "/v3.24/main" : "/v" + version + "/main"),
                what + ": " + builder);
        assertTrue(run.calls("apk").stream().filter(c -> !c.startsWith("--root")).allMatch(
                c -> c.contains("sfdisk") && c.contains("e2fsprogs")), what);
    }

    private static void cleanup(ProvisioningRun run, String firmware, String what) {
        assertEquals(List.of(), ProvisioningRun.lines(run.builderRoot.resolve("proc/mounts")), what + ": all unmounted");
        // the EFI partition is a file system of its own, which find -xdev on / would skip
        String clamped = "cleanup: file times clamped to " + EPOCH + " in: /" + (firmware.equals("uefi") ? " /boot/efi" : "");
        assertTrue(run.transcript.get(run.transcript.size() - 1).lines().anyMatch(clamped::equals),
                what + ": " + run.transcript.get(run.transcript.size() - 1));
        assertFalse(run.exists("etc/resolv.conf"), what);
        // after unmounting: debugfs sets every inode's ctime, atime, crtime and generation, and the
        // superblock's mount time and write counter, on the root file system (not the ESP)
        List<String> script = ProvisioningRun.lines(run.dir.resolve("stub-state/debugfs.script"));
        assertEquals(List.of("ssv mtime @" + EPOCH, "ssv wtime @" + EPOCH, "ssv kbytes_written 0"), script.subList(0, 3),
                what);
        try (Stream<Path> files = Files.walk(run.target)) {
            List<Long> inodes = files.map(f -> {
                try {
                    return ((Number) Files.getAttribute(f, "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS))
                            .longValue();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).distinct().sorted().toList();
            List<String> wanted = new ArrayList<>();
            for (long ino : inodes) {
                for (String field : List.of("ctime", "atime", "crtime")) {
                    wanted.add("sif <" + ino + "> " + field + " @" + EPOCH);
                }
                wanted.add("sif <" + ino + "> generation 0");
            }
            assertEquals(wanted, script.subList(3, script.size()), what + ": every inode of the root, once");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<String> debugfs = run.calls("debugfs");
        assertEquals(1, debugfs.size(), what);
        assertTrue(debugfs.get(0).endsWith(" " + run.disk + (firmware.equals("uefi") ? "2" : "1")), what + ": " + debugfs);
        try (Stream<Path> files = Files.walk(run.target)) {
            List<Path> newer = files.filter(f -> !Files.isSymbolicLink(f)).filter(f -> {
                try {
                    return Files.getLastModifiedTime(f).toInstant().getEpochSecond() > EPOCH;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
            assertEquals(List.of(), newer, what + ": nothing newer than SOURCE_DATE_EPOCH");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
