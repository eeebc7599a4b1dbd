package dev.cloudimages.store;

import dev.cloudimages.support.BuildException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * A variant's {@code storage_url} taken apart: the scheme, the authority (bucket, host,
 * namespace) and the path under it, checked once so each scheme gets clean parts.
 */
public record StoreUrl(String text, String scheme, String authority, String path) {

    public static final List<String> SCHEMES = List.of("file", "s3", "gs", "oci", "ssh");

    /** Parses {@code text}; {@code where} names the variant for the one-line error. */
    public static StoreUrl parse(String text, String where) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new BuildException(where + ": storage_url '" + text + "' is not a URL (" + e.getReason()
                    + "); write it like file:///srv/images/{v_version} or s3://bucket/prefix");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw new BuildException(where + ": storage_url '" + text + "' has "
                    + (scheme.isEmpty() ? "no scheme" : "the unknown scheme '" + scheme + "'")
                    + "; use one of " + String.join("://, ", SCHEMES) + "://");
        }
        String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (path.contains("/../") || path.endsWith("/..") || path.contains("/./")) {
            throw new BuildException(where + ": storage_url '" + text + "' has '.' or '..' in its path; "
                    + "write the path plainly");
        }
        if (!scheme.equals("file") && authority.isEmpty()) {
            throw new BuildException(where + ": storage_url '" + text + "' names no "
                    + (scheme.equals("ssh") ? "host" : "bucket") + "; write it like " + scheme + "://"
                    + (scheme.equals("oci") ? "namespace/bucket/prefix" : scheme.equals("ssh")
                    ? "user@host/path" : "bucket/prefix"));
        }
        if (scheme.equals("file") && !authority.isEmpty()) {
            throw new BuildException(where + ": storage_url '" + text + "' has a host; a file:// URL is "
                    + "file:///absolute/path (three slashes)");
        }
        return new StoreUrl(text.trim(), scheme, authority, trimSlashes(path));
    }

    /** The path without leading or trailing slashes ("" for the bucket's root). */
    private static String trimSlashes(String path) {
        String trimmed = path;
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }
}
