package dev.cloudimages.testing.aws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ebs.EbsClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/** Real SDK clients pointed at a {@link FakeAws}, for tests (the adapter builds its own from {@link FakeAws#env()}). */
public final class FakeAwsClients {
    static {
        // the default credential chain must never reach for the instance metadata service from a test
        System.setProperty("aws.disableEc2Metadata", "true");
    }

    private FakeAwsClients() {
    }

    public static Ec2Client ec2(FakeAws aws, String region) {
        return ec2(aws, region, aws.accessKeyId());
    }

    public static Ec2Client ec2(FakeAws aws, String region, String accessKeyId) {
        return Ec2Client.builder().endpointOverride(aws.endpoint()).region(Region.of(region))
                .credentialsProvider(credentials(accessKeyId, aws.secretAccessKey()))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    public static EbsClient ebs(FakeAws aws, String region) {
        return EbsClient.builder().endpointOverride(aws.endpoint()).region(Region.of(region))
                .credentialsProvider(credentials(aws.accessKeyId(), aws.secretAccessKey()))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    public static S3Client s3(FakeAws aws, String region) {
        return S3Client.builder().endpointOverride(aws.s3Endpoint()).region(Region.of(region)).forcePathStyle(true)
                .credentialsProvider(credentials(aws.accessKeyId(), aws.secretAccessKey()))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    public static SsmClient ssm(FakeAws aws, String region) {
        return SsmClient.builder().endpointOverride(aws.endpoint()).region(Region.of(region))
                .credentialsProvider(credentials(aws.accessKeyId(), aws.secretAccessKey()))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static StaticCredentialsProvider credentials(String accessKeyId, String secret) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secret));
    }
}
