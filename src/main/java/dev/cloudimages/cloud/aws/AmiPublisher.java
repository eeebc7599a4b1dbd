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
import software.amazon.awssdk.services.ec2.model.LaunchPermission;
import software.amazon.awssdk.services.ec2.model.PermissionGroup;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
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
        PublishTargets targets;
        try {
            boolean encrypted = Boolean.parseBoolean(String.valueOf(job.settings().value("encrypted")));
            targets = PublishTargets.of(job.settings(),
                    session.ec2(home).describeRegions(b -> b.allRegions(true)).regions(), encrypted);
        } catch (SdkException e) {
            throw AwsFailures.of("listing the account's regions", e, session);
        }
        Image source = describe(home, job.source().id()).orElseThrow(() -> new BuildException("[" + identity.variantKey()
                + "] the imported image " + job.source().id() + " is gone from " + home + "; run import again"));
        List<String> notes = new ArrayList<>();
        targets.skipped().forEach(r -> notes.add(r + ": skipped, the region is not opted in for this account"
                + " (enable it in the account's Regions settings)"));
        Optional<Instant> deprecateAt = deprecation(identity, source, targets.isPublic(), notes);
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
                running.put(region, pool.submit(() -> inRegion(region, job, source, targets, deprecateAt, timeout,
                        context)));
            }
            List<RegionOutcome> outcomes = new ArrayList<>();
            for (Map.Entry<String, Future<RegionOutcome>> entry : running.entrySet()) {
                outcomes.add(await(entry.getKey(), entry.getValue()));
            }
            targets.skipped().forEach(r -> outcomes.add(new RegionOutcome(r, "", "skipped: not opted in", false)));
            outcomes.sort(java.util.Comparator.comparing(RegionOutcome::region));
            if (outcomes.stream().anyMatch(o -> !o.failed() && !o.imageId().isEmpty())) {
                markPublished(home, source, context);
            }
            return new PublishResult(outcomes, notes);
        } finally {
            pool.shutdownNow();
        }
    }

    private RegionOutcome inRegion(String region, PublishJob job, Image source, PublishTargets targets,
                                   Optional<Instant> deprecateAt, Duration timeout, CloudContext context) {
        ImageIdentity identity = job.identity();
        Ec2Client ec2 = session.ec2(region);
        String imageId = "";
        try {
            List<String> done = new ArrayList<>();
            Optional<Image> existing = region.equals(session.region()) ? Optional.of(source)
                    : sameRevision(ec2, identity);
            imageId = existing.map(Image::imageId).orElseGet(() -> copy(ec2, region, source, identity, context));
            if (existing.isEmpty()) {
                done.add("copied");
            }
            String id = imageId;
            Image image = AmiRegistrar.waitAvailable(ec2, id, identity.variantKey(), region, timeout,
                    context.pollInterval(), context.log());
            Map<String, String> want = new LinkedHashMap<>(AwsTags.of(identity, Map.of()));
            Map<String, String> sourceTags = AwsTags.map(source.tags());
            for (String key : List.of(ImageIdentity.IMPORTED, "source_id", "source_region")) {
                Optional.ofNullable(sourceTags.get(key)).ifPresent(v -> want.put(key, v));
            }
            setTags(ec2, image, want, done);
            setPermissions(ec2, region, image, targets, done);
            if (deprecateAt.isPresent() && !sameMinute(image.deprecationTime(), deprecateAt.get())) {
                ec2.enableImageDeprecation(b -> b.imageId(id).deprecateAt(deprecateAt.get()));
                done.add("deprecation " + deprecateAt.get());
            }
            if (!AwsTags.map(image.tags()).containsKey(ImageIdentity.PUBLISHED)) {
                String now = context.timestamp();
                ec2.createTags(b -> b.resources(snapshots(image, id)).tags(AwsTags.list(Map.of(ImageIdentity.PUBLISHED, now))));
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

    private String copy(Ec2Client ec2, String region, Image source, ImageIdentity identity, CloudContext context) {
        // the same token for the same source and region: a retried or re-run copy is not made twice
        String token = HexFormat.of().formatHex(sha256(source.imageId() + "/" + region)).substring(0, 32);
        for (int attempt = 1; ; attempt++) {
            try {
                String id = ec2.copyImage(b -> b.sourceRegion(session.region()).sourceImageId(source.imageId())
                        .name(identity.imageName()).description(identity.description()).clientToken(token)).imageId();
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

    private static void setTags(Ec2Client ec2, Image image, Map<String, String> want, List<String> done) {
        Map<String, String> missing = ImageIdentity.missingTags(AwsTags.map(image.tags()), want);
        if (!missing.isEmpty()) {
            ec2.createTags(b -> b.resources(snapshots(image, image.imageId())).tags(AwsTags.list(missing)));
            done.add("tags");
        }
    }

    private void setPermissions(Ec2Client ec2, String region, Image image, PublishTargets targets, List<String> done) {
        Set<String> have = permissions(ec2.describeImageAttribute(b -> b.imageId(image.imageId())
                .attribute("launchPermission")).launchPermissions());
        Set<String> want = new TreeSet<>(targets.accounts());
        if (targets.isPublic()) {
            want.add("group:all");
        }
        if (have.equals(want)) {
            return;
        }
        if (targets.isPublic() && !have.contains("group:all")) {
            String state = ec2.getImageBlockPublicAccessState(b -> { }).imageBlockPublicAccessState();
            if ("block-new-sharing".equals(state)) {
                throw new BuildException("block public access for AMIs is on in " + region
                        + "; turn it off with 'aws ec2 disable-image-block-public-access --region " + region
                        + "' or publish privately (access.PUBLIC = false)");
            }
        }
        try {
            ec2.resetImageAttribute(b -> b.imageId(image.imageId()).attribute("launchPermission"));
            List<LaunchPermission> add = new ArrayList<>();
            targets.accounts().forEach(a -> add.add(LaunchPermission.builder().userId(a).build()));
            if (targets.isPublic()) {
                add.add(LaunchPermission.builder().group(PermissionGroup.ALL).build());
            }
            if (!add.isEmpty()) {
                ec2.modifyImageAttribute(b -> b.imageId(image.imageId()).launchPermission(p -> p.add(add)));
            }
        } catch (SdkException e) {
            String message = AwsFailures.message(e);
            if (targets.isPublic() && message.toLowerCase(java.util.Locale.ROOT).contains("public")
                    && AwsFailures.code(e).contains("Limit")) {
                throw new BuildException("the account's quota of public AMIs in " + region + " is used up ("
                        + message + "); request a higher 'Public AMIs' quota in Service Quotas for " + region
                        + ", or make older public images private");
            }
            throw e;
        }
        done.add(targets.isPublic() ? "public" : "shared with " + targets.accounts().size() + " account(s)");
    }

    private static Set<String> permissions(List<LaunchPermission> permissions) {
        Set<String> set = new TreeSet<>();
        for (LaunchPermission permission : permissions) {
            if (permission.group() == PermissionGroup.ALL) {
                set.add("group:all");
            } else if (permission.userId() != null) {
                set.add(permission.userId());
            }
        }
        return set;
    }

    /**
     * Deprecation at end of life; AWS allows a public AMI at most 2 years from its creation, so a
     * later end of life is capped there, and the notes say so.
     */
    private static Optional<Instant> deprecation(ImageIdentity identity, Image source, boolean isPublic,
                                                 List<String> notes) {
        if (identity.endOfLife().isBlank()) {
            return Optional.empty();
        }
        Instant eol = LocalDate.parse(identity.endOfLife().substring(0, 10)).atStartOfDay(ZoneOffset.UTC).toInstant();
        if (isPublic && source.creationDate() != null) {
            Instant cap = Instant.parse(source.creationDate()).atOffset(ZoneOffset.UTC).plusYears(2).toInstant()
                    .truncatedTo(ChronoUnit.MINUTES);
            if (eol.isAfter(cap)) {
                notes.add("deprecation capped at " + cap + " (2 years after creation, AWS's limit for public AMIs);"
                        + " end of life is " + identity.endOfLife());
                return Optional.of(cap);
            }
        }
        return Optional.of(eol);
    }

    private void markPublished(String home, Image source, CloudContext context) {
        if (!AwsTags.map(source.tags()).containsKey(ImageIdentity.PUBLISHED)) {
            String now = context.timestamp();
            session.ec2(home).createTags(b -> b.resources(snapshots(source, source.imageId()))
                    .tags(AwsTags.list(Map.of(ImageIdentity.PUBLISHED, now))));
        }
    }

    private Optional<Image> describe(String region, String imageId) {
        try {
            return session.ec2(region).describeImages(b -> b.imageIds(imageId)).images().stream().findFirst();
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

    private static boolean sameMinute(String haveText, Instant want) {
        if (haveText == null || haveText.isBlank()) {
            return false;
        }
        Instant have = Instant.parse(haveText);
        return have.truncatedTo(ChronoUnit.MINUTES).equals(want.truncatedTo(ChronoUnit.MINUTES));
    }

    private static RegionOutcome failed(String region, String imageId, String why, CloudContext context,
                                        ImageIdentity identity) {
        context.log().error("[%s] %s: %s", identity.variantKey(), region, why);
        return new RegionOutcome(region, imageId, "failed: " + why, true);
    }

    private static RegionOutcome await(String region, Future<RegionOutcome> outcome) {
        try {
            return outcome.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildException("interrupted while publishing to " + region);
        } catch (ExecutionException e) {
            return new RegionOutcome(region, "", "failed: " + e.getCause(), true);
        }
    }

    private static byte[] sha256(String text) {
        return Digests.newDigest("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
