package org.spillway.frame.iceberg;

import org.spillway.frame.SpillwayException;

/**
 * An Iceberg table could not be read: a missing or corrupt metadata, manifest, data or delete file, an
 * unknown format version, a feature Spillway does not read (ORC or Avro data files, nested columns). The
 * message names the table, the snapshot and the file where known.
 */
public class IcebergException extends SpillwayException {
    /** An error with a message. */
    public IcebergException(String message) {
        super(message);
    }

    /** An error with a message and its cause. */
    public IcebergException(String message, Throwable cause) {
        super(message, cause);
    }
}
