package org.spillway.ml.recommendation;

import java.util.ArrayList;
import java.util.List;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.RowGenerator;
import org.spillway.spill.vector.DoubleVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/** The factors of one side as rows {@code (id, f0 .. f<rank-1>)}, in id order: a {@link RowGenerator} the session fills chunks from. */
final class FactorRows implements RowGenerator {
    private final long[] ids;
    private final double[] factors;
    private final int rank;
    private final Schema schema;

    FactorRows(long[] ids, double[] factors, int rank, DataType idType) {
        this.ids = ids;
        this.factors = factors;
        this.rank = rank;
        List<Field> fields = new ArrayList<>();
        fields.add(new Field("id", idType));
        for (int c = 0; c < rank; c++) {
            fields.add(new Field("f" + c, DataType.FLOAT64));
        }
        this.schema = new Schema(fields);
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public long rows() {
        return ids.length;
    }

    @Override
    public void fill(long fromRow, int count, List<VectorBuilder> builders) {
        RowGenerator.checkFill(this, fromRow, count, builders);
        for (int n = 0; n < count; n++) {
            int j = (int) (fromRow + n);
            TopKRows.appendId(builders.get(0), ids[j]);
            for (int c = 0; c < rank; c++) {
                ((DoubleVectorBuilder) builders.get(c + 1)).append(factors[j * rank + c]);
            }
        }
    }
}
