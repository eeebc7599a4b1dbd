package dev.cloudimages.local;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The facts cleanup hands back (image-facts), as the provenance reads them. */
class BuilderOutputTest {

    @Test
    void repositoriesGetTheirIndexAndItsSigningKeys() {
        BuilderOutput output = BuilderOutput.parse(Optional.of("P:musl\nV:1\n"), List.of(
                "kernel 6.12.13-0-virt",
                "repository https://dl-cdn.alpinelinux.org/alpine/v3.24/main APKINDEX.1a2b3c4d.tar.gz",
                "repository https://dl-cdn.alpinelinux.org/alpine/v3.24/community -",
                "index APKINDEX.1a2b3c4d.tar.gz alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub v3.24.1-93-g2d1f7a",
                "index APKINDEX.99999999.tar.gz a.rsa.pub,b.rsa.pub v3.24.1-12-gffffff",
                "something a later script wrote"));
        assertEquals("6.12.13-0-virt", output.kernel());
        assertEquals(List.of(
                new BuilderOutput.Repository("https://dl-cdn.alpinelinux.org/alpine/v3.24/main", "APKINDEX.1a2b3c4d.tar.gz",
                        List.of("alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub"), "v3.24.1-93-g2d1f7a"),
                new BuilderOutput.Repository("https://dl-cdn.alpinelinux.org/alpine/v3.24/community", "", List.of(), ""),
                new BuilderOutput.Repository("", "APKINDEX.99999999.tar.gz", List.of("a.rsa.pub", "b.rsa.pub"),
                        "v3.24.1-12-gffffff")), output.repositories());
    }
}
