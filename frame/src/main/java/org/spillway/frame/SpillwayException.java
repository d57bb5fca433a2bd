package org.spillway.frame;

/**
 * The base of every error Spillway raises on purpose. Messages say what was wrong, where (file,
 * line, column, column name) and what to do about it.
 */
public class SpillwayException extends RuntimeException {
    /** An error with a message. */
    public SpillwayException(String message) {
        super(message);
    }

    /** An error with a message and a cause. */
    public SpillwayException(String message, Throwable cause) {
        super(message, cause);
    }
}
