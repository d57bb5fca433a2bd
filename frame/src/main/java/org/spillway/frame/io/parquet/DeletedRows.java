package org.spillway.frame.io.parquet;

/**
 * The rows of one data file that a table format has deleted without rewriting the file (Delta's
 * deletion vectors, Iceberg's position deletes): by row index within the file, from 0. A scan leaves
 * them out of its chunks and does not answer {@code count()} from the footers.
 */
public interface DeletedRows {
    /** How many rows are deleted. */
    long cardinality();

    /**
     * Writes into {@code keep} the offsets {@code i} in {@code [0, n)} whose rows {@code start + i} are
     * not deleted, in order, and returns how many there are.
     */
    int keep(long start, int n, int[] keep);
}
