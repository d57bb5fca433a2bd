package org.spillway.frame;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a window function looks: the rows of its partition (rows with equal {@link #partitionKeys()}), in the order
 * of {@link #orderKeys()}, within a frame of rows around the current one. Built with {@link Window} (Spark's API):
 * {@code Window.partitionBy("user").orderBy(asc("ts")).rowsBetween(-6, Window.currentRow)}; used by
 * {@link WindowFunction#over} and {@link AggregateExpr#over}.
 *
 * <p>The frame of an aggregate: with {@link #rowsBetween} the rows from {@code start} to {@code end} relative to the
 * current row ({@link Window#unboundedPreceding}, {@link Window#unboundedFollowing}, {@link Window#currentRow} or an
 * offset: {@code -6} is six rows before). Without it, as in Spark and SQL: with an order, every row from the
 * partition's first to the current row's last peer (rows with equal order keys share the value: {@code RANGE BETWEEN
 * UNBOUNDED PRECEDING AND CURRENT ROW}); without an order, the whole partition. Ranking and offset functions ignore
 * the frame. Partition and order keys are columns (compute an expression with {@code withColumn} first); a null key
 * equals another null key.
 */
public final class WindowSpec {
    private final List<String> partitionKeys;
    private final List<SortOrder> orderKeys;
    private final boolean rowsFrame;
    private final long start;
    private final long end;

    WindowSpec(List<String> partitionKeys, List<SortOrder> orderKeys, boolean rowsFrame, long start, long end) {
        this.partitionKeys = List.copyOf(partitionKeys);
        this.orderKeys = List.copyOf(orderKeys);
        for (SortOrder o : this.orderKeys) {
            if (!(o.expr() instanceof Expr.ColumnRef)) {
                throw new SpillwayException("Window orderBy(" + o + "): order keys must be columns; compute the expression"
                        + " with withColumn(...) first and order by that column");
            }
        }
        this.rowsFrame = rowsFrame;
        this.start = start;
        this.end = end;
        if (rowsFrame && (start == Window.unboundedFollowing || end == Window.unboundedPreceding || start > end)) {
            throw new SpillwayException("rowsBetween(" + bound(start) + ", " + bound(end) + "): the frame must start at or"
                    + " before its end, not start at UNBOUNDED FOLLOWING nor end at UNBOUNDED PRECEDING");
        }
    }

    /** This spec partitioned by the columns {@code columns} (replacing earlier partition keys). */
    public WindowSpec partitionBy(String... columns) {
        for (String c : columns) {
            Objects.requireNonNull(c, "partition column is null");
        }
        return new WindowSpec(List.of(columns), orderKeys, rowsFrame, start, end);
    }

    /** This spec partitioned by column expressions ({@code col("a")}; other expressions are an error). */
    public WindowSpec partitionBy(Expr... columns) {
        List<String> names = new ArrayList<>();
        for (Expr e : columns) {
            if (!(e instanceof Expr.ColumnRef c)) {
                throw new SpillwayException("Window partitionBy(" + e + "): partition keys must be columns; compute the"
                        + " expression with withColumn(...) first and partition by that column");
            }
            names.add(c.column());
        }
        return new WindowSpec(names, orderKeys, rowsFrame, start, end);
    }

    /** This spec ordered by the columns {@code columns}, ascending with nulls last (replacing earlier order keys). */
    public WindowSpec orderBy(String... columns) {
        return orderBy(java.util.Arrays.stream(columns).map(Functions::asc).toArray(SortOrder[]::new));
    }

    /** This spec ordered by {@code orders} ({@code asc("ts")}, {@code desc("v").nullsFirst()}), over columns. */
    public WindowSpec orderBy(SortOrder... orders) {
        return new WindowSpec(partitionKeys, List.of(orders), rowsFrame, start, end);
    }

    /**
     * This spec with the frame of rows from {@code start} to {@code end}, relative to the current row: negative is
     * before, {@code 0} ({@link Window#currentRow}) the row itself, {@link Window#unboundedPreceding} the partition's
     * first row, {@link Window#unboundedFollowing} its last.
     */
    public WindowSpec rowsBetween(long start, long end) {
        return new WindowSpec(partitionKeys, orderKeys, true, start, end);
    }

    /** The partition columns. */
    public List<String> partitionKeys() {
        return partitionKeys;
    }

    /** The order within a partition (empty: none). */
    public List<SortOrder> orderKeys() {
        return orderKeys;
    }

    /** True if {@link #rowsBetween} set the frame. */
    public boolean hasRowsFrame() {
        return rowsFrame;
    }

    /** The frame's start ({@link #hasRowsFrame()} only). */
    public long frameStart() {
        return start;
    }

    /** The frame's end ({@link #hasRowsFrame()} only). */
    public long frameEnd() {
        return end;
    }

    /** The partition and order of this spec without its frame: window functions with equal keys share one sort. */
    public String sortKey() {
        return "PARTITION BY " + partitionKeys + " ORDER BY " + orderKeys;
    }

    private static String bound(long b) {
        return b == Window.unboundedPreceding ? "UNBOUNDED PRECEDING" : b == Window.unboundedFollowing ? "UNBOUNDED FOLLOWING"
                : b == 0 ? "CURRENT ROW" : b < 0 ? -b + " PRECEDING" : b + " FOLLOWING";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowSpec w && toString().equals(w.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (!partitionKeys.isEmpty()) {
            sb.append("PARTITION BY ").append(String.join(", ", partitionKeys));
        }
        if (!orderKeys.isEmpty()) {
            sb.append(sb.isEmpty() ? "" : " ").append("ORDER BY ");
            for (int i = 0; i < orderKeys.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(orderKeys.get(i));
            }
        }
        if (rowsFrame) {
            sb.append(sb.isEmpty() ? "" : " ").append("ROWS BETWEEN ").append(bound(start)).append(" AND ").append(bound(end));
        }
        return sb.toString();
    }
}
