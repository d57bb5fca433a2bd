package org.spillway.frame.exec.aggregate.function;

import static org.spillway.frame.exec.aggregate.function.StateBits.asDouble;
import static org.spillway.frame.exec.aggregate.function.StateBits.bits;

import java.util.List;
import org.spillway.frame.exec.hash.StringPool;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.DoubleVectorBuilder;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.LongVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * {@code sum} of float64 inputs: state {@code n, sum} (the sum as double bits). Plain summation in
 * input order, so not exact; the count makes an all-null group null.
 */
final class SumDouble extends AggFn {
    SumDouble(DataType in) {
        super(in);
    }

    @Override
    public int width() {
        return 2;
    }

    @Override
    public boolean partialIsState() {
        return true;
    }

    @Override
    public boolean mergesStates() {
        return true;
    }

    @Override
    public void mergeState(long[] dst, int dbase, long[] src, int sbase) {
        int d = dbase + offset;
        int x = sbase + offset;
        if (src[x] != 0) {
            dst[d] += src[x];
            dst[d + 1] = bits(asDouble(dst[d + 1]) + asDouble(src[x + 1]));
        }
    }

    @Override
    public List<Field> partialFields(String p) {
        return List.of(new Field(p + "n", DataType.INT64), new Field(p + "sum", DataType.FLOAT64));
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
        boolean nulls = v.hasNulls();
        for (int i = 0; i < n; i++) {
            if (!nulls || !dv.isNull(i)) {
                int bb = gids[i] * stride + offset;
                st[bb]++;
                st[bb + 1] = bits(asDouble(st[bb + 1]) + dv.get(i));
            }
        }
        return true;
    }

    @Override
    public void writePartial(long[] st, int base, VectorBuilder[] bs, int col0, StringPool pool) {
        ((LongVectorBuilder) bs[col0]).append(st[base + offset]);
        ((DoubleVectorBuilder) bs[col0 + 1]).append(asDouble(st[base + offset + 1]));
    }

    @Override
    public void merge(long[] st, int stride, int[] gids, int n, ColumnVector[] cols, int col0, StringPool pool) {
        LongVector c = (LongVector) cols[col0];
        DoubleVector s = (DoubleVector) cols[col0 + 1];
        for (int i = 0; i < n; i++) {
            int bb = gids[i] * stride + offset;
            st[bb] += c.get(i);
            st[bb + 1] = bits(asDouble(st[bb + 1]) + s.get(i));
        }
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
