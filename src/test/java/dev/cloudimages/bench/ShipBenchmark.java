package dev.cloudimages.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudimages.cloud.Throttle;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.testing.CliRun;
import dev.cloudimages.testing.FixtureServer;
import dev.cloudimages.testing.Fixtures;
import dev.cloudimages.testing.Latency;
import dev.cloudimages.testing.ProjectCopy;
import dev.cloudimages.testing.TestBuilder;
import dev.cloudimages.testing.oci.FakeOci;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * `./build publish --only oci` of 1, 3 and 12 variants into the fake OCI with its latency model on
 * (the real clouds' minutes divided by SCALE: image import, export, each region's import), through
 * the whole CLI and so the cloud step's pipeline, with the default concurrency and with
 * --cloud-parallel 1 (every variant after the other, as before issue 17). The images are planted
 * where the local step keeps them, with the record the plan trusts, so nothing is built. Time is
 * scaled throughout: the poll interval (10 s), the fake's rate limit and the throttle backoff too,
 * so the fake sees the request rates a real run would give the cloud.
 * Run: mvn -q test-compile exec:java -Dbench.main=dev.cloudimages.bench.ShipBenchmark [-Dexec.args="SCALE"]
 */
public final class ShipBenchmark {

    private ShipBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 200;
        Latency latency = Latency.scaled(Latency.OCI_REAL, scale);
        Throttle.Backoff real = Throttle.Backoff.DEFAULT;
        Throttle.shared().backoff(new Throttle.Backoff(Duration.ofNanos((long) (real.base().toNanos() / scale)),
                Duration.ofNanos((long) (real.cap().toNanos() / scale))));
        System.out.printf(Locale.ROOT, "scale %.0f (a real minute is %.2f s): import %.2f s, export %.2f s, polls every %d ms;"
                + " 3 regions%n", scale, 60 / scale, latency.of("import").toMillis() / 1e3,
                latency.of("export").toMillis() / 1e3, (long) (10_000 / scale));
        try (FixtureServer server = new FixtureServer().serve("/releases.json", Fixtures.releasesJson())) {
            for (int variants : new int[] {1, 3, 12}) {
                double concurrent = measure(server, variants, 0, scale, latency);
                double serial = measure(server, variants, 1, scale, latency);
                System.out.printf(Locale.ROOT, "%2d variant(s): concurrent %6.1f s, --cloud-parallel 1 %6.1f s%n",
                        variants, concurrent, serial);
            }
        }
    }

    /** One `publish` of {@code variants} planted variants into a fresh fake; its wall time in seconds. */
    private static double measure(FixtureServer server, int variants, int parallel, double scale, Latency latency)
            throws Exception {
        Path project = Files.createTempDirectory("ship-bench");
        try (FakeOci oci = FakeOci.start()) {
            oci.latency(latency);
            oci.coreRate(FakeOci.CORE_RATE * scale);
            ProjectCopy.into(project);
            TestBuilder.overlay(project.resolve("overlay"), "");
            String config = config(variants, (long) (10_000 / scale));
            Files.writeString(project.resolve("overlay/configs/images.conf"), config);
            Files.writeString(project.resolve("overlay/configs/test.conf"), config);
            Map<String, String> env = new HashMap<>(oci.env(project, "eu-frankfurt-1"));
            env.put("PATH", System.getenv("PATH"));
            env.put("HOME", project.toString());
            env.put("ALPINE_RELEASES_URL", server.url("/releases.json"));
            env.put("ALPINE_MIRROR", server.url("/mirror"));
            env.put("SOURCE_DATE_EPOCH", "1795000000");
            CliRun state = CliRun.run(env, project, false, "state", "--custom", "overlay", "--only", "oci");
            if (state.code() != 0) {
                throw new IllegalStateException("state failed: " + state.err());
            }
            plant(project, variants);
            String[] publish = parallel > 0
                    ? new String[] {"publish", "--custom", "overlay", "--only", "oci", "--cloud-parallel", "" + parallel}
                    : new String[] {"publish", "--custom", "overlay", "--only", "oci"};
            long start = System.nanoTime();
            CliRun run = CliRun.run(env, project, false, publish);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (run.code() != 0) {
                throw new IllegalStateException("publish failed: " + run.err());
            }
            if (oci.images("us-ashburn-1").size() != variants) {
                throw new IllegalStateException("expected " + variants + " images in each region: " + run.err());
            }
            return seconds;
        } finally {
            dev.cloudimages.support.FileTrees.deleteRecursively(project);
        }
    }

    /** Every variant the plan of `state` has: a 1 MiB qcow2 and the record the local step would write. */
    private static void plant(Path project, int expected) throws Exception {
        JsonNode actions = ConfigsYaml.mapper().readTree(project.resolve("work/actions.yaml").toFile());
        Random random = new Random(17);
        int planted = 0;
        for (Iterator<String> keys = actions.fieldNames(); keys.hasNext(); planted++) {
            String key = keys.next();
            JsonNode plan = actions.get(key);
            Path dir = Files.createDirectories(project.resolve("work/images/oci").resolve(plan.path("build_name").asText()));
            byte[] bytes = new byte[1 << 20];
            random.nextBytes(bytes);
            System.arraycopy(new byte[] {'Q', 'F', 'I', (byte) 0xfb}, 0, bytes, 0, 4);
            Files.write(dir.resolve("image.qcow2"), bytes);
            Files.writeString(dir.resolve("image.yaml"), "variant: " + key + "\nbuild_name: "
                    + plan.path("build_name").asText() + "\nimage_name: " + plan.path("image_name").asText()
                    + "\nrevision: " + plan.path("revision").asInt() + "\nformat: qcow2\nfile: image.qcow2\nsize: "
                    + bytes.length + "\nsha256: " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(bytes)) + "\ninput_hash: " + plan.path("input_hash").asText()
                    + "\nbuilt: 2026-11-18T00:00:00Z\n");
        }
        if (planted != expected) {
            throw new IllegalStateException("the plan has " + planted + " variants, expected " + expected);
        }
    }

    /** The test overlay's images with an "edition" dimension of {@code variants} keys, OCI x86_64 BIOS only. */
    private static String config(int variants, long pollMillis) {
        StringBuilder editions = new StringBuilder();
        for (int i = 1; i <= variants; i++) {
            editions.append(String.format(Locale.ROOT, "    e%02d { name = [ e%02d ] }%n", i, i));
        }
        return """
                project = "cloudimages-bench"
                Default {
                  project      = ${project}
                  name         = [ bench ]
                  description  = [ Bench image ]
                  scripts      = [ install ]
                  script_dirs  = [ install.d ]
                  size         = 128M
                  login        = test
                  image_format = qcow2
                  access.PUBLIC = false
                  poll_interval = %dms
                }
                Dimensions {
                  version { "3.24" { } }
                  edition {
                %s  }
                  arch { x86_64 { name = [ x86_64 ], qemu { binary = qemu-system-x86_64, machine = q35 } } }
                  firmware { bios { name = [ bios ] } }
                  cloud {
                    oci {
                      import { compartment = "ocid1.compartment.oc1..fakecompartment", bucket = images }
                      regions { "uk-london-1" = true, "us-ashburn-1" = true }
                    }
                  }
                }
                Mandatory {
                  name = [ "r{revision}" ]
                }
                """.formatted(pollMillis, editions);
    }
}
