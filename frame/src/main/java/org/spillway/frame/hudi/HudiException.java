package org.spillway.frame.hudi;

import org.spillway.frame.SpillwayException;

/**
 * A Hudi table could not be read: no table at the path, a table type or version Spillway does not read,
 * a missing or corrupt base file or timeline file, an instant that is not on the timeline. The message
 * names the table, the instant and the file where known.
 */
public class HudiException extends SpillwayException {
    /** An error with a message. */
    public HudiException(String message) {
        super(message);
    }

    /** An error with a message and its cause. */
    public HudiException(String message, Throwable cause) {
        super(message, cause);
    }
}
