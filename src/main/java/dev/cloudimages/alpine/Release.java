package dev.cloudimages.alpine;

import java.time.LocalDate;

/**
 * The current release of one Alpine version (branch): "3.22" -> "3.22.2", or "edge" -> today's
 * date as YYYYMMDD. {@code notesUrl} is null when the release has no announcement.
 */
public record Release(String version, String release, LocalDate endOfLife, String notesUrl) {
}
