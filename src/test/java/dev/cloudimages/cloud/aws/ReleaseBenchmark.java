package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.CloudAdapters;
import dev.cloudimages.cloud.CloudStep;
import dev.cloudimages.cloud.ReleaseHooks;
import dev.cloudimages.cloud.ShipConcurrency;
import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.plan.Action;
import dev.cloudimages.plan.LocalImages;
import dev.cloudimages.plan.Plan;
import dev.cloudimages.plan.Step;
import dev.cloudimages.plan.VariantPlan;
import dev.cloudimages.support.BuildClock;
import dev.cloudimages.support.Digests;
import dev.cloudimages.support.Log;
import dev.cloudimages.testing.aws.FakeAws;
import dev.cloudimages.testing.aws.FakeAwsSettings;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A release against a fake AWS that is as slow as AWS, scaled: real minutes as fake seconds
 * (a snapshot completes 3 s after CompleteSnapshot, an AMI is available 2 s after RegisterImage,
 * a region's copy 8 s after CopyImage). Imports and publishes (to 4 regions) 1, 3 and 12
 * variants whose local images exist (small qcow2 files, built once; no QEMU), through the cloud
 * step's pipeline, one variant at a time (--cloud-parallel 1: how import and publish ran before)
 * and at the default concurrency. Prints the wall time of each.
 * Run: mvn -q test-compile exec:java -Dbench.main=dev.cloudimages.cloud.aws.ReleaseBenchmark
 * (-Dexec.args="SCALE" multiplies the latencies; default 1).
 */
public final class ReleaseBenchmark {

    private ReleaseBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        FakeAwsSettings.Latency latency = new FakeAwsSettings.Latency(seconds(3 * scale), seconds(2 * scale),
                seconds(8 * scale));
        System.out.printf(Locale.ROOT, "latency model: snapshot %s, register %s, copy per region %s%n",
                latency.snapshot(), latency.register(), latency.copy());
        Map<Integer, Double> one = new LinkedHashMap<>();
        for (int parallel : new int[]{1, 0}) {
            for (int variants : new int[]{1, 3, 12}) {
                double wall = measure(variants, parallel, latency);
                one.putIfAbsent(parallel, wall);
                System.out.printf(Locale.ROOT, "%-22s %2d variant(s): %6.1f s wall (%.2fx one variant)%n",
                        parallel == 1 ? "one at a time:" : "pipeline (default):", variants, wall,
                        wall / one.get(parallel));
            }
        }
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis((long) (s * 1000));
    }

    private static double measure(int count, int parallel, FakeAwsSettings.Latency latency) throws Exception {
        Path work = Files.createTempDirectory("release-bench");
        try (FakeAws aws = FakeAws.start(FakeAwsSettings.defaults().withLatency(latency))) {
            Map<String, String> env = new HashMap<>(aws.env());
            env.put("PATH", System.getenv("PATH"));
            env.put("AWS_CONFIG_FILE", work.resolve("none").toString());
            env.put("AWS_SHARED_CREDENTIALS_FILE", work.resolve("none").toString());
            List<VariantPlan> variants = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                variants.add(variant(work, i));
            }
            Plan plan = new Plan(Step.PUBLISH, false, variants);
            Log quiet = new Log(new PrintStream(OutputStream.nullOutputStream()), false, false);
            CloudStep.Inputs inputs = new CloudStep.Inputs(plan, work, CloudAdapters.shipped(env),
                    new BuildClock(Instant.parse("2026-11-18T00:00:00Z"), true), ReleaseHooks.LOCAL_ONLY,
                    parallel == 0 ? ShipConcurrency.defaults() : ShipConcurrency.defaults().withOverride(parallel),
                    Duration.ofMinutes(10));
            long started = System.nanoTime();
            new CloudStep(quiet).run(inputs);
            return (System.nanoTime() - started) / 1e9;
        } finally {
            dev.cloudimages.support.FileTrees.deleteRecursively(work);
        }
    }

    /** A variant planned for import and publish, with a small current local image. */
    private static VariantPlan variant(Path work, int i) throws Exception {
        String build = "bench-3.24.1-x86_64-bios-v" + i;
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", build);
        config.put("project", "cloudimages-bench");
        config.put("arch", "x86_64");
        config.put("firmware", "bios");
        config.put("bootstrap", "tiny");
        config.put("cloud", "aws");
        config.put("version", "3.24");
        config.put("release", "3.24.1");
        config.put("description", "bench " + i);
        config.put("poll_interval", "200ms");
        config.put("import", new LinkedHashMap<>(Map.of("method", "ebs-direct")));
        config.put("regions", new LinkedHashMap<>(Map.of("ALL", true)));
        config.put("access", new LinkedHashMap<>(Map.of("PUBLIC", false)));
        ResolvedVariant resolved = new ResolvedVariant("3.24-bench-" + i, Map.of("cloud", "aws"), config);
        Path dir = new LocalImages(work.resolve("images")).dir("aws", build);
        Files.createDirectories(dir);
        Path image = dir.resolve("image.qcow2");
        Process create = new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "64M")
                .inheritIO().start();
        if (create.waitFor() != 0) {
            throw new IllegalStateException("qemu-img create failed");
        }
        LocalImages.write(dir, new LocalImages.Record(resolved.key(), build, build + "-r0", 0, "qcow2",
                "image.qcow2", Files.size(image), Digests.sha256(image), "sha256:bench", "2026-11-18T00:00:00Z"));
        return new VariantPlan(resolved, build, build + "-r0", 0, "2028-05-01",
                List.of(Action.IMPORT, Action.PUBLISH), LocalImages.Status.CURRENT,
                Optional.of(new VariantPlan.RemoteState(Optional.empty())), "sha256:bench", List.of(), false,
                Optional.empty());
    }
}
