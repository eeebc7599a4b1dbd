package dev.cloudimages.release;

import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.store.ArtifactStore;
import dev.cloudimages.store.StoreUrl;
import dev.cloudimages.support.BuildClock;
import dev.cloudimages.support.Log;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The last part of {@code release}: reads every image's metadata from every store the configs'
 * variants name (selected or not: the catalog is the project's, not this run's) and renders the
 * catalog templates into {@code work/release/}.
 */
public final class ReleaseCatalogStep {

    public record Inputs(List<ResolvedVariant> variants, List<Path> overlayDirs, Path workDir, BuildClock clock) {
    }

    private final ReleaseStores stores;
    private final Log log;

    public ReleaseCatalogStep(ReleaseStores stores, Log log) {
        this.stores = stores;
        this.log = log;
    }

    public List<Path> run(Inputs inputs) {
        Map<String, ResolvedVariant> byKey = new LinkedHashMap<>();
        Map<String, ResolvedVariant> storeOwners = new LinkedHashMap<>();
        for (ResolvedVariant variant : inputs.variants()) {
            byKey.put(variant.key(), variant);
            stores.storeOf(variant).ifPresent(url -> storeOwners.putIfAbsent(url, variant));
        }
        List<ImageMetadata> all = new ArrayList<>();
        for (Map.Entry<String, ResolvedVariant> entry : storeOwners.entrySet()) {
            ArtifactStore store = stores.store(entry.getValue());
            for (String name : store.list("")) {
                if (name.endsWith(".yaml")) {
                    all.add(ReleaseStores.read(store, name, null));
                }
            }
        }
        String project = inputs.variants().stream().map(v -> v.config().get("project")).filter(p -> p != null)
                .map(Object::toString).findFirst().orElse("");
        Map<String, Object> model = Catalog.model(all, byKey, project, inputs.clock().now().toString());
        List<Path> written = CatalogTemplates.render(model, inputs.overlayDirs(), inputs.workDir().resolve("release"));
        @SuppressWarnings("unchecked")
        int images = ((List<Object>) model.get("images")).size();
        log.info("Release catalog: %d released image(s) in %d region entries from %d store(s): %s",
                Catalog.newestReleased(all).size(), images, storeOwners.size(),
                String.join(", ", new TreeSet<>(written.stream().map(p -> inputs.workDir().relativize(p).toString())
                        .toList())));
        return written;
    }

}
