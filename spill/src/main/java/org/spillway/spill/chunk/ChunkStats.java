package org.spillway.spill.chunk;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.spillway.spill.DataType;
import org.spillway.spill.vector.BoolVector;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.StringVector;

/**
 * Per-column statistics of one chunk, computed once when the chunk is stored, so that scans can
 * skip chunks (even spilled ones) whose bounds exclude a predicate. Immutable.
 *
 * <p>Bounds are of the column's storage value type: {@link Integer} for int32 and date (epoch days),
 * {@link Long} for int64, timestamp and timestamp_ntz (epoch microseconds) and time (microseconds since
 * midnight), {@link Double}, {@link Boolean}, {@link String}, and {@code byte[]} for binary. Strings and
 * binary compare by unsigned bytes (for strings: code-point order). Numeric bounds come
 * from the vectors' own min/max; float64 bounds ignore NaN, so a column of only NaN and null has
 * null bounds.
 *
 * <p>Statistics that come from a file's metadata (a Parquet row group's) may be partial: a column
 * whose statistics the file lacks, or that cannot be trusted, is {@link ColumnStats#UNKNOWN}, and
 * pruning never skips on it. Such bounds may also be looser than the values (truncated strings).
 */
public final class ChunkStats {
    private final int rows;
    private final List<ColumnStats> columns;

    /**
     * Statistics of one column.
     *
     * @param nullCount number of null rows
     * @param min smallest non-null value, or null if there is none
     * @param max largest non-null value, or null if there is none
     */
    public record ColumnStats(int nullCount, Object min, Object max) {
        /** Nothing is known about the column (null count -1, no bounds): never a reason to skip. */
        public static final ColumnStats UNKNOWN = new ColumnStats(-1, null, null);

        /** True when the column has no non-null (for float64: no non-NaN) value. */
        public boolean allNull() {
            return nullCount >= 0 && min == null;
        }

        /** False for {@link #UNKNOWN}: the null count and bounds say nothing. */
        public boolean known() {
            return nullCount >= 0;
        }
    }

    private ChunkStats(int rows, List<ColumnStats> columns) {
        this.rows = rows;
        this.columns = List.copyOf(columns);
    }

    /**
     * Statistics given by their parts (for example read from a file's metadata): {@code rows} rows
     * and one entry per column, {@link ColumnStats#UNKNOWN} where nothing is known.
     */
    public static ChunkStats of(int rows, List<ColumnStats> columns) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows < 0: " + rows);
        }
        return new ChunkStats(rows, columns);
    }

    /** Computes the statistics of every column of {@code chunk}. */
    public static ChunkStats of(Chunk chunk) {
        List<ColumnStats> cols = new ArrayList<>(chunk.columnCount());
        for (int c = 0; c < chunk.columnCount(); c++) {
            cols.add(of(chunk.column(c)));
        }
        return new ChunkStats(chunk.rows(), cols);
    }

    /** Computes the statistics of one vector. */
    public static ColumnStats of(ColumnVector v) {
        int nulls = v.nullCount();
        if (nulls == v.size()) {
            return new ColumnStats(nulls, null, null);
        }
        return switch (v) {
            case IntVector iv -> new ColumnStats(nulls, iv.min(), iv.max());
            case LongVector lv -> new ColumnStats(nulls, lv.min(), lv.max());
            case DoubleVector dv -> dv.min() > dv.max()
                    ? new ColumnStats(nulls, null, null) // only NaN
                    : new ColumnStats(nulls, dv.min(), dv.max());
            case BoolVector bv -> {
                int nonNull = bv.size() - nulls;
                yield new ColumnStats(nulls, bv.trueCount() == nonNull, bv.trueCount() > 0);
            }
            case StringVector sv -> stringStats(sv);
        };
    }

    private static ColumnStats stringStats(StringVector sv) {
        MemorySegment bytes = sv.bytes();
        int minStart = -1;
        int minLen = 0;
        int maxStart = -1;
        int maxLen = 0;
        if (sv.isDictionary()) {
            // Only the entries some non-null row uses: a dictionary may hold more (e.g. the empty
            // string the builder interns for nulls, or entries of rows filtered away).
            boolean[] used = new boolean[sv.dictionarySize()];
            for (int i = 0; i < sv.size(); i++) {
                if (!sv.isNull(i)) {
                    used[sv.code(i)] = true;
                }
            }
            for (int e = 0; e < used.length; e++) {
                if (!used[e]) {
                    continue;
                }
                int s = sv.entryStart(e);
                int l = sv.entryLength(e);
                if (minStart < 0 || compare(bytes, s, l, minStart, minLen) < 0) {
                    minStart = s;
                    minLen = l;
                }
                if (maxStart < 0 || compare(bytes, s, l, maxStart, maxLen) > 0) {
                    maxStart = s;
                    maxLen = l;
                }
            }
        } else {
            for (int i = 0; i < sv.size(); i++) {
                if (sv.isNull(i)) {
                    continue;
                }
                int s = sv.start(i);
                int l = sv.length(i);
                if (minStart < 0 || compare(bytes, s, l, minStart, minLen) < 0) {
                    minStart = s;
                    minLen = l;
                }
                if (maxStart < 0 || compare(bytes, s, l, maxStart, maxLen) > 0) {
                    maxStart = s;
                    maxLen = l;
                }
            }
        }
        if (minStart < 0) {
            return new ColumnStats(sv.nullCount(), null, null);
        }
        if (sv.type() != DataType.STRING) {
            return new ColumnStats(sv.nullCount(), bytes(bytes, minStart, minLen), bytes(bytes, maxStart, maxLen));
        }
        return new ColumnStats(sv.nullCount(), string(bytes, minStart, minLen), string(bytes, maxStart, maxLen));
    }

    /** Compares two byte ranges of one segment as unsigned bytes, shorter prefix first. */
    private static int compare(MemorySegment seg, long s1, int l1, long s2, int l2) {
        long mm = MemorySegment.mismatch(seg, s1, s1 + l1, seg, s2, s2 + l2);
        if (mm == -1) {
            return 0;
        }
        if (mm == l1) {
            return -1;
        }
        if (mm == l2) {
            return 1;
        }
        return Integer.compare(seg.get(ValueLayout.JAVA_BYTE, s1 + mm) & 0xff, seg.get(ValueLayout.JAVA_BYTE, s2 + mm) & 0xff);
    }

    private static String string(MemorySegment seg, long start, int len) {
        return new String(bytes(seg, start, len), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(MemorySegment seg, long start, int len) {
        byte[] b = new byte[len];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, start, b, 0, len);
        return b;
    }

    /** Number of rows of the chunk. */
    public int rows() {
        return rows;
    }

    /** Number of columns. */
    public int columnCount() {
        return columns.size();
    }

    /** The statistics of the i-th column. */
    public ColumnStats column(int i) {
        return columns.get(i);
    }

    /** The statistics of every column, in schema order. */
    public List<ColumnStats> columns() {
        return columns;
    }

    @Override
    public String toString() {
        return "ChunkStats[" + rows + " rows, " + columns + "]";
    }
}
