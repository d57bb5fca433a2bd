package org.spillway.frame.exec.aggregate.function;

import static org.spillway.frame.exec.aggregate.function.StateBits.asDouble;
import static org.spillway.frame.exec.aggregate.function.StateBits.bits;

import java.util.List;
import org.spillway.frame.exec.hash.StringPool;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.DoubleVectorBuilder;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.LongVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * The state {@code n, sum} with the sum as float64 bits, shared by {@link SumDouble} and
 * {@link Mean}: they write, merge and add float64 values alike and differ only in the inputs they
 * take and in how they finish (the sum, or the sum over n).
 */
abstract class CountedDoubleSum extends StateColumnsFn {
    CountedDoubleSum(DataType in) {
        super(in);
    }

    @Override
    public final int width() {
        return 2; // n, sum
    }

    @Override
    public final void mergeState(long[] dst, int dbase, long[] src, int sbase) {
        int d = dbase + offset;
        int x = sbase + offset;
        if (src[x] != 0) {
            dst[d] += src[x];
            dst[d + 1] = bits(asDouble(dst[d + 1]) + asDouble(src[x + 1]));
        }
    }

    @Override
    public final List<Field> partialFields(String p) {
        return List.of(new Field(p + "n", DataType.INT64), new Field(p + "sum", DataType.FLOAT64));
    }

    /** Adds the non-null values of {@code dv}'s rows {@code 0..n)} to groups {@code gids}. */
    final void addDoubles(long[] st, int stride, int[] gids, int n, DoubleVector dv) {
        boolean nulls = dv.hasNulls();
        for (int i = 0; i < n; i++) {
            if (!nulls || !dv.isNull(i)) {
                int bb = gids[i] * stride + offset;
                st[bb]++;
                st[bb + 1] = bits(asDouble(st[bb + 1]) + dv.get(i));
            }
        }
    }

    @Override
    public final void writePartial(long[] st, int base, VectorBuilder[] bs, int col0, StringPool pool) {
        ((LongVectorBuilder) bs[col0]).append(st[base + offset]);
        ((DoubleVectorBuilder) bs[col0 + 1]).append(asDouble(st[base + offset + 1]));
    }

    @Override
    public final void merge(long[] st, int stride, int[] gids, int n, ColumnVector[] cols, int col0, StringPool pool) {
        LongVector c = (LongVector) cols[col0];
        DoubleVector s = (DoubleVector) cols[col0 + 1];
        for (int i = 0; i < n; i++) {
            int bb = gids[i] * stride + offset;
            st[bb] += c.get(i);
            st[bb + 1] = bits(asDouble(st[bb + 1]) + s.get(i));
        }
    }
}
