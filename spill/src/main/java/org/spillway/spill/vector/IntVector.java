package org.spillway.spill.vector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.LocalDate;
import org.spillway.spill.DataType;

/** int32 values ({@link DataType#INT32}, or {@link DataType#DATE} as days since the epoch). */
public final class IntVector extends FixedWidthVector {
    private static final ValueLayout.OfInt LAYOUT = ValueLayout.JAVA_INT;
    private final int min;
    private final int max;

    /** Wraps segments already filled; {@code min}/{@code max} are over the non-null values. */
    public IntVector(DataType type, int size, MemorySegment data, MemorySegment validity, int nullCount, int min, int max) {
        super(type, size, data, validity, nullCount);
        if (type != DataType.INT32 && type != DataType.DATE) {
            throw new IllegalArgumentException("IntVector cannot hold " + type);
        }
        this.min = min;
        this.max = max;
    }

    /** The value at row {@code i} (unspecified when null). */
    public int get(int i) {
        return data.getAtIndex(LAYOUT, i);
    }

    /** Smallest non-null value (Integer.MAX_VALUE when all null). */
    public int min() {
        return min;
    }

    /** Largest non-null value (Integer.MIN_VALUE when all null). */
    public int max() {
        return max;
    }

    @Override
    public Object getObject(int i) {
        if (isNull(i)) {
            return null;
        }
        return type() == DataType.DATE ? LocalDate.ofEpochDay(get(i)) : (Object) get(i);
    }
}
