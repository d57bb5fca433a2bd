package org.spillway.frame.delta;

import org.spillway.frame.SpillwayException;

/**
 * A Delta table could not be read or written: a corrupt or missing log file, a reader feature
 * Spillway does not support, a schema mismatch. The message names the table, the version and the
 * file where known.
 */
public class DeltaException extends SpillwayException {
    /** An error with a message. */
    public DeltaException(String message) {
        super(message);
    }

    /** An error with a message and its cause. */
    public DeltaException(String message, Throwable cause) {
        super(message, cause);
    }
}
