package org.spillway.spill.vector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.spillway.spill.DataType;

/** Builds a {@link DoubleVector}. */
public final class DoubleVectorBuilder extends FixedWidthVectorBuilder {
    private double[] values;

    DoubleVectorBuilder(int capacity) {
        super(DataType.FLOAT64, capacity, 8);
        values = new double[Math.max(16, capacity)];
    }

    /** Appends a non-null value. */
    public void append(double v) {
        if (size == values.length) {
            resize(size * 2);
        }
        markValid();
        values[size++] = v;
    }

    @Override
    void appendNullValue() {
        if (size == values.length) {
            resize(size * 2);
        }
        values[size] = 0;
    }

    @Override
    public void appendFrom(ColumnVector v, int row) {
        if (v.isNull(row)) {
            appendNull();
        } else {
            append(((DoubleVector) v).get(row));
        }
    }

    @Override
    int capacity() {
        return values.length;
    }

    @Override
    void resize(int newCapacity) {
        values = Arrays.copyOf(values, newCapacity);
    }

    @Override
    void copyValues(ColumnVector v, int from, int count) {
        MemorySegment.copy(((DoubleVector) v).data(), ValueLayout.JAVA_DOUBLE, 8L * from, values, size, count);
    }

    @Override
    void gatherValues(ColumnVector[] sources, int[] vectors, int[] rows, int from, int to) {
        double[] out = values;
        int o = size;
        for (int i = from; i < to; ) {
            int r = rows[i];
            int vi = vectors[i];
            DoubleVector v = (DoubleVector) sources[vi];
            if (mayStretch(vectors, rows, i, to, vi, r)) {
                int len = stretch(vectors, rows, i, to);
                if (len >= BULK_ROWS) {
                    MemorySegment.copy(v.data(), ValueLayout.JAVA_DOUBLE, 8L * r, out, o, len);
                    o += len;
                    i += len;
                    continue;
                }
            }
            out[o++] = v.get(r);
            i++;
        }
    }

    @Override
    public void appendObject(Object value) {
        switch (value) {
            case null -> appendNull();
            case Number n -> append(n.doubleValue());
            default -> throw new IllegalArgumentException("Cannot append " + value.getClass().getSimpleName() + " to float64");
        }
    }

    @Override
    public DoubleVector build(Arena arena) {
        MemorySegment data = allocateData(arena);
        MemorySegment.copy(values, 0, data, ValueLayout.JAVA_DOUBLE, 0, size);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < size; i++) {
            double x = values[i];
            if (x == x && validAt(i)) {
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
        }
        return new DoubleVector(size, data, buildValidity(arena), nullCount, min, max);
    }

    /**
     * {@link VectorBuilder#scatter}'s loop for a source without nulls: {@code src}'s row {@code i}
     * to {@code outs[part[i]]}, each a builder of this type.
     */
    static void scatter(DoubleVector src, int n, int[] part, int[] counts, VectorBuilder[] outs) {
        prepare(outs, counts);
        for (int i = 0; i < n; i++) {
            DoubleVectorBuilder b = (DoubleVectorBuilder) outs[part[i]];
            b.values[b.size++] = src.get(i);
        }
    }

    /**
     * Appends the double with the bits {@code src[off + i * stride]} to {@code outs[part[i]]} for
     * each {@code i} in {@code [0, n)}: a radix scatter of one state of per-row state arrays (see
     * {@link VectorBuilder#scatter}); {@code counts[p]} rows go to {@code outs[p]}, each a builder
     * of this type.
     */
    public static void scatterBits(long[] src, int off, int stride, int n, int[] part, int[] counts, VectorBuilder[] outs) {
        prepare(outs, counts);
        for (int i = 0, s = off; i < n; i++, s += stride) {
            DoubleVectorBuilder b = (DoubleVectorBuilder) outs[part[i]];
            b.values[b.size++] = Double.longBitsToDouble(src[s]);
        }
    }
}
