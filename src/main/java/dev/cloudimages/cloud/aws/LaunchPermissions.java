package dev.cloudimages.cloud.aws;

import dev.cloudimages.support.BuildException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.LaunchPermission;
import software.amazon.awssdk.services.ec2.model.PermissionGroup;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may launch an AMI, made what {@code access} says by one ModifyImageAttribute that adds what is
 * missing and removes what is too much, so there is no moment in which a public AMI is private (a
 * reset followed by an add would make one). Before an AMI becomes public, the region's block public
 * access for AMIs is read, and the public-AMI quota error says what to request.
 */
final class LaunchPermissions {

    static final String PUBLIC = "group:all";

    private LaunchPermissions() {
    }

    /** Sets the permissions; returns what was done ("public", "shared with 2 account(s)") or "" when nothing. */
    static String apply(Ec2Client ec2, Eventually eventually, String region, Image image, PublishTargets targets) {
        String id = image.imageId();
        Set<String> have = of(eventually.call(() -> ec2.describeImageAttribute(b -> b.imageId(id)
                .attribute("launchPermission")), id).launchPermissions());
        Set<String> want = new TreeSet<>(targets.accounts());
        if (targets.isPublic()) {
            want.add(PUBLIC);
        }
        Set<String> add = new TreeSet<>(want);
        add.removeAll(have);
        Set<String> remove = new TreeSet<>(have);
        remove.removeAll(want);
        if (add.isEmpty() && remove.isEmpty()) {
            return "";
        }
        if (add.contains(PUBLIC)) {
            String state = ec2.getImageBlockPublicAccessState(b -> { }).imageBlockPublicAccessState();
            if ("block-new-sharing".equals(state)) {
                throw new BuildException("block public access for AMIs is on in " + region
                        + "; turn it off with 'aws ec2 disable-image-block-public-access --region " + region
                        + "' or publish privately (access.PUBLIC = false)");
            }
        }
        try {
            eventually.run(() -> ec2.modifyImageAttribute(b -> b.imageId(id).launchPermission(p -> p
                    .add(permissions(add)).remove(permissions(remove)))), id);
        } catch (SdkException e) {
            String message = AwsFailures.message(e);
            if (add.contains(PUBLIC) && message.toLowerCase(Locale.ROOT).contains("public")
                    && AwsFailures.code(e).contains("Limit")) {
                throw new BuildException("the account's quota of public AMIs in " + region + " is used up ("
                        + message + "); request a higher 'Public AMIs' quota in Service Quotas for " + region
                        + ", or make older public images private");
            }
            throw e;
        }
        return targets.isPublic() ? "public" : "shared with " + targets.accounts().size() + " account(s)";
    }

    private static Set<String> of(List<LaunchPermission> permissions) {
        Set<String> set = new TreeSet<>();
        for (LaunchPermission permission : permissions) {
            if (permission.group() == PermissionGroup.ALL) {
                set.add(PUBLIC);
            } else if (permission.userId() != null) {
                set.add(permission.userId());
            }
        }
        return set;
    }

    private static List<LaunchPermission> permissions(Set<String> who) {
        return who.stream().map(w -> w.equals(PUBLIC) ? LaunchPermission.builder().group(PermissionGroup.ALL).build()
                : LaunchPermission.builder().userId(w).build()).toList();
    }
}
