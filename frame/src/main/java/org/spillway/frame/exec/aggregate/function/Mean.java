package org.spillway.frame.exec.aggregate.function;

import static org.spillway.frame.exec.aggregate.function.StateBits.asDouble;
import static org.spillway.frame.exec.aggregate.function.StateBits.bits;

import org.spillway.frame.exec.hash.StringPool;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.DoubleVectorBuilder;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.VectorBuilder;

/**
 * {@code mean}: the sum of the values (as float64) over their count, like DuckDB's {@code avg};
 * state {@code n, sum}, kept as {@link SumDouble} keeps it. A sum rather than the running mean
 * {@link Moments} keeps: no division per row, and the same arithmetic as the DuckDB results it is
 * checked against.
 */
final class Mean extends CountedDoubleSum {
    Mean(DataType in) {
        super(in);
    }

    @Override
    public void update(long[] st, int stride, int[] gids, int n, HeapColumn in, HeapColumn in2, long pos0, StringPool pool) {
        boolean[] nulls = in.nulls;
        for (int i = 0; i < n; i++) {
            if (nulls == null || !nulls[i]) {
                int bb = gids[i] * stride + offset;
                st[bb]++;
                st[bb + 1] = bits(asDouble(st[bb + 1]) + in.asDouble(i));
            }
        }
    }

    @Override
    public boolean updateFrom(long[] st, int stride, int[] gids, int n, ColumnVector v) {
        boolean nulls = v.hasNulls();
        // The int and long loops are kept apart (and apart from addDoubles): the JIT specialises
        // each loop to its vector type; one loop converting per row would need a type test per row.
        switch (v) {
            case DoubleVector dv -> addDoubles(st, stride, gids, n, dv);
            case IntVector iv -> {
                for (int i = 0; i < n; i++) {
                    if (!nulls || !iv.isNull(i)) {
                        int bb = gids[i] * stride + offset;
                        st[bb]++;
                        st[bb + 1] = bits(asDouble(st[bb + 1]) + iv.get(i));
                    }
                }
            }
            case LongVector lv -> {
                for (int i = 0; i < n; i++) {
                    if (!nulls || !lv.isNull(i)) {
                        int bb = gids[i] * stride + offset;
                        st[bb]++;
                        st[bb + 1] = bits(asDouble(st[bb + 1]) + lv.get(i));
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
    public void finish(long[] st, int base, VectorBuilder out, StringPool pool) {
        long cnt = st[base + offset];
        if (cnt == 0) {
            out.appendNull();
        } else {
            ((DoubleVectorBuilder) out).append(asDouble(st[base + offset + 1]) / cnt);
        }
    }
}
