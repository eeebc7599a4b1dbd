package dev.cloudimages.prune;

import dev.cloudimages.cloud.CloudAdapter;
import dev.cloudimages.cloud.CloudAdapters;
import dev.cloudimages.cloud.CloudContext;
import dev.cloudimages.cloud.CloudImage;
import dev.cloudimages.cloud.CloudSettings;
import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.plan.ImageNames;
import dev.cloudimages.plan.VariantPlan;
import dev.cloudimages.prune.PruneChoice.Kept;
import dev.cloudimages.prune.PruneChoice.Removal;
import dev.cloudimages.release.ReleaseStores;
import dev.cloudimages.store.ArtifactStore;
import dev.cloudimages.support.BuildClock;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Log;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code prune}: lists the project's images in every region of the selected variants' clouds and
 * in every store the configs name, chooses by the rules ({@link PruneChoice}), and prints, per
 * cloud and region, what would go and why. Only with {@code really} does it delete: each cloud
 * image with its storage, then the store's record of a revision that is gone everywhere (its
 * image files first, the metadata last, so a run cut short leaves metadata a later run finds), or
 * the regions gone from the metadata of one that is only partly gone. One failed deletion does not
 * stop the others; the run fails naming how many failed.
 */
public final class PruneStep {

    /** {@code all}: every variant of the configs (they decide what is protected); {@code selected}: whose clouds are asked. */
    public record Inputs(List<ResolvedVariant> all, List<ResolvedVariant> selected, PruneRules.Overrides overrides,
                         boolean really, Instant now, BuildClock clock) {
    }

    private final ReleaseStores stores;
    private final CloudAdapters clouds;
    private final Log log;
    private final PrintStream out;

    public PruneStep(ReleaseStores stores, CloudAdapters clouds, Log log, PrintStream out) {
        this.stores = stores;
        this.clouds = clouds;
        this.log = log;
        this.out = out;
    }

    public void run(Inputs inputs) {
        PruneRules rules = PruneRules.of(inputs.all(), inputs.overrides());
        String project = inputs.all().stream().map(v -> v.config().get("project")).filter(p -> p != null)
                .map(Object::toString).findFirst().orElse("");
        if (project.isBlank()) {
            throw new BuildException("prune: the configs name no project; images are found by their project tag");
        }
        Map<String, List<CloudSettings>> byCloud = new TreeMap<>();
        inputs.selected().forEach(v -> byCloud.computeIfAbsent(VariantPlan.cloudOf(v), c -> new ArrayList<>())
                .add(CloudSettings.of(v)));
        PruneInventory inventory = new PruneInventory();
        Map<String, CloudAdapter> adapters = new TreeMap<>();
        for (Map.Entry<String, List<CloudSettings>> cloud : byCloud.entrySet()) {
            CloudAdapters.Availability availability = clouds.forCloud(cloud.getKey());
            if (availability.adapter().isEmpty()) {
                log.warn("prune: %s not asked (%s); its images and their store records are left alone", cloud.getKey(),
                        availability.reason());
                continue;
            }
            CloudAdapter adapter = availability.adapter().get();
            adapters.put(cloud.getKey(), adapter);
            log.info("prune: listing the images of project %s in %s (%s)", project, cloud.getKey(), adapter.describe());
            adapter.projectImages(project, cloud.getValue(), rules.unusedDays() != null).forEach(inventory::add);
        }
        readStores(inputs.all(), inventory);
        Map<String, String> variants = new LinkedHashMap<>();
        inputs.all().forEach(v -> variants.put(VariantPlan.cloudOf(v) + "/" + ImageNames.buildName(v), v.key()));
        PruneChoice.Result result = new PruneChoice(rules, inputs.now()).choose(inventory.builds(adapters.keySet()),
                variants);
        print(result, rules, inputs.really());
        if (inputs.really()) {
            remove(result.removals(), adapters, byCloud, inputs);
        }
    }

    /** Every store the configs name, once, read whole: older revisions are kept in the same place. */
    private void readStores(List<ResolvedVariant> variants, PruneInventory inventory) {
        Map<String, ResolvedVariant> owners = new LinkedHashMap<>();
        variants.forEach(v -> stores.storeOf(v).ifPresent(url -> owners.putIfAbsent(url, v)));
        for (ResolvedVariant owner : owners.values()) {
            ArtifactStore store = stores.store(owner);
            for (String name : store.list("")) {
                if (name.endsWith(".yaml")) {
                    inventory.add(store, name, ReleaseStores.readMetadata(store, name));
                }
            }
        }
    }

    private void print(PruneChoice.Result result, PruneRules rules, boolean really) {
        String verb = really ? "removing" : "would remove";
        out.println("prune (" + rules.describe() + ")" + (really ? "" : ": dry run, --really removes"));
        Map<String, List<String>> lines = new TreeMap<>();
        for (Removal removal : result.removals()) {
            for (CloudImage image : removal.images()) {
                lines.computeIfAbsent(image.cloud() + " " + image.region(), k -> new ArrayList<>())
                        .add(verb + " " + image.id() + " (" + removal.revision().name() + "): " + removal.why());
            }
            removal.revision().stored().ifPresent(stored -> lines.computeIfAbsent("store " + stored.store().url(),
                    k -> new ArrayList<>()).add((removal.whole() ? verb + " " : "updating ") + stored.object()
                    + (removal.whole() ? " and its image files" : " (regions removed)") + ": " + removal.why()));
        }
        for (Kept kept : result.kept()) {
            lines.computeIfAbsent("kept", k -> new ArrayList<>()).add(kept.revision().cloud() + " "
                    + kept.revision().name() + " (" + kept.rule() + " matched it): " + kept.why());
        }
        if (lines.isEmpty()) {
            out.println("nothing to prune");
        }
        lines.forEach((where, what) -> {
            out.println(where + ":");
            what.stream().sorted().forEach(line -> out.println("  " + line));
        });
        long images = result.removals().stream().mapToLong(r -> r.images().size()).sum();
        log.info("prune: %d image(s) of %d revision(s) %s", images, result.removals().size(),
                really ? "to remove" : "would be removed; nothing changed (--really removes them)");
    }

    private void remove(List<Removal> removals, Map<String, CloudAdapter> adapters,
                        Map<String, List<CloudSettings>> byCloud, Inputs inputs) {
        List<String> failed = new ArrayList<>();
        for (Removal removal : removals) {
            String cloud = removal.revision().cloud();
            CloudContext context = new CloudContext(log, inputs.clock(), byCloud.get(cloud).get(0)
                    .duration("poll_interval", CloudContext.DEFAULT_POLL));
            Set<String> gone = new TreeSet<>();
            for (CloudImage image : removal.images()) {
                try {
                    adapters.get(cloud).deleteImage(image, context);
                    gone.add(image.region());
                } catch (BuildException e) {
                    log.error("prune: %s %s %s: %s", cloud, image.region(), image.id(), e.getMessage());
                    failed.add(image.id());
                }
            }
            removal.revision().stored().ifPresent(stored -> {
                if (removal.whole() && gone.size() == removal.images().size()) {
                    new PrunedRecord(stored, log).removeAll();
                } else if (!gone.isEmpty()) {
                    new PrunedRecord(stored, log).removeRegions(gone, inputs.now().toString());
                }
            });
        }
        if (!failed.isEmpty()) {
            throw new BuildException("prune: " + failed.size() + " image(s) could not be removed (the reason of each is"
                    + " above): " + String.join(", ", failed) + "; run prune --really again");
        }
        log.info("prune: removed %d revision(s)", removals.size());
    }
}
