package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.ImageIdentity;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Image;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Deprecation at end of life (00:00 UTC of that day). AWS allows a public AMI at most 2 years from
 * its creation, so a later end of life is capped there. AWS refuses a time in the past, and an end
 * of life can be past (edge's is "tomorrow" of the day it was imported; a region added later): such
 * an AMI is deprecated now, as the GCP adapter marks its image DEPRECATED at once, and one already
 * deprecated is left alone.
 */
final class Deprecation {

    /** How far ahead "now" is sent: AWS rounds to the minute and must not see it in the past. */
    private static final Duration SOON = Duration.ofMinutes(2);

    private Deprecation() {
    }

    /** The end of life as AWS can take it (capped for public AMIs, the notes say so), or none. */
    static Optional<Instant> endOfLife(ImageIdentity identity, Image source, boolean isPublic, List<String> notes) {
        if (identity.endOfLife().isBlank()) {
            return Optional.empty();
        }
        Instant eol = LocalDate.parse(identity.endOfLife().substring(0, 10)).atStartOfDay(ZoneOffset.UTC).toInstant();
        if (isPublic && source.creationDate() != null) {
            Instant cap = Instant.parse(source.creationDate()).atOffset(ZoneOffset.UTC).plusYears(2).toInstant()
                    .truncatedTo(ChronoUnit.MINUTES);
            if (eol.isAfter(cap)) {
                notes.add("deprecation capped at " + cap + " (2 years after creation, AWS's limit for public AMIs);"
                        + " end of life is " + identity.endOfLife());
                return Optional.of(cap);
            }
        }
        return Optional.of(eol);
    }

    /** Deprecates the image at {@code endOfLife}, or now when that is past; returns what was done or "". */
    static String apply(Ec2Client ec2, Eventually eventually, Image image, Instant endOfLife) {
        // AWS's clock, not the build's (SOURCE_DATE_EPOCH may be long ago)
        Instant now = Instant.now();
        Instant soon = now.plus(SOON).truncatedTo(ChronoUnit.MINUTES);
        Optional<Instant> have = Optional.ofNullable(image.deprecationTime()).filter(t -> !t.isBlank())
                .map(Instant::parse);
        Instant at;
        String why = "";
        if (endOfLife.isAfter(soon)) {
            if (have.map(t -> sameMinute(t, endOfLife)).orElse(false)) {
                return "";
            }
            at = endOfLife;
        } else {
            if (have.map(t -> !t.isAfter(soon)).orElse(false)) {
                return ""; // deprecated already, as it should be
            }
            at = soon;
            why = " (end of life " + endOfLife + " has passed)";
        }
        eventually.run(() -> ec2.enableImageDeprecation(b -> b.imageId(image.imageId()).deprecateAt(at)),
                image.imageId());
        return "deprecation " + at + why;
    }

    private static boolean sameMinute(Instant have, Instant want) {
        return have.truncatedTo(ChronoUnit.MINUTES).equals(want.truncatedTo(ChronoUnit.MINUTES));
    }
}
