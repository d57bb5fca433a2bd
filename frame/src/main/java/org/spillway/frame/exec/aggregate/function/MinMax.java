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
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.VectorBuilder;

/**
 * {@code min} and {@code max} of any orderable type: state {@code has, value}, exact. Integer and
 * float64 inputs have their own loops so the per-row path skips the type switch of
 * {@link AggFn#compare}. A string state is an id in one table's {@link StringPool}, so string
 * states merge only through partial columns (as strings), never directly.
 */
final class MinMax extends AggFn {
    private final boolean min;

    MinMax(DataType in, boolean min) {
        super(in);
        this.min = min;
    }

    @Override
    public int width() {
        return 2; // has, value
    }

    @Override
    public boolean partialIsInput() {
        return true;
    }

    @Override
    public boolean mergesStates() {
        return !inType.isVariableWidth();
    }

    @Override
    public void mergeState(long[] dst, int dbase, long[] src, int sbase) {
        int x = sbase + offset;
        if (src[x] != 0) {
            offer(dst, dbase + offset, src[x + 1], null);
        }
    }

    @Override
    public List<Field> partialFields(String p) {
        return List.of(new Field(p + "v", inType));
    }

    private void offer(long[] st, int bb, long x, StringPool pool) {
        if (st[bb] == 0) {
            st[bb] = 1;
            st[bb + 1] = x;
            return;
        }
        int c = compare(x, st[bb + 1], inType, pool);
        if (min ? c < 0 : c > 0) {
            st[bb + 1] = x;
        }
    }

    /**
     * {@link #offer} for integer states, without {@link AggFn#compare}'s type switch: the step of the
     * int, long and heap-column row loops, which stay apart so that each reads its own vector type
     * directly. Static and small, so the JIT inlines it into each of them.
     */
    private static void offerLong(long[] st, int bb, long x, boolean min) {
        if (st[bb] == 0) {
            st[bb] = 1;
            st[bb + 1] = x;
        } else if (min ? x < st[bb + 1] : x > st[bb + 1]) {
            st[bb + 1] = x;
        }
    }

    @Override
    public void update(long[] st, int stride, int[] gids, int n, HeapColumn in, HeapColumn in2, long pos0, StringPool pool) {
        boolean[] nulls = in.nulls;
        if (inType != DataType.FLOAT64 && !inType.isVariableWidth() && inType != DataType.BOOL) {
            long[] v = in.longs;
            for (int i = 0; i < n; i++) {
                if (nulls != null && nulls[i]) {
                    continue;
                }
                offerLong(st, gids[i] * stride + offset, v[i], min);
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            if (nulls == null || !nulls[i]) {
                offer(st, gids[i] * stride + offset, code(in, i, inType, pool), pool);
            }
        }
    }

    @Override
    public boolean updateFrom(long[] st, int stride, int[] gids, int n, ColumnVector v) {
        boolean nulls = v.hasNulls();
        switch (v) {
            case IntVector iv -> {
                for (int i = 0; i < n; i++) {
                    if (nulls && iv.isNull(i)) {
                        continue;
                    }
                    offerLong(st, gids[i] * stride + offset, iv.get(i), min);
                }
            }
            case LongVector lv -> {
                for (int i = 0; i < n; i++) {
                    if (nulls && lv.isNull(i)) {
                        continue;
                    }
                    offerLong(st, gids[i] * stride + offset, lv.get(i), min);
                }
            }
            case DoubleVector dv -> {
                for (int i = 0; i < n; i++) {
                    if (nulls && dv.isNull(i)) {
                        continue;
                    }
                    int bb = gids[i] * stride + offset;
                    double x = dv.get(i);
                    if (st[bb] == 0) {
                        st[bb] = 1;
                        st[bb + 1] = bits(x);
                    } else {
                        int c = Double.compare(x, asDouble(st[bb + 1]));
                        if (min ? c < 0 : c > 0) {
                            st[bb + 1] = bits(x);
                        }
                    }
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    @Override
    public void writePartial(long[] st, int base, VectorBuilder[] bs, int col0, StringPool pool) {
        if (st[base + offset] == 0) {
            bs[col0].appendNull();
        } else {
            append(bs[col0], inType, st[base + offset + 1], pool);
        }
    }

    @Override
    public void merge(long[] st, int stride, int[] gids, int n, ColumnVector[] cols, int col0, StringPool pool) {
        ColumnVector v = cols[col0];
        for (int i = 0; i < n; i++) {
            if (!v.isNull(i)) {
                offer(st, gids[i] * stride + offset, code(v, i, pool), pool);
            }
        }
    }

    @Override
    public void finish(long[] st, int base, VectorBuilder out, StringPool pool) {
        writePartial(st, base, new VectorBuilder[] {out}, 0, pool);
    }
}
