package dev.cloudimages.cloud.oci;

import static dev.cloudimages.support.Environment.firstSet;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oracle.bmc.ClientConfiguration;
import com.oracle.bmc.ConfigFileReader;
import com.oracle.bmc.auth.BasicAuthenticationDetailsProvider;
import com.oracle.bmc.auth.ConfigFileAuthenticationDetailsProvider;
import com.oracle.bmc.auth.InstancePrincipalsAuthenticationDetailsProvider;
import com.oracle.bmc.auth.SessionTokenAuthenticationDetailsProvider;
import com.oracle.bmc.common.ClientBuilderBase;
import com.oracle.bmc.core.ComputeClient;
import com.oracle.bmc.model.BmcException;
import com.oracle.bmc.objectstorage.ObjectStorageClient;
import com.oracle.bmc.objectstorage.requests.GetNamespaceRequest;
import com.oracle.bmc.util.CircuitBreakerUtils;
import com.oracle.bmc.workrequests.WorkRequestClient;
import dev.cloudimages.cloud.Throttle;
import dev.cloudimages.support.BuildException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who and where, as the OCI CLI works it out: the profile of {@code ~/.oci/config} (or
 * OCI_CONFIG_FILE; OCI_CLI_PROFILE, else DEFAULT) with its API key or its session token
 * ({@code oci session authenticate}), or instance principals when OCI_CLI_AUTH says so; the region
 * from OCI_CLI_REGION or the profile. Endpoints can be pointed elsewhere (OCI_ENDPOINT_IAAS,
 * OCI_ENDPOINT_OBJECTSTORAGE, "{region}" replaced), which is how the tests reach the fake. One
 * client per service and region, with connect/read timeouts and a few retries; every client of a
 * region waits at the region's {@link Throttle} gate.
 */
final class OciSession {

    enum Auth { API_KEY, SECURITY_TOKEN, INSTANCE_PRINCIPAL }

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    /** One upload part may take long on a slow line: no 60 s read limit on it. */
    static final Duration PART_READ_TIMEOUT = Duration.ofMinutes(15);

    private final Map<String, String> env;
    private final String profile;
    private final String configFile;
    private final String region;
    private final Auth auth;
    private final Optional<String> tenancy;
    private final BasicAuthenticationDetailsProvider provider;
    private final Map<String, Object> clients = new ConcurrentHashMap<>();
    private volatile String namespace;

    private OciSession(Map<String, String> env, String profile, String configFile, String region, Auth auth,
                       Optional<String> tenancy, BasicAuthenticationDetailsProvider provider) {
        this.env = env;
        this.profile = profile;
        this.configFile = configFile;
        this.region = region;
        this.auth = auth;
        this.tenancy = tenancy;
        this.provider = provider;
    }

    /** The session the environment describes; one line naming profile, file and what to run when unusable. */
    static OciSession open(Map<String, String> env) {
        OciSdkLog.install();
        String profile = firstSet(env, "OCI_CLI_PROFILE").orElse("DEFAULT");
        String home = firstSet(env, "HOME").orElse(System.getProperty("user.home"));
        String file = firstSet(env, "OCI_CONFIG_FILE", "OCI_CLI_CONFIG_FILE").orElse(home + "/.oci/config");
        String authName = firstSet(env, "OCI_CLI_AUTH").orElse("").toLowerCase(Locale.ROOT);
        if (authName.equals("instance_principal")) {
            return instancePrincipal(env, profile, file);
        }
        if (!authName.isEmpty() && !authName.equals("api_key") && !authName.equals("security_token")) {
            throw new BuildException("oci: OCI_CLI_AUTH is '" + authName + "', expected api_key, security_token or"
                    + " instance_principal");
        }
        if (!Files.isRegularFile(Path.of(file))) {
            throw new BuildException("oci: no config file " + file + " (profile '" + profile + "'); run 'oci setup config'"
                    + " (API key) or 'oci session authenticate' (browser login), or set OCI_CONFIG_FILE");
        }
        ConfigFileReader.ConfigFile config;
        try {
            config = ConfigFileReader.parse(file, profile);
        } catch (IOException | RuntimeException e) {
            throw new BuildException("oci: cannot use profile '" + profile + "' of " + file + " (" + e.getMessage()
                    + "); run 'oci setup config' or set OCI_CLI_PROFILE");
        }
        String region = firstSet(env, "OCI_CLI_REGION").or(() -> Optional.ofNullable(config.get("region")))
                .orElseThrow(() -> new BuildException("oci: no region in profile '" + profile + "' of " + file
                        + "; add 'region=...' there or set OCI_CLI_REGION"));
        // before the SDK reads the profile: it would warn with a stack trace and then use the region anyway
        if (!knownRegion(region)) {
            throw new BuildException("oci: unknown region '" + region + "' (" + (firstSet(env, "OCI_CLI_REGION")
                    .isPresent() ? "OCI_CLI_REGION" : "profile '" + profile + "' of " + file) + "); OCI regions are"
                    + " named like eu-frankfurt-1 ('oci iam region list'); a region newer than this build can be"
                    + " declared in ~/.oci/regions-config.json");
        }
        boolean token = authName.equals("security_token") || (authName.isEmpty() && config.get("security_token_file") != null);
        String where = "profile '" + profile + "' of " + file;
        String keyFile = config.get("key_file");
        if (keyFile == null || !Files.isReadable(Path.of(expand(keyFile, home)))) {
            throw new BuildException("oci: no readable key_file for " + where + " (" + keyFile + "); run "
                    + (token ? "'oci session authenticate --profile-name " + profile + "'" : "'oci setup config'"));
        }
        try {
            BasicAuthenticationDetailsProvider provider;
            if (token) {
                checkToken(config.get("security_token_file"), home, where, profile);
                provider = new SessionTokenAuthenticationDetailsProvider(config);
            } else {
                for (String key : new String[] {"user", "fingerprint", "tenancy"}) {
                    if (config.get(key) == null) {
                        throw new BuildException("oci: '" + key + "' is missing in " + where + "; run 'oci setup config'");
                    }
                }
                provider = new ConfigFileAuthenticationDetailsProvider(config);
            }
            try (InputStream key = provider.getPrivateKey()) {
                key.readAllBytes();
            }
            return new OciSession(env, profile, file, region, token ? Auth.SECURITY_TOKEN : Auth.API_KEY,
                    Optional.ofNullable(config.get("tenancy")), provider);
        } catch (IOException | RuntimeException e) {
            if (e instanceof BuildException build) {
                throw build;
            }
            throw new BuildException("oci: cannot read the credentials of " + where + " (" + e.getMessage() + "); run "
                    + (token ? "'oci session authenticate --profile-name " + profile + "'" : "'oci setup config'"));
        }
    }

    private static OciSession instancePrincipal(Map<String, String> env, String profile, String file) {
        // asks the instance metadata service: only ever when OCI_CLI_AUTH=instance_principal says so
        try {
            InstancePrincipalsAuthenticationDetailsProvider provider = InstancePrincipalsAuthenticationDetailsProvider
                    .builder().build();
            String region = firstSet(env, "OCI_CLI_REGION").orElse(provider.getRegion().getRegionId());
            return new OciSession(env, profile, file, region, Auth.INSTANCE_PRINCIPAL,
                    Optional.empty(), provider);
        } catch (RuntimeException e) {
            throw new BuildException("oci: instance principal authentication failed (" + e.getMessage() + "); run on an OCI"
                    + " instance in a dynamic group with a policy, or unset OCI_CLI_AUTH to use " + file);
        }
    }

    /** A session token is a JWT: an expired one is reported before any request is made. */
    private static void checkToken(String tokenFile, String home, String where, String profile) throws IOException {
        String hint = "; run 'oci session authenticate --profile-name " + profile + "' (or 'oci session refresh --profile "
                + profile + "')";
        if (tokenFile == null || !Files.isReadable(Path.of(expand(tokenFile, home)))) {
            throw new BuildException("oci: no readable security_token_file for " + where + hint);
        }
        String[] parts = Files.readString(Path.of(expand(tokenFile, home))).trim().split("\\.");
        if (parts.length < 2) {
            throw new BuildException("oci: the session token of " + where + " is not a token" + hint);
        }
        JsonNode claims = new ObjectMapper().readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        if (claims.has("exp") && Instant.ofEpochSecond(claims.get("exp").asLong()).isBefore(Instant.now())) {
            throw new BuildException("oci: the session token of " + where + " expired at "
                    + Instant.ofEpochSecond(claims.get("exp").asLong()) + hint);
        }
    }

    private static String expand(String path, String home) {
        return path.startsWith("~/") ? home + path.substring(1) : path;
    }

    String region() {
        return region;
    }

    Auth auth() {
        return auth;
    }

    Optional<String> tenancy() {
        return tenancy;
    }

    /** The credentials, for the one request no SDK client of this version makes (RegionSubscriptions). */
    BasicAuthenticationDetailsProvider provider() {
        return provider;
    }

    /** "profile 'x' in eu-frankfurt-1", for messages. */
    String describe() {
        return auth == Auth.INSTANCE_PRINCIPAL ? "instance principal in " + region : "profile '" + profile + "' in " + region;
    }

    String loginHint() {
        return switch (auth) {
            case SECURITY_TOKEN -> "run 'oci session authenticate --profile-name " + profile + "'";
            case INSTANCE_PRINCIPAL -> "check the dynamic group and policies of this instance";
            default -> "check the API key of profile '" + profile + "' in " + configFile + " ('oci setup config')";
        };
    }

    ComputeClient compute(String inRegion) {
        return (ComputeClient) clients.computeIfAbsent("compute/" + inRegion, k -> {
            ComputeClient client = configure(ComputeClient.builder(), "IAAS", inRegion, READ_TIMEOUT).build(provider);
            endpoint("IAAS", inRegion).ifPresentOrElse(e -> { }, () -> inRegion(client::setRegion, inRegion));
            return client;
        });
    }

    WorkRequestClient workRequests(String inRegion) {
        return (WorkRequestClient) clients.computeIfAbsent("workrequests/" + inRegion, k -> {
            WorkRequestClient client = configure(WorkRequestClient.builder(), "IAAS", inRegion, READ_TIMEOUT).build(provider);
            endpoint("IAAS", inRegion).ifPresentOrElse(e -> { }, () -> inRegion(client::setRegion, inRegion));
            return client;
        });
    }

    ObjectStorageClient objectStorage(String inRegion) {
        return objectStorage(inRegion, READ_TIMEOUT, "objectstorage/");
    }

    /** The client upload parts go through: a long read timeout, since a part's answer comes after its last byte. */
    ObjectStorageClient uploads(String inRegion) {
        return objectStorage(inRegion, PART_READ_TIMEOUT, "uploads/");
    }

    private ObjectStorageClient objectStorage(String inRegion, Duration readTimeout, String prefix) {
        return (ObjectStorageClient) clients.computeIfAbsent(prefix + inRegion, k -> {
            ObjectStorageClient client = configure(ObjectStorageClient.builder(), "OBJECTSTORAGE", inRegion, readTimeout)
                    .build(provider);
            endpoint("OBJECTSTORAGE", inRegion).ifPresentOrElse(e -> { }, () -> inRegion(client::setRegion, inRegion));
            return client;
        });
    }

    /**
     * Whether OCI has a region of this name, as the SDK knows them (its list, OCI_REGION_METADATA,
     * ~/.oci/regions-config.json): the one check for the import region and regions.* alike.
     */
    static boolean knownRegion(String region) {
        try {
            com.oracle.bmc.Region.fromRegionId(region);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Points a client at a region's public endpoint; a region the SDK does not know is one line. */
    private static void inRegion(java.util.function.Consumer<String> setRegion, String region) {
        try {
            setRegion.accept(region);
        } catch (IllegalArgumentException e) {
            throw new BuildException("oci: unknown region '" + region + "' (" + e.getMessage() + "); check the region"
                    + " in the OCI config, OCI_CLI_REGION or regions.* of configs/cloud/oci.conf");
        }
    }

    /** The tenancy's Object Storage namespace (the same in every region), asked once. */
    String namespace() {
        if (namespace == null) {
            try {
                namespace = objectStorage(region).getNamespace(GetNamespaceRequest.builder().build()).getValue();
            } catch (BmcException e) {
                throw OciFailures.of("reading the Object Storage namespace", e, this);
            }
        }
        return namespace;
    }

    /** The Object Storage host of a region, for pre-authenticated request URLs. */
    String objectStorageUrl(String inRegion) {
        return endpoint("OBJECTSTORAGE", inRegion).orElse("https://objectstorage." + inRegion + ".oraclecloud.com");
    }

    private <B extends ClientBuilderBase<B, ?>> B configure(B builder, String service, String inRegion, Duration read) {
        Throttle.Gate gate = Throttle.shared().gate("oci", inRegion);
        builder.configuration(ClientConfiguration.builder()
                .connectionTimeoutMillis((int) CONNECT_TIMEOUT.toMillis())
                .readTimeoutMillis((int) read.toMillis())
                .retryConfiguration(OciThrottling.retries(gate))
                .circuitBreakerConfiguration(CircuitBreakerUtils.getNoCircuitBreakerConfiguration())
                .build());
        // every request to the region, each retry included, waits while the region is throttled
        builder.additionalClientConfigurator(http -> http.registerRequestInterceptor(OciThrottling.PRIORITY,
                request -> gate.awaitClear()));
        endpoint(service, inRegion).ifPresent(builder::endpoint);
        return builder;
    }

    /** OCI_ENDPOINT_IAAS / _OBJECTSTORAGE / _IDENTITY, "{region}" replaced by the region. */
    Optional<String> endpoint(String service, String inRegion) {
        return firstSet(env, "OCI_ENDPOINT_" + service).map(url -> url.replace("{region}", inRegion));
    }
}
