package org.spillway.frame.io;

/**
 * A Parquet file cannot be read (not Parquet, truncated, corrupt, an unsupported codec or type) or
 * a set of files cannot be read together (conflicting schemas). The message names the file and,
 * where known, the row group and column.
 */
public class ParquetFormatException extends RuntimeException {
    /** An error with its full message. */
    public ParquetFormatException(String message) {
        super(message);
    }

    /** An error with its full message and cause. */
    public ParquetFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
