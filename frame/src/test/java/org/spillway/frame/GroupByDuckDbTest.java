package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.corr;
import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.countDistinct;
import static org.spillway.frame.Functions.first;
import static org.spillway.frame.Functions.last;
import static org.spillway.frame.Functions.max;
import static org.spillway.frame.Functions.mean;
import static org.spillway.frame.Functions.median;
import static org.spillway.frame.Functions.min;
import static org.spillway.frame.Functions.quantile;
import static org.spillway.frame.Functions.std;
import static org.spillway.frame.Functions.stdPop;
import static org.spillway.frame.Functions.sum;
import static org.spillway.frame.Functions.var;
import static org.spillway.frame.Functions.varPop;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spillway.frame.io.CsvOptions;
import org.spillway.spill.DataType;

/**
 * Group-by results equal DuckDB's on random data with null keys, skew (one key value holds half
 * the rows), strings of varied length and unicode, every key type, at parallelism 1 and 2, in
 * memory and under a budget so small that the hash tables are flushed and partitions repartitioned.
 */
class GroupByDuckDbTest {
    @TempDir
    static Path dir;
    static Path csv;
    static final int ROWS = 60_000;
    static final String COLUMNS = "{'rn': 'BIGINT', 'k_int': 'INTEGER', 'k_str': 'VARCHAR', 'k_long': 'BIGINT', "
            + "'k_dbl': 'DOUBLE', 'k_bool': 'BOOLEAN', 'k_date': 'DATE', 'v_int': 'INTEGER', 'v_dbl': 'DOUBLE'}";

    @BeforeAll
    static void writeData() throws Exception {
        csv = dir.resolve("g.csv");
        SplittableRandom r = new SplittableRandom(99);
        String[] words = {"a", "bb", "ccc", "Émile", "日本", "z z", "long-" + "x".repeat(40)};
        try (BufferedWriter w = Files.newBufferedWriter(csv)) {
            w.write("rn,k_int,k_str,k_long,k_dbl,k_bool,k_date,v_int,v_dbl\n");
            for (int i = 0; i < ROWS; i++) {
                String kInt = r.nextInt(20) == 0 ? "" : r.nextBoolean() ? "7" : Integer.toString(r.nextInt(-50, 50));
                String kStr = r.nextInt(25) == 0 ? "" : words[r.nextInt(words.length)] + r.nextInt(30);
                String kLong = Long.toString(r.nextInt(40_000) * 1_000_003L - 7_000_000_000L);
                String kDbl = r.nextInt(30) == 0 ? "" : Double.toString(r.nextInt(12) / 4.0 - 1);
                String kBool = r.nextInt(10) == 0 ? "" : Boolean.toString(r.nextBoolean());
                String kDate = "2024-0" + (1 + r.nextInt(9)) + "-1" + r.nextInt(10);
                String vInt = r.nextInt(8) == 0 ? "" : Integer.toString(r.nextInt(-1_000_000, 1_000_000));
                String vDbl = r.nextInt(9) == 0 ? "" : Double.toString(Math.round(r.nextGaussian() * 1e8) / 1e4);
                w.write(i + "," + kInt + "," + kStr + "," + kLong + "," + kDbl + "," + kBool + "," + kDate + "," + vInt + "," + vDbl + "\n");
            }
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String keys : List.of("k_int", "k_str", "k_long, k_bool", "k_str, k_int, k_date", "k_dbl", "")) {
            for (int p : new int[] {1, 2}) {
                out.add(Arguments.of(keys, p, "64m"));
            }
        }
        out.add(Arguments.of("k_long", 2, "2m"));
        out.add(Arguments.of("k_long, k_str", 1, "2m"));
        return out.stream();
    }

    @ParameterizedTest(name = "group by [{0}] at parallelism {1}, memory {2}")
    @MethodSource("cases")
    void sameAsDuckDb(String keyList, int parallelism, String memory) throws Exception {
        String[] keys = keyList.isEmpty() ? new String[0] : keyList.split(",\\s*");
        String aggSql = "count(*), count(v_int), sum(v_int), sum(v_dbl), avg(v_dbl), min(v_int), max(v_dbl), min(k_str), "
                + "max(k_date), stddev_samp(v_dbl), var_samp(v_int), stddev_pop(v_int), var_pop(v_dbl), corr(v_int, v_dbl), "
                + "arg_min(v_int, rn) FILTER (WHERE v_int IS NOT NULL), arg_max(v_dbl, rn) FILTER (WHERE v_dbl IS NOT NULL), "
                + "median(v_dbl), quantile_cont(v_int, 0.9), count(DISTINCT k_str), count(DISTINCT v_dbl), median(v_int)";
        String sql = "SELECT " + (keys.length == 0 ? "" : keyList + ", ") + aggSql + " FROM read_csv('" + csv + "', columns = "
                + COLUMNS + ", header = true)" + (keys.length == 0 ? "" : " GROUP BY " + keyList);
        List<List<Object>> expected = sorted(PipelineDuckDbTest.duck(sql));

        CsvOptions opts = CsvOptions.defaults().columnType("k_dbl", DataType.FLOAT64).columnType("k_bool", DataType.BOOL)
                .columnType("v_dbl", DataType.FLOAT64).columnType("k_long", DataType.INT64).columnType("rn", DataType.INT64);
        try (Spillway sw = Spillway.builder().memoryLimit(memory).parallelism(parallelism).spillDir(dir.resolve("spill"))
                .progress(false).build()) {
            DataFrame f = sw.readCsv(csv, opts);
            AggregateExpr[] aggs = {count(), count("v_int"), sum("v_int"), sum("v_dbl"), mean("v_dbl"), min("v_int"),
                    max("v_dbl"), min("k_str"), max("k_date"), std("v_dbl"), var("v_int"), stdPop("v_int"), varPop("v_dbl"),
                    corr("v_int", "v_dbl"), first("v_int"), last(col("v_dbl")), median("v_dbl"), quantile("v_int", 0.9),
                    countDistinct("k_str"), countDistinct(col("v_dbl")), median("v_int")};
            DataFrame g = keys.length == 0 ? f.agg(aggs) : f.groupBy(keys).agg(aggs);
            List<List<Object>> actual = sorted(PipelineDuckDbTest.normalize(g.collect().rows()));
            assertSameRows(expected, actual);
            if (memory.equals("2m")) {
                assertTrue(sw.spilledBytes() > 0 || sw.budget().spilledBytes() > 0, "a 2 MB budget must spill: " + sw.memoryReport());
            }
        }
    }

    @ParameterizedTest(name = "top 2 of {1} by {0} at parallelism 2, memory {2}")
    @org.junit.jupiter.params.provider.CsvSource({"k_int, v_dbl, 64m", "k_str, v_int, 64m", "k_long, v_dbl, 2m"})
    void topKSameAsDuckDb(String key, String value, String memory) throws Exception {
        List<List<Object>> expected = sorted(PipelineDuckDbTest.duck("SELECT " + key + ", " + value + " FROM (SELECT " + key
                + ", " + value + ", row_number() OVER (PARTITION BY " + key + " ORDER BY " + value + " DESC) AS r FROM read_csv('"
                + csv + "', columns = " + COLUMNS + ", header = true) WHERE " + value + " IS NOT NULL) WHERE r <= 2"));
        CsvOptions opts = CsvOptions.defaults().columnType("v_dbl", DataType.FLOAT64).columnType("k_long", DataType.INT64);
        try (Spillway sw = Spillway.builder().memoryLimit(memory).parallelism(2).spillDir(dir.resolve("spill"))
                .progress(false).build()) {
            DataFrame top = sw.readCsv(csv, opts).groupBy(key).topK(2, Functions.desc(value));
            assertEquals(List.of(key, value), top.columns());
            assertEquals(expected, sorted(PipelineDuckDbTest.normalize(top.collect().rows())));
        }
    }

    @org.junit.jupiter.api.Test
    void topKStandsAlone() throws Exception {
        try (Spillway sw = Spillway.builder().memoryLimit("16m").spillDir(dir.resolve("spill")).progress(false).build()) {
            DataFrame f = sw.readCsv(csv.toString());
            SpillwayException e = org.junit.jupiter.api.Assertions.assertThrows(SpillwayException.class,
                    () -> f.groupBy("k_int").agg(count(), AggregateExpr.topK(2, Functions.desc("v_int"))));
            assertTrue(e.getMessage().contains("topK"), e.getMessage());
            SpillwayException t = org.junit.jupiter.api.Assertions.assertThrows(SpillwayException.class,
                    () -> f.groupBy("k_int").agg(sum("k_str")));
            assertTrue(t.getMessage().contains("numeric") && t.getMessage().contains("k_str"), t.getMessage());
        }
    }

    @org.junit.jupiter.api.Test
    void dropDuplicatesKeepsTheFirstRowAndDistinctMatchesDuckDb() throws Exception {
        String src = "read_csv('" + csv + "', columns = " + COLUMNS + ", header = true)";
        List<List<Object>> firstRows = sorted(PipelineDuckDbTest.duck("SELECT DISTINCT ON (k_int, k_bool) * FROM " + src
                + " ORDER BY k_int, k_bool, rn"));
        List<List<Object>> distinct = sorted(PipelineDuckDbTest.duck("SELECT DISTINCT k_str, k_bool FROM " + src));
        CsvOptions opts = CsvOptions.defaults().columnType("k_dbl", DataType.FLOAT64).columnType("k_bool", DataType.BOOL)
                .columnType("v_dbl", DataType.FLOAT64).columnType("k_long", DataType.INT64).columnType("rn", DataType.INT64);
        try (Spillway sw = Spillway.builder().memoryLimit("16m").parallelism(2).spillDir(dir.resolve("spill")).progress(false).build()) {
            DataFrame f = sw.readCsv(csv, opts);
            DataFrame d = f.dropDuplicates("k_int", "k_bool");
            assertEquals(f.columns(), d.columns());
            List<List<Object>> actual = sorted(PipelineDuckDbTest.normalize(d.collect().rows()));
            assertEquals(firstRows.size(), actual.size());
            for (int i = 0; i < actual.size(); i++) {
                assertEquals(firstRows.get(i).toString(), actual.get(i).toString());
            }
            assertEquals(distinct, sorted(PipelineDuckDbTest.normalize(f.select("k_str", "k_bool").distinct().collect().rows())));
        }
    }

    @org.junit.jupiter.api.Test
    void describeMatchesDuckDb() throws Exception {
        String src = "read_csv('" + csv + "', columns = " + COLUMNS + ", header = true)";
        List<Object> e = PipelineDuckDbTest.duck("SELECT count(v_dbl), count(*) - count(v_dbl), avg(v_dbl), stddev_samp(v_dbl), "
                + "min(v_dbl), quantile_cont(v_dbl, 0.25), median(v_dbl), quantile_cont(v_dbl, 0.75), max(v_dbl) FROM " + src).getFirst();
        CsvOptions opts = CsvOptions.defaults().columnType("v_dbl", DataType.FLOAT64);
        try (Spillway sw = Spillway.builder().memoryLimit("16m").spillDir(dir.resolve("spill")).progress(false).build()) {
            DataFrame d = sw.readCsv(csv, opts).describe();
            assertEquals("statistic", d.columns().getFirst());
            assertTrue(d.columns().contains("v_dbl") && !d.columns().contains("k_str"), d.columns().toString());
            assertEquals(List.of("count", "null_count", "mean", "std", "min", "25%", "50%", "75%", "max"), d.column("statistic"));
            List<Object> got = d.column("v_dbl");
            for (int i = 0; i < e.size(); i++) {
                double want = ((Number) e.get(i)).doubleValue();
                assertTrue(close(want, (Double) got.get(i)), i + ": DuckDB " + want + ", Spillway " + got.get(i));
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aFailingGroupByLeaksNothing() throws Exception {
        Path spill = dir.resolve("spill-fail");
        Spillway sw = Spillway.builder().memoryLimit("2m").parallelism(2).spillDir(spill).progress(false).build();
        org.spillway.spill.Schema s = org.spillway.spill.Schema.of(new org.spillway.spill.Field("k", DataType.INT64),
                new org.spillway.spill.Field("v", DataType.INT64));
        List<Object[]> rows = new ArrayList<>();
        for (long i = 0; i < 150_000; i++) {
            rows.add(new Object[] {i % 50_000, Long.MAX_VALUE / 2});
        }
        DataFrame f = sw.createDataFrame(s, rows);
        // many groups under 2 MB spill partial states; three values per group overflow int64
        SpillwayException e = org.junit.jupiter.api.Assertions.assertThrows(SpillwayException.class,
                () -> f.groupBy("k").agg(sum("v"), median("v")).collect());
        assertTrue(e.getMessage().contains("overflow"), e.getMessage());
        sw.close(); // throws if a reservation or a pin leaked
        assertEquals(0, sw.budget().used());
        assertTrue(!OutOfCoreTest.hasFiles(spill), "spill files left behind");
    }

    /**
     * Keys that hardly repeat make a worker stop pre-aggregating and pass large chunks straight to
     * the partitions (one partial row per input row, keys copied by partition order); a few chunks
     * in between are small (the table path again). Every algebraic aggregate, string min and max
     * (string states), first/last (row positions) and null keys must still equal DuckDB's. With 1g a
     * partition's rows are collected over several input chunks before they are written.
     */
    @ParameterizedTest(name = "pass-through at parallelism {0}, memory {1}")
    @org.junit.jupiter.params.provider.CsvSource({"1, 256m", "2, 128m", "2, 1g"})
    void groupsThatHardlyRepeatPassStraightToThePartitions(int parallelism, String memory) throws Exception {
        Path many = dir.resolve("distinct.csv");
        if (!Files.exists(many)) {
            SplittableRandom r = new SplittableRandom(5);
            try (BufferedWriter w = Files.newBufferedWriter(many)) {
                w.write("rn,k_str,k_int,v_int,v_dbl\n");
                for (int i = 0; i < 400_000; i++) {
                    // mostly distinct (a tenth repeat an earlier key), short and long strings, null keys
                    int id = r.nextInt(10) == 0 ? r.nextInt(i + 1) : i;
                    String kStr = id % 97 == 0 ? "" : (id % 3 == 0 ? "a-much-longer-key-" : "k") + id;
                    String kInt = id % 89 == 0 ? "" : Integer.toString(id % 1000);
                    String vInt = r.nextInt(8) == 0 ? "" : Integer.toString(r.nextInt(-1_000_000, 1_000_000));
                    String vDbl = r.nextInt(9) == 0 ? "" : Double.toString(Math.round(r.nextGaussian() * 1e8) / 1e4);
                    w.write(i + "," + kStr + "," + kInt + "," + vInt + "," + vDbl + "\n");
                }
            }
        }
        String columns = "{'rn': 'BIGINT', 'k_str': 'VARCHAR', 'k_int': 'INTEGER', 'v_int': 'INTEGER', 'v_dbl': 'DOUBLE'}";
        List<List<Object>> expected = sorted(PipelineDuckDbTest.duck("SELECT k_str, k_int, count(*), count(v_int), sum(v_int), "
                + "sum(v_dbl), avg(v_dbl), min(v_int), max(v_dbl), min(k_str), max(k_str), stddev_samp(v_dbl), corr(v_int, v_dbl), "
                + "arg_min(v_int, rn) FILTER (WHERE v_int IS NOT NULL), arg_max(v_dbl, rn) FILTER (WHERE v_dbl IS NOT NULL) "
                + "FROM read_csv('" + many + "', columns = " + columns + ", header = true) GROUP BY k_str, k_int"));
        CsvOptions opts = CsvOptions.defaults().columnType("v_dbl", DataType.FLOAT64).columnType("rn", DataType.INT64)
                .columnType("k_str", DataType.STRING).columnType("k_int", DataType.INT32);
        try (Spillway sw = Spillway.builder().memoryLimit(memory).parallelism(parallelism).chunkRows(40_000)
                .spillDir(dir.resolve("spill")).progress(false).build()) {
            // chunks of 40,000 rows but for two (10,000 and 30,000 rows), which still go through the table
            DataFrame f = sw.readCsv(many, opts).collect();
            DataFrame in = f.filter(col("rn").lt(200_000L))
                    .union(f.filter(col("rn").geq(200_000L).and(col("rn").lt(210_000L))))
                    .union(f.filter(col("rn").geq(210_000L)));
            List<List<Object>> actual = sorted(PipelineDuckDbTest.normalize(in.groupBy("k_str", "k_int").agg(count(),
                    count("v_int"), sum("v_int"), sum("v_dbl"), mean("v_dbl"), min("v_int"), max("v_dbl"), min("k_str"),
                    max("k_str"), std("v_dbl"), corr("v_int", "v_dbl"), first("v_int"), last("v_dbl")).collect().rows()));
            long passed = sw.counters().getOrDefault("groupby.passThroughRows", 0L);
            assertTrue(passed > 100_000, sw.counters().toString());
            if (memory.equals("1g")) {
                // a partition's builder collects rows over several input chunks before it becomes a
                // chunk (under the small budgets above it may hold fewer than one chunk brings)
                long written = sw.counters().getOrDefault("groupby.passThroughChunks", 0L);
                assertTrue(written > 0 && passed / written > 40_000 / 64, sw.counters().toString());
            } else if (parallelism == 2) {
                assertTrue(sw.budget().spilledBytes() > 0, "128 MB must spill at parallelism 2: " + sw.memoryReport());
            }
            assertSameRows(expected, actual);
        }
    }

    /**
     * One int key in a range of 30,000 values: every worker aggregates into state arrays indexed by
     * value, and phase 2 combines them range by range (every algebraic aggregate but first/last,
     * nulls in the values). With {@code mixed}, one chunk holds null keys and another values far
     * outside the window: those chunks go through the table, and the direct states are written to
     * the partitions and merged with them. Both must equal DuckDB's.
     */
    @ParameterizedTest(name = "direct states at parallelism {0}, mixed {1}")
    @org.junit.jupiter.params.provider.CsvSource({"1, false", "2, false", "1, true", "2, true"})
    void intKeysInAWindowAggregateIntoArraysByValue(int parallelism, boolean mixed) throws Exception {
        Path file = dir.resolve("window-" + mixed + ".csv");
        if (!Files.exists(file)) {
            SplittableRandom r = new SplittableRandom(9);
            try (BufferedWriter w = Files.newBufferedWriter(file)) {
                w.write("k,v_int,v_dbl\n");
                for (int i = 0; i < 200_000; i++) {
                    int chunk = i / 20_000;
                    String k = Integer.toString(r.nextInt(30_000) - 1_000);
                    if (mixed && chunk == 4) {
                        k = i % 3 == 0 ? "" : k;
                    } else if (mixed && chunk == 7) {
                        k = i % 2 == 0 ? Integer.toString(40_000_000 + i % 500) : k;
                    }
                    String vInt = r.nextInt(8) == 0 ? "" : Integer.toString(r.nextInt(-1_000_000, 1_000_000));
                    String vDbl = r.nextInt(9) == 0 ? "" : Double.toString(Math.round(r.nextGaussian() * 1e8) / 1e4);
                    w.write(k + "," + vInt + "," + vDbl + "\n");
                }
            }
        }
        String columns = "{'k': 'INTEGER', 'v_int': 'INTEGER', 'v_dbl': 'DOUBLE'}";
        List<List<Object>> expected = sorted(PipelineDuckDbTest.duck("SELECT k, count(*), count(v_int), sum(v_int), sum(v_dbl), "
                + "avg(v_int), min(v_int), max(v_dbl), stddev_samp(v_dbl), var_pop(v_int), corr(v_int, v_dbl) "
                + "FROM read_csv('" + file + "', columns = " + columns + ", header = true) GROUP BY k"));
        CsvOptions opts = CsvOptions.defaults().columnType("k", DataType.INT32).columnType("v_int", DataType.INT32)
                .columnType("v_dbl", DataType.FLOAT64);
        try (Spillway sw = Spillway.builder().memoryLimit("256m").parallelism(parallelism).chunkRows(20_000)
                .spillDir(dir.resolve("spill")).progress(false).build()) {
            DataFrame f = sw.readCsv(file, opts).collect();
            List<List<Object>> actual = sorted(PipelineDuckDbTest.normalize(f.groupBy("k").agg(count(), count("v_int"),
                    sum("v_int"), sum("v_dbl"), mean("v_int"), min("v_int"), max("v_dbl"), std("v_dbl"), varPop("v_int"),
                    corr("v_int", "v_dbl")).collect().rows()));
            Map<String, Long> counters = sw.counters();
            assertTrue(counters.getOrDefault("groupby.directStateRows", 0L) >= (mixed ? 100_000 : 200_000), counters.toString());
            assertEquals(!mixed, counters.containsKey("groupby.directStateRanges"), counters.toString());
            assertSameRows(expected, actual);
        }
    }

    /** Equal sorted results, doubles within a relative 1e-9. */
    static void assertSameRows(List<List<Object>> expected, List<List<Object>> actual) {
        assertEquals(expected.size(), actual.size(), "group count");
        for (int i = 0; i < expected.size(); i++) {
            List<Object> e = expected.get(i);
            List<Object> a = actual.get(i);
            for (int j = 0; j < e.size(); j++) {
                if (!close(e.get(j), a.get(j))) {
                    fail("row " + i + " column " + j + ": DuckDB " + e + "\nSpillway " + a);
                }
            }
        }
    }

    static boolean close(Object e, Object a) {
        if (e instanceof Double x && a instanceof Double y) {
            if (x.isNaN() || y.isNaN()) {
                return x.isNaN() && y.isNaN();
            }
            return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.max(Math.abs(x), Math.abs(y)));
        }
        if (e instanceof java.time.LocalDate || a instanceof java.time.LocalDate) {
            return String.valueOf(e).equals(String.valueOf(a));
        }
        return java.util.Objects.equals(e, a);
    }

    static List<List<Object>> sorted(List<List<Object>> rows) {
        // each row's text once (not once per comparison)
        List<Map.Entry<String, List<Object>>> keyed = new ArrayList<>(rows.size());
        for (List<Object> r : rows) {
            keyed.add(Map.entry(r.toString(), r));
        }
        keyed.sort(Map.Entry.comparingByKey());
        List<List<Object>> out = new ArrayList<>(rows.size());
        for (Map.Entry<String, List<Object>> e : keyed) {
            out.add(e.getValue());
        }
        return out;
    }
}
