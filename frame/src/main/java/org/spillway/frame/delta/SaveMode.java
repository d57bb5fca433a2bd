package org.spillway.frame.delta;

/** What {@code DataFrame.writeDelta} does when the table already exists (as Spark's {@code SaveMode}). */
public enum SaveMode {
    /** Adds the rows to the table (the default); creates the table if it does not exist. */
    APPEND,
    /** Replaces the table's rows in one commit (older versions stay readable by time travel until vacuumed). */
    OVERWRITE,
    /** Fails if the table exists. */
    ERROR_IF_EXISTS,
    /** Does nothing if the table exists. */
    IGNORE
}
