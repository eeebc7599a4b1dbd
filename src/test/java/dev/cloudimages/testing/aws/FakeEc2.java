package dev.cloudimages.testing.aws;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The EC2 Query API: dispatch, and the image and snapshot actions (describe, register, delete, tags). */
final class FakeEc2 {
    static final String ACCOUNT = "123456789012";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern IMAGE_NAME = Pattern.compile("[a-zA-Z0-9().\\-/_ \\[\\]@']{3,128}");

    private final AwsState state;
    private final Faults faults;
    private final FakeEc2Sharing sharing;
    private final FakeEc2Imports imports;

    FakeEc2(AwsState state, Faults faults, FakeEc2Imports.BlobReader blobs) {
        this.state = state;
        this.faults = faults;
        this.sharing = new FakeEc2Sharing(state, faults);
        this.imports = new FakeEc2Imports(state, faults, blobs);
    }

    /** Answers one request with the response XML; refusals are thrown as {@link AwsError}. Hold the state's lock. */
    String handle(Ec2Request request) {
        if (request.params().flag("DryRun")) {
            throw new AwsError(412, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.");
        }
        imports.tick();
        return switch (request.action()) {
            case "DescribeRegions" -> describeRegions(request);
            case "DescribeImages" -> describeImages(request);
            case "DescribeSnapshots" -> describeSnapshots(request);
            case "RegisterImage" -> registerImage(request);
            case "DeregisterImage" -> deregisterImage(request);
            case "DeleteSnapshot" -> deleteSnapshot(request);
            case "CreateTags", "DeleteTags" -> tags(request);
            case "ImportSnapshot" -> imports.importSnapshot(request);
            case "DescribeImportSnapshotTasks" -> imports.describe(request);
            case "CancelImportTask" -> imports.cancel(request);
            default -> sharing.handle(request);
        };
    }

    /** Import tasks that ran on by themselves since the last request. Hold the state's lock. */
    void tick() {
        imports.tick();
    }

    static String time(Instant instant) {
        return instant == null ? null : TIME.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    /** The image a request names; a new one stays unknown to the first request(s) naming it, as in AWS. */
    static AwsState.ImageEntry image(AwsState.RegionState region, String id) {
        AwsState.ImageEntry image = region.images.get(id);
        if (image != null && image.hiddenLookups > 0) {
            image.hiddenLookups--;
            image = null;
        }
        if (image == null) {
            throw AwsError.client(id.startsWith("ami-") ? "InvalidAMIID.NotFound" : "InvalidAMIID.Malformed",
                    "The image id '[" + id + "]' does not exist");
        }
        return image;
    }

    /** The snapshot a request names; a new one stays unknown to the first request(s) naming it, as in AWS. */
    static AwsState.SnapshotEntry snapshot(AwsState.RegionState region, String id) {
        AwsState.SnapshotEntry snapshot = region.snapshots.get(id);
        if (snapshot != null && snapshot.hiddenLookups > 0) {
            snapshot.hiddenLookups--;
            snapshot = null;
        }
        if (snapshot == null) {
            throw AwsError.client(id.startsWith("snap-") ? "InvalidSnapshot.NotFound" : "InvalidSnapshotID.Malformed",
                    "The snapshot '" + id + "' does not exist.");
        }
        return snapshot;
    }

    private String describeRegions(Ec2Request request) {
        boolean all = request.params().flag("AllRegions");
        List<String> names = request.params().list("RegionName");
        Xml xml = Xml.response("DescribeRegions").open("regionInfo");
        for (AwsState.RegionState region : state.regions.values()) {
            if ((all || region.region.enabled()) && (names.isEmpty() || names.contains(region.name()))) {
                xml.open("item").leaf("regionName", region.name())
                        .leaf("regionEndpoint", "ec2." + region.name() + ".amazonaws.com")
                        .leaf("optInStatus", region.region.optInStatus()).close();
            }
        }
        return xml.finish();
    }

    private String describeImages(Ec2Request request) {
        QueryParams params = request.params();
        List<String> ids = params.list("ImageId");
        ids.forEach(id -> image(request.region(), id));
        Map<String, List<String>> filters = params.filters("Filter");
        List<String> owners = params.list("Owner");
        boolean ours = owners.isEmpty() || owners.contains("self") || owners.contains(ACCOUNT);
        Xml xml = Xml.response("DescribeImages").open("imagesSet");
        for (AwsState.ImageEntry image : new ArrayList<>(request.region().images.values())) {
            if (ours && (ids.isEmpty() || ids.contains(image.id)) && Filters.matches(filters, imageField(image))) {
                writeImage(xml, image);
                image.polled(state.now());
            }
        }
        return xml.finish();
    }

    private static Filters.Field imageField(AwsState.ImageEntry image) {
        return name -> switch (name) {
            case "name" -> List.of(image.name);
            case "state" -> List.of(image.state);
            case "image-id" -> List.of(image.id);
            case "owner-id" -> List.of(ACCOUNT);
            case "architecture" -> List.of(image.architecture);
            case "description" -> image.description == null ? List.of() : List.of(image.description);
            case "is-public" -> List.of(String.valueOf(image.launchGroups.contains("all")));
            case "image-type" -> List.of("machine");
            case "root-device-type" -> List.of("ebs");
            default -> Filters.tagValues(name, image.tags);
        };
    }

    private static void writeImage(Xml xml, AwsState.ImageEntry image) {
        xml.open("item").leaf("imageId", image.id).leaf("imageLocation", ACCOUNT + "/" + image.name)
                .leaf("imageState", image.state).leaf("imageOwnerId", ACCOUNT)
                .leaf("creationDate", time(image.creationDate)).leaf("isPublic", image.launchGroups.contains("all"))
                .leaf("architecture", image.architecture).leaf("imageType", "machine")
                .leaf("platformDetails", "Linux/UNIX").leaf("usageOperation", "RunInstances")
                .leaf("name", image.name).leaf("description", image.description)
                .leaf("rootDeviceType", "ebs").leaf("rootDeviceName", image.rootDeviceName);
        xml.open("blockDeviceMapping");
        for (Image.BlockDevice device : image.blockDevices) {
            xml.open("item").leaf("deviceName", device.deviceName()).open("ebs")
                    .leaf("snapshotId", device.snapshotId()).leaf("volumeSize", device.volumeSize())
                    .leaf("deleteOnTermination", device.deleteOnTermination())
                    .leaf("volumeType", device.volumeType()).leaf("encrypted", device.encrypted()).close().close();
        }
        xml.close().leaf("virtualizationType", image.virtualizationType).tagSet(image.tags)
                .leaf("hypervisor", "xen").leaf("enaSupport", image.enaSupport ? Boolean.TRUE : null)
                .leaf("bootMode", image.bootMode).leaf("tpmSupport", image.tpmSupport)
                .leaf("imdsSupport", image.imdsSupport).leaf("deprecationTime", time(image.deprecationTime))
                .leaf("sourceImageId", image.sourceImageId).leaf("sourceImageRegion", image.sourceRegion)
                .close();
    }

    private String describeSnapshots(Ec2Request request) {
        QueryParams params = request.params();
        List<String> ids = params.list("SnapshotId");
        ids.forEach(id -> snapshot(request.region(), id));
        Map<String, List<String>> filters = params.filters("Filter");
        List<String> owners = params.list("Owner");
        boolean ours = owners.isEmpty() || owners.contains("self") || owners.contains(ACCOUNT);
        Xml xml = Xml.response("DescribeSnapshots").open("snapshotSet");
        for (AwsState.SnapshotEntry snapshot : request.region().snapshots.values()) {
            snapshot.checkTimeout(state.now());
            if (ours && (ids.isEmpty() || ids.contains(snapshot.id)) && Filters.matches(filters, snapshotField(snapshot))) {
                xml.open("item").leaf("snapshotId", snapshot.id).leaf("volumeId", "vol-ffffffff")
                        .leaf("status", snapshot.state).leaf("statusMessage", snapshot.stateMessage)
                        .leaf("startTime", time(snapshot.startTime)).leaf("progress", snapshot.progress)
                        .leaf("ownerId", ACCOUNT).leaf("volumeSize", snapshot.volumeSize)
                        .leaf("description", snapshot.description).leaf("encrypted", snapshot.encrypted)
                        .leaf("storageTier", "standard").tagSet(snapshot.tags).close();
                snapshot.polled(state.now());
            }
        }
        return xml.finish();
    }

    private static Filters.Field snapshotField(AwsState.SnapshotEntry snapshot) {
        return name -> switch (name) {
            case "status" -> List.of(snapshot.state);
            case "snapshot-id" -> List.of(snapshot.id);
            case "owner-id" -> List.of(ACCOUNT);
            case "description" -> snapshot.description == null ? List.of() : List.of(snapshot.description);
            case "encrypted" -> List.of(String.valueOf(snapshot.encrypted));
            case "volume-size" -> List.of(String.valueOf(snapshot.volumeSize));
            default -> Filters.tagValues(name, snapshot.tags);
        };
    }

    private String registerImage(Ec2Request request) {
        QueryParams params = request.params();
        AwsState.RegionState region = request.region();
        String name = params.require("Name");
        if (!IMAGE_NAME.matcher(name).matches()) {
            throw AwsError.client("InvalidAMIName.Malformed", "AMI names must be between 3 and 128 characters long, "
                    + "and may contain letters, numbers, '(', ')', '.', '-', '/' and '_'");
        }
        region.images.values().stream().filter(image -> image.name.equals(name)).findFirst().ifPresent(image -> {
            throw AwsError.client("InvalidAMIName.Duplicate", "AMI name " + name + " is already in use by AMI " + image.id);
        });
        String injected = faults.takeRegisterFailure();
        if (injected != null) {
            throw AwsError.client(injected, "Injected RegisterImage failure");
        }
        AwsState.ImageEntry image = state.fresh(new AwsState.ImageEntry(region.name(), AwsState.newId("ami"),
                state.now()));
        image.name = name;
        image.description = params.get("Description");
        image.architecture = oneOf(params, "Architecture", "x86_64", Set.of("i386", "x86_64", "arm64"));
        image.bootMode = oneOf(params, "BootMode", null, Set.of("legacy-bios", "uefi", "uefi-preferred"));
        image.tpmSupport = oneOf(params, "TpmSupport", null, Set.of("v2.0"));
        image.imdsSupport = oneOf(params, "ImdsSupport", null, Set.of("v2.0"));
        image.virtualizationType = oneOf(params, "VirtualizationType", "paravirtual", Set.of("hvm", "paravirtual"));
        image.enaSupport = params.flag("EnaSupport");
        image.rootDeviceName = params.get("RootDeviceName");
        for (int index : params.indexes("BlockDeviceMapping")) {
            image.blockDevices.add(blockDevice(region, params, "BlockDeviceMapping." + index));
        }
        if (image.blockDevices.isEmpty()) {
            throw AwsError.client("InvalidParameterCombination", "No block device mapping: the fake registers EBS-backed images only");
        }
        if (!faults.takeRegisterTagDrop()) {
            image.tags.putAll(params.tagSpecification("image"));
        }
        image.pollsLeft = state.settings.registerPolls();
        image.readyAt = state.now().plus(state.settings.latency().register());
        region.images.put(image.id, image);
        return Xml.response("RegisterImage").leaf("imageId", image.id).finish();
    }

    private static Image.BlockDevice blockDevice(AwsState.RegionState region, QueryParams params, String prefix) {
        String device = params.require(prefix + ".DeviceName");
        String snapshotId = params.require(prefix + ".Ebs.SnapshotId");
        AwsState.SnapshotEntry snapshot = snapshot(region, snapshotId);
        if (!"completed".equals(snapshot.state)) {
            throw AwsError.client("IncorrectState", "Snapshot is in invalid state - " + snapshot.state);
        }
        String size = params.get(prefix + ".Ebs.VolumeSize");
        int volumeSize = size == null ? snapshot.volumeSize : Integer.parseInt(size);
        if (volumeSize < snapshot.volumeSize) {
            throw AwsError.client("InvalidBlockDeviceMapping", "Volume of size " + volumeSize
                    + "GB is smaller than snapshot '" + snapshotId + "', expect size>= " + snapshot.volumeSize + "GB");
        }
        String deleteOnTermination = params.get(prefix + ".Ebs.DeleteOnTermination");
        String volumeType = params.get(prefix + ".Ebs.VolumeType");
        return new Image.BlockDevice(device, snapshotId, volumeSize, volumeType == null ? "standard" : volumeType,
                deleteOnTermination == null || Boolean.parseBoolean(deleteOnTermination), snapshot.encrypted);
    }

    private static String oneOf(QueryParams params, String name, String fallback, Set<String> allowed) {
        String value = params.get(name);
        if (value == null) {
            return fallback;
        }
        if (!allowed.contains(value)) {
            throw AwsError.client("InvalidParameterValue", "Value (" + value + ") for parameter " + name
                    + " is invalid. Valid values: " + allowed);
        }
        return value;
    }

    private String deregisterImage(Ec2Request request) {
        AwsState.ImageEntry image = image(request.region(), request.params().require("ImageId"));
        request.region().images.remove(image.id);
        Xml xml = Xml.response("DeregisterImage").leaf("return", true);
        if (request.params().flag("DeleteAssociatedSnapshots")) {
            xml.open("deleteSnapshotResultSet");
            for (Image.BlockDevice device : image.blockDevices) {
                request.region().snapshots.remove(device.snapshotId());
                xml.open("item").leaf("snapshotId", device.snapshotId()).leaf("returnCode", "success").close();
            }
            xml.close();
        }
        return xml.finish();
    }

    private String deleteSnapshot(Ec2Request request) {
        AwsState.SnapshotEntry snapshot = snapshot(request.region(), request.params().require("SnapshotId"));
        for (AwsState.ImageEntry image : request.region().images.values()) {
            if (image.blockDevices.stream().anyMatch(device -> device.snapshotId().equals(snapshot.id))) {
                throw AwsError.client("InvalidSnapshot.InUse",
                        "The snapshot " + snapshot.id + " is currently in use by " + image.id);
            }
        }
        request.region().snapshots.remove(snapshot.id);
        return Xml.response("DeleteSnapshot").leaf("return", true).finish();
    }

    private String tags(Ec2Request request) {
        QueryParams params = request.params();
        List<String> resources = params.list("ResourceId");
        if (resources.isEmpty()) {
            throw AwsError.client("MissingParameter", "The request must contain the parameter resourceIdSet");
        }
        boolean create = request.action().equals("CreateTags");
        List<Map<String, String>> targets = new ArrayList<>();
        for (String id : resources) {
            if (id.startsWith("ami-")) {
                targets.add(image(request.region(), id).tags);
            } else if (id.startsWith("snap-")) {
                targets.add(snapshot(request.region(), id).tags);
            } else {
                throw AwsError.client("InvalidID", "The ID '" + id + "' is not valid (the fake tags images and snapshots)");
            }
        }
        for (int index : params.indexes("Tag")) {
            String key = params.require("Tag." + index + ".Key");
            String value = params.get("Tag." + index + ".Value");
            for (Map<String, String> tags : targets) {
                if (create) {
                    tags.put(key, value == null ? "" : value);
                } else if (value == null || value.equals(tags.get(key))) {
                    tags.remove(key);
                }
            }
        }
        return Xml.response(request.action()).leaf("return", true).finish();
    }
}
