package dev.cloudimages.scripts;

import dev.cloudimages.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * scripts/setup.d/gce-authorized-keys, sshd's AuthorizedKeysCommand on GCP cloud-init images, run
 * on the host against a metadata server made of files (a stub wget serves them; a missing file is
 * a 404, as GCE answers for an attribute that is not set).
 */
class GceAuthorizedKeysTest {

    private static final String ED = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJane jane@laptop";
    private static final String RSA = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCkey bob";
    private static final String PROJECT = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYproject ops";
    private static final String EXPIRED = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABold google-ssh "
            + "{\"userName\":\"jane@example.com\",\"expireOn\":\"2020-01-01T00:00:00+0000\"}";
    private static final String FRESH = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABnew google-ssh "
            + "{\"userName\":\"jane@example.com\",\"expireOn\":\"2999-01-01T00:00:00+0000\"}";

    @TempDir
    Path dir;

    @Test
    void everyKeyWhateverItsLabelGoesToTheLoginUser() throws Exception {
        metadata("instance/attributes/ssh-keys", "jane_doe:" + ED + "\nalpine:" + RSA + "\n\njane:" + EXPIRED
                + "\njane:" + FRESH + "\nnot a key line\n");
        metadata("project/attributes/ssh-keys", "ops:" + PROJECT + "\nbob:" + RSA + "\n");
        assertEquals(List.of(ED, RSA, FRESH, PROJECT), keys("alpine"),
                "labels dropped, expired key left out, project keys added, each key once");
        assertEquals(List.of(), keys("jane_doe"), "no keys for any other user");
        assertEquals(List.of(), keys("root"));
    }

    @Test
    void blockProjectKeysLeavesTheProjectsOut() throws Exception {
        metadata("instance/attributes/ssh-keys", "jane:" + ED + "\n");
        metadata("instance/attributes/block-project-ssh-keys", "TRUE");
        metadata("project/attributes/ssh-keys", "ops:" + PROJECT + "\n");
        assertEquals(List.of(ED), keys("alpine"));
    }

    @Test
    void noMetadataServerMeansNoKeysAndNoError() throws Exception {
        assertEquals(List.of(), keys("alpine"));
    }

    private void metadata(String path, String content) throws IOException {
        Fixtures.write(dir.resolve("meta"), path, content);
    }

    private List<String> keys(String user) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path wget = bin.resolve("wget");
        // the last argument is the URL: serve meta/<path>, or fail as wget does on a 404
        Files.writeString(wget, "#!/bin/sh\neval \"url=\\${$#}\"\nf=\"$META/${url#http://meta/}\"\n"
                + "[ -f \"$f\" ] || exit 8\ncat \"$f\"\n");
        Files.setPosixFilePermissions(wget, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder builder = new ProcessBuilder("sh",
                Fixtures.projectRoot().resolve("scripts/setup.d/gce-authorized-keys").toString(), user);
        builder.environment().clear();
        builder.environment().putAll(Map.of("PATH", bin + ":/usr/bin:/bin", "META", dir.resolve("meta").toString(),
                "GCE_METADATA_URL", "http://meta", "GCE_KEYS_LOGIN", "alpine"));
        Process process = builder.redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), out);
        return out.lines().toList();
    }
}
