package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.asc;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.denseRank;
import static org.spillway.frame.Functions.desc;
import static org.spillway.frame.Functions.lit;
import static org.spillway.frame.Functions.rank;
import static org.spillway.frame.Functions.rowNumber;
import static org.spillway.frame.Functions.sum;

import java.nio.file.Path;
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

/**
 * The top-k short cut of ranking windows ({@link org.spillway.frame.plan.WindowTopK}): a filter {@code n <= k} on a
 * rowNumber or rank column keeps each partition's first rows without sorting every row. Results against DuckDB (with
 * ties, null keys, descending orders; rank keeps ties), the rewrite shown by {@code explain()} and counted, the
 * fallback to the full sort when the partitions are too many for the heaps, and the cases left alone.
 */
@SpillwayTest
class WindowTopKTest {
    @TempDir
    static Path dir;
    static TestData.Table data;

    @BeforeAll
    static void writeData() {
        data = TestData.groupBy(dir);
    }

    record Q(String name, UnaryOperator<DataFrame> api, String sql) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final String W = "PARTITION BY k_int ORDER BY k_dbl DESC NULLS LAST";
    static final List<Q> QUERIES = List.of(
            new Q("rank <= 3 keeps ties", f -> f.withColumn("r", rank().over(Window.partitionBy("k_int").orderBy(desc("k_dbl"))))
                    .filter(col("r").leq(3)).select("rn", "k_int", "k_dbl", "r"),
                    "SELECT rn, k_int, k_dbl, r FROM (SELECT *, rank() OVER (" + W + ") r FROM t) WHERE r <= 3"),
            new Q("rowNumber < 4 over a total order, with a dense rank and another conjunct", f -> {
                WindowSpec w = Window.partitionBy("k_str").orderBy(asc("k_dbl").nullsFirst(), desc("rn"));
                return f.withColumn("n", rowNumber().over(w)).withColumn("d", denseRank().over(w))
                        .filter(col("n").lt(4).and(col("v_int").isNotNull())).select("rn", "n", "d");
            }, "SELECT rn, n, d FROM (SELECT *, row_number() OVER w n, dense_rank() OVER w d FROM t"
                    + " WINDOW w AS (PARTITION BY k_str ORDER BY k_dbl NULLS FIRST, rn DESC)) WHERE n < 4 AND v_int IS NOT NULL"),
            new Q("k >= rank, renamed on the way", f -> f.withColumn("r", rank().over(Window.partitionBy("k_bool", "k_int").orderBy("k_date")))
                    .select(col("rn"), col("r").as("rank")).filter(lit(2).geq(col("rank"))),
                    "SELECT rn, r FROM (SELECT *, rank() OVER (PARTITION BY k_bool, k_int ORDER BY k_date) r FROM t) WHERE r <= 2"));

    static Stream<Arguments> cases() {
        return Stream.of(1, 2).flatMap(p -> Stream.of("64m", "2m").flatMap(m -> QUERIES.stream().map(q -> Arguments.of(q, p, m))));
    }

    @ParameterizedTest(name = "{0}, parallelism {1}, memory {2}")
    @MethodSource("cases")
    void matchesDuckDbThroughTheShortCut(Q q, int parallelism, String memory, SpillwaySessions sessions) {
        List<List<Object>> expected = DuckOracle.query(q.sql().replace(" FROM t", " FROM " + data.scan()));
        Spillway sw = sessions.open(memory, parallelism, 1024);
        DataFrame df = q.api().apply(data.read(sw));
        assertTrue(df.explainString().contains("per partition (for"), df.explainString());
        DuckOracle.assertSameRows(expected, DuckOracle.rows(df));
        assertEquals(1L, sw.counters().get("window.topK"), sw.counters().toString());
        assertTrue(sw.counters().get("window.topKRowsKept") < 60_000 / 5, sw.counters().toString());
    }

    @ParameterizedTest(name = "parallelism {0}, memory {1}")
    @MethodSource("q8Cases")
    void dbBenchmarkQ8InWindowFormEqualsTopKAndDuckDb(int parallelism, String memory, SpillwaySessions sessions) throws Exception {
        Path csv = GroupByData.of(100_000, 100).nas(3).writeCsvInto(dir);
        Spillway sw = sessions.open(memory, parallelism);
        DataFrame x = sw.readCsv(csv.toString());
        DataFrame window = x.withColumn("n", rowNumber().over(Window.partitionBy("id6").orderBy(desc("v3"))))
                .filter(col("n").leq(2));
        String plan = window.explainString();
        assertTrue(plan.contains("topK=2 per partition"), plan);
        // ties in v3 make row_number's choice among them free: compare (id6, v3)
        List<List<Object>> actual = DuckOracle.rows(window.select("id6", "v3"));
        List<List<Object>> duck = DuckOracle.query("SELECT id6, v3 FROM (SELECT id6, v3, row_number() OVER (PARTITION BY id6"
                + " ORDER BY v3 DESC NULLS LAST) n FROM read_csv('" + csv + "')) WHERE n <= 2");
        DuckOracle.assertSameRows(duck, actual, 0);
        // the topK form skips null v3 values where the window keeps them (a group with fewer than 2 non-null values)
        List<List<Object>> topK = DuckOracle.rows(x.groupBy("id6").topK(2, desc("v3")));
        DuckOracle.assertSameRows(topK, DuckOracle.rows(window.filter(col("v3").isNotNull()).select("id6", "v3")), 0);
        assertTrue(sw.counters().get("window.topK") >= 1, sw.counters().toString());
        assertTrue(sw.counters().get("window.topKRowsKept") <= 2 * 2 * duck.size(), sw.counters().toString());
    }

    static Stream<Arguments> q8Cases() {
        return Stream.of(Arguments.of(1, "64m"), Arguments.of(2, "64m"), Arguments.of(2, "2m"));
    }

    @Test
    void tooManyPartitionsSpillTheirHashPartitions(SpillwaySessions sessions) {
        Spillway sw = sessions.open("2m", 2, 1024);
        DataFrame f = data.read(sw).withColumn("n", rowNumber().over(Window.partitionBy("rn").orderBy("k_int")))
                .filter(col("n").leq(1));
        assertEquals(60_000, f.count());
        assertEquals(60_000, f.rows().size());
        assertEquals(2L, sw.counters().get("window.topK"), "one per run: " + sw.counters());
        assertEquals(null, sw.counters().get("window.topKFallbacks"), sw.counters().toString());
        assertTrue(sw.counters().getOrDefault("window.topKSpilledPartitions", 0L) >= 2, sw.counters().toString());
    }

    @Test
    void tooManyPartitionsOfABoxedOrderFallBackToTheSort(SpillwaySessions sessions) {
        Spillway sw = sessions.open("2m", 2, 1024);
        DataFrame f = data.read(sw).withColumn("n", rowNumber().over(Window.partitionBy("rn").orderBy("k_str")))
                .filter(col("n").leq(1));
        assertEquals(60_000, f.count());
        assertEquals(60_000, f.rows().size());
        assertEquals(2L, sw.counters().get("window.topKFallbacks"), "one per run: " + sw.counters());
        assertEquals(null, sw.counters().get("window.topK"), "no short cut completed: " + sw.counters());
    }

    @Test
    void leftAloneWhereItWouldBeWrong(SpillwaySessions sessions) {
        DataFrame f = data.read(sessions.open());
        WindowSpec w = Window.partitionBy("k_int").orderBy(desc("k_dbl"));
        // dense rank: its k-th value may be far down the partition
        assertFalse(f.withColumn("d", denseRank().over(w)).filter(col("d").leq(2)).explainString().contains("topK="));
        // another function of the node reads rows beyond the first k
        assertFalse(f.withColumn("n", rowNumber().over(w)).withColumn("s", sum("v_int").over(w)).filter(col("n").leq(2))
                .explainString().contains("topK="));
        // not an upper bound
        assertFalse(f.withColumn("n", rowNumber().over(w)).filter(col("n").geq(2)).explainString().contains("topK="));
        // another window between the filter and the ranking
        DataFrame between = f.withColumn("n", rowNumber().over(w)).withColumn("t", sum("v_int").over(Window.partitionBy("k_str")))
                .filter(col("n").leq(2));
        assertFalse(between.explainString().contains("topK="), between.explainString());
        List<List<Object>> expected = DuckOracle.query("SELECT count(*) FROM (SELECT row_number() OVER (" + W + ") n FROM "
                + data.scan() + ") WHERE n <= 2");
        assertEquals(((Number) expected.getFirst().getFirst()).longValue(), between.count());
    }
}
