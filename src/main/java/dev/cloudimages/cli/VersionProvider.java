package dev.cloudimages.cli;

import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine;

/** The version Maven stamped into the application (quarkus.application.version). */
public class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"build " + version()};
    }

    /** The bare version ("dev" outside a package). */
    public static String version() {
        try {
            return ConfigProvider.getConfig().getOptionalValue("quarkus.application.version", String.class).orElse("dev");
        } catch (RuntimeException | LinkageError e) {
            return "dev";
        }
    }
}
