package org.spillway.spill.vector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.LocalDate;
import java.util.Arrays;
import org.spillway.spill.DataType;

/** Builds an {@link IntVector} (int32 or date). */
public final class IntVectorBuilder extends FixedWidthVectorBuilder {
    private int[] values;

    IntVectorBuilder(DataType type, int capacity) {
        super(type, capacity, 4);
        values = new int[Math.max(16, capacity)];
    }

    /** Appends a non-null value. */
    public void append(int v) {
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
            append(((IntVector) v).get(row));
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
        MemorySegment.copy(((IntVector) v).data(), ValueLayout.JAVA_INT, 4L * from, values, size, count);
    }

    @Override
    void gatherValues(ColumnVector[] sources, int[] vectors, int[] rows, int from, int to) {
        int[] out = values;
        int o = size;
        for (int i = from; i < to; ) {
            int r = rows[i];
            int vi = vectors[i];
            IntVector v = (IntVector) sources[vi];
            if (mayStretch(vectors, rows, i, to, vi, r)) {
                int len = stretch(vectors, rows, i, to);
                if (len >= BULK_ROWS) {
                    MemorySegment.copy(v.data(), ValueLayout.JAVA_INT, 4L * r, out, o, len);
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
            case LocalDate d -> append(Math.toIntExact(d.toEpochDay()));
            case Number n -> append(n.intValue());
            default -> throw new IllegalArgumentException("Cannot append " + value.getClass().getSimpleName() + " to " + type);
        }
    }

    @Override
    public IntVector build(Arena arena) {
        MemorySegment data = allocateData(arena);
        MemorySegment.copy(values, 0, data, ValueLayout.JAVA_INT, 0, size);
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        if (nullCount == 0) {
            for (int i = 0; i < size; i++) {
                int x = values[i];
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
        } else {
            for (int i = 0; i < size; i++) {
                if (validAt(i)) {
                    min = Math.min(min, values[i]);
                    max = Math.max(max, values[i]);
                }
            }
        }
        return new IntVector(type, size, data, buildValidity(arena), nullCount, min, max);
    }

    /**
     * {@link VectorBuilder#scatter}'s loop for a source without nulls: {@code src}'s row {@code i}
     * to {@code outs[part[i]]}, each a builder of this type.
     */
    static void scatter(IntVector src, int n, int[] part, int[] counts, VectorBuilder[] outs) {
        prepare(outs, counts);
        for (int i = 0; i < n; i++) {
            IntVectorBuilder b = (IntVectorBuilder) outs[part[i]];
            b.values[b.size++] = src.get(i);
        }
    }
}
