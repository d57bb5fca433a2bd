package org.spillway.frame.exec.window;

import java.util.Comparator;

/** Java values as the sort orders them, for {@link PartitionTopKTerminal}'s heaps. */
final class WindowTopKValues {
    private WindowTopKValues() {
    }

    /**
     * The sort's order of two non-null values of one column: strings by code point (the order of their UTF-8 bytes),
     * doubles with NaN above every number, anything else by its natural order.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static final Comparator<Object> ORDER = (a, b) -> {
        if (a instanceof String x && b instanceof String y) {
            return codePoints(x, y);
        }
        if (a instanceof Double x && b instanceof Double y) {
            return Double.compare(x, y);
        }
        return ((Comparable) a).compareTo(b);
    };

    /** {@code v}, with -0.0 read as 0.0 (the sort and the partitioning see one zero). */
    static Object normal(Object v) {
        return v instanceof Double d && d == 0.0 ? (Object) 0.0 : v;
    }

    private static int codePoints(String x, String y) {
        int i = 0;
        int j = 0;
        while (i < x.length() && j < y.length()) {
            int a = x.codePointAt(i);
            int b = y.codePointAt(j);
            if (a != b) {
                return Integer.compare(a, b);
            }
            i += Character.charCount(a);
            j += Character.charCount(b);
        }
        return Integer.compare(x.length() - i, y.length() - j);
    }
}
