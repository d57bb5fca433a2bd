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
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.LongVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * {@code var}, {@code var_pop}, {@code std}, {@code std_pop}: state {@code n, mean, m2} updated
 * by Welford's method and merged by Chan et al.'s formula, because the naive sum of squares loses
 * all precision when the mean is large against the spread. Results are float64, clamped at 0
 * against rounding.
 */
final class Moments extends StateColumnsFn {
    static final int MEAN = 0;
    static final int VAR = 1;
    static final int VAR_POP = 2;
    static final int STD = 3;
    static final int STD_POP = 4;
    private final int what;

    Moments(DataType in, int what) {
        super(in);
        this.what = what;
    }

    @Override
    public int width() {
        return 3; // n, mean, m2
    }

    @Override
    public void mergeState(long[] dst, int dbase, long[] src, int sbase) {
        int x = sbase + offset;
        combine(dst, dbase + offset, src[x], asDouble(src[x + 1]), asDouble(src[x + 2]));
    }

    /**
     * Merges another part's state {@code nb, mb, m2b} into the state at {@code st[bb...]} by Chan
     * et al.'s formula; nothing for an empty part. Shared by {@link #mergeState} and {@link #merge}.
     */
    private static void combine(long[] st, int bb, long nb, double mb, double m2b) {
        if (nb == 0) {
            return;
        }
        long na = st[bb];
        double ma = asDouble(st[bb + 1]);
        long nn = na + nb;
        double delta = mb - ma;
        st[bb] = nn;
        st[bb + 1] = bits(na == 0 ? mb : ma + delta * nb / nn);
        st[bb + 2] = bits(asDouble(st[bb + 2]) + m2b + delta * delta * ((double) na * nb / nn));
    }

    /**
     * Adds value {@code x} to the state at {@code st[bb...]} by Welford's method. Static and small,
     * so the JIT inlines it into each row loop that calls it.
     */
    private static void welford(long[] st, int bb, double x) {
        long cnt = ++st[bb];
        double mean = asDouble(st[bb + 1]);
        double delta = x - mean;
        mean += delta / cnt;
        st[bb + 1] = bits(mean);
        st[bb + 2] = bits(asDouble(st[bb + 2]) + delta * (x - mean));
    }

    @Override
    public List<Field> partialFields(String p) {
        return List.of(new Field(p + "n", DataType.INT64), new Field(p + "mean", DataType.FLOAT64),
                new Field(p + "m2", DataType.FLOAT64));
    }

    @Override
    public void update(long[] st, int stride, int[] gids, int n, HeapColumn in, HeapColumn in2, long pos0, StringPool pool) {
        boolean[] nulls = in.nulls;
        for (int i = 0; i < n; i++) {
            if (nulls != null && nulls[i]) {
                continue;
            }
            double x = in.asDouble(i);
            welford(st, gids[i] * stride + offset, x);
        }
    }

    @Override
    public boolean updateFrom(long[] st, int stride, int[] gids, int n, ColumnVector v) {
        if (!(v instanceof DoubleVector || v instanceof IntVector || v instanceof LongVector)) {
            return false;
        }
        boolean nulls = v.hasNulls();
        for (int i = 0; i < n; i++) {
            if (nulls && v.isNull(i)) {
                continue;
            }
            double x = v instanceof DoubleVector dv ? dv.get(i) : v instanceof IntVector iv ? iv.get(i) : ((LongVector) v).get(i);
            welford(st, gids[i] * stride + offset, x);
        }
        return true;
    }

    @Override
    public void writePartial(long[] st, int base, VectorBuilder[] bs, int col0, StringPool pool) {
        ((LongVectorBuilder) bs[col0]).append(st[base + offset]);
        ((DoubleVectorBuilder) bs[col0 + 1]).append(asDouble(st[base + offset + 1]));
        ((DoubleVectorBuilder) bs[col0 + 2]).append(asDouble(st[base + offset + 2]));
    }

    @Override
    public void merge(long[] st, int stride, int[] gids, int n, ColumnVector[] cols, int col0, StringPool pool) {
        LongVector cn = (LongVector) cols[col0];
        DoubleVector cm = (DoubleVector) cols[col0 + 1];
        DoubleVector c2 = (DoubleVector) cols[col0 + 2];
        for (int i = 0; i < n; i++) {
            combine(st, gids[i] * stride + offset, cn.get(i), cm.get(i), c2.get(i));
        }
    }

    @Override
    public void finish(long[] st, int base, VectorBuilder out, StringPool pool) {
        long cnt = st[base + offset];
        double mean = asDouble(st[base + offset + 1]);
        double m2 = asDouble(st[base + offset + 2]);
        DoubleVectorBuilder o = (DoubleVectorBuilder) out;
        switch (what) {
            case MEAN -> {
                if (cnt == 0) {
                    o.appendNull();
                } else {
                    o.append(mean);
                }
            }
            case VAR, STD -> {
                if (cnt < 2) {
                    o.appendNull();
                } else {
                    double v = Math.max(0, m2 / (cnt - 1));
                    o.append(what == VAR ? v : Math.sqrt(v));
                }
            }
            default -> {
                if (cnt < 1) {
                    o.appendNull();
                } else {
                    double v = Math.max(0, m2 / cnt);
                    o.append(what == VAR_POP ? v : Math.sqrt(v));
                }
            }
        }
    }
}
