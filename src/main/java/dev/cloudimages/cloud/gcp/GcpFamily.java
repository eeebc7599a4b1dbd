package dev.cloudimages.cloud.gcp;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.compute.v1.Image;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.PatchImageRequest;
import dev.cloudimages.cloud.CloudContext;
import dev.cloudimages.cloud.ReleaseJob;
import dev.cloudimages.support.BuildException;

import java.time.Duration;
import java.util.List;

/**
 * The release's "latest" pointer on GCP: the image family ({@code latest.family}). A family names
 * its newest image that is not deprecated, so an image is put in it only when it is released
 * (images.patch, which may change the family): until then the family keeps naming the image
 * released before, and the older images stay in it, for a rollback by deprecating the newest.
 */
final class GcpFamily {

    static final String SETTING = "latest.family";
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final GcpSession session;

    GcpFamily(GcpSession session) {
        this.session = session;
    }

    List<String> move(ReleaseJob job, CloudContext context) {
        String family = ImageCreator.Settings.of(job.identity(), job.settings()).family();
        String name = job.images().get("global");
        if (family.isEmpty() || name == null) {
            return List.of();
        }
        Image image = new ImageCreator(session, context.log()).find(name).orElseThrow(() -> new BuildException(
                "gcp: image " + name + " is no longer in project " + session.project() + "; run './build publish'"));
        if (image.getFamily().equals(family)) {
            return List.of("global: " + name + " is in family " + family + " already");
        }
        try {
            Operation started = session.images().patchCallable().call(PatchImageRequest.newBuilder()
                    .setProject(session.project()).setImage(name)
                    .setImageResource(Image.newBuilder().setFamily(family)).build());
            GcpOperations.await(session, started, "putting image " + name + " in family " + family, TIMEOUT, null,
                    context.pollInterval());
        } catch (ApiException e) {
            throw GcpFailures.of("putting image " + name + " in family " + family, e, session);
        }
        return List.of("global: family " + family + " -> " + name);
    }
}
