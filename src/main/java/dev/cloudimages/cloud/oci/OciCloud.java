package dev.cloudimages.cloud.oci;

import dev.cloudimages.cloud.CloudAdapters;
import dev.cloudimages.support.BuildException;

import java.util.Map;

/**
 * The entry to the OCI adapter. This class names no OCI SDK type, so the pipeline can refer to it
 * without loading the SDK; the SDK's classes load only when {@link #open} is called, that is when
 * a step needs the oci cloud.
 */
public final class OciCloud {

    private OciCloud() {
    }

    /** An adapter for the profile and region the environment gives, or why there is none. */
    public static CloudAdapters.Availability open(Map<String, String> env) {
        try {
            return CloudAdapters.Availability.of(OciAdapter.connect(env));
        } catch (BuildException e) {
            return CloudAdapters.Availability.unavailable(e.getMessage().replaceFirst("^oci: ", ""));
        }
    }
}
