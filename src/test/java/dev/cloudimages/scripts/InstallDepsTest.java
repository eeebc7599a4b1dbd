package dev.cloudimages.scripts;

import dev.cloudimages.testing.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/install-deps, the README's set-up command, run with fakes first (and alone) on PATH:
 * {@code dpkg-query} answers from a list of installed packages, {@code apt-get} and {@code sudo}
 * record their calls, {@code id} gives the user id. It must install only what is missing, nothing
 * when all is there, and use sudo only when not root.
 */
class InstallDepsTest {

    private static final List<String> BUILD = List.of("openjdk-17-jdk-headless", "maven", "qemu-system-x86",
            "qemu-system-arm", "qemu-utils", "mtools", "ovmf", "qemu-efi-aarch64");
    private static final List<String> TESTS = List.of("shellcheck", "xorriso", "curl", "xz-utils",
            "libdevmapper1.02.1", "liblzma5", "libselinux1", "libudev1", "chromium", "nodejs", "npm", "git", "rsync");

    @TempDir
    Path dir;

    Path bin;
    Path calls;
    /** What the fake dpkg-query says is installed. */
    final Set<String> installed = new HashSet<>();
    String uid = "0";

    record Run(int exit, String out, List<String> calls) {
    }

    @BeforeEach
    void fakes() throws IOException {
        bin = Files.createDirectories(dir.resolve("bin"));
        calls = dir.resolve("calls.log");
        Files.createDirectories(dir.resolve("root"));
        tool("dpkg-query", "for p in $DPKG_INSTALLED; do\n"
                + "  if [ \"$p\" = \"${*: -1}\" ]; then printf 'install ok installed'; exit 0; fi\n"
                + "done\necho \"dpkg-query: no packages found matching ${*: -1}\" >&2\nexit 1\n");
        tool("apt-get", "echo \"apt-get DEBIAN_FRONTEND=${DEBIAN_FRONTEND:-} $*\" >> \"$CALLS\"\n");
        tool("sudo", "echo \"sudo $*\" >> \"$CALLS\"\nexec \"$@\"\n");
        tool("id", "echo \"$FAKE_UID\"\n");
        Files.createSymbolicLink(bin.resolve("env"), Path.of(onHost("env")));
    }

    @Test
    void aFreshMachineGetsEveryPackageFromOneInstall() throws Exception {
        Run run = run();
        assertEquals(0, run.exit(), run.out());
        List<String> all = new ArrayList<>(BUILD);
        all.addAll(TESTS);
        assertEquals(List.of("apt-get DEBIAN_FRONTEND= update -q",
                "apt-get DEBIAN_FRONTEND=noninteractive install -y -q --no-install-recommends " + String.join(" ", all)),
                run.calls(), "as root: no sudo");
        assertTrue(run.out().contains("install-deps: installing 21 package(s): openjdk-17-jdk-headless maven"), run.out());
        assertTrue(run.out().contains("install-deps: missing maven (no mvn)"), run.out());
    }

    @Test
    void onlyWhatIsMissingIsInstalledAndSudoOnlyWhenNotRoot() throws Exception {
        installed.addAll(TESTS);
        installed.add("qemu-utils");
        command("mvn");
        command("qemu-system-x86_64");
        Fixtures.write(dir.resolve("root"), "usr/share/OVMF/OVMF_CODE.fd", "");
        uid = "1000";
        Run run = run();
        assertEquals(0, run.exit(), run.out());
        String missing = "openjdk-17-jdk-headless qemu-system-arm mtools qemu-efi-aarch64";
        assertEquals(List.of("sudo apt-get update -q", "apt-get DEBIAN_FRONTEND= update -q",
                "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends " + missing,
                "apt-get DEBIAN_FRONTEND=noninteractive install -y -q --no-install-recommends " + missing),
                run.calls());
        assertTrue(run.out().contains("installing 4 package(s) with sudo: " + missing), run.out());
    }

    @Test
    void nothingIsInstalledWhenEverythingIsThere() throws Exception {
        installed.addAll(BUILD);
        installed.addAll(TESTS);
        uid = "1000";
        Run run = run();
        assertEquals(0, run.exit(), run.out());
        assertEquals(List.of(), run.calls(), "neither apt-get nor sudo");
        assertEquals("install-deps: nothing to install: everything './build' and the tests need is there\n", run.out());
    }

    @Test
    void buildLeavesTheTestToolsOut() throws Exception {
        installed.addAll(BUILD);
        Run run = run("--build");
        assertEquals(0, run.exit(), run.out());
        assertEquals(List.of(), run.calls());
        assertTrue(run.out().contains("everything './build' needs is there"), run.out());

        installed.remove("mtools");
        run = run("--build");
        assertEquals(List.of("apt-get DEBIAN_FRONTEND= update -q",
                "apt-get DEBIAN_FRONTEND=noninteractive install -y -q --no-install-recommends mtools"), run.calls());
    }

    @Test
    void checkListsWhatIsMissingAndInstallsNothing() throws Exception {
        installed.addAll(BUILD);
        installed.addAll(TESTS);
        installed.remove("xorriso");
        installed.remove("liblzma5");
        uid = "1000";
        Run run = run("--check");
        assertEquals(1, run.exit(), run.out());
        assertEquals(List.of(), run.calls());
        assertEquals("install-deps: missing xorriso (no xorriso)\ninstall-deps: missing liblzma5\n"
                + "install-deps: 2 package(s) missing; 'scripts/install-deps' installs them\n", run.out());
        assertEquals(0, run("--check", "--build").exit(), "the build's packages are all there");
    }

    @Test
    void withoutAptOrSudoItNamesThePackagesAndFails() throws Exception {
        installed.addAll(TESTS);
        installed.addAll(BUILD);
        installed.remove("maven");
        uid = "1000";
        Files.delete(bin.resolve("sudo"));
        Run run = run();
        assertEquals(1, run.exit(), run.out());
        assertTrue(run.out().contains("not root and no sudo; run it as root to install: maven"), run.out());

        Files.delete(bin.resolve("apt-get"));
        run = run();
        assertEquals(1, run.exit(), run.out());
        assertTrue(run.out().contains("no apt-get here (not Debian?); install these or what gives the same commands: maven"),
                run.out());
        assertEquals(List.of(), run.calls());
        assertEquals(2, run("--bogus").exit());
    }

    private Run run(String... args) throws IOException, InterruptedException {
        Files.deleteIfExists(calls);
        List<String> command = new ArrayList<>(List.of(onHost("bash"),
                Fixtures.projectRoot().resolve("scripts/install-deps").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", bin.toString());
        builder.environment().put("CALLS", calls.toString());
        builder.environment().put("DPKG_INSTALLED", String.join(" ", installed));
        builder.environment().put("FAKE_UID", uid);
        builder.environment().put("BUILD_DEPS_ROOT", dir.resolve("root").toString());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        List<String> made = Files.exists(calls) ? Files.readAllLines(calls) : List.of();
        return new Run(exit, out, made);
    }

    /** A fake command in bin, in bash, which may use only its builtins (PATH is bin alone). */
    private void tool(String name, String body) throws IOException {
        Path file = bin.resolve(name);
        Files.writeString(file, "#!" + onHost("bash") + "\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** A command that is merely there (a probe finds it). */
    private void command(String name) throws IOException {
        tool(name, "exit 0\n");
    }

    private static String onHost(String tool) {
        for (String dir : List.of("/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return dir + "/" + tool;
            }
        }
        throw new AssertionError(tool + " not found in /usr/bin or /bin");
    }
}
