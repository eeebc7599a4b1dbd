package dev.cloudimages.testing.oci;

import java.util.List;

/**
 * The shapes the fake OCI knows, and what OCI gives a new custom image: compatibility with its
 * x86 virtual machine shapes only, whatever the image's architecture. Adding a shape it does not
 * know is refused, as OCI refuses a shape name it has not got.
 */
final class FakeShapes {

    /** OCI's default compatibility of a new custom image (a sample of its x86 VM shapes). */
    static final List<String> X86_DEFAULTS = List.of("VM.Standard2.1", "VM.Standard2.2", "VM.Standard.E2.1",
            "VM.Standard.E3.Flex", "VM.Standard.E4.Flex", "VM.Standard.E5.Flex", "VM.Standard3.Flex",
            "VM.Optimized3.Flex");

    static final List<String> ARM = List.of("VM.Standard.A1.Flex", "VM.Standard.A2.Flex", "VM.Standard.A4.Flex");

    static final List<String> KNOWN = concat(X86_DEFAULTS, List.of("VM.Standard.E2.1.Micro", "VM.Standard.E6.Flex",
            "BM.Standard3.64", "BM.Standard.E5.192"), ARM, List.of("BM.Standard.A1.160"));

    private FakeShapes() {
    }

    static boolean known(String shape) {
        return KNOWN.contains(shape);
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
    }
}
