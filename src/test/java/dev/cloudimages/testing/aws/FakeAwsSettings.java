package dev.cloudimages.testing.aws;

import java.time.Duration;
import java.util.List;

/**
 * How the fake behaves: its regions, how many polls (Describe calls that return the resource) each asynchronous
 * thing takes before it is done, how far it lags behind itself as AWS does, and the vmimport service role.
 *
 * @param registerPolls DescribeImages polls a registered image stays {@code pending}
 * @param copyPolls     DescribeImages polls a copied image (and its snapshot) stays {@code pending}
 * @param snapshotPolls DescribeSnapshots polls a completed EBS direct snapshot stays {@code pending}
 * @param importPolls   DescribeImportSnapshotTasks polls an import task stays {@code active}
 * @param publicQuota   public images allowed per region (AWS's default quota is 5)
 * @param lag           AWS's eventual consistency, on by default
 * @param role          the vmimport service role ImportSnapshot uses, and the buckets its policy lets it read
 * @param latency       how long things take in wall time besides the polls (off by default; the benchmark's model)
 */
public record FakeAwsSettings(List<FakeRegion> regions, int registerPolls, int copyPolls, int snapshotPolls,
        int importPolls, int publicQuota, Lag lag, Role role, Latency latency) {

    /**
     * AWS's own slowness, in wall time: a completed EBS direct snapshot, a registered AMI, a region's
     * copy. Real AWS takes minutes for each (a copy per region often 10-30); a benchmark scales that
     * down (real minutes as fake seconds, say) so a release of many variants can be measured.
     */
    public record Latency(Duration snapshot, Duration register, Duration copy) {
        public static final Latency NONE = new Latency(Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }

    public FakeAwsSettings(List<FakeRegion> regions, int registerPolls, int copyPolls, int snapshotPolls,
                           int importPolls, int publicQuota, Lag lag, Role role) {
        this(regions, registerPolls, copyPolls, snapshotPolls, importPolls, publicQuota, lag, role, Latency.NONE);
    }

    public FakeAwsSettings withLatency(Latency newLatency) {
        return new FakeAwsSettings(regions, registerPolls, copyPolls, snapshotPolls, importPolls, publicQuota, lag,
                role, newLatency);
    }

    /**
     * AWS catching up with itself. The defaults are on and short, so every test meets them without waiting long.
     *
     * @param unwritable     how long after StartSnapshot PutSnapshotBlock and CompleteSnapshot still answer
     *                       ResourceNotFoundException (the EBS team: up to about 2 minutes)
     * @param hiddenLookups  how many EC2 requests naming a new AMI or snapshot id answer {@code *.NotFound} first
     * @param importTaskTime how long an import task runs by itself when nobody polls it (it does not need a client)
     */
    public record Lag(Duration unwritable, int hiddenLookups, Duration importTaskTime) {
        public static final Lag NONE = new Lag(Duration.ZERO, 0, Duration.ofDays(1));
    }

    /**
     * The service role ImportSnapshot reads the disk with ({@code RoleName}, {@code vmimport} unless given) and the
     * buckets its policy names: exact names, or a prefix ending in {@code *}.
     */
    public record Role(String name, List<String> buckets) {
        public Role {
            buckets = List.copyOf(buckets);
        }

        boolean canRead(String bucket) {
            return buckets.stream().anyMatch(b -> b.endsWith("*") ? bucket.startsWith(b.substring(0, b.length() - 1))
                    : bucket.equals(b));
        }
    }

    public FakeAwsSettings {
        regions = List.copyOf(regions);
    }

    public static FakeAwsSettings defaults() {
        return new FakeAwsSettings(List.of(
                new FakeRegion("us-east-1", FakeRegion.NOT_REQUIRED),
                new FakeRegion("us-west-2", FakeRegion.NOT_REQUIRED),
                new FakeRegion("eu-west-1", FakeRegion.NOT_REQUIRED),
                new FakeRegion("eu-south-1", FakeRegion.OPTED_IN),
                new FakeRegion("ap-east-1", FakeRegion.NOT_OPTED_IN)), 1, 2, 2, 3, 5,
                new Lag(Duration.ofMillis(300), 1, Duration.ofSeconds(30)),
                new Role("vmimport", List.of("cloudimages-test-uploads", "cloudimages-test-import-*")));
    }

    public FakeAwsSettings withRegions(List<FakeRegion> newRegions) {
        return new FakeAwsSettings(newRegions, registerPolls, copyPolls, snapshotPolls, importPolls, publicQuota, lag,
                role, latency);
    }

    public FakeAwsSettings withPolls(int register, int copy, int snapshot, int imports) {
        return new FakeAwsSettings(regions, register, copy, snapshot, imports, publicQuota, lag, role, latency);
    }

    public FakeAwsSettings withPublicQuota(int quota) {
        return new FakeAwsSettings(regions, registerPolls, copyPolls, snapshotPolls, importPolls, quota, lag, role,
                latency);
    }

    public FakeAwsSettings withLag(Lag newLag) {
        return new FakeAwsSettings(regions, registerPolls, copyPolls, snapshotPolls, importPolls, publicQuota, newLag,
                role, latency);
    }

    public FakeAwsSettings withRole(Role newRole) {
        return new FakeAwsSettings(regions, registerPolls, copyPolls, snapshotPolls, importPolls, publicQuota, lag,
                newRole, latency);
    }
}
