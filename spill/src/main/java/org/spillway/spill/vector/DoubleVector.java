package org.spillway.spill.vector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.spillway.spill.DataType;

/** float64 values. */
public final class DoubleVector extends FixedWidthVector {
    private static final ValueLayout.OfDouble LAYOUT = ValueLayout.JAVA_DOUBLE;
    private final double min;
    private final double max;

    /** Wraps segments already filled; {@code min}/{@code max} are over the non-null, non-NaN values. */
    public DoubleVector(int size, MemorySegment data, MemorySegment validity, int nullCount, double min, double max) {
        super(DataType.FLOAT64, size, data, validity, nullCount);
        this.min = min;
        this.max = max;
    }

    /** The value at row {@code i} (unspecified when null). */
    public double get(int i) {
        return data.getAtIndex(LAYOUT, i);
    }

    /** Smallest non-null value (+Infinity when all null). */
    public double min() {
        return min;
    }

    /** Largest non-null value (-Infinity when all null). NaN values are not counted. */
    public double max() {
        return max;
    }

    @Override
    public Object getObject(int i) {
        return isNull(i) ? null : get(i);
    }
}
