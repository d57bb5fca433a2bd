package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.asc;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.desc;
import static org.spillway.frame.Functions.lit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.spillway.frame.io.CsvOptions;
import org.spillway.frame.plan.Optimizer;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.frame.testkit.TestData;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * Sort, top-k and union against DuckDB beyond the plain sort cases (every key type and direction
 * at parallelism 1 and 2, in memory and under a budget so small that the sorted runs spill, are in
 * {@link SpillMatrixTest}): top-k of every size, sorts by expressions, filters and count over
 * sorts, wide rows merged in several passes, errors, a failing sort that must leak nothing, and
 * unions. Orders equal DuckDB's {@code ORDER BY keys..., rn} (the stable order, rn being the input
 * row number); nothing is left on disk.
 */
@SpillwayTest
class SortDuckDbTest {
    @TempDir
    static Path dir;
    static Path csv;
    static final int ROWS = 60_000;
    static CsvOptions OPTS;
    static String src;
    /** Each input row (as text) by its row number, read by Spillway without sorting. */
    static Map<Long, String> byRn;

    @BeforeAll
    static void writeData(Spillway sw) {
        TestData.Table t = TestData.sort(dir);
        csv = t.path();
        OPTS = t.options();
        src = t.scan();
        byRn = new HashMap<>();
        for (Row row : sw.readCsv(csv, OPTS).rows()) {
            byRn.put(row.getLong("rn"), row.values().toString());
        }
        assertEquals(ROWS, byRn.size());
    }

    /** "s desc nulls first, i" as SortOrders (the spill matrix's parser). */
    static SortOrder[] orders(String spec) {
        return SpillMatrixTest.orders(spec);
    }

    /** The input rows (as text) in DuckDB's order {@code ORDER BY orderBy, rn} (the stable order). */
    static List<String> expected(String orderBy, String where, long limit) {
        // DuckDB's default is NULLS LAST for both directions; say so anyway
        StringBuilder ob = new StringBuilder();
        for (String part : orderBy.split(",\\s*")) {
            ob.append(part.contains("nulls") ? part : part + " nulls last").append(", ");
        }
        List<List<Object>> rns = DuckOracle.query("SELECT rn FROM " + src + (where == null ? "" : " WHERE " + where)
                + " ORDER BY " + ob + "rn" + (limit >= 0 ? " LIMIT " + limit : ""));
        List<String> out = new ArrayList<>();
        for (List<Object> r : rns) {
            out.add(byRn.get((Long) r.getFirst()));
        }
        return out;
    }

    static List<String> text(DataFrame f) {
        return f.rows().stream().map(r -> r.values().toString()).toList();
    }

    @ParameterizedTest(name = "top {0} at parallelism {1}, memory {2}")
    @org.junit.jupiter.params.provider.CsvSource({"0, 2, 64m", "1, 1, 64m", "7, 2, 2m", "1000, 2, 2m", "20000, 2, 2m",
            "59999, 1, 64m", "100000, 2, 64m"})
    void topKEqualsTheSortsPrefix(long k, int parallelism, String memory, SpillwaySessions sessions) {
        String spec = "s desc nulls first, d";
        List<String> expected = expected(spec, null, k);
        Spillway sw = sessions.open(memory, parallelism);
        DataFrame f = sw.readCsv(csv, OPTS);
        assertEquals(expected, text(f.sort(orders(spec)).limit(k)));
        // also through a projection, and a limit over a top-k
        assertEquals(expected.stream().limit(Math.min(k, 10)).map(r -> r.substring(1, r.indexOf(','))).toList(),
                f.orderBy(orders(spec)).limit(k).select("rn").limit(10).rows().stream().map(r -> r.get(0).toString()).toList());
        assertEquals(Math.min(k, ROWS), f.sort(orders(spec)).limit(k).count());
    }

    @Test
    @SpillwayTest(memoryLimit = "4m")
    void sortByExpressionsFiltersAndCount(Spillway sw) {
        DataFrame f = sw.readCsv(csv, OPTS);
        DataFrame byExpr = f.sort(desc(col("i").multiply(lit(2)).plus(col("l"))).nullsFirst(), asc(col("s").length()));
        assertEquals(f.columns(), byExpr.columns(), "the computed keys are not in the output");
        assertEquals(expected("i * 2 + l desc nulls first, length(s)", null, -1), text(byExpr));

        // a filter after the sort runs before it; a projection keeps the order
        DataFrame q = f.sort("s", "rn").filter(col("i").gt(10).and(col("b"))).select("rn", "s");
        String optimized = Optimizer.optimize(q.plan()).render();
        assertTrue(optimized.indexOf("Sort") < optimized.indexOf("Filter"), "the filter runs below the sort: " + optimized);
        List<String> want = expected("s", "i > 10 AND b", -1);
        assertEquals(want.size(), q.count());
        List<Row> got = q.rows();
        for (int i = 0; i < want.size(); i++) {
            assertTrue(want.get(i).startsWith("[" + got.get(i).get(0) + ", "), i + ": " + want.get(i) + " vs " + got.get(i));
        }

        // count() does not sort; a sort over a sort is one sort, equal to the two in turn
        DataFrame sorted = f.sort(desc("i"));
        assertFalse(Optimizer.optimize(sorted.plan(), java.util.Set.of()).render().contains("Sort"));
        assertEquals(ROWS, sorted.count());
        assertEquals(expected("b, i desc", null, -1), text(sorted.sort("b")));
        assertEquals(expected("b, i desc", null, -1), text(sorted.collect().sort("b")));

        // sort, then group by: first() sees the sorted order
        DuckOracle.assertSameOrderedRows(DuckOracle.query("SELECT b, first(rn ORDER BY d DESC NULLS LAST, rn) FROM " + src
                        + " GROUP BY b ORDER BY b NULLS LAST"),
                DuckOracle.rows(f.sort(desc("d")).groupBy("b").agg(Functions.first("rn")).sort("b")), 0);
    }

    @Test
    @SpillwayTest(memoryLimit = "2m", chunkRows = 128)
    void wideRowsUnderATinyBudgetMergeInSeveralPasses(Spillway sw) {
        // rows of ~1 KB under 2 MB: runs of ~500 rows, run chunks of 256 rows, so only a few runs
        // can be merged at once and runs are first merged into longer ones
        Schema s = Schema.of(new Field("id", DataType.INT32), new Field("k", DataType.INT32), new Field("text", DataType.STRING));
        SplittableRandom r = new SplittableRandom(5);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 4_000; i++) {
            String text = r.nextInt(10) == 0 ? null : (char) ('a' + r.nextInt(5)) + "-".repeat(500 + r.nextInt(1000));
            rows.add(new Object[] {i, r.nextInt(7), text});
        }
        List<Object[]> want = new ArrayList<>(rows);
        // stable: k descending, then text ascending with nulls first
        want.sort(java.util.Comparator.<Object[], Integer>comparing(x -> (Integer) x[1]).reversed()
                .thenComparing(x -> (String) x[2], java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())));
        DataFrame f = sw.createDataFrame(s, rows);
        List<Object> ids = f.sort(desc("k"), asc("text").nullsFirst()).column("id");
        assertEquals(want.stream().map(x -> x[0]).toList(), ids);
        assertTrue(sw.spilledBytes() > 0, sw.memoryReport());
        List<Object> top = f.sort(desc("k"), asc("text").nullsFirst()).limit(1_500).column("id");
        assertEquals(want.stream().limit(1_500).map(x -> x[0]).toList(), top);
    }

    @Test
    @SpillwayTest(memoryLimit = "16m", parallelism = 1)
    void sortErrorsNameTheProblem(Spillway sw) {
        DataFrame f = sw.readCsv(csv, OPTS);
        ColumnNotFoundException e = assertThrows(ColumnNotFoundException.class, () -> f.sort("nope"));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
        SpillwayException none = assertThrows(SpillwayException.class, () -> f.sort(new SortOrder[0]));
        assertTrue(none.getMessage().contains("at least one"), none.getMessage());
    }

    @Test
    void manyTinyChunksSortUnderATinyBudget(SpillwaySessions sessions) {
        // 45,000 rows in 16-row chunks fill a 2 MB budget; spilling them and reading them back scatters idle pool blocks
        // over slabs that still lend others, which the pool must stop charging when the sort needs room
        Spillway sw = sessions.open("2m", 2, 16);
        List<Object[]> rows = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 45_000; i++) {
            rows.add(new Object[] {"u" + r.nextInt(5000), (long) r.nextInt(1_000_000), (double) i});
        }
        DataFrame f = sw.createDataFrame(Schema.of(new Field("user", DataType.STRING), new Field("t", DataType.INT64),
                new Field("v", DataType.FLOAT64)), rows);
        List<Row> sorted = f.sort("user", "t", "v").rows();
        assertEquals(45_000, sorted.size());
        rows.sort(java.util.Comparator.comparing((Object[] a) -> (String) a[0]).thenComparing(a -> (Long) a[1])
                .thenComparing(a -> (Double) a[2]));
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(rows.get(i)[2], sorted.get(i).get("v"), "row " + i);
        }
        assertTrue(sw.spilledBytes() > 0, sw.memoryReport());
    }

    @Test
    void aSortWhoseBudgetOthersHoldFinishesInOrder(SpillwaySessions sessions) {
        // another holder keeps all but ~0.5 MB of an 8 MB budget for the whole sort: the merge's share (half the budget)
        // is not there, so its fan-in is what fits now (runs merged in passes when that is less than all of them), where
        // pinning a chunk of every run at once failed with BudgetExceededException (sort merge). Whether the fan-in is
        // cut depends on how many runs the workers wrote, which depends on timing: only "a cut means passes" is fixed.
        Spillway sw = sessions.open("8m", 2, 16);
        List<Object[]> rows = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < 45_000; i++) {
            rows.add(new Object[] {"u" + r.nextInt(5000), (long) r.nextInt(1_000_000), (double) i});
        }
        DataFrame f = sw.createDataFrame(Schema.of(new Field("user", DataType.STRING), new Field("t", DataType.INT64),
                new Field("v", DataType.FLOAT64)), rows);
        List<Row> sorted;
        try (var held = sw.budget().reserve("another operator", 7600L << 10)) {
            sorted = f.sort("user", "t", "v").rows();
        }
        assertEquals(45_000, sorted.size());
        rows.sort(java.util.Comparator.comparing((Object[] a) -> (String) a[0]).thenComparing(a -> (Long) a[1])
                .thenComparing(a -> (Double) a[2]));
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(rows.get(i)[2], sorted.get(i).get("v"), "row " + i);
        }
        Map<String, Long> c = sw.counters();
        assertTrue(c.getOrDefault("sort.runs", 0L) > 1, c.toString());
        assertTrue(c.getOrDefault("sort.fanInCuts", 0L) == 0 || c.getOrDefault("sort.mergePasses", 0L) > 0, c.toString());
    }

    @Test
    @SpillwayTest(memoryLimit = "2m")
    void aFailingSortLeaksNothingAndAnEmptySortIsEmpty(SpillwaySessions sessions) throws Exception {
        Spillway sw = sessions.open();
        DataFrame f = sw.readCsv(csv, OPTS);
        assertEquals(List.of(), f.filter(col("rn").lt(0)).sort("s").rows());
        assertEquals(0, f.filter(col("rn").lt(0)).sort(desc("d")).limit(3).collect().count());
        // the key overflows in the last rows, after runs were written and spilled
        SpillwayException e = assertThrows(SpillwayException.class,
                () -> f.sort(asc(col("rn").plus(col("rn").gt(ROWS - 100).cast(DataType.INT64).multiply(Long.MAX_VALUE)))).collect());
        assertTrue(e.getMessage().contains("overflow"), e.getMessage());
        sw.close(); // throws if a reservation or a pin leaked
        assertEquals(0, sw.budget().used());
        assertFalse(OutOfCoreTest.hasFiles(sessions.spillRoot()), "spill files left behind in " + sessions.spillRoot());
    }

    @Test
    @SpillwayTest(memoryLimit = "8m")
    void unionKeepsDuplicatesAndOrderAndChecksSchemas(SpillwaySessions sessions) {
        Schema s = Schema.of(new Field("id", DataType.INT64), new Field("name", DataType.STRING));
        Schema renamed = Schema.of(new Field("key", DataType.INT64), new Field("label", DataType.STRING));
        Spillway sw = sessions.open();
        DataFrame a = sw.createDataFrame(s, List.of(new Object[] {1L, "x"}, new Object[] {2L, null}));
        DataFrame b = sw.createDataFrame(renamed, List.of(new Object[] {2L, null}, new Object[] {3L, "日本"}));
        DataFrame u = a.union(b);
        assertEquals(List.of("id", "name"), u.columns());
        assertEquals("[[1, x], [2, null], [2, null], [3, 日本]]", u.rows().stream().map(r -> r.values().toString()).toList().toString());
        assertEquals(4, u.count());
        assertEquals(List.of(3L, 2L, 2L), u.filter(col("id").geq(2)).sort(desc("id")).column("id"));
        assertEquals(8, u.union(u).count());
        assertEquals(List.of(1L, 2L, 2L, 3L, 1L, 2L, 2L, 3L), u.union(u).column("id"));

        SpillwayException types = assertThrows(SpillwayException.class,
                () -> a.union(b.select(col("label"), col("key"))));
        assertTrue(types.getMessage().contains("column 1") && types.getMessage().contains("'id'")
                && types.getMessage().contains("'label'"), types.getMessage());
        SpillwayException width = assertThrows(SpillwayException.class, () -> a.union(b.select("key")));
        assertTrue(width.getMessage().contains("2 columns") && width.getMessage().contains("1"), width.getMessage());

        // by name: the other frame's columns are reordered
        DataFrame c = sw.createDataFrame(Schema.of(new Field("name", DataType.STRING), new Field("id", DataType.INT64)),
                List.<Object[]>of(new Object[] {"z", 9L}));
        assertEquals("[[1, x], [2, null], [9, z]]", a.unionByName(c).rows().stream().map(r -> r.values().toString()).toList().toString());
        SpillwayException missing = assertThrows(SpillwayException.class, () -> a.unionByName(b));
        assertTrue(missing.getMessage().contains("'id'") && missing.getMessage().contains("missing"), missing.getMessage());
        SpillwayException extra = assertThrows(SpillwayException.class,
                () -> a.unionByName(c.withColumn("more", lit(1))));
        assertTrue(extra.getMessage().contains("'more'"), extra.getMessage());
        SpillwayException type = assertThrows(SpillwayException.class,
                () -> a.unionByName(c.withColumn("id", col("id").cast(DataType.STRING))));
        assertTrue(type.getMessage().contains("'id'") && type.getMessage().contains("int64")
                && type.getMessage().contains("string"), type.getMessage());
        Spillway other = sessions.open("8m", 1);
        DataFrame o = other.createDataFrame(s, List.<Object[]>of(new Object[] {5L, "o"}));
        assertThrows(SpillwayException.class, () -> a.union(o));
    }

    @Test
    @SpillwayTest(memoryLimit = "2m")
    void unionOfScansStreamsAndSortsAsDuckDb(Spillway sw) {
        DataFrame f = sw.readCsv(csv, OPTS);
        DataFrame evens = f.filter(col("rn").mod(2).eq(0)).select("rn", "s", "i");
        DataFrame odds = f.collect().filter(col("rn").mod(2).eq(1)).select(col("rn"), col("s").as("t"), col("i"));
        DataFrame u = evens.union(odds);
        assertEquals(ROWS, u.count());
        assertEquals(ROWS / 2, u.filter(col("rn").mod(2).eq(1)).count());
        List<Object> rn = u.limit(ROWS / 2 + 3).column("rn");
        assertEquals(List.of(0L, 2L, 4L), rn.subList(0, 3));
        assertEquals(List.of(1L, 3L, 5L), rn.subList(ROWS / 2, ROWS / 2 + 3));
        // the union in a sort: equal to DuckDB's order of the whole input
        List<String> want = expected("s desc, i nulls first", null, -1);
        List<Row> got = u.sort(desc("s"), asc("i").nullsFirst(), asc("rn")).rows();
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            assertTrue(want.get(i).startsWith("[" + got.get(i).get(0) + ", "), i + ": " + want.get(i) + " vs " + got.get(i));
        }
        // a limited input of a union
        assertEquals(List.of(0L, 2L, 1L), evens.limit(2).union(odds.limit(1)).column("rn"));
    }
}
