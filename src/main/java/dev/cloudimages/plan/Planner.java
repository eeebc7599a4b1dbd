package dev.cloudimages.plan;

import dev.cloudimages.alpine.ReleaseCatalog;
import dev.cloudimages.cloud.CloudAdapter;
import dev.cloudimages.cloud.CloudAdapters;
import dev.cloudimages.cloud.RemoteImage;
import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.release.ImageMetadata;
import dev.cloudimages.release.SigningCommand;
import dev.cloudimages.support.BuildClock;
import dev.cloudimages.support.Log;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides each variant's actions for a step (behaviour page, section 4), plus one rule of our
 * own: a local image whose inputs changed is stale and is rebuilt rather than reused.
 * For the "state" step nothing is changed; everything else applies --revise as it plans.
 */
public final class Planner {

    private final LocalImages localImages;
    private final StoredImages storedImages;
    private final CloudAdapters clouds;
    private final InputHash inputHash;
    private final BuildClock clock;
    private final Log log;

    public Planner(LocalImages localImages, CloudAdapters clouds, InputHash inputHash, BuildClock clock, Log log) {
        this(localImages, StoredImages.NONE, clouds, inputHash, clock, log);
    }

    public Planner(LocalImages localImages, StoredImages storedImages, CloudAdapters clouds, InputHash inputHash,
                   BuildClock clock, Log log) {
        this.localImages = localImages;
        this.storedImages = storedImages;
        this.clouds = clouds;
        this.inputHash = inputHash;
        this.clock = clock;
        this.log = log;
    }

    public Plan plan(List<ResolvedVariant> variants, Step step, boolean revise) {
        return plan(variants, step, revise, Set.of());
    }

    /** The plan for {@code step}, leaving out the {@code disabled} actions (--disable sign, say). */
    public Plan plan(List<ResolvedVariant> variants, Step step, boolean revise, Set<Action> disabled) {
        Set<String> warnedClouds = new TreeSet<>();
        List<VariantPlan> plans = new ArrayList<>();
        boolean revisedAnything = false;
        for (ResolvedVariant variant : variants) {
            Planned planned = planOne(variant, step, revise, disabled, warnedClouds);
            revisedAnything |= planned.revised();
            plans.add(planned.plan());
        }
        if (revise && !revisedAnything) {
            log.warn("--revise: nothing to revise; no selected variant has a local, stored or remote image");
        }
        return new Plan(step, revise, plans);
    }

    /** A build name is a directory name, and one variant's own: never shared, never a path. */
    public static void checkNames(List<ResolvedVariant> variants) {
        java.util.Map<String, String> seen = new java.util.HashMap<>();
        for (ResolvedVariant variant : variants) {
            String buildName = ImageNames.buildName(variant);
            if (!buildName.matches("[A-Za-z0-9][A-Za-z0-9._+-]*")) {
                throw new dev.cloudimages.support.BuildException("variant " + variant.key() + ": build name '"
                        + buildName + "' must be letters, digits, '.', '_', '+' and '-' only; check its 'name'");
            }
            String cloud = VariantPlan.cloudOf(variant);
            String other = seen.putIfAbsent(cloud + "/" + buildName, variant.key());
            if (other != null) {
                throw new dev.cloudimages.support.BuildException("variants " + other + " and " + variant.key()
                        + " have the same build name '" + buildName + "' for cloud " + cloud
                        + "; add a dimension key to 'name' so each variant's images have their own name");
            }
        }
    }

    private record Planned(VariantPlan plan, boolean revised) {
    }

    private Planned planOne(ResolvedVariant variant, Step step, boolean revise, Set<Action> disabled,
                            Set<String> warnedClouds) {
        String cloud = VariantPlan.cloudOf(variant);
        String project = String.valueOf(variant.config().getOrDefault("project", ""));
        String buildName = ImageNames.buildName(variant);
        String verb = step.dryRun() ? "would " : "";
        Set<Action> actions = EnumSet.noneOf(Action.class);
        actions.addAll(step.wanted());
        actions.removeAll(disabled);
        List<String> why = new ArrayList<>();
        boolean revised = false;

        // the artifact store: what other machines did for this build
        Optional<String> store = storedImages.storeOf(variant);
        Optional<ImageMetadata> stored = store.flatMap(s -> storedImages.latest(variant, buildName));
        if (store.isEmpty()) {
            actions.remove(Action.UPLOAD);
            actions.remove(Action.SIGN);
            actions.remove(Action.RELEASE);
        } else if (SigningCommand.of(variant).isEmpty()) {
            actions.remove(Action.SIGN);
        }

        // a cloud without import (generic, nocloud) ends at the local image and the store: no cloud
        // actions, no cloud to ask, and no warning about it
        Optional<String> withoutImport = clouds.withoutImport(cloud);
        if (withoutImport.isPresent()) {
            actions.remove(Action.IMPORT);
            actions.remove(Action.PUBLISH);
            // released means published everywhere (StoreRelease): nothing of the kind here
            actions.remove(Action.RELEASE);
        }
        // building locally needs no cloud: its SDK is not loaded and no credentials are asked for
        boolean asksCloud = step.asksClouds() && withoutImport.isEmpty();
        Optional<CloudAdapter> adapter = asksCloud ? adapter(cloud, warnedClouds) : Optional.empty();
        Optional<RemoteImage> remote = adapter.flatMap(a -> a.latestBuildImage(project, buildName,
                dev.cloudimages.cloud.CloudSettings.of(variant)));
        LocalImages.Inspection found = localImages.inspect(cloud, buildName);
        LocalImages.Inspection local = found;
        int revision = Math.max(remote.map(RemoteImage::revision).orElse(-1),
                stored.map(ImageMetadata::revision).orElse(-1));
        if (revision < 0) {
            revision = found.record().map(LocalImages.Record::revision).orElse(0);
        }
        boolean storedPublished = stored.filter(m -> m.isPublished() || m.isReleased()).isPresent();

        boolean removeLocal = false;
        Optional<RemoteImage> removeRemote = Optional.empty();
        Optional<ImageMetadata> removeStored = Optional.empty();
        if (revise) {
            // decided here, done later (Revisions.apply), once the whole plan is known to be sound
            if (local.status() != LocalImages.Status.ABSENT) {
                why.add("--revise: " + verb + "remove local image");
                removeLocal = !step.dryRun();
                local = new LocalImages.Inspection(LocalImages.Status.ABSENT, Optional.empty(), "");
                revised = true;
            }
            boolean remotePublished = remote.isPresent() && remote.get().published()
                    && remote.get().revision() == revision;
            if (remotePublished || storedPublished && stored.get().revision() == revision) {
                int old = revision;
                revision = old + 1;
                why.add("--revise: " + verb + "bump r" + old + " to r" + revision + " (r" + old + " is published)");
                revised = true;
            } else {
                if (remote.isPresent()) {
                    why.add("--revise: " + verb + "remove unpublished " + remote.get().id());
                    removeRemote = step.dryRun() ? Optional.empty() : remote;
                    revised = true;
                } else if (adapter.isEmpty() && asksCloud) {
                    why.add("--revise: cloud state unknown, revision stays r" + revision);
                }
                if (stored.isPresent()) {
                    why.add("--revise: " + verb + "remove unpublished " + stored.get().name() + " from the store");
                    // only a step that uploads replaces what it removes from the store
                    removeStored = step.dryRun() || !step.wanted().contains(Action.UPLOAD) ? Optional.empty() : stored;
                    revised = true;
                }
            }
            remote = Optional.empty();
            stored = Optional.empty();
        } else if (remote.isPresent()) {
            RemoteImage image = remote.get();
            if (image.imported()) {
                actions.remove(Action.BUILD);
                actions.remove(Action.IMPORT);
                why.add("imported as " + image.id());
            }
            if (image.published()) {
                why.add("published r" + image.revision());
            }
        }

        String hash = inputHash.of(variant, revision);
        local = local.against(hash);
        if (step != Step.LOCAL) {
            // a finished image whose bytes changed is reported, and never imported or uploaded
            local = localImages.verify(local, cloud, buildName, false);
        }
        int planned = revision;
        Optional<ImageMetadata> storedHere = stored.filter(m -> m.revision() == planned);
        boolean storedCurrent = storedHere.filter(m -> m.isUploaded() && hash.equals(m.inputHash())).isPresent();
        String endOfLife = remote.map(RemoteImage::endOfLife).filter(e -> !e.isBlank())
                .or(() -> storedHere.map(m -> m.identity().get("end_of_life")).filter(e -> e != null && !e.isBlank()))
                .orElseGet(() -> endOfLife(variant));
        RecordedState records = RecordedState.of(localImages.dir(cloud, buildName), revision, storedHere);
        Optional<RemoteImage> live = remote.filter(r -> r.revision() == planned);
        if (!revise && asksCloud) {
            // before the local image is weighed: a recorded import makes a build unnecessary, as a live one does
            fromRecords(records, adapter.isPresent(), live, PublishIntent.of(variant, endOfLife), actions, why);
        }
        switch (local.status()) {
            case CURRENT -> {
                actions.remove(Action.BUILD);
                why.add("built locally");
            }
            case STALE -> why.add("local image is stale: " + local.detail());
            case CORRUPT -> why.add("local image is unusable: " + local.detail());
            case DAMAGED -> {
                actions.remove(Action.BUILD);
                actions.remove(Action.UPLOAD);
                why.add("local image is damaged (checksum): " + local.detail()
                        + "; './build local --revise' rebuilds it");
            }
            case ABSENT -> {
                if (actions.contains(Action.BUILD) && !storedCurrent) {
                    why.add("no local image");
                }
            }
        }
        if (storedCurrent) {
            // another machine built and stored it: import downloads it rather than build it again
            actions.remove(Action.UPLOAD);
            if (local.status() != LocalImages.Status.CURRENT) {
                actions.remove(Action.BUILD);
            }
            why.add("in the store" + (local.status() == LocalImages.Status.CURRENT ? "" : " (import downloads it)"));
        } else if (storedHere.filter(ImageMetadata::isUploaded).isPresent()) {
            why.add("stored image is stale: its inputs changed since it was uploaded");
        }
        if (actions.contains(Action.UPLOAD) && !actions.contains(Action.BUILD)
                && local.status() != LocalImages.Status.CURRENT) {
            // imported before the store was set and no image here to upload: not worth a rebuild
            actions.remove(Action.UPLOAD);
            why.add("not in the store and not built here: nothing to upload");
        }
        if (adapter.isPresent() && remote.isEmpty()) {
            // the cloud shows nothing (yet): say what the store records
            storedHere.filter(ImageMetadata::isImported)
                    .ifPresent(m -> why.add("store: imported as " + m.importId() + " in " + m.importRegion()));
        }
        storedHere.filter(m -> !m.artifacts().isEmpty() && m.isPublished()).ifPresent(m -> why.add(
                "store: published to " + m.artifacts().size() + " region(s)"));
        if (storedHere.filter(ImageMetadata::isReleased).isPresent()) {
            actions.remove(Action.RELEASE);
            why.add("released");
        }
        if (storedHere.filter(ImageMetadata::isSigned).isPresent()) {
            actions.remove(Action.SIGN);
            why.add("signed");
        }
        if (step.wanted().contains(Action.IMPORT)) {
            withoutImport.ifPresent(why::add);
        }

        Optional<String> localFile = local.status() == LocalImages.Status.ABSENT ? Optional.empty() : local.record()
                .map(r -> "work/images/" + cloud + "/" + buildName + "/" + r.file());
        Whereabouts where = records.where(localFile, live, adapter.isPresent());
        List<Action> ordered = actions.stream().sorted().toList();
        return new Planned(new VariantPlan(variant, buildName, ImageNames.imageName(variant, revision), revision,
                endOfLife, ordered, local.status(),
                adapter.isPresent() || withoutImport.isPresent() ? Optional.of(new VariantPlan.RemoteState(remote))
                        : Optional.empty(),
                hash, why, removeLocal, removeRemote, store, storedHere, removeStored, where),
                revised);
    }

    /**
     * What the records change in the plan. With the cloud asked, a published image whose last
     * publish is recorded as complete for the same settings needs no publish. Without it, the
     * records stand in for the cloud (and say so): a recorded import needs no build or import, a
     * recorded complete publish no publish; with no record the remote state is unknown.
     */
    private static void fromRecords(RecordedState records, boolean cloudAsked, Optional<RemoteImage> live,
                                    String intent, Set<Action> actions, List<String> why) {
        if (cloudAsked) {
            if (live.filter(RemoteImage::published).isPresent() && actions.contains(Action.PUBLISH)) {
                RecordedState.Verdict verdict = records.publishVerdict(live, true, intent);
                if (verdict.done()) {
                    actions.remove(Action.PUBLISH);
                }
                why.add(verdict.why());
            }
            return;
        }
        Optional<String> importedAs = records.importedAs();
        if (importedAs.isEmpty()) {
            why.add("remote state unknown");
            return;
        }
        why.add("remote state from the records (cloud not asked): imported as " + importedAs.get());
        actions.remove(Action.BUILD);
        actions.remove(Action.IMPORT);
        RecordedState.Verdict verdict = records.publishVerdict(Optional.empty(), false, intent);
        if (verdict.done()) {
            actions.remove(Action.PUBLISH);
            why.add(verdict.why());
        }
    }

    private Optional<CloudAdapter> adapter(String cloud, Set<String> warnedClouds) {
        CloudAdapters.Availability availability = clouds.forCloud(cloud);
        if (availability.adapter().isEmpty() && warnedClouds.add(cloud)) {
            log.warn("%s: %s; planning from local state only (import and publish will fail for it)",
                    cloud, availability.reason());
        }
        return availability.adapter();
    }

    /** The variant's end of life; when unknown, tomorrow, as for edge. */
    private String endOfLife(ResolvedVariant variant) {
        Object value = variant.config().get("end_of_life");
        if (value == null || value.toString().isBlank()) {
            LocalDate today = clock.todayUtc();
            return ReleaseCatalog.defaultEndOfLife(today).toString();
        }
        return value.toString();
    }
}
