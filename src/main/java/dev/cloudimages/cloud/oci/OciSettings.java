package dev.cloudimages.cloud.oci;

import dev.cloudimages.cloud.CloudSettings;
import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.support.BuildException;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A variant's OCI settings, all read and checked before anything is uploaded: where images go
 * (compartment, bucket), how they boot (launch mode, firmware from the variant, shapes), the
 * upload's part size, whether import goes through a pre-authenticated request, and the limits.
 */
record OciSettings(String compartment, String bucket, String launchMode, String firmware, List<String> shapes,
                   long partSize, boolean usePar, Duration importTimeout, Duration publishTimeout) {

    static final List<String> LAUNCH_MODES = List.of("paravirtualized", "emulated", "native", "custom");

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
        String firmware = switch (identity.firmware()) {
            case "uefi" -> "UEFI_64";
            case "bios" -> "BIOS";
            default -> throw settings.bad("firmware", identity.firmware(), "uefi or bios");
        };
        List<String> shapes = settings.flags("import.shapes").entrySet().stream().filter(Map.Entry::getValue)
                .map(Map.Entry::getKey).toList();
        long partSize = settings.integer("import.part_size_mib", 128, 1, 2000) * (1L << 20);
        String par = settings.choice("import.use_par", "auto", List.of("auto", "true", "false"));
        boolean usePar = par.equals("true") || (par.equals("auto") && session.auth() != OciSession.Auth.API_KEY);
        return new OciSettings(compartment, bucket, launchMode, firmware, shapes, partSize, usePar,
                settings.duration("import.timeout", Duration.ofHours(2)),
                settings.duration("publish.timeout", Duration.ofHours(2)));
    }
}
