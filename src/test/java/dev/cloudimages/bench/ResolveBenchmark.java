package dev.cloudimages.bench;

import dev.cloudimages.alpine.ReleaseCatalog;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.config.HoconLoader;
import dev.cloudimages.config.Resolution;
import dev.cloudimages.config.TopConfig;
import dev.cloudimages.config.VariantResolver;
import dev.cloudimages.testing.Fixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

/**
 * Milliseconds per full resolution (parse HOCON with includes, resolve every variant, render YAML) of
 * the shipped configs and of a generated 5 x 4 matrix (1024 candidates, EXCLUDE and nested WHEN).
 * Run: mvn -q test-compile exec:java   (optional args: warm-up and measured iterations)
 */
public final class ResolveBenchmark {

    private static final LocalDate TODAY = LocalDate.of(2026, 11, 23);

    public static void main(String[] args) throws IOException {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int measured = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        ReleaseCatalog releases = ReleaseCatalog.parse(Fixtures.releasesJson(), "https://alpinelinux.org/releases.json");

        Path shipped = Fixtures.projectRoot().resolve("configs/alpine.conf");
        Path generated = generateMatrix(Files.createTempDirectory("build-bench"));

        report("shipped configs", shipped, releases, warmup, measured);
        report("generated 5x4 matrix", generated, releases, warmup, measured);
    }

    private static void report(String label, Path top, ReleaseCatalog releases, int warmup, int measured) {
        Resolution last = null;
        for (int i = 0; i < warmup; i++) {
            last = resolveOnce(top, releases);
        }
        double[] millis = new double[measured];
        for (int i = 0; i < measured; i++) {
            long start = System.nanoTime();
            last = resolveOnce(top, releases);
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        double mean = Arrays.stream(millis).average().orElse(0);
        System.out.printf("%-22s %4d variants (%d skipped): median %.1f ms, mean %.1f ms, min %.1f ms, max %.1f ms"
                        + " per full resolution (%d runs after %d warm-up)%n",
                label, last.variants().size(), last.skipped().size(), millis[measured / 2], mean, millis[0],
                millis[measured - 1], measured, warmup);
    }

    private static Resolution resolveOnce(Path top, ReleaseCatalog releases) {
        HoconLoader loader = new HoconLoader(top.getParent());
        TopConfig config = TopConfig.read(loader, loader.parse(top));
        Resolution resolution = new VariantResolver(config, releases, TODAY, "https://dl-cdn.alpinelinux.org/alpine").resolve();
        if (ConfigsYaml.render(resolution).isEmpty()) {
            throw new IllegalStateException("empty output");
        }
        return resolution;
    }

    /** 5 dimensions x 4 keys, each key in its own file with maps, lists, WHEN (nested) and some EXCLUDE. */
    static Path generateMatrix(Path dir) throws IOException {
        List<String> versions = List.of("\"3.22\"", "\"3.23\"", "\"3.24\"", "edge");
        List<String> dimensions = List.of("version", "arch", "firmware", "bootstrap", "cloud");
        StringBuilder top = new StringBuilder("""
                Default {
                  name = [ bench ]
                  description = [ Bench ]
                  packages { base = true, tool = true }
                  services.default { sshd = true }
                  kernel_modules { ext4 = true }
                  repos { "{mirror}/{v_version}/main" = true }
                }
                Dimensions {
                """);
        for (int d = 0; d < dimensions.size(); d++) {
            String dimension = dimensions.get(d);
            top.append("  ").append(dimension).append(" {\n");
            for (int k = 0; k < 4; k++) {
                String key = d == 0 ? versions.get(k) : dimension.charAt(0) + String.valueOf(k);
                String file = dimension + "/" + key.replace("\"", "") + ".conf";
                top.append("    ").append(key).append(" { include required(\"").append(file).append("\") }\n");
                Fixtures.write(dir, file, layer(d, k, key.replace("\"", "")));
            }
            top.append("  }\n");
        }
        top.append("}\nMandatory { name = [ \"r{revision}\" ], scripts = [ cleanup ] }\n");
        return Fixtures.write(dir, "bench.conf", top.toString());
    }

    private static String layer(int dimension, int key, String name) {
        StringBuilder layer = new StringBuilder();
        layer.append("name = [ \"").append(name).append("\" ]\n");
        layer.append("packages { \"pkg-").append(name).append("\" = true, \"old-").append(name).append("\" = false }\n");
        layer.append("services.boot.\"svc-").append(name).append("\" = true\n");
        layer.append("kernel_modules.\"mod-").append(name).append("\" = true\n");
        layer.append("qemu.args = [ [ -opt, \"").append(name).append("\" ] ]\n");
        if (dimension == 1 && key == 3) {
            layer.append("EXCLUDE = [ f0 ]\n");
        }
        if (dimension == 3 && key == 2) {
            layer.append("EXCLUDE = [ c3, edge ]\n");
        }
        layer.append("WHEN {\n")
                .append("  \"c1 c2\" { packages.cloud-extra = true, WHEN { a1 { kernel_modules.arm = true,")
                .append(" WHEN { f2 { packages.deep = true } } } } }\n")
                .append("  edge { repos { \"{mirror}/edge/testing\" = true } }\n")
                .append("}\n");
        return layer.toString();
    }
}
