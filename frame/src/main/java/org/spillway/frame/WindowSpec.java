package org.spillway.frame;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;

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
 *
 * <p>With {@link #rangeBetween(long, long)} (numeric order keys) or {@link #rangeBetween(Duration, Duration)} (date and
 * timestamp order keys) the frame holds the rows whose order key lies within the offsets of the current row's, as SQL's
 * {@code RANGE BETWEEN}: {@code rangeBetween(-7, 0)} over {@code orderBy("day")} is every row whose day is from seven
 * before the current one to the current one, peers included. An offset range needs exactly one order key; the offsets
 * go in the order's direction (over a descending order, {@code -7} PRECEDING means values up to seven larger). Rows with
 * a null (or NaN) order key are their own peer group: their frame is that group (extended to the partition's edge on
 * an unbounded side), and the frames of the other rows never reach them through an offset (only through an unbounded
 * side), as in DuckDB and PostgreSQL. {@code rangeBetween(Window.unboundedPreceding, Window.currentRow)} (the default
 * of an ordered window) and other frames made only of unbounded and current-row bounds work on any order keys.
 */
public final class WindowSpec {
    private final List<String> partitionKeys;
    private final List<SortOrder> orderKeys;
    /** The kind of frame: none given, rows, or a range of order-key values. */
    public enum FrameType {
        /** No frame given: the default (see {@link WindowSpec}). */
        DEFAULT,
        /** {@link #rowsBetween}: offsets in rows. */
        ROWS,
        /** {@link #rangeBetween(long, long)}: offsets in order-key values. */
        RANGE,
        /** {@link #rangeBetween(Duration, Duration)}: offsets in microseconds of a date or timestamp order key. */
        RANGE_INTERVAL
    }

    private final FrameType frame;
    private final long start;
    private final long end;

    WindowSpec(List<String> partitionKeys, List<SortOrder> orderKeys, boolean rowsFrame, long start, long end) {
        this(partitionKeys, orderKeys, rowsFrame ? FrameType.ROWS : FrameType.DEFAULT, start, end);
    }

    private WindowSpec(List<String> partitionKeys, List<SortOrder> orderKeys, FrameType frame, long start, long end) {
        this.partitionKeys = List.copyOf(partitionKeys);
        this.orderKeys = List.copyOf(orderKeys);
        for (SortOrder o : this.orderKeys) {
            if (!(o.expr() instanceof Expr.ColumnRef)) {
                throw new SpillwayException("Window orderBy(" + o + "): order keys must be columns; compute the expression"
                        + " with withColumn(...) first and order by that column");
            }
        }
        this.frame = frame;
        this.start = start;
        this.end = end;
        if (frame != FrameType.DEFAULT && (start == Window.unboundedFollowing || end == Window.unboundedPreceding || start > end)) {
            throw new SpillwayException((frame == FrameType.ROWS ? "rowsBetween(" : "rangeBetween(") + bound(start) + ", "
                    + bound(end) + "): the frame must start at or before its end, not start at UNBOUNDED FOLLOWING nor end at"
                    + " UNBOUNDED PRECEDING");
        }
    }

    /** This spec partitioned by the columns {@code columns} (replacing earlier partition keys). */
    public WindowSpec partitionBy(String... columns) {
        for (String c : columns) {
            Objects.requireNonNull(c, "partition column is null");
        }
        return new WindowSpec(List.of(columns), orderKeys, frame, start, end);
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
        return new WindowSpec(names, orderKeys, frame, start, end);
    }

    /** This spec ordered by the columns {@code columns}, ascending with nulls last (replacing earlier order keys). */
    public WindowSpec orderBy(String... columns) {
        return orderBy(java.util.Arrays.stream(columns).map(Functions::asc).toArray(SortOrder[]::new));
    }

    /** This spec ordered by {@code orders} ({@code asc("ts")}, {@code desc("v").nullsFirst()}), over columns. */
    public WindowSpec orderBy(SortOrder... orders) {
        return new WindowSpec(partitionKeys, List.of(orders), frame, start, end);
    }

    /**
     * This spec with the frame of rows from {@code start} to {@code end}, relative to the current row: negative is
     * before, {@code 0} ({@link Window#currentRow}) the row itself, {@link Window#unboundedPreceding} the partition's
     * first row, {@link Window#unboundedFollowing} its last.
     */
    public WindowSpec rowsBetween(long start, long end) {
        return new WindowSpec(partitionKeys, orderKeys, FrameType.ROWS, start, end);
    }

    /**
     * This spec with the frame of the rows whose order key is from the current row's plus {@code start} to the current
     * row's plus {@code end} (SQL's {@code RANGE BETWEEN}), in the order's direction: {@code rangeBetween(-10, 0)} is
     * {@code RANGE BETWEEN 10 PRECEDING AND CURRENT ROW}. Bounds are offsets, {@link Window#unboundedPreceding},
     * {@link Window#currentRow} (the current row and its peers) or {@link Window#unboundedFollowing}. Offsets need
     * exactly one numeric order key (int32, int64, float64 or decimal, whose offsets are in its units); frames of
     * unbounded and current-row bounds only take any order keys. See {@link WindowSpec} for null order keys.
     */
    public WindowSpec rangeBetween(long start, long end) {
        return new WindowSpec(partitionKeys, orderKeys, FrameType.RANGE, start, end);
    }

    /**
     * This spec with the frame of the rows whose date or timestamp order key is from the current row's plus
     * {@code start} to the current row's plus {@code end}, as SQL's {@code RANGE BETWEEN INTERVAL 7 DAYS PRECEDING AND
     * CURRENT ROW} ({@code rangeBetween(Duration.ofDays(-7), Duration.ZERO)}); in the order's direction, to the
     * microsecond (finer parts are dropped). A date is its midnight (UTC) for the comparison. For an unbounded side
     * give {@link Window#unboundedPrecedingInterval} or {@link Window#unboundedFollowingInterval}. Needs exactly one
     * order key, of type date, timestamp or timestamp_ntz.
     */
    public WindowSpec rangeBetween(Duration start, Duration end) {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        return new WindowSpec(partitionKeys, orderKeys, FrameType.RANGE_INTERVAL, micros(start, true), micros(end, false));
    }

    /** {@code d} in microseconds, unbounded for the interval constants or beyond the range of a long. */
    private static long micros(Duration d, boolean start) {
        if (d.equals(Window.unboundedPrecedingInterval)) {
            return Window.unboundedPreceding;
        }
        if (d.equals(Window.unboundedFollowingInterval)) {
            return Window.unboundedFollowing;
        }
        try {
            return Math.addExact(Math.multiplyExact(d.getSeconds(), 1_000_000L), d.getNano() / 1000);
        } catch (ArithmeticException e) {
            return d.isNegative() ? Window.unboundedPreceding : Window.unboundedFollowing;
        }
    }

    /** True if the frame is a range with a finite offset other than the current row's (those need one typed order key). */
    public boolean hasRangeOffsets() {
        return (frame == FrameType.RANGE || frame == FrameType.RANGE_INTERVAL) && (finite(start) || finite(end));
    }

    private static boolean finite(long b) {
        return b != 0 && b != Window.unboundedPreceding && b != Window.unboundedFollowing;
    }

    /**
     * Checks the frame against the input {@code schema}: an offset range needs exactly one order key, numeric for
     * {@link #rangeBetween(long, long)}, date or timestamp for {@link #rangeBetween(Duration, Duration)}.
     *
     * @throws SpillwayException naming the frame and the order key otherwise
     */
    public void checkFrame(Schema schema) {
        if (!hasRangeOffsets()) {
            return;
        }
        if (orderKeys.size() != 1) {
            throw new SpillwayException(frameText() + " needs exactly one order key (the offsets are in its values), but the"
                    + " window is ordered by " + (orderKeys.isEmpty() ? "nothing" : orderKeys) + "; use orderBy(one column),"
                    + " or rowsBetween for offsets in rows");
        }
        DataType t = orderKeys.getFirst().expr().type(schema);
        boolean temporal = t.kind() == DataType.Kind.DATE || t.kind() == DataType.Kind.TIMESTAMP
                || t.kind() == DataType.Kind.TIMESTAMP_NTZ;
        boolean numeric = t.kind() == DataType.Kind.INT32 || t.kind() == DataType.Kind.INT64
                || t.kind() == DataType.Kind.FLOAT64 || t.kind() == DataType.Kind.DECIMAL;
        if (frame == FrameType.RANGE && !numeric) {
            throw new SpillwayException(frameText() + ": the order key " + orderKeys.getFirst().expr() + " is " + t + "; offsets"
                    + " in numbers need a numeric order key" + (temporal ? " (for a date or timestamp give Durations:"
                    + " rangeBetween(Duration.ofDays(-7), Duration.ZERO))" : ""));
        }
        if (frame == FrameType.RANGE_INTERVAL && !temporal) {
            throw new SpillwayException(frameText() + ": the order key " + orderKeys.getFirst().expr() + " is " + t + "; Duration"
                    + " offsets need a date, timestamp or timestamp_ntz order key" + (numeric ? " (for numbers give"
                    + " rangeBetween(long, long))" : ""));
        }
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
        return frame == FrameType.ROWS;
    }

    /** True if {@link #rangeBetween(long, long)} or {@link #rangeBetween(Duration, Duration)} set the frame. */
    public boolean hasRangeFrame() {
        return frame == FrameType.RANGE || frame == FrameType.RANGE_INTERVAL;
    }

    /** The kind of frame. */
    public FrameType frameType() {
        return frame;
    }

    /**
     * The frame's start (with a frame given): rows, order-key units, or microseconds for {@link FrameType#RANGE_INTERVAL};
     * {@link Window#unboundedPreceding} for an unbounded start.
     */
    public long frameStart() {
        return start;
    }

    /** The frame's end (with a frame given), as {@link #frameStart()}. */
    public long frameEnd() {
        return end;
    }

    /** The partition and order of this spec without its frame: window functions with equal keys share one sort. */
    public String sortKey() {
        return "PARTITION BY " + partitionKeys + " ORDER BY " + orderKeys;
    }

    private String bound(long b) {
        if (b == Window.unboundedPreceding) {
            return "UNBOUNDED PRECEDING";
        }
        if (b == Window.unboundedFollowing) {
            return "UNBOUNDED FOLLOWING";
        }
        if (b == 0) {
            return "CURRENT ROW";
        }
        String size = frame == FrameType.RANGE_INTERVAL ? "INTERVAL " + interval(Math.abs(b)) : Long.toString(Math.abs(b));
        return size + (b < 0 ? " PRECEDING" : " FOLLOWING");
    }

    /** Microseconds as an interval text: whole days, else whole seconds, else microseconds. */
    private static String interval(long micros) {
        long day = 86_400_000_000L;
        if (micros % day == 0) {
            return micros / day + " DAYS";
        }
        if (micros % 1_000_000L == 0) {
            return micros / 1_000_000L + " SECONDS";
        }
        return micros + " MICROSECONDS";
    }

    /** The frame clause: {@code ROWS BETWEEN ...} or {@code RANGE BETWEEN ...} (empty without a frame). */
    public String frameText() {
        if (frame == FrameType.DEFAULT) {
            return "";
        }
        return (frame == FrameType.ROWS ? "ROWS" : "RANGE") + " BETWEEN " + bound(start) + " AND " + bound(end);
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
        if (frame != FrameType.DEFAULT) {
            sb.append(sb.isEmpty() ? "" : " ").append(frameText());
        }
        return sb.toString();
    }
}
