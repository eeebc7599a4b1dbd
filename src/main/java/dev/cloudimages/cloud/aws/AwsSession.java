package dev.cloudimages.cloud.aws;

import static dev.cloudimages.support.Environment.firstSet;
import dev.cloudimages.support.BuildException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileSystemSetting;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ebs.EbsClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who and where: the AWS profile, region and credentials the SDK's own conventions give
 * (environment, ~/.aws profiles, IAM Identity Center, web identity, container and instance roles,
 * in the default chain's order), the SDK's endpoint variables (AWS_ENDPOINT_URL and
 * AWS_ENDPOINT_URL_&lt;SERVICE&gt;), and one client per service and region, each with connect and
 * read timeouts and an overall deadline per call. The environment is the one the CLI was given, so
 * tests can point a run at a fake AWS without touching the process environment.
 */
final class AwsSession {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);
    static final Duration ATTEMPT_TIMEOUT = Duration.ofMinutes(2);

    private final Map<String, String> env;
    private final String profile;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;
    private final Map<String, Object> clients = new ConcurrentHashMap<>();
    private final Set<String> made = ConcurrentHashMap.newKeySet();
    private final Map<String, Boolean> optIn = new ConcurrentHashMap<>();

    /** A region no account can turn off, to ask about the others. */
    private static final String ALWAYS_ENABLED = "us-east-1";

    private AwsSession(Map<String, String> env, String profile, String region, AwsCredentialsProvider credentials) {
        this.env = env;
        this.profile = profile;
        this.region = region;
        this.credentials = credentials;
        this.http = new RetryableHttpClient(UrlConnectionHttpClient.builder().connectionTimeout(CONNECT_TIMEOUT)
                .socketTimeout(READ_TIMEOUT).build());
    }

    /**
     * The session the environment describes; fails with one line when there is no region, a region
     * AWS does not have, or no credentials, before any request is made.
     */
    static AwsSession open(Map<String, String> env) {
        String profile = firstSet(env, "AWS_PROFILE", "AWS_DEFAULT_PROFILE").orElse("default");
        ProfileFile profiles = profileFile(env);
        Optional<Profile> named = profiles.profile(profile);
        String region = firstSet(env, "AWS_REGION", "AWS_DEFAULT_REGION")
                .or(() -> named.flatMap(p -> p.property("region")))
                .orElseThrow(() -> new BuildException("aws: no region for profile '" + profile
                        + "': set AWS_REGION, or run 'aws configure set region REGION --profile " + profile + "'"));
        List<String> known = knownRegions();
        if (!known.contains(region)) {
            throw new BuildException("aws: '" + region + "' (AWS_REGION or the profile's region) is not an AWS region;"
                    + " known regions: " + String.join(", ", known));
        }
        AwsCredentialsProvider credentials = credentials(env, profile, profiles);
        try {
            credentials.resolveCredentials();
        } catch (SdkClientException e) {
            throw new BuildException("aws: no usable credentials for profile '" + profile + "' in " + region
                    + " (" + AwsFailures.firstSentence(e.getMessage()) + "); " + loginHint(named, profile));
        }
        return new AwsSession(env, profile, region, credentials);
    }

    String profile() {
        return profile;
    }

    /** Remembers an AMI, snapshot or copy this run made: EC2 may not know it for a while ({@link Eventually}). */
    void made(String id) {
        made.add(id);
    }

    boolean madeAny(String... ids) {
        return Arrays.stream(ids).anyMatch(made::contains);
    }

    /**
     * Whether a region is one the account has not opted in to, asked in a region every account has
     * (a request signed for a disabled region answers only AuthFailure, as a wrong key would).
     */
    boolean notOptedIn(String inRegion) {
        return optIn.computeIfAbsent(inRegion, r -> {
            try {
                return ec2(ALWAYS_ENABLED).describeRegions(b -> b.allRegions(true).regionNames(r)).regions().stream()
                        .anyMatch(each -> "not-opted-in".equals(each.optInStatus()));
            } catch (SdkException e) {
                return false;
            }
        });
    }

    /** Region names the SDK knows (its partition metadata), without the global pseudo-regions. */
    static List<String> knownRegions() {
        return Region.regions().stream().filter(r -> !r.isGlobalRegion()).map(Region::id)
                .filter(id -> id.matches("[a-z]{2}(-[a-z]+)+-\\d+")).sorted().toList();
    }

    /** The region images are imported into and published from. */
    String region() {
        return region;
    }

    Ec2Client ec2(String inRegion) {
        return (Ec2Client) clients.computeIfAbsent("ec2/" + inRegion, k -> Ec2Client.builder()
                .region(Region.of(inRegion)).credentialsProvider(credentials).httpClient(http)
                .overrideConfiguration(overrides(5, inRegion)).applyMutation(b -> endpoint("EC2").ifPresent(b::endpointOverride))
                .build());
    }

    EbsClient ebs(String inRegion) {
        return (EbsClient) clients.computeIfAbsent("ebs/" + inRegion, k -> EbsClient.builder()
                .region(Region.of(inRegion)).credentialsProvider(credentials).httpClient(http)
                .overrideConfiguration(overrides(3, inRegion)).applyMutation(b -> endpoint("EBS").ifPresent(b::endpointOverride))
                .build());
    }

    S3Client s3(String inRegion) {
        Optional<URI> endpoint = endpoint("S3");
        return (S3Client) clients.computeIfAbsent("s3/" + inRegion, k -> S3Client.builder()
                .region(Region.of(inRegion)).credentialsProvider(credentials).httpClient(http)
                .overrideConfiguration(overrides(5, inRegion))
                // an endpoint of one's own (a proxy, a test server) has no per-bucket host names
                .applyMutation(b -> endpoint.ifPresent(uri -> b.endpointOverride(uri).forcePathStyle(true)))
                .build());
    }

    /** Systems Manager, for the release's "latest" parameters. */
    SsmClient ssm(String inRegion) {
        return (SsmClient) clients.computeIfAbsent("ssm/" + inRegion, k -> SsmClient.builder()
                .region(Region.of(inRegion)).credentialsProvider(credentials).httpClient(http)
                .overrideConfiguration(overrides(5, inRegion)).applyMutation(b -> endpoint("SSM").ifPresent(b::endpointOverride))
                .build());
    }

    /** "profile 'x' in us-east-1", for messages. */
    String describe() {
        return "profile '" + profile + "' in " + region;
    }

    String loginHint() {
        return loginHint(profileFile(env).profile(profile), profile);
    }

    private static ClientOverrideConfiguration overrides(int attempts, String region) {
        return ClientOverrideConfiguration.builder().apiCallTimeout(CALL_TIMEOUT).apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                .addExecutionInterceptor(new CallSite())
                .addExecutionInterceptor(new AwsThrottling(dev.cloudimages.cloud.Throttle.shared().gate("aws", region)))
                // the SDK's standard strategy: backs off on throttling and 5xx, within the call timeout
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(attempts).build())
                .build();
    }

    /** The SDK's own endpoint variables, read from the environment the CLI was given. */
    Optional<URI> endpoint(String serviceId) {
        if ("true".equalsIgnoreCase(env.getOrDefault("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", ""))) {
            return Optional.empty();
        }
        return firstSet(env, "AWS_ENDPOINT_URL_" + serviceId, "AWS_ENDPOINT_URL").map(URI::create);
    }

    private static AwsCredentialsProvider credentials(Map<String, String> env, String profile, ProfileFile profiles) {
        Optional<String> key = firstSet(env, "AWS_ACCESS_KEY_ID");
        Optional<String> secret = firstSet(env, "AWS_SECRET_ACCESS_KEY");
        if (key.isPresent() && secret.isPresent()) {
            // the chain's environment provider, from the environment this run was given
            Optional<String> token = firstSet(env, "AWS_SESSION_TOKEN");
            return StaticCredentialsProvider.create(token.isPresent()
                    ? AwsSessionCredentials.create(key.get(), secret.get(), token.get())
                    : AwsBasicCredentials.create(key.get(), secret.get()));
        }
        return DefaultCredentialsProvider.builder().profileName(profile).profileFile(profiles).build();
    }

    /** ~/.aws/config and ~/.aws/credentials, or the files AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name. */
    private static ProfileFile profileFile(Map<String, String> env) {
        Optional<String> config = firstSet(env, ProfileFileSystemSetting.AWS_CONFIG_FILE.environmentVariable());
        Optional<String> shared = firstSet(env,
                ProfileFileSystemSetting.AWS_SHARED_CREDENTIALS_FILE.environmentVariable());
        if (config.isEmpty() && shared.isEmpty()) {
            return ProfileFile.defaultProfileFile();
        }
        ProfileFile.Aggregator aggregator = ProfileFile.aggregator();
        config.map(Path::of).filter(Files::isRegularFile).ifPresent(p -> aggregator.addFile(
                ProfileFile.builder().content(p).type(ProfileFile.Type.CONFIGURATION).build()));
        shared.map(Path::of).filter(Files::isRegularFile).ifPresent(p -> aggregator.addFile(
                ProfileFile.builder().content(p).type(ProfileFile.Type.CREDENTIALS).build()));
        return aggregator.build();
    }

    private static String loginHint(Optional<Profile> named, String profile) {
        boolean sso = named.map(p -> p.property("sso_session").isPresent() || p.property("sso_start_url").isPresent())
                .orElse(false);
        return sso ? "run 'aws sso login --profile " + profile + "'"
                : "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, run 'aws configure --profile " + profile
                + "', or 'aws sso login --profile " + profile + "' for IAM Identity Center";
    }
}
