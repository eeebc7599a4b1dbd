package dev.cloudimages.cloud.oci;

import dev.cloudimages.cloud.ImageIdentity;
import com.oracle.bmc.core.ComputeClient;
import com.oracle.bmc.core.model.ComputeGlobalImageCapabilitySchemaSummary;
import com.oracle.bmc.core.model.CreateComputeImageCapabilitySchemaDetails;
import com.oracle.bmc.core.model.CreateImageDetails;
import com.oracle.bmc.core.model.EnumStringImageCapabilitySchemaDescriptor;
import com.oracle.bmc.core.model.Image;
import com.oracle.bmc.core.model.ImageCapabilitySchemaDescriptor;
import com.oracle.bmc.core.model.ImageShapeCompatibilitySummary;
import com.oracle.bmc.core.model.ImageSourceDetails;
import com.oracle.bmc.core.model.ImageSourceViaObjectStorageTupleDetails;
import com.oracle.bmc.core.model.ImageSourceViaObjectStorageUriDetails;
import com.oracle.bmc.core.model.UpdateImageDetails;
import com.oracle.bmc.core.requests.AddImageShapeCompatibilityEntryRequest;
import com.oracle.bmc.core.requests.CreateComputeImageCapabilitySchemaRequest;
import com.oracle.bmc.core.requests.CreateImageRequest;
import com.oracle.bmc.core.requests.DeleteComputeImageCapabilitySchemaRequest;
import com.oracle.bmc.core.requests.DeleteImageRequest;
import com.oracle.bmc.core.requests.GetImageRequest;
import com.oracle.bmc.core.requests.ListComputeGlobalImageCapabilitySchemasRequest;
import com.oracle.bmc.core.requests.ListComputeImageCapabilitySchemasRequest;
import com.oracle.bmc.core.requests.ListImageShapeCompatibilityEntriesRequest;
import com.oracle.bmc.core.requests.ListImagesRequest;
import com.oracle.bmc.core.requests.RemoveImageShapeCompatibilityEntryRequest;
import com.oracle.bmc.core.requests.UpdateImageRequest;
import com.oracle.bmc.core.responses.CreateImageResponse;
import com.oracle.bmc.core.responses.ListImagesResponse;
import com.oracle.bmc.model.BmcException;
import com.oracle.bmc.workrequests.model.WorkRequest;
import com.oracle.bmc.workrequests.model.WorkRequestError;
import com.oracle.bmc.workrequests.requests.GetWorkRequestRequest;
import com.oracle.bmc.workrequests.requests.ListWorkRequestErrorsRequest;
import dev.cloudimages.cloud.Pending;
import dev.cloudimages.cloud.Polling;
import dev.cloudimages.cloud.RegionSlots;
import dev.cloudimages.cloud.Rollback;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Log;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Custom images in one region: made from an object (or its URL), waited for through their work
 * request and lifecycle with a deadline, given their capability schema (firmware, launch mode,
 * attachment types) and shape compatibility, found by their freeform tags, removed.
 */
final class OciImages {

    /** The journal's word for an image, and the details that find it. */
    static final String IMAGE = "image";
    static final String ID = "id";
    static final String WORK_REQUEST = "work_request";
    static final String COMPARTMENT = "compartment";

    private final OciSession session;
    private final Log log;

    OciImages(OciSession session, Log log) {
        this.session = session;
        this.log = log;
    }

    /** Where an image is made from: an object of the session's namespace, or a URL (a PAR). */
    record Source(String bucket, String object, String url) {

        static Source object(String bucket, String object) {
            return new Source(bucket, object, null);
        }

        static Source url(String url) {
            return new Source(null, null, url);
        }
    }

    /**
     * Makes an image in {@code region} and waits until it is AVAILABLE with its capability schema
     * and shapes; its removal goes on {@code rollback} as soon as OCI has given it an id, and the
     * id and work request into its journal entry ({@code pending}, written before the request).
     */
    Image create(String region, Source source, String displayName, Map<String, String> tags, OciSettings settings,
                 Duration timeout, Duration poll, Rollback rollback, Pending pending) {
        return inSlot(region, settings, "image " + displayName, () -> createHeld(region, source, displayName, tags,
                settings, timeout, poll, rollback, pending));
    }

    /**
     * Runs an image import or export holding one of the region's {@code work_requests} slots,
     * shared by every variant of this run (OCI limits concurrent image imports per region).
     */
    <T> T inSlot(String region, OciSettings settings, String what, java.util.function.Supplier<T> work) {
        return RegionSlots.shared().hold("oci", region, "image work requests", settings.workRequests(),
                () -> log.info("%s in %s: waiting, %d image work requests are in flight there (work_requests)", what,
                        region, settings.workRequests()), work);
    }

    private Image createHeld(String region, Source source, String displayName, Map<String, String> tags,
                             OciSettings settings, Duration timeout, Duration poll, Rollback rollback, Pending pending) {
        ComputeClient compute = session.compute(region);
        String version = tags.getOrDefault("version", tags.getOrDefault("release", ""));
        // the operating system is what the plan lists by (find): OCI's ListImages has no custom-only filter
        ImageSourceDetails details = source.url() != null
                ? ImageSourceViaObjectStorageUriDetails.builder().sourceUri(source.url())
                        .operatingSystem(OciSettings.OPERATING_SYSTEM).operatingSystemVersion(version)
                        .sourceImageType(ImageSourceDetails.SourceImageType.Qcow2).build()
                : ImageSourceViaObjectStorageTupleDetails.builder().namespaceName(session.namespace())
                        .bucketName(source.bucket()).objectName(source.object())
                        .operatingSystem(OciSettings.OPERATING_SYSTEM).operatingSystemVersion(version)
                        .sourceImageType(ImageSourceDetails.SourceImageType.Qcow2).build();
        CreateImageResponse created;
        try {
            created = compute.createImage(CreateImageRequest.builder().createImageDetails(CreateImageDetails.builder()
                    .compartmentId(settings.compartment()).displayName(displayName).freeformTags(tags)
                    .launchMode(CreateImageDetails.LaunchMode.create(settings.launchMode()))
                    .imageSourceDetails(details).build()).build());
        } catch (BmcException e) {
            throw OciFailures.of("creating image " + displayName + " in " + region, e, session);
        }
        String imageId = created.getImage().getId();
        pending.with(ID, imageId);
        if (created.getOpcWorkRequestId() != null) {
            pending.with(WORK_REQUEST, created.getOpcWorkRequestId());
        }
        rollback.onFailure("image " + imageId + " in " + region, () -> {
            delete(region, imageId);
            pending.done();
        });
        log.info("image %s in %s: %s (work request %s)", imageId, region, created.getImage().getLifecycleState(),
                created.getOpcWorkRequestId());
        if (created.getOpcWorkRequestId() != null) {
            waitFor(region, created.getOpcWorkRequestId(), "the import of image " + displayName + " into " + region,
                    timeout, poll);
        }
        Image image = waitAvailable(region, imageId, timeout, poll);
        describe(region, image, settings);
        return image;
    }

    /** Waits for a work request to succeed; FAILED or CANCELED end with OCI's errors. */
    void waitFor(String region, String workRequestId, String what, Duration timeout, Duration poll) {
        AtomicReference<WorkRequest.Status> last = new AtomicReference<>();
        long started = System.nanoTime();
        Polling.until(what, timeout, "import.timeout / publish.timeout", poll, () -> {
            WorkRequest request;
            try {
                request = session.workRequests(region).getWorkRequest(GetWorkRequestRequest.builder()
                        .workRequestId(workRequestId).build()).getWorkRequest();
            } catch (BmcException e) {
                throw OciFailures.of("reading work request " + workRequestId, e, session);
            }
            WorkRequest.Status status = request.getStatus();
            if (last.getAndSet(status) != status) {
                log.info("%s: %s%s after %d s", what, status.getValue(), request.getPercentComplete() == null ? ""
                        : String.format(" (%.0f%%)", request.getPercentComplete()), (System.nanoTime() - started) / 1_000_000_000L);
            }
            return switch (status) {
                case Succeeded -> Optional.of(request);
                case Failed, Canceled, Canceling -> throw new BuildException(what + " " + status.getValue().toLowerCase()
                        + ": " + errors(region, workRequestId));
                default -> Optional.empty();
            };
        });
    }

    private String errors(String region, String workRequestId) {
        try {
            List<WorkRequestError> errors = session.workRequests(region).listWorkRequestErrors(
                    ListWorkRequestErrorsRequest.builder().workRequestId(workRequestId).build()).getItems();
            return errors.isEmpty() ? "no detail from OCI"
                    : String.join("; ", errors.stream().map(e -> e.getCode() + ": " + e.getMessage()).toList());
        } catch (BmcException e) {
            return "no detail from OCI (" + e.getStatusCode() + ")";
        }
    }

    Image waitAvailable(String region, String imageId, Duration timeout, Duration poll) {
        AtomicReference<Image.LifecycleState> last = new AtomicReference<>();
        return Polling.until("image " + imageId + " in " + region, timeout, "import.timeout / publish.timeout", poll, () -> {
            Image image = get(region, imageId);
            if (last.getAndSet(image.getLifecycleState()) != image.getLifecycleState()) {
                log.info("image %s in %s: %s", imageId, region, image.getLifecycleState().getValue());
            }
            return switch (image.getLifecycleState()) {
                case Available -> Optional.of(image);
                case Deleted, Disabled -> throw new BuildException("image " + imageId + " in " + region + " is "
                        + image.getLifecycleState().getValue().toLowerCase());
                default -> Optional.empty();
            };
        });
    }

    /** The image of this id, if OCI still has it. */
    Optional<Image> find(String region, String imageId) {
        try {
            return Optional.of(session.compute(region).getImage(GetImageRequest.builder().imageId(imageId).build())
                    .getImage());
        } catch (BmcException e) {
            if (OciFailures.notFound(e)) {
                return Optional.empty();
            }
            throw OciFailures.of("reading image " + imageId + " in " + region, e, session);
        }
    }

    Image get(String region, String imageId) {
        try {
            return session.compute(region).getImage(GetImageRequest.builder().imageId(imageId).build()).getImage();
        } catch (BmcException e) {
            throw OciFailures.of("reading image " + imageId + " in " + region, e, session);
        }
    }

    /**
     * The capability schema (firmware, launch mode and its attachment types) and the shapes,
     * each only when missing, so a re-run changes nothing; whether anything was added.
     */
    boolean describe(String region, Image image, OciSettings settings) {
        ComputeClient compute = session.compute(region);
        boolean changed = false;
        try {
            boolean hasSchema = !compute.listComputeImageCapabilitySchemas(ListComputeImageCapabilitySchemasRequest
                    .builder().compartmentId(settings.compartment()).imageId(image.getId()).build()).getItems().isEmpty();
            if (!hasSchema) {
                List<ComputeGlobalImageCapabilitySchemaSummary> global = compute.listComputeGlobalImageCapabilitySchemas(
                        ListComputeGlobalImageCapabilitySchemasRequest.builder().build()).getItems();
                if (global.isEmpty()) {
                    throw new BuildException("OCI lists no global image capability schema in " + region);
                }
                compute.createComputeImageCapabilitySchema(CreateComputeImageCapabilitySchemaRequest.builder()
                        .createComputeImageCapabilitySchemaDetails(CreateComputeImageCapabilitySchemaDetails.builder()
                                .compartmentId(settings.compartment()).imageId(image.getId())
                                .displayName(image.getDisplayName())
                                .computeGlobalImageCapabilitySchemaVersionName(global.get(0).getCurrentVersionName())
                                .schemaData(schema(settings)).build()).build());
                log.info("image %s in %s: firmware %s, launch mode %s", image.getId(), region, settings.firmware(),
                        settings.launchMode());
                changed = true;
            }
            List<String> have = new ArrayList<>();
            for (ImageShapeCompatibilitySummary entry : compute.listImageShapeCompatibilityEntries(
                    ListImageShapeCompatibilityEntriesRequest.builder().imageId(image.getId()).build()).getItems()) {
                have.add(entry.getShape());
            }
            for (String shape : settings.shapes()) {
                if (!have.contains(shape)) {
                    compute.addImageShapeCompatibilityEntry(AddImageShapeCompatibilityEntryRequest.builder()
                            .imageId(image.getId()).shapeName(shape).build());
                    log.info("image %s in %s: compatible with %s", image.getId(), region, shape);
                    changed = true;
                }
            }
            for (String shape : settings.unwantedShapes(have)) {
                compute.removeImageShapeCompatibilityEntry(RemoveImageShapeCompatibilityEntryRequest.builder()
                        .imageId(image.getId()).shapeName(shape).build());
                log.info("image %s in %s: not for %s", image.getId(), region, shape);
                changed = true;
            }
            return changed;
        } catch (BmcException e) {
            throw OciFailures.of("setting the capabilities of image " + image.getId() + " in " + region, e, session);
        }
    }

    static Map<String, ImageCapabilitySchemaDescriptor> schema(OciSettings settings) {
        Map<String, ImageCapabilitySchemaDescriptor> schema = new LinkedHashMap<>();
        schema.put("Compute.Firmware", fixed(settings.firmware()));
        if (!settings.launchMode().equals("CUSTOM")) {
            schema.put("Compute.LaunchMode", fixed(settings.launchMode()));
            // the attachment types each launch mode boots with
            String volume = settings.launchMode().equals("PARAVIRTUALIZED") ? "PARAVIRTUALIZED" : "ISCSI";
            String network = switch (settings.launchMode()) {
                case "PARAVIRTUALIZED" -> "PARAVIRTUALIZED";
                case "NATIVE" -> "VFIO";
                default -> "E1000";
            };
            schema.put("Storage.BootVolumeType", fixed(volume));
            schema.put("Network.AttachmentType", fixed(network));
        }
        return schema;
    }

    private static ImageCapabilitySchemaDescriptor fixed(String value) {
        return EnumStringImageCapabilitySchemaDescriptor.builder().source(ImageCapabilitySchemaDescriptor.Source.Image)
                .values(List.of(value)).defaultValue(value).build();
    }

    /** Adds the tags of {@code want} the image lacks (UpdateImage replaces all freeform tags: they are merged). */
    Image tag(String region, Image image, Map<String, String> want) {
        Map<String, String> missing = ImageIdentity.missingTags(OciTags.of(image), want);
        if (missing.isEmpty()) {
            return image;
        }
        Map<String, String> merged = new LinkedHashMap<>(OciTags.of(image));
        merged.putAll(missing);
        try {
            return session.compute(region).updateImage(UpdateImageRequest.builder().imageId(image.getId())
                    .updateImageDetails(UpdateImageDetails.builder().freeformTags(merged).build()).build()).getImage();
        } catch (BmcException e) {
            throw OciFailures.of("tagging image " + image.getId() + " in " + region, e, session);
        }
    }

    /** Removes freeform tags from an image (all of them are written back without those). */
    Image untag(String region, Image image, List<String> keys) {
        Map<String, String> kept = new LinkedHashMap<>(OciTags.of(image));
        if (!kept.keySet().removeAll(keys)) {
            return image;
        }
        try {
            return session.compute(region).updateImage(UpdateImageRequest.builder().imageId(image.getId())
                    .updateImageDetails(UpdateImageDetails.builder().freeformTags(kept).build()).build()).getImage();
        } catch (BmcException e) {
            throw OciFailures.of("tagging image " + image.getId() + " in " + region, e, session);
        }
    }

    /**
     * This build's images in a compartment of a region (any revision when {@code revision} is null),
     * not deleted.
     */
    List<Image> find(String region, String compartment, String project, String buildName, Integer revision) {
        return live(session, region, compartment, i -> OciTags.sameBuild(i, project, buildName, revision),
                "the images of " + buildName);
    }

    /**
     * The images of a compartment of a region that {@code which} accepts, not deleted. ListImages
     * answers with every platform image too, page after page, unless asked for one operating
     * system: it is asked for the one the images made here carry.
     */
    static List<Image> live(OciSession session, String region, String compartment,
                            java.util.function.Predicate<Image> which, String what) {
        List<Image> found = new ArrayList<>();
        String page = null;
        try {
            do {
                ListImagesResponse response = session.compute(region).listImages(ListImagesRequest.builder()
                        .compartmentId(compartment).operatingSystem(OciSettings.OPERATING_SYSTEM).page(page).build());
                response.getItems().stream()
                        .filter(i -> i.getLifecycleState() != Image.LifecycleState.Deleted)
                        .filter(which).forEach(found::add);
                page = response.getOpcNextPage();
            } while (page != null);
        } catch (BmcException e) {
            throw OciFailures.of("listing " + what + " in " + region, e, session);
        }
        return found;
    }

    /** Deletes an image and the capability schema made for it (a resource of its own). */
    void delete(String region, String imageId) {
        try {
            ComputeClient compute = session.compute(region);
            for (var schema : compute.listComputeImageCapabilitySchemas(ListComputeImageCapabilitySchemasRequest.builder()
                    .imageId(imageId).build()).getItems()) {
                compute.deleteComputeImageCapabilitySchema(DeleteComputeImageCapabilitySchemaRequest.builder()
                        .computeImageCapabilitySchemaId(schema.getId()).build());
            }
            compute.deleteImage(DeleteImageRequest.builder().imageId(imageId).build());
        } catch (BmcException e) {
            if (!OciFailures.notFound(e)) {
                throw OciFailures.of("deleting image " + imageId + " in " + region, e, session);
            }
        }
    }
}
