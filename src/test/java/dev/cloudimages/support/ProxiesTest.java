package dev.cloudimages.support;

import dev.cloudimages.testing.FixtureServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** https_proxy, http_proxy and no_proxy for the tool's downloads and the builder VM. */
class ProxiesTest {

    @AfterEach
    void noProxiesAfterwards() {
        Fetch.useProxies(Proxies.NONE);
    }

    @Test
    void downloadsGoThroughTheProxyExceptForNoProxyHosts() throws Exception {
        // the fixture answers as the proxy: a name that resolves nowhere can only be reached through it
        try (FixtureServer proxy = new FixtureServer().serve("/alpine/releases.json", "{}")) {
            Fetch.useProxies(Proxies.fromEnvironment(Map.of("http_proxy", proxy.url(""), "no_proxy", "localhost")));
            assertEquals("{}", Fetch.text("http://mirror.invalid/alpine/releases.json"));
            assertEquals(1, proxy.requests("/alpine/releases.json"));

            Fetch.useProxies(Proxies.fromEnvironment(Map.of("HTTP_PROXY", proxy.url(""), "NO_PROXY", ".invalid")));
            Fetch.Failure direct = assertThrows(Fetch.Failure.class,
                    () -> Fetch.text("http://mirror.invalid/alpine/releases.json"));
            assertEquals(1, proxy.requests("/alpine/releases.json"), "no_proxy: not through the proxy");
            assertTrue(!direct.getMessage().contains("through proxy"), direct.getMessage());
        }
        Fetch.useProxies(Proxies.fromEnvironment(Map.of("http_proxy", "http://127.0.0.1:9")));
        Fetch.Failure failure = assertThrows(Fetch.Failure.class, () -> Fetch.text("http://mirror.invalid/x"));
        assertTrue(failure.getMessage().endsWith("(through proxy 127.0.0.1:9)"), failure.getMessage());
    }

    @Test
    void theSchemeChoosesTheProxyAndNoProxyMatchesDomains() {
        Proxies proxies = Proxies.fromEnvironment(Map.of("https_proxy", "proxy.corp:3128", "http_proxy",
                "http://plain.corp:8080", "no_proxy", "internal.corp, .example.org,10.0.0.1:80"));
        assertEquals("proxy.corp", proxies.proxyFor(URI.create("https://dl-cdn.alpinelinux.org/x")).orElseThrow()
                .getHost());
        assertEquals("plain.corp", proxies.proxyFor(URI.create("http://dl-cdn.alpinelinux.org/x")).orElseThrow()
                .getHost());
        assertTrue(proxies.proxyFor(URI.create("https://mirror.internal.corp/x")).isEmpty());
        assertTrue(proxies.proxyFor(URI.create("https://example.org/x")).isEmpty());
        assertTrue(proxies.proxyFor(URI.create("http://10.0.0.1/x")).isEmpty());
        assertTrue(proxies.proxyFor(URI.create("file:///tmp/x")).isEmpty());
        assertEquals("https via proxy.corp:3128; http via plain.corp:8080; not for internal.corp,example.org,10.0.0.1",
                proxies.describe());
        assertTrue(Proxies.fromEnvironment(Map.of("https_proxy", "p:1", "no_proxy", "*"))
                .proxyFor(URI.create("https://a.b/")).isEmpty());
    }

    @Test
    void theBuilderVmGetsBothSpellingsWithTheHostsLoopbackAsItSeesIt() {
        Map<String, String> guest = Proxies.fromEnvironment(Map.of("https_proxy", "http://user:pw@localhost:3128/",
                "HTTP_PROXY", "http://127.0.0.1:3128", "no_proxy", "localhost,.corp")).guestEnvironment();
        assertEquals("http://user:pw@10.0.2.2:3128/", guest.get("https_proxy"));
        assertEquals("http://user:pw@10.0.2.2:3128/", guest.get("HTTPS_PROXY"));
        assertEquals("http://10.0.2.2:3128", guest.get("http_proxy"));
        assertEquals("localhost,.corp", guest.get("NO_PROXY"));
        assertEquals(Map.of(), Proxies.fromEnvironment(Map.of()).guestEnvironment());
        assertEquals("http://proxy.corp:3128", Proxies.fromEnvironment(Map.of("http_proxy", "http://proxy.corp:3128"))
                .guestEnvironment().get("http_proxy"));
    }

    @Test
    void aProxyJavaCannotUseIsOneLine() {
        BuildException e = assertThrows(BuildException.class,
                () -> Proxies.fromEnvironment(Map.of("https_proxy", "socks5://u:secret@proxy:1080")));
        assertEquals("https_proxy must be an http://HOST:PORT proxy, got 'socks5://***@proxy:1080'", e.getMessage());
    }
}
