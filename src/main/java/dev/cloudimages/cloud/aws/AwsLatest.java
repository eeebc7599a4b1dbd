package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.CloudContext;
import dev.cloudimages.cloud.CloudSettings;
import dev.cloudimages.cloud.ReleaseJob;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The release's "latest" pointers on AWS: one SSM parameter per region the image was published
 * to ({@code latest.ssm_parameter}, placeholders from the variant), holding the AMI id with the
 * data type {@code aws:ec2:image} so EC2 launches can name it ({@code resolve:ssm:...}). A
 * parameter already naming the AMI is left alone (no new parameter version on a re-run). The AMI
 * is tagged with the parameter's name, so prune can tell whether a parameter still names it.
 */
final class AwsLatest {

    static final String SETTING = "latest.ssm_parameter";
    /** The tag naming the parameter an AMI was made latest in. */
    static final String PARAMETER_TAG = "latest_parameter";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final AwsSession session;

    AwsLatest(AwsSession session) {
        this.session = session;
    }

    List<String> move(ReleaseJob job, CloudContext context) {
        Optional<String> name = parameterName(job.settings());
        if (name.isEmpty()) {
            return List.of();
        }
        List<String> moved = new ArrayList<>();
        for (Map.Entry<String, String> entry : job.images().entrySet()) {
            String region = entry.getKey();
            String imageId = entry.getValue();
            SsmClient ssm = session.ssm(region);
            try {
                Optional<String> now = current(ssm, name.get());
                if (now.filter(imageId::equals).isPresent()) {
                    moved.add(region + ": " + name.get() + " already names " + imageId);
                    continue;
                }
                session.ec2(region).createTags(b -> b.resources(imageId).tags(AwsTags.list(
                        Map.of(PARAMETER_TAG, name.get()))));
                ssm.putParameter(b -> b.name(name.get()).value(imageId).type(ParameterType.STRING)
                        .dataType("aws:ec2:image").overwrite(true)
                        .description("the newest released " + job.identity().buildName()));
                moved.add(region + ": " + name.get() + " -> " + imageId + now.map(old -> " (was " + old + ")")
                        .orElse(""));
            } catch (SdkException e) {
                throw AwsFailures.of("pointing " + name.get() + " at " + imageId + " in " + region, e, session);
            }
        }
        return moved;
    }

    /** Removes the parameter an AMI being deleted was made latest in, if it still names that AMI. */
    void forget(Image image, String region) {
        String name = AwsTags.map(image.tags()).get(PARAMETER_TAG);
        if (name == null) {
            return;
        }
        SsmClient ssm = session.ssm(region);
        try {
            if (current(ssm, name).filter(image.imageId()::equals).isPresent()) {
                ssm.deleteParameter(b -> b.name(name));
            }
        } catch (ParameterNotFoundException e) {
            // removed meanwhile: nothing names the image
        } catch (SdkException e) {
            throw AwsFailures.of("removing " + name + " in " + region, e, session);
        }
    }

    private static Optional<String> current(SsmClient ssm, String name) {
        try {
            return Optional.of(ssm.getParameter(b -> b.name(name)).parameter().value());
        } catch (ParameterNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * The parameter's name with the variant's values filled in ({project}, {version}, {arch},
     * {firmware}, {bootstrap}, ...); a placeholder the variant has no value for is an error, so
     * no parameter is made with braces in its name.
     */
    static Optional<String> parameterName(CloudSettings settings) {
        String template = settings.string(SETTING, null);
        if (template == null) {
            return Optional.empty();
        }
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder name = new StringBuilder();
        while (matcher.find()) {
            Object value = settings.config().get(matcher.group(1));
            if (value == null || value instanceof Map || value instanceof List || value.toString().isBlank()) {
                throw settings.bad(SETTING, template, "placeholders the variant has a value for; it has none for {"
                        + matcher.group(1) + "}");
            }
            matcher.appendReplacement(name, Matcher.quoteReplacement(value.toString()));
        }
        matcher.appendTail(name);
        if (!name.toString().matches("[a-zA-Z0-9_.\\-/]+")) {
            throw settings.bad(SETTING, template, "an SSM parameter name: letters, digits, '_', '.', '-' and '/'"
                    + " (it is '" + name + "' filled in)");
        }
        return Optional.of(name.toString());
    }
}
