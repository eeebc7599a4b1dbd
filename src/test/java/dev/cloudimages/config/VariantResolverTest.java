package dev.cloudimages.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.cloudimages.config.ResolverFixture.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VariantResolverTest {

    @TempDir
    Path dir;

    private Resolution resolve(String top) {
        return new ResolverFixture(dir).resolve(top);
    }

    private static List<String> keys(Resolution resolution) {
        return resolution.variants().stream().map(ResolvedVariant::key).toList();
    }

    @Test
    void variantsAreTheProductOfTheDimensionsInConfigOrder() {
        Resolution r = resolve("""
                Dimensions {
                  version { edge {}, "3.22" {} }
                  cloud { zz {}, aa {} }
                  arch { x86_64 {} }
                }
                """);
        assertEquals(List.of("edge-zz-x86_64", "edge-aa-x86_64", "3.22-zz-x86_64", "3.22-aa-x86_64"), keys(r));
        assertEquals(List.of("version", "cloud", "arch"), r.dimensions().stream().map(Dimension::name).toList());
        Map<String, Object> c = config(r, "3.22-aa-x86_64");
        assertEquals(List.of("version", "cloud", "arch"), List.copyOf(c.keySet()).subList(0, 3));
        assertEquals("3.22", c.get("version"));
    }

    @Test
    void layersMergeDefaultThenDimensionsInOrderThenMandatory() {
        Map<String, Object> c = config(resolve("""
                Default { name = [ alpine ], size = 1G, who = default }
                Dimensions {
                  version { "3.22" { name = [ v ], who = version } }
                  arch { x86_64 { name = [ x86_64 ], who = arch } }
                }
                Mandatory { name = [ "r{revision}" ], who = mandatory }
                """), "3.22-x86_64");
        assertEquals("alpine-v-3.22.4-x86_64-r{revision}", c.get("name"));
        assertEquals("mandatory", c.get("who"));
        assertEquals("1G", c.get("size"));
    }

    @Test
    void versionsGetTheirNewestReleaseEndOfLifeAndNotes() {
        Resolution r = resolve("""
                Default { name = [ alpine ] }
                Dimensions { version { "3.22" {}, edge {} } }
                """);
        Map<String, Object> stable = config(r, "3.22");
        assertEquals("3.22.4", stable.get("release"));
        assertEquals("2027-05-01", stable.get("end_of_life"));
        assertEquals("https://example.test/posts/Alpine-3.22.4-released.html", stable.get("release_notes"));
        assertEquals("alpine-3.22.4", stable.get("name"));
        Map<String, Object> edge = config(r, "edge");
        assertEquals("20261123", edge.get("release"));
        assertEquals("2026-11-24", edge.get("end_of_life"));
        assertFalse(edge.containsKey("release_notes"));
    }

    @Test
    void variantsPastEndOfLifeAreSkippedWithTheReason() {
        Resolution r = resolve("Dimensions { version { \"3.21\" {}, \"3.22\" {} }, arch { a {}, b {} } }");
        assertEquals(List.of("3.22-a", "3.22-b"), keys(r));
        assertEquals(2, r.count(Resolution.Reason.END_OF_LIFE));
        assertEquals("end of life 2026-11-01", r.skipped().get(0).detail());
    }

    @Test
    void endOfLifeStartsOnItsDate() {
        Resolution r = resolve("Dimensions { version { \"3.22\" { end_of_life = \"2026-11-01\" } } }");
        assertEquals(List.of("3.22"), keys(r), "the release lookup's end of life overrides the version's own");
        Resolution kept = resolve("Mandatory { end_of_life = \"2026-11-24\" }\nDimensions { version { \"3.22\" {} } }");
        assertEquals(List.of("3.22"), keys(kept));
        Resolution dropped = resolve("Mandatory { end_of_life = \"2026-11-23\" }\nDimensions { version { \"3.22\" {} } }");
        assertEquals(List.of(), keys(dropped), "on the end-of-life day itself the variant is no longer built");
    }

    @Test
    void excludeDropsVariantsThatHaveAnyListedKey() {
        Resolution r = resolve("""
                Dimensions {
                  version { "3.22" {} }
                  arch { x86_64 {}, aarch64 { EXCLUDE = [ bios, "3.99" ] } }
                  firmware { bios {}, uefi {} }
                }
                """);
        assertEquals(List.of("3.22-x86_64-bios", "3.22-x86_64-uefi", "3.22-aarch64-uefi"), keys(r));
        assertEquals(1, r.count(Resolution.Reason.EXCLUDED));
        assertFalse(config(r, "3.22-aarch64-uefi").containsKey("EXCLUDE"));
    }

    @Test
    void excludeOfAQuotedVersionAndFromInsideAWhenBlock() {
        Resolution r = resolve("""
                Dimensions {
                  version { "3.22" {}, edge {} }
                  bootstrap { tiny {}, cloudinit { EXCLUDE = [ "3.22" ] } }
                  cloud { aws {}, gcp { WHEN { tiny { EXCLUDE = [ edge ] } } } }
                }
                """);
        assertEquals(List.of("3.22-tiny-aws", "3.22-tiny-gcp", "edge-tiny-aws", "edge-cloudinit-aws", "edge-cloudinit-gcp"),
                keys(r));
    }

    @Test
    void whenMergesItsBlockWhenTheVariantHasAnyOfTheSpaceSeparatedKeys() {
        Resolution r = resolve("""
                Dimensions {
                  version { "3.22" {}, edge {} }
                  cloud {
                    aws { WHEN { "gcp edge" { marker = either } } }
                    gcp { WHEN { "gcp" { marker = gcp }, nothing { never = true } } }
                  }
                }
                """);
        assertFalse(config(r, "3.22-aws").containsKey("marker"));
        assertEquals("either", config(r, "edge-aws").get("marker"));
        assertEquals("gcp", config(r, "3.22-gcp").get("marker"));
        assertFalse(config(r, "3.22-gcp").containsKey("never"));
        assertFalse(config(r, "3.22-gcp").containsKey("WHEN"));
    }

    @Test
    void nestedWhenIsAnAnd() {
        Resolution r = resolve("""
                Dimensions {
                  version { "3.22" {}, edge {} }
                  arch { x86_64 {}, aarch64 {} }
                  cloud {
                    aws {
                      modules { ena = true }
                      WHEN { aarch64 {
                        modules.gpio = true
                        WHEN { edge { modules.gpio = false, modules.extra = true } }
                      } }
                    }
                  }
                }
                """);
        assertEquals(Map.of("ena", true), config(r, "3.22-x86_64-aws").get("modules"));
        assertEquals(Map.of("ena", true, "gpio", true), config(r, "3.22-aarch64-aws").get("modules"));
        assertEquals(Map.of("ena", true), config(r, "edge-x86_64-aws").get("modules"));
        assertEquals(Map.of("ena", true, "gpio", false, "extra", true), config(r, "edge-aarch64-aws").get("modules"));
    }

    @Test
    void whenBlocksApplyRightAfterTheirLayerSoLaterLayersWin() {
        Map<String, Object> c = config(resolve("""
                Dimensions {
                  version { "3.22" { WHEN { aws { who = version-when } } } }
                  cloud { aws { who = cloud } }
                }
                """), "3.22-aws");
        assertEquals("cloud", c.get("who"));
    }

    @Test
    void nullInALayerRemovesASettingAndALaterLayerStartsFresh() {
        Map<String, Object> c = config(resolve("""
                Default { packages { a = true, b = true }, extra = [ one ], qemu.firmware = "fw.bin" }
                Dimensions {
                  version { "3.22" { packages.a = null, extra = null, qemu.firmware = null } }
                  arch { x86_64 { extra = [ two ] } }
                }
                """), "3.22-x86_64");
        assertEquals(Map.of("add", "b", "del", "", "noscripts", ""), c.get("packages"));
        assertEquals(List.of("two"), c.get("extra"));
        assertEquals(Map.of(), c.get("qemu"));
    }

    @Test
    void hoconNullThenAssignmentInOneFileReplacesWhatThatFileHad() {
        Map<String, Object> c = config(new ResolverFixture(dir)
                .file("base.conf", "repos { \"http://old/{version}\" = true }\n")
                .resolve("""
                        Dimensions { version { "3.22" {
                          include required("base.conf")
                          repos = null
                          repos { "http://new/{v_version}" = true }
                        } } }
                        """), "3.22");
        assertEquals("http://new/v3.22", c.get("repos"));
    }

    @Test
    void placeholdersAreFilledFromTheVariantAndLaterStepOnesAreKept() {
        Map<String, Object> c = config(resolve("""
                Default {
                  name = [ alpine ]
                  description = [ Alpine ]
                  url = "{mirror}/{v_version}/{arch}/{region}"
                  motd { hello = "on {cloud}", release_notes = "notes: {release_notes}" }
                }
                Dimensions {
                  version { "3.22" {}, edge {} }
                  arch { x86_64 {} }
                  cloud { aws { cloud_name = AWS } }
                }
                Mandatory { name = [ "r{revision}" ], description = [ "for {cloud_name}" ] }
                """), "edge-x86_64-aws");
        assertEquals("alpine-20261123-r{revision}", c.get("name"));
        assertEquals("Alpine 20261123 for AWS", c.get("description"));
        assertEquals("https://mirror.test/alpine/edge/x86_64/{region}", c.get("url"));
        assertEquals("on aws", c.get("motd"), "edge has no release notes, so that paragraph is left out");
    }

    @Test
    void theReleaseEndsTheVersionsPartOfTheNameAndTheDescriptionAsInTheReference() {
        Resolution r = resolve("""
                Default { name = [ alpine ], description = [ Alpine Linux ] }
                Dimensions {
                  version { "3.22" { name = [ v ], description = [ stable ] }, edge {} }
                  arch { x86_64 { name = [ x86_64 ], description = [ "for x86_64" ] } }
                }
                Mandatory { name = [ "r{revision}" ], description = [ "- https://alpinelinux.org/cloud" ] }
                """);
        Map<String, Object> stable = config(r, "3.22-x86_64");
        assertEquals("alpine-v-3.22.4-x86_64-r{revision}", stable.get("name"));
        assertEquals("Alpine Linux stable 3.22.4 for x86_64 - https://alpinelinux.org/cloud", stable.get("description"));
        assertEquals("Alpine Linux 20261123 for x86_64 - https://alpinelinux.org/cloud",
                config(r, "edge-x86_64").get("description"));
    }

    @Test
    void everyVariantCarriesItsConfigKeyAndImageKey() {
        Resolution r = resolve("""
                Dimensions {
                  version { "3.22" {} }
                  arch { x86_64 {} }
                  firmware { uefi {} }
                  bootstrap { tiny {} }
                  cloud { aws {} }
                }
                """);
        Map<String, Object> c = config(r, "3.22-x86_64-uefi-tiny-aws");
        assertEquals("3.22-x86_64-uefi-tiny-aws", c.get("config_key"));
        assertEquals("3.22.4-x86_64-uefi-tiny-aws", c.get("image_key"));

        // as in the reference: every dimension, in dimension order, the version replaced by its release
        Map<String, Object> own = config(resolve("""
                Dimensions { arch { aarch64 {} }, version { edge {} }, flavor { docker {} } }
                """), "aarch64-edge-docker");
        assertEquals("aarch64-edge-docker", own.get("config_key"));
        assertEquals("aarch64-20261123-docker", own.get("image_key"));
    }

    @Test
    void outputIsIdenticalAcrossRuns() {
        String top = """
                Default { packages { z = true, a = true, m = false } }
                Dimensions { version { "3.22" {}, edge {} }, cloud { b {}, a {} } }
                """;
        String first = ConfigsYaml.render(resolve(top));
        String second = ConfigsYaml.render(resolve(top));
        assertEquals(first, second);
        assertTrue(first.contains("add: z a"), first);
    }
}
