package dev.cloudimages.cloud.gcp;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.compute.v1.Binding;
import com.google.cloud.compute.v1.DeprecateImageRequest;
import com.google.cloud.compute.v1.DeprecationStatus;
import com.google.cloud.compute.v1.GlobalSetLabelsRequest;
import com.google.cloud.compute.v1.GlobalSetPolicyRequest;
import com.google.cloud.compute.v1.Image;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.Policy;
import com.google.cloud.compute.v1.SetIamPolicyImageRequest;
import com.google.cloud.compute.v1.SetLabelsImageRequest;
import dev.cloudimages.cloud.CloudContext;
import dev.cloudimages.cloud.CloudSettings;
import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.cloud.PublishJob;
import dev.cloudimages.cloud.PublishResult;
import dev.cloudimages.cloud.PublishResult.RegionOutcome;
import dev.cloudimages.support.BuildException;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Publishes one imported image. GCP images are global, so publishing is: grant
 * roles/compute.imageUser to allAuthenticatedUsers (access.PUBLIC) or to the listed members, by a
 * read-modify-write of the image's IAM policy that keeps every other binding and sends the etag
 * back (a concurrent change makes GCP refuse it, and it is read again); schedule deprecation at
 * the end of life; label it published. Each step reads what is there first and changes only what
 * differs, so a re-run changes nothing that is right. Members are only ever added.
 */
final class ImagePublisher {

    static final String IMAGE_USER = "roles/compute.imageUser";
    static final String PUBLIC = "allAuthenticatedUsers";
    private static final int POLICY_ATTEMPTS = 3;
    private static final Duration OPERATION_TIMEOUT = Duration.ofMinutes(10);

    private final GcpSession session;

    ImagePublisher(GcpSession session) {
        this.session = session;
    }

    PublishResult publish(PublishJob job, CloudContext context) {
        ImageIdentity identity = job.identity();
        String name = job.source().id();
        Set<String> members = members(job.settings());
        Instant endOfLife = endOfLife(identity, job.settings());
        Image image = new ImageCreator(session, context.log()).find(name).orElseThrow(() -> new BuildException(
                "gcp: image " + name + " is no longer in project " + session.project() + "; run './build import'"));
        List<String> done = new ArrayList<>();
        try {
            grant(name, members, done);
            deprecate(image, endOfLife, context, done);
            if (!image.getLabelsMap().containsKey(ImageIdentity.PUBLISHED)) {
                Image current = session.images().get(session.project(), name);
                Map<String, String> labels = new LinkedHashMap<>(current.getLabelsMap());
                labels.put(ImageIdentity.PUBLISHED, GcpLabels.value(context.timestamp()));
                Operation started = session.images().setLabelsCallable().call(SetLabelsImageRequest.newBuilder()
                        .setProject(session.project()).setResource(name)
                        .setGlobalSetLabelsRequestResource(GlobalSetLabelsRequest.newBuilder().putAllLabels(labels)
                                .setLabelFingerprint(current.getLabelFingerprint())).build());
                GcpOperations.await(session, started, "labelling image " + name, OPERATION_TIMEOUT, null,
                        context.pollInterval());
                done.add("published");
            }
        } catch (ApiException e) {
            throw GcpFailures.of("publishing image " + name, e, session);
        }
        String outcome = done.isEmpty() ? "unchanged" : String.join(", ", done);
        context.log().info("[%s] global: %s %s", identity.variantKey(), name, outcome);
        return new PublishResult(List.of(new RegionOutcome("global", name, outcome, false)), List.of());
    }

    /** access.PUBLIC = true means allAuthenticatedUsers; other keys are IAM members ("user:a@b", "group:..."). */
    static Set<String> members(CloudSettings settings) {
        Set<String> members = new TreeSet<>();
        settings.flags("access").forEach((member, on) -> {
            if (!on) {
                return;
            }
            if (member.equals("PUBLIC")) {
                members.add(PUBLIC);
            } else if (member.contains(":") || member.equals(PUBLIC)) {
                members.add(member);
            } else {
                throw settings.bad("access." + member, "true", "PUBLIC or an IAM member such as"
                        + " \"user:me@example.com\", \"group:...\", \"serviceAccount:...\", \"domain:...\"");
            }
        });
        return members;
    }

    private void grant(String name, Set<String> members, List<String> done) {
        if (members.isEmpty()) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            Policy policy = session.images().getIamPolicy(session.project(), name);
            Set<String> missing = new TreeSet<>(members);
            policy.getBindingsList().stream().filter(b -> b.getRole().equals(IMAGE_USER) && !b.hasCondition())
                    .forEach(b -> missing.removeAll(b.getMembersList()));
            if (missing.isEmpty()) {
                return;
            }
            Policy.Builder changed = policy.toBuilder().clearBindings();
            boolean added = false;
            for (Binding binding : policy.getBindingsList()) {
                if (!added && binding.getRole().equals(IMAGE_USER) && !binding.hasCondition()) {
                    binding = binding.toBuilder().addAllMembers(missing).build();
                    added = true;
                }
                changed.addBindings(binding);
            }
            if (!added) {
                changed.addBindings(Binding.newBuilder().setRole(IMAGE_USER).addAllMembers(missing));
            }
            try {
                session.images().setIamPolicy(SetIamPolicyImageRequest.newBuilder().setProject(session.project())
                        .setResource(name).setGlobalSetPolicyRequestResource(GlobalSetPolicyRequest.newBuilder()
                                .setPolicy(changed)).build());
                done.add("shared with " + String.join(", ", missing));
                return;
            } catch (ApiException e) {
                // 409/412: the policy changed since it was read; read it again
                int status = GcpFailures.status(e);
                if ((status != 409 && status != 412) || attempt == POLICY_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private void deprecate(Image image, Instant endOfLife, CloudContext context, List<String> done) {
        String at = endOfLife.toString();
        String state = context.clock().now().isBefore(endOfLife) ? "ACTIVE" : "DEPRECATED";
        DeprecationStatus have = image.getDeprecated();
        if (endOfLife.equals(instant(have.getDeprecated())) && have.getState().equals(state)) {
            return;
        }
        Operation started = session.images().deprecateCallable().call(DeprecateImageRequest.newBuilder()
                .setProject(session.project()).setImage(image.getName())
                .setDeprecationStatusResource(DeprecationStatus.newBuilder().setState(state).setDeprecated(at)).build());
        GcpOperations.await(session, started, "deprecating image " + image.getName(), OPERATION_TIMEOUT, null,
                context.pollInterval());
        done.add("deprecation " + at);
    }

    /**
     * A deprecation time as the instant it names: GCP keeps its own form of what was sent
     * (milliseconds, an offset), so the strings differ when the times do not. Null when unset.
     */
    static Instant instant(String rfc3339) {
        try {
            return rfc3339 == null || rfc3339.isEmpty() ? null : java.time.OffsetDateTime.parse(rfc3339).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Instant endOfLife(ImageIdentity identity, CloudSettings settings) {
        try {
            return LocalDate.parse(identity.endOfLife()).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw settings.bad("end_of_life", identity.endOfLife(), "a date such as 2028-05-01");
        }
    }
}
