package org.spillway.spill.memory;

/**
 * A reservation did not fit in the memory budget even after everything spillable was spilled.
 * The message gives the consumer, the numbers and what to change.
 */
public class BudgetExceededException extends RuntimeException {
    private final long requested;
    private final long available;

    /** Creates the exception with its message and numbers. */
    public BudgetExceededException(String message, long requested, long available) {
        super(message);
        this.requested = requested;
        this.available = available;
    }

    /** The bytes asked for. */
    public long requested() {
        return requested;
    }

    /** The bytes that were free when it failed. */
    public long available() {
        return available;
    }
}
