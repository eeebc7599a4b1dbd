package dev.cloudimages.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Which tool made an image, for its provenance: the version Maven stamped into the package and
 * the git commit of the checkout it runs from, "-dirty" when tracked files differ from that commit
 * (an image's own inputs, configs and scripts, are covered by its input hash either way). "unknown"
 * when the checkout is not a git repository or git is not installed.
 */
public record ToolIdentity(String version, String commit) {

    public static final ToolIdentity UNKNOWN = new ToolIdentity("dev", "unknown");

    public static ToolIdentity of(Path projectDir, String version) {
        String head = git(projectDir, "rev-parse", "HEAD");
        if (head == null || !head.matches("[0-9a-f]{40}")) {
            return new ToolIdentity(version, "unknown");
        }
        String changes = git(projectDir, "status", "--porcelain", "--untracked-files=no");
        return new ToolIdentity(version, head + (changes == null || changes.isEmpty() ? "" : "-dirty"));
    }

    @Override
    public String toString() {
        return "build " + version + " (" + commit + ")";
    }

    private static String git(Path dir, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
