package dev.cloudimages.cloud.gcp;

import dev.cloudimages.cloud.CloudAdapters;
import dev.cloudimages.support.BuildException;

import java.util.Map;

/**
 * The entry to the GCP adapter. This class names no Google SDK type, so the pipeline can refer to
 * it without loading the SDK (about 80 MB of jars); the SDK's classes load only when {@link #open}
 * is called, that is when a step needs the gcp cloud.
 */
public final class GcpCloud {

    private GcpCloud() {
    }

    /** An adapter for the project and credentials the environment gives, or why there is none. */
    public static CloudAdapters.Availability open(Map<String, String> env) {
        try {
            return CloudAdapters.Availability.of(GcpAdapter.connect(env));
        } catch (BuildException e) {
            return CloudAdapters.Availability.unavailable(e.getMessage().replaceFirst("^gcp: ", ""));
        }
    }
}
