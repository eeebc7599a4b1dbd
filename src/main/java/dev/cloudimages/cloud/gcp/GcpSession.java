package dev.cloudimages.cloud.gcp;

import static dev.cloudimages.support.Environment.firstSet;
import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.compute.v1.GlobalOperationsClient;
import com.google.cloud.compute.v1.GlobalOperationsSettings;
import com.google.cloud.compute.v1.ImagesClient;
import com.google.cloud.compute.v1.ImagesSettings;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.cloudimages.support.BuildException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who and where: Application Default Credentials found as gcloud and the client libraries find
 * them (the file GOOGLE_APPLICATION_CREDENTIALS names: a service account key, workload identity
 * federation or impersonation config; then gcloud's application_default_credentials.json; then the
 * metadata server, unless NO_GCE_CHECK=true), the project (GOOGLE_CLOUD_PROJECT, else the
 * credentials' own), and the Compute and Storage clients, their endpoints overridable
 * (GCP_COMPUTE_ENDPOINT, STORAGE_EMULATOR_HOST), Compute's waiting at the project's throttle
 * gate ({@link GcpThrottling}). The environment is the one the CLI was given, so
 * tests point a run at the fake GCP without touching the process environment.
 */
final class GcpSession implements AutoCloseable {

    static final String LOGIN_HINT = "run 'gcloud auth application-default login', or set"
            + " GOOGLE_APPLICATION_CREDENTIALS to a service account key file";
    private static final List<String> SCOPES = List.of("https://www.googleapis.com/auth/cloud-platform");

    private final Map<String, String> env;
    private final String project;
    private final String source;
    private final GoogleCredentials credentials;
    private ImagesClient images;
    private GlobalOperationsClient operations;
    private Storage storage;

    private GcpSession(Map<String, String> env, String project, String source, GoogleCredentials credentials) {
        this.env = env;
        this.project = project;
        this.source = source;
        this.credentials = credentials;
    }

    /**
     * Whether the metadata server may be asked: never with NO_GCE_CHECK=true, and otherwise only
     * on a machine that says it is a Google one (the DMI product name, as Google's own libraries
     * read it on Linux) or when GCE_METADATA_HOST names a metadata server. Elsewhere no request
     * goes to the metadata address at all.
     */
    static boolean onGce(Map<String, String> env) {
        if ("true".equalsIgnoreCase(env.getOrDefault("NO_GCE_CHECK", ""))) {
            return false;
        }
        if (firstSet(env, "GCE_METADATA_HOST").isPresent()) {
            return true;
        }
        try {
            Path product = Path.of("/sys/class/dmi/id/product_name");
            return Files.isReadable(product) && Files.readString(product).contains("Google");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The session the environment describes; fails with one line when there are no usable credentials or project. */
    static GcpSession open(Map<String, String> env) {
        Optional<Path> file = firstSet(env, "GOOGLE_APPLICATION_CREDENTIALS").map(Path::of)
                .or(() -> gcloudAdcFile(env));
        GoogleCredentials credentials;
        String source;
        if (file.isPresent()) {
            source = file.get().toString();
            credentials = fromFile(file.get());
        } else if (onGce(env)) {
            source = "the metadata server";
            credentials = ComputeEngineCredentials.create();
        } else {
            throw new BuildException("gcp: no Application Default Credentials (no GOOGLE_APPLICATION_CREDENTIALS,"
                    + " no gcloud application_default_credentials.json, not on Google Compute Engine); " + LOGIN_HINT);
        }
        GoogleCredentials scoped = credentials.createScopedRequired() ? credentials.createScoped(SCOPES) : credentials;
        // may be empty here: a variant's import.project names it then (GcpSession.inProject)
        String project = firstSet(env, "GOOGLE_CLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT")
                .or(() -> scoped instanceof ServiceAccountCredentials sa ? Optional.ofNullable(sa.getProjectId())
                        : Optional.empty())
                .or(() -> Optional.ofNullable(scoped.getQuotaProjectId()))
                .orElse("");
        try {
            scoped.refreshIfExpired();
        } catch (IOException | RuntimeException e) {
            throw new BuildException("gcp: the credentials from " + source + " are not usable ("
                    + GcpFailures.oneLine(e.getMessage()) + "); " + LOGIN_HINT, e);
        }
        return new GcpSession(env, project, source, scoped);
    }

    /** The project images are made in; the one rule for where it comes from. */
    String project() {
        if (project.isEmpty()) {
            throw new BuildException("gcp: no project: set import.project in configs/cloud/gcp.conf, or"
                    + " GOOGLE_CLOUD_PROJECT, or run 'gcloud config set project PROJECT' and 'gcloud auth"
                    + " application-default set-quota-project PROJECT'");
        }
        return project;
    }

    /** The same credentials working in {@code other} (a variant's import.project), or this session. */
    GcpSession inProject(String other) {
        return other == null || other.isBlank() || other.equals(project) ? this
                : new GcpSession(env, other, source, credentials);
    }

    /** "project 'p' (credentials from FILE)", for messages. */
    String describe() {
        return "project '" + project + "', credentials from " + source;
    }

    synchronized ImagesClient images() {
        if (images == null) {
            try {
                ImagesSettings.Builder settings = ImagesSettings.newBuilder()
                        .setCredentialsProvider(FixedCredentialsProvider.create(credentials));
                firstSet(env, "GCP_COMPUTE_ENDPOINT").ifPresent(settings::setEndpoint);
                GcpThrottling.apply(settings, ImagesSettings.defaultHttpJsonTransportProviderBuilder(),
                        settings::applyToAllUnaryMethods);
                images = ImagesClient.create(settings.build());
            } catch (IOException e) {
                throw new BuildException("gcp: cannot make the Compute images client: " + e.getMessage(), e);
            }
        }
        return images;
    }

    synchronized GlobalOperationsClient operations() {
        if (operations == null) {
            try {
                GlobalOperationsSettings.Builder settings = GlobalOperationsSettings.newBuilder()
                        .setCredentialsProvider(FixedCredentialsProvider.create(credentials));
                firstSet(env, "GCP_COMPUTE_ENDPOINT").ifPresent(settings::setEndpoint);
                GcpThrottling.apply(settings, GlobalOperationsSettings.defaultHttpJsonTransportProviderBuilder(),
                        settings::applyToAllUnaryMethods);
                operations = GlobalOperationsClient.create(settings.build());
            } catch (IOException e) {
                throw new BuildException("gcp: cannot make the Compute operations client: " + e.getMessage(), e);
            }
        }
        return operations;
    }

    synchronized Storage storage() {
        if (storage == null) {
            storage = storageOptions().build().getService();
        }
        return storage;
    }

    /**
     * A Storage client for many small requests (the artifact store's): the same credentials and
     * endpoint, but at most three attempts, so an endpoint nobody answers at fails in seconds rather
     * than after the library's 50 s of retries.
     */
    Storage storageForSmallRequests() {
        StorageOptions.Builder options = storageOptions();
        options.setRetrySettings(StorageOptions.getDefaultRetrySettings().toBuilder().setMaxAttempts(3).build());
        return options.build().getService();
    }

    /** The JSON/HTTP transport (resumable uploads with checksums, no gRPC) with this session's credentials. */
    private StorageOptions.Builder storageOptions() {
        StorageOptions.Builder options = StorageOptions.http().setProjectId(project).setCredentials(credentials);
        storageHost().ifPresent(options::setHost);
        return options;
    }

    /** STORAGE_EMULATOR_HOST, the Cloud Storage endpoint of the emulator or fake to use instead of Google's. */
    Optional<String> storageHost() {
        return firstSet(env, "STORAGE_EMULATOR_HOST").map(h -> h.contains("://") ? h : "http://" + h);
    }

    @Override
    public synchronized void close() {
        if (images != null) {
            images.close();
        }
        if (operations != null) {
            operations.close();
        }
    }

    private static GoogleCredentials fromFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BuildException("gcp: the credentials file " + file + " does not exist; " + LOGIN_HINT);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return GoogleCredentials.fromStream(in);
        } catch (IOException | RuntimeException e) {
            throw new BuildException("gcp: the credentials file " + file + " is not usable ("
                    + GcpFailures.oneLine(e.getMessage()) + "); " + LOGIN_HINT, e);
        }
    }

    /** gcloud's ADC file: $CLOUDSDK_CONFIG/application_default_credentials.json or ~/.config/gcloud/. */
    private static Optional<Path> gcloudAdcFile(Map<String, String> env) {
        Optional<Path> dir = firstSet(env, "CLOUDSDK_CONFIG").map(Path::of)
                .or(() -> firstSet(env, "HOME").map(h -> Path.of(h, ".config", "gcloud")));
        return dir.map(d -> d.resolve("application_default_credentials.json")).filter(Files::isRegularFile);
    }
}
