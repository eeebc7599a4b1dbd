package dev.cloudimages.support;

import java.time.LocalDate;

/** Dates as configs and release metadata write them. */
public final class Dates {

    private Dates() {
    }

    /**
     * "2027-05-01", or the date part of an ISO date-time ("2027-05-01T00:00:00").
     *
     * @throws java.time.format.DateTimeParseException when it is neither
     */
    public static LocalDate isoDate(String text) {
        return LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text);
    }
}
