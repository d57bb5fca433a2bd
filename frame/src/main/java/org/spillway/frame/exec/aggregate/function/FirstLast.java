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
 * {@code first}, {@code last} (first/last non-null value in input order) and {@code first_row}
 * (the first row's value, null or not): state {@code has, position, value, value is null}. The
 * input position, not arrival order, decides, so the result does not depend on how work was
 * split among threads or spills.
 */
final class FirstLast extends AggFn {
    private final boolean first;
    private final boolean ignoreNulls;

    FirstLast(DataType in, boolean first, boolean ignoreNulls) {
        super(in);
        this.first = first;
        this.ignoreNulls = ignoreNulls;
    }

    @Override
    public int width() {
        return 4; // has, position, value, value is null
    }

    @Override
    public List<Field> partialFields(String p) {
        return List.of(new Field(p + "pos", DataType.INT64), new Field(p + "v", inType));
    }

    private void offer(long[] st, int bb, long pos, long x, boolean isNull) {
        if (st[bb] == 0 || (first ? pos < st[bb + 1] : pos > st[bb + 1])) {
            st[bb] = 1;
            st[bb + 1] = pos;
            st[bb + 2] = x;
            st[bb + 3] = isNull ? 1 : 0;
        }
    }

    @Override
    public void update(long[] st, int stride, int[] gids, int n, HeapColumn in, HeapColumn in2, long pos0, StringPool pool) {
        boolean[] nulls = in.nulls;
        for (int i = 0; i < n; i++) {
            boolean isNull = nulls != null && nulls[i];
            if (isNull && ignoreNulls) {
                continue;
            }
            int bb = gids[i] * stride + offset;
            long pos = pos0 + i;
            if (st[bb] == 0 || (first ? pos < st[bb + 1] : pos > st[bb + 1])) {
                offer(st, bb, pos, isNull ? 0 : code(in, i, inType, pool), isNull);
            }
        }
    }

    @Override
    public void writePartial(long[] st, int base, VectorBuilder[] bs, int col0, StringPool pool) {
        if (st[base + offset] == 0) {
            bs[col0].appendNull();
            bs[col0 + 1].appendNull();
            return;
        }
        ((LongVectorBuilder) bs[col0]).append(st[base + offset + 1]);
        if (st[base + offset + 3] != 0) {
            bs[col0 + 1].appendNull();
        } else {
            append(bs[col0 + 1], inType, st[base + offset + 2], pool);
        }
    }

    @Override
    public void merge(long[] st, int stride, int[] gids, int n, ColumnVector[] cols, int col0, StringPool pool) {
        LongVector pos = (LongVector) cols[col0];
        ColumnVector v = cols[col0 + 1];
        for (int i = 0; i < n; i++) {
            if (!pos.isNull(i)) {
                boolean isNull = v.isNull(i);
                offer(st, gids[i] * stride + offset, pos.get(i), isNull ? 0 : code(v, i, pool), isNull);
            }
        }
    }

    @Override
    public void finish(long[] st, int base, VectorBuilder out, StringPool pool) {
        if (st[base + offset] == 0 || st[base + offset + 3] != 0) {
            out.appendNull();
        } else {
            append(out, inType, st[base + offset + 2], pool);
        }
    }
}
