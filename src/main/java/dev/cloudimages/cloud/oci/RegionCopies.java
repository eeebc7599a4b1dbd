package dev.cloudimages.cloud.oci;

import dev.cloudimages.cloud.PublishResult.RegionOutcome;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * A variant's regions published concurrently, at most {@code concurrency} at a time: a region's
 * import takes minutes of waiting on OCI, and the regions do not depend on each other. The
 * outcomes come back in the order of the regions; one region failing does not stop the others.
 */
final class RegionCopies {

    private RegionCopies() {
    }

    static List<RegionOutcome> run(List<String> regions, int concurrency, Function<String, RegionOutcome> publish) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(concurrency, regions.size())), r -> {
            Thread thread = new Thread(r, "publish-oci-region");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Map<String, Future<RegionOutcome>> running = new LinkedHashMap<>();
            for (String region : regions) {
                running.put(region, pool.submit(() -> publish.apply(region)));
            }
            List<RegionOutcome> outcomes = new ArrayList<>();
            for (Map.Entry<String, Future<RegionOutcome>> entry : running.entrySet()) {
                outcomes.add(RegionOutcome.await(entry.getKey(), entry.getValue()));
            }
            return outcomes;
        } finally {
            // an interrupted publish stops its regions' polling too; their rollbacks remove what they made
            pool.shutdownNow();
        }
    }
}
