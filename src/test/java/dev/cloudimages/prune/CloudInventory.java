package dev.cloudimages.prune;

import dev.cloudimages.testing.aws.FakeAws;
import dev.cloudimages.testing.aws.Image;
import dev.cloudimages.testing.gcp.FakeGcp;
import dev.cloudimages.testing.oci.FakeOci;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the three fakes hold of one revision of the test overlay's x86_64 BIOS variants: its image
 * id per cloud and region, and everything else made for it (AWS snapshots, OCI capability schemas,
 * exports and their download URLs), for the release and prune test to compare with what it expects.
 */
record CloudInventory(FakeAws aws, FakeGcp gcp, FakeOci oci) {

    static final List<String> AWS_REGIONS = List.of("eu-south-1", "eu-west-1", "us-east-1", "us-west-2");
    static final List<String> OCI_REGIONS = FakeOci.REGIONS;

    /** "cloud region" to image id, for the revision. */
    Map<String, String> images(int revision) {
        Map<String, String> ids = new TreeMap<>();
        for (String region : AWS_REGIONS) {
            aws.images(region).stream().filter(i -> revision(i.tags()) == revision)
                    .forEach(i -> put(ids, "aws " + region, i.id()));
        }
        gcp.images().forEach((name, image) -> {
            if (image.path("labels").path("build_revision").asText().equals(Integer.toString(revision))) {
                put(ids, "gcp global", name);
            }
        });
        for (String region : OCI_REGIONS) {
            oci.images(region).stream().filter(i -> revision(i.tags) == revision)
                    .forEach(i -> put(ids, "oci " + region, i.id));
        }
        return ids;
    }

    /** Everything else of the revision still in the fakes: snapshots, schemas, exports, public URLs. */
    List<String> leftovers(int revision, List<String> snapshotIds, List<String> ociImageIds) {
        List<String> left = new java.util.ArrayList<>();
        for (String region : AWS_REGIONS) {
            aws.snapshots(region).stream().filter(s -> snapshotIds.contains(s.id()))
                    .forEach(s -> left.add("aws snapshot " + s.id()));
        }
        oci.schemas().keySet().stream().filter(ociImageIds::contains).forEach(id -> left.add("oci schema of " + id));
        for (String region : OCI_REGIONS) {
            oci.objects(region).keySet().stream().filter(o -> o.contains("-r" + revision + "."))
                    .forEach(o -> left.add("oci object " + o));
        }
        oci.pars().stream().filter(p -> p.object().contains("-r" + revision + "."))
                .forEach(p -> left.add("oci par " + p.name()));
        return left;
    }

    /** The snapshots behind the revision's AMIs. */
    List<String> snapshots(int revision) {
        return AWS_REGIONS.stream().flatMap(r -> aws.images(r).stream()).filter(i -> revision(i.tags()) == revision)
                .flatMap(i -> i.blockDevices().stream()).map(Image.BlockDevice::snapshotId).toList();
    }

    List<String> ociImages(int revision) {
        return OCI_REGIONS.stream().flatMap(r -> oci.images(r).stream()).filter(i -> revision(i.tags) == revision)
                .map(i -> i.id).toList();
    }

    private static void put(Map<String, String> ids, String where, String id) {
        if (ids.put(where, id) != null) {
            throw new AssertionError("two images of one revision in " + where);
        }
    }

    private static int revision(Map<String, String> tags) {
        return tags == null ? -1 : Integer.parseInt(tags.getOrDefault("build_revision", "-1"));
    }
}
