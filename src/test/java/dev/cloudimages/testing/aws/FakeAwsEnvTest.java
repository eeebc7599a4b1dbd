package dev.cloudimages.testing.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.ebs.EbsClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@link FakeAws#env()} is all a process needs: a separate JVM given only that environment builds SDK clients
 * with the default endpoint, region and credential lookups and reaches the fake (S3 path-style).
 */
class FakeAwsEnvTest {

    /** Run in the child JVM: default providers only, no endpoint override. */
    public static void main(String[] args) {
        try (Ec2Client ec2 = Ec2Client.builder().httpClient(UrlConnectionHttpClient.create()).build();
                EbsClient ebs = EbsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
                S3Client s3 = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).forcePathStyle(true)
                        .build()) {
            System.out.println("regions " + ec2.describeRegions().regions().size());
            System.out.println("snapshot " + ebs.startSnapshot(request -> request.volumeSize(1L)).statusAsString());
            s3.createBucket(request -> request.bucket("from-env"));
            System.out.println("buckets " + s3.listBuckets().buckets().size());
        }
    }

    @Test
    void theEnvironmentAloneReachesTheFake() throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            ProcessBuilder child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Daws.disableEc2Metadata=true", "-cp", System.getProperty("java.class.path"),
                    FakeAwsEnvTest.class.getName()).redirectErrorStream(true);
            child.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
            child.environment().putAll(aws.env());
            child.environment().put("AWS_CONFIG_FILE", "/nonexistent");
            child.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
            Process process = child.start();
            String output = new String(process.getInputStream().readAllBytes());
            process.waitFor(120, TimeUnit.SECONDS);
            assertEquals(0, process.exitValue(), output);
            assertEquals(List.of("regions 4", "snapshot pending", "buckets 1"), output.lines()
                    .filter(line -> line.matches("(regions|snapshot|buckets) .*")).toList(), output);
            assertEquals(1, aws.snapshots("us-east-1").size());
            assertEquals(java.util.Set.of("from-env"), aws.buckets());
        }
    }
}
