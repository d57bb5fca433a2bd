package org.spillway.frame.delta;

/**
 * Another writer committed first and its commit conflicts with this transaction (as Delta's
 * {@code ConcurrentModificationException}); nothing of this transaction is visible. The subclasses
 * name the kind of conflict, as Delta's do. Retrying the whole operation on the new version is safe.
 */
public class ConcurrentModificationException extends DeltaException {
    /** A conflict described by {@code message}. */
    public ConcurrentModificationException(String message) {
        super(message);
    }
}
