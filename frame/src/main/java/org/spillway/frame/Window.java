package org.spillway.frame;

import java.time.Duration;
import java.util.List;

/**
 * Builds {@link WindowSpec}s, as Spark's {@code Window}: {@code Window.partitionBy("user").orderBy(asc("ts"))}. Window
 * functions ({@link Functions#rowNumber()}, {@link Functions#lag}, {@code sum("x").over(w)}, ...) take a spec with
 * {@code over(w)} and give an expression for {@code withColumn} and {@code select}.
 *
 * <p>How they run: the frame is sorted by (partition keys, order keys) with the external sort (so it works beyond
 * memory), then the sorted rows are streamed once and each window function adds a column. The result's rows come in
 * that sorted order; as in Spark and DuckDB, no row order is promised: sort the result if the order matters.
 */
public final class Window {
    /** A frame bound: the partition's first row ({@link WindowSpec#rowsBetween}). */
    public static final long unboundedPreceding = Long.MIN_VALUE;
    /** A frame bound: the partition's last row. */
    public static final long unboundedFollowing = Long.MAX_VALUE;
    /** A frame bound: the current row (in a range frame, the current row and its peers). */
    public static final long currentRow = 0;
    /** An interval frame bound ({@link WindowSpec#rangeBetween(Duration, Duration)}): the partition's first row. */
    public static final Duration unboundedPrecedingInterval = Duration.ofSeconds(Long.MIN_VALUE);
    /** An interval frame bound: the partition's last row. */
    public static final Duration unboundedFollowingInterval = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

    private Window() {
    }

    /** A spec with no partition keys: the whole frame is one partition (Spark's {@code Window.partitionBy()}). */
    public static WindowSpec partitionBy() {
        return empty();
    }

    /** A spec partitioned by the columns {@code columns} (none: the whole frame is one partition). */
    public static WindowSpec partitionBy(String... columns) {
        return empty().partitionBy(columns);
    }

    /** A spec partitioned by columns given as {@code col("a")}. */
    public static WindowSpec partitionBy(Expr... columns) {
        return empty().partitionBy(columns);
    }

    /** A spec over the whole frame, ordered by the columns {@code columns} (ascending, nulls last). */
    public static WindowSpec orderBy(String... columns) {
        return empty().orderBy(columns);
    }

    /** A spec over the whole frame, ordered by {@code orders}. */
    public static WindowSpec orderBy(SortOrder... orders) {
        return empty().orderBy(orders);
    }

    /** A spec over the whole frame with the frame of rows {@code start} to {@code end} (see {@link WindowSpec#rowsBetween}). */
    public static WindowSpec rowsBetween(long start, long end) {
        return empty().rowsBetween(start, end);
    }

    /** A spec over the whole frame with a range frame of order-key values (see {@link WindowSpec#rangeBetween(long, long)}). */
    public static WindowSpec rangeBetween(long start, long end) {
        return empty().rangeBetween(start, end);
    }

    /** A spec over the whole frame with an interval range frame (see {@link WindowSpec#rangeBetween(Duration, Duration)}). */
    public static WindowSpec rangeBetween(Duration start, Duration end) {
        return empty().rangeBetween(start, end);
    }

    private static WindowSpec empty() {
        return new WindowSpec(List.of(), List.of(), false, 0, 0);
    }
}
