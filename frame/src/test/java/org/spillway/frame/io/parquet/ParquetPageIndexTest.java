package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.spillway.frame.Expr;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.memory.MemoryBudget;

/**
 * The page index: rows of pages whose bounds exclude the filter are left out, never a row the
 * filter keeps, and the columns of every chunk stay aligned.
 */
class ParquetPageIndexTest {
    private static List<List<Object>> read(ParquetSource src, Expr filter, int chunkRows, Map<String, Long> counts) {
        List<List<Object>> rows = new ArrayList<>();
        try (MemoryBudget budget = new MemoryBudget(1L << 30);
             ParquetRowGroupReader r = src.newReader(ParquetTestSupport.all(src.schema()), chunkRows, budget)) {
            for (RowGroupRef rg : src.rowGroups()) {
                r.read(rg, filter, (k, v) -> counts.merge(k, v, Long::sum), chunk -> {
                    try (Chunk c = chunk) {
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
        }
        return rows;
    }

    private static void check(String file, Expr filter, String where, Predicate<List<Object>> keep, boolean mustSkip) {
        Path p = ParquetTestSupport.resource(file);
        ParquetSource src = ParquetSource.open(p.toString());
        for (int chunkRows : new int[] {17, 4096}) {
            Map<String, Long> counts = new TreeMap<>();
            List<List<Object>> ours = read(src, filter, chunkRows, counts);
            List<List<Object>> filtered = ours.stream().filter(keep).toList();
            List<List<Object>> duck = ParquetTestSupport.duck("SELECT " + ParquetTestSupport.selectList(src.schema())
                    + " FROM read_parquet(" + ParquetTestSupport.sqlPath(p) + ") WHERE " + where);
            DuckOracle.assertSameOrderedRows(duck, filtered, 0);
            if (mustSkip) {
                assertTrue(counts.getOrDefault("parquet.pagesSkipped", 0L) > 0, counts.toString());
                assertTrue(ours.size() < src.rows(), ours.size() + " rows of " + src.rows());
            }
        }
    }

    @Test
    void nullPagesAreSkippedForIsNotNull() {
        check("int32_with_null_pages.parquet", col("int32_field").isNotNull(), "int32_field IS NOT NULL", r -> r.get(0) != null, true);
    }

    @Test
    void comparisonsKeepEveryMatchingRow() {
        check("int32_with_null_pages.parquet", col("int32_field").gt(1_000_000), "int32_field > 1000000",
                r -> r.get(0) != null && (Long) r.get(0) > 1_000_000, false);
        check("datapage_v1-snappy-compressed-checksum.parquet", col("a").lt(-1_000_000_000), "a < -1000000000",
                r -> r.get(0) != null && (Long) r.get(0) < -1_000_000_000, false);
        check("datapage_v1-snappy-compressed-checksum.parquet", col("a").gt(0).and(col("b").lt(0)), "a > 0 AND b < 0",
                r -> r.get(0) != null && (Long) r.get(0) > 0 && r.get(1) != null && (Long) r.get(1) < 0, false);
    }

    @Test
    void noIndexReadsEverything() {
        Map<String, Long> counts = new TreeMap<>();
        ParquetSource src = ParquetSource.open(ParquetTestSupport.resource("alltypes_plain.parquet").toString());
        assertEquals(8, read(src, col("id").gt(100), 3, counts).size());
        assertEquals(null, counts.get("parquet.pagesSkipped"));
    }
}
