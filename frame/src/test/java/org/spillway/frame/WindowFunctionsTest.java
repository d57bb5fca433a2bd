package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.asc;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.denseRank;
import static org.spillway.frame.Functions.desc;
import static org.spillway.frame.Functions.lag;
import static org.spillway.frame.Functions.lead;
import static org.spillway.frame.Functions.max;
import static org.spillway.frame.Functions.mean;
import static org.spillway.frame.Functions.min;
import static org.spillway.frame.Functions.ntile;
import static org.spillway.frame.Functions.percentRank;
import static org.spillway.frame.Functions.rank;
import static org.spillway.frame.Functions.rowNumber;
import static org.spillway.frame.Functions.sum;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spillway.datasets.GroupByData;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.frame.testkit.TestData;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * Window functions against DuckDB on 60,000 rows with null partition and order keys, ties, descending orders, one
 * partition holding half the rows, partitions of one row and of all rows: in memory and under a 2 MB budget (spilling
 * proven), at parallelism 1 and 2.
 */
@SpillwayTest
class WindowFunctionsTest {
    @TempDir
    static Path dir;
    static TestData.Table data;

    @BeforeAll
    static void writeData() {
        data = TestData.groupBy(dir);
    }

    /** A query in both forms: Spillway's API and DuckDB's SQL (over {@code t}). */
    record Q(String name, UnaryOperator<DataFrame> api, String sql) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final String BY_INT = "PARTITION BY k_int ORDER BY k_dbl DESC NULLS LAST";
    static final String BY_INT_TOTAL = "PARTITION BY k_int ORDER BY k_dbl DESC NULLS LAST, rn";
    static final List<Q> QUERIES = List.of(
            new Q("ranks with ties, null keys, descending order", f -> {
                WindowSpec ties = Window.partitionBy("k_int").orderBy(desc("k_dbl"));
                WindowSpec total = ties.orderBy(desc("k_dbl"), asc("rn"));
                return f.select(col("rn"), rowNumber().over(total).as("n"), rank().over(ties).as("r"),
                        denseRank().over(ties).as("dr"), percentRank().over(ties).as("pr"), ntile(7).over(total).as("t"));
            }, "SELECT rn, row_number() OVER (" + BY_INT_TOTAL + "), rank() OVER (" + BY_INT + "), dense_rank() OVER ("
                    + BY_INT + "), percent_rank() OVER (" + BY_INT + "), ntile(7) OVER (" + BY_INT_TOTAL + ") FROM t"),
            new Q("ranks on a string key, nulls first", f -> {
                WindowSpec w = Window.partitionBy("k_bool").orderBy(asc("k_str").nullsFirst());
                return f.select(col("rn"), rank().over(w).as("r"), denseRank().over(w).as("dr"));
            }, "SELECT rn, rank() OVER w, dense_rank() OVER w FROM t WINDOW w AS (PARTITION BY k_bool ORDER BY k_str NULLS FIRST)"),
            new Q("lag and lead with defaults, strings", f -> {
                WindowSpec w = Window.partitionBy("k_str").orderBy("rn");
                return f.select(col("rn"), lag("v_int", 1).over(w).as("a"), lead("v_dbl", 2, 0.0).over(w).as("b"),
                        lag("k_date", 3).over(w).as("c"), lead("k_str", 1, "none").over(w).as("d"), lag(col("v_int").plus(1), 0).over(w));
            }, "SELECT rn, lag(v_int, 1) OVER w, lead(v_dbl, 2, 0.0) OVER w, lag(k_date, 3) OVER w,"
                    + " lead(k_str, 1, 'none') OVER w, v_int + 1 FROM t WINDOW w AS (PARTITION BY k_str ORDER BY rn)"),
            new Q("running and sliding aggregates over rows frames", f -> {
                WindowSpec w = Window.partitionBy("k_int").orderBy("rn");
                return f.select(col("rn"),
                        sum("v_int").over(w.rowsBetween(Window.unboundedPreceding, Window.currentRow)).as("running"),
                        sum("v_dbl").over(w.rowsBetween(-6, 0)).as("s7"), mean("v_int").over(w.rowsBetween(-6, 0)).as("m7"),
                        min("v_dbl").over(w.rowsBetween(-3, 2)).as("mn"), max("v_int").over(w.rowsBetween(-3, 2)).as("mx"),
                        count("v_int").over(w.rowsBetween(1, 4)).as("c"), count().over(w.rowsBetween(-2, 2)).as("ca"),
                        max("k_str").over(w.rowsBetween(0, Window.unboundedFollowing)).as("ms"),
                        sum("v_dbl").over(w.rowsBetween(-2, Window.unboundedFollowing)).as("rest"));
            }, "SELECT rn, sum(v_int) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)::BIGINT,"
                    + " sum(v_dbl) OVER (w ROWS BETWEEN 6 PRECEDING AND CURRENT ROW), avg(v_int) OVER (w ROWS BETWEEN 6 PRECEDING"
                    + " AND CURRENT ROW), min(v_dbl) OVER (w ROWS BETWEEN 3 PRECEDING AND 2 FOLLOWING), max(v_int) OVER (w ROWS"
                    + " BETWEEN 3 PRECEDING AND 2 FOLLOWING), count(v_int) OVER (w ROWS BETWEEN 1 FOLLOWING AND 4 FOLLOWING),"
                    + " count(*) OVER (w ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING), max(k_str) OVER (w ROWS BETWEEN CURRENT ROW"
                    + " AND UNBOUNDED FOLLOWING), sum(v_dbl) OVER (w ROWS BETWEEN 2 PRECEDING AND UNBOUNDED FOLLOWING)"
                    + " FROM t WINDOW w AS (PARTITION BY k_int ORDER BY rn)"),
            new Q("default frame: peers share the running value", f -> {
                WindowSpec w = Window.partitionBy("k_bool").orderBy(desc("k_dbl"));
                return f.select(col("rn"), sum("v_int").over(w).as("s"), count().over(w).as("c"), min("v_dbl").over(w).as("m"),
                        mean("v_dbl").over(w).as("a"));
            }, "SELECT rn, sum(v_int) OVER w::BIGINT, count(*) OVER w, min(v_dbl) OVER w, avg(v_dbl) OVER w FROM t"
                    + " WINDOW w AS (PARTITION BY k_bool ORDER BY k_dbl DESC NULLS LAST)"),
            new Q("whole partition, nested in arithmetic", f -> f.withColumn("share",
                    col("v_dbl").divide(sum("v_dbl").over(Window.partitionBy("k_int"))))
                    .withColumn("cnt", count().over(Window.partitionBy("k_int")).plus(0))
                    .select("rn", "share", "cnt"),
                    "SELECT rn, v_dbl / sum(v_dbl) OVER (PARTITION BY k_int), count(*) OVER (PARTITION BY k_int) FROM t"),
            new Q("one partition of all rows; partitions of one row", f -> f.select(col("rn"),
                    rowNumber().over(Window.orderBy(desc("rn"))).as("all"),
                    sum("v_int").over(Window.partitionBy()).as("total"),
                    rowNumber().over(Window.partitionBy("rn").orderBy("k_int")).as("one"),
                    lag("v_int", 1, -1).over(Window.partitionBy("rn").orderBy("k_int")).as("none")),
                    "SELECT rn, row_number() OVER (ORDER BY rn DESC), (sum(v_int) OVER ())::BIGINT,"
                            + " row_number() OVER (PARTITION BY rn ORDER BY k_int), lag(v_int, 1, -1) OVER (PARTITION BY rn ORDER BY k_int) FROM t"));

    static Stream<Arguments> cases() {
        return Stream.of(1, 2).flatMap(p -> Stream.of("64m", "2m").flatMap(m -> QUERIES.stream().map(q -> Arguments.of(q, p, m))));
    }

    @ParameterizedTest(name = "{0}, parallelism {1}, memory {2}")
    @MethodSource("cases")
    void matchesDuckDb(Q q, int parallelism, String memory, SpillwaySessions sessions) {
        List<List<Object>> expected = DuckOracle.query(q.sql().replace(" FROM t", " FROM " + data.scan()));
        Spillway sw = sessions.open(memory, parallelism, 1024);
        DataFrame f = data.read(sw);
        List<List<Object>> actual = DuckOracle.rows(q.api().apply(f));
        DuckOracle.assertSameRows(expected, actual);
        if (memory.equals("2m")) {
            assertTrue(sw.budget().spilledBytes() > 0, "a 2 MB budget must spill: " + sw.memoryReport());
        }
    }

    @Test
    void readmeExampleAndExplain(SpillwaySessions sessions) {
        Spillway sw = sessions.open();
        DataFrame events = data.read(sw).select(col("k_int").as("user"), col("rn").as("ts"), col("v_dbl").as("amount"));
        WindowSpec w = Window.partitionBy("user").orderBy(asc("ts"));
        DataFrame q = events.withColumn("n", rowNumber().over(w))
                .withColumn("r", rank().over(w)).withColumn("dr", denseRank().over(w))
                .withColumn("prev", lag("amount", 1).over(w)).withColumn("next", lead("amount", 1, 0.0).over(w))
                .withColumn("running", sum("amount").over(w.rowsBetween(Window.unboundedPreceding, Window.currentRow)))
                .withColumn("spend7", sum("amount").over(w.rowsBetween(-6, 0)))
                .withColumn("share", col("amount").divide(sum("amount").over(Window.partitionBy("user"))));
        assertEquals(List.of("user", "ts", "amount", "n", "r", "dr", "prev", "next", "running", "spend7", "share"), q.columns());
        String plan = q.explainString();
        assertTrue(plan.contains("Window partitionBy=[user] orderBy=[ts ASC NULLS LAST]"), plan);
        assertTrue(plan.contains("sum(amount) ROWS BETWEEN 6 PRECEDING AND CURRENT ROW"), plan);
        // the chained withColumns over w are one node (one sort, one pass); the whole-partition sum another
        String optimized = plan.substring(plan.indexOf("== Optimized plan =="));
        assertEquals(2, optimized.split("Window partitionBy=", -1).length - 1, plan);
        assertTrue(plan.contains("Window partitionBy=[user] orderBy=[] [sum(amount) AS"), plan);
        List<List<Object>> expected = DuckOracle.query("SELECT user, ts, amount, row_number() OVER w, rank() OVER w,"
                + " dense_rank() OVER w, lag(amount, 1) OVER w, lead(amount, 1, 0.0) OVER w,"
                + " sum(amount) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),"
                + " sum(amount) OVER (w ROWS BETWEEN 6 PRECEDING AND CURRENT ROW), amount / sum(amount) OVER (PARTITION BY user)"
                + " FROM (SELECT k_int AS user, rn AS ts, v_dbl AS amount FROM " + data.scan() + ")"
                + " WINDOW w AS (PARTITION BY user ORDER BY ts)");
        DuckOracle.assertSameRows(expected, DuckOracle.rows(q));
        assertEquals(1L, sw.counters().get("window.sortsReused"), "the share reads the order of w: " + sw.counters());
        // count() needs no window column: the window nodes are dropped
        assertEquals(60_000, q.count());
        // a filter on a window column runs above the window
        long partitions = DuckOracle.scalarLong("SELECT count(*) FROM (SELECT DISTINCT k_int FROM " + data.scan() + ")");
        assertEquals(partitions, q.filter(col("n").eq(1)).count());
    }

    @ParameterizedTest(name = "parallelism {0}, memory {1}")
    @MethodSource("q8Cases")
    void dbBenchmarkQ8InWindowFormEqualsTopK(int parallelism, String memory, int nas, SpillwaySessions sessions) throws Exception {
        GroupByData g = GroupByData.of(50_000, 100).nas(nas);
        Path csv = g.writeCsvInto(dir);
        Spillway sw = sessions.open(memory, parallelism);
        // collected, so that under 2m the input itself spills and the window reads it back (read lazily, the query
        // streams: the top-k keeps two rows of each id6 and fits 2m without spilling)
        DataFrame x = sw.readCsv(csv.toString()).collect();
        DataFrame nonNull = x.filter(col("v3").isNotNull());
        DataFrame window = nonNull.withColumn("r", rowNumber().over(Window.partitionBy("id6").orderBy(desc("v3"))))
                .filter(col("r").leq(2)).select("id6", "v3");
        DataFrame topK = x.groupBy("id6").topK(2, desc("v3"));
        List<List<Object>> expected = DuckOracle.rows(topK);
        assertTrue(expected.size() > 100, "q8 keeps two rows of many groups");
        DuckOracle.assertSameRows(expected, DuckOracle.rows(window), 0);
        if (memory.equals("2m")) {
            assertTrue(sw.budget().spilledBytes() > 0, "a 2 MB budget must spill: " + sw.memoryReport());
        }
    }

    static Stream<Arguments> q8Cases() {
        return Stream.of(Arguments.of(1, "64m", 0), Arguments.of(2, "2m", 5), Arguments.of(2, "64m", 5));
    }

    @Test
    void rowsComeInWindowOrderAndFramesClampAtThePartition(SpillwaySessions sessions) {
        Spillway sw = sessions.open();
        DataFrame f = sw.createDataFrame(Schema.of(new Field("g", DataType.STRING), new Field("t", DataType.INT32),
                        new Field("v", DataType.INT64)),
                List.of(new Object[] {null, 2, 8L}, new Object[] {"b", 1, 5L}, new Object[] {"a", 3, 30L}, new Object[] {"a", 1, 10L},
                        new Object[] {null, 1, 7L}, new Object[] {"a", 2, null}));
        WindowSpec w = Window.partitionBy("g").orderBy("t");
        DataFrame q = f.select(col("g"), col("t"), sum("v").over(w.rowsBetween(1, Long.MAX_VALUE - 1)).as("after"),
                count("v").over(w.rowsBetween(Window.unboundedPreceding, -1)).as("before"), lead("v", 1, -1L).over(w).as("next"));
        // null partition keys are one partition; the rows come sorted by (g, t), nulls last
        // lead gives the next row's value even when it is null; the default only where there is no next row
        assertEquals(List.of(Arrays.asList("a", 1L, 30L, 0L, null), Arrays.asList("a", 2L, 30L, 1L, 30L),
                        Arrays.asList("a", 3L, null, 1L, -1L), Arrays.asList("b", 1L, null, 0L, -1L),
                        Arrays.asList(null, 1L, 8L, 0L, 8L), Arrays.asList(null, 2L, null, 1L, -1L)),
                DuckOracle.rows(q));
        assertEquals(0, f.filter(col("t").gt(5)).withColumn("n", rowNumber().over(w)).rows().size());
        assertEquals(List.of("g", "t", "v", "n"), f.filter(col("t").gt(5)).withColumn("n", rowNumber().over(w)).columns());
    }

    @Test
    void errorsSayWhatToDo(SpillwaySessions sessions) {
        DataFrame f = data.read(sessions.open());
        WindowSpec w = Window.partitionBy("k_int").orderBy("rn");
        SpillwayException inFilter = assertThrows(SpillwayException.class, () -> f.filter(rowNumber().over(w).leq(2)));
        assertTrue(inFilter.getMessage().contains("only be used in select(...) or withColumn(...)"), inFilter.getMessage());
        SpillwayException unordered = assertThrows(SpillwayException.class, () -> rank().over(Window.partitionBy("k_int")));
        assertTrue(unordered.getMessage().contains("needs an ordered window"), unordered.getMessage());
        SpillwayException corr = assertThrows(SpillwayException.class, () -> Functions.corr("v_dbl", "v_int").over(w));
        assertTrue(corr.getMessage().contains("count, countDistinct, sum"), corr.getMessage());
        assertThrows(ColumnNotFoundException.class, () -> f.withColumn("n", rowNumber().over(Window.partitionBy("nope").orderBy("rn"))));
        SpillwayException frame = assertThrows(SpillwayException.class, () -> w.rowsBetween(2, -1));
        assertTrue(frame.getMessage().contains("must start at or before its end"), frame.getMessage());
        SpillwayException expr = assertThrows(SpillwayException.class, () -> Window.partitionBy(col("k_int").plus(1)));
        assertTrue(expr.getMessage().contains("withColumn"), expr.getMessage());
        SpillwayException badDefault = assertThrows(SpillwayException.class,
                () -> f.withColumn("x", lag("k_str", 1, 5).over(w)));
        assertTrue(badDefault.getMessage().contains("default"), badDefault.getMessage());
    }
}
