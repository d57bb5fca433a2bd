package org.spillway.frame.exec.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.asc;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.desc;
import static org.spillway.frame.Functions.rank;
import static org.spillway.frame.Functions.rowNumber;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.Window;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * The unboxed per-partition top-k ({@link PartitionTopKTable}) out of core, against DuckDB: tens of thousands of window
 * partitions under a 16 MB budget, so that the workers' tables freeze and the rows of the partitions not in them go to
 * the spilled hash partitions, which are run after the input. Partition keys of every kind (int32 with nulls, inside
 * and outside the directly indexed window; strings, whose pool grows with the diverted rows; int64; float64; two
 * columns), order keys ascending and descending with nulls and ties
 * ({@code rank()} keeps them), parallelism 1 and 2 giving the same rows. The tables' cap is lowered (a test hook) so
 * that every query spills; one test spills by the budget alone. With the cap at 64 KB the spilled partitions spill
 * again (the next hash bits split them). Revoke requests from the budget flush the tables while they run.
 */
@SpillwayTest
class WindowTopKSpillTest {
    @TempDir
    static Path dir;
    static String file;
    static final int ROWS = 300_000;

    @BeforeAll
    static void writeData() {
        file = dir.resolve("t.parquet").toString();
        DuckOracle.execute("COPY (SELECT i,"
                + " CASE WHEN i % 101 = 0 THEN NULL ELSE CAST(i % 50021 AS INTEGER) END AS p,"
                + " 'k' || ((i * 7) % 40009) AS s,"
                + " CAST((i * 13) % 60013 AS BIGINT) AS l,"
                + " ((i * 7919) % 70001) / 7.0 AS y,"
                + " CAST(i % 3 AS INTEGER) AS d,"
                + " CASE WHEN i % 53 = 0 THEN NULL WHEN i % 59 = 0 THEN 'NaN'::DOUBLE WHEN i % 61 = 0 THEN -0.0::DOUBLE"
                + " ELSE ((i * 7919) % 1000) / 10.0 END AS x,"
                + " CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 31) % 1000 END AS v"
                + " FROM range(" + ROWS + ") r(i)) TO '" + file + "' (FORMAT PARQUET, ROW_GROUP_SIZE 20000)");
    }

    record Q(String name, UnaryOperator<DataFrame> api, String sql) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Q> QUERIES = List.of(
            new Q("rowNumber <= 2 by int32 key with nulls, float64 desc nulls first",
                    f -> f.withColumn("n", rowNumber().over(Window.partitionBy("p").orderBy(desc("x").nullsFirst(), asc("i"))))
                            .filter(col("n").leq(2)).select("i", "p", "x", "n"),
                    "SELECT i, p, x, n FROM (SELECT *, row_number() OVER (PARTITION BY p ORDER BY x DESC NULLS FIRST, i) n"
                            + " FROM t) WHERE n <= 2"),
            new Q("rank <= 2 by string key, ties on an int32 order",
                    f -> f.withColumn("r", rank().over(Window.partitionBy("s").orderBy("d"))).filter(col("r").leq(2))
                            .select("i", "s", "d", "r"),
                    "SELECT i, s, d, r FROM (SELECT *, rank() OVER (PARTITION BY s ORDER BY d) r FROM t) WHERE r <= 2"),
            new Q("rank <= 1 by int64 key, int64 order desc with nulls last and ties",
                    f -> f.withColumn("r", rank().over(Window.partitionBy("l").orderBy(desc("v").nullsLast())))
                            .filter(col("r").leq(1)).select("i", "l", "v", "r"),
                    "SELECT i, l, v, r FROM (SELECT *, rank() OVER (PARTITION BY l ORDER BY v DESC NULLS LAST) r FROM t)"
                            + " WHERE r <= 1"),
            new Q("rowNumber <= 3 by float64 key, float64 ascending (NaN last, -0.0 as 0.0) then i descending",
                    f -> f.withColumn("n", rowNumber().over(Window.partitionBy("y").orderBy(asc("x"), desc("i"))))
                            .filter(col("n").leq(3)).select("i", "y", "x", "n"),
                    "SELECT i, y, x, n FROM (SELECT *, row_number() OVER (PARTITION BY y ORDER BY x NULLS LAST, i DESC) n"
                            + " FROM t) WHERE n <= 3"),
            new Q("rank <= 2 by two keys (int32 with nulls, string), order d desc then v",
                    f -> f.withColumn("r", rank().over(Window.partitionBy("p", "s").orderBy(desc("d"), asc("v"))))
                            .filter(col("r").leq(2)).select("i", "p", "s", "r"),
                    "SELECT i, p, s, r FROM (SELECT *, rank() OVER (PARTITION BY p, s ORDER BY d DESC, v) r FROM t)"
                            + " WHERE r <= 2"));

    static List<Q> queries() {
        return QUERIES;
    }

    /**
     * Runs {@code q} under a 16 MB budget, the tables' cap lowered to 1 MB (each query has 40,000 to 300,000
     * partitions, 3 to 30 MB of table), at parallelism 1 and 2: both as DuckDB, the same rows, through the spill.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("queries")
    void matchesDuckDbThroughSpilledPartitions(Q q, SpillwaySessions sessions) {
        long saved = PartitionTopKTable.testCap;
        PartitionTopKTable.testCap = 1 << 20;
        try {
            List<List<Object>> expected = DuckOracle.query(q.sql().replace(" FROM t", " FROM read_parquet('" + file + "')"));
            List<List<List<Object>>> results = new ArrayList<>();
            for (int parallelism : new int[] {1, 2}) {
                Spillway sw = sessions.open("16m", parallelism, 4096);
                DataFrame df = q.api().apply(sw.readParquet(file));
                assertTrue(df.explainString().contains("per partition (for"), df.explainString());
                List<List<Object>> rows = DuckOracle.rows(df);
                DuckOracle.assertSameRows(expected, rows);
                results.add(sorted(rows));
                assertSpilled(sw.counters());
            }
            assertEquals(results.get(0), results.get(1));
        } finally {
            PartitionTopKTable.testCap = saved;
        }
    }

    /** Without a lowered cap: 300,000 partitions of two keys (about 29 MB of table) pass the 8 MB cap of a 16 MB budget. */
    @Test
    void theBudgetAloneMakesTheTableSpill(SpillwaySessions sessions) {
        Q q = QUERIES.get(4);
        List<List<Object>> expected = DuckOracle.query(q.sql().replace(" FROM t", " FROM read_parquet('" + file + "')"));
        for (int parallelism : new int[] {1, 2}) {
            Spillway sw = sessions.open("16m", parallelism, 4096);
            DuckOracle.assertSameRows(expected, DuckOracle.rows(q.api().apply(sw.readParquet(file))));
            assertSpilled(sw.counters());
            assertTrue(sw.counters().getOrDefault("window.topKFrozenTables", 0L) >= 1, sw.counters().toString());
        }
    }

    private static void assertSpilled(Map<String, Long> c) {
        assertEquals(1L, c.get("window.topK"), c.toString());
        assertEquals(0L, c.getOrDefault("window.topKFallbacks", 0L), c.toString());
        // a frozen table diverts the rows of partitions not in it; a string pool that cannot grow flushes the table
        assertTrue(c.getOrDefault("window.topKFrozenTables", 0L) + c.getOrDefault("window.topKFlushes", 0L) >= 1, c.toString());
        assertTrue(c.getOrDefault("window.topKSpilledPartitions", 0L) >= 1, c.toString());
        assertTrue(c.getOrDefault("window.topKSpilledRows", 0L) > 0, c.toString());
    }

    /** With the tables' cap at 64 KB the spilled partitions freeze too and are split by the next hash bits. */
    @Test
    void spilledPartitionsSpillAgain(SpillwaySessions sessions) {
        long saved = PartitionTopKTable.testCap;
        PartitionTopKTable.testCap = 64 << 10;
        try {
            for (Q q : List.of(QUERIES.get(0), QUERIES.get(1), QUERIES.get(4))) {
                List<List<Object>> expected = DuckOracle.query(q.sql().replace(" FROM t", " FROM read_parquet('" + file + "')"));
                for (int parallelism : new int[] {1, 2}) {
                    Spillway sw = sessions.open("64m", parallelism, 4096);
                    DuckOracle.assertSameRows(expected, DuckOracle.rows(q.api().apply(sw.readParquet(file))));
                    Map<String, Long> c = sw.counters();
                    assertTrue(c.getOrDefault("window.topKRepartitions", 0L) >= 1, q + ": " + c);
                    assertTrue(c.getOrDefault("window.topKSpilledPartitions", 0L) > c.getOrDefault("window.topKRepartitions", 0L),
                            q + ": " + c);
                }
            }
        } finally {
            PartitionTopKTable.testCap = saved;
        }
    }

    /**
     * The budget asks the operator to give its memory back while it runs (another thread sends revoke requests to the
     * {@code WindowTopK} consumer until two were honoured): each worker flushes its kept rows to the spilled partitions
     * at its next chunk and starts an empty table, and the answer is still DuckDB's.
     */
    @Test
    void revokeRequestsFlushTheTables(SpillwaySessions sessions) throws InterruptedException {
        Q q = QUERIES.get(1);
        List<List<Object>> expected = DuckOracle.query(q.sql().replace(" FROM t", " FROM read_parquet('" + file + "')"));
        for (int parallelism : new int[] {1, 2}) {
            Spillway sw = sessions.open("64m", parallelism, 4096);
            org.spillway.spill.memory.MemoryBudget budget = sw.budget();
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            Thread asker = new Thread(() -> {
                while (!done.get() && budget.revokeStats().getOrDefault("memory.revokes.WindowTopK", 0L) < 2) {
                    for (org.spillway.spill.memory.MemoryConsumer c : budget.consumers()) {
                        if (c.kind().equals("WindowTopK")) {
                            c.requestRevoke();
                        }
                    }
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            asker.start();
            List<List<Object>> rows;
            try {
                rows = DuckOracle.rows(q.api().apply(sw.readParquet(file)));
            } finally {
                done.set(true);
                asker.join();
            }
            DuckOracle.assertSameRows(expected, rows);
            Map<String, Long> stats = budget.revokeStats();
            assertTrue(stats.getOrDefault("memory.revokes.WindowTopK", 0L) >= 1, stats.toString());
            Map<String, Long> c = sw.counters();
            assertTrue(c.getOrDefault("window.topKFlushes", 0L) >= 1, c.toString());
            assertTrue(c.getOrDefault("window.topKSpilledPartitions", 0L) >= 1, c.toString());
        }
    }

    /** A generous budget keeps the fast path: nothing frozen or spilled. */
    @Test
    void aTableThatFitsDoesNotSpill(SpillwaySessions sessions) {
        Q q = QUERIES.getFirst();
        Spillway sw = sessions.open("512m", 2, 4096);
        DuckOracle.assertSameRows(DuckOracle.query(q.sql().replace(" FROM t", " FROM read_parquet('" + file + "')")),
                DuckOracle.rows(q.api().apply(sw.readParquet(file))));
        Map<String, Long> c = sw.counters();
        assertEquals(1L, c.get("window.topK"), c.toString());
        assertEquals(0L, c.getOrDefault("window.topKFrozenTables", 0L), c.toString());
        assertEquals(0L, c.getOrDefault("window.topKSpilledRows", 0L), c.toString());
    }

    private static List<List<Object>> sorted(List<List<Object>> rows) {
        List<List<Object>> s = new ArrayList<>(rows);
        s.sort(Comparator.comparing(Object::toString));
        return s;
    }
}
