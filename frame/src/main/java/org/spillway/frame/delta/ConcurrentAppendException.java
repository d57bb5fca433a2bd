package org.spillway.frame.delta;

/** Files were added to the table by a concurrent transaction, in the part of the table this transaction read (as Delta's exception of this name). */
public class ConcurrentAppendException extends ConcurrentModificationException {
    /** A conflict described by {@code message}. */
    public ConcurrentAppendException(String message) {
        super(message);
    }
}
