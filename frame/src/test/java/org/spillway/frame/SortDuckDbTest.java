package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.asc;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.desc;
import static org.spillway.frame.Functions.lit;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spillway.frame.io.CsvOptions;
import org.spillway.frame.plan.Optimizer;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * Sort, top-k and union against DuckDB on random data with nulls, many duplicate keys, NaN,
 * unicode strings and every type: the order equals DuckDB's {@code ORDER BY keys..., rn} (which is
 * the stable order, rn being the input row number), for mixed ascending / descending keys with
 * nulls first or last, at parallelism 1 and 2, in memory and under a budget so small that the
 * sorted runs spill; top-k equals the full sort's prefix; nothing is left on disk.
 */
class SortDuckDbTest {
    @TempDir
    static Path dir;
    static Path csv;
    static final int ROWS = 60_000;
    static final String COLUMNS = "{'rn': 'BIGINT', 'i': 'INTEGER', 'l': 'BIGINT', 'd': 'DOUBLE', 's': 'VARCHAR', "
            + "'b': 'BOOLEAN', 'dt': 'DATE', 'ts': 'TIMESTAMP'}";
    static final CsvOptions OPTS = CsvOptions.defaults().columnType("rn", DataType.INT64).columnType("i", DataType.INT32)
            .columnType("l", DataType.INT64).columnType("d", DataType.FLOAT64).columnType("s", DataType.STRING)
            .columnType("b", DataType.BOOL).columnType("dt", DataType.DATE).columnType("ts", DataType.TIMESTAMP);
    static String src;
    /** Each input row (as text) by its row number, read by Spillway without sorting. */
    static Map<Long, String> byRn;

    @BeforeAll
    static void writeData() throws Exception {
        csv = dir.resolve("s.csv");
        SplittableRandom r = new SplittableRandom(2024);
        String[] words = {"a", "B", "ab", "Émile", "émile", "日本", "z z", "zz", "\uD83D\uDE00x", "\uFFFDy", "long-" + "x".repeat(30)};
        try (BufferedWriter w = Files.newBufferedWriter(csv)) {
            w.write("rn,i,l,d,s,b,dt,ts\n");
            for (int n = 0; n < ROWS; n++) {
                String i = r.nextInt(15) == 0 ? "" : Integer.toString(r.nextInt(-40, 40));
                String l = r.nextInt(20) == 0 ? "" : Long.toString(r.nextLong(-3, 3) * 3_000_000_007L + r.nextInt(3));
                String d = switch (r.nextInt(25)) {
                    case 0 -> "";
                    case 1 -> "NaN";
                    case 2 -> "Infinity";
                    case 3 -> "-Infinity";
                    default -> Double.toString(r.nextInt(-20, 20) / 4.0 + 0.5);
                };
                String s = r.nextInt(12) == 0 ? "" : r.nextInt(30) == 0 ? "\"\"" : words[r.nextInt(words.length)] + r.nextInt(4);
                String b = r.nextInt(8) == 0 ? "" : Boolean.toString(r.nextBoolean());
                String dt = r.nextInt(10) == 0 ? "" : "2024-0" + (1 + r.nextInt(9)) + "-1" + r.nextInt(10);
                String ts = r.nextInt(10) == 0 ? "" : "2023-12-3" + r.nextInt(2) + " 1" + r.nextInt(10) + ":0" + r.nextInt(10) + ":00";
                w.write(n + "," + i + "," + l + "," + d + "," + s + "," + b + "," + dt + "," + ts + "\n");
            }
        }
        src = "read_csv('" + csv + "', columns = " + COLUMNS + ", header = true, allow_quoted_nulls = false)";
        byRn = new HashMap<>();
        try (Spillway sw = session("64m", 2, "load")) {
            for (Row row : sw.readCsv(csv, OPTS).rows()) {
                byRn.put(row.getLong("rn"), row.values().toString());
            }
        }
        assertEquals(ROWS, byRn.size());
    }

    static Spillway session(String memory, int parallelism, String spill) {
        return Spillway.builder().memoryLimit(memory).parallelism(parallelism).spillDir(dir.resolve(spill)).progress(false).build();
    }

    /** "s desc nulls first, i" as SortOrders. */
    static SortOrder[] orders(String spec) {
        List<SortOrder> out = new ArrayList<>();
        for (String part : spec.split(",\\s*")) {
            String[] t = part.trim().split("\\s+");
            SortOrder o = t.length > 1 && t[1].equals("desc") ? desc(t[0]) : asc(t[0]);
            if (part.contains("nulls first")) {
                o = o.nullsFirst();
            } else if (part.contains("nulls last")) {
                o = o.nullsLast();
            }
            out.add(o);
        }
        return out.toArray(SortOrder[]::new);
    }

    /** The input rows (as text) in DuckDB's order {@code ORDER BY orderBy, rn} (the stable order). */
    static List<String> expected(String orderBy, String where, long limit) throws Exception {
        // DuckDB's default is NULLS LAST for both directions; say so anyway
        StringBuilder ob = new StringBuilder();
        for (String part : orderBy.split(",\\s*")) {
            ob.append(part.contains("nulls") ? part : part + " nulls last").append(", ");
        }
        List<List<Object>> rns = PipelineDuckDbTest.duck("SELECT rn FROM " + src + (where == null ? "" : " WHERE " + where)
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

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        List<String> specs = List.of("i", "s desc nulls first, i", "d desc, l", "b nulls first, dt desc, ts", "ts desc nulls last, s",
                "b", "l desc nulls first, d nulls first, s desc");
        for (String spec : specs) {
            for (int p : new int[] {1, 2}) {
                out.add(Arguments.of(spec, p, "64m"));
            }
        }
        out.add(Arguments.of("s desc nulls first, i", 2, "2m"));
        out.add(Arguments.of("d desc, l", 1, "2m"));
        out.add(Arguments.of("b", 2, "2m"));
        return out.stream();
    }

    @ParameterizedTest(name = "sort by [{0}] at parallelism {1}, memory {2}")
    @MethodSource("cases")
    void sortEqualsDuckDb(String spec, int parallelism, String memory) throws Exception {
        List<String> expected = expected(spec, null, -1);
        Path spill = dir.resolve("spill-" + parallelism + memory);
        try (Spillway sw = session(memory, parallelism, spill.getFileName().toString())) {
            DataFrame f = sw.readCsv(csv, OPTS);
            DataFrame sorted = f.sort(orders(spec));
            assertEquals(f.columns(), sorted.columns());
            List<String> actual = text(sorted);
            assertEquals(expected.size(), actual.size());
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i), actual.get(i), "row " + i + " of the sort by " + spec);
            }
            if (memory.equals("2m")) {
                assertTrue(sw.spilledBytes() > 0, "a sort of 60,000 rows under 2 MB must spill its runs: " + sw.memoryReport());
                assertTrue(sw.budget().peak() <= sw.memoryLimit(), sw.memoryReport());
            }
            // top-k gives the full sort's first rows, without a full sort
            DataFrame top = f.sort(orders(spec)).limit(25);
            assertTrue(top.explainString().contains("TopK 25"), top.explainString());
            assertEquals(expected.subList(0, 25), text(top));
        }
        assertFalse(OutOfCoreTest.hasFiles(spill), "spill files left behind in " + spill);
    }

    @ParameterizedTest(name = "top {0} at parallelism {1}, memory {2}")
    @org.junit.jupiter.params.provider.CsvSource({"0, 2, 64m", "1, 1, 64m", "7, 2, 2m", "1000, 2, 2m", "20000, 2, 2m",
            "59999, 1, 64m", "100000, 2, 64m"})
    void topKEqualsTheSortsPrefix(long k, int parallelism, String memory) throws Exception {
        String spec = "s desc nulls first, d";
        List<String> expected = expected(spec, null, k);
        try (Spillway sw = session(memory, parallelism, "spill-top")) {
            DataFrame f = sw.readCsv(csv, OPTS);
            assertEquals(expected, text(f.sort(orders(spec)).limit(k)));
            // also through a projection, and a limit over a top-k
            assertEquals(expected.stream().limit(Math.min(k, 10)).map(r -> r.substring(1, r.indexOf(','))).toList(),
                    f.orderBy(orders(spec)).limit(k).select("rn").limit(10).rows().stream().map(r -> r.get(0).toString()).toList());
            assertEquals(Math.min(k, ROWS), f.sort(orders(spec)).limit(k).count());
        }
    }

    @Test
    void sortByExpressionsFiltersAndCount() throws Exception {
        try (Spillway sw = session("4m", 2, "spill-expr")) {
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
            assertEquals(PipelineDuckDbTest.duck("SELECT b, first(rn ORDER BY d DESC NULLS LAST, rn) FROM " + src
                            + " GROUP BY b ORDER BY b NULLS LAST").toString(),
                    PipelineDuckDbTest.normalize(f.sort(desc("d")).groupBy("b").agg(Functions.first("rn")).sort("b").rows()).toString());
        }
    }

    @Test
    void wideRowsUnderATinyBudgetMergeInSeveralPasses() throws Exception {
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
        Path spill = dir.resolve("spill-wide");
        try (Spillway sw = Spillway.builder().memoryLimit("2m").parallelism(2).chunkRows(128).spillDir(spill).progress(false).build()) {
            DataFrame f = sw.createDataFrame(s, rows);
            List<Object> ids = f.sort(desc("k"), asc("text").nullsFirst()).column("id");
            assertEquals(want.stream().map(x -> x[0]).toList(), ids);
            assertTrue(sw.spilledBytes() > 0, sw.memoryReport());
            List<Object> top = f.sort(desc("k"), asc("text").nullsFirst()).limit(1_500).column("id");
            assertEquals(want.stream().limit(1_500).map(x -> x[0]).toList(), top);
        }
        assertFalse(OutOfCoreTest.hasFiles(spill), "spill files left behind in " + spill);
    }

    @Test
    void sortErrorsNameTheProblem() throws Exception {
        try (Spillway sw = session("16m", 1, "spill-err")) {
            DataFrame f = sw.readCsv(csv, OPTS);
            ColumnNotFoundException e = assertThrows(ColumnNotFoundException.class, () -> f.sort("nope"));
            assertTrue(e.getMessage().contains("nope"), e.getMessage());
            SpillwayException none = assertThrows(SpillwayException.class, () -> f.sort(new SortOrder[0]));
            assertTrue(none.getMessage().contains("at least one"), none.getMessage());
        }
    }

    @Test
    void aFailingSortLeaksNothingAndAnEmptySortIsEmpty() throws Exception {
        Path spill = dir.resolve("spill-sort-fail");
        Spillway sw = session("2m", 2, spill.getFileName().toString());
        DataFrame f = sw.readCsv(csv, OPTS);
        assertEquals(List.of(), f.filter(col("rn").lt(0)).sort("s").rows());
        assertEquals(0, f.filter(col("rn").lt(0)).sort(desc("d")).limit(3).collect().count());
        // the key overflows in the last rows, after runs were written and spilled
        SpillwayException e = assertThrows(SpillwayException.class,
                () -> f.sort(asc(col("rn").plus(col("rn").gt(ROWS - 100).cast(DataType.INT64).multiply(Long.MAX_VALUE)))).collect());
        assertTrue(e.getMessage().contains("overflow"), e.getMessage());
        sw.close(); // throws if a reservation or a pin leaked
        assertEquals(0, sw.budget().used());
        assertFalse(OutOfCoreTest.hasFiles(spill), "spill files left behind in " + spill);
    }

    @Test
    void unionKeepsDuplicatesAndOrderAndChecksSchemas() throws Exception {
        Schema s = Schema.of(new Field("id", DataType.INT64), new Field("name", DataType.STRING));
        Schema renamed = Schema.of(new Field("key", DataType.INT64), new Field("label", DataType.STRING));
        try (Spillway sw = session("8m", 2, "spill-union")) {
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
            try (Spillway other = session("8m", 1, "spill-union-other")) {
                DataFrame o = other.createDataFrame(s, List.<Object[]>of(new Object[] {5L, "o"}));
                assertThrows(SpillwayException.class, () -> a.union(o));
            }
        }
    }

    @Test
    void unionOfScansStreamsAndSortsAsDuckDb() throws Exception {
        try (Spillway sw = session("2m", 2, "spill-union-big")) {
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
}
