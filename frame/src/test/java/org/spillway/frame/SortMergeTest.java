package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.asc;
import static org.spillway.frame.Functions.desc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * The merge phase of the external sort: many runs merged in several passes and then in parallel key
 * ranges, a key holding most rows, and the same result at any parallelism. Expected orders come from
 * Java's stable {@code List.sort} of the input rows, so equal keys must keep input order (checked by
 * the row id column {@code id}, which is the input position).
 */
@SpillwayTest
class SortMergeTest {
    /** Sessions for this test; the extension closes them (and checks for leaks) after it. */
    SpillwaySessions sessions;

    @TempDir
    Path dir;

    static final Schema SCHEMA = Schema.of(new Field("id", DataType.INT64), new Field("k", DataType.INT32),
            new Field("s", DataType.STRING), new Field("d", DataType.FLOAT64));

    /**
     * {@code n} rows: k with nulls (or, with skew, one value in 19 rows of 20), s short and long ASCII
     * strings with nulls and shared long prefixes, d with nulls, NaN and many ties.
     */
    static List<Object[]> rows(int n, long seed, boolean skew) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] words = {"a", "b", "zz", "prefix-shared-long-", "prefix-shared-long-", "m"};
        List<Object[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Integer k;
            if (skew) {
                k = r.nextInt(20) == 0 ? r.nextInt(-50, 50) : 42;
            } else {
                k = r.nextInt(25) == 0 ? null : Integer.valueOf(r.nextInt(-300, 300));
            }
            String s = r.nextInt(15) == 0 ? null : words[r.nextInt(words.length)] + (skew ? r.nextInt(3) : r.nextInt(40));
            Double d = switch (r.nextInt(30)) {
                case 0 -> null;
                case 1 -> Double.NaN;
                default -> r.nextInt(-8, 8) / 2.0 + 0.25;
            };
            out.add(new Object[] {(long) i, k, s, d});
        }
        return out;
    }

    /** The order of {@code k asc nulls first, s desc (nulls last), d asc (nulls last, NaN greatest)}, stable. */
    static final Comparator<Object[]> ORDER = Comparator
            .<Object[], Integer>comparing(x -> (Integer) x[1], Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(x -> (String) x[2], Comparator.nullsLast(Comparator.<String>reverseOrder()))
            .thenComparing(x -> (Double) x[3], Comparator.nullsLast(Comparator.naturalOrder()));

    static SortOrder[] orders() {
        return new SortOrder[] {asc("k").nullsFirst(), desc("s"), asc("d")};
    }

    static List<Object> expectedIds(List<Object[]> rows) {
        List<Object[]> sorted = new ArrayList<>(rows);
        sorted.sort(ORDER); // stable: equal keys stay in input (id) order
        return sorted.stream().map(x -> x[0]).toList();
    }

    Spillway session(String memory, int parallelism, int chunkRows, String spill) {
        return sessions.open(memory, parallelism, chunkRows);
    }

    @Test
    void manyRunsMergeInPassesThenInParallelRanges() throws Exception {
        List<Object[]> rows = rows(150_000, 7, false);
        List<Object> want = expectedIds(rows);
        Path spill = sessions.spillRoot();
        try (Spillway sw = session("2m", 2, 256, "spill-many")) {
            DataFrame f = sw.createDataFrame(SCHEMA, rows);
            assertEquals(want, f.sort(orders()).column("id"));
            var c = sw.counters();
            assertTrue(c.getOrDefault("sort.runs", 0L) > 20, "many runs: " + c);
            assertTrue(c.getOrDefault("sort.mergePasses", 0L) >= 1, "runs are first merged into longer ones: " + c);
            assertTrue(c.getOrDefault("sort.ranges", 0L) >= 4, "the final merge is split into key ranges: " + c);
            assertTrue(sw.spilledBytes() > 0, sw.memoryReport());
            assertTrue(sw.budget().peak() <= sw.memoryLimit(), sw.memoryReport());
            // the whole rows, not just the ids, come through the merge intact
            List<Row> got = f.sort(orders()).rows();
            List<Object[]> sorted = new ArrayList<>(rows);
            sorted.sort(ORDER);
            for (int i = 0; i < sorted.size(); i += 997) {
                assertEquals(java.util.Arrays.asList(sorted.get(i)), got.get(i).values(), "row " + i);
            }
        }
        assertFalse(OutOfCoreTest.hasFiles(spill), "spill files left behind in " + spill);
    }

    @Test
    void aKeyHoldingMostRowsStaysStable() throws Exception {
        List<Object[]> rows = rows(120_000, 11, true);
        long skewed = rows.stream().filter(x -> Integer.valueOf(42).equals(x[1])).count();
        assertTrue(skewed > rows.size() * 9 / 10, "the key 42 holds most rows: " + skewed);
        List<Object> want = expectedIds(rows);
        for (String memory : new String[] {"2m", "64m"}) {
            try (Spillway sw = session(memory, 2, 1024, "spill-skew-" + memory)) {
                DataFrame f = sw.createDataFrame(SCHEMA, rows);
                List<Object> ids = f.sort(asc("k").nullsFirst(), desc("s"), asc("d")).column("id");
                assertEquals(want, ids, "under " + memory);
                // by the skewed key alone: its 90 % of rows in input order, as one block
                List<Object> byK = f.sort(asc("k")).column("id");
                List<Object[]> sorted = new ArrayList<>(rows);
                sorted.sort(Comparator.comparing(x -> (Integer) x[1], Comparator.nullsLast(Comparator.naturalOrder())));
                assertEquals(sorted.stream().map(x -> x[0]).toList(), byK, "under " + memory);
                // under 64m the rows may fit one worker's buffer (one run, nothing to merge) when the
                // other worker gets no morsel; under 2m there are always many runs to merge
                if (memory.equals("2m")) {
                    assertTrue(sw.counters().getOrDefault("sort.ranges", 0L) >= 4,
                            "the skewed key is cut into ranges by position like any other: " + sw.counters());
                }
            }
        }
    }

    @Test
    void parallelismOneTwoAndThreeGiveTheSameRows() {
        List<Object[]> rows = rows(80_000, 3, false);
        for (String memory : new String[] {"2m", "64m"}) {
            List<List<Object>> results = new ArrayList<>();
            List<Long> ranges = new ArrayList<>();
            for (int p = 1; p <= 3; p++) {
                try (Spillway sw = session(memory, p, 512, "spill-p" + p + memory)) {
                    DataFrame f = sw.createDataFrame(SCHEMA, rows);
                    List<Object> all = new ArrayList<>();
                    for (Row r : f.sort(orders()).rows()) {
                        all.add(r.values());
                    }
                    results.add(all);
                    ranges.add(sw.counters().getOrDefault("sort.ranges", 0L));
                    // a top-k merges in one range: the same prefix
                    assertEquals(all.subList(0, 1000), f.sort(orders()).limit(1000).rows().stream().map(Row::values).toList());
                }
            }
            assertEquals(results.get(0), results.get(1), "parallelism 1 and 2 under " + memory);
            assertEquals(results.get(0), results.get(2), "parallelism 1 and 3 under " + memory);
            assertEquals(expectedIds(rows), results.get(0).stream().map(r -> ((List<?>) r).getFirst()).toList());
            // under 64m the rows may fit one worker's buffer (one run, nothing to merge: ranges [0, 0, ..]) when the
            // other worker gets no morsel, as a CI check under load saw; under 2m there are always runs to merge
            if (memory.equals("2m")) {
                assertTrue(ranges.get(1) > ranges.get(0), "parallelism 2 splits the final merge into more ranges: " + ranges);
            }
        }
    }
}
