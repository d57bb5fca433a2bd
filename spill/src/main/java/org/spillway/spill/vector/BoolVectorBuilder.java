package org.spillway.spill.vector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.spillway.spill.DataType;

/** Builds a {@link BoolVector}. */
public final class BoolVectorBuilder extends FixedWidthVectorBuilder {
    private byte[] values;
    private int trueCount;

    BoolVectorBuilder(int capacity) {
        super(DataType.BOOL, capacity, 1);
        values = new byte[Math.max(16, capacity)];
    }

    /** Appends a non-null value. */
    public void append(boolean v) {
        if (size == values.length) {
            resize(size * 2);
        }
        markValid();
        values[size++] = (byte) (v ? 1 : 0);
        if (v) {
            trueCount++;
        }
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
            append(((BoolVector) v).get(row));
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
        BoolVector b = (BoolVector) v;
        for (int k = 0; k < count; k++) {
            put(size + k, b, from + k);
        }
    }

    @Override
    void gatherValues(ColumnVector[] sources, int[] vectors, int[] rows, int from, int to) {
        for (int i = from; i < to; i++) {
            put(size + i - from, (BoolVector) sources[vectors[i]], rows[i]);
        }
    }

    /** Stores row {@code row} of {@code b} at {@code at}: false when null, as {@link BoolVector#get} promises. */
    private void put(int at, BoolVector b, int row) {
        boolean v = !b.isNull(row) && b.get(row);
        values[at] = (byte) (v ? 1 : 0);
        if (v) {
            trueCount++;
        }
    }

    @Override
    public void appendObject(Object value) {
        switch (value) {
            case null -> appendNull();
            case Boolean b -> append(b);
            default -> throw new IllegalArgumentException("Cannot append " + value.getClass().getSimpleName() + " to bool");
        }
    }

    @Override
    public void reset() {
        super.reset();
        trueCount = 0;
    }

    @Override
    public BoolVector build(Arena arena) {
        MemorySegment data = allocateData(arena);
        MemorySegment.copy(values, 0, data, ColumnVector.BYTE, 0, size);
        return new BoolVector(size, data, buildValidity(arena), nullCount, trueCount);
    }
}
