package org.spillway.spill.file;

/**
 * An I/O failure or corruption in a spill file or spill directory. The message names the file (and
 * the offset, for a bad block) and, where there is one, what to change.
 */
public class SpillException extends RuntimeException {
    /** Creates the exception with its message. */
    public SpillException(String message) {
        super(message);
    }

    /** Creates the exception with its message and the underlying cause. */
    public SpillException(String message, Throwable cause) {
        super(message, cause);
    }
}
