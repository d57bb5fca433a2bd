package org.spillway.ml;

import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import it.unimi.dsi.fastutil.objects.Object2LongOpenHashMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.spillway.frame.ColumnNotFoundException;
import org.spillway.frame.DataFrame;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.BoolVector;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.StringVector;

/** Finding the categories of columns: one parallel counting pass, categories kept as text labels. */
final class Categories {
    private Categories() {
    }

    /** The types that can hold categories: strings, integers, bools. */
    static boolean isCategorical(DataType t) {
        return t == DataType.STRING || t == DataType.INT32 || t == DataType.INT64 || t == DataType.BOOL;
    }

    /** The integer value of the text label of an integer or bool category. */
    static long parseKey(String label) {
        return switch (label) {
            case "true" -> 1;
            case "false" -> 0;
            default -> Long.parseLong(label);
        };
    }

    /** The integer value of a category given as an object. */
    static long toLong(Object v, String column) {
        return switch (v) {
            case Integer i -> i;
            case Long l -> l;
            case Boolean b -> b ? 1 : 0;
            case Number num when num.doubleValue() == Math.rint(num.doubleValue()) -> num.longValue();
            default -> throw new MlException("Column '" + column + "' holds integer categories; " + v + " is not one");
        };
    }

    /** The text label of an integer category of a column of type {@code t}. */
    static String label(long v, DataType t) {
        return t == DataType.BOOL ? Boolean.toString(v != 0) : Long.toString(v);
    }

    /** Per-worker counts: one map per column (text for strings, long for the rest). */
    private static final class Counts {
        final Object[] maps;

        Counts(boolean[] strings) {
            maps = new Object[strings.length];
            for (int c = 0; c < strings.length; c++) {
                maps[c] = strings[c] ? new Object2LongOpenHashMap<String>() : new Long2LongOpenHashMap();
            }
        }
    }

    /**
     * Counts the non-null values of each column in one parallel pass and orders them; more than
     * {@code max} distinct values in a column is an error suggesting a hasher.
     *
     * @param order "frequencyDesc" (most frequent first, ties by label) or "alphabetAsc" (by label;
     *              numbers by value)
     * @return per column, the category labels in order
     */
    @SuppressWarnings("unchecked")
    static List<List<String>> find(DataFrame frame, List<String> columns, String order, int max, String owner) {
        Schema s = frame.schema();
        boolean[] strings = new boolean[columns.size()];
        DataType[] types = new DataType[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            int i = s.indexOf(columns.get(c));
            if (i < 0) {
                throw new ColumnNotFoundException(columns.get(c), s.names());
            }
            types[c] = s.type(i);
            if (!isCategorical(types[c])) {
                throw new MlException(owner + ": column '" + columns.get(c) + "' is " + types[c] + "; categories must be strings,"
                        + " integers or bools (cast a float column first, e.g. col(\"" + columns.get(c) + "\").cast(DataType.INT64))");
            }
            strings[c] = types[c] == DataType.STRING;
        }
        Counts total = frame.select(columns.toArray(String[]::new)).reduceChunks(() -> new Counts(strings),
                (acc, chunk) -> count(acc, chunk, strings, max, columns, owner), (a, b) -> merge(a, b, strings));
        List<List<String>> out = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            List<Map.Entry<String, Long>> entries = new ArrayList<>();
            boolean numeric = !strings[c];
            if (strings[c]) {
                ((Object2LongOpenHashMap<String>) total.maps[c]).object2LongEntrySet()
                        .forEach(e -> entries.add(Map.entry(e.getKey(), e.getLongValue())));
            } else {
                DataType t = types[c];
                ((Long2LongOpenHashMap) total.maps[c]).long2LongEntrySet()
                        .forEach(e -> entries.add(Map.entry(label(e.getLongKey(), t), e.getLongValue())));
            }
            Comparator<Map.Entry<String, Long>> byLabel = numeric
                    ? Comparator.comparingLong(e -> parseKey(e.getKey()))
                    : Map.Entry.comparingByKey();
            if (order.equals("frequencyDesc")) {
                entries.sort(Comparator.<Map.Entry<String, Long>>comparingLong(e -> -e.getValue()).thenComparing(byLabel));
            } else {
                entries.sort(byLabel);
            }
            if (entries.isEmpty()) {
                throw new MlException(owner + ": column '" + columns.get(c) + "' has no non-null value to learn categories from");
            }
            out.add(entries.stream().map(Map.Entry::getKey).toList());
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void count(Counts acc, Chunk chunk, boolean[] strings, int max, List<String> columns, String owner) {
        for (int c = 0; c < strings.length; c++) {
            ColumnVector v = chunk.column(c);
            int n = v.size();
            if (strings[c]) {
                Object2LongOpenHashMap<String> m = (Object2LongOpenHashMap<String>) acc.maps[c];
                StringVector sv = (StringVector) v;
                if (sv.isDictionary()) {
                    long[] per = new long[sv.dictionarySize()];
                    for (int i = 0; i < n; i++) {
                        if (!sv.isNull(i)) {
                            per[sv.code(i)]++;
                        }
                    }
                    for (int e = 0; e < per.length; e++) {
                        if (per[e] > 0) {
                            m.addTo(CategoryCodes.entry(sv, e), per[e]);
                        }
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        if (!sv.isNull(i)) {
                            m.addTo(sv.getString(i), 1);
                        }
                    }
                }
                check(m.size(), max, columns.get(c), owner);
            } else {
                Long2LongOpenHashMap m = (Long2LongOpenHashMap) acc.maps[c];
                for (int i = 0; i < n; i++) {
                    if (v.isNull(i)) {
                        continue;
                    }
                    long key = switch (v) {
                        case IntVector iv -> iv.get(i);
                        case LongVector lv -> lv.get(i);
                        case BoolVector bv -> bv.get(i) ? 1 : 0;
                        default -> throw new IllegalStateException(v.type().toString());
                    };
                    m.addTo(key, 1);
                }
                check(m.size(), max, columns.get(c), owner);
            }
        }
    }

    private static void check(int size, int max, String column, String owner) {
        if (size > max) {
            throw new MlException(String.format(Locale.ROOT, "%s: column '%s' has more than %,d distinct values; hash it into "
                    + "a fixed number of features with FeatureHasher instead, or raise maxCategories(...)", owner, column, max));
        }
    }

    @SuppressWarnings("unchecked")
    private static Counts merge(Counts a, Counts b, boolean[] strings) {
        for (int c = 0; c < strings.length; c++) {
            if (strings[c]) {
                Object2LongOpenHashMap<String> m = (Object2LongOpenHashMap<String>) a.maps[c];
                ((Object2LongOpenHashMap<String>) b.maps[c]).object2LongEntrySet().forEach(e -> m.addTo(e.getKey(), e.getLongValue()));
            } else {
                Long2LongOpenHashMap m = (Long2LongOpenHashMap) a.maps[c];
                ((Long2LongOpenHashMap) b.maps[c]).long2LongEntrySet().forEach(e -> m.addTo(e.getLongKey(), e.getLongValue()));
            }
        }
        return a;
    }
}
