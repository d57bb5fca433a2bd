package org.spillway.frame.delta;

/** A concurrent transaction changed the table's protocol (its reader or writer features). */
public class ProtocolChangedException extends ConcurrentModificationException {
    /** A conflict described by {@code message}. */
    public ProtocolChangedException(String message) {
        super(message);
    }
}
