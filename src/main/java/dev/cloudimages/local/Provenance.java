package dev.cloudimages.local;

import dev.cloudimages.support.BuildClock;
import dev.cloudimages.support.ToolIdentity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where an image came from, as image.yaml (and the store's metadata) records it: the tool and
 * its commit, the builder ISO and its sha256, the image's kernel, the input hash, the
 * repositories with the keys their indexes were signed with, and SOURCE_DATE_EPOCH (absent when
 * the build did not set one, so "now" was the host's clock).
 */
public final class Provenance {

    private Provenance() {
    }

    public static Map<String, Object> of(ToolIdentity tool, BootMedia.BootFiles boot, BuilderOutput output,
                                         String inputHash, BuildClock clock) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("tool", "build " + tool.version());
        map.put("tool_commit", tool.commit());
        map.put("builder_iso", boot.iso().getFileName().toString());
        map.put("builder_iso_sha256", boot.isoSha256());
        map.put("kernel", output.kernel().isEmpty() ? "unknown" : output.kernel());
        map.put("input_hash", inputHash);
        List<Map<String, Object>> repositories = new ArrayList<>();
        for (BuilderOutput.Repository repository : output.repositories()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("url", repository.url().isEmpty() ? "unknown" : repository.url());
            if (!repository.index().isEmpty()) {
                entry.put("index", repository.index());
                entry.put("index_description", repository.description());
                entry.put("index_signed_by", repository.signedBy());
            }
            repositories.add(entry);
        }
        map.put("repositories", repositories);
        if (clock.fromSourceDateEpoch()) {
            map.put("source_date_epoch", clock.now().getEpochSecond());
        }
        return map;
    }
}
