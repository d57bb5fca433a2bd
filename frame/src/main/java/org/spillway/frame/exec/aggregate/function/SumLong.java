package org.spillway.frame.exec.aggregate.function;

import java.util.List;
import org.spillway.frame.SpillwayException;
import org.spillway.frame.exec.hash.StringPool;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.LongVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * {@code sum} of integer inputs: state {@code n, sum} as longs, exact. The count is kept only so
 * that a group with no non-null value finishes as null rather than 0 (as SQL and DuckDB do).
 * Overflow is an error, not a wrap: a silently wrong total is worse than a failed query.
 */
final class SumLong extends StateColumnsFn {
    SumLong(DataType in) {
        super(in);
    }

    @Override
    public int width() {
        return 2;
    }

    @Override
    public void mergeState(long[] dst, int dbase, long[] src, int sbase) {
        int d = dbase + offset;
        int x = sbase + offset;
        if (src[x] != 0) {
            dst[d] += src[x];
            dst[d + 1] = add(dst[d + 1], src[x + 1]);
        }
    }

    @Override
    public List<Field> partialFields(String p) {
        return List.of(new Field(p + "n", DataType.INT64), new Field(p + "sum", DataType.INT64));
    }

    @Override
    public void update(long[] st, int stride, int[] gids, int n, HeapColumn in, HeapColumn in2, long pos0, StringPool pool) {
        long[] v = in.longs;
        boolean[] nulls = in.nulls;
        for (int i = 0; i < n; i++) {
            if (nulls == null || !nulls[i]) {
                int bb = gids[i] * stride + offset;
                st[bb]++;
                st[bb + 1] = add(st[bb + 1], v[i]);
            }
        }
    }

    @Override
    public boolean updateFrom(long[] st, int stride, int[] gids, int n, ColumnVector v) {
        boolean nulls = v.hasNulls();
        // kept apart: the JIT specialises each loop to its vector type
        switch (v) {
            case IntVector iv -> {
                for (int i = 0; i < n; i++) {
                    if (!nulls || !iv.isNull(i)) {
                        int bb = gids[i] * stride + offset;
                        st[bb]++;
                        st[bb + 1] = add(st[bb + 1], iv.get(i));
                    }
                }
            }
            case LongVector lv -> {
                for (int i = 0; i < n; i++) {
                    if (!nulls || !lv.isNull(i)) {
                        int bb = gids[i] * stride + offset;
                        st[bb]++;
                        st[bb + 1] = add(st[bb + 1], lv.get(i));
                    }
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static long add(long a, long x) {
        long r = a + x;
        if (((a ^ r) & (x ^ r)) < 0) {
            throw new SpillwayException("int64 overflow in sum: " + a + " + " + x
                    + " does not fit; cast the column to float64 first (col(...).cast(DataType.FLOAT64))");
        }
        return r;
    }

    @Override
    public void writePartial(long[] st, int base, VectorBuilder[] bs, int col0, StringPool pool) {
        ((LongVectorBuilder) bs[col0]).append(st[base + offset]);
        ((LongVectorBuilder) bs[col0 + 1]).append(st[base + offset + 1]);
    }

    @Override
    public void merge(long[] st, int stride, int[] gids, int n, ColumnVector[] cols, int col0, StringPool pool) {
        LongVector c = (LongVector) cols[col0];
        LongVector s = (LongVector) cols[col0 + 1];
        for (int i = 0; i < n; i++) {
            int bb = gids[i] * stride + offset;
            st[bb] += c.get(i);
            st[bb + 1] = add(st[bb + 1], s.get(i));
        }
    }

    @Override
    public void finish(long[] st, int base, VectorBuilder out, StringPool pool) {
        if (st[base + offset] == 0) {
            out.appendNull();
        } else {
            ((LongVectorBuilder) out).append(st[base + offset + 1]);
        }
    }
}
