package dev.cloudimages.release;

import dev.cloudimages.plan.Action;
import dev.cloudimages.plan.Plan;
import dev.cloudimages.plan.VariantPlan;
import dev.cloudimages.store.Lease;
import dev.cloudimages.support.Log;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The leases of every variant a run will change in a store, all taken before anything is made or
 * removed (a held one stops the run with exit 75 and nothing changed), renewed in the background
 * while the run lasts, and released at its end. A kill -9 leaves the lease to expire.
 */
public final class Leases implements AutoCloseable {

    /** How long a lease lasts without renewal: a dead machine blocks others for at most this. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

    private final List<Lease> held;
    private final ScheduledExecutorService renewer;

    private Leases(List<Lease> held, ScheduledExecutorService renewer) {
        this.held = held;
        this.renewer = renewer;
    }

    /** Takes the leases the plan needs; {@code rollback} takes them for every variant with a store. */
    public static Leases acquire(Plan plan, ReleaseStores stores, Map<String, String> env, Log log, boolean all) {
        List<Lease> held = new ArrayList<>();
        Duration ttl = ttl(env);
        String owner = owner(env);
        try {
            for (VariantPlan variant : plan.variants()) {
                if (variant.store().isEmpty() || !all && !changesStore(variant)) {
                    continue;
                }
                held.add(Lease.acquire(stores.store(variant.variant()), ReleaseStores.leaseName(variant.buildName()),
                        owner, ttl, InstantSource.system(), log, "[" + variant.key() + "] " + variant.buildName()));
            }
        } catch (RuntimeException e) {
            held.forEach(Lease::close);
            throw e;
        }
        ScheduledExecutorService renewer = null;
        if (!held.isEmpty()) {
            renewer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "lease-renewer");
                thread.setDaemon(true);
                return thread;
            });
            long every = Math.max(1, ttl.toMillis() / 3);
            renewer.scheduleAtFixedRate(() -> held.forEach(lease -> {
                try {
                    lease.renew();
                } catch (RuntimeException e) {
                    log.error("%s", e.getMessage());
                }
            }), every, every, TimeUnit.MILLISECONDS);
        }
        return new Leases(held, renewer);
    }

    static boolean changesStore(VariantPlan variant) {
        return variant.has(Action.UPLOAD) || variant.has(Action.IMPORT) || variant.has(Action.SIGN)
                || variant.has(Action.PUBLISH) || variant.has(Action.RELEASE) || variant.removeStored().isPresent()
                || variant.removeRemote().isPresent();
    }

    /** BUILD_LEASE_SECONDS shortens the lease (tests of takeover); at least 1 s. */
    static Duration ttl(Map<String, String> env) {
        String seconds = env.get("BUILD_LEASE_SECONDS");
        if (seconds == null || seconds.isBlank()) {
            return DEFAULT_TTL;
        }
        try {
            return Duration.ofSeconds(Math.max(1, Long.parseLong(seconds.trim())));
        } catch (NumberFormatException e) {
            throw new dev.cloudimages.support.BuildException("BUILD_LEASE_SECONDS must be a whole number of seconds, got '"
                    + seconds + "'");
        }
    }

    /** Who holds a lease, as the other machine's message names it: user, host and process. */
    static String owner(Map<String, String> env) {
        String user = env.getOrDefault("USER", env.getOrDefault("LOGNAME", "unknown"));
        String host = env.get("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.nio.file.Files.readString(java.nio.file.Path.of("/etc/hostname")).trim();
            } catch (java.io.IOException e) {
                host = "unknown-host";
            }
        }
        String ci = env.getOrDefault("CI_JOB_URL", env.getOrDefault("GITHUB_RUN_ID", ""));
        return user + "@" + host + " pid " + ProcessHandle.current().pid() + (ci.isBlank() ? "" : " (" + ci + ")");
    }

    @Override
    public void close() {
        if (renewer != null) {
            // not shutdownNow: interrupting a renewal inside the file store's lock fails it with an ERROR line
            renewer.shutdown();
            try {
                renewer.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        held.forEach(lease -> {
            try {
                lease.close();
            } catch (RuntimeException ignored) {
                // it expires by itself
            }
        });
    }
}
