package org.spillway.frame.delta;

/** A concurrent transaction committed the same application transaction ({@code txn(appId, version)}) first. */
public class ConcurrentTransactionException extends ConcurrentModificationException {
    /** A conflict described by {@code message}. */
    public ConcurrentTransactionException(String message) {
        super(message);
    }
}
