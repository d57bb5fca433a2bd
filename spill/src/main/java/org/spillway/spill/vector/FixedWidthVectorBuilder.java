package org.spillway.spill.vector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.spillway.spill.DataType;

/**
 * The shared part of the builders of {@link FixedWidthVector}s: growth of the typed scratch array,
 * the bulk appends' bookkeeping, the off-heap size and allocation. What touches values stays in the
 * final subclasses, typed: the per-row {@code append}, {@code appendFrom} and scatter loops, and the
 * per-batch hooks below ({@link #copyValues}, {@link #gatherValues}), so no row goes through a
 * virtual call or a boxed value; the hooks are called once per bulk append.
 */
abstract sealed class FixedWidthVectorBuilder extends VectorBuilder
        permits IntVectorBuilder, LongVectorBuilder, DoubleVectorBuilder, BoolVectorBuilder {
    private final int width;

    /** {@code width}: off-heap bytes per value. */
    FixedWidthVectorBuilder(DataType type, int capacity, int width) {
        super(type, capacity);
        this.width = width;
    }

    /** Length of the typed scratch array. */
    abstract int capacity();

    /** Replaces the scratch array by a copy of {@code newCapacity} values. */
    abstract void resize(int newCapacity);

    /**
     * Copies the values of rows {@code [from, from + count)} of {@code v} (this builder's type) to
     * scratch rows {@code [size, size + count)}, which have room; validity and {@code size} are the caller's.
     */
    abstract void copyValues(ColumnVector v, int from, int count);

    /**
     * The values of {@link #gather}: row {@code rows[i]} of {@code sources[vectors[i]]} to scratch
     * row {@code size + i - from}, which has room; validity and {@code size} are the caller's.
     */
    abstract void gatherValues(ColumnVector[] sources, int[] vectors, int[] rows, int from, int to);

    /** Makes room for {@code rows} values, at least doubling so appends stay amortized O(1). */
    final void ensureCapacity(int rows) {
        int cap = capacity();
        if (rows > cap) {
            resize(Math.max(rows, cap * 2));
        }
    }

    @Override
    public final void appendRange(ColumnVector v, int from, int count) {
        ensureCapacity(size + count);
        copyValidity(v, from, count);
        copyValues(v, from, count);
        size += count;
    }

    @Override
    public final void gather(ColumnVector[] sources, int[] vectors, int[] rows, int from, int to) {
        int n = to - from;
        ensureCapacity(size + n);
        gatherValidity(sources, vectors, rows, from, to);
        gatherValues(sources, vectors, rows, from, to);
        size += n;
    }

    @Override
    final long dataBytes() {
        return (long) width * size;
    }

    /** The data segment for {@link #build}: {@code size} values, at least one so it is never empty, 8-byte aligned. */
    final MemorySegment allocateData(Arena arena) {
        return arena.allocate(Math.max((long) width * size, width), 8);
    }

    /**
     * Makes room in each destination of a scatter for its count of rows and marks them valid, so
     * the subclass's loop only stores values; {@code outs[p]} with {@code counts[p] > 0} are
     * builders of the source's type.
     */
    static void prepare(VectorBuilder[] outs, int[] counts) {
        for (int p = 0; p < counts.length; p++) {
            if (counts[p] > 0) {
                FixedWidthVectorBuilder b = (FixedWidthVectorBuilder) outs[p];
                b.ensureCapacity(b.size + counts[p]);
                b.markValidRange(counts[p]);
            }
        }
    }
}
