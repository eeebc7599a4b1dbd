package dev.cloudimages.release;

import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.ChildProcesses;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a variant's {@code signing_cmd} on an image and finds out who signed: the signature is
 * checked with gpg (when it is a gpg signature) and the signing key's fingerprint is what the
 * metadata records. The command's output is kept out of the log unless it fails, and then only
 * its last line: signing tools print key details, never secrets, but there is no need to echo them.
 */
final class Signer {

    private static final long TIMEOUT_MINUTES = 10;

    private final Map<String, String> env;

    Signer(Map<String, String> env) {
        this.env = env;
    }

    /** Signs {@code image} with {@code command}; returns the .asc file and the signer (fingerprint, or the command). */
    Signed sign(String command, Path image, String variantKey) {
        List<String> words = SigningCommand.forFile(command, image.toString(), variantKey);
        Path signature = image.resolveSibling(image.getFileName() + ".asc");
        try {
            Files.deleteIfExists(signature);
            Run run = run(words, image.getParent());
            if (run.code() != 0) {
                throw new BuildException("signing_cmd '" + command + "' failed (exit "
                        + run.code() + "): " + run.lastLine() + "; check the signing key (gpg --list-secret-keys)");
            }
            if (!Files.isRegularFile(signature) || Files.size(signature) == 0) {
                throw new BuildException("signing_cmd '" + command + "' made no " + signature
                        .getFileName() + "; it must write a detached signature to {file}.asc");
            }
            return new Signed(signature, fingerprint(image, signature).orElse(words.get(0)));
        } catch (IOException e) {
            throw new BuildException("cannot run signing_cmd '" + command + "': " + e.getMessage());
        }
    }

    record Signed(Path signature, String signer) {
    }

    /** The primary key fingerprint gpg reports for a good signature (VALIDSIG's last field). */
    private Optional<String> fingerprint(Path image, Path signature) {
        try {
            Run run = run(List.of("gpg", "--batch", "--status-fd", "1", "--verify", signature.toString(),
                    image.toString()), image.getParent());
            for (String line : run.output().lines().toList()) {
                if (line.startsWith("[GNUPG:] VALIDSIG ")) {
                    String[] fields = line.trim().split("\\s+");
                    return Optional.of(fields[fields.length - 1]);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private record Run(int code, String output) {
        String lastLine() {
            List<String> lines = output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            return lines.isEmpty() ? "no output" : lines.get(lines.size() - 1);
        }
    }

    private Run run(List<String> command, Path dir) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = ChildProcesses.start(builder);
        try {
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new BuildException(command.get(0) + " did not finish within " + TIMEOUT_MINUTES + " minutes");
            }
            return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BuildException("interrupted while signing");
        } finally {
            ChildProcesses.forget(process);
        }
    }
}
