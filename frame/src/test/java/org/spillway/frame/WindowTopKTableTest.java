package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.asc;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.desc;
import static org.spillway.frame.Functions.rank;
import static org.spillway.frame.Functions.rowNumber;

import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * The unboxed per-partition top-k ({@code exec.window.PartitionTopKTable}) against DuckDB, on data made to reach its
 * corners: rows arriving worst first (every row enters its partition's top k and pushes one out, so the copied rows'
 * garbage is compacted several times during the run), long runs of ties kept by {@code rank()} across compactions,
 * null partition keys, order keys of every encoding (int, int64 with nulls first and last, float64 with nulls, NaN and
 * -0.0, bool), ascending and descending, and string and multi-column partition keys; integer keys inside and outside
 * the window of directly indexed partitions. When every kept row is in the direct states, the rows come out in the
 * window's order and the window does not sort them ({@code window.sortsSkipped}).
 */
@SpillwayTest
class WindowTopKTableTest {
    @TempDir
    static Path dir;
    static String file;
    static final int ROWS = 300_000;

    @BeforeAll
    static void writeData() {
        file = dir.resolve("t.parquet").toString();
        DuckOracle.execute("COPY (SELECT i, CASE WHEN i % 101 = 0 THEN NULL ELSE CAST(i % 97 AS INTEGER) END AS p,"
                + " 'g' || (i % 13) AS s, i // 1000 AS q,"
                + " CAST(CASE WHEN i >= " + (ROWS - 200) + " THEN 1 WHEN i % 10 = 0 THEN 0 ELSE -1 END AS INTEGER) AS z,"
                + " CAST(i % 5 AS INTEGER) AS d, i % 2 = 0 AS b,"
                + " CASE WHEN i % 53 = 0 THEN NULL WHEN i % 59 = 0 THEN 'NaN'::DOUBLE WHEN i % 61 = 0 THEN -0.0::DOUBLE"
                + " ELSE ((i * 7919) % 1000) / 10.0 END AS x,"
                + " CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 31) % 1000 END AS l"
                + " FROM range(" + ROWS + ") r(i)) TO '" + file + "' (FORMAT PARQUET, ROW_GROUP_SIZE 20000)");
    }

    record Q(String name, UnaryOperator<DataFrame> api, String sql, long maxKept, boolean compacts, boolean inOrder) {
        Q(String name, UnaryOperator<DataFrame> api, String sql, long maxKept, boolean compacts) {
            this(name, api, sql, maxKept, compacts, false);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Q> QUERIES = List.of(
            new Q("rowNumber <= 3, rows arriving worst first (compactions), null partition",
                    f -> f.withColumn("n", rowNumber().over(Window.partitionBy("p").orderBy(desc("i")))).filter(col("n").leq(3))
                            .select("i", "p", "n"),
                    "SELECT i, p, n FROM (SELECT *, row_number() OVER (PARTITION BY p ORDER BY i DESC) n FROM t) WHERE n <= 3",
                    2 * 3 * 98, true),
            new Q("rank <= 2 keeps runs of thousands of ties",
                    f -> f.withColumn("r", rank().over(Window.partitionBy("s").orderBy("d"))).filter(col("r").leq(2))
                            .select("i", "s", "r"),
                    "SELECT i, s, r FROM (SELECT *, rank() OVER (PARTITION BY s ORDER BY d) r FROM t) WHERE r <= 2",
                    ROWS / 5, false),
            new Q("rank <= 2 over runs of ties that push each other out (compactions of tied rows)",
                    f -> f.withColumn("r", rank().over(Window.partitionBy("s").orderBy(desc("q")))).filter(col("r").leq(2))
                            .select("i", "s", "r"),
                    "SELECT i, s, r FROM (SELECT *, rank() OVER (PARTITION BY s ORDER BY q DESC) r FROM t) WHERE r <= 2",
                    2 * 1000, true),
            new Q("rank <= 2 where the best row comes last, after the ties of the second",
                    f -> f.withColumn("r", rank().over(Window.partitionBy("p").orderBy(desc("z")))).filter(col("r").leq(2))
                            .select("i", "p", "z", "r"),
                    "SELECT i, p, z, r FROM (SELECT *, rank() OVER (PARTITION BY p ORDER BY z DESC) r FROM t) WHERE r <= 2",
                    2 * (ROWS / 10 + 200), false),
            new Q("rowNumber <= 2 by float64 desc nulls first, int64 nulls last, then i; two partition keys",
                    f -> f.withColumn("n", rowNumber().over(Window.partitionBy("p", "s")
                                    .orderBy(desc("x").nullsFirst(), asc("l").nullsLast(), asc("i"))))
                            .filter(col("n").leq(2)).select("i", "x", "l", "n"),
                    "SELECT i, x, l, n FROM (SELECT *, row_number() OVER (PARTITION BY p, s ORDER BY x DESC NULLS FIRST,"
                            + " l ASC NULLS LAST, i) n FROM t) WHERE n <= 2",
                    2 * 2 * 98 * 13, false),
            new Q("rank <= 4 by int64 desc nulls first and bool",
                    f -> f.withColumn("r", rank().over(Window.partitionBy("d").orderBy(desc("l").nullsFirst(), asc("b"))))
                            .filter(col("r").leq(4)).select("i", "d", "r"),
                    "SELECT i, d, r FROM (SELECT *, rank() OVER (PARTITION BY d ORDER BY l DESC NULLS FIRST, b) r FROM t)"
                            + " WHERE r <= 4",
                    ROWS, false, true),
            new Q("rowNumber <= 2 per dense int key (direct states only: the workers' rows merge, the window skips its sort)",
                    f -> f.withColumn("n", rowNumber().over(Window.partitionBy("d").orderBy(desc("x").nullsLast(), asc("i"))))
                            .filter(col("n").leq(2)).select("i", "d", "x", "n"),
                    "SELECT i, d, x, n FROM (SELECT *, row_number() OVER (PARTITION BY d ORDER BY x DESC NULLS LAST, i) n FROM t)"
                            + " WHERE n <= 2",
                    2 * 5, false, true),
            new Q("rowNumber = 1 by float64 ascending (NaN last, -0.0 as 0.0), then i descending",
                    f -> f.withColumn("n", rowNumber().over(Window.partitionBy("p").orderBy(asc("x"), desc("i"))))
                            .filter(col("n").leq(1)).select("i", "p", "x"),
                    "SELECT i, p, x FROM (SELECT *, row_number() OVER (PARTITION BY p ORDER BY x NULLS LAST, i DESC) n FROM t)"
                            + " WHERE n = 1",
                    2 * 98, false),
            new Q("rowNumber <= 2 per int64 key, most keys outside the first chunk's range (direct states, then the table)",
                    f -> f.withColumn("n", rowNumber().over(Window.partitionBy("q").orderBy(desc("x").nullsLast(), asc("i"))))
                            .filter(col("n").leq(2)).select("i", "q", "x", "n"),
                    "SELECT i, q, x, n FROM (SELECT *, row_number() OVER (PARTITION BY q ORDER BY x DESC NULLS LAST, i) n FROM t)"
                            + " WHERE n <= 2",
                    2 * 2 * 300, false));

    static Stream<Arguments> cases() {
        return Stream.of(1, 2).flatMap(p -> QUERIES.stream().map(q -> Arguments.of(q, p)));
    }

    @ParameterizedTest(name = "{0}, parallelism {1}")
    @MethodSource("cases")
    void matchesDuckDb(Q q, int parallelism, SpillwaySessions sessions) {
        List<List<Object>> expected = DuckOracle.query(q.sql().replace(" FROM t", " FROM read_parquet('" + file + "')"));
        Spillway sw = sessions.open("64m", parallelism, 4096);
        DataFrame df = q.api().apply(sw.readParquet(file));
        assertTrue(df.explainString().contains("per partition (for"), df.explainString());
        DuckOracle.assertSameRows(expected, DuckOracle.rows(df));
        assertEquals(1L, sw.counters().get("window.topK"), sw.counters().toString());
        assertTrue(sw.counters().get("window.topKRowsKept") <= q.maxKept(), sw.counters().toString());
        assertEquals(q.inOrder() ? 1L : 0L, sw.counters().getOrDefault("window.sortsSkipped", 0L), sw.counters().toString());
        if (q.compacts()) {
            assertTrue(sw.counters().getOrDefault("window.topKCompactions", 0L) >= 1, sw.counters().toString());
        }
    }
}
