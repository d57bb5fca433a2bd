package org.spillway.frame.exec.aggregate.function;

import static org.spillway.frame.exec.aggregate.function.StateBits.asDouble;
import static org.spillway.frame.exec.aggregate.function.StateBits.bits;

import org.spillway.frame.exec.hash.StringPool;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.DoubleVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * {@code sum} of float64 inputs: state {@code n, sum} (the sum as double bits). Plain summation in
 * input order, so not exact; the count makes an all-null group null.
 */
final class SumDouble extends CountedDoubleSum {
    SumDouble(DataType in) {
        super(in);
    }

    @Override
    public void update(long[] st, int stride, int[] gids, int n, HeapColumn in, HeapColumn in2, long pos0, StringPool pool) {
        double[] v = in.doubles;
        boolean[] nulls = in.nulls;
        for (int i = 0; i < n; i++) {
            if (nulls == null || !nulls[i]) {
                int bb = gids[i] * stride + offset;
                st[bb]++;
                st[bb + 1] = bits(asDouble(st[bb + 1]) + v[i]);
            }
        }
    }

    @Override
    public boolean updateFrom(long[] st, int stride, int[] gids, int n, ColumnVector v) {
        if (!(v instanceof DoubleVector dv)) {
            return false;
        }
        addDoubles(st, stride, gids, n, dv);
        return true;
    }

    @Override
    public void finish(long[] st, int base, VectorBuilder out, StringPool pool) {
        if (st[base + offset] == 0) {
            out.appendNull();
        } else {
            ((DoubleVectorBuilder) out).append(asDouble(st[base + offset + 1]));
        }
    }
}
