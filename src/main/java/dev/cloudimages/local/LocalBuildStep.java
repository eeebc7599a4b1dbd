package dev.cloudimages.local;

import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.plan.Action;
import dev.cloudimages.plan.Plan;
import dev.cloudimages.plan.VariantPlan;
import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildClock;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.ChildProcesses;
import dev.cloudimages.support.FileTrees;
import dev.cloudimages.support.Leftovers;
import dev.cloudimages.support.Log;
import dev.cloudimages.support.ToolIdentity;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The local step: for every variant planned for a build, boot the builder VM with the variant's
 * payload, let its scripts install onto a blank disk, convert the disk to the variant's format and
 * put it, with its checksum, build log, SBOM and image.yaml (see {@link ImageDirectory}), at work/images/&lt;cloud&gt;/&lt;build name&gt;/.
 * Builds run N at a time; one failing does not stop the others. The finished directory appears
 * by a rename, so nothing half-built ever stands where an image belongs.
 */
public final class LocalBuildStep {

    public record Inputs(Plan plan, Path workDir, List<Path> varsFiles, int parallel, boolean debug,
                         Map<String, String> env, BuildClock clock, ToolIdentity tool) {
    }

    /** Per-build timings in milliseconds (the benchmark prints them). */
    public record Timings(long bootToFirstScript, long scripts, long conversion, long total) {
    }

    public record Built(String key, Path image, Timings timings) {
    }

    public record Failed(String key, String reason, Path log) {
    }

    public record Outputs(List<Built> built, List<Failed> failed) {
    }

    private final Log log;
    /** What each running build is doing, and since when (nanoTime), for the progress lines. */
    private record Activity(String what, long since) {
    }

    private final Map<String, Activity> running = new ConcurrentHashMap<>();

    public LocalBuildStep(Log log) {
        this.log = log;
    }

    /** Told as each build ends, from the build's own thread (the release pipeline starts shipping it). */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        default void built(VariantPlan variant) {
        }

        default void failed(VariantPlan variant) {
        }

        /** As {@link #failed(VariantPlan)}, with the reason and the build's log. */
        default void failed(VariantPlan variant, Failed failure) {
            failed(variant);
        }
    }

    /** Builds what the plan says, with the host already checked by {@link LocalPreflight}. */
    public Outputs run(Inputs inputs, LocalPreflight.Checked checked) {
        return run(inputs, checked, Listener.NONE);
    }

    /** As {@link #run(Inputs, LocalPreflight.Checked)}, telling {@code listener} as each build ends. */
    public Outputs run(Inputs inputs, LocalPreflight.Checked checked, Listener listener) {
        List<VariantPlan> builds = inputs.plan().with(Action.BUILD);
        if (builds.isEmpty()) {
            return new Outputs(List.of(), List.of());
        }
        VmTunables tunables = checked.tunables();
        Context context = new Context(inputs, tunables, checked.tools(), checked.media(), checked.firmware(),
                new Accelerator(tunables, inputs.workDir().resolve("cache"), log));

        int threads = Math.min(inputs.parallel(), builds.size());
        log.info("Building %d image(s), %d at a time", builds.size(), threads);
        ChildProcesses.recordIn(inputs.workDir().resolve(ChildProcesses.RECORD));
        // SIGINT, SIGTERM, SIGHUP: say so once, stop the VMs, and leave no disks or partial files
        Thread hook = ChildProcesses.installShutdownHook(
                () -> log.error("interrupted: stopping %d build(s)", running.size()),
                () -> {
                    Leftovers.sweep(inputs.workDir());
                    ChildProcesses.recordIn(null);
                });
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor();
        progress.scheduleAtFixedRate(this::progress, 15, 15, TimeUnit.SECONDS);
        List<Built> built = new ArrayList<>();
        List<Failed> failed = new ArrayList<>();
        try {
            List<Future<Object>> results = new ArrayList<>();
            for (VariantPlan build : builds) {
                results.add(pool.submit(() -> {
                    Object result = buildOne(build, context);
                    if (result instanceof Built) {
                        listener.built(build);
                    } else {
                        listener.failed(build, (Failed) result);
                    }
                    return result;
                }));
            }
            for (int i = 0; i < results.size(); i++) {
                Object result = results.get(i).get();
                if (result instanceof Built b) {
                    built.add(b);
                } else {
                    failed.add((Failed) result);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
            throw new BuildException("interrupted; builder VMs stopped");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new BuildException("a build crashed: " + e.getCause());
        } finally {
            progress.shutdownNow();
            pool.shutdownNow();
            ChildProcesses.killAll();
            ChildProcesses.removeShutdownHook(hook);
            ChildProcesses.recordIn(null);
        }
        summarise(built, failed);
        return new Outputs(built, failed);
    }

    private record Context(Inputs inputs, VmTunables tunables, HostTools tools, BootMedia media, Firmware firmware,
                           Accelerator accelerator) {
    }

    private void progress() {
        long now = System.nanoTime();
        running.forEach((key, activity) -> log.info("[%s] still %s (%d s)", key, activity.what(),
                (now - activity.since()) / 1_000_000_000L));
    }

    /** Builds one variant; returns Built or Failed, never throws for a build's own failure. */
    private Object buildOne(VariantPlan build, Context context) {
        String key = build.key();
        Path workDir = context.inputs().workDir();
        Path scratch = workDir.resolve("build").resolve(build.cloud()).resolve(build.buildName());
        Path consoleLog = scratch.resolve("build.log");
        long started = System.nanoTime();
        running.put(key, new Activity("preparing", System.nanoTime()));
        try {
            FileTrees.deleteRecursively(scratch);
            Files.createDirectories(scratch);
            ResolvedVariant variant = build.variant();
            String arch = QemuCommand.arch(variant);
            String mirror = BuildSettings.text(variant, "mirror");
            String release = BuildSettings.builderRelease(variant);
            BootMedia.BootFiles boot = context.media().prepare(mirror, release, arch); // checked by the preflight

            Firmware.Uefi uefi = "uefi".equals(variant.config().get("firmware"))
                    ? context.firmware().uefi(arch, mirror, release) : null;
            Path vars = scratch.resolve("uefi-vars.bin");
            if (uefi != null) {
                Firmware.copyVars(uefi, vars);
            }
            Path target = scratch.resolve("target.raw");
            try (RandomAccessFile file = new RandomAccessFile(target.toFile(), "rw")) {
                file.setLength(BuildSettings.size(variant));
            }
            Path payload = scratch.resolve("payload.img");
            PayloadDisk.make(payload, scratch.resolve("payload"), variant, workDir.resolve("scripts"),
                    BuildEnvironment.of(build, context.inputs().debug(), context.inputs().clock(), context.inputs().env()),
                    context.tools());

            Path qemu = context.tools().find(QemuCommand.binary(variant));
            String accel = context.accelerator().choose(arch, qemu, boot.kernel(), uefi);
            List<String> command = QemuCommand.builder(variant, new QemuCommand.BuilderDisks(target, boot.iso(), payload,
                    scratch.resolve("status.log"), boot.kernel(), boot.initramfs(), vars), uefi, accel,
                    context.tunables(), qemu);
            log.debug("[%s] %s", key, String.join(" ", command));
            log.info("[%s] starting builder VM (%s, %s, %s)", key, arch, uefi == null ? "BIOS" : "UEFI", accel.toUpperCase(Locale.ROOT));
            running.put(key, new Activity("booting the builder", System.nanoTime()));
            VmRun.Result result = VmRun.run(command, consoleLog, scratch.resolve("status.log"),
                    context.tunables().bootTimeout(arch), context.tunables().buildTimeout(arch), listener(key));
            if (result.outcome() != VmRun.Outcome.SUCCEEDED) {
                return fail(build, workDir, DiskSpace.explain(workDir, consoleLog, build)
                        .orElseGet(() -> describe(result, context.tunables(), arch)), consoleLog, scratch);
            }
            running.put(key, new Activity("converting to " + BuildSettings.format(variant), System.nanoTime()));
            long convertStart = System.nanoTime();
            BuilderOutput output = BuilderOutput.collect(payload, scratch, context.tools(), log, key);
            Path image = ImageDirectory.assemble(new ImageDirectory.Parts(build, target, consoleLog, output,
                    Provenance.of(context.inputs().tool(), boot, output, build.inputHash(), context.inputs().clock())),
                    workDir, context.tools(), context.inputs().clock(), context.inputs().tool());
            long ended = System.nanoTime();
            Timings timings = new Timings(millis(result.firstScript() - result.started()),
                    millis(result.scriptsDone() - result.firstScript()), millis(ended - convertStart),
                    millis(ended - started));
            try {
                FileTrees.deleteRecursively(scratch);
            } catch (IOException e) {
                log.warn("[%s] could not remove %s: %s", key, scratch, AtomicFiles.describe(e));
            }
            log.info("[%s] built %s (boot %.1f s, scripts %.1f s, conversion %.1f s, total %.1f s)", key,
                    log.show(image), timings.bootToFirstScript() / 1000.0, timings.scripts() / 1000.0,
                    timings.conversion() / 1000.0, timings.total() / 1000.0);
            return new Built(key, image, timings);
        } catch (BuildException e) {
            return fail(build, workDir, e.getMessage(), consoleLog, scratch);
        } catch (IOException e) {
            return fail(build, workDir, DiskSpace.explain(workDir, consoleLog, build)
                    .orElseGet(() -> AtomicFiles.describe(e)), consoleLog, scratch);
        } catch (RuntimeException e) {
            // one build's surprise must not take the others down
            log.debugTrace(e);
            return fail(build, workDir, "internal error: " + e, consoleLog, scratch);
        } finally {
            running.remove(key);
        }
    }

    private VmRun.Listener listener(String key) {
        boolean debug = log.isDebug();
        return new VmRun.Listener() {
            @Override
            public void consoleLine(String line) {
                if (debug) {
                    log.debug("[%s] | %s", key, line);
                }
            }

            @Override
            public void scriptStarted(String script) {
                running.put(key, new Activity("running " + script, System.nanoTime()));
                log.info("[%s] running %s", key, script);
            }

            @Override
            public void scriptEnded(String script, int exitCode) {
                if (exitCode != 0) {
                    log.warn("[%s] %s exited with status %d", key, script, exitCode);
                }
            }
        };
    }

    private Failed fail(VariantPlan build, Path workDir, String reason, Path consoleLog, Path scratch) {
        String key = build.key();
        if (ChildProcesses.stopping()) {
            return new Failed(key, "interrupted", null); // the shutdown hook says so once and cleans up
        }
        // keep the log; drop the disks and any half-converted image, which are large and half-made
        List<Path> partials = new ArrayList<>();
        for (String partial : List.of("target.raw", "payload.img", "payload", "uefi-vars.bin")) {
            partials.add(scratch.resolve(partial));
        }
        partials.add(ImageDirectory.newDir(workDir.resolve("images"), build));
        for (Path partial : partials) {
            try {
                FileTrees.deleteRecursively(partial);
            } catch (IOException ignored) {
                // best effort: both are rebuilt next time
            }
        }
        log.error("[%s] build failed: %s", key, reason);
        if (Files.isRegularFile(consoleLog)) {
            List<String> tail = tail(consoleLog, 15);
            if (!tail.isEmpty()) {
                log.info("[%s] last lines of %s:", key, log.show(consoleLog));
                tail.forEach(line -> log.info("[%s] | %s", key, line));
            }
        }
        return new Failed(key, reason, Files.isRegularFile(consoleLog) ? consoleLog : null);
    }

    private static String describe(VmRun.Result result, VmTunables tunables, String arch) {
        return switch (result.outcome()) {
            case SCRIPT_FAILED -> result.script().isEmpty()
                    ? "the builder could not put the payload in place (status " + result.exitCode() + "); see the log"
                    : "script '" + result.script() + "' exited with status " + result.exitCode();
            case BOOT_TIMEOUT -> "no script started within the boot timeout (" + tunables.bootTimeout(arch).toSeconds()
                    + " s; boot_timeout." + arch + " in --vars)";
            case BUILD_TIMEOUT -> "the build did not finish within " + tunables.buildTimeout(arch).toSeconds()
                    + " s (build_timeout." + arch + " in --vars)" + (result.script().isEmpty() ? ""
                    : "; script '" + result.script() + "' was running");
            case QEMU_DIED -> "QEMU ended (exit " + result.qemuExit() + ") before the scripts finished"
                    + (result.script().isEmpty() ? "" : "; script '" + result.script() + "' was running");
            case NO_POWER_OFF -> "the scripts finished but the builder did not power off cleanly within "
                    + VmRun.POWER_OFF.toSeconds() + " s (QEMU exit " + result.qemuExit() + ", no '" + VmRun.POWER_DOWN
                    + "'); its disk is not trusted";
            case EMERGENCY_SHELL -> "the builder's initramfs dropped to its emergency shell (it could not boot from"
                    + " the ISO); it printed: " + String.join(" | ", result.console().stream().map(String::strip)
                    .filter(l -> !l.isEmpty()).toList());
            case INTERRUPTED -> "interrupted";
            case SUCCEEDED -> "succeeded";
        };
    }

    private void summarise(List<Built> built, List<Failed> failed) {
        log.info("Built %d image(s)%s", built.size(), failed.isEmpty() ? "" : ", " + failed.size() + " failed");
        if (!failed.isEmpty()) {
            throw new BuildException(Failures.summary(failed, log));
        }
    }

    private static List<String> tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return all.subList(Math.max(0, all.size() - lines), all.size());
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }

    private static long millis(long nanos) {
        return Math.max(0, nanos / 1_000_000);
    }


}
