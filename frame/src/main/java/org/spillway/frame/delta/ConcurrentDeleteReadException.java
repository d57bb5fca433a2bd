package org.spillway.frame.delta;

/** A concurrent transaction removed a file this transaction read (as Delta's exception of this name). */
public class ConcurrentDeleteReadException extends ConcurrentModificationException {
    /** A conflict described by {@code message}. */
    public ConcurrentDeleteReadException(String message) {
        super(message);
    }
}
