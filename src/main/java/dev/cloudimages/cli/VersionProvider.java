package dev.cloudimages.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * --version: this build's version and commit, the JDK running it, and the versions of the
 * frameworks and cloud SDKs it was packaged with (Maven stamps them into build-info.properties
 * and the commit file; reading those loads no SDK class, so --version stays fast).
 */
public class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        Properties info = buildInfo();
        return new String[] {
                "build " + info.getProperty("version", "dev") + " (commit " + commit() + ")",
                "JDK " + Runtime.version() + " (" + System.getProperty("java.vendor", "?") + ", "
                        + System.getProperty("java.vm.name", "?") + ")",
                "Quarkus " + info.getProperty("quarkus", "unknown") + ", picocli " + CommandLine.VERSION,
                "AWS SDK for Java " + info.getProperty("aws-sdk", "unknown") + ", OCI SDK for Java "
                        + info.getProperty("oci-sdk", "unknown") + ", Google Cloud Compute "
                        + info.getProperty("google-cloud-compute", "unknown") + " and Storage "
                        + info.getProperty("google-cloud-storage", "unknown")};
    }

    /** The bare version ("dev" outside a package), as provenance records it. */
    public static String version() {
        return buildInfo().getProperty("version", "dev");
    }

    private static Properties buildInfo() {
        Properties info = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/dev/cloudimages/build-info.properties")) {
            if (in != null) {
                info.load(in);
            }
        } catch (IOException e) {
            // an unreadable stamp: say "unknown" rather than fail --version
        }
        return info;
    }

    private static String commit() {
        try (InputStream in = VersionProvider.class.getResourceAsStream("/dev/cloudimages/commit")) {
            String commit = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return commit.isEmpty() ? "unknown" : commit;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
