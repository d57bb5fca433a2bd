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
        permits IntVectorBuilder, LongVectorBuilder, DoubleVectorBuilder, BoolVectorBuilder, StringVectorBuilder {
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
        return switch (type) {
            case INT32, DATE -> new IntVectorBuilder(type, capacity);
            case INT64, TIMESTAMP -> new LongVectorBuilder(type, capacity);
            case FLOAT64 -> new DoubleVectorBuilder(capacity);
            case BOOL -> new BoolVectorBuilder(capacity);
            case STRING -> new StringVectorBuilder(capacity);
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
        ensureValidity(size + 1);
        nullCount++;
        appendNullValue();
        size++;
    }

    /** Copies row {@code row} of {@code v} (same type) to the end. */
    public abstract void appendFrom(ColumnVector v, int row);

    /** Appends a Java value (Integer, Long, Double, Boolean, String, LocalDate, Instant) or null; slow path for tests and small frames. */
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

    final void markValid() {
        ensureValidity(size + 1);
        validity[size >>> 3] |= (byte) (1 << (size & 7));
    }

    private void ensureValidity(int rows) {
        int need = (rows + 7) >>> 3;
        if (need > validity.length) {
            validity = Arrays.copyOf(validity, Math.max(need, validity.length * 2));
        }
        // a fresh byte must start all-invalid: it may hold bits from before a reset
        if ((size & 7) == 0) {
            validity[size >>> 3] = 0;
        }
    }

    final byte[] validityBytes() {
        return validity;
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
