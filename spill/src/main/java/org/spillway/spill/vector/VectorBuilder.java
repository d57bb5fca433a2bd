package org.spillway.spill.vector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.spillway.spill.DataType;

/**
 * Collects values on the heap, then {@link #build(Arena) builds} one exact-size off-heap vector.
 * A builder is used by one thread at a time and may be {@link #reset()} and reused, so parsers and
 * operators keep one per column per worker and allocate nothing per row.
 *
 * <p>Memory: the heap scratch grows to the largest chunk built; {@link #offHeapBytes()} is what
 * {@code build} will allocate, which the caller reserves against the budget first.
 */
public abstract sealed class VectorBuilder
        permits FixedWidthVectorBuilder, StringVectorBuilder {
    protected final DataType type;
    protected int size;
    protected int nullCount;
    private byte[] validity;

    VectorBuilder(DataType type, int capacity) {
        this.type = type;
        this.validity = new byte[Math.max(8, (capacity + 7) >>> 3)];
    }

    /** A builder for {@code type} sized for about {@code capacity} rows. */
    public static VectorBuilder forType(DataType type, int capacity) {
        return switch (type.kind()) {
            case INT32, DATE -> new IntVectorBuilder(type, capacity);
            case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> new LongVectorBuilder(type, capacity);
            case FLOAT64 -> new DoubleVectorBuilder(capacity);
            case BOOL -> new BoolVectorBuilder(capacity);
            case STRING, BINARY, DECIMAL128 -> new StringVectorBuilder(type, capacity);
        };
    }

    /** The type being built. */
    public final DataType type() {
        return type;
    }

    /** Rows appended so far. */
    public final int size() {
        return size;
    }

    /** Nulls appended so far. */
    public final int nullCount() {
        return nullCount;
    }

    /** Appends a null. */
    public final void appendNull() {
        if (nullCount == 0) {
            materializeValidity();
        } else {
            ensureValidity(size + 1);
        }
        nullCount++;
        appendNullValue();
        size++;
    }

    /** Copies row {@code row} of {@code v} (same type) to the end. */
    public abstract void appendFrom(ColumnVector v, int row);

    /**
     * Copies rows {@code [from, from + count)} of {@code v} (same type), nulls included, to the end
     * in bulk: one copy per segment where the layouts allow it.
     */
    public abstract void appendRange(ColumnVector v, int from, int count);

    /**
     * A typed gather: appends, for each {@code i} in {@code [from, to)}, row {@code rows[i]} of vector
     * {@code sources[vectors[i]]} (all of this builder's type; entries not referred to may be null),
     * nulls included. Rows that follow each other in one source are copied in bulk. This is the
     * column-at-a-time form of {@link #appendFrom} for operators that pick rows from many chunks (a
     * sort's runs and merge): one call per column and batch instead of a virtual call per value.
     */
    public abstract void gather(ColumnVector[] sources, int[] vectors, int[] rows, int from, int to);

    /**
     * A radix scatter: appends row {@code i} of {@code src} to {@code outs[part[i]]} for each
     * {@code i} in {@code [0, n)}, nulls included. It reads the source once, in order, and each
     * destination's writes are in order too, where a {@link #gather} per destination would read the
     * whole source once per destination, a row here and there (a cache miss per row once the source
     * is larger than the caches). {@code counts[p]} is the number of rows going to {@code outs[p]};
     * each destination with a count is a builder of the source's type (the others may be null).
     */
    public static void scatter(ColumnVector src, int n, int[] part, int[] counts, VectorBuilder[] outs) {
        if (!src.hasNulls()) {
            switch (src) {
                case IntVector v -> {
                    IntVectorBuilder.scatter(v, n, part, counts, outs);
                    return;
                }
                case LongVector v -> {
                    LongVectorBuilder.scatter(v, n, part, counts, outs);
                    return;
                }
                case DoubleVector v -> {
                    DoubleVectorBuilder.scatter(v, n, part, counts, outs);
                    return;
                }
                case StringVector v when !v.isDictionary() -> {
                    if (StringVectorBuilder.scatterPlain(v, n, part, counts, outs)) {
                        return;
                    }
                }
                default -> {
                }
            }
        }
        for (int i = 0; i < n; i++) {
            outs[part[i]].appendFrom(src, i); // nulls, booleans, dictionaries: row by row
        }
    }

    /** Rows from one source copied in bulk by {@link #gather} once they are at least this many in a row. */
    static final int BULK_ROWS = 16;

    /**
     * A cheap test before {@link #stretch}: whether gather index {@code i} (row {@code r} of source
     * {@code v}) may start a stretch of {@link #BULK_ROWS} rows, judged by the row that would end it.
     */
    static boolean mayStretch(int[] vectors, int[] rows, int i, int to, int v, int r) {
        int last = i + BULK_ROWS - 1;
        return last < to && rows[last] == r + BULK_ROWS - 1 && vectors[last] == v;
    }

    /** The length of the stretch of consecutive rows of one source starting at gather index {@code i}. */
    static int stretch(int[] vectors, int[] rows, int i, int to) {
        int v = vectors[i];
        int r = rows[i];
        int e = i + 1;
        while (e < to && vectors[e] == v && rows[e] == r + (e - i)) {
            e++;
        }
        return e - i;
    }

    /**
     * Appends a Java value (Integer, Long, Double, Boolean, String, LocalDate, Instant, LocalDateTime, LocalTime, byte[]) or null;
     * slow path for tests and small frames. */
    public abstract void appendObject(Object value);

    /** Off-heap bytes {@link #build} will allocate now. */
    public final long offHeapBytes() {
        return dataBytes() + (nullCount > 0 ? ColumnVector.validityBytes(size) : 0);
    }

    /** Copies the values into segments of {@code arena} and returns the vector; the builder stays as is. */
    public abstract ColumnVector build(Arena arena);

    /** Empties the builder, keeping its scratch capacity. */
    public void reset() {
        size = 0;
        nullCount = 0;
    }

    abstract long dataBytes();

    abstract void appendNullValue();

    /*
     * Validity is kept lazily: while no null was appended (nullCount == 0) every row is valid and the
     * bits are not maintained (an append costs no bit); the first null writes the bits of the rows
     * before it. With nulls, bits [0, size) are exact and the byte holding `size` has zero bits from
     * `size` on.
     */

    /** Writes the bits of rows [0, size) as valid, before the first null; makes room for one more row. */
    private void materializeValidity() {
        ensureValidityCapacity(size + 1);
        Arrays.fill(validity, 0, size >>> 3, (byte) -1);
        validity[size >>> 3] = (byte) ((1 << (size & 7)) - 1);
    }

    final void markValid() {
        if (nullCount > 0) {
            ensureValidity(size + 1);
            validity[size >>> 3] |= (byte) (1 << (size & 7));
        }
    }

    /**
     * Sets the validity of the {@code n} rows about to be appended at {@code size} from rows
     * {@code [from, from + n)} of {@code v}, counting its nulls; does not change {@code size}.
     */
    final void copyValidity(ColumnVector v, int from, int n) {
        if (!v.hasNulls()) {
            markValidRange(n);
            return;
        }
        if (nullCount == 0) {
            materializeValidity();
        }
        ensureValidityCapacity(size + n);
        for (int k = 0; k < n; k++) {
            setValidity(size + k, !v.isNull(from + k));
        }
    }

    /**
     * Sets the validity of the rows about to be appended at {@code size} by a {@link #gather} of
     * {@code [from, to)}; does not change {@code size}. Returns true if any source may hold nulls
     * (then each row was checked).
     */
    final boolean gatherValidity(ColumnVector[] sources, int[] vectors, int[] rows, int from, int to) {
        boolean nulls = false;
        for (ColumnVector s : sources) {
            if (s != null && s.hasNulls()) {
                nulls = true;
                break;
            }
        }
        int n = to - from;
        if (!nulls) {
            markValidRange(n);
            return false;
        }
        if (nullCount == 0) {
            materializeValidity();
        }
        ensureValidityCapacity(size + n);
        for (int i = from; i < to; i++) {
            setValidity(size + i - from, !sources[vectors[i]].isNull(rows[i]));
        }
        return true;
    }

    /** Marks rows {@code [size, size + n)} valid; does not change {@code size}. */
    final void markValidRange(int n) {
        if (nullCount == 0) {
            return; // no bits kept yet
        }
        int end = size + n;
        ensureValidityCapacity(end);
        int p = size;
        // the byte holding `size` has zero bits from `size` on (see ensureValidity); later bytes may
        // hold bits from before a reset, so they are overwritten whole
        while (p < end && (p & 7) != 0) {
            validity[p >>> 3] |= (byte) (1 << (p & 7));
            p++;
        }
        int fullEnd = end & ~7;
        if (p < fullEnd) {
            Arrays.fill(validity, p >>> 3, fullEnd >>> 3, (byte) -1);
            p = fullEnd;
        }
        if (p < end) {
            validity[p >>> 3] = (byte) ((1 << (end - p)) - 1);
        }
    }

    /** Sets the validity bit of row {@code p}, rows being set in increasing order from {@code size}; counts nulls. */
    private void setValidity(int p, boolean valid) {
        if ((p & 7) == 0) {
            validity[p >>> 3] = 0;
        }
        if (valid) {
            validity[p >>> 3] |= (byte) (1 << (p & 7));
        } else {
            nullCount++;
        }
    }

    private void ensureValidityCapacity(int rows) {
        int need = (rows + 7) >>> 3;
        if (need > validity.length) {
            validity = Arrays.copyOf(validity, Math.max(need, validity.length * 2));
        }
    }

    private void ensureValidity(int rows) {
        ensureValidityCapacity(rows);
        // a fresh byte must start all-invalid: it may hold bits from before a reset
        if ((size & 7) == 0) {
            validity[size >>> 3] = 0;
        }
    }

    /** Whether row {@code i} (below {@code size}) is valid, read from the bits this builder keeps: for a once-per-build scan. */
    final boolean validAt(int i) {
        return nullCount == 0 || (validity[i >>> 3] & (1 << (i & 7))) != 0;
    }

    final MemorySegment buildValidity(Arena arena) {
        if (nullCount == 0) {
            return null;
        }
        int n = (size + 7) >>> 3;
        MemorySegment seg = arena.allocate(n, 8);
        MemorySegment.copy(validity, 0, seg, ColumnVector.BYTE, 0, n);
        return seg;
    }
}
