package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.CloudAdapters;
import dev.cloudimages.support.BuildException;

import java.util.Map;

/**
 * The entry to the AWS adapter. This class names no AWS SDK type, so the pipeline can refer to it
 * without loading the SDK; the SDK's classes load only when {@link #open} is called, that is when
 * a step needs the aws cloud.
 */
public final class AwsCloud {

    private AwsCloud() {
    }

    /** An adapter for the account and region the environment gives, or why there is none. */
    public static CloudAdapters.Availability open(Map<String, String> env) {
        try {
            return CloudAdapters.Availability.of(AwsAdapter.connect(env));
        } catch (BuildException e) {
            return CloudAdapters.Availability.unavailable(e.getMessage().replaceFirst("^aws: ", ""));
        }
    }
}
