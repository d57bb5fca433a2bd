package org.spillway.frame.exec.sort;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.spillway.frame.SortOrder;
import org.spillway.spill.vector.BoolVector;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.StringVector;

/**
 * The order of a sort: compares two rows by their key vectors, key by key (ascending or
 * descending, nulls first or last per key), and rows with equal keys by their input position, so
 * the order is total and a sort by it is stable. Values compare as DuckDB orders them: numbers,
 * dates and timestamps numerically, booleans false before true, strings by unsigned UTF-8 bytes,
 * float64 with NaN greater than every number (and {@code -0.0} equal to {@code 0.0}).
 */
public final class SortKeys {
    private final boolean[] ascending;
    private final boolean[] nullsFirst;

    SortKeys(List<SortOrder> orders) {
        int n = orders.size();
        ascending = new boolean[n];
        nullsFirst = new boolean[n];
        for (int k = 0; k < n; k++) {
            ascending[k] = orders.get(k).ascending();
            nullsFirst[k] = orders.get(k).isNullsFirst();
        }
    }

    /** Number of keys. */
    int size() {
        return ascending.length;
    }

    /**
     * Negative, zero or positive as row {@code i} (keys {@code a}, input position {@code posA}) sorts
     * before, with or after row {@code j} (keys {@code b}, position {@code posB}). The key arrays hold
     * one vector per key, of equal types at equal indices.
     */
    int compare(ColumnVector[] a, int i, long posA, ColumnVector[] b, int j, long posB) {
        int c = compareKeys(a, i, b, j);
        return c != 0 ? c : Long.compare(posA, posB);
    }

    /** {@link #compare} without the tie-break by position. */
    int compareKeys(ColumnVector[] a, int i, ColumnVector[] b, int j) {
        for (int k = 0; k < ascending.length; k++) {
            ColumnVector va = a[k];
            ColumnVector vb = b[k];
            boolean na = va.isNull(i);
            boolean nb = vb.isNull(j);
            if (na || nb) {
                if (na && nb) {
                    continue;
                }
                // nulls are placed by nullsFirst alone, whatever the direction
                return na == nullsFirst[k] ? -1 : 1;
            }
            int c = compareValues(va, i, vb, j);
            if (c != 0) {
                return ascending[k] ? c : -c;
            }
        }
        return 0;
    }

    private static int compareValues(ColumnVector va, int i, ColumnVector vb, int j) {
        return switch (va) {
            case IntVector x -> Integer.compare(x.get(i), ((IntVector) vb).get(j));
            case LongVector x -> Long.compare(x.get(i), ((LongVector) vb).get(j));
            case DoubleVector x -> compareDoubles(x.get(i), ((DoubleVector) vb).get(j));
            case BoolVector x -> Boolean.compare(x.get(i), ((BoolVector) vb).get(j));
            case StringVector x -> StringVector.compare(x, i, (StringVector) vb, j);
        };
    }

    /** True for key {@code k} ascending. */
    boolean ascending(int k) {
        return ascending[k];
    }

    /** True when key {@code k} puts nulls first. */
    boolean nullsFirst(int k) {
        return nullsFirst[k];
    }

    /**
     * A long whose signed order is the order of the (non-null) value at row {@code i} under key
     * {@code k}, direction included. It is exact for every type but strings, where it holds the
     * first 7 bytes and the length up to 8: equal values of strings of 8 bytes or more (see
     * {@link #isLongString}) need {@link #compareStrings}.
     */
    long normalized(int k, ColumnVector v, int i) {
        long x = switch (v) {
            case IntVector iv -> iv.get(i);
            case LongVector lv -> lv.get(i);
            case DoubleVector dv -> doubleKey(dv.get(i));
            case BoolVector bv -> bv.get(i) ? 1 : 0;
            // the first 7 bytes, then the length up to 8 (strings shorter than 8 bytes are exact),
            // flipped so that unsigned byte order is signed order
            case StringVector sv -> stringKeySlow(sv.bytes(), sv.start(i), sv.length(i));
        };
        return ascending[k] ? x : ~x;
    }

    /**
     * {@link #normalized} of rows {@code [from, from + count)} of {@code v} into {@code out} from
     * {@code at}, one type test for all rows (null rows get an unspecified value).
     */
    void normalize(int k, ColumnVector v, int from, int count, long[] out, int at) {
        long flip = ascending[k] ? 0 : -1L; // x ^ -1 == ~x
        switch (v) {
            case IntVector iv -> {
                for (int i = 0; i < count; i++) {
                    out[at + i] = iv.get(from + i) ^ flip;
                }
            }
            case LongVector lv -> {
                for (int i = 0; i < count; i++) {
                    out[at + i] = lv.get(from + i) ^ flip;
                }
            }
            case DoubleVector dv -> {
                for (int i = 0; i < count; i++) {
                    out[at + i] = doubleKey(dv.get(from + i)) ^ flip;
                }
            }
            case BoolVector bv -> {
                for (int i = 0; i < count; i++) {
                    out[at + i] = (bv.get(from + i) ? 1L : 0L) ^ flip;
                }
            }
            case StringVector sv -> {
                MemorySegment b = sv.bytes();
                long limit = b.byteSize() - 8;
                for (int i = 0; i < count; i++) {
                    int start = sv.start(from + i);
                    int length = sv.length(from + i);
                    out[at + i] = (start <= limit ? stringKey(b, start, length) : stringKeySlow(b, start, length)) ^ flip;
                }
            }
        }
    }

    private static long doubleKey(double d) {
        long bits = d == 0.0 ? 0L : Double.doubleToLongBits(d); // -0.0 as 0.0, one NaN
        return bits ^ ((bits >> 63) & Long.MAX_VALUE);
    }

    /** The first 7 bytes and the length up to 8, as {@link #normalized}: one 8-byte read (in bounds). */
    private static long stringKey(MemorySegment b, long start, int length) {
        long word = b.get(BIG_ENDIAN_LONG, start);
        long p;
        if (length >= 7) {
            p = (word & 0xFFFF_FFFF_FFFF_FF00L) | Math.min(8, length);
        } else if (length == 0) {
            p = 0;
        } else {
            p = (word & (-1L << (64 - 8 * length))) | length;
        }
        return p ^ Long.MIN_VALUE;
    }

    private static long stringKeySlow(MemorySegment b, long start, int length) {
        int len = Math.min(7, length);
        long p = 0;
        for (int j = 0; j < 7; j++) {
            p = (p << 8) | (j < len ? b.get(ValueLayout.JAVA_BYTE, start + j) & 0xff : 0);
        }
        p = (p << 8) | Math.min(8, length);
        return p ^ Long.MIN_VALUE;
    }

    private static final ValueLayout.OfLong BIG_ENDIAN_LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);

    /** True if the normalized string value {@code x} of key {@code k} stands for a string of 8 bytes or more. */
    boolean isLongString(int k, long x) {
        return ((ascending[k] ? x : ~x) & 0xff) >= 8;
    }

    /** Compares two non-null strings of key {@code k}, direction included. */
    int compareStrings(int k, StringVector a, int i, StringVector b, int j) {
        int c = StringVector.compare(a, i, b, j);
        return ascending[k] ? c : -c;
    }

    /** DuckDB's float order: NaN after every number, NaN equal to NaN, -0.0 equal to 0.0. */
    static int compareDoubles(double x, double y) {
        if (x == y) {
            return 0;
        }
        return Double.compare(x, y); // NaN is greatest; the case -0.0 vs 0.0 was caught above
    }
}
