package org.spillway.frame;

import java.util.List;
import org.spillway.spill.DataType;

/**
 * Turns a column's values, fetched onto the heap by {@link DataFrame#column(String)}, into the primitive
 * and string arrays of {@link DataFrame#intColumn}, {@link DataFrame#longColumn},
 * {@link DataFrame#doubleColumn} and {@link DataFrame#stringColumn}, with the type check that comes
 * before the fetch and errors that say what to do instead.
 */
final class ColumnArrays {
    private ColumnArrays() {
    }

    /**
     * Checks that column {@code name}, of type {@code type}, has one of the {@code allowed} types.
     *
     * @throws SpillwayException suggesting a cast to the last allowed type otherwise
     */
    static void checkType(String name, DataType type, DataType... allowed) {
        if (!List.of(allowed).contains(type)) {
            throw new SpillwayException("Column '" + name + "' is " + type + ", not " + List.of(allowed)
                    + "; cast it first, e.g. col(\"" + name + "\").cast(DataType." + allowed[allowed.length - 1].name() + ")");
        }
    }

    /** The int32 values {@code v} of column {@code name}; a null is an error naming the row. */
    static int[] ints(List<Object> v, String name) {
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Integer) nonNull(v, i, name);
        }
        return out;
    }

    /** The integral values {@code v} of column {@code name} as longs; a null is an error naming the row. */
    static long[] longs(List<Object> v, String name) {
        long[] out = new long[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) nonNull(v, i, name)).longValue();
        }
        return out;
    }

    /** The numeric values {@code v} as doubles; nulls become NaN. */
    static double[] doubles(List<Object> v) {
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i) == null ? Double.NaN : ((Number) v.get(i)).doubleValue();
        }
        return out;
    }

    /** The values {@code v} as strings; nulls stay null. */
    static String[] strings(List<Object> v) {
        String[] out = new String[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Row.text(v.get(i)); // binary as hex, timestamp_ntz and time as they print
        }
        return out;
    }

    private static Object nonNull(List<Object> v, int i, String name) {
        Object o = v.get(i);
        if (o == null) {
            throw new SpillwayException("Column '" + name + "' is null at row " + i
                    + "; use column(name) to get nulls, or filter them out first");
        }
        return o;
    }
}
