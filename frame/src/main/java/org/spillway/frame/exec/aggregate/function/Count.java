package org.spillway.frame.exec.aggregate.function;

import java.util.List;
import org.spillway.frame.exec.hash.StringPool;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.LongVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * {@code count(x)} (non-null values) and {@code count()} (rows, {@code inType} null): one long per
 * group. Exact; never null (an empty group counts 0). Its state is its partial column, so flushes
 * and merges are plain long additions.
 */
final class Count extends StateColumnsFn {
    Count(DataType in) {
        super(in);
    }

    @Override
    public int width() {
        return 1;
    }

    @Override
    public void mergeState(long[] dst, int dbase, long[] src, int sbase) {
        dst[dbase + offset] += src[sbase + offset];
    }

    @Override
    public List<Field> partialFields(String p) {
        return List.of(new Field(p + "n", DataType.INT64));
    }

    @Override
    public void update(long[] st, int stride, int[] gids, int n, HeapColumn in, HeapColumn in2, long pos0, StringPool pool) {
        boolean[] nulls = in == null ? null : in.nulls;
        for (int i = 0; i < n; i++) {
            if (nulls == null || !nulls[i]) {
                st[gids[i] * stride + offset]++;
            }
        }
    }

    @Override
    public boolean updateFrom(long[] st, int stride, int[] gids, int n, ColumnVector v) {
        boolean nulls = v.hasNulls();
        for (int i = 0; i < n; i++) {
            if (!nulls || !v.isNull(i)) {
                st[gids[i] * stride + offset]++;
            }
        }
        return true;
    }

    @Override
    public void writePartial(long[] st, int base, VectorBuilder[] bs, int col0, StringPool pool) {
        ((LongVectorBuilder) bs[col0]).append(st[base + offset]);
    }

    @Override
    public void merge(long[] st, int stride, int[] gids, int n, ColumnVector[] cols, int col0, StringPool pool) {
        LongVector v = (LongVector) cols[col0];
        for (int i = 0; i < n; i++) {
            st[gids[i] * stride + offset] += v.get(i);
        }
    }

    @Override
    public void finish(long[] st, int base, VectorBuilder out, StringPool pool) {
        ((LongVectorBuilder) out).append(st[base + offset]);
    }
}
