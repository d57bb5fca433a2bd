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
final class Corr extends AggFn {
    Corr(DataType in) {
        super(in);
    }

    @Override
    public int width() {
        return 6; // n, mx, my, m2x, m2y, cxy
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
        int bb = dbase + offset;
        int x = sbase + offset;
        long nb = src[x];
        if (nb == 0) {
            return;
        }
        long na = dst[bb];
        if (na == 0) {
            System.arraycopy(src, x, dst, bb, 6);
            return;
        }
        double mxa = asDouble(dst[bb + 1]);
        double mya = asDouble(dst[bb + 2]);
        double mxb = asDouble(src[x + 1]);
        double myb = asDouble(src[x + 2]);
        long nn = na + nb;
        double dx = mxb - mxa;
        double dy = myb - mya;
        double f = (double) na * nb / nn;
        dst[bb] = nn;
        dst[bb + 1] = bits(mxa + dx * nb / nn);
        dst[bb + 2] = bits(mya + dy * nb / nn);
        dst[bb + 3] = bits(asDouble(dst[bb + 3]) + asDouble(src[x + 3]) + dx * dx * f);
        dst[bb + 4] = bits(asDouble(dst[bb + 4]) + asDouble(src[x + 4]) + dy * dy * f);
        dst[bb + 5] = bits(asDouble(dst[bb + 5]) + asDouble(src[x + 5]) + dx * dy * f);
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
        for (int i = 0; i < n; i++) {
            long nb = cn.get(i);
            if (nb == 0) {
                continue;
            }
            int bb = gids[i] * stride + offset;
            long na = st[bb];
            double mxb = ((DoubleVector) cols[col0 + 1]).get(i);
            double myb = ((DoubleVector) cols[col0 + 2]).get(i);
            if (na == 0) {
                st[bb] = nb;
                for (int j = 1; j < 6; j++) {
                    st[bb + j] = bits(((DoubleVector) cols[col0 + j]).get(i));
                }
                continue;
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
            st[bb + 3] = bits(asDouble(st[bb + 3]) + ((DoubleVector) cols[col0 + 3]).get(i) + dx * dx * f);
            st[bb + 4] = bits(asDouble(st[bb + 4]) + ((DoubleVector) cols[col0 + 4]).get(i) + dy * dy * f);
            st[bb + 5] = bits(asDouble(st[bb + 5]) + ((DoubleVector) cols[col0 + 5]).get(i) + dx * dy * f);
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
