package dev.cloudimages.cloud;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Finds the adapter for a cloud. An adapter factory returns either a usable adapter or the reason
 * there is none (no credentials, say); a cloud without a factory has no adapter in this version.
 */
public final class CloudAdapters {

    /** A usable adapter, or why there is none. */
    public record Availability(Optional<CloudAdapter> adapter, String reason) {

        public static Availability of(CloudAdapter adapter) {
            return new Availability(Optional.of(adapter), "");
        }

        public static Availability unavailable(String reason) {
            return new Availability(Optional.empty(), reason);
        }
    }

    private final Map<String, Function<Map<String, String>, Availability>> factories;
    private final Map<String, String> env;
    private final Map<String, Availability> resolved = new TreeMap<>();

    public CloudAdapters(Map<String, Function<Map<String, String>, Availability>> factories, Map<String, String> env) {
        this.factories = Map.copyOf(factories);
        this.env = env;
    }

    /**
     * The adapters this version ships. Each factory is a method reference into the cloud's own
     * package that names no SDK type, so a cloud's SDK loads only when its adapter is asked for.
     */
    public static CloudAdapters shipped(Map<String, String> env) {
        return new CloudAdapters(Map.of("aws", dev.cloudimages.cloud.aws.AwsCloud::open,
                "oci", dev.cloudimages.cloud.oci.OciCloud::open,
                "gcp", dev.cloudimages.cloud.gcp.GcpCloud::open), env);
    }

    public synchronized Availability forCloud(String cloud) {
        return resolved.computeIfAbsent(cloud, c -> {
            Function<Map<String, String>, Availability> factory = factories.get(c);
            return factory == null
                    ? Availability.unavailable("this version of build has no adapter for cloud '" + c + "'")
                    : factory.apply(env);
        });
    }
}
