package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.spill.DataType;
import org.spillway.spill.chunk.ChunkStats;
import org.spillway.spill.chunk.ChunkStats.ColumnStats;

/** Files DuckDB writes (every supported type with nulls, many row groups, each codec, pages v1 and v2), read back. */
class ParquetDuckDbWrittenTest {
    @TempDir
    static Path dir;

    /** 5000 rows of every type Spillway reads, about one in seven null, strings both repetitive and distinct. */
    static final String TABLE = """
            SELECT
              CASE WHEN i % 7 = 0 THEN NULL ELSE i % 3 = 0 END AS b,
              CASE WHEN i % 7 = 1 THEN NULL ELSE (i % 200 - 100)::TINYINT END AS i8,
              CASE WHEN i % 7 = 2 THEN NULL ELSE (i * 7 - 10000)::SMALLINT END AS i16,
              CASE WHEN i % 7 = 3 THEN NULL ELSE (i * 104729 - 2000000000)::INTEGER END AS i32,
              CASE WHEN i % 7 = 4 THEN NULL ELSE i * 1000000007 - 4000000000000 END AS i64,
              (i % 250)::UTINYINT AS u8,
              (i * 13)::USMALLINT AS u16,
              CASE WHEN i % 5 = 0 THEN NULL ELSE (i * 859000)::UINTEGER END AS u32,
              (i * 100000000007)::UBIGINT AS u64,
              CASE WHEN i % 7 = 5 THEN NULL ELSE (i / 3.0)::FLOAT END AS f32,
              CASE WHEN i % 7 = 6 THEN NULL ELSE (i * 1.5 - 77.25)::DOUBLE END AS f64,
              CASE WHEN i % 11 = 0 THEN NULL ELSE 'cat-' || (i % 13) END AS s_dict,
              CASE WHEN i % 9 = 0 THEN NULL ELSE 'row ' || i || repeat('x', i % 17) || ' é' END AS s_plain,
              CASE WHEN i % 4 = 0 THEN NULL ELSE DATE '1970-01-01' + (i * 37 - 90000)::INTEGER END AS d,
              CASE WHEN i % 6 = 0 THEN NULL ELSE TIMESTAMPTZ '2024-03-01 00:00:00+00' + to_microseconds(i * 123456789) END AS ts,
              CASE WHEN i % 8 = 0 THEN NULL ELSE uuid_extract_text(i) END AS u,
              i AS id
            FROM range(5000) t(i)
            """;

    @BeforeAll
    static void setUp() {
        // uuid_extract_text is not a DuckDB function: build UUIDs from md5 instead
        ParquetTestSupport.exec("CREATE OR REPLACE TABLE pq_types AS " + TABLE.replace("uuid_extract_text(i)", "md5(i::VARCHAR)::UUID"));
    }

    static Path write(String name, String options) {
        Path p = dir.resolve(name);
        ParquetTestSupport.exec("COPY pq_types TO " + ParquetTestSupport.sqlPath(p) + " (FORMAT parquet, " + options + ")");
        return p;
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "plain.parquet; COMPRESSION uncompressed, ROW_GROUP_SIZE 1000",
        "snappy.parquet; COMPRESSION snappy, ROW_GROUP_SIZE 1000",
        "gzip.parquet; COMPRESSION gzip, ROW_GROUP_SIZE 1000",
        "zstd.parquet; COMPRESSION zstd, ROW_GROUP_SIZE 1000",
        "lz4.parquet; COMPRESSION lz4_raw, ROW_GROUP_SIZE 1000",
        "v2.parquet; COMPRESSION snappy, ROW_GROUP_SIZE 1000, PARQUET_VERSION V2",
        "v2zstd.parquet; COMPRESSION zstd, PARQUET_VERSION V2",
        "nodict.parquet; COMPRESSION zstd, DICTIONARY_SIZE_LIMIT 1, ROW_GROUP_SIZE 2000",
        "onegroup.parquet; COMPRESSION uncompressed"
    })
    void everyTypeAndCodecMatchesDuckDb(String name, String options) {
        Path p = write(name, options);
        ParquetSource src = ParquetSource.open(p.toString());
        assertEquals(List.of(DataType.BOOL, DataType.INT32, DataType.INT32, DataType.INT32, DataType.INT64, DataType.INT32,
                DataType.INT32, DataType.INT64, DataType.INT64, DataType.FLOAT64, DataType.FLOAT64, DataType.STRING, DataType.STRING,
                DataType.DATE, DataType.TIMESTAMP, DataType.STRING, DataType.INT64),
                src.schema().fields().stream().map(f -> f.type()).toList(), src.schema().toString());
        assertEquals(5000, src.rows());
        for (int chunkRows : new int[] {333, 4096}) {
            ParquetTestSupport.assertSameAsDuckDb(p, chunkRows);
        }
        // a projection of a few columns, in another order
        int[] proj = {12, 0, 16};
        List<List<Object>> ours = ParquetTestSupport.read(src, proj, 1000, new TreeMap<>());
        DuckOracle.assertSameOrderedRows(ParquetTestSupport.duck("SELECT s_plain, b, id FROM read_parquet("
                + ParquetTestSupport.sqlPath(p) + ")"), ours, 0);
    }

    @Test
    void readersOfOneSourceRunInParallel() throws Exception {
        Path p = write("parallel.parquet", "COMPRESSION zstd, ROW_GROUP_SIZE 1000");
        ParquetSource src = ParquetSource.open(p.toString());
        int[] proj = ParquetTestSupport.all(src.schema());
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ConcurrentHashMap<Integer, List<Object>> byId = new java.util.concurrent.ConcurrentHashMap<>();
        try (org.spillway.spill.memory.MemoryBudget budget = new org.spillway.spill.memory.MemoryBudget(1L << 30)) {
            Thread[] workers = new Thread[2];
            java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
            for (int w = 0; w < workers.length; w++) {
                workers[w] = new Thread(() -> {
                    try (ParquetRowGroupReader r = src.newReader(proj, 500, budget)) {
                        int g;
                        while ((g = next.getAndIncrement()) < src.rowGroups().size()) {
                            r.read(src.rowGroups().get(g), null, (k, v) -> { }, chunk -> {
                                try (chunk) {
                                    for (int i = 0; i < chunk.rows(); i++) {
                                        List<Object> row = new java.util.ArrayList<>();
                                        for (int j = 0; j < chunk.columnCount(); j++) {
                                            row.add(DuckOracle.normalise(chunk.column(j).getObject(i)));
                                        }
                                        byId.put(((Long) row.getLast()).intValue(), row);
                                    }
                                }
                            });
                        }
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                });
                workers[w].start();
            }
            for (Thread t : workers) {
                t.join();
            }
            assertNull(failure.get());
            assertEquals(0, budget.used());
        }
        List<List<Object>> ours = new java.util.ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            ours.add(byId.get(i));
        }
        DuckOracle.assertSameOrderedRows(ParquetTestSupport.duck("SELECT * FROM read_parquet(" + ParquetTestSupport.sqlPath(p)
                + ") ORDER BY id"), ours, 0);
    }

    @Test
    void aBudgetTooSmallFailsAndLeavesNothingReserved() {
        Path p = write("budget.parquet", "COMPRESSION uncompressed, ROW_GROUP_SIZE 1000");
        ParquetSource src = ParquetSource.open(p.toString());
        try (org.spillway.spill.memory.MemoryBudget budget = new org.spillway.spill.memory.MemoryBudget(16 * 1024);
             ParquetRowGroupReader r = src.newReader(ParquetTestSupport.all(src.schema()), 4096, budget)) {
            org.junit.jupiter.api.Assertions.assertThrows(org.spillway.spill.memory.BudgetExceededException.class,
                    () -> r.read(src.rowGroups().getFirst(), null, (k, v) -> { }, org.spillway.spill.chunk.Chunk::close));
            assertEquals(0, budget.used());
        }
    }

    @Test
    void emptyProjectionCountsRows() {
        Path p = write("count.parquet", "ROW_GROUP_SIZE 1000");
        ParquetSource src = ParquetSource.open(p.toString());
        Map<String, Long> counts = new TreeMap<>();
        List<List<Object>> rows = ParquetTestSupport.read(src, new int[0], 300, counts);
        assertEquals(5000, rows.size());
        assertEquals(0L, counts.getOrDefault("parquet.bytesRead", 0L));
    }

    @Test
    void projectionReadsOnlyItsColumnChunks() {
        Path p = write("proj.parquet", "ROW_GROUP_SIZE 1000");
        ParquetSource src = ParquetSource.open(p.toString());
        Map<String, Long> one = new TreeMap<>();
        ParquetTestSupport.read(src, new int[] {16}, 1000, one);
        Map<String, Long> all = new TreeMap<>();
        ParquetTestSupport.read(src, ParquetTestSupport.all(src.schema()), 1000, all);
        assertTrue(one.get("parquet.bytesRead") * 5 < all.get("parquet.bytesRead"), one + " vs " + all);
        assertEquals((long) src.rowGroups().size(), one.get("parquet.rowGroupsRead"));
    }

    @Test
    void statisticsBoundTheValues() {
        Path p = write("stats.parquet", "ROW_GROUP_SIZE 1000");
        ParquetSource src = ParquetSource.open(p.toString());
        assertTrue(src.rowGroups().size() >= 3, src.describe()); // DuckDB rounds row groups up to 2048 rows
        int[] proj = ParquetTestSupport.all(src.schema());
        long start = 0;
        for (RowGroupRef rg : src.rowGroups()) {
            ChunkStats st = src.stats(rg, proj);
            assertEquals(rg.rows(), st.rows());
            String where = " FROM (SELECT * FROM read_parquet(" + ParquetTestSupport.sqlPath(p) + ") WHERE id >= " + start
                    + " AND id < " + (start + rg.rows()) + ")";
            for (String col : List.of("i32", "i64", "f64", "s_dict", "d", "ts", "id", "u32")) {
                int c = src.schema().indexOf(col);
                ColumnStats cs = st.column(c);
                List<Object> exp = DuckOracle.queryRow("SELECT count(*) - count(" + col + "), min(" + col + "), max(" + col + ")" + where);
                assertTrue(cs.known(), col + " " + cs);
                assertEquals(((Number) exp.get(0)).intValue(), cs.nullCount(), col);
                Object min = cs.min();
                Object max = cs.max();
                if (src.schema().type(c) == DataType.DATE) {
                    min = java.time.LocalDate.ofEpochDay((Integer) min);
                    max = java.time.LocalDate.ofEpochDay((Integer) max);
                } else if (src.schema().type(c) == DataType.TIMESTAMP) {
                    min = micros((Long) min);
                    max = micros((Long) max);
                }
                assertTrue(DuckOracle.same(exp.get(1), min), col + " min " + exp + " vs " + cs);
                assertTrue(DuckOracle.same(exp.get(2), max), col + " max " + exp + " vs " + cs);
            }
            start += rg.rows();
        }
    }

    private static java.time.Instant micros(long m) {
        return java.time.Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L), Math.floorMod(m, 1_000_000L) * 1000);
    }

    @Test
    void nestedColumnsAreListedAndTheRestReads() {
        Path p = dir.resolve("unsupported.parquet");
        ParquetTestSupport.exec("COPY (SELECT i AS id, (i / 100)::DECIMAL(10,2) AS price, TIMESTAMP '2024-01-01' AS local_ts, "
                + "[i, i] AS list, 'x'::BLOB AS bin, TIME '12:00:00' AS t, 'k' || i AS name FROM range(10) t(i)) TO "
                + ParquetTestSupport.sqlPath(p) + " (FORMAT parquet)");
        ParquetSource src = ParquetSource.open(p.toString());
        // timestamp without zone, blob and time map to timestamp_ntz, binary and time
        assertEquals(List.of("id", "price", "local_ts", "bin", "t", "name"), src.schema().names());
        assertEquals(List.of(DataType.INT64, DataType.decimal(10, 2), DataType.TIMESTAMP_NTZ, DataType.BINARY, DataType.TIME,
                DataType.STRING), src.schema().fields().stream().map(f -> f.type()).toList());
        assertEquals(1, src.unsupportedColumns().size(), src.unsupportedColumns().toString());
        assertTrue(src.unsupportedColumns().getFirst().startsWith("list: "), src.unsupportedColumns().toString());
        assertTrue(src.describe().contains("1 column skipped"), src.describe());
        ParquetTestSupport.assertSameAsDuckDb(p, 4);
    }

    @Test
    void nullPageStatsAndAllNullColumn() {
        Path p = dir.resolve("allnull.parquet");
        ParquetTestSupport.exec("COPY (SELECT i AS id, NULL::INTEGER AS n, NULL::VARCHAR AS s FROM range(100) t(i)) TO "
                + ParquetTestSupport.sqlPath(p) + " (FORMAT parquet)");
        ParquetSource src = ParquetSource.open(p.toString());
        ChunkStats st = src.stats(src.rowGroups().getFirst(), new int[] {1, 2});
        assertEquals(100, st.column(0).nullCount());
        assertNull(st.column(0).min());
        ParquetTestSupport.assertSameAsDuckDb(p, 30);
    }
}
