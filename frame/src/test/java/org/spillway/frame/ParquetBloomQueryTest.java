package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * Equality filters on Parquet files DuckDB wrote with bloom filters (DuckDB writes one for every
 * dictionary-encoded column chunk): row groups whose filter (else dictionary) excludes the value are
 * skipped and counted, the answers equal DuckDB's, and explain() says bloom filters are used.
 */
@SpillwayTest
class ParquetBloomQueryTest {
    static final int GROUP = 10240;
    @TempDir
    static Path dir;
    static Path file;

    /**
     * Six row groups; key k = (hash % 600) * 10 + (group % 3) + 1, so every group spans about the same
     * range (statistics cannot prune an equality) but holds only keys ending in one digit.
     */
    @BeforeAll
    static void write() {
        file = dir.resolve("keys.parquet");
        DuckOracle.execute("COPY (SELECT i AS id, k::BIGINT AS k64, k::INTEGER AS k32, 'key-' || k AS s,"
                + " DATE '2000-01-01' + k::INTEGER AS d FROM (SELECT i, (hash(i) % 600) * 10 + ((i // " + GROUP
                + ") % 3) + 1 AS k FROM range(" + 6 * GROUP + ") t(i))) TO '" + file + "' (FORMAT parquet, ROW_GROUP_SIZE " + GROUP + ")");
        assertEquals(6, DuckOracle.scalarLong("SELECT count(*) FROM parquet_metadata('" + file + "') WHERE path_in_schema = 's'"
                + " AND bloom_filter_offset IS NOT NULL"));
    }

    private static long delta(Spillway sw, String counter, Supplier<?> run) {
        long before = sw.counters().getOrDefault(counter, 0L);
        run.get();
        return sw.counters().getOrDefault(counter, 0L) - before;
    }

    /** The rows of {@code where} in Spillway and DuckDB (by id), and the row groups Spillway skipped by bloom filters or dictionaries. */
    private static long check(Spillway sw, Expr filter, String where) {
        DataFrame q = sw.readParquet(file.toString()).filter(filter).select("id");
        List<List<Object>> ours = new ArrayList<>();
        long byDictionary = sw.counters().getOrDefault("parquet.rowGroupsSkippedByDictionary", 0L);
        long skipped = delta(sw, "parquet.rowGroupsSkippedByBloom", () -> ours.addAll(DuckOracle.rows(q)))
                + sw.counters().getOrDefault("parquet.rowGroupsSkippedByDictionary", 0L) - byDictionary;
        DuckOracle.assertSameOrderedRows(DuckOracle.query("SELECT id FROM read_parquet('" + file + "') WHERE " + where + " ORDER BY id"),
                ours);
        return skipped;
    }

    private static long groupsWith(String where) {
        return DuckOracle.scalarLong("SELECT count(DISTINCT id // " + GROUP + ") FROM read_parquet('" + file + "') WHERE " + where);
    }

    @Test
    void anAbsentValueSkipsEveryRowGroup(Spillway sw) {
        DataFrame q = sw.readParquet(file.toString()).filter(col("k64").eq(10L));
        String plan = q.explainString();
        assertTrue(plan.contains("bloom filters of [k64], dictionaries of [k64]"), plan);
        long bytes = delta(sw, "parquet.bloomFilterBytesRead", () -> {
            assertEquals(6, delta(sw, "parquet.rowGroupsSkippedByBloom", q::count));
            return null;
        });
        assertEquals(6 * DuckOracle.scalarLong("SELECT max(bloom_filter_length) FROM parquet_metadata('" + file + "')"
                + " WHERE path_in_schema = 'k64'"), bytes);
        assertEquals(6, check(sw, col("s").eq("key-2000"), "s = 'key-2000'"));
        assertEquals(6, check(sw, col("k32").eq(5990), "k32 = 5990"));
        assertEquals(6, check(sw, col("d").eq(LocalDate.of(2000, 1, 1).plusDays(40)), "d = DATE '2000-01-01' + 40"));
        assertEquals(6, check(sw, col("s").eq("key-10").or(col("s").eq("key-20")), "s IN ('key-10', 'key-20')"));
    }

    @Test
    void aPresentValueKeepsItsRowGroupsAndEqualsDuckDb(Spillway sw) {
        long k = (Long) DuckOracle.scalar("SELECT k64 FROM read_parquet('" + file + "') WHERE id = 12345");
        for (Object[] c : new Object[][] {{"k64", k, String.valueOf(k)}, {"k32", (int) k, String.valueOf(k)},
                {"s", "key-" + k, "'key-" + k + "'"}, {"d", LocalDate.of(2000, 1, 1).plusDays(k), "DATE '2000-01-01' + " + k}}) {
            String where = c[0] + " = " + c[2];
            long without = 6 - groupsWith(where);
            long skipped = check(sw, col((String) c[0]).eq(c[1]), where);
            assertTrue(skipped == without && without >= 3, where + ": " + skipped + " skipped, " + without + " row groups without it");
        }
        // an IN-list with one present value: only the row groups holding it are read
        String where = "s IN ('key-" + k + "', 'key-10')";
        long skipped = check(sw, col("s").eq("key-" + k).or(col("s").eq("key-10")), where);
        assertEquals(6 - groupsWith(where), skipped, where);
    }

    @Test
    void statisticsFirstThenBloomFilters(Spillway sw) {
        Map<String, Long> before = sw.counters();
        assertEquals(0, sw.readParquet(file.toString()).filter(col("id").lt(GROUP).and(col("k64").eq(10L))).count());
        Map<String, Long> after = sw.counters();
        assertEquals(5, after.get("parquet.rowGroupsSkipped") - before.getOrDefault("parquet.rowGroupsSkipped", 0L));
        assertEquals(1, after.get("parquet.rowGroupsSkippedByBloom") - before.getOrDefault("parquet.rowGroupsSkippedByBloom", 0L));
    }

    @Test
    void nullsNaNAndOtherFiltersNeverSkip(Spillway sw) {
        assertEquals(0, check(sw, col("k64").eq(Functions.lit(null)), "k64 = NULL"));
        assertEquals(0, check(sw, col("k64").eq(10.5), "k64 = 10.5"));
        assertEquals(0, check(sw, col("k64").neq(10L), "k64 <> 10"));
        assertEquals(0, check(sw, col("k64").plus(0).eq(10L), "k64 + 0 = 10"));
        assertEquals(0, check(sw, col("s").eq("key-10").or(col("id").gt(5L)), "s = 'key-10' OR id > 5"));
        DataFrame noBloom = sw.readParquet(file.toString()).filter(col("id").eq(10L));
        assertTrue(!noBloom.explainString().contains("bloom"), noBloom.explainString());
    }
}
