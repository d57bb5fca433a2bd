package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.Expr;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.memory.MemoryBudget;

/**
 * Row-range reads ({@link RowGroupRef#range}): rows {@code [a, b)} of a row group equal rows
 * {@code a..b-1} of the whole group, for ranges starting and ending inside pages, with and without an
 * offset index, dictionary and plain pages, data pages v1 and v2; combined with page-index skipping.
 */
@SpillwayTest(chunkRows = 700)
class ParquetRowRangeTest {
    @TempDir
    Path dir;

    Spillway sw;

    static List<List<Object>> read(ParquetSource src, RowGroupRef ref, Expr filter, int chunkRows, Map<String, Long> counts) {
        List<List<Object>> rows = new ArrayList<>();
        try (MemoryBudget budget = new MemoryBudget(1L << 30)) {
            try (ParquetRowGroupReader r = src.newReader(ParquetTestSupport.all(src.schema()), chunkRows, budget)) {
                r.read(ref, filter, (k, v) -> counts.merge(k, v, Long::sum), chunk -> {
                    try (Chunk c = chunk) {
                        assertTrue(c.rows() <= chunkRows);
                        for (int i = 0; i < c.rows(); i++) {
                            List<Object> row = new ArrayList<>();
                            for (int j = 0; j < c.columnCount(); j++) {
                                row.add(DuckOracle.normalise(c.column(j).getObject(i)));
                            }
                            rows.add(row);
                        }
                    }
                });
            }
            assertEquals(0, budget.used(), "memory left reserved after reading");
        }
        return rows;
    }

    /** Every row group of {@code file}: ranges at awkward places read the same rows as the whole group. */
    static void assertRangesMatch(Path file) {
        ParquetSource src = ParquetSource.open(file.toString());
        for (RowGroupRef rg : src.rowGroups()) {
            List<List<Object>> whole = read(src, rg, null, 97, new TreeMap<>());
            long n = rg.rows();
            assertEquals(n, whole.size(), file + " row group " + rg.rowGroup());
            long[][] cuts = {{0, n}, {0, n / 3}, {n / 3, n}, {n / 3, 2 * n / 3 + 1}, {1, n - 1}, {n - 1, n}, {n / 2, n / 2},
                {Math.max(0, n / 2 - 5), Math.min(n, n / 2 + 5)}};
            for (long[] c : cuts) {
                if (c[0] < 0 || c[1] > n || c[0] > c[1]) {
                    continue;
                }
                for (int chunkRows : new int[] {13, 4096}) {
                    List<List<Object>> got = read(src, rg.range(c[0], c[1] - c[0]), null, chunkRows, new TreeMap<>());
                    DuckOracle.assertSameOrderedRows(whole.subList((int) c[0], (int) c[1]), got, 0);
                }
            }
        }
    }

    @Test
    void handWrittenPagesWithAndWithoutOffsetIndex() throws Exception {
        for (boolean index : new boolean[] {true, false}) {
            Path p = ParquetPageIndexTest.writeIndexed(dir.resolve("ix-" + index + ".parquet"), 1000, 100, 70, index);
            assertRangesMatch(p);
            ParquetSource src = ParquetSource.open(p.toString());
            Map<String, Long> counts = new TreeMap<>();
            List<List<Object>> rows = read(src, src.rowGroups().getFirst().range(455, 100), null, 64, counts);
            assertEquals(100, rows.size());
            for (int i = 0; i < rows.size(); i++) {
                long id = 455 + i;
                assertEquals(java.util.Arrays.asList(id, id % 10 == 0 ? null : id * 3), rows.get(i));
            }
            // id pages [0,400) and v pages [0,420) lie before row 455: never read, with or without the offset index
            assertTrue(counts.get("parquet.pagesSkipped") >= 4 + 6, counts.toString());
            assertEquals(2L + 2, counts.get("parquet.pagesRead"), counts.toString()); // id [400,600), v [420,560)
            assertEquals(1L, counts.get("parquet.morselsRead"));
            assertEquals(null, counts.get("parquet.rowGroupsRead")); // counted by the range holding row 0
        }
    }

    @Test
    void pagesBeforeTheRangeAreNotReadFromDisk() throws Exception {
        for (boolean index : new boolean[] {true, false}) {
            // v pages of at most 504 rows: the helper writes one-byte run headers
            Path p = ParquetPageIndexTest.writeIndexed(dir.resolve("many-" + index + ".parquet"), 100_000, 1000, 500, index);
            ParquetSource src = ParquetSource.open(p.toString());
            Map<String, Long> counts = new TreeMap<>();
            List<List<Object>> rows = read(src, src.rowGroups().getFirst().range(90_500, 1000), null, 4096, counts);
            assertEquals(1000, rows.size());
            assertEquals(java.util.Arrays.asList(90_500L, null), rows.getFirst());
            long fileBytes = java.nio.file.Files.size(p);
            // with the offset index a seek, without it a 512-byte peek at each skipped header; then the
            // read-ahead (up to a MiB) runs to the end of the column chunks, the last 10% of the file
            assertTrue(counts.get("parquet.bytesRead") < fileBytes / (index ? 8 : 4), counts + " of " + fileBytes + " bytes");
            assertTrue(counts.get("parquet.pagesSkipped") >= 90 + 181, counts.toString());
        }
    }

    @Test
    void aPageLargerThanTheReadBlockIsReadWhole() throws Exception {
        // id: one page of 200,000 int64 (1.6 MB > ColumnCursor.BLOCK), v: pages of 500 rows
        Path p = ParquetPageIndexTest.writeIndexed(dir.resolve("bigpage.parquet"), 200_000, 200_000, 500, false);
        assertTrue(java.nio.file.Files.size(p) > ColumnCursor.BLOCK);
        ParquetTestSupport.assertSameAsDuckDb(p, 4096);
        assertRangesMatch(p);
    }

    @Test
    void pageIndexSkippingCombinesWithARange() throws Exception {
        Path p = ParquetPageIndexTest.writeIndexed(dir.resolve("ix.parquet"), 1000, 100, 70);
        ParquetSource src = ParquetSource.open(p.toString());
        RowGroupRef rg = src.rowGroups().getFirst();
        Expr filter = col("id").geq(450).and(col("id").lt(520)); // kept by the page index: rows [400, 600)
        for (long[] c : new long[][] {{430, 560}, {0, 470}, {510, 1000}, {0, 300}, {650, 1000}, {399, 401}, {0, 1000}}) {
            Map<String, Long> counts = new TreeMap<>();
            List<List<Object>> rows = read(src, rg.range(c[0], c[1] - c[0]), filter, 33, counts);
            long from = Math.max(400, c[0]);
            long to = Math.min(600, c[1]);
            assertEquals(Math.max(0, to - from), rows.size(), java.util.Arrays.toString(c));
            for (int i = 0; i < rows.size(); i++) {
                long id = from + i;
                assertEquals(java.util.Arrays.asList(id, id % 10 == 0 ? null : id * 3), rows.get(i));
            }
            if (rows.isEmpty()) {
                assertEquals(0L, counts.get("parquet.pagesRead"), counts.toString()); // no page of the range is kept
            } else if (c[0] >= 400) {
                assertTrue(counts.getOrDefault("parquet.pagesSkipped", 0L) > 0, counts.toString());
            }
        }
    }

    @Test
    void spillwayWrittenDictionaryAndPlainPages() {
        for (boolean dict : new boolean[] {true, false}) {
            Path f = dir.resolve("sw-" + dict + ".parquet");
            ParquetWriteTestSupport.frame(sw, 5000, 3).writeParquet(f, ParquetWriteOptions.defaults().withDictionary(dict)
                    .withRowGroupRows(2100).withPageSizeBytes(900));
            assertRangesMatch(f);
        }
    }

    @Test
    void duckDbWrittenV1AndV2Pages() {
        for (String version : new String[] {"V1", "V2"}) {
            for (String codec : new String[] {"uncompressed", "zstd"}) {
                Path f = dir.resolve("duck-" + version + "-" + codec + ".parquet");
                ParquetTestSupport.exec("COPY (SELECT i AS id, CASE WHEN i % 7 = 0 THEN NULL ELSE i * 1.5 END AS x, "
                        + "CASE WHEN i % 5 = 0 THEN NULL ELSE 'k' || (i % 37) END AS cat, 's' || i AS s, i % 3 = 0 AS b "
                        + "FROM range(30000) t(i)) TO " + ParquetTestSupport.sqlPath(f) + " (FORMAT parquet, ROW_GROUP_SIZE 20000, "
                        + "PARQUET_VERSION " + version + ", COMPRESSION " + codec + ")");
                assertRangesMatch(f);
            }
        }
    }

    @Test
    void parquetTestingFiles() {
        for (String name : new String[] {"datapage_v2.snappy.parquet", "datapage_v1-snappy-compressed-checksum.parquet",
            "datapage_v1-uncompressed-checksum.parquet", "alltypes_plain.parquet", "int32_with_null_pages.parquet"}) {
            assertRangesMatch(ParquetTestSupport.resource(name));
        }
    }
}
