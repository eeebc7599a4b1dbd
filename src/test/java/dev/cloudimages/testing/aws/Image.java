package dev.cloudimages.testing.aws;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the fake holds for one AMI, as tests inspect it. Launch permissions: groups (e.g. "all") and account ids. */
public record Image(String region, String id, String name, String description, String state, Map<String, String> tags,
        Set<String> launchGroups, Set<String> launchUserIds, Instant deprecationTime, String bootMode,
        String architecture, boolean enaSupport, String imdsSupport, String tpmSupport, String rootDeviceName,
        String virtualizationType, List<BlockDevice> blockDevices, String sourceImageId, String sourceRegion,
        Instant creationDate) {

    public boolean isPublic() {
        return launchGroups.contains("all");
    }

    /** One EBS block device mapping of an image. */
    public record BlockDevice(String deviceName, String snapshotId, int volumeSize, String volumeType,
            boolean deleteOnTermination, boolean encrypted) {
    }
}
