package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.CloudSettings;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The variant's {@code encrypted} and {@code import.kms_keys.<region>}: whether snapshots and copies
 * are encrypted, and with which KMS key in each region (none named: the account's default EBS key).
 * Checked before anything is made.
 */
record Encryption(boolean on, Map<String, String> keys) {

    static Encryption of(CloudSettings settings) {
        Object flag = settings.value("encrypted");
        String text = flag == null ? "false" : flag.toString().trim();
        if (!text.equals("true") && !text.equals("false")) {
            throw settings.bad("encrypted", text, "true or false");
        }
        Map<String, String> keys = new LinkedHashMap<>();
        Object given = settings.value("import.kms_keys");
        if (given instanceof Map<?, ?> map) {
            map.forEach((region, key) -> {
                String id = key == null ? "" : key.toString().trim();
                if (!id.matches("(arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:(key|alias)/)?[A-Za-z0-9/_-]+")
                        && !id.startsWith("alias/")) {
                    throw settings.bad("import.kms_keys." + region, id, "a KMS key id, key ARN, alias/NAME or alias ARN");
                }
                keys.put(region.toString(), id);
            });
        } else if (given != null) {
            throw settings.bad("import.kms_keys", given.toString(), "a block of REGION = \"KMS key id or ARN\"");
        }
        boolean on = Boolean.parseBoolean(text);
        if (!on && !keys.isEmpty()) {
            throw settings.bad("import.kms_keys", String.join(",", keys.keySet()), "nothing while encrypted = false"
                    + " (a KMS key is only used to encrypt)");
        }
        return new Encryption(on, Map.copyOf(keys));
    }

    Optional<String> key(String region) {
        return Optional.ofNullable(keys.get(region));
    }
}
