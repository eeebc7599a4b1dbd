package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.CloudContext;
import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.cloud.Polling;
import dev.cloudimages.cloud.PublishJob;
import dev.cloudimages.cloud.PublishResult;
import dev.cloudimages.cloud.PublishResult.RegionOutcome;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Digests;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Image;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Publishes one imported AMI: in each target region reuse the AMI of the same build name and
 * revision or copy it there (a few copies at a time, backing off when AWS says too many), wait
 * until it is available, then make tags, launch permissions and deprecation what they should be.
 * Each step first reads what is there and changes only what differs, so a re-run finishes what is
 * missing and leaves the rest alone. A failing region does not stop the others.
 */
final class AmiPublisher {

    private static final int COPY_ATTEMPTS = 8;

    private final AwsSession session;

    AmiPublisher(AwsSession session) {
        this.session = session;
    }

    PublishResult publish(PublishJob job, CloudContext context) {
        ImageIdentity identity = job.identity();
        String home = session.region();
        Encryption encryption = Encryption.of(job.settings());
        Eventually eventually = Eventually.of(session, job.settings(), "publish");
        PublishTargets targets;
        try {
            targets = PublishTargets.of(job.settings(),
                    session.ec2(home).describeRegions(b -> b.allRegions(true)).regions());
        } catch (SdkException e) {
            throw AwsFailures.of("listing the account's regions", e, session);
        }
        Image source = describe(home, job.source().id(), eventually).orElseThrow(() -> new BuildException("["
                + identity.variantKey() + "] the imported image " + job.source().id() + " is gone from " + home
                + "; run import again"));
        refuseEncryptedPublic(job, targets, source, encryption);
        List<String> notes = new ArrayList<>();
        targets.skipped().forEach(r -> notes.add(r + ": skipped, the region is not opted in for this account"
                + " (enable it in the account's Regions settings)"));
        Optional<Instant> deprecateAt = Deprecation.endOfLife(identity, source, targets.isPublic(), notes);
        int concurrency = job.settings().integer("publish.copy_concurrency", 4, 1, 50);
        Duration timeout = job.settings().duration("publish.timeout", Duration.ofHours(2));
        context.log().info("[%s] publishing %s from %s to %d region(s): %s", identity.variantKey(), source.imageId(),
                home, targets.regions().size(), String.join(" ", targets.regions()));
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread thread = new Thread(r, "publish-region");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Map<String, Future<RegionOutcome>> running = new LinkedHashMap<>();
            for (String region : targets.regions()) {
                Publishing publishing = new Publishing(job, source, targets, deprecateAt, timeout, encryption,
                        eventually, context);
                running.put(region, pool.submit(() -> inRegion(region, publishing)));
            }
            List<RegionOutcome> outcomes = new ArrayList<>();
            for (Map.Entry<String, Future<RegionOutcome>> entry : running.entrySet()) {
                outcomes.add(RegionOutcome.await(entry.getKey(), entry.getValue()));
            }
            targets.skipped().forEach(r -> outcomes.add(new RegionOutcome(r, "", "skipped: not opted in", false)));
            outcomes.sort(java.util.Comparator.comparing(RegionOutcome::region));
            if (outcomes.stream().anyMatch(o -> !o.failed() && !o.imageId().isEmpty())) {
                markPublished(home, source, eventually, context);
            }
            return new PublishResult(outcomes, notes);
        } finally {
            pool.shutdownNow();
        }
    }

    /** What every region of one publish shares. */
    private record Publishing(PublishJob job, Image source, PublishTargets targets, Optional<Instant> deprecateAt,
                              Duration timeout, Encryption encryption, Eventually eventually, CloudContext context) {
    }

    private RegionOutcome inRegion(String region, Publishing p) {
        ImageIdentity identity = p.job().identity();
        CloudContext context = p.context();
        Eventually eventually = p.eventually();
        Ec2Client ec2 = session.ec2(region);
        String imageId = "";
        try {
            List<String> done = new ArrayList<>();
            Optional<Image> existing = region.equals(session.region()) ? Optional.of(p.source())
                    : sameRevision(ec2, identity);
            imageId = existing.map(Image::imageId).orElseGet(() -> copy(ec2, region, p));
            if (existing.isEmpty()) {
                done.add("copied");
            }
            String id = imageId;
            Image image = AmiRegistrar.waitAvailable(ec2, eventually, id, identity.variantKey(), region, p.timeout(),
                    context.pollInterval(), context.log());
            Map<String, String> want = new LinkedHashMap<>(AwsTags.of(identity, Map.of()));
            Map<String, String> sourceTags = AwsTags.map(p.source().tags());
            for (String key : List.of(ImageIdentity.IMPORTED, "source_id", "source_region")) {
                Optional.ofNullable(sourceTags.get(key)).ifPresent(v -> want.put(key, v));
            }
            Map<String, String> missing = ImageIdentity.missingTags(AwsTags.map(image.tags()), want);
            if (!missing.isEmpty()) {
                tag(ec2, eventually, image, missing);
                done.add("tags");
            }
            Optional.of(LaunchPermissions.apply(ec2, eventually, region, image, p.targets())).filter(d -> !d.isEmpty())
                    .ifPresent(done::add);
            p.deprecateAt().map(at -> Deprecation.apply(ec2, eventually, image, at)).filter(d -> !d.isEmpty())
                    .ifPresent(done::add);
            if (!AwsTags.map(image.tags()).containsKey(ImageIdentity.PUBLISHED)) {
                tag(ec2, eventually, image, Map.of(ImageIdentity.PUBLISHED, context.timestamp()));
                done.add("published");
            }
            String outcome = done.isEmpty() ? "unchanged" : String.join(", ", done);
            context.log().info("[%s] %s: %s %s", identity.variantKey(), region, id, outcome);
            return new RegionOutcome(region, id, outcome, false);
        } catch (SdkException e) {
            return failed(region, imageId, AwsFailures.of("publishing to " + region, e, session).getMessage(), context,
                    identity);
        } catch (BuildException e) {
            return failed(region, imageId, e.getMessage(), context, identity);
        }
    }

    /**
     * An encrypted snapshot can never be public, and with EBS encryption by default on in a region
     * every snapshot and copy made there is encrypted: a public publish is refused before anything
     * changes, naming why.
     */
    private void refuseEncryptedPublic(PublishJob job, PublishTargets targets, Image source, Encryption encryption) {
        if (!targets.isPublic()) {
            return;
        }
        String why;
        if (encryption.on()) {
            why = "encrypted = true";
        } else if (source.blockDeviceMappings().stream().anyMatch(m -> m.ebs() != null
                && Boolean.TRUE.equals(m.ebs().encrypted()))) {
            why = "the imported image's snapshot is encrypted";
        } else {
            List<String> byDefault = new ArrayList<>();
            for (String region : targets.regions()) {
                try {
                    if (Boolean.TRUE.equals(session.ec2(region).getEbsEncryptionByDefault(b -> { })
                            .ebsEncryptionByDefault())) {
                        byDefault.add(region);
                    }
                } catch (SdkException e) {
                    // a region that cannot be asked fails on its own below, with the same error; the others go on
                }
            }
            if (byDefault.isEmpty()) {
                return;
            }
            why = "EBS encryption by default is on in " + String.join(", ", byDefault) + ", so every snapshot and copy"
                    + " there is encrypted; turn it off with 'aws ec2 disable-ebs-encryption-by-default --region R'";
        }
        throw new BuildException("variant " + job.identity().variantKey() + ": an encrypted image cannot be made public ("
                + why + "); or set access.PUBLIC = false");
    }

    private String copy(Ec2Client ec2, String region, Publishing p) {
        Image source = p.source();
        ImageIdentity identity = p.job().identity();
        CloudContext context = p.context();
        // the same token for the same source and region: a retried or re-run copy is not made twice
        String token = HexFormat.of().formatHex(sha256(source.imageId() + "/" + region)).substring(0, 32);
        for (int attempt = 1; ; attempt++) {
            try {
                String id = ec2.copyImage(b -> b.sourceRegion(session.region()).sourceImageId(source.imageId())
                        .name(identity.imageName()).description(identity.description()).clientToken(token)
                        .applyMutation(c -> {
                            if (p.encryption().on()) {
                                c.encrypted(true).kmsKeyId(p.encryption().key(region).orElse(null));
                            }
                        })).imageId();
                session.made(id);
                context.log().info("[%s] %s: copying %s as %s", identity.variantKey(), region, source.imageId(), id);
                return id;
            } catch (SdkException e) {
                if (!AwsFailures.code(e).equals("ResourceLimitExceeded") || attempt >= COPY_ATTEMPTS) {
                    throw e;
                }
                Duration wait = context.pollInterval().multipliedBy(1L << Math.min(attempt, 5));
                context.log().warn("[%s] %s: too many copies in progress (%s); trying again in %d s",
                        identity.variantKey(), region, AwsFailures.message(e), wait.toSeconds());
                Polling.sleep(wait);
            }
        }
    }

    /** Tags the AMI and the snapshots behind it (a copy's are new too, so EC2 may not know them yet). */
    private static void tag(Ec2Client ec2, Eventually eventually, Image image, Map<String, String> tags) {
        String[] ids = snapshots(image, image.imageId());
        eventually.run(() -> ec2.createTags(b -> b.resources(ids).tags(AwsTags.list(tags))), ids);
    }

    private void markPublished(String home, Image source, Eventually eventually, CloudContext context) {
        if (!AwsTags.map(source.tags()).containsKey(ImageIdentity.PUBLISHED)) {
            tag(session.ec2(home), eventually, source, Map.of(ImageIdentity.PUBLISHED, context.timestamp()));
        }
    }

    /** The imported image; one this run made may not be known to EC2 yet, one it did not make is gone. */
    private Optional<Image> describe(String region, String imageId, Eventually eventually) {
        try {
            return eventually.call(() -> session.ec2(region).describeImages(b -> b.imageIds(imageId)), imageId)
                    .images().stream().findFirst();
        } catch (SdkException e) {
            if (AwsFailures.code(e).startsWith("InvalidAMIID")) {
                return Optional.empty();
            }
            throw AwsFailures.of("reading image " + imageId, e, session);
        }
    }

    static Optional<Image> sameRevision(Ec2Client ec2, ImageIdentity identity) {
        return ec2.describeImages(b -> b.owners("self").filters(
                        f -> f.name("tag:" + ImageIdentity.BUILD_NAME).values(identity.buildName()),
                        f -> f.name("tag:" + ImageIdentity.BUILD_REVISION).values(Integer.toString(identity.revision())),
                        f -> f.name("tag:" + ImageIdentity.PROJECT).values(identity.project())))
                .images().stream().filter(i -> !"deregistered".equals(i.stateAsString()))
                .min(java.util.Comparator.comparing(Image::imageId));
    }

    /** The image and the snapshots behind it: tags go on both. */
    static String[] snapshots(Image image, String imageId) {
        List<String> ids = new ArrayList<>();
        ids.add(imageId);
        image.blockDeviceMappings().stream().filter(m -> m.ebs() != null && m.ebs().snapshotId() != null)
                .forEach(m -> ids.add(m.ebs().snapshotId()));
        return ids.toArray(String[]::new);
    }

    private static RegionOutcome failed(String region, String imageId, String why, CloudContext context,
                                        ImageIdentity identity) {
        context.log().error("[%s] %s: %s", identity.variantKey(), region, why);
        return new RegionOutcome(region, imageId, "failed: " + why, true);
    }

    private static byte[] sha256(String text) {
        return Digests.newDigest("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
