package org.spillway.ml.linear;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.spillway.spill.vector.BoolVector;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;

/** Reading numeric vectors into heap arrays, the way every ML pass does. */
public final class Vectors {
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE;

    private Vectors() {
    }

    /**
     * The first {@code rows} values of a numeric vector (int32, int64, float64, bool as 0/1) as
     * doubles; a float64 vector is copied in bulk. Null rows hold an unspecified value: check
     * {@link ColumnVector#isNull} where it matters.
     */
    public static void readDoubles(ColumnVector v, double[] out, int rows) {
        readDoubles(v, 0, out, rows);
    }

    /** Rows {@code [from, from + rows)} of a numeric vector into {@code out[0..rows)}; see {@link #readDoubles(ColumnVector, double[], int)}. */
    public static void readDoubles(ColumnVector v, int from, double[] out, int rows) {
        switch (v) {
            case DoubleVector d -> MemorySegment.copy(d.data(), DOUBLE, (long) from * Double.BYTES, out, 0, rows);
            case IntVector iv -> {
                for (int i = 0; i < rows; i++) {
                    out[i] = iv.get(from + i);
                }
            }
            case LongVector lv -> {
                for (int i = 0; i < rows; i++) {
                    out[i] = lv.get(from + i);
                }
            }
            case BoolVector bv -> {
                for (int i = 0; i < rows; i++) {
                    out[i] = bv.get(from + i) ? 1 : 0;
                }
            }
            default -> throw new IllegalArgumentException("column of type " + v.type() + " is not numeric");
        }
    }
}
