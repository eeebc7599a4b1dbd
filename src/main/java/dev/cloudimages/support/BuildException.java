package dev.cloudimages.support;

/**
 * A failure caused by the user's input or environment. Its message is a complete,
 * one-line explanation that names the file, key or value and says what to do;
 * the CLI prints it without a stack trace (unless --debug).
 */
public class BuildException extends RuntimeException {
    public BuildException(String message) {
        super(message);
    }

    public BuildException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The process's exit status when this ends a run. */
    public int exitCode() {
        return 1;
    }
}
