package org.spillway.ml;

import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;

/**
 * A numeric column as float64 with its missing values (null, and NaN) replaced by {@code fill}, or,
 * when {@code fill} is NaN, turned into null (to aggregate over the present values only).
 */
final class FillMissing extends OneColumnFunction {
    private final double fill;

    FillMissing(String column, double fill) {
        super(column);
        this.fill = fill;
    }

    @Override
    public DataType resultType(Schema schema) {
        DataType t = inputType(schema);
        if (t != DataType.INT32 && t != DataType.INT64 && t != DataType.FLOAT64) {
            throw new org.spillway.ml.MlException("Imputer: column '" + column + "' is " + t + ", not numeric");
        }
        return DataType.FLOAT64;
    }

    @Override
    public HeapColumn apply(Chunk chunk) {
        ColumnVector v = chunk.column(column);
        int n = v.size();
        HeapColumn out = new HeapColumn(DataType.FLOAT64, n);
        double[] d = out.doubles;
        org.spillway.ml.linear.Vectors.readDoubles(v, d, n);
        boolean nan = v instanceof DoubleVector;
        for (int i = 0; i < n; i++) {
            if (v.isNull(i) || (nan && Double.isNaN(d[i]))) {
                if (Double.isNaN(fill)) {
                    out.setNull(i);
                } else {
                    d[i] = fill;
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return Double.isNaN(fill) ? "nanToNull(" + column + ")" : "fill(" + column + ", " + fill + ")";
    }
}
