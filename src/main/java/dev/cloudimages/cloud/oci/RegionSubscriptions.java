package dev.cloudimages.cloud.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oracle.bmc.Region;
import com.oracle.bmc.Services;
import com.oracle.bmc.http.signing.DefaultRequestSigner;
import com.oracle.bmc.http.signing.RequestSigner;
import dev.cloudimages.cloud.Polling;
import dev.cloudimages.support.BuildException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The regions a tenancy is subscribed to (Identity's ListRegionSubscriptions), which is what
 * regions.ALL means. The SDK's identity module is not published for the SDK version the other
 * modules use, so this one GET is signed with the SDK's own request signer and sent by the JDK's
 * HTTP client; 429 and 5xx are tried again with backoff, as the SDK clients do.
 */
final class RegionSubscriptions {

    /** Headers the JDK's HTTP client sets itself and refuses from the caller. */
    private static final Set<String> CLIENT_HEADERS = Set.of("host", "content-length", "connection");
    private static final int ATTEMPTS = 4;

    private final OciSession session;

    RegionSubscriptions(OciSession session) {
        this.session = session;
    }

    /** The names of the regions the tenancy is subscribed to and that are ready, home region first. */
    List<String> ready(String tenancy) {
        String base = session.endpoint("IDENTITY", session.region()).orElseGet(() -> Region.formatDefaultRegionEndpoint(
                Services.serviceBuilder().serviceName("IDENTITY").serviceEndpointPrefix("identity")
                        .serviceEndpointTemplate("https://identity.{region}.{secondLevelDomain}").build(),
                session.region()));
        URI uri = URI.create(base + "/20160918/tenancies/" + tenancy + "/regionSubscriptions");
        JsonNode list = get(uri);
        List<String> regions = new ArrayList<>();
        for (JsonNode subscription : list) {
            if (subscription.path("status").asText().equals("READY")) {
                String name = subscription.path("regionName").asText();
                if (subscription.path("isHomeRegion").asBoolean()) {
                    regions.add(0, name);
                } else {
                    regions.add(name);
                }
            }
        }
        return regions;
    }

    private JsonNode get(URI uri) {
        RequestSigner signer = DefaultRequestSigner.createRequestSigner(session.provider());
        HttpClient client = HttpClient.newBuilder().connectTimeout(OciSession.CONNECT_TIMEOUT).build();
        String doing = "listing the region subscriptions of the tenancy (regions.ALL)";
        for (int attempt = 1; ; attempt++) {
            Map<String, List<String>> headers = new HashMap<>();
            headers.put("accept", List.of("application/json"));
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(OciSession.READ_TIMEOUT);
            headers.forEach((k, v) -> request.header(k, v.get(0)));
            signer.signRequest(uri, "GET", headers, null).forEach((k, v) -> {
                if (!CLIENT_HEADERS.contains(k.toLowerCase(java.util.Locale.ROOT)) && !headers.containsKey(k)) {
                    request.header(k, v);
                }
            });
            HttpResponse<String> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new BuildException("oci: " + doing + " failed (" + session.describe() + "): " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BuildException("interrupted");
            }
            int status = response.statusCode();
            if ((status == 429 || status >= 500) && attempt < ATTEMPTS) {
                Polling.sleep(Duration.ofMillis(500L << attempt));
                continue;
            }
            JsonNode body = parse(response.body());
            if (status != 200) {
                throw OciFailures.of(doing, status, body.path("code").asText(""), body.path("message").asText(""),
                        session);
            }
            return body;
        }
    }

    private static JsonNode parse(String body) {
        try {
            return new ObjectMapper().readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return new ObjectMapper().createObjectNode().put("message", body);
        }
    }
}
