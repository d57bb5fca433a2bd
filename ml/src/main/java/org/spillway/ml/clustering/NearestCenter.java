package org.spillway.ml.clustering;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.frame.udf.VectorFunction;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;

/**
 * The index of each row's nearest centre as an int32 column, chunk by chunk, with the kernel training
 * used ({@link Centers#nearest}), so a model assigns its training rows exactly as its last pass did.
 * A row with a null, NaN or infinite feature gets null. Immutable, so safe on many workers at once.
 */
public final class NearestCenter implements VectorFunction {
    private final Centers centers;
    private final List<String> columns;
    private final String model;

    /**
     * @param centers the centres
     * @param columns the feature columns, one per centre coordinate
     * @param model   the model's name, for messages and plans
     */
    public NearestCenter(double[][] centers, List<String> columns, String model) {
        this.centers = new Centers(centers);
        this.columns = List.copyOf(columns);
        this.model = model;
        if (this.centers.dims() != columns.size()) {
            throw new IllegalArgumentException(columns.size() + " columns for centres of " + this.centers.dims() + " values");
        }
    }

    @Override
    public DataType resultType(Schema input) {
        Points.checkColumns(input, columns, model);
        return DataType.INT32;
    }

    @Override
    public Set<String> inputColumns() {
        return new LinkedHashSet<>(columns);
    }

    @Override
    public HeapColumn apply(Chunk chunk) {
        int n = chunk.rows();
        HeapColumn out = new HeapColumn(DataType.INT32, n);
        ColumnVector[] cols = new ColumnVector[columns.size()];
        for (int j = 0; j < cols.length; j++) {
            cols[j] = chunk.column(columns.get(j));
        }
        Tile t = new Tile(cols.length);
        for (int from = 0; from < n; from += Tile.ROWS) {
            t.read(cols, from, Math.min(Tile.ROWS, n - from));
            centers.nearest(t);
            for (int i = 0; i < t.n; i++) {
                out.longs[from + i] = t.index[i];
            }
            for (int j = 0; j < cols.length; j++) {
                double[] xj = t.x[j];
                for (int i = 0; i < t.n; i++) {
                    if (!Double.isFinite(xj[i])) {
                        out.setNull(from + i);
                    }
                }
            }
        }
        for (ColumnVector v : cols) {
            if (v.hasNulls()) {
                for (int i = 0; i < n; i++) {
                    if (v.isNull(i)) {
                        out.setNull(i);
                    }
                }
            }
        }
        return out;
    }

    /** The nearest centre of one row (its features in column order). */
    public int predict(double[] x) {
        Tile t = new Tile(x.length);
        for (int j = 0; j < x.length; j++) {
            t.x[j][0] = x[j];
        }
        t.n = 1;
        centers.nearest(t);
        return t.index[0];
    }

    @Override
    public String toString() {
        return model + ".predict(" + String.join(", ", columns) + ")";
    }
}
