package dev.cloudimages.cloud.oci;

import com.oracle.bmc.core.model.ExportImageDetails;
import com.oracle.bmc.core.model.ExportImageViaObjectStorageTupleDetails;
import com.oracle.bmc.core.model.Image;
import com.oracle.bmc.core.requests.ExportImageRequest;
import com.oracle.bmc.core.responses.ExportImageResponse;
import com.oracle.bmc.model.BmcException;
import dev.cloudimages.cloud.CloudContext;
import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.cloud.ImportJournal;
import dev.cloudimages.cloud.Pending;
import dev.cloudimages.cloud.PublishJob;
import dev.cloudimages.cloud.PublishResult;
import dev.cloudimages.cloud.Rollback;
import dev.cloudimages.support.BuildException;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Publishing on OCI, where custom images are regional and cannot be copied: the source image is
 * exported (QCOW2) to the bucket once, and each further region imports it through a short-lived
 * read PAR, publish.region_concurrency regions at a time (each region's image work is bounded
 * by work_requests across variants: {@link OciImages#inSlot}). Every step reads first, so a re-run only finishes what is missing; a failing region
 * does not stop the others. access.PUBLIC keeps the export with a read PAR valid until end of life.
 */
final class OciPublisher {

    private final OciSession session;
    private final CloudContext context;
    private final OciImages images;
    private final ObjectUpload objects;

    OciPublisher(OciSession session, CloudContext context) {
        this.session = session;
        this.context = context;
        this.images = new OciImages(session, context.log());
        this.objects = new ObjectUpload(session, context.log());
    }

    PublishResult publish(PublishJob job) {
        ImageIdentity identity = job.identity();
        OciSettings settings = OciSettings.of(identity, job.settings(), session);
        String home = session.region();
        List<String> notes = new ArrayList<>();
        List<String> regions = regions(job, notes);
        boolean open = Boolean.TRUE.equals(job.settings().flags("access").get("PUBLIC"));
        job.settings().flags("access").forEach((who, on) -> {
            if (on && !who.equals("PUBLIC")) {
                notes.add("access." + who + ": OCI cannot share a custom image with another tenancy; left out"
                        + " (use access.PUBLIC for a download URL)");
            }
        });
        String now = context.timestamp();
        Image source = images.get(home, job.source().id());
        Map<String, String> regionTags = OciTags.of(identity, Map.of(ImageIdentity.IMPORTED, OciTags.of(source)
                .getOrDefault(ImageIdentity.IMPORTED, now), OciTags.SOURCE_ID, source.getId(), OciTags.SOURCE_REGION, home,
                ImageIdentity.PUBLISHED, now));
        Export export = new Export(identity.buildName() + "-r" + identity.revision() + ".qcow2", settings);
        List<PublishResult.RegionOutcome> outcomes;
        try {
            Image from = source;
            outcomes = RegionCopies.run(regions, settings.regionConcurrency(), region -> {
                try {
                    return region.equals(home) ? home(from, settings)
                            : other(region, from, identity, settings, regionTags, export);
                } catch (BuildException e) {
                    context.log().error("[%s] %s: %s", identity.variantKey(), region, e.getMessage());
                    return new PublishResult.RegionOutcome(region, "", e.getMessage(), true);
                }
            });
            if (open) {
                notes.add(publicUrl(source, identity, settings, export));
            } else if (OciTags.of(source).containsKey(OciTags.PUBLIC_PAR)) {
                notes.add(revokePublicUrl(source, identity, settings, export));
            }
        } finally {
            if (!open) {
                export.remove();
            }
        }
        outcomes.forEach(o -> context.log().info("[%s] %s: %s%s", identity.variantKey(), o.region(),
                o.imageId().isEmpty() ? "" : o.imageId() + " ", o.outcome()));
        if (outcomes.stream().anyMatch(o -> !o.failed())) {
            source = images.get(home, source.getId());
            images.tag(home, source, Map.of(ImageIdentity.PUBLISHED, now));
        }
        return new PublishResult(outcomes, notes);
    }

    /**
     * The import region first, then the others in name order: every region the tenancy is
     * subscribed to for regions.ALL, else those listed by name; a name OCI does not know fails
     * before anything changes.
     */
    private List<String> regions(PublishJob job, List<String> notes) {
        Map<String, Boolean> flags = job.settings().flags("regions");
        java.util.TreeSet<String> others = new java.util.TreeSet<>();
        new java.util.TreeMap<>(flags).forEach((region, on) -> {
            if (!region.equals("ALL") && !OciSession.knownRegion(region)) {
                throw job.settings().bad("regions." + region, on.toString(), "an OCI region name such as eu-frankfurt-1");
            }
            if (on && !region.equals("ALL")) {
                others.add(region);
            }
        });
        if (Boolean.TRUE.equals(flags.get("ALL"))) {
            String tenancy = session.tenancy().orElse(null);
            if (tenancy == null) {
                notes.add("regions.ALL: the tenancy is not known with instance principals, so its region"
                        + " subscriptions cannot be listed; name the regions (regions { \"uk-london-1\" = true })");
            } else {
                others.addAll(new RegionSubscriptions(session).ready(tenancy));
            }
        }
        // a region set to false stays out, ALL or not
        flags.forEach((region, on) -> {
            if (!on) {
                others.remove(region);
            }
        });
        others.remove(session.region());
        List<String> regions = new ArrayList<>(List.of(session.region()));
        regions.addAll(others);
        return regions;
    }

    private PublishResult.RegionOutcome home(Image source, OciSettings settings) {
        boolean changed = images.describe(session.region(), source, settings);
        return new PublishResult.RegionOutcome(session.region(), source.getId(), changed ? "updated" : "unchanged", false);
    }

    private PublishResult.RegionOutcome other(String region, Image source, ImageIdentity identity, OciSettings settings,
                                              Map<String, String> tags, Export export) {
        List<Image> found = images.find(region, settings.compartment(), identity.project(), identity.buildName(),
                identity.revision());
        if (!found.isEmpty()) {
            Image image = found.get(0);
            if (image.getLifecycleState() != Image.LifecycleState.Available) {
                image = images.waitAvailable(region, image.getId(), settings.publishTimeout(), context.pollInterval());
            }
            boolean changed = images.describe(region, image, settings);
            changed |= !ImageIdentity.missingTags(OciTags.of(image), withoutTimes(tags, image)).isEmpty();
            images.tag(region, image, withoutTimes(tags, image));
            return new PublishResult.RegionOutcome(region, image.getId(), changed ? "updated" : "unchanged", false);
        }
        String object = export.object(source);
        try (Rollback temporaries = new Rollback(context.log()); Rollback rollback = new Rollback(context.log())) {
            // publishing has no journal: a killed publish leaves a region's image, which a re-run reuses
            ImportJournal none = ImportJournal.inMemory();
            ObjectUpload.Par par = objects.readPar(session.region(), settings.bucket(), object, object + "-" + region,
                    Instant.now().plus(settings.publishTimeout()).plus(1, ChronoUnit.HOURS), temporaries, none);
            Image image = images.create(region, OciImages.Source.url(par.url()), identity.imageName(), tags, settings,
                    settings.publishTimeout(), context.pollInterval(), rollback, Pending.before(none,
                            new ImportJournal.Entry(OciImages.IMAGE, identity.imageName(), region, Map.of())));
            rollback.commit();
            return new PublishResult.RegionOutcome(region, image.getId(), "imported from " + session.region(), false);
        }
    }

    /** A re-run leaves the times an image was stamped with alone. */
    private static Map<String, String> withoutTimes(Map<String, String> tags, Image image) {
        Map<String, String> want = new LinkedHashMap<>(tags);
        for (String time : List.of(ImageIdentity.IMPORTED, ImageIdentity.PUBLISHED)) {
            if (OciTags.of(image).containsKey(time)) {
                want.remove(time);
            }
        }
        return want;
    }

    /**
     * access.PUBLIC: a read PAR on the export until end of life (00:00 UTC of that day; a year
     * from now without one). Its URL is shown only once by OCI, so it is kept in a tag of the
     * source image and a re-run reuses it.
     */
    private String publicUrl(Image source, ImageIdentity identity, OciSettings settings, Export export) {
        String url = OciTags.of(source).get(OciTags.PUBLIC_URL);
        String object = export.object(source);
        if (url == null) {
            Instant until = endOfLife(identity.endOfLife());
            ObjectUpload.Par par = objects.readPar(session.region(), settings.bucket(), object, object + "-public", until);
            url = par.url();
            images.tag(session.region(), images.get(session.region(), source.getId()), Map.of(OciTags.PUBLIC_URL, url,
                    OciTags.PUBLIC_PAR, par.id()));
            context.log().info("[%s] public download of the image until %s: %s", identity.variantKey(), until.truncatedTo(ChronoUnit.SECONDS), url);
        }
        return "public (access.PUBLIC): the QCOW2 image can be downloaded until its end of life from " + url;
    }

    /** access.PUBLIC turned off: the public PAR and the export go, and so do the tags naming them. */
    private String revokePublicUrl(Image source, ImageIdentity identity, OciSettings settings, Export export) {
        objects.deletePar(session.region(), settings.bucket(), OciTags.of(source).get(OciTags.PUBLIC_PAR));
        export.forget();
        objects.deleteObject(session.region(), settings.bucket(), export.name());
        images.untag(session.region(), images.get(session.region(), source.getId()),
                List.of(OciTags.PUBLIC_URL, OciTags.PUBLIC_PAR));
        context.log().info("[%s] access.PUBLIC is off: the public download URL is revoked", identity.variantKey());
        return "not public: the public download URL of the image was revoked";
    }

    private static Instant endOfLife(String endOfLife) {
        try {
            Instant at = LocalDate.parse(endOfLife.substring(0, Math.min(10, endOfLife.length())))
                    .atStartOfDay(ZoneOffset.UTC).toInstant();
            if (at.isAfter(Instant.now())) {
                return at;
            }
        } catch (RuntimeException ignored) {
            // no usable end of life: a year
        }
        return Instant.now().plus(365, ChronoUnit.DAYS);
    }

    /** The source image exported once to the bucket, when a region or access.PUBLIC needs it. */
    private final class Export {
        private final String object;
        private final OciSettings settings;
        private volatile boolean present;

        Export(String object, OciSettings settings) {
            this.object = object;
            this.settings = settings;
        }

        /** The export's object name, exported first if it is not there; regions asking at once wait for one export. */
        synchronized String object(Image source) {
            if (!present && !objects.exists(session.region(), settings.bucket(), object)) {
                String home = session.region();
                context.log().info("exporting image %s to %s in bucket %s", source.getId(), object, settings.bucket());
                try {
                    images.inSlot(home, settings, "the export of " + source.getId(), () -> export(source, home));
                    images.waitAvailable(home, source.getId(), settings.publishTimeout(), context.pollInterval());
                } catch (BmcException e) {
                    objects.deleteObject(home, settings.bucket(), object);
                    throw OciFailures.of("exporting image " + source.getId(), e, session);
                } catch (BuildException e) {
                    objects.deleteObject(home, settings.bucket(), object);
                    throw e;
                }
            }
            present = true;
            return object;
        }

        /** ExportImage (QCOW2) to the bucket, waited for through its work request. */
        private Void export(Image source, String home) {
            ExportImageResponse response = session.compute(home).exportImage(ExportImageRequest.builder()
                    .imageId(source.getId()).exportImageDetails(ExportImageViaObjectStorageTupleDetails.builder()
                            .namespaceName(session.namespace()).bucketName(settings.bucket()).objectName(object)
                            .exportFormat(ExportImageDetails.ExportFormat.Qcow2).build()).build());
            if (response.getOpcWorkRequestId() != null) {
                images.waitFor(home, response.getOpcWorkRequestId(), "the export of " + source.getId(),
                        settings.publishTimeout(), context.pollInterval());
            }
            return null;
        }

        String name() {
            return object;
        }

        /** Someone else removes the export. */
        void forget() {
            present = false;
        }

        void remove() {
            if (present) {
                objects.deleteObject(session.region(), settings.bucket(), object);
                context.log().info("removed the export %s from bucket %s", object, settings.bucket());
            }
        }
    }
}
