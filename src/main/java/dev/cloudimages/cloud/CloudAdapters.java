package dev.cloudimages.cloud;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Finds the adapter for a cloud. An adapter factory returns either a usable adapter or the reason
 * there is none (no credentials, say); a cloud without a factory has no adapter in this version.
 * Some clouds have no import at all, by their nature ({@link #WITHOUT_IMPORT}): their images end
 * at the local image and the artifact store, and their variants are planned without cloud actions.
 */
public final class CloudAdapters {

    /**
     * Images for no one cloud: {@code generic} (cloud-init finds the cloud it boots in) and
     * {@code nocloud} (local hypervisors, data from a CIDATA disk). Nothing to import them into.
     */
    public static final Set<String> WITHOUT_IMPORT = Set.of("generic", "nocloud");

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

    /**
     * Why a cloud's variants have no cloud actions, when that is by design: a cloud of
     * {@link #WITHOUT_IMPORT} that has no adapter factory. Empty for every other cloud.
     */
    public Optional<String> withoutImport(String cloud) {
        return WITHOUT_IMPORT.contains(cloud) && !factories.containsKey(cloud)
                ? Optional.of("no cloud import for " + cloud + ": ends at the local image (and the store)")
                : Optional.empty();
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
