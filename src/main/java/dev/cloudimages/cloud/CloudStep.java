package dev.cloudimages.cloud;

import dev.cloudimages.plan.Action;
import dev.cloudimages.plan.LocalImages;
import dev.cloudimages.plan.Plan;
import dev.cloudimages.plan.PublishIntent;
import dev.cloudimages.plan.ShipRecords;
import dev.cloudimages.plan.VariantPlan;
import dev.cloudimages.support.BuildClock;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.ChildProcesses;
import dev.cloudimages.support.Log;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.Optional;

/**
 * Everything after a variant's local build, as a pipeline: each variant flows upload, import,
 * sign, publish on its own as soon as it is ready (from the start when nothing is to be built,
 * else when {@link Session#built} says its build finished), while other variants are still
 * building or shipping. Variants of one cloud run at most {@link ShipConcurrency} at a time.
 * One variant failing does not stop the others; every line of a variant's work carries its key;
 * a status line comes every {@code statusEvery}; the summary names each failed variant once.
 * An interrupt stops them all, and each import's rollback (a shutdown hook) removes what it made.
 */
public final class CloudStep {

    public record Inputs(Plan plan, Path workDir, CloudAdapters clouds, BuildClock clock, ReleaseHooks hooks,
                         ShipConcurrency concurrency, Duration statusEvery) {

        public Inputs(Plan plan, Path workDir, CloudAdapters clouds, BuildClock clock, ReleaseHooks hooks) {
            this(plan, workDir, clouds, clock, hooks, ShipConcurrency.defaults(), Duration.ofSeconds(30));
        }

        public Inputs(Plan plan, Path workDir, CloudAdapters clouds, BuildClock clock) {
            this(plan, workDir, clouds, clock, ReleaseHooks.LOCAL_ONLY);
        }
    }

    /** Per variant key: the image imported, the publish, the failure; {@code shipped}: every variant that finished. */
    public record Outputs(Map<String, RemoteImage> imported, Map<String, PublishResult> published,
                          Map<String, String> failed, java.util.Set<String> shipped) {
    }

    public static final String IMPORTED = ShipRecords.IMPORTED;
    public static final String PUBLISHED = ShipRecords.PUBLISHED;

    private final Log log;

    public CloudStep(Log log) {
        this.log = log;
    }

    /** Ships every variant of the plan that has work after its build (nothing is being built). */
    public Outputs run(Inputs inputs) {
        Session session = start(inputs);
        return session.finish();
    }

    /**
     * Starts the pipeline: variants with nothing to build start shipping at once; the others wait
     * for {@link Session#built}. {@link Session#finish} waits for all and summarises.
     */
    public Session start(Inputs inputs) {
        return new Session(inputs);
    }

    /** Whether a variant has anything to do after its build. */
    public static boolean ships(VariantPlan variant) {
        return variant.has(Action.UPLOAD) || variant.has(Action.IMPORT) || variant.has(Action.SIGN)
                || variant.has(Action.PUBLISH) || variant.has(Action.RELEASE);
    }

    /** One run of the pipeline. */
    public final class Session {

        private final Inputs inputs;
        private final LocalImages localImages;
        private final Map<String, RemoteImage> imported = new ConcurrentHashMap<>();
        private final Map<String, PublishResult> published = new ConcurrentHashMap<>();
        private final Map<String, String> failed = new ConcurrentHashMap<>();
        private final java.util.Set<String> shipped = ConcurrentHashMap.newKeySet();
        private final ShipStatus status;
        private final Map<String, ExecutorService> perCloud = new ConcurrentHashMap<>();
        private final List<Future<?>> running = java.util.Collections.synchronizedList(new ArrayList<>());
        private final ScheduledExecutorService ticker;
        private final Thread hook;

        private Session(Inputs inputs) {
            this.inputs = inputs;
            this.localImages = new LocalImages(inputs.workDir().resolve("images"));
            List<VariantPlan> shipping = inputs.plan().variants().stream().filter(CloudStep::ships).toList();
            this.status = new ShipStatus(shipping);
            this.hook = Rollback.installShutdownHook();
            this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "ship-status");
                thread.setDaemon(true);
                return thread;
            });
            long every = Math.max(1, inputs.statusEvery().toMillis());
            ticker.scheduleAtFixedRate(() -> log.info("status: %s", status.line()), every, every,
                    TimeUnit.MILLISECONDS);
            for (VariantPlan variant : shipping) {
                if (!variant.has(Action.BUILD)) {
                    submit(variant);
                }
            }
        }

        /** A variant's local build finished: it starts shipping now. */
        public void built(VariantPlan variant) {
            status.built(variant.key());
            if (ships(variant)) {
                submit(variant);
            }
        }

        /** A variant's local build failed: it will not ship. */
        public void buildFailed(VariantPlan variant) {
            status.buildFailed(variant.key());
        }

        private void submit(VariantPlan variant) {
            ExecutorService pool = perCloud.computeIfAbsent(variant.cloud(), cloud -> Executors.newFixedThreadPool(
                    inputs.concurrency().of(cloud, inputs.plan()), r -> {
                        Thread thread = new Thread(r, "ship-" + cloud);
                        thread.setDaemon(true);
                        return thread;
                    }));
            running.add(pool.submit(() -> {
                Log variantLog = log.forVariant(variant.key());
                try {
                    one(variant, variantLog);
                    shipped.add(variant.key());
                    status.done(variant.key());
                } catch (BuildException e) {
                    variantLog.error("%s", e.getMessage().replace("\n", "\\n"));
                    failed.put(variant.key(), e.getMessage());
                    status.failed(variant.key());
                } catch (RuntimeException e) {
                    // one variant's surprise must not take the others down
                    variantLog.error("internal error: %s", e);
                    variantLog.debugTrace(e);
                    failed.put(variant.key(), "internal error: " + e);
                    status.failed(variant.key());
                }
            }));
        }

        /** The variants that failed so far, each with its one-line reason (the run's document reads it). */
        public Map<String, String> failures() {
            return new TreeMap<>(failed);
        }

        /** Waits for every variant submitted so far, then summarises; fails naming each failed variant. */
        public Outputs finish() {
            try {
                for (int i = 0; i < running.size(); i++) {
                    running.get(i).get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BuildException("interrupted");
            } catch (java.util.concurrent.ExecutionException e) {
                throw new BuildException("a variant crashed: " + e.getCause());
            } finally {
                ticker.shutdownNow();
                perCloud.values().forEach(ExecutorService::shutdownNow);
                ChildProcesses.removeShutdownHook(hook);
            }
            summarise();
            return new Outputs(new TreeMap<>(imported), new TreeMap<>(published), new TreeMap<>(failed),
                    new java.util.TreeSet<>(shipped));
        }

        /** What has been imported, published and failed so far (all of it once {@link #finish} returned or threw). */
        public Outputs outputs() {
            return new Outputs(new TreeMap<>(imported), new TreeMap<>(published), new TreeMap<>(failed),
                    new java.util.TreeSet<>(shipped));
        }

        private void summarise() {
            log.info("Ship done: %s", status.line());
            if (!failed.isEmpty()) {
                throw new BuildException(failed.size() + " variant(s) failed (the reason of each is above): "
                        + String.join(", ", new TreeMap<>(failed).keySet()));
            }
        }

        private void one(VariantPlan variant, Log variantLog) {
            CloudSettings settings = CloudSettings.of(variant.variant());
            Path imageDir = localImages.dir(variant.cloud(), variant.buildName());
            if (variant.has(Action.UPLOAD)) {
                inputs.hooks().upload(variant, localImages);
                status.uploaded(variant.key());
            }
            ImageIdentity identity = ImageIdentity.of(variant);
            CloudContext context = new CloudContext(variantLog, inputs.clock(),
                    settings.duration("poll_interval", CloudContext.DEFAULT_POLL));
            if (!variant.has(Action.IMPORT) && !variant.has(Action.SIGN) && !variant.has(Action.PUBLISH)) {
                release(variant, identity, settings, context);
                return;
            }
            Optional<RemoteImage> remote = variant.remote().flatMap(VariantPlan.RemoteState::image);
            if (variant.has(Action.IMPORT)) {
                CloudAdapter adapter = adapter(variant);
                LocalImages.Record record = inputs.hooks().localImage(variant, localImages);
                variantLog.info("importing %s into %s (%s)", record.file(), variant.cloud(), adapter.describe());
                Path scratch = inputs.workDir().resolve("build").resolve(variant.cloud()).resolve(variant.buildName())
                        .resolve("import");
                RemoteImage image = adapter.importImage(new ImportJob(identity, imageDir.resolve(record.file()),
                        record.format(), record.size(), record.sha256(), settings, scratch,
                        ImportJournal.at(ImportJournal.fileFor(inputs.workDir(), variant.cloud(), variant.buildName()))),
                        context);
                imported.put(variant.key(), image);
                ShipRecords.writeImported(imageDir, variant.key(), variant.cloud(), new ShipRecords.Imported(
                        variant.imageName(), variant.revision(), image.region(), image.id(), image.tags()));
                variantLog.info("imported as %s in %s", image.id(), image.region());
                inputs.hooks().imported(variant, image);
                status.imported(variant.key());
                remote = Optional.of(image);
            }
            if (variant.has(Action.SIGN)) {
                inputs.hooks().sign(variant, localImages);
                status.signed(variant.key());
            }
            if (variant.has(Action.PUBLISH)) {
                RemoteImage source = remote.orElseThrow(() -> new BuildException("no imported image of "
                        + variant.buildName() + " to publish; run './build import' first"));
                PublishResult result = adapter(variant).publish(new PublishJob(identity, source, settings), context);
                result.notes().forEach(note -> variantLog.warn("%s", note));
                published.put(variant.key(), result);
                ShipRecords.appendPublish(imageDir, variant.key(), variant.cloud(), publishRecord(variant, source, result, context.timestamp()))
                        .ifPresent(why -> variantLog.warn("%s; it starts afresh with this publish", why));
                inputs.hooks().published(variant, result);
                if (!result.failures().isEmpty()) {
                    throw new BuildException("publishing failed in " + result.failures().size() + " of "
                            + result.regions().size() + " region(s): " + String.join("; ", result.failures().stream()
                            .map(f -> f.region() + " " + f.outcome()).toList()));
                }
                status.published(variant.key());
            }
            release(variant, identity, settings, context);
        }

        /**
         * The cloud's "latest" pointers move first, then the store records the release: a pointer
         * that failed to move leaves the image unreleased, and the next release moves it again.
         */
        private void release(VariantPlan variant, ImageIdentity identity, CloudSettings settings,
                             CloudContext context) {
            if (variant.has(Action.RELEASE)) {
                Map<String, String> images = inputs.hooks().releasing(variant);
                adapter(variant).moveLatest(new ReleaseJob(identity, images, settings), context)
                        .forEach(moved -> context.log().info("latest: %s", moved));
                inputs.hooks().release(variant);
            }
        }

        private CloudAdapter adapter(VariantPlan variant) {
            return inputs.clouds().forCloud(variant.cloud()).adapter().orElseThrow(() -> new BuildException(
                    "no usable adapter for cloud " + variant.cloud() + ": "
                            + inputs.clouds().forCloud(variant.cloud()).reason()));
        }
    }

    /** The publish as published.yaml records it, with the settings it was made for (see PublishIntent). */
    private static ShipRecords.Publish publishRecord(VariantPlan variant, RemoteImage source, PublishResult result,
                                                     String when) {
        return new ShipRecords.Publish(variant.imageName(), variant.revision(), when, source.region(),
                source.id(), PublishIntent.of(variant.variant(), variant.endOfLife()), result.regions().stream()
                .map(r -> new ShipRecords.RegionPublish(r.region(), r.imageId(), r.outcome(), r.failed())).toList(),
                result.notes());
    }

}
