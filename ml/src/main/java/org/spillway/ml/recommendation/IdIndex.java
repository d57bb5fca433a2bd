package org.spillway.ml.recommendation;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import java.util.Arrays;
import org.spillway.spill.DataType;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;

/**
 * The ids of one side (users or items) and their dense indices {@code 0 .. n-1}: index {@code j} is
 * the {@code j}-th smallest id, so the numbering does not depend on the order the ids were seen in.
 * Lookups go through an {@code int} array over {@code [min, max]} when the ids are dense enough (at
 * most four slots per id), else through a hash map; built on first lookup. Immutable once built and
 * safe to share between threads.
 */
final class IdIndex {
    private final long[] ids;
    private volatile Lookup lookup;

    private interface Lookup {
        int indexOf(long id);
    }

    /** An index of {@code sortedIds} (sorted ascending, distinct; not copied). */
    IdIndex(long[] sortedIds) {
        this.ids = sortedIds;
    }

    /** The number of ids. */
    int size() {
        return ids.length;
    }

    /** The id of index {@code j}. */
    long id(int j) {
        return ids[j];
    }

    /** The sorted ids (shared: do not change). */
    long[] ids() {
        return ids;
    }

    /** The index of {@code id}, or -1 if it is not one of the ids. */
    int indexOf(long id) {
        Lookup l = lookup;
        if (l == null) {
            synchronized (this) {
                l = lookup;
                if (l == null) {
                    l = build();
                    lookup = l;
                }
            }
        }
        return l.indexOf(id);
    }

    /** The heap bytes the lookup structure takes, for budget reservations. */
    long lookupBytes() {
        int n = ids.length;
        if (n == 0) {
            return 0;
        }
        long range = ids[n - 1] - ids[0] + 1;
        return dense(range, n) ? range * 4 : (long) n * 24;
    }

    private static boolean dense(long range, int n) {
        return range > 0 && range <= 4L * n + 1024 && range < Integer.MAX_VALUE - 8;
    }

    private Lookup build() {
        int n = ids.length;
        if (n == 0) {
            return id -> -1;
        }
        long min = ids[0];
        long range = ids[n - 1] - min + 1;
        if (dense(range, n)) {
            int[] slots = new int[(int) range];
            Arrays.fill(slots, -1);
            for (int j = 0; j < n; j++) {
                slots[(int) (ids[j] - min)] = j;
            }
            return id -> {
                long off = id - min;
                return off >= 0 && off < slots.length ? slots[(int) off] : -1;
            };
        }
        Long2IntOpenHashMap map = new Long2IntOpenHashMap(n);
        map.defaultReturnValue(-1);
        for (int j = 0; j < n; j++) {
            map.put(ids[j], j);
        }
        return map::get;
    }

    /** Whether a column of this type can hold ids: int32, int64, or float64 holding whole numbers. */
    static boolean idType(DataType t) {
        return t == DataType.INT32 || t == DataType.INT64 || t == DataType.FLOAT64;
    }

    /** Ids of a float64 column must be whole numbers in the int64 range. */
    static boolean wholeNumber(double v) {
        return v == Math.rint(v) && Math.abs(v) < 0x1p63;
    }

    /**
     * Row {@code i} of an id vector as a long; {@code Long.MIN_VALUE} stands for "no id" (a float64
     * that is not a whole number). Nulls must be checked by the caller.
     */
    static long idAt(ColumnVector v, int i) {
        return switch (v) {
            case IntVector iv -> iv.get(i);
            case LongVector lv -> lv.get(i);
            case DoubleVector dv -> {
                double d = dv.get(i);
                yield wholeNumber(d) ? (long) d : Long.MIN_VALUE;
            }
            default -> throw new IllegalArgumentException("an id column must be int32, int64 or float64, not " + v.type());
        };
    }
}
