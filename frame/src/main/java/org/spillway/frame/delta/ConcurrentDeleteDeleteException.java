package org.spillway.frame.delta;

/** A concurrent transaction removed a file this transaction also removes (as Delta's exception of this name). */
public class ConcurrentDeleteDeleteException extends ConcurrentModificationException {
    /** A conflict described by {@code message}. */
    public ConcurrentDeleteDeleteException(String message) {
        super(message);
    }
}
