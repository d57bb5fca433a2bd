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
 * {@code corr(x, y)}, Pearson's correlation over rows where both are non-null: state
 * {@code n, mean x, mean y, m2 x, m2 y, co-moment} updated by Welford's method and merged by Chan
 * et al.'s formula, for the same precision reasons as {@link Moments}.
 */
final class Corr extends StateColumnsFn {
    Corr(DataType in) {
        super(in);
    }

    @Override
    public int width() {
        return 6; // n, mx, my, m2x, m2y, cxy
    }

    @Override
    public void mergeState(long[] dst, int dbase, long[] src, int sbase) {
        int x = sbase + offset;
        combine(dst, dbase + offset, src[x], asDouble(src[x + 1]), asDouble(src[x + 2]), asDouble(src[x + 3]),
                asDouble(src[x + 4]), asDouble(src[x + 5]));
    }

    /**
     * Merges another part's state {@code nb, mxb, myb, m2xb, m2yb, cxyb} into the state at
     * {@code st[bb...]} by Chan et al.'s formula; nothing for an empty part, a copy into an empty
     * state (the formula would round the means). Shared by {@link #mergeState} and {@link #merge}.
     */
    private static void combine(long[] st, int bb, long nb, double mxb, double myb, double m2xb, double m2yb,
                                double cxyb) {
        if (nb == 0) {
            return;
        }
        long na = st[bb];
        if (na == 0) {
            st[bb] = nb;
            st[bb + 1] = bits(mxb);
            st[bb + 2] = bits(myb);
            st[bb + 3] = bits(m2xb);
            st[bb + 4] = bits(m2yb);
            st[bb + 5] = bits(cxyb);
            return;
        }
        double mxa = asDouble(st[bb + 1]);
        double mya = asDouble(st[bb + 2]);
        long nn = na + nb;
        double dx = mxb - mxa;
        double dy = myb - mya;
        double f = (double) na * nb / nn;
        st[bb] = nn;
        st[bb + 1] = bits(mxa + dx * nb / nn);
        st[bb + 2] = bits(mya + dy * nb / nn);
        st[bb + 3] = bits(asDouble(st[bb + 3]) + m2xb + dx * dx * f);
        st[bb + 4] = bits(asDouble(st[bb + 4]) + m2yb + dy * dy * f);
        st[bb + 5] = bits(asDouble(st[bb + 5]) + cxyb + dx * dy * f);
    }

    @Override
    public List<Field> partialFields(String p) {
        return List.of(new Field(p + "n", DataType.INT64), new Field(p + "mx", DataType.FLOAT64),
                new Field(p + "my", DataType.FLOAT64), new Field(p + "m2x", DataType.FLOAT64),
                new Field(p + "m2y", DataType.FLOAT64), new Field(p + "cxy", DataType.FLOAT64));
    }

    @Override
    public void update(long[] st, int stride, int[] gids, int n, HeapColumn in, HeapColumn in2, long pos0, StringPool pool) {
        for (int i = 0; i < n; i++) {
            if (in.isNull(i) || in2.isNull(i)) {
                continue;
            }
            double x = in.asDouble(i);
            double y = in2.asDouble(i);
            int bb = gids[i] * stride + offset;
            long cnt = ++st[bb];
            double mx = asDouble(st[bb + 1]);
            double my = asDouble(st[bb + 2]);
            double dx = x - mx;
            double dy = y - my;
            mx += dx / cnt;
            my += dy / cnt;
            st[bb + 1] = bits(mx);
            st[bb + 2] = bits(my);
            st[bb + 3] = bits(asDouble(st[bb + 3]) + dx * (x - mx));
            st[bb + 4] = bits(asDouble(st[bb + 4]) + dy * (y - my));
            st[bb + 5] = bits(asDouble(st[bb + 5]) + dx * (y - my));
        }
    }

    @Override
    public void writePartial(long[] st, int base, VectorBuilder[] bs, int col0, StringPool pool) {
        ((LongVectorBuilder) bs[col0]).append(st[base + offset]);
        for (int j = 1; j < 6; j++) {
            ((DoubleVectorBuilder) bs[col0 + j]).append(asDouble(st[base + offset + j]));
        }
    }

    @Override
    public void merge(long[] st, int stride, int[] gids, int n, ColumnVector[] cols, int col0, StringPool pool) {
        LongVector cn = (LongVector) cols[col0];
        DoubleVector mx = (DoubleVector) cols[col0 + 1];
        DoubleVector my = (DoubleVector) cols[col0 + 2];
        DoubleVector m2x = (DoubleVector) cols[col0 + 3];
        DoubleVector m2y = (DoubleVector) cols[col0 + 4];
        DoubleVector cxy = (DoubleVector) cols[col0 + 5];
        for (int i = 0; i < n; i++) {
            combine(st, gids[i] * stride + offset, cn.get(i), mx.get(i), my.get(i), m2x.get(i), m2y.get(i),
                    cxy.get(i));
        }
    }

    @Override
    public void finish(long[] st, int base, VectorBuilder out, StringPool pool) {
        long cnt = st[base + offset];
        DoubleVectorBuilder o = (DoubleVectorBuilder) out;
        if (cnt == 0) {
            o.appendNull();
            return;
        }
        // as DuckDB: NaN when a variance is zero (including a single pair)
        double m2x = asDouble(st[base + offset + 3]);
        double m2y = asDouble(st[base + offset + 4]);
        double cxy = asDouble(st[base + offset + 5]);
        o.append(cxy / Math.sqrt(m2x * m2y));
    }
}
