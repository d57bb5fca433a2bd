package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.max;
import static org.spillway.frame.Functions.mean;
import static org.spillway.frame.Functions.min;
import static org.spillway.frame.Functions.sum;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * The group-by's special paths for one int key agree with a plain map: keys looked up in a direct
 * array while a chunk's values lie in the window the first chunk set up, hashed when a chunk falls
 * outside it (the two mixed in one table), and aggregates read straight from the vectors.
 */
@SpillwayTest
class GroupByKeyPathsTest {
    /** Sessions for this test; the extension closes them (and checks for leaks) after it. */
    SpillwaySessions sessions;

    @Test
    void directWindowAndHashedChunksGiveTheSameGroups() {
        int rows = 60_000;
        List<Object[]> data = new ArrayList<>();
        Map<Integer, long[]> expected = new TreeMap<>(); // count, sum, min, max
        for (int i = 0; i < rows; i++) {
            int chunk = i / 4096;
            int k;
            if (chunk == 0) {
                k = i % 10; // the first chunk: a narrow window around 0..9
            } else if (chunk % 3 == 1) {
                // hashed: far outside the window, and just below it, with values inside it too
                k = i % 2 == 0 ? 5_000_000 + i % 17 : i % 10 - (i % 7 == 0 ? 600 : 0);
            } else {
                k = i % 20 - 5; // direct again, with groups new and old
            }
            int v = (i * 31) % 1000;
            data.add(new Object[] {k, v, v * 0.5});
            long[] e = expected.computeIfAbsent(k, x -> new long[] {0, 0, Long.MAX_VALUE, Long.MIN_VALUE});
            e[0]++;
            e[1] += v;
            e[2] = Math.min(e[2], v);
            e[3] = Math.max(e[3], v);
        }
        Schema schema = Schema.of(new Field("k", DataType.INT32), new Field("v", DataType.INT32), new Field("d", DataType.FLOAT64));
        for (int p : new int[] {1, 2}) {
            try (Spillway sw = sessions.open("64m", p, 4096)) {
                DataFrame f = sw.createDataFrame(schema, data);
                List<Row> got = f.groupBy("k").agg(count().as("n"), sum("v").as("s"), min("v").as("lo"), max("v").as("hi"),
                        mean("d").as("m")).sort("k").rows();
                assertEquals(expected.size(), got.size());
                int r = 0;
                for (Map.Entry<Integer, long[]> e : expected.entrySet()) {
                    Row row = got.get(r++);
                    long[] x = e.getValue();
                    assertEquals(e.getKey().intValue(), row.getInt("k"));
                    assertEquals(x[0], row.getLong("n"));
                    assertEquals(x[1], row.getLong("s"));
                    assertEquals(x[2], ((Number) row.get("lo")).longValue());
                    assertEquals(x[3], ((Number) row.get("hi")).longValue());
                    assertEquals(x[1] * 0.5 / x[0], row.getDouble("m"), 1e-9 * Math.max(1, Math.abs(x[1] * 0.5 / x[0])));
                }
            }
        }
    }

    /**
     * A chunk whose own table and scratch would pass a worker's share of a small budget is taken in
     * slices (before, the group by failed on its first chunk with a BudgetExceededException).
     */
    @Test
    void chunksLargerThanTheWorkersShareAreAggregatedInSlices() {
        int rows = 131_072;
        List<Object[]> data = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < rows; i++) {
            long v = i % 97;
            data.add(new Object[] {(i % 100_000) * 0.5, v}); // mostly distinct keys, 31,072 of them twice
            total += v;
        }
        Schema schema = Schema.of(new Field("k", DataType.FLOAT64), new Field("v", DataType.INT64));
        for (int p : new int[] {1, 2}) {
            try (Spillway sw = sessions.open("4m", p, 65_536)) {
                DataFrame f = sw.createDataFrame(schema, data);
                Row r = f.groupBy("k").agg(count().as("n"), sum("v").as("s"))
                        .agg(count().as("groups"), sum("n").as("rows"), max("n").as("most"), sum("s").as("total")).rows().get(0);
                assertEquals(100_000, r.getLong("groups"), "parallelism " + p);
                assertEquals(rows, r.getLong("rows"));
                assertEquals(2, ((Number) r.get("most")).longValue());
                assertEquals(total, r.getLong("total"));
            }
        }
    }

    @Test
    void compositeKeysMappedByArrayAndHashedChunksGiveTheSameGroups() {
        int rows = 40_000;
        List<Object[]> data = new ArrayList<>();
        Map<String, long[]> expected = new TreeMap<>(); // count, sum
        for (int i = 0; i < rows; i++) {
            int chunk = i / 4096;
            String s = "c" + (i % 7);
            // odd chunks: a wide int range (too many combinations for the array: hashed), and a null key now and then
            Integer k;
            if (chunk % 2 == 0) {
                k = i % 13;
            } else {
                k = i % 5 == 0 ? null : Integer.valueOf(i % 50_000);
            }
            int v = i % 101;
            data.add(new Object[] {s, k, v});
            long[] e = expected.computeIfAbsent(s + "|" + k, x -> new long[2]);
            e[0]++;
            e[1] += v;
        }
        Schema schema = Schema.of(new Field("s", DataType.STRING), new Field("k", DataType.INT32), new Field("v", DataType.INT32));
        for (int p : new int[] {1, 2}) {
            try (Spillway sw = sessions.open("64m", p, 4096)) {
                DataFrame f = sw.createDataFrame(schema, data);
                List<Row> got = f.groupBy("s", "k").agg(count().as("n"), sum("v").as("t")).rows();
                assertEquals(expected.size(), got.size());
                for (Row row : got) {
                    long[] x = expected.get(row.getString("s") + "|" + row.get("k"));
                    assertEquals(x[0], row.getLong("n"), row.toString());
                    assertEquals(x[1], row.getLong("t"), row.toString());
                }
            }
        }
    }

    /**
     * Int-only composite keys keep their array of group ids from chunk to chunk: chunks inside the
     * layout reuse it, a chunk partly outside widens it, one whose union with it is too wide lays it
     * out for itself alone, and a table flush (a tiny budget) empties it. Counts, sums and medians
     * (holistic values, grouped again by the same keys in the merge) must equal a plain map's.
     */
    @Test
    void compositeIntKeysReuseTheirArrayAcrossChunksAndFlushes() {
        int rows = 120_000;
        List<Object[]> data = new ArrayList<>();
        Map<String, List<Integer>> values = new TreeMap<>();
        for (int i = 0; i < rows; i++) {
            int chunk = i / 4096;
            int a;
            int b;
            switch (chunk % 4) {
                case 0 -> { // the first layout
                    a = i % 10;
                    b = (i / 10) % 10;
                }
                case 1 -> { // partly outside: widened
                    a = 5 + i % 10;
                    b = (i / 10) % 10;
                }
                case 2 -> { // far outside, too wide together: this chunk's own layout
                    a = 1000 + i % 10;
                    b = (i / 10) % 100;
                }
                default -> { // back inside the first ranges
                    a = i % 10;
                    b = (i / 7) % 10;
                }
            }
            int v = (i * 37) % 1001;
            data.add(new Object[] {a, b, v});
            values.computeIfAbsent(a + "|" + b, x -> new ArrayList<>()).add(v);
        }
        Schema schema = Schema.of(new Field("a", DataType.INT32), new Field("b", DataType.INT32), new Field("v", DataType.INT32));
        for (String memory : new String[] {"64m", "2m"}) {
            for (int p : new int[] {1, 2}) {
                try (Spillway sw = sessions.open(memory, p, 4096)) {
                    DataFrame f = sw.createDataFrame(schema, data);
                    List<Row> got = f.groupBy("a", "b").agg(count().as("n"), sum("v").as("t"),
                            Functions.median("v").as("m")).rows();
                    String where = memory + ", parallelism " + p;
                    assertEquals(values.size(), got.size(), where);
                    for (Row row : got) {
                        List<Integer> x = values.get(row.getInt("a") + "|" + row.getInt("b"));
                        assertEquals(x.size(), row.getLong("n"), where + " " + row);
                        assertEquals(x.stream().mapToLong(Integer::longValue).sum(), row.getLong("t"), where + " " + row);
                        int[] sorted = x.stream().mapToInt(Integer::intValue).sorted().toArray();
                        int c = sorted.length;
                        double median = c % 2 == 1 ? sorted[c / 2] : (sorted[c / 2 - 1] + sorted[c / 2]) / 2.0;
                        assertEquals(median, row.getDouble("m"), where + " " + row);
                    }
                    if (memory.equals("2m") && p == 1) {
                        assertTrue(sw.counters().getOrDefault("groupby.flushedGroups", 0L) > 0,
                                "the tiny budget should flush the table: " + sw.counters());
                    }
                }
            }
        }
    }

    /**
     * String and int composite keys by pool id: new strings in later chunks widen the layout, a
     * string aggregate interns many other strings into the same pool (so ids spread past the array
     * and chunks fall back to dictionary codes), and a tiny budget clears table and pool. Counts,
     * sums and the least name must equal a plain map's.
     */
    @Test
    void stringCompositeKeysByPoolIdAgreeWithAMap() {
        int rows = 100_000;
        List<Object[]> data = new ArrayList<>();
        Map<String, long[]> expected = new TreeMap<>(); // count, sum
        Map<String, String> least = new TreeMap<>();
        for (int i = 0; i < rows; i++) {
            int chunk = i / 4096;
            String s = "k" + (i % (3 + chunk % 9)) + (chunk % 5 == 4 ? "x" + (i % 40) : "");
            int a = i % 11;
            int v = i % 97;
            String name = "n" + (i * 7919 % 20_000);
            data.add(new Object[] {s, a, v, name});
            String key = s + "|" + a;
            long[] e = expected.computeIfAbsent(key, x -> new long[2]);
            e[0]++;
            e[1] += v;
            least.merge(key, name, (x, y) -> x.compareTo(y) <= 0 ? x : y);
        }
        Schema schema = Schema.of(new Field("s", DataType.STRING), new Field("a", DataType.INT32), new Field("v", DataType.INT32),
                new Field("name", DataType.STRING));
        for (String memory : new String[] {"64m", "2m"}) {
            for (int p : new int[] {1, 2}) {
                try (Spillway sw = sessions.open(memory, p, 4096)) {
                    DataFrame f = sw.createDataFrame(schema, data);
                    String where = memory + ", parallelism " + p;
                    List<Row> got = f.groupBy("s", "a").agg(count().as("n"), sum("v").as("t")).rows();
                    assertEquals(expected.size(), got.size(), where);
                    for (Row row : got) {
                        long[] x = expected.get(row.getString("s") + "|" + row.getInt("a"));
                        assertEquals(x[0], row.getLong("n"), where + " " + row);
                        assertEquals(x[1], row.getLong("t"), where + " " + row);
                    }
                    List<Row> names = f.groupBy("s", "a").agg(min("name").as("least"), count().as("n")).rows();
                    assertEquals(expected.size(), names.size(), where);
                    for (Row row : names) {
                        String key = row.getString("s") + "|" + row.getInt("a");
                        assertEquals(least.get(key), row.getString("least"), where + " " + row);
                        assertEquals(expected.get(key)[0], row.getLong("n"), where + " " + row);
                    }
                }
            }
        }
    }
}
