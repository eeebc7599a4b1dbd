package dev.cloudimages.support;

import java.io.IOException;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The proxy settings of the environment, as curl, apk, Packer and osbuild read them:
 * {@code https_proxy} for https URLs, {@code http_proxy} for http ones (upper-case names too, the
 * lower-case one winning), and {@code no_proxy}, a comma-separated list of hosts and domain
 * suffixes ({@code example.com} and {@code .example.com} both match {@code a.example.com}) or
 * {@code *}. Java's HTTP client ignores these variables; this selector gives them to it.
 */
public final class Proxies extends ProxySelector {

    /** What the builder VM's QEMU user network calls the host (its 127.0.0.1 is the guest itself). */
    static final String GUEST_HOST = "10.0.2.2";
    private static final List<String> NAMES = List.of("http_proxy", "https_proxy", "no_proxy");

    public static final Proxies NONE = new Proxies(Optional.empty(), Optional.empty(), List.of(), Map.of());

    private final Optional<URI> http;
    private final Optional<URI> https;
    private final List<String> noProxy;
    /** The variables as set, lower-case names, for the builder VM. */
    private final Map<String, String> raw;

    private Proxies(Optional<URI> http, Optional<URI> https, List<String> noProxy, Map<String, String> raw) {
        this.http = http;
        this.https = https;
        this.noProxy = noProxy;
        this.raw = raw;
    }

    public static Proxies fromEnvironment(Map<String, String> env) {
        Map<String, String> raw = new LinkedHashMap<>();
        for (String name : NAMES) {
            String value = Optional.ofNullable(env.get(name)).orElse(env.get(name.toUpperCase(Locale.ROOT)));
            if (value != null && !value.isBlank()) {
                raw.put(name, value.trim());
            }
        }
        if (raw.isEmpty()) {
            return NONE;
        }
        List<String> noProxy = new ArrayList<>();
        for (String entry : raw.getOrDefault("no_proxy", "").split(",")) {
            String host = entry.trim().toLowerCase(Locale.ROOT);
            if (host.startsWith(".")) {
                host = host.substring(1);
            }
            if (host.matches("[^\\[\\]]+:\\d+")) {
                host = host.substring(0, host.lastIndexOf(':')); // a port is not a separate rule here
            }
            if (!host.isEmpty()) {
                noProxy.add(host);
            }
        }
        return new Proxies(parse(raw, "http_proxy"), parse(raw, "https_proxy"), noProxy, raw);
    }

    private static Optional<URI> parse(Map<String, String> raw, String name) {
        String value = raw.get(name);
        if (value == null) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = URI.create(value.contains("://") ? value : "http://" + value);
        } catch (IllegalArgumentException e) {
            throw new BuildException(name + " is not a proxy URL: '" + redact(value) + "'; write http://HOST:PORT");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            // Java's HTTP client talks plain HTTP (and CONNECT) to a proxy; no TLS to it, no SOCKS
            throw new BuildException(name + " must be an http://HOST:PORT proxy, got '" + redact(value) + "'");
        }
        return Optional.of(uri);
    }

    public boolean isEmpty() {
        return raw.isEmpty();
    }

    /** The proxy for {@code uri}, if one applies; used by {@link #select} and for messages. */
    public Optional<URI> proxyFor(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        for (String entry : noProxy) {
            if (entry.equals("*") || host.equals(entry) || host.endsWith("." + entry)) {
                return Optional.empty();
            }
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? https
                : "http".equalsIgnoreCase(uri.getScheme()) ? http : Optional.empty();
    }

    @Override
    public List<Proxy> select(URI uri) {
        return proxyFor(uri).map(p -> List.of(new Proxy(Proxy.Type.HTTP,
                InetSocketAddress.createUnresolved(p.getHost(), p.getPort() < 0 ? 1080 : p.getPort()))))
                .orElse(List.of(Proxy.NO_PROXY));
    }

    @Override
    public void connectFailed(URI uri, SocketAddress address, IOException e) {
        // the failure reaches the caller with its own message; there is no other proxy to try
    }

    /** Answers a proxy's 407 with the user:password of its URL, when it has them. */
    public Optional<Authenticator> authenticator() {
        if (http.map(URI::getUserInfo).isEmpty() && https.map(URI::getUserInfo).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                if (getRequestorType() != RequestorType.PROXY) {
                    return null;
                }
                for (Optional<URI> proxy : List.of(https, http)) {
                    if (proxy.isPresent() && proxy.get().getHost().equalsIgnoreCase(getRequestingHost())
                            && proxy.get().getUserInfo() != null) {
                        String[] user = proxy.get().getRawUserInfo().split(":", 2);
                        return new PasswordAuthentication(decode(user[0]),
                                decode(user.length > 1 ? user[1] : "").toCharArray());
                    }
                }
                return null;
            }
        });
    }

    /**
     * The variables for the builder VM, both spellings (apk reads one, other tools the other), a
     * proxy on the host's loopback re-pointed at the host as the guest sees it.
     */
    public Map<String, String> guestEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        raw.forEach((name, value) -> {
            String guest = name.equals("no_proxy") ? value : forGuest(value);
            env.put(name, guest);
            env.put(name.toUpperCase(Locale.ROOT), guest);
        });
        return env;
    }

    private static String forGuest(String proxy) {
        return proxy.replaceFirst("^((?:[a-zA-Z][a-zA-Z0-9+.-]*://)?(?:[^@/]*@)?)(localhost|127\\.\\d+\\.\\d+\\.\\d+|\\[::1])"
                + "(?=[:/]|$)", "$1" + GUEST_HOST);
    }

    /** For log lines: which proxies are in use, never their credentials. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        https.ifPresent(p -> parts.add("https via " + hostPort(p)));
        http.ifPresent(p -> parts.add("http via " + hostPort(p)));
        if (!noProxy.isEmpty()) {
            parts.add("not for " + String.join(",", noProxy));
        }
        return String.join("; ", parts);
    }

    public static String hostPort(URI proxy) {
        return proxy.getHost() + ":" + (proxy.getPort() < 0 ? 1080 : proxy.getPort());
    }

    private static String redact(String value) {
        return value.replaceFirst("//[^@/]*@", "//***@");
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
