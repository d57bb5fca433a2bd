package org.spillway.ml;

import java.util.Set;
import org.spillway.frame.ColumnNotFoundException;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.frame.udf.VectorFunction;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;

/**
 * A numeric column as float64 with its missing values (null, and NaN) replaced by {@code fill}, or,
 * when {@code fill} is NaN, turned into null (to aggregate over the present values only).
 */
final class FillMissing implements VectorFunction {
    private final String column;
    private final double fill;

    FillMissing(String column, double fill) {
        this.column = column;
        this.fill = fill;
    }

    @Override
    public DataType resultType(Schema schema) {
        int i = schema.indexOf(column);
        if (i < 0) {
            throw new ColumnNotFoundException(column, schema.names());
        }
        DataType t = schema.type(i);
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
    public Set<String> inputColumns() {
        return Set.of(column);
    }

    @Override
    public String toString() {
        return Double.isNaN(fill) ? "nanToNull(" + column + ")" : "fill(" + column + ", " + fill + ")";
    }
}
