package dev.cloudimages.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A gpg home with one fresh signing key (no passphrase), for tests of signing: made with the
 * Debian gpg, its agent stopped again on close so no process outlives the test.
 */
public final class ThrowawayGpg implements AutoCloseable {

    private final Path home;
    private final String fingerprint;

    private ThrowawayGpg(Path home, String fingerprint) {
        this.home = home;
        this.fingerprint = fingerprint;
    }

    public static ThrowawayGpg create(Path home) throws IOException, InterruptedException {
        Tools.require("gpg");
        Files.createDirectories(home);
        home.toFile().setReadable(false, false);
        home.toFile().setReadable(true, true);
        home.toFile().setExecutable(false, false);
        home.toFile().setExecutable(true, true);
        run(home, "gpg", "--batch", "--passphrase", "", "--quick-gen-key", "Release Test <release@example.invalid>",
                "ed25519", "sign", "never");
        String listing = run(home, "gpg", "--batch", "--with-colons", "--list-secret-keys");
        String fingerprint = listing.lines().filter(l -> l.startsWith("fpr:")).findFirst()
                .map(l -> l.split(":")[9]).orElseThrow(() -> new IllegalStateException("no key made: " + listing));
        return new ThrowawayGpg(home, fingerprint);
    }

    public Path home() {
        return home;
    }

    public String fingerprint() {
        return fingerprint;
    }

    public Map<String, String> env() {
        return Map.of("GNUPGHOME", home.toString());
    }

    /** Whether {@code signature} is a good signature of {@code file} by this key. */
    public boolean verifies(Path signature, Path file) throws IOException, InterruptedException {
        String status = run(home, "gpg", "--batch", "--status-fd", "1", "--verify", signature.toString(), file.toString());
        return status.contains("[GNUPG:] VALIDSIG ") && status.contains(fingerprint);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run(home, "gpgconf", "--kill", "all");
    }

    private static String run(Path home, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of(command)).redirectErrorStream(true);
        builder.environment().put("GNUPGHOME", home.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish");
        }
        return output;
    }
}
