package dev.cloudimages.cloud.gcp;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.compute.v1.GuestOsFeature;
import com.google.cloud.compute.v1.Image;
import com.google.cloud.compute.v1.InsertImageRequest;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.RawDisk;
import dev.cloudimages.cloud.CloudSettings;
import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.cloud.Pending;
import dev.cloudimages.cloud.Rollback;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Log;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Creates the image from the uploaded tar.gz (images.insert with rawDisk.source), with the
 * variant's architecture, guest OS features and identity labels (its family comes at release,
 * {@link GcpFamily}), and waits for the
 * operation; the image is recorded in the rollback as soon as the insert is accepted.
 */
final class ImageCreator {

    /** Guest OS features a config may ask for (UEFI_COMPATIBLE also follows from firmware = uefi). */
    static final List<String> FEATURES = List.of("UEFI_COMPATIBLE", "GVNIC", "VIRTIO_SCSI_MULTIQUEUE",
            "SEV_CAPABLE", "SEV_SNP_CAPABLE", "SEV_LIVE_MIGRATABLE_V2", "TDX_CAPABLE", "IDPF", "SECURE_BOOT",
            "MULTI_IP_SUBNET");

    /** Everything the insert needs from the config, checked before anything is uploaded. */
    record Settings(String imageName, String family, String architecture, List<String> features,
                    Duration timeout) {

        static Settings of(ImageIdentity identity, CloudSettings settings) {
            String name = GcpLabels.name("image name", identity.imageName(),
                    "shorten the name or its parts (name = [...] in the configs)");
            // latest.family; import.family is its older name (the family moves at release either way)
            String family = settings.string(GcpFamily.SETTING, settings.string("import.family", ""));
            if (!family.isEmpty()) {
                family = GcpLabels.name("image family", family.replace("{version}", text(identity, "version"))
                        .replace("{arch}", identity.arch()).replace("{firmware}", identity.firmware()),
                        "fix latest.family in configs/cloud/gcp.conf");
            }
            String architecture = switch (identity.arch()) {
                case "x86_64" -> "X86_64";
                case "aarch64" -> "ARM64";
                default -> throw new BuildException("gcp: variant " + identity.variantKey() + " has arch '"
                        + identity.arch() + "', GCP images are x86_64 or aarch64");
            };
            TreeSet<String> features = new TreeSet<>();
            settings.flags("import.guest_os_features").forEach((feature, on) -> {
                String upper = feature.toUpperCase(Locale.ROOT);
                if (!FEATURES.contains(upper)) {
                    throw settings.bad("import.guest_os_features." + feature, on.toString(), "a key of "
                            + String.join(", ", FEATURES));
                }
                if (on) {
                    features.add(upper);
                }
            });
            if (identity.firmware().equals("uefi")) {
                features.add("UEFI_COMPATIBLE");
            } else {
                features.remove("UEFI_COMPATIBLE");
            }
            return new Settings(name, family, architecture, List.copyOf(features),
                    settings.duration("import.timeout", Duration.ofHours(1)));
        }

        private static String text(ImageIdentity identity, String key) {
            return identity.tags().getOrDefault(key, "");
        }
    }

    private final GcpSession session;
    private final Log log;

    ImageCreator(GcpSession session, Log log) {
        this.session = session;
        this.log = log;
    }

    /** The journal's word for an image (its name is the image name), and its insert operation. */
    static final String IMAGE = "image";
    static final String OPERATION = "operation";

    /**
     * Inserts the image and waits for it; the journal has it (by name) before the insert, its
     * operation once accepted, and it is crossed off when the rollback removes it or the caller
     * keeps it ({@code pending}).
     */
    Image create(String sourceUrl, ImageIdentity identity, Settings settings, Map<String, String> labels,
                 Duration interval, Rollback rollback, Pending pending) {
        Image.Builder image = Image.newBuilder().setName(settings.imageName())
                .setDescription(identity.description()).setArchitecture(settings.architecture())
                .setRawDisk(RawDisk.newBuilder().setSource(sourceUrl).setContainerType("TAR"))
                .putAllLabels(labels);
        // no family here: the image joins its family when it is released (GcpFamily), so the family
        // keeps naming the released image while this one is imported and published
        settings.features().forEach(f -> image.addGuestOsFeatures(GuestOsFeature.newBuilder().setType(f)));
        String project = session.project();
        String what = "creating image " + settings.imageName();
        Operation started;
        try {
            started = session.images().insertCallable().call(InsertImageRequest.newBuilder().setProject(project)
                    .setImageResource(image).build());
        } catch (ApiException e) {
            throw GcpFailures.of(what, e, session);
        }
        pending.with(OPERATION, started.getName());
        rollback.onFailure("image " + settings.imageName() + " in project " + project, () -> {
            delete(settings.imageName(), settings.timeout(), interval);
            pending.done();
        });
        log.info("[%s] %s from %s (%s, %s)", identity.variantKey(), what, sourceUrl, settings.architecture(),
                settings.features().isEmpty() ? "no guest OS features" : String.join(", ", settings.features()));
        GcpOperations.await(session, started, what, settings.timeout(), "import.timeout", interval);
        try {
            Image made = session.images().get(project, settings.imageName());
            if (!made.getStatus().equals("READY")) {
                throw new BuildException("gcp: image " + settings.imageName() + " is " + made.getStatus()
                        + " after its creation finished");
            }
            return made;
        } catch (ApiException e) {
            throw GcpFailures.of("reading image " + settings.imageName(), e, session);
        }
    }

    /** Deletes an image and waits for it to go; one that is gone already is fine. */
    void delete(String name, Duration timeout, Duration interval) {
        try {
            Operation started = session.images().deleteCallable().call(
                    com.google.cloud.compute.v1.DeleteImageRequest.newBuilder().setProject(session.project())
                            .setImage(name).build());
            GcpOperations.await(session, started, "deleting image " + name, timeout, null, interval);
        } catch (ApiException e) {
            if (!GcpFailures.notFound(e)) {
                throw GcpFailures.of("deleting image " + name, e, session);
            }
        }
    }

    /** The image of this name, if there is one. */
    Optional<Image> find(String name) {
        try {
            return Optional.of(session.images().get(session.project(), name));
        } catch (ApiException e) {
            if (GcpFailures.notFound(e)) {
                return Optional.empty();
            }
            throw GcpFailures.of("reading image " + name, e, session);
        }
    }
}
