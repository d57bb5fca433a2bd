package org.spillway.frame.delta;

/** A concurrent transaction changed the table's metadata (schema, partitioning or properties). */
public class MetadataChangedException extends ConcurrentModificationException {
    /** A conflict described by {@code message}. */
    public MetadataChangedException(String message) {
        super(message);
    }
}
