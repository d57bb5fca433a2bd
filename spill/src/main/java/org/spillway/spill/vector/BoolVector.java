package org.spillway.spill.vector;

import java.lang.foreign.MemorySegment;
import org.spillway.spill.DataType;

/** Booleans, one byte per value (0 or 1): simpler and faster to filter on than bits. */
public final class BoolVector extends FixedWidthVector {
    private final int trueCount;

    /** Wraps segments already filled. */
    public BoolVector(int size, MemorySegment data, MemorySegment validity, int nullCount, int trueCount) {
        super(DataType.BOOL, size, data, validity, nullCount);
        this.trueCount = trueCount;
    }

    /** The value at row {@code i} (false when null). */
    public boolean get(int i) {
        return data.get(BYTE, i) != 0;
    }

    /** Number of non-null true values. */
    public int trueCount() {
        return trueCount;
    }

    @Override
    public Object getObject(int i) {
        return isNull(i) ? null : get(i);
    }
}
