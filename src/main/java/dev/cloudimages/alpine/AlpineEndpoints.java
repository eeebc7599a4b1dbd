package dev.cloudimages.alpine;

import dev.cloudimages.support.BuildException;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Where Alpine's release metadata and package mirror are: the environment wins over the config,
 * which wins over the official defaults.
 */
public record AlpineEndpoints(String releasesUrl, String mirror) {

    public static final String RELEASES_URL_ENV = "ALPINE_RELEASES_URL";
    public static final String MIRROR_ENV = "ALPINE_MIRROR";
    public static final String DEFAULT_RELEASES_URL = "https://alpinelinux.org/releases.json";
    public static final String DEFAULT_MIRROR = "https://dl-cdn.alpinelinux.org/alpine";

    public static AlpineEndpoints choose(Map<String, String> env, Optional<String> configuredReleasesUrl,
                                         Optional<String> configuredMirror) {
        String releases = pick(env.get(RELEASES_URL_ENV), configuredReleasesUrl, DEFAULT_RELEASES_URL);
        String mirror = pick(env.get(MIRROR_ENV), configuredMirror, DEFAULT_MIRROR);
        check(releases, RELEASES_URL_ENV + " / releases_url");
        check(mirror, MIRROR_ENV + " / mirror");
        return new AlpineEndpoints(releases, base(mirror));
    }

    /** A release's branch on a mirror: "3.24.1" -> "{mirror}/v3.24". */
    public static String branchUrl(String mirror, String release) {
        String[] parts = release.split("\\.");
        return base(mirror) + "/v" + (parts.length >= 2 ? parts[0] + "." + parts[1] : release);
    }

    /** The mirror is a base that paths are appended to. */
    private static String base(String mirror) {
        return mirror.endsWith("/") ? mirror.substring(0, mirror.length() - 1) : mirror;
    }

    private static String pick(String fromEnv, Optional<String> fromConfig, String fallback) {
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        return fromConfig.map(String::trim).filter(s -> !s.isEmpty()).orElse(fallback);
    }

    private static void check(String url, String setting) {
        boolean usable;
        try {
            URI uri = URI.create(url);
            String scheme = uri.getScheme();
            if ("http".equals(scheme) || "https".equals(scheme)) {
                usable = uri.getHost() != null;
            } else if ("file".equals(scheme)) {
                usable = !uri.isOpaque() && uri.getAuthority() == null && uri.getPath() != null
                        && uri.getPath().startsWith("/");
            } else {
                usable = false;
            }
        } catch (IllegalArgumentException e) {
            usable = false;
        }
        if (!usable) {
            throw new BuildException(setting + " must be an http://, https:// or file:///absolute/path URL, got '"
                    + url + "'");
        }
    }
}
