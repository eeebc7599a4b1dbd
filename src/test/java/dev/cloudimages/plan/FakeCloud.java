package dev.cloudimages.plan;

import dev.cloudimages.cloud.CloudAdapter;
import dev.cloudimages.cloud.CloudAdapters;
import dev.cloudimages.cloud.RemoteImage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An in-memory cloud behind the adapter interface: a list of images, and a record of removals. */
final class FakeCloud implements CloudAdapter {

    final String cloud;
    final List<RemoteImage> images = new ArrayList<>();
    final List<String> removed = new ArrayList<>();

    FakeCloud(String cloud) {
        this.cloud = cloud;
    }

    FakeCloud with(String buildName, int revision, String endOfLife, boolean published) {
        images.add(new RemoteImage("img-" + buildName + "-r" + revision, "test-1", buildName, revision, endOfLife,
                true, published, Map.of("build_name", buildName)));
        return this;
    }

    CloudAdapters adapters() {
        return new CloudAdapters(Map.of(cloud, env -> CloudAdapters.Availability.of(this)), Map.of());
    }

    @Override
    public String cloud() {
        return cloud;
    }

    @Override
    public String describe() {
        return "in-memory " + cloud;
    }

    /** The planner never imports or publishes; the cloud steps are tested against the AWS fake. */
    @Override
    public RemoteImage importImage(dev.cloudimages.cloud.ImportJob job, dev.cloudimages.cloud.CloudContext context) {
        throw new UnsupportedOperationException("the planner does not import");
    }

    @Override
    public dev.cloudimages.cloud.PublishResult publish(dev.cloudimages.cloud.PublishJob job,
                                                       dev.cloudimages.cloud.CloudContext context) {
        throw new UnsupportedOperationException("the planner does not publish");
    }

    @Override
    public Optional<RemoteImage> latestBuildImage(String project, String buildName,
                                                  dev.cloudimages.cloud.CloudSettings settings) {
        return images.stream().filter(i -> i.buildName().equals(buildName))
                .max(Comparator.comparingInt(RemoteImage::revision));
    }

    @Override
    public void removeImage(RemoteImage image) {
        removed.add(image.id());
        images.remove(image);
    }
}
