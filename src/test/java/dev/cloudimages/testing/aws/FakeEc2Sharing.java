package dev.cloudimages.testing.aws;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** EC2 actions that share and age images: launch permissions, deprecation, block public access, CopyImage. */
final class FakeEc2Sharing {
    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");

    private final AwsState state;
    private final Faults faults;

    FakeEc2Sharing(AwsState state, Faults faults) {
        this.state = state;
        this.faults = faults;
    }

    String handle(Ec2Request request) {
        return switch (request.action()) {
            case "DescribeImageAttribute" -> describeAttribute(request);
            case "ModifyImageAttribute" -> modifyAttribute(request);
            case "ResetImageAttribute" -> resetAttribute(request);
            case "EnableImageDeprecation" -> enableDeprecation(request);
            case "DisableImageDeprecation" -> disableDeprecation(request);
            case "GetImageBlockPublicAccessState", "EnableImageBlockPublicAccess", "DisableImageBlockPublicAccess" ->
                    blockPublicAccess(request);
            case "CopyImage" -> copyImage(request);
            case "GetEbsEncryptionByDefault", "EnableEbsEncryptionByDefault", "DisableEbsEncryptionByDefault" ->
                    encryptionByDefault(request);
            default -> throw AwsError.client("InvalidAction",
                    "The action " + request.action() + " is not valid for this web service.");
        };
    }

    private String describeAttribute(Ec2Request request) {
        AwsState.ImageEntry image = FakeEc2.image(request.region(), request.params().require("ImageId"));
        String attribute = request.params().require("Attribute");
        Xml xml = Xml.response("DescribeImageAttribute").leaf("imageId", image.id);
        switch (attribute) {
            case "launchPermission" -> {
                xml.open("launchPermission");
                image.launchGroups.forEach(group -> xml.open("item").leaf("group", group).close());
                image.launchUserIds.forEach(user -> xml.open("item").leaf("userId", user).close());
                xml.close();
            }
            case "description" -> xml.open("description").leaf("value", image.description).close();
            case "bootMode" -> xml.open("bootMode").leaf("value", image.bootMode).close();
            case "tpmSupport" -> xml.open("tpmSupport").leaf("value", image.tpmSupport).close();
            case "imdsSupport" -> xml.open("imdsSupport").leaf("value", image.imdsSupport).close();
            case "lastLaunchedTime" -> {
                // an AMI never launched has the element without a value
                xml.open("lastLaunchedTime");
                if (image.lastLaunched != null) {
                    xml.leaf("value", image.lastLaunched.toString());
                }
                xml.close();
            }
            default -> throw AwsError.client("InvalidParameterValue",
                    "Value (" + attribute + ") for parameter attribute is invalid (the fake knows launchPermission, "
                            + "description, bootMode, tpmSupport, imdsSupport, lastLaunchedTime)");
        }
        return xml.finish();
    }

    private String modifyAttribute(Ec2Request request) {
        QueryParams params = request.params();
        AwsState.ImageEntry image = FakeEc2.image(request.region(), params.require("ImageId"));
        if (params.get("Description.Value") != null) {
            image.description = params.get("Description.Value");
            return Xml.response("ModifyImageAttribute").leaf("return", true).finish();
        }
        List<String[]> add = permissions(params, "LaunchPermission.Add");
        List<String[]> remove = permissions(params, "LaunchPermission.Remove");
        if ("launchPermission".equals(params.get("Attribute"))) {
            String operation = params.require("OperationType");
            List<String[]> target = "add".equals(operation) ? add : "remove".equals(operation) ? remove : null;
            if (target == null) {
                throw AwsError.client("InvalidParameterValue", "Value (" + operation + ") for parameter OperationType is invalid");
            }
            params.list("UserGroup").forEach(group -> target.add(new String[] {"group", group}));
            params.list("UserId").forEach(user -> target.add(new String[] {"userId", user}));
        }
        if (add.isEmpty() && remove.isEmpty()) {
            throw AwsError.client("MissingParameter", "No launch permission or description to modify was given");
        }
        for (String[] permission : add) {
            validate(permission);
            if (permission[0].equals("group")) {
                makePublic(request.region(), image);
            } else {
                image.launchUserIds.add(permission[1]);
            }
        }
        for (String[] permission : remove) {
            validate(permission);
            (permission[0].equals("group") ? image.launchGroups : image.launchUserIds).remove(permission[1]);
        }
        return Xml.response("ModifyImageAttribute").leaf("return", true).finish();
    }

    private static List<String[]> permissions(QueryParams params, String prefix) {
        List<String[]> permissions = new ArrayList<>();
        for (int index : params.indexes(prefix)) {
            String group = params.get(prefix + "." + index + ".Group");
            String user = params.get(prefix + "." + index + ".UserId");
            if (group != null) {
                permissions.add(new String[] {"group", group});
            }
            if (user != null) {
                permissions.add(new String[] {"userId", user});
            }
        }
        return permissions;
    }

    private static void validate(String[] permission) {
        if (permission[0].equals("group") && !permission[1].equals("all")) {
            throw AwsError.client("InvalidAMIAttributeItemValue",
                    "Invalid attribute item value \"" + permission[1] + "\" for group item type.");
        }
        if (permission[0].equals("userId") && !ACCOUNT_ID.matcher(permission[1]).matches()) {
            throw AwsError.client("InvalidAMIAttributeItemValue",
                    "Invalid attribute item value \"" + permission[1] + "\" for userId item type.");
        }
    }

    /** The checks AWS makes before an image becomes public, in its order: block public access, encryption, quota. */
    private static void makePublic(AwsState.RegionState region, AwsState.ImageEntry image) {
        if (image.launchGroups.contains("all")) {
            return;
        }
        if (region.blockPublicAccess) {
            throw AwsError.client("OperationNotPermitted", "You can't publicly share this image because block public "
                    + "access for AMIs is enabled for this account. To publicly share the image, you must call the "
                    + "DisableImageBlockPublicAccess API.");
        }
        if (image.encrypted()) {
            throw AwsError.client("UnsupportedOperation",
                    "Encrypted snapshots can't be shared publicly. Specify another snapshot.");
        }
        if (region.publicImages() >= region.publicQuota) {
            throw AwsError.client("ResourceLimitExceeded", "You have reached your quota of " + region.publicQuota
                    + " for the number of public images allowed in this Region. Deregister unused public images or "
                    + "make them private, or request an increase in your public AMIs quota.");
        }
        image.launchGroups.add("all");
    }

    private String resetAttribute(Ec2Request request) {
        AwsState.ImageEntry image = FakeEc2.image(request.region(), request.params().require("ImageId"));
        String attribute = request.params().require("Attribute");
        if (!attribute.equals("launchPermission")) {
            throw AwsError.client("InvalidParameterValue", "Value (" + attribute + ") for parameter attribute is invalid");
        }
        image.launchGroups.clear();
        image.launchUserIds.clear();
        return Xml.response("ResetImageAttribute").leaf("return", true).finish();
    }

    /** AWS rounds DeprecateAt to the nearest minute and refuses times in the past or more than 10 years ahead. */
    private String enableDeprecation(Ec2Request request) {
        AwsState.ImageEntry image = FakeEc2.image(request.region(), request.params().require("ImageId"));
        String text = request.params().require("DeprecateAt");
        Instant at;
        try {
            at = Instant.parse(text).plusSeconds(30).truncatedTo(ChronoUnit.MINUTES);
        } catch (DateTimeParseException e) {
            throw AwsError.client("InvalidParameterValue", "Value (" + text + ") for parameter DeprecateAt is invalid");
        }
        Instant now = state.now();
        if (at.isBefore(now) || at.isAfter(now.plus(Duration.ofDays(3653)))) {
            throw AwsError.client("InvalidParameterValue", "The deprecation time must be in the future and at most 10 "
                    + "years from now, but it is " + FakeEc2.time(at));
        }
        image.deprecationTime = at;
        return Xml.response("EnableImageDeprecation").leaf("return", true).finish();
    }

    private String disableDeprecation(Ec2Request request) {
        FakeEc2.image(request.region(), request.params().require("ImageId")).deprecationTime = null;
        return Xml.response("DisableImageDeprecation").leaf("return", true).finish();
    }

    private String blockPublicAccess(Ec2Request request) {
        AwsState.RegionState region = request.region();
        if (request.action().startsWith("Enable")) {
            String wanted = request.params().require("ImageBlockPublicAccessState");
            if (!wanted.equals("block-new-sharing")) {
                throw AwsError.client("InvalidParameterValue",
                        "Value (" + wanted + ") for parameter ImageBlockPublicAccessState is invalid");
            }
            region.blockPublicAccess = true;
        } else if (request.action().startsWith("Disable")) {
            region.blockPublicAccess = false;
        }
        Xml xml = Xml.response(request.action())
                .leaf("imageBlockPublicAccessState", region.blockPublicAccess ? "block-new-sharing" : "unblocked");
        if (request.action().startsWith("Get")) {
            xml.leaf("managedBy", "account");
        }
        return xml.finish();
    }

    /** EBS encryption by default: a region's account setting that encrypts every new snapshot and copy. */
    private String encryptionByDefault(Ec2Request request) {
        AwsState.RegionState region = request.region();
        if (!request.action().startsWith("Get")) {
            region.encryptionByDefault = request.action().startsWith("Enable");
        }
        return Xml.response(request.action()).leaf("ebsEncryptionByDefault", region.encryptionByDefault)
                .leaf("sseType", "sse-ebs").finish();
    }

    private String copyImage(Ec2Request request) {
        QueryParams params = request.params();
        AwsState.RegionState region = request.region();
        String token = params.get("ClientToken");
        if (token != null && region.copyTokens.containsKey(token)) {
            return Xml.response("CopyImage").leaf("imageId", region.copyTokens.get(token)).finish();
        }
        String sourceRegionName = params.require("SourceRegion");
        AwsState.RegionState sourceRegion = state.regions.get(sourceRegionName);
        if (sourceRegion == null || !sourceRegion.region.enabled()) {
            throw AwsError.client("InvalidParameterValue", "Invalid source region " + sourceRegionName);
        }
        AwsState.ImageEntry source = FakeEc2.image(sourceRegion, params.require("SourceImageId"));
        if (!source.state.equals("available")) {
            throw AwsError.client("IncorrectState", "Image " + source.id + " is not available: it is " + source.state);
        }
        String name = params.require("Name");
        String injected = faults.takeCopyFailure(region.name());
        if (injected != null) {
            throw AwsError.client(injected, injected.equals("ResourceLimitExceeded")
                    ? "You have exceeded the number of concurrent AMI copy requests (injected fault)"
                    : "Injected CopyImage failure into " + region.name());
        }
        AwsState.ImageEntry copy = state.fresh(new AwsState.ImageEntry(region.name(), AwsState.newId("ami"),
                state.now()));
        copy.name = name;
        copy.description = params.get("Description");
        copy.architecture = source.architecture;
        copy.bootMode = source.bootMode;
        copy.enaSupport = source.enaSupport;
        copy.imdsSupport = source.imdsSupport;
        copy.tpmSupport = source.tpmSupport;
        copy.rootDeviceName = source.rootDeviceName;
        copy.virtualizationType = source.virtualizationType;
        copy.sourceImageId = source.id;
        copy.sourceRegion = sourceRegion.name();
        boolean encrypted = params.flag("Encrypted");
        String kmsKey = params.get("KmsKeyId");
        if (kmsKey != null && !encrypted) {
            throw AwsError.client("InvalidParameterDependency", "The parameter KmsKeyId requires the parameter Encrypted"
                    + " to be set.");
        }
        for (Image.BlockDevice device : source.blockDevices) {
            AwsState.SnapshotEntry original = sourceRegion.snapshots.get(device.snapshotId());
            AwsState.SnapshotEntry snapshot = state.fresh(new AwsState.SnapshotEntry(region.name(),
                    AwsState.newId("snap"), "copy", state.now()));
            snapshot.volumeSize = original == null ? device.volumeSize() : original.volumeSize;
            // a copy is encrypted when asked, when its source is, or when the region encrypts every new volume
            snapshot.encrypted = encrypted || device.encrypted() || region.encryptionByDefault;
            if (snapshot.encrypted) {
                snapshot.kmsKeyId = kmsKey != null ? kmsKey : AwsState.defaultKmsKey(region.name());
            }
            snapshot.description = "Copied for DestinationAmi " + copy.id + " from SourceAmi " + source.id
                    + " for SourceSnapshot " + device.snapshotId() + ". Task created on " + FakeEc2.time(state.now()) + ".";
            if (original != null) {
                snapshot.blocks.putAll(original.blocks);
            }
            snapshot.tags.putAll(params.tagSpecification("snapshot"));
            region.snapshots.put(snapshot.id, snapshot);
            copy.copiedSnapshots.add(snapshot);
            copy.blockDevices.add(new Image.BlockDevice(device.deviceName(), snapshot.id, device.volumeSize(),
                    device.volumeType(), device.deleteOnTermination(), snapshot.encrypted));
        }
        if (params.flag("CopyImageTags")) {
            copy.tags.putAll(source.tags);
        }
        copy.tags.putAll(params.tagSpecification("image"));
        copy.pollsLeft = state.settings.copyPolls();
        copy.readyAt = state.now().plus(state.settings.latency().copy());
        region.images.put(copy.id, copy);
        if (token != null) {
            region.copyTokens.put(token, copy.id);
        }
        return Xml.response("CopyImage").leaf("imageId", copy.id).finish();
    }
}
