package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.CloudSettings;
import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.cloud.Polling;
import dev.cloudimages.cloud.Rollback;
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
            String bootMode = settings.choice("import.boot_mode", uefi ? "uefi" : "legacy-bios",
                    List.of("uefi", "legacy-bios", "uefi-preferred"));
            if (!uefi && bootMode.equals("uefi")) {
                throw settings.bad("import.boot_mode", bootMode, "legacy-bios or uefi-preferred for a bios image");
            }
            if (uefi && bootMode.equals("legacy-bios")) {
                throw settings.bad("import.boot_mode", bootMode, "uefi or uefi-preferred for a uefi image");
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

    Image register(String snapshotId, ImageIdentity identity, Settings settings, String importedAt, Duration timeout,
                   Duration poll, Rollback rollback) {
        String region = session.region();
        Ec2Client ec2 = session.ec2(region);
        try {
            Map<String, String> tags = AwsTags.of(identity, Map.of(ImageIdentity.IMPORTED, importedAt));
            ec2.createTags(b -> b.resources(snapshotId).tags(AwsTags.list(tags)));
            RegisterImageRequest.Builder request = RegisterImageRequest.builder().name(identity.imageName())
                    .description(identity.description()).architecture(settings.architecture())
                    .rootDeviceName(ROOT_DEVICE)
                    .blockDeviceMappings(m -> m.deviceName(ROOT_DEVICE).ebs(e -> e.snapshotId(snapshotId)
                            .volumeType(VolumeType.GP3).deleteOnTermination(true)))
                    .enaSupport(true).virtualizationType("hvm").bootMode(settings.bootMode())
                    .tagSpecifications(AwsTags.spec(ResourceType.IMAGE, tags));
            settings.imds().ifPresent(request::imdsSupport);
            settings.tpm().ifPresent(request::tpmSupport);
            String imageId = ec2.registerImage(request.build()).imageId();
            rollback.onFailure("image " + imageId + " in " + region, () -> ec2.deregisterImage(b -> b.imageId(imageId)));
            log.info("[%s] registered %s as %s in %s", identity.variantKey(), identity.imageName(), imageId, region);
            Map<String, String> source = new LinkedHashMap<>();
            source.put("source_id", imageId);
            source.put("source_region", region);
            ec2.createTags(b -> b.resources(imageId, snapshotId).tags(AwsTags.list(source)));
            return waitAvailable(ec2, imageId, identity.variantKey(), region, timeout, poll, log);
        } catch (SdkException e) {
            throw AwsFailures.of("registering " + identity.imageName(), e, session);
        }
    }

    /** Waits until an AMI is available; a failed or vanished one is an error. */
    static Image waitAvailable(Ec2Client ec2, String imageId, String variantKey, String region, Duration timeout,
                               Duration poll, Log log) {
        long started = System.nanoTime();
        String[] last = {""};
        return Polling.until("[" + variantKey + "] image " + imageId + " in " + region, timeout, "publish.timeout", poll,
                () -> {
                    List<Image> images = ec2.describeImages(b -> b.imageIds(imageId)).images();
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
