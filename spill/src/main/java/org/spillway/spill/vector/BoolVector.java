package org.spillway.spill.vector;

import java.lang.foreign.MemorySegment;
import org.spillway.spill.DataType;

/** Booleans, one byte per value (0 or 1): simpler and faster to filter on than bits. */
public final class BoolVector extends ColumnVector {
    private final MemorySegment data;
    private final int trueCount;

    /** Wraps segments already filled. */
    public BoolVector(int size, MemorySegment data, MemorySegment validity, int nullCount, int trueCount) {
        super(DataType.BOOL, size, validity, nullCount);
        this.data = data;
        this.trueCount = trueCount;
    }

    /** The value at row {@code i} (false when null). */
    public boolean get(int i) {
        return data.get(BYTE, i) != 0;
    }

    /** The raw data segment, one byte per row. */
    public MemorySegment data() {
        return data;
    }

    /** Number of non-null true values. */
    public int trueCount() {
        return trueCount;
    }

    @Override
    public long byteSize() {
        return data.byteSize() + (validity() == null ? 0 : validity().byteSize());
    }

    @Override
    public Object getObject(int i) {
        return isNull(i) ? null : get(i);
    }
}
