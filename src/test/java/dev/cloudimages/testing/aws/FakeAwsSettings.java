package dev.cloudimages.testing.aws;

import java.util.List;

/**
 * How the fake behaves: its regions and how many polls (Describe calls that return the resource) each asynchronous
 * thing takes before it is done.
 *
 * @param registerPolls DescribeImages polls a registered image stays {@code pending}
 * @param copyPolls     DescribeImages polls a copied image (and its snapshot) stays {@code pending}
 * @param snapshotPolls DescribeSnapshots polls a completed EBS direct snapshot stays {@code pending}
 * @param importPolls   DescribeImportSnapshotTasks polls an import task stays {@code active}
 * @param publicQuota   public images allowed per region (AWS's default quota is 5)
 */
public record FakeAwsSettings(List<FakeRegion> regions, int registerPolls, int copyPolls, int snapshotPolls,
        int importPolls, int publicQuota) {

    public FakeAwsSettings {
        regions = List.copyOf(regions);
    }

    public static FakeAwsSettings defaults() {
        return new FakeAwsSettings(List.of(
                new FakeRegion("us-east-1", FakeRegion.NOT_REQUIRED),
                new FakeRegion("us-west-2", FakeRegion.NOT_REQUIRED),
                new FakeRegion("eu-west-1", FakeRegion.NOT_REQUIRED),
                new FakeRegion("eu-south-1", FakeRegion.OPTED_IN),
                new FakeRegion("ap-east-1", FakeRegion.NOT_OPTED_IN)), 1, 2, 2, 3, 5);
    }

    public FakeAwsSettings withRegions(List<FakeRegion> newRegions) {
        return new FakeAwsSettings(newRegions, registerPolls, copyPolls, snapshotPolls, importPolls, publicQuota);
    }

    public FakeAwsSettings withPolls(int register, int copy, int snapshot, int imports) {
        return new FakeAwsSettings(regions, register, copy, snapshot, imports, publicQuota);
    }

    public FakeAwsSettings withPublicQuota(int quota) {
        return new FakeAwsSettings(regions, registerPolls, copyPolls, snapshotPolls, importPolls, quota);
    }
}
