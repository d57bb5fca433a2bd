package org.spillway.frame.exec;

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
final class SortKeys {
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

    /** DuckDB's float order: NaN after every number, NaN equal to NaN, -0.0 equal to 0.0. */
    static int compareDoubles(double x, double y) {
        if (x == y) {
            return 0;
        }
        return Double.compare(x, y); // NaN is greatest; the case -0.0 vs 0.0 was caught above
    }
}
