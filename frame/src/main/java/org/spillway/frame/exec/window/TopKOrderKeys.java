package org.spillway.frame.exec.window;

import java.util.List;
import org.spillway.frame.SortOrder;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.BoolVector;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;

/**
 * The order keys of a {@link PartitionTopKTable}'s rows as longs: each order key encoded as one or two longs whose
 * signed order is the window's order (direction and null placement included), so that the table compares rows by
 * comparing longs. The keys must be of a fixed-width type (integers, dates, times, timestamps, decimals of up to 18
 * digits, float64, bool): those {@link #vectorOf} knows.
 */
final class TopKOrderKeys {
    private final int[] orderColumns;
    /** Per order column: its longs in an entry (1: nulls folded into the value; 2: a null rank, then the value). */
    private final int[] widths;
    private final boolean[] descending;
    private final boolean[] nullsFirst;
    /** Order-key longs per row. */
    private final int longs;

    /** The encoding of the order {@code orders} (plain columns of {@code schema}, of the types {@link #vectorOf} knows). */
    TopKOrderKeys(Schema schema, List<SortOrder> orders) {
        this.orderColumns = orders.stream().mapToInt(o -> schema.indexOf(o.expr().name())).toArray();
        this.widths = new int[orderColumns.length];
        this.descending = new boolean[orderColumns.length];
        this.nullsFirst = new boolean[orderColumns.length];
        int n = 0;
        for (int j = 0; j < orderColumns.length; j++) {
            widths[j] = vectorOf(schema.type(orderColumns[j])) == LongVector.class ? 2 : 1;
            descending[j] = !orders.get(j).ascending();
            nullsFirst[j] = orders.get(j).isNullsFirst();
            n += widths[j];
        }
        this.longs = n;
    }

    /** The vector class of a fixed-width order key's type, null if the type is not one. */
    static Class<?> vectorOf(DataType t) {
        return switch (t.kind()) {
            case INT32, DATE -> IntVector.class;
            case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> LongVector.class;
            case FLOAT64 -> DoubleVector.class;
            case BOOL -> BoolVector.class;
            default -> null;
        };
    }

    /** Order-key longs per row: the sum of the order columns' widths. */
    int longs() {
        return longs;
    }

    /** Encodes the order keys of every row of {@code chunk} into {@code l.keys}, each a long in the window's order. */
    void encode(TopKLocal l, Chunk chunk) {
        int rows = chunk.rows();
        if (l.keys.length != longs || l.keys.length > 0 && l.keys[0].length < rows) {
            l.keys = new long[longs][Math.max(rows, 1024)];
        }
        int at = 0;
        for (int j = 0; j < orderColumns.length; j++) {
            ColumnVector v = chunk.column(orderColumns[j]);
            long flip = descending[j] ? -1L : 0L; // x ^ -1 = ~x reverses the signed order
            if (widths[j] == 2) {
                long[] rank = l.keys[at];
                long[] out = l.keys[at + 1];
                LongVector lv = (LongVector) v;
                for (int i = 0; i < rows; i++) {
                    out[i] = lv.get(i) ^ flip;
                    rank[i] = 1;
                }
                if (v.hasNulls()) {
                    long nullRank = nullsFirst[j] ? 0 : 2;
                    for (int i = 0; i < rows; i++) {
                        if (v.isNull(i)) {
                            rank[i] = nullRank;
                            out[i] = 0;
                        }
                    }
                }
                at += 2;
                continue;
            }
            long[] out = l.keys[at];
            switch (v) {
                case IntVector iv -> {
                    for (int i = 0; i < rows; i++) {
                        out[i] = iv.get(i) ^ flip;
                    }
                }
                case DoubleVector dv -> {
                    for (int i = 0; i < rows; i++) {
                        double d = dv.get(i);
                        // -0.0 as 0.0 and one NaN (above every number); the sign flip makes the bits' signed order
                        // the numbers' order, leaving Long.MIN_VALUE and Long.MAX_VALUE unused (they are NaN bits)
                        long bits = Double.doubleToLongBits(d == 0.0 ? 0.0 : d);
                        out[i] = (bits ^ ((bits >> 63) & Long.MAX_VALUE)) ^ flip;
                    }
                }
                case BoolVector bv -> {
                    for (int i = 0; i < rows; i++) {
                        out[i] = (bv.get(i) ? 1L : 0L) ^ flip;
                    }
                }
                default -> throw new IllegalStateException("order key of " + v.type());
            }
            if (v.hasNulls()) {
                long nullKey = nullsFirst[j] ? Long.MIN_VALUE : Long.MAX_VALUE;
                for (int i = 0; i < rows; i++) {
                    if (v.isNull(i)) {
                        out[i] = nullKey;
                    }
                }
            }
            at++;
        }
    }
}
