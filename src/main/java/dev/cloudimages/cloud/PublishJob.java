package dev.cloudimages.cloud;

/** One imported image to publish, with the variant's regions, access and publish settings. */
public record PublishJob(ImageIdentity identity, RemoteImage source, CloudSettings settings) {
}
