package dev.cloudimages.cli;

import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine;

/** The version Maven stamped into the application (quarkus.application.version). */
public class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version;
        try {
            version = ConfigProvider.getConfig().getOptionalValue("quarkus.application.version", String.class).orElse("dev");
        } catch (RuntimeException | LinkageError e) {
            version = "dev";
        }
        return new String[] {"build " + version};
    }
}
