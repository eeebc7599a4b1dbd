package dev.cloudimages.testing.aws;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything the fake account holds. Not thread-safe by itself: the HTTP handlers and the inspection methods hold
 * this object's monitor while they read or change it.
 */
final class AwsState {
    static final int BLOCK_SIZE = 512 * 1024;
    static final long GIB = 1024L * 1024 * 1024;

    final FakeAwsSettings settings;
    final Map<String, RegionState> regions = new LinkedHashMap<>();
    final Map<String, TaskEntry> tasks = new LinkedHashMap<>();
    final AtomicLong blocksReceived = new AtomicLong();
    final Map<String, AtomicLong> bytesReceived = new ConcurrentHashMap<>();
    private Duration skew = Duration.ZERO;

    AwsState(FakeAwsSettings settings) {
        this.settings = settings;
        for (FakeRegion region : settings.regions()) {
            regions.put(region.name(), new RegionState(region, settings.publicQuota()));
        }
    }

    /** The fake's clock: the real one plus whatever a test advanced it by. */
    Instant now() {
        return Instant.now().plus(skew);
    }

    void advance(Duration by) {
        skew = skew.plus(by);
    }

    RegionState region(String name) {
        RegionState region = regions.get(name);
        if (region == null) {
            throw new IllegalArgumentException("the fake has no region " + name + "; it has " + regions.keySet());
        }
        return region;
    }

    /** A new AMI: unknown to the next EC2 request(s) naming it, as AWS's eventual consistency has it. */
    ImageEntry fresh(ImageEntry image) {
        image.hiddenLookups = settings.lag().hiddenLookups();
        return image;
    }

    /** A new snapshot: unknown to the next EC2 request(s) naming it, and to the EBS direct API for a while. */
    SnapshotEntry fresh(SnapshotEntry snapshot) {
        snapshot.hiddenLookups = settings.lag().hiddenLookups();
        snapshot.writableAt = snapshot.startTime.plus(settings.lag().unwritable());
        return snapshot;
    }

    /** The key AWS encrypts with when a request names none: the account's AWS managed key for EBS. */
    static String defaultKmsKey(String region) {
        return "arn:aws:kms:" + region + ":" + FakeEc2.ACCOUNT + ":alias/aws/ebs";
    }

    void countBytes(String api, long bytes) {
        bytesReceived.computeIfAbsent(api, key -> new AtomicLong()).addAndGet(bytes);
    }

    /** An AWS-style id: the prefix and 17 hex digits. */
    static String newId(String prefix) {
        StringBuilder id = new StringBuilder(prefix).append('-');
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 17; i++) {
            id.append(Character.forDigit(random.nextInt(16), 16));
        }
        return id.toString();
    }

    static final class RegionState {
        final FakeRegion region;
        boolean blockPublicAccess;
        /** EBS encryption by default (a per-region account setting, off unless a test turns it on). */
        boolean encryptionByDefault;
        int publicQuota;
        final Map<String, ImageEntry> images = new LinkedHashMap<>();
        final Map<String, SnapshotEntry> snapshots = new LinkedHashMap<>();
        final Map<String, String> copyTokens = new LinkedHashMap<>();
        final Map<String, String> snapshotTokens = new LinkedHashMap<>();
        final Map<String, String> importTokens = new LinkedHashMap<>();
        final List<String> requests = Collections.synchronizedList(new ArrayList<>());

        RegionState(FakeRegion region, int publicQuota) {
            this.region = region;
            this.publicQuota = publicQuota;
        }

        String name() {
            return region.name();
        }

        long publicImages() {
            return images.values().stream().filter(image -> image.launchGroups.contains("all")).count();
        }
    }

    static final class ImageEntry {
        final String region;
        final String id;
        final Instant creationDate;
        String name;
        String description;
        String state = "pending";
        int pollsLeft;
        /** Not available before this (the latency model: AWS takes minutes to register or copy). */
        Instant readyAt = Instant.MIN;
        /** EC2 requests naming this id that still answer InvalidAMIID.NotFound (eventual consistency). */
        int hiddenLookups;
        final Map<String, String> tags = new LinkedHashMap<>();
        final Set<String> launchGroups = new LinkedHashSet<>();
        final Set<String> launchUserIds = new LinkedHashSet<>();
        Instant deprecationTime;
        /** When an instance was last launched from it (EC2 updates it about daily); null: never. */
        Instant lastLaunched;
        String bootMode;
        String architecture = "x86_64";
        boolean enaSupport;
        String imdsSupport;
        String tpmSupport;
        String rootDeviceName;
        String virtualizationType = "hvm";
        final List<Image.BlockDevice> blockDevices = new ArrayList<>();
        String sourceImageId;
        String sourceRegion;
        /** Snapshots made for this image by CopyImage; they complete when the image becomes available. */
        final List<SnapshotEntry> copiedSnapshots = new ArrayList<>();

        ImageEntry(String region, String id, Instant creationDate) {
            this.region = region;
            this.id = id;
            this.creationDate = creationDate;
        }

        /** One Describe poll returned this image: count it down and become available after the last one. */
        void polled(Instant now) {
            if ("pending".equals(state) && --pollsLeft <= 0 && !now.isBefore(readyAt)) {
                state = "available";
                copiedSnapshots.forEach(snapshot -> {
                    snapshot.state = "completed";
                    snapshot.progress = "100%";
                });
            }
        }

        boolean encrypted() {
            return blockDevices.stream().anyMatch(Image.BlockDevice::encrypted);
        }

        Image toRecord() {
            return new Image(region, id, name, description, state, Map.copyOf(tags), Set.copyOf(launchGroups),
                    Set.copyOf(launchUserIds), deprecationTime, bootMode, architecture, enaSupport, imdsSupport,
                    tpmSupport, rootDeviceName, virtualizationType, List.copyOf(blockDevices), sourceImageId,
                    sourceRegion, creationDate);
        }
    }

    static final class SnapshotEntry {
        final String region;
        final String id;
        final String origin;
        final Instant startTime;
        String state = "pending";
        String stateMessage;
        String progress = "0%";
        String description;
        int volumeSize;
        boolean encrypted;
        String kmsKeyId;
        /** EC2 requests naming this id that still answer InvalidSnapshot.NotFound (eventual consistency). */
        int hiddenLookups;
        /** Before this, the EBS direct API does not know the snapshot yet (ResourceNotFoundException). */
        Instant writableAt;
        final Map<String, String> tags = new LinkedHashMap<>();
        /** Block index to data, only blocks that were written; each array is never changed after it is stored. */
        final TreeMap<Long, byte[]> blocks = new TreeMap<>();
        /** Block index to the SHA-256 digest the client sent, for the aggregate checksum at completion. */
        final TreeMap<Long, byte[]> digests = new TreeMap<>();
        int timeoutMinutes = 60;
        Instant lastActivity;
        boolean completionRequested;
        int pollsLeft;
        /** Not completed before this (the latency model). */
        Instant readyAt = Instant.MIN;

        SnapshotEntry(String region, String id, String origin, Instant startTime) {
            this.region = region;
            this.id = id;
            this.origin = origin;
            this.startTime = startTime;
            this.lastActivity = startTime;
            this.writableAt = startTime;
        }

        /** An EBS direct snapshot not completed within its timeout of inactivity goes to {@code error}. */
        void checkTimeout(Instant now) {
            if ("pending".equals(state) && !completionRequested && "ebs-direct".equals(origin)
                    && now.isAfter(lastActivity.plus(Duration.ofMinutes(timeoutMinutes)))) {
                state = "error";
                stateMessage = "The snapshot was not completed within its timeout of " + timeoutMinutes + " minutes";
            }
        }

        void polled(Instant now) {
            if ("pending".equals(state) && completionRequested && --pollsLeft <= 0 && !now.isBefore(readyAt)) {
                state = "completed";
                progress = "100%";
            }
        }

        byte[] content() {
            long size = volumeSize * GIB;
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("snapshot " + id + " of " + volumeSize + " GiB is too big to read back");
            }
            byte[] content = new byte[(int) size];
            blocks.forEach((index, data) -> System.arraycopy(data, 0, content, (int) (index * BLOCK_SIZE), data.length));
            return content;
        }

        Snapshot toRecord() {
            return new Snapshot(region, id, state, stateMessage, description, volumeSize, encrypted, Map.copyOf(tags),
                    origin, blocks.size(), startTime, kmsKeyId);
        }
    }

    static final class TaskEntry {
        final String region;
        final String id;
        final String format;
        final String bucket;
        final String key;
        final String description;
        final Instant startedAt;
        final Map<String, String> tags = new LinkedHashMap<>();
        boolean encrypted;
        String kmsKeyId;
        String status = "active";
        String statusMessage = "pending";
        String progress = "0";
        int pollsLeft;
        Long diskImageSize;
        String snapshotId;
        /** The volume read from S3 once the task got to it (not at ImportSnapshot), or null until then. */
        DiskImages.Volume volume;
        /** Why the task will end {@code deleted}, or null. */
        String failure;

        TaskEntry(String region, String id, String format, String bucket, String key, String description,
                  Instant startedAt) {
            this.startedAt = startedAt;
            this.region = region;
            this.id = id;
            this.format = format;
            this.bucket = bucket;
            this.key = key;
            this.description = description;
        }

        ImportTask toRecord() {
            return new ImportTask(region, id, status, statusMessage, progress, format, bucket, key, snapshotId,
                    diskImageSize, description, Map.copyOf(tags));
        }
    }
}
