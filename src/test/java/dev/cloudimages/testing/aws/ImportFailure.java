package dev.cloudimages.testing.aws;

/** How an injected ImportSnapshot failure shows: the task ends {@code deleted}, with AWS-like status messages. */
public enum ImportFailure {
    /** The task is deleted by the service part-way ("ServerError: ..."). */
    DELETED,
    /** The disk is refused ("ClientError: Disk validation failed ..."); the task also ends {@code deleted}. */
    ERROR
}
