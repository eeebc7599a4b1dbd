package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.CloudSettings;
import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.cloud.ImportJournal;
import dev.cloudimages.cloud.Polling;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Log;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ArchitectureValues;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ImageState;
import software.amazon.awssdk.services.ec2.model.RegisterImageRequest;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.VolumeType;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a snapshot into an AMI: architecture, root device, gp3, ENA, hvm, boot mode from the
 * firmware (or import.boot_mode), IMDS and TPM from config; snapshot and AMI tagged with the
 * build identity plus imported, source_id and source_region.
 */
final class AmiRegistrar {

    static final String ROOT_DEVICE = "/dev/xvda";

    /** The registration settings of one variant, checked before anything is uploaded. */
    record Settings(ArchitectureValues architecture, String bootMode, Optional<String> imds, Optional<String> tpm) {

        static Settings of(ImageIdentity identity, CloudSettings settings) {
            ArchitectureValues arch = switch (identity.arch()) {
                case "x86_64" -> ArchitectureValues.X86_64;
                case "aarch64" -> ArchitectureValues.ARM64;
                default -> throw new BuildException("variant " + identity.variantKey() + ": AWS has no architecture for arch '"
                        + identity.arch() + "'; use x86_64 or aarch64");
            };
            boolean uefi = identity.firmware().equals("uefi");
            // uefi-preferred is for images that boot both ways; each image we build boots one way only
            String only = uefi ? "uefi" : "legacy-bios";
            String bootMode = settings.string("import.boot_mode", only);
            if (!bootMode.equals(only)) {
                throw settings.bad("import.boot_mode", bootMode, only + " for a " + identity.firmware() + " image ("
                        + "it boots by " + identity.firmware() + " only; uefi-preferred is for images that boot both ways)");
            }
            Optional<String> imds = Optional.ofNullable(settings.choice("import.imds_support", "v2.0",
                    List.of("v2.0", "none"))).filter(v -> !v.equals("none"));
            Optional<String> tpm = Optional.ofNullable(settings.choice("import.tpm_support", "none",
                    List.of("v2.0", "none"))).filter(v -> !v.equals("none"));
            if (tpm.isPresent() && !uefi) {
                throw settings.bad("import.tpm_support", tpm.get(), "none for a bios image (NitroTPM needs UEFI)");
            }
            return new Settings(arch, bootMode, imds, tpm);
        }
    }

    private final AwsSession session;
    private final Log log;

    AmiRegistrar(AwsSession session, Log log) {
        this.session = session;
        this.log = log;
    }

    /**
     * Registers the snapshot as an AMI and waits until it is available. The AMI is written down in the
     * journal (by name) before RegisterImage and handed to the run's rollback once its id is known.
     * RegisterImage's tags are checked on the AMI it made, and what is missing is added.
     */
    Image register(String snapshotId, Settings settings, String importedAt, ImportRun run) {
        String region = run.region();
        ImageIdentity identity = run.identity();
        Ec2Client ec2 = session.ec2(region);
        Eventually eventually = run.eventually();
        try {
            Map<String, String> tags = AwsTags.of(identity, Map.of(ImageIdentity.IMPORTED, importedAt));
            eventually.run(() -> ec2.createTags(b -> b.resources(snapshotId).tags(AwsTags.list(tags))), snapshotId);
            RegisterImageRequest.Builder request = RegisterImageRequest.builder().name(identity.imageName())
                    .description(identity.description()).architecture(settings.architecture())
                    .rootDeviceName(ROOT_DEVICE)
                    .blockDeviceMappings(m -> m.deviceName(ROOT_DEVICE).ebs(e -> e.snapshotId(snapshotId)
                            .volumeType(VolumeType.GP3).deleteOnTermination(true)))
                    .enaSupport(true).virtualizationType("hvm").bootMode(settings.bootMode())
                    .tagSpecifications(AwsTags.spec(ResourceType.IMAGE, tags));
            settings.imds().ifPresent(request::imdsSupport);
            settings.tpm().ifPresent(request::tpmSupport);
            ImportJournal.Entry planned = run.before("image", identity.imageName(), Map.of());
            String imageId = eventually.call(() -> ec2.registerImage(request.build()), snapshotId).imageId();
            ImportJournal.Entry entry = run.madeAs(planned, imageId);
            run.onFailure("image " + imageId + " in " + region, entry,
                    () -> eventually.run(() -> ec2.deregisterImage(b -> b.imageId(imageId)), imageId));
            log.info("[%s] registered %s as %s in %s", identity.variantKey(), identity.imageName(), imageId, region);
            Map<String, String> want = new LinkedHashMap<>(tags);
            want.put("source_id", imageId);
            want.put("source_region", region);
            Image image = waitAvailable(ec2, eventually, imageId, identity.variantKey(), region, run.timeout(),
                    run.poll(), log);
            // RegisterImage's TagSpecification is not always all there: check, and add what is missing
            Map<String, String> missing = ImageIdentity.missingTags(AwsTags.map(image.tags()), want);
            if (!missing.isEmpty()) {
                eventually.run(() -> ec2.createTags(b -> b.resources(imageId, snapshotId)
                        .tags(AwsTags.list(missing))), imageId, snapshotId);
                Map<String, String> all = new LinkedHashMap<>(AwsTags.map(image.tags()));
                all.putAll(missing);
                image = image.toBuilder().tags(AwsTags.list(all)).build();
            }
            return image;
        } catch (SdkException e) {
            throw AwsFailures.of("registering " + identity.imageName(), e, session);
        }
    }

    /** Waits until an AMI is available; a failed or vanished one is an error. */
    static Image waitAvailable(Ec2Client ec2, Eventually eventually, String imageId, String variantKey, String region,
                               Duration timeout, Duration poll, Log log) {
        long started = System.nanoTime();
        String[] last = {""};
        return Polling.until("[" + variantKey + "] image " + imageId + " in " + region, timeout, "publish.timeout", poll,
                () -> {
                    List<Image> images = eventually.call(() -> ec2.describeImages(b -> b.imageIds(imageId)), imageId)
                            .images();
                    if (images.isEmpty()) {
                        throw new BuildException("[" + variantKey + "] image " + imageId + " in " + region
                                + " disappeared while it was being made");
                    }
                    Image image = images.get(0);
                    if (image.state() == ImageState.FAILED || image.state() == ImageState.ERROR
                            || image.state() == ImageState.INVALID || image.state() == ImageState.DEREGISTERED) {
                        throw new BuildException("[" + variantKey + "] image " + imageId + " in " + region + " is "
                                + image.stateAsString() + Optional.ofNullable(image.stateReason())
                                .map(r -> ": " + r.message()).orElse(""));
                    }
                    if (!image.stateAsString().equals(last[0])) {
                        log.info("[%s] %s %s: %s (%d s)", variantKey, region, imageId, image.stateAsString(),
                                (System.nanoTime() - started) / 1_000_000_000L);
                        last[0] = image.stateAsString();
                    }
                    return image.state() == ImageState.AVAILABLE ? Optional.of(image) : Optional.empty();
                });
    }
}
