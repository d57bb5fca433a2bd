package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.max;
import static org.spillway.frame.Functions.min;
import static org.spillway.frame.Functions.sum;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.frame.io.parquet.ParquetSource;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * One row group of 2.5 million rows with several columns (strings, nulls). Written by Spillway with
 * 256 KiB pages, uncompressed (column chunks of 10-20 MB, more than a reader could hold under a 16 MB
 * budget if it read them whole): the scan streams the pages, is split into row-range morsels
 * (counted), and equals DuckDB's answers. Written by DuckDB (one page per column chunk, no page
 * index): not split, since every range would decode the same single page.
 */
@SpillwayTest(memoryLimit = "16m")
class ParquetBigRowGroupTest {
    static final long ROWS = 2_500_000;
    @TempDir
    static Path dir;
    static Path duckFile;
    static Path swFile;

    @BeforeAll
    static void write() {
        duckFile = dir.resolve("duck.parquet");
        DuckOracle.execute("COPY (SELECT i AS id, i % 1000 AS k, CASE WHEN i % 7 = 0 THEN NULL ELSE ((i % 10007) * 0.5)::DOUBLE END AS x, "
                + "'c' || (i % 50) AS cat, CASE WHEN i % 11 = 0 THEN NULL ELSE 'v' || (i * 7919 % 1000003) END AS s "
                + "FROM range(" + ROWS + ") t(i)) TO '" + duckFile + "' (FORMAT parquet, ROW_GROUP_SIZE 3000000)");
        swFile = dir.resolve("spillway.parquet");
        try (Spillway big = Spillway.builder().memoryLimit("768m").parallelism(2).build()) {
            big.readParquet(duckFile.toString()).writeParquet(swFile, ParquetWriteOptions.defaults().withRowGroupRows(3_000_000)
                    .withPageSizeBytes(256 << 10).withCodec(ParquetWriteOptions.Codec.UNCOMPRESSED));
        }
    }

    private static void assertSameAsDuckDb(Spillway sw, Path file, long minBytes, long minMorsels, long maxMorsels) throws Exception {
        String pq = "read_parquet('" + file + "')";
        ParquetSource src = ParquetSource.open(file.toString());
        assertEquals(1, src.rowGroups().size(), "one row group");
        assertTrue(Files.size(file) > minBytes, Files.size(file) + " bytes");
        DataFrame f = sw.readParquet(file.toString());
        assertEquals(ROWS, f.count()); // from the footers, over the split morsels
        Map<String, Long> before = Map.copyOf(sw.counters());
        List<List<Object>> totals = DuckOracle.rows(f.agg(count(), sum("id"), sum("x"), count("s"), min("s"), max("s")).collect());
        DuckOracle.assertSameRows(DuckOracle.query("SELECT count(*), sum(id), sum(x), count(s), min(s), max(s) FROM " + pq),
                totals, 1e-9);
        long morsels = sw.counters().getOrDefault("parquet.morselsRead", 0L) - before.getOrDefault("parquet.morselsRead", 0L);
        long groups = sw.counters().getOrDefault("parquet.rowGroupsRead", 0L) - before.getOrDefault("parquet.rowGroupsRead", 0L);
        assertTrue(morsels >= minMorsels && morsels <= maxMorsels, morsels + " morsels: " + sw.counters());
        assertEquals(1, groups, sw.counters().toString());

        DataFrame byCat = f.groupBy("cat").agg(count(), sum("k"), sum("x"), count("s"));
        DuckOracle.assertSameRows(DuckOracle.query("SELECT cat, count(*), sum(k), sum(x), count(s) FROM " + pq + " GROUP BY cat"),
                DuckOracle.rows(byCat.collect()), 1e-9);

        DataFrame filtered = f.filter(col("id").geq(1_234_567).and(col("id").lt(1_300_000))).agg(count(), sum("x"), count("s"));
        DuckOracle.assertSameRows(DuckOracle.query("SELECT count(*), sum(x), count(s) FROM " + pq
                + " WHERE id >= 1234567 AND id < 1300000"), DuckOracle.rows(filtered.collect()), 1e-9);

        // rows across a morsel boundary (1,250,000 when split in two) come back in file order
        DataFrame across = f.filter(col("id").geq(1_200_000).and(col("id").lt(1_270_000))).select("id", "x", "s");
        DuckOracle.assertSameOrderedRows(DuckOracle.query("SELECT id, x, s FROM " + pq + " WHERE id >= 1200000 AND id < 1270000 ORDER BY id"),
                DuckOracle.rows(across.collect()), 0);
        assertTrue(sw.budget().peak() <= sw.memoryLimit(), sw.memoryReport());
    }

    @Test
    void smallPagesAreStreamedAndSplitUnderASmallBudget(Spillway sw) throws Exception {
        // uncompressed: the column chunks read by the query add up to more than the budget
        assertSameAsDuckDb(sw, swFile, 32L << 20, 2, 2);
    }

    @Test
    void onePagePerColumnChunkIsNotSplit() throws Exception {
        // a page is read whole: DuckDB's 10-15 MB pages need more than 16 MB for two workers
        try (Spillway sw = Spillway.builder().memoryLimit("256m").parallelism(2).build()) {
            assertSameAsDuckDb(sw, duckFile, 8L << 20, 1, 1);
        }
    }
}
