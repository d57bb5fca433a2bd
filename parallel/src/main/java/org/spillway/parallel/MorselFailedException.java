package org.spillway.parallel;

import java.io.Serial;

/**
 * Thrown by {@link MorselScheduler#run} when a morsel failed with a checked exception, which is the
 * cause. (Unchecked exceptions and errors are rethrown as themselves.)
 */
public final class MorselFailedException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final int seq;

    /** Creates the exception for the morsel with index {@code seq} that failed with {@code cause}. */
    public MorselFailedException(int seq, Throwable cause) {
        super("morsel " + seq + " failed: " + cause, cause);
        this.seq = seq;
    }

    /** The index of the failed morsel in the input list. */
    public int seq() {
        return seq;
    }
}
