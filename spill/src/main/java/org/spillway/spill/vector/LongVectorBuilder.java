package org.spillway.spill.vector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.spillway.spill.DataType;

/** Builds an {@link LongVector} (int64 or timestamp). */
public final class LongVectorBuilder extends FixedWidthVectorBuilder {
    private long[] values;

    LongVectorBuilder(DataType type, int capacity) {
        super(type, capacity, 8);
        values = new long[Math.max(16, capacity)];
    }

    /** Appends a non-null value. */
    public void append(long v) {
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
            append(((LongVector) v).get(row));
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
        MemorySegment.copy(((LongVector) v).data(), ValueLayout.JAVA_LONG, 8L * from, values, size, count);
    }

    @Override
    void gatherValues(ColumnVector[] sources, int[] vectors, int[] rows, int from, int to) {
        long[] out = values;
        int o = size;
        for (int i = from; i < to; ) {
            int r = rows[i];
            int vi = vectors[i];
            LongVector v = (LongVector) sources[vi];
            if (mayStretch(vectors, rows, i, to, vi, r)) {
                int len = stretch(vectors, rows, i, to);
                if (len >= BULK_ROWS) {
                    MemorySegment.copy(v.data(), ValueLayout.JAVA_LONG, 8L * r, out, o, len);
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
            case Object o when type.kind() == DataType.Kind.DECIMAL ->
                    append(DecimalValues.unscaled(DecimalValues.toBigDecimal(o, type), type).longValueExact());
            // a timestamp_ntz column takes an Instant's UTC wall clock, a timestamp column a LocalDateTime's read as UTC
            case Instant t when type != DataType.TIME ->
                    append(Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000));
            case LocalDateTime t when type != DataType.TIME ->
                    append(Math.addExact(Math.multiplyExact(t.toEpochSecond(ZoneOffset.UTC), 1_000_000L), t.getNano() / 1000));
            case LocalTime t when type == DataType.TIME -> append(t.toNanoOfDay() / 1000);
            case Number n -> append(n.longValue());
            default -> throw new IllegalArgumentException("Cannot append " + value.getClass().getSimpleName() + " to " + type);
        }
    }

    @Override
    public LongVector build(Arena arena) {
        MemorySegment data = allocateData(arena);
        MemorySegment.copy(values, 0, data, ValueLayout.JAVA_LONG, 0, size);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        if (nullCount == 0) {
            for (int i = 0; i < size; i++) {
                long x = values[i];
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
        return new LongVector(type, size, data, buildValidity(arena), nullCount, min, max);
    }

    /**
     * {@link VectorBuilder#scatter}'s loop for a source without nulls: {@code src}'s row {@code i}
     * to {@code outs[part[i]]}, each a builder of this type.
     */
    static void scatter(LongVector src, int n, int[] part, int[] counts, VectorBuilder[] outs) {
        prepare(outs, counts);
        for (int i = 0; i < n; i++) {
            LongVectorBuilder b = (LongVectorBuilder) outs[part[i]];
            b.values[b.size++] = src.get(i);
        }
    }

    /**
     * Appends {@code src[off + i * stride]} to {@code outs[part[i]]} for each {@code i} in
     * {@code [0, n)}: a radix scatter of one long of per-row state arrays (see
     * {@link VectorBuilder#scatter}); {@code counts[p]} rows go to {@code outs[p]}, each a builder
     * of this type.
     */
    public static void scatter(long[] src, int off, int stride, int n, int[] part, int[] counts, VectorBuilder[] outs) {
        prepare(outs, counts);
        for (int i = 0, s = off; i < n; i++, s += stride) {
            LongVectorBuilder b = (LongVectorBuilder) outs[part[i]];
            b.values[b.size++] = src[s];
        }
    }
}
