package dev.cloudimages.cloud;

import dev.cloudimages.support.BuildException;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * How many long operations of one kind a process runs at once in one cloud region, across every
 * variant shipping concurrently: a cloud limits concurrent image work per account and region
 * (OCI: 10 concurrent image imports), and one variant never runs two in one region, so the bound
 * is on the variants, which this enforces where the work happens instead of making whole
 * variants wait. Fair: the first to ask is the first served. A region's size is fixed by the
 * first caller (settings come from configs/cloud/*.conf, the same for every variant of a cloud).
 */
public final class RegionSlots {

    private static final RegionSlots SHARED = new RegionSlots();

    private final Map<String, Semaphore> slots = new ConcurrentHashMap<>();

    private static boolean tryNow(Semaphore semaphore) {
        try {
            return semaphore.tryAcquire(0, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildException("interrupted");
        }
    }

    public static RegionSlots shared() {
        return SHARED;
    }

    /**
     * Runs {@code work} holding one of {@code limit} slots of {@code kind} in the cloud's region;
     * {@code waiting} is told first when all are taken (to say so in the log).
     */
    public <T> T hold(String cloud, String region, String kind, int limit, Runnable waiting, Supplier<T> work) {
        Semaphore semaphore = slots.computeIfAbsent(cloud + "/" + region + "/" + kind, k -> new Semaphore(limit, true));
        // tryAcquire() without a timeout would jump the queue of a fair semaphore
        if (!tryNow(semaphore)) {
            waiting.run();
            try {
                semaphore.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BuildException("interrupted");
            }
        }
        try {
            return work.get();
        } finally {
            semaphore.release();
        }
    }
}
