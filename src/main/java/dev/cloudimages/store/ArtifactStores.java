package dev.cloudimages.store;

import dev.cloudimages.store.file.FileStore;
import dev.cloudimages.store.gs.GsStores;
import dev.cloudimages.store.oci.OciStores;
import dev.cloudimages.store.s3.S3Stores;
import dev.cloudimages.support.BuildException;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Opens the store a {@code storage_url} names, once per URL per run. Each scheme's factory is a
 * method reference into its own package that names no SDK type, so the SDK behind s3://, gs://
 * or oci:// loads only when a variant's store uses that scheme.
 */
public final class ArtifactStores {

    private final Map<String, BiFunction<StoreUrl, Map<String, String>, ArtifactStore>> schemes;
    private final Map<String, String> env;
    private final Map<String, ArtifactStore> open = new ConcurrentHashMap<>();

    public ArtifactStores(Map<String, BiFunction<StoreUrl, Map<String, String>, ArtifactStore>> schemes,
                          Map<String, String> env) {
        this.schemes = Map.copyOf(schemes);
        this.env = env;
    }

    /** The schemes this version ships. */
    public static ArtifactStores shipped(Map<String, String> env) {
        return new ArtifactStores(Map.of("file", ArtifactStores::file, "s3", S3Stores::open, "gs", GsStores::open,
                "oci", OciStores::open), env);
    }

    public ArtifactStore open(StoreUrl url) {
        return open.computeIfAbsent(url.text(), u -> {
            BiFunction<StoreUrl, Map<String, String>, ArtifactStore> factory = schemes.get(url.scheme());
            if (factory == null) {
                throw new BuildException("storage_url '" + url.text() + "': this version of build cannot store to "
                        + url.scheme() + "://; use one of " + String.join(", ",
                        schemes.keySet().stream().sorted().map(s -> s + "://").toList()));
            }
            return factory.apply(url, env);
        });
    }

    private static ArtifactStore file(StoreUrl url, Map<String, String> env) {
        return new FileStore(Path.of("/" + url.path()), url.text());
    }
}
