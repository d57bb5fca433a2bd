package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.countDistinct;
import static org.spillway.frame.Functions.desc;
import static org.spillway.frame.Functions.median;
import static org.spillway.frame.Functions.quantile;
import static org.spillway.frame.Functions.sum;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * Holistic aggregates (median, quantile, countDistinct, top-k) of a group that alone holds more
 * values than the memory budget (one key with half the rows): its partition cannot be split by the
 * hash, so its values are sorted out of core and the aggregates read off the sorted stream. Results
 * equal DuckDB's; the test JVM's heap is {@code -Xmx64m} (frame/pom.xml), the budget 2 MB.
 */
@Tag("outofcore")
@SpillwayTest(memoryLimit = "2m")
class SkewedHolisticTest {
    @TempDir
    static Path dir;
    static Path csv;
    static final int ROWS = 800_000;

    @BeforeAll
    static void generate() throws Exception {
        csv = dir.resolve("skew.csv");
        try (BufferedWriter w = Files.newBufferedWriter(csv)) {
            w.write("k,v,s\n");
            for (int i = 0; i < ROWS; i++) {
                int k = i % 2 == 0 ? 0 : 1 + (i % 5000); // key 0 holds half the rows
                String v = i % 13 == 0 ? "" : String.format(Locale.ROOT, "%.3f", ((i * 7919L) % 100_003) / 7.0);
                String s = i % 17 == 0 ? "" : "s" + ((i * 31L) % 20_011);
                w.write(k + "," + v + "," + s + "\n");
            }
        }
    }

    @Test
    void medianQuantileAndDistinctOfAGroupLargerThanTheBudgetMatchDuckDb(Spillway sw) {
        String t = "read_csv('" + csv + "')";
        List<List<Object>> expected = DuckOracle.query("SELECT k, median(v), quantile_cont(v, 0.9), count(DISTINCT s), "
                + "count(DISTINCT v), sum(v), count(*) FROM " + t + " GROUP BY k ORDER BY k");
        DataFrame f = sw.readCsv(csv.toString());
        List<Row> got = f.groupBy("k").agg(median("v"), quantile("v", 0.9), countDistinct("s"), countDistinct("v"),
                sum("v"), count()).sort("k").rows();
        assertRows(expected, got);
        assertTrue(sw.counters().getOrDefault("groupby.sortedValues", 0L) > 0,
                "the skewed group's values were sorted out of core: " + sw.counters());
        assertTrue(sw.spilledBytes() > 0, sw.memoryReport());
        assertTrue(sw.budget().peak() <= sw.memoryLimit(), sw.memoryReport());
    }

    @Test
    void topKOfAGroupLargerThanTheBudgetMatchesDuckDb(Spillway sw) {
        String t = "read_csv('" + csv + "')";
        List<List<Object>> expected = DuckOracle.query("SELECT k, v FROM (SELECT k, v, row_number() OVER "
                + "(PARTITION BY k ORDER BY v DESC) AS rn FROM " + t + " WHERE v IS NOT NULL) WHERE rn <= 3 ORDER BY k, v DESC");
        DataFrame f = sw.readCsv(csv.toString());
        List<Row> got = f.groupBy("k").topK(3, desc("v")).sort(Functions.asc("k"), desc("v")).rows();
        assertRows(expected, got);
        assertTrue(sw.counters().getOrDefault("groupby.sortedValues", 0L) > 0, "sorted out of core: " + sw.counters());
        assertTrue(sw.budget().peak() <= sw.memoryLimit(), sw.memoryReport());
    }

    private static void assertRows(List<List<Object>> expected, List<Row> got) {
        assertEquals(expected.size(), got.size(), "groups");
        for (int r = 0; r < expected.size(); r++) {
            List<Object> e = expected.get(r);
            List<Object> a = new ArrayList<>();
            for (int j = 0; j < e.size(); j++) {
                a.add(DuckOracle.normalise(got.get(r).get(j)));
            }
            for (int j = 0; j < e.size(); j++) {
                assertTrue(DuckOracle.same(e.get(j), a.get(j)), "row " + r + " column " + j + ": DuckDB " + e
                        + ", Spillway " + a);
            }
        }
    }
}
