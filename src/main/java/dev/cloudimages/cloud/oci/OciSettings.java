package dev.cloudimages.cloud.oci;

import dev.cloudimages.cloud.CloudSettings;
import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.support.BuildException;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A variant's OCI settings, all read and checked before anything is uploaded: where images go
 * (compartment, bucket), how they boot (launch mode, firmware from the variant, shapes), the
 * upload's part size, whether import goes through a pre-authenticated request, and the limits.
 */
record OciSettings(String compartment, String bucket, String launchMode, String firmware, boolean arm,
                   List<String> shapes, long partSize, boolean usePar, Duration importTimeout,
                   Duration publishTimeout, int workRequests, int regionConcurrency) {

    /**
     * Image import and export work requests in flight per region, across all variants: Oracle
     * documents a limit of 10 concurrent image imports ("Limits on Concurrent Operations"; past it
     * OCI answers 409 or 429), and exports are image work of the same service, so they count too.
     */
    static final int WORK_REQUESTS = 10;
    /** Regions one variant imports into at once; each region's own work is bounded by WORK_REQUESTS. */
    static final int REGION_CONCURRENCY = 4;

    static final List<String> LAUNCH_MODES = List.of("paravirtualized", "emulated", "native", "custom");

    /**
     * OCI's Arm (Ampere) flexible shapes, every one the compute shapes page lists. OCI marks a new
     * custom image compatible with its x86 shapes only, so an aarch64 image gets these by default
     * (and loses the x86 ones, which could never boot it).
     */
    static final List<String> ARM_SHAPES = List.of("VM.Standard.A1.Flex", "VM.Standard.A2.Flex", "VM.Standard.A4.Flex");

    /** What OCI names the operating system of the images made here: the plan lists only these (ListImages). */
    static final String OPERATING_SYSTEM = "Alpine Linux";

    static OciSettings of(ImageIdentity identity, CloudSettings settings, OciSession session) {
        String compartment = settings.string("import.compartment", null);
        if (compartment == null) {
            compartment = session.tenancy().orElseThrow(() -> new BuildException("variant " + settings.variantKey()
                    + ": import.compartment is not set; set it to the OCID of a compartment in configs/cloud/oci.conf"));
        }
        String bucket = settings.string("import.bucket", null);
        if (bucket == null) {
            throw new BuildException("variant " + settings.variantKey() + ": import.bucket is not set; set it to an"
                    + " Object Storage bucket of yours in " + session.region() + " in configs/cloud/oci.conf");
        }
        String launchMode = settings.choice("import.launch_mode", "paravirtualized", LAUNCH_MODES).toUpperCase(Locale.ROOT);
        if (launchMode.equals("NATIVE")) {
            // NATIVE boots the boot volume over iSCSI, which Alpine's initramfs (mkinitfs) cannot do
            throw settings.bad("import.launch_mode", "native", "paravirtualized, emulated or custom (native boots"
                    + " from iSCSI, which Alpine's initramfs cannot)");
        }
        boolean arm = identity.arch().equals("aarch64");
        String firmware = switch (identity.firmware()) {
            case "uefi" -> "UEFI_64";
            case "bios" -> {
                if (arm) {
                    throw settings.bad("firmware", "bios", "uefi for aarch64 (OCI's Arm shapes boot UEFI only)");
                }
                yield "BIOS";
            }
            default -> throw settings.bad("firmware", identity.firmware(), "uefi or bios");
        };
        Set<String> shapes = new LinkedHashSet<>(arm ? ARM_SHAPES : List.of());
        settings.flags("import.shapes").forEach((shape, on) -> {
            if (on) {
                shapes.add(shape);
            } else {
                shapes.remove(shape);
            }
        });
        long partSize = settings.integer("import.part_size_mib", 128, 1, 2000) * (1L << 20);
        String par = settings.choice("import.use_par", "auto", List.of("auto", "true", "false"));
        boolean usePar = par.equals("true") || (par.equals("auto") && session.auth() != OciSession.Auth.API_KEY);
        return new OciSettings(compartment, bucket, launchMode, firmware, arm, List.copyOf(shapes), partSize, usePar,
                settings.duration("import.timeout", Duration.ofHours(2)),
                settings.duration("publish.timeout", Duration.ofHours(2)),
                settings.integer("work_requests", WORK_REQUESTS, 1, 100),
                settings.integer("publish.region_concurrency", REGION_CONCURRENCY, 1, 64));
    }

    /**
     * The shape entries an image holds that it should not: for aarch64 every one not asked for
     * (OCI's x86 defaults cannot boot it); for x86_64 none (OCI's defaults are right).
     */
    List<String> unwantedShapes(List<String> have) {
        return arm ? have.stream().filter(shape -> !shapes.contains(shape)).toList() : List.of();
    }
}
