package dev.cloudimages.alpine;

import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Fetch;
import dev.cloudimages.support.Log;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fetches releases.json (http, https or file URL) on every resolution, so unattended runs pick up new
 * point releases, and keeps the last good copy in {@code work/cache/} for offline pinning.
 */
public final class ReleaseFetcher {

    private final Path cacheFile;
    private final Log log;

    public ReleaseFetcher(Path cacheDir, Log log) {
        this.cacheFile = cacheDir.resolve("releases.json");
        this.log = log;
    }

    public ReleaseCatalog fetch(String url) {
        log.info("Fetching Alpine release metadata from %s", url);
        String body = download(url);
        ReleaseCatalog catalog = ReleaseCatalog.parse(body, url);
        AtomicFiles.writeString(cacheFile, body);
        AtomicFiles.writeString(cacheFile.resolveSibling("releases.json.source"), url + "\n");
        log.debug("Cached release metadata in %s", cacheFile);
        return catalog;
    }

    private String download(String url) {
        try {
            return Fetch.text(url);
        } catch (Fetch.Failure e) {
            throw unreachable(url, e.getMessage());
        }
    }

    private BuildException unreachable(String url, String reason) {
        // --clean empties work/, so a pinned copy must live outside it
        String offline = Files.isRegularFile(cacheFile)
                ? "; to work offline, copy the one fetched earlier out of work/ (cp " + cacheFile.toAbsolutePath()
                        + " DIR/) and set ALPINE_RELEASES_URL=file:///DIR/releases.json"
                : "; to work offline, save a releases.json and set ALPINE_RELEASES_URL=file:///path/to/releases.json"
                        + " (or releases_url in the top-level config)";
        return new BuildException("cannot fetch Alpine release metadata from " + url + " (" + reason + ")" + offline);
    }
}
