package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.testkit.DuckOracle.assertSameRows;
import static org.spillway.frame.Functions.corr;
import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.first;
import static org.spillway.frame.Functions.last;
import static org.spillway.frame.Functions.max;
import static org.spillway.frame.Functions.mean;
import static org.spillway.frame.Functions.median;
import static org.spillway.frame.Functions.min;
import static org.spillway.frame.Functions.std;
import static org.spillway.frame.Functions.sum;
import static org.spillway.frame.Functions.varPop;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.spillway.frame.io.CsvOptions;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.frame.testkit.TestData;
import org.spillway.spill.DataType;

/**
 * Group-by behaviour against DuckDB beyond the plain query cases (those, every key type at
 * parallelism 1 and 2 in memory and under a tiny budget, are in {@link SpillMatrixTest}): top-k
 * errors, drop-duplicates and distinct, describe, a failing group by that must leak nothing, the
 * pass-through path for keys that hardly repeat, and the direct state arrays for int keys in a
 * window.
 */
@SpillwayTest(memoryLimit = "16m")
class GroupByDuckDbTest {
    @TempDir
    static Path dir;
    static Path csv;
    static String src;

    @BeforeAll
    static void writeData() {
        TestData.Table t = TestData.groupBy(dir);
        csv = t.path();
        src = t.scan();
    }

    @org.junit.jupiter.api.Test
    void topKStandsAlone(Spillway sw) {
        DataFrame f = sw.readCsv(csv.toString());
        SpillwayException e = org.junit.jupiter.api.Assertions.assertThrows(SpillwayException.class,
                () -> f.groupBy("k_int").agg(count(), AggregateExpr.topK(2, Functions.desc("v_int"))));
        assertTrue(e.getMessage().contains("topK"), e.getMessage());
        SpillwayException t = org.junit.jupiter.api.Assertions.assertThrows(SpillwayException.class,
                () -> f.groupBy("k_int").agg(sum("k_str")));
        assertTrue(t.getMessage().contains("numeric") && t.getMessage().contains("k_str"), t.getMessage());
    }

    @org.junit.jupiter.api.Test
    void dropDuplicatesKeepsTheFirstRowAndDistinctMatchesDuckDb(Spillway sw) {
        List<List<Object>> firstRows = DuckOracle.query("SELECT DISTINCT ON (k_int, k_bool) * FROM " + src
                + " ORDER BY k_int, k_bool, rn");
        List<List<Object>> distinct = DuckOracle.query("SELECT DISTINCT k_str, k_bool FROM " + src);
        DataFrame f = TestData.groupBy(dir).read(sw);
        DataFrame d = f.dropDuplicates("k_int", "k_bool");
        assertEquals(f.columns(), d.columns());
        // exact: the kept row is the first of its group, so every value must be that row's
        DuckOracle.assertSameRows(firstRows, DuckOracle.rows(d.collect()), 0);
        DuckOracle.assertSameRows(distinct, DuckOracle.rows(f.select("k_str", "k_bool").distinct().collect()), 0);
    }

    @org.junit.jupiter.api.Test
    void describeCoversEveryColumnLikeDuckDb(Spillway sw) {
        DataFrame f = TestData.groupBy(dir).read(sw);
        DataFrame d = f.describe();
        assertEquals(List.of("column", "type", "count", "null_count", "distinct", "min", "max", "mean", "std", "25%", "50%", "75%"),
                d.columns());
        assertEquals(DataType.INT64, d.schema().type(d.schema().indexOf("count")));
        assertEquals(DataType.INT64, d.schema().type(d.schema().indexOf("distinct")));
        assertEquals(f.columns(), d.column("column"));
        List<Row> rows = d.rows();
        for (int c = 0; c < f.columns().size(); c++) {
            String n = f.columns().get(c);
            DataType t = f.schema().type(c);
            Row got = rows.get(c);
            assertEquals(t.toString(), got.get("type"));
            List<Object> e = DuckOracle.queryRow("SELECT count(" + n + "), count(*) - count(" + n + "), count(DISTINCT " + n
                    + "), min(" + n + ")::VARCHAR, max(" + n + ")::VARCHAR FROM " + src);
            assertEquals(((Number) e.get(0)).longValue(), got.getLong("count"), n);
            assertEquals(((Number) e.get(1)).longValue(), got.getLong("null_count"), n);
            assertEquals(((Number) e.get(2)).longValue(), got.getLong("distinct"), n);
            if (t == DataType.FLOAT64) { // DuckDB prints doubles its own way: compare the numbers
                assertEquals(Double.parseDouble((String) e.get(3)), Double.parseDouble((String) got.get("min")), n);
                assertEquals(Double.parseDouble((String) e.get(4)), Double.parseDouble((String) got.get("max")), n);
            } else {
                assertEquals(e.get(3), got.get("min"), n);
                assertEquals(e.get(4), got.get("max"), n);
            }
            if (t.isNumeric()) {
                List<Object> m = DuckOracle.queryRow("SELECT avg(" + n + "), stddev_samp(" + n + "), quantile_cont(" + n + ", 0.25), "
                        + "median(" + n + "), quantile_cont(" + n + ", 0.75) FROM " + src);
                String[] stat = {"mean", "std", "25%", "50%", "75%"};
                for (int i = 0; i < stat.length; i++) {
                    double want = ((Number) m.get(i)).doubleValue();
                    assertTrue(DuckOracle.same(want, got.get(stat[i])), n + " " + stat[i] + ": DuckDB " + want + ", Spillway " + got.get(stat[i]));
                }
            } else {
                assertEquals(null, got.get("mean"), n);
                assertEquals(null, got.get("50%"), n);
            }
        }
    }

    @org.junit.jupiter.api.Test
    @SpillwayTest(memoryLimit = "2m")
    void aFailingGroupByLeaksNothing(SpillwaySessions sessions) throws Exception {
        Spillway sw = sessions.open();
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
        assertTrue(!OutOfCoreTest.hasFiles(sessions.spillRoot()), "spill files left behind");
    }

    /**
     * Keys that hardly repeat make a worker stop pre-aggregating and pass large chunks straight to
     * the partitions (one partial row per input row, keys copied by partition order); a few chunks
     * in between are small (the table path again). Every algebraic aggregate, string min and max
     * (string states), first/last (row positions) and null keys must still equal DuckDB's. With 1g a
     * partition's rows are collected over several input chunks before they are written.
     */
    @ParameterizedTest(name = "pass-through at parallelism {0}, memory {1}")
    // 900m: under the test JVM's 1 GiB heap the budget is one shared budget (a limit of 1g or more would split it and
    // give operator state a quarter of the heap: Spillway.Builder.budgetSplit)
    @org.junit.jupiter.params.provider.CsvSource({"1, 256m", "2, 128m", "2, 900m"})
    void groupsThatHardlyRepeatPassStraightToThePartitions(int parallelism, String memory, SpillwaySessions sessions) throws Exception {
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
        List<List<Object>> expected = DuckOracle.query("SELECT k_str, k_int, count(*), count(v_int), sum(v_int), "
                + "sum(v_dbl), avg(v_dbl), min(v_int), max(v_dbl), min(k_str), max(k_str), stddev_samp(v_dbl), corr(v_int, v_dbl), "
                + "arg_min(v_int, rn) FILTER (WHERE v_int IS NOT NULL), arg_max(v_dbl, rn) FILTER (WHERE v_dbl IS NOT NULL) "
                + "FROM read_csv('" + many + "', columns = " + columns + ", header = true) GROUP BY k_str, k_int");
        CsvOptions opts = CsvOptions.defaults().columnType("v_dbl", DataType.FLOAT64).columnType("rn", DataType.INT64)
                .columnType("k_str", DataType.STRING).columnType("k_int", DataType.INT32);
        Spillway sw = sessions.open(memory, parallelism, 40_000);
        // chunks of 40,000 rows but for two (10,000 and 30,000 rows), which still go through the table
        DataFrame f = sw.readCsv(many, opts).collect();
        DataFrame in = f.filter(col("rn").lt(200_000L))
                .union(f.filter(col("rn").geq(200_000L).and(col("rn").lt(210_000L))))
                .union(f.filter(col("rn").geq(210_000L)));
        List<List<Object>> actual = DuckOracle.normalise(in.groupBy("k_str", "k_int").agg(count(),
                count("v_int"), sum("v_int"), sum("v_dbl"), mean("v_dbl"), min("v_int"), max("v_dbl"), min("k_str"),
                max("k_str"), std("v_dbl"), corr("v_int", "v_dbl"), first("v_int"), last("v_dbl")).collect().rows());
        long passed = sw.counters().getOrDefault("groupby.passThroughRows", 0L);
        assertTrue(passed > 100_000, sw.counters().toString());
        if (memory.equals("900m")) {
            // a partition's builder collects rows over several input chunks before it becomes a
            // chunk (under the small budgets above it may hold fewer than one chunk brings)
            long written = sw.counters().getOrDefault("groupby.passThroughChunks", 0L);
            assertTrue(written > 0 && passed / written > 40_000 / 64, sw.counters().toString());
        } else if (parallelism == 2) {
            assertTrue(sw.budget().spilledBytes() > 0, "128 MB must spill at parallelism 2: " + sw.memoryReport());
        }
        assertSameRows(expected, actual);
    }

    /**
     * A group by whose phase-2 partitions do not fit a tiny budget splits them by the next hash bits, level after
     * level. Each sub-partition's rows collect over several input chunks before they are written: one chunk per
     * sub-partition and input chunk made chunks of a few rows two levels down, whose heap objects (handles, vectors,
     * segments) are not in the budget and filled the heap at 1e7 rows under 256 MB. The answer must equal DuckDB's.
     */
    @ParameterizedTest(name = "repartition at parallelism {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
    void partitionsThatDoNotFitSplitIntoChunksOfManyRows(int parallelism, SpillwaySessions sessions) throws Exception {
        groupsThatHardlyRepeatPassStraightToThePartitions(1, "256m", sessions); // writes distinct.csv
        Path many = dir.resolve("distinct.csv");
        String columns = "{'rn': 'BIGINT', 'k_str': 'VARCHAR', 'k_int': 'INTEGER', 'v_int': 'INTEGER', 'v_dbl': 'DOUBLE'}";
        List<List<Object>> expected = DuckOracle.query("SELECT k_str, k_int, count(*), sum(v_int), max(v_dbl) "
                + "FROM read_csv('" + many + "', columns = " + columns + ", header = true) GROUP BY k_str, k_int");
        CsvOptions opts = CsvOptions.defaults().columnType("v_dbl", DataType.FLOAT64).columnType("rn", DataType.INT64)
                .columnType("k_str", DataType.STRING).columnType("k_int", DataType.INT32);
        Spillway sw = sessions.open("1m", parallelism, 8_192);
        List<List<Object>> actual = DuckOracle.normalise(sw.readCsv(many, opts).groupBy("k_str", "k_int")
                .agg(count(), sum("v_int"), max("v_dbl")).collect().rows());
        Map<String, Long> counters = sw.counters();
        long splits = counters.getOrDefault("groupby.repartitions", 0L);
        long written = counters.getOrDefault("groupby.repartitionChunks", 0L);
        assertTrue(splits > 0, "1 MB must split partitions: " + counters + "; " + sw.memoryReport());
        // at most one part-filled chunk per sub-partition and split, beyond the full ones
        long rows = counters.getOrDefault("groupby.repartitionRows", 0L);
        assertTrue(written <= splits * 64 + rows / 256, written + " chunks for " + rows + " rows in " + splits + " splits: " + counters);
        assertSameRows(expected, actual);
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
    void intKeysInAWindowAggregateIntoArraysByValue(int parallelism, boolean mixed, SpillwaySessions sessions) throws Exception {
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
        List<List<Object>> expected = DuckOracle.query("SELECT k, count(*), count(v_int), sum(v_int), sum(v_dbl), "
                + "avg(v_int), min(v_int), max(v_dbl), stddev_samp(v_dbl), var_pop(v_int), corr(v_int, v_dbl) "
                + "FROM read_csv('" + file + "', columns = " + columns + ", header = true) GROUP BY k");
        CsvOptions opts = CsvOptions.defaults().columnType("k", DataType.INT32).columnType("v_int", DataType.INT32)
                .columnType("v_dbl", DataType.FLOAT64);
        Spillway sw = sessions.open("256m", parallelism, 20_000);
        DataFrame f = sw.readCsv(file, opts).collect();
        List<List<Object>> actual = DuckOracle.normalise(f.groupBy("k").agg(count(), count("v_int"),
                sum("v_int"), sum("v_dbl"), mean("v_int"), min("v_int"), max("v_dbl"), std("v_dbl"), varPop("v_int"),
                corr("v_int", "v_dbl")).collect().rows());
        Map<String, Long> counters = sw.counters();
        assertTrue(counters.getOrDefault("groupby.directStateRows", 0L) >= (mixed ? 100_000 : 200_000), counters.toString());
        assertEquals(!mixed, counters.containsKey("groupby.directStateRanges"), counters.toString());
        assertSameRows(expected, actual);
    }
}
