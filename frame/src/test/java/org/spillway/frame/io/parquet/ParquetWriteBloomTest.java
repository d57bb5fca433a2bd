package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.parquet.column.values.bloomfilter.BlockSplitBloomFilter;
import org.apache.parquet.format.BloomFilterHeader;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * {@code withBloomFilter}: Spillway writes split-block bloom filters for the chosen columns that
 * DuckDB's {@code parquet_bloom_probe} and Spillway's own pruning read; pruning never changes an
 * answer.
 */
@SpillwayTest(chunkRows = 1000)
class ParquetWriteBloomTest {
    static final int ROWS = 12_000;
    static final int GROUP = 3_000;
    static final List<String> BLOOM = List.of("i", "l", "d", "s", "dt", "ts");
    @TempDir
    Path dir;
    Spillway sw;

    private Path write(ParquetWriteOptions options) {
        Path f = dir.resolve("t-" + System.nanoTime() + ".parquet");
        ParquetWriteTestSupport.frame(sw, ROWS, 7).writeParquet(f, options.withRowGroupRows(GROUP));
        return f;
    }

    private static ParquetWriteOptions bloom() {
        return ParquetWriteOptions.defaults().withBloomFilter(BLOOM.toArray(String[]::new));
    }

    @Test
    void filtersAreWrittenForTheChosenColumnsAfterTheirRowGroup() throws Exception {
        Path f = write(bloom());
        byte[] all = Files.readAllBytes(f);
        FileMetaData meta = ParquetWriteTestSupport.footer(f);
        assertEquals(ROWS / GROUP, meta.getRow_groupsSize());
        long indexStart = Long.MAX_VALUE;
        for (RowGroup rg : meta.getRow_groups()) {
            for (ColumnChunk cc : rg.getColumns()) {
                if (cc.isSetColumn_index_offset()) {
                    indexStart = Math.min(indexStart, cc.getColumn_index_offset());
                }
                indexStart = Math.min(indexStart, cc.getOffset_index_offset());
            }
        }
        for (RowGroup rg : meta.getRow_groups()) {
            // a row group's filters follow its column chunks, one after the other, before the next row group
            long at = rg.getFile_offset() + rg.getTotal_compressed_size();
            for (ColumnChunk cc : rg.getColumns()) {
                ColumnMetaData md = cc.getMeta_data();
                String name = md.getPath_in_schema().getFirst();
                assertEquals(BLOOM.contains(name), md.isSetBloom_filter_offset(), name);
                assertEquals(BLOOM.contains(name), md.isSetBloom_filter_length(), name);
                if (!BLOOM.contains(name)) {
                    continue;
                }
                assertEquals(at, md.getBloom_filter_offset(), "filters follow their row group, one after the other");
                ByteArrayInputStream in = new ByteArrayInputStream(all, (int) at, md.getBloom_filter_length());
                BloomFilterHeader h = Util.readBloomFilterHeader(in);
                assertEquals(h.getNumBytes(), in.available(), "the header and the bitset fill bloom_filter_length");
                assertTrue(h.getAlgorithm().isSetBLOCK() && h.getHash().isSetXXHASH() && h.getCompression().isSetUNCOMPRESSED());
                // about 1,000 distinct ints, 3,000 distinct longs at 1%: parquet-java's size, rounded up to a power of two
                int ndv = name.equals("i") ? 1000 : 3000;
                assertTrue(h.getNumBytes() >= BlockSplitBloomFilter.optimalNumOfBits((long) (ndv * 0.8), 0.01) / 8
                        && h.getNumBytes() <= 2 * BlockSplitBloomFilter.optimalNumOfBits(ndv, 0.01) / 8, name + ": " + h.getNumBytes());
                at += md.getBloom_filter_length();
            }
            assertTrue(at <= indexStart, "the page index follows every row group and its filters");
        }
        assertEquals(BLOOM.size() * (ROWS / GROUP), DuckOracle.scalarLong("SELECT count(*) FROM parquet_metadata('" + f
                + "') WHERE bloom_filter_offset IS NOT NULL"));
        assertEquals(ParquetWriteTestSupport.frameRows(ParquetWriteTestSupport.frame(sw, ROWS, 7)),
                ParquetWriteTestSupport.duckRows(f, "*"), "the data is unchanged");
    }

    @Test
    void duckDbFindsEveryStoredValueAndExcludesAbsentOnes() {
        Path f = write(bloom().withDictionary(false));
        List<List<Object>> rows = ParquetWriteTestSupport.rows(ROWS, 7);
        Random rnd = new Random(3);
        String[] columns = {"i", "l", "d", "s", "dt"};
        for (int c = 0; c < columns.length; c++) {
            int idx = ParquetWriteTestSupport.SCHEMA.indexOf(columns[c]);
            int excluded = 0;
            int absent = 0;
            for (int n = 0; n < 25; n++) {
                int r = rnd.nextInt(ROWS);
                Object v = rows.get(r).get(idx);
                if (v == null || (v instanceof Double x && (Double.isNaN(x) || Double.isInfinite(x)))) {
                    continue;
                }
                List<List<Object>> probe = DuckOracle.query("SELECT row_group_id, bloom_filter_excludes FROM parquet_bloom_probe('"
                        + f + "', '" + columns[c] + "', " + sql(v) + ") ORDER BY 1");
                assertEquals(ROWS / GROUP, probe.size());
                assertEquals(false, probe.get(r / GROUP).get(1), columns[c] + " = " + v + " is in row group " + r / GROUP);
                Object missing = switch (columns[c]) {
                    case "s" -> "absent-" + n;
                    case "dt" -> LocalDate.of(5000, 1, 1).plusDays(n);
                    case "d" -> 0.5 + n;
                    default -> 100_000 + n;
                };
                for (List<Object> p : DuckOracle.query("SELECT bloom_filter_excludes FROM parquet_bloom_probe('" + f + "', '"
                        + columns[c] + "', " + sql(missing) + ")")) {
                    absent++;
                    excluded += Boolean.TRUE.equals(p.getFirst()) ? 1 : 0;
                }
            }
            assertTrue(excluded >= absent * 0.9, columns[c] + ": DuckDB excluded only " + excluded + " of " + absent);
        }
    }

    private static String sql(Object v) {
        return switch (v) {
            case String s -> "'" + s.replace("'", "''") + "'";
            case LocalDate d -> "DATE '" + d + "'";
            case Double d -> d + "::DOUBLE";
            default -> v.toString();
        };
    }

    @Test
    void spillwayPrunesItsOwnFilesAndNeverChangesTheAnswer() {
        List<List<Object>> rows = ParquetWriteTestSupport.rows(ROWS, 7);
        Random rnd = new Random(11);
        for (ParquetWriteOptions options : List.of(bloom(), bloom().withDictionary(false).withCodec(ParquetWriteOptions.Codec.SNAPPY))) {
            Path f = write(options);
            DataFrame df = sw.readParquet(f.toString());
            long skippedBefore = sw.counters().getOrDefault("parquet.rowGroupsSkippedByBloom", 0L);
            for (String c : BLOOM) {
                int idx = ParquetWriteTestSupport.SCHEMA.indexOf(c);
                for (int n = 0; n < 16; n++) {
                    Object v = n % 2 == 0 ? rows.get(rnd.nextInt(ROWS)).get(idx) : absent(c, rnd);
                    if (v == null) {
                        continue;
                    }
                    long want = rows.stream().filter(r -> equal(r.get(idx), v)).count();
                    assertEquals(want, df.filter(col(c).eq(v)).count(), c + " = " + v);
                }
            }
            assertTrue(sw.counters().getOrDefault("parquet.rowGroupsSkippedByBloom", 0L) - skippedBefore >= 6 * 8 * 3,
                    "most row groups are skipped for absent values: " + sw.counters());
        }
    }

    /** A value that is (almost surely) absent, often inside the column's range so statistics cannot tell. */
    private static Object absent(String column, Random rnd) {
        return switch (column) {
            case "i" -> rnd.nextInt(10_000) + 1_000;
            case "l" -> rnd.nextLong();
            case "d" -> rnd.nextBoolean() ? 0.0 : rnd.nextGaussian() * 1e6;
            case "s" -> "s" + (1_000_000 + rnd.nextInt(1000));
            case "dt" -> LocalDate.ofEpochDay(rnd.nextInt(200_000) - 100_000);
            case "ts" -> Instant.EPOCH.plusNanos((rnd.nextLong() % 4_000_000_000_000_000L) * 1000);
            default -> throw new IllegalArgumentException(column);
        };
    }

    /** Equality as the filter sees it: doubles by value (-0.0 equals 0.0, NaN equals nothing). */
    private static boolean equal(Object stored, Object literal) {
        if (stored instanceof Double a && literal instanceof Double b) {
            return a.doubleValue() == b.doubleValue();
        }
        return literal.equals(stored);
    }

    @Test
    void defaultsWriteNoneAndBadColumnsFailNamingThem() throws Exception {
        Path f = write(ParquetWriteOptions.defaults());
        for (RowGroup rg : ParquetWriteTestSupport.footer(f).getRow_groups()) {
            for (ColumnChunk cc : rg.getColumns()) {
                assertFalse(cc.getMeta_data().isSetBloom_filter_offset());
            }
        }
        assertTrue(ParquetWriteOptions.defaults().bloomFilterColumns().isEmpty());
        assertEquals(0.01, ParquetWriteOptions.defaults().withBloomFilter("s").bloomFilterFpp());
        assertEquals(List.of("s", "i"), ParquetWriteOptions.defaults().withBloomFilter(0.05, "s", "i").bloomFilterColumns());
        assertTrue(ParquetWriteOptions.defaults().withBloomFilter("s").toString().contains("bloomFilter=[s] at fpp 0.01"));
        DataFrame df = ParquetWriteTestSupport.frame(sw, 100, 1);
        Path out = dir.resolve("bad.parquet");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> df.writeParquet(out, ParquetWriteOptions.defaults().withBloomFilter("s", "nope")));
        assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("[id, i, l"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> df.writeParquet(out, ParquetWriteOptions.defaults().withBloomFilter("b")));
        assertTrue(e.getMessage().contains("'b', a bool column"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> df.writeParquet(dir.resolve("parts"),
                ParquetWriteOptions.defaults().withPartitionBy("cat").withBloomFilter("cat")));
        assertTrue(e.getMessage().contains("'cat', a partition column"), e.getMessage());
        assertFalse(Files.exists(out));
        for (double bad : new double[] {0.0, 1.0, -0.1, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> ParquetWriteOptions.defaults().withBloomFilter(bad, "s"));
        }
        assertThrows(IllegalArgumentException.class, () -> ParquetWriteOptions.defaults().withBloomFilter("s", "s"));
    }

    @Test
    void partitionedFilesCarryFiltersForTheirDataColumns() throws Exception {
        Path parts = dir.resolve("parts");
        ParquetWriteTestSupport.frame(sw, 2_000, 5).writeParquet(parts, ParquetWriteOptions.defaults().withPartitionBy("cat")
                .withBloomFilter("s"));
        List<Path> files = ParquetWriteTestSupport.parquetFiles(parts);
        assertTrue(files.size() > 3);
        List<String> withFilter = new ArrayList<>();
        for (Path p : files) {
            for (ColumnChunk cc : ParquetWriteTestSupport.footer(p).getRow_groups().getFirst().getColumns()) {
                if (cc.getMeta_data().isSetBloom_filter_offset()) {
                    withFilter.add(cc.getMeta_data().getPath_in_schema().getFirst());
                }
            }
        }
        assertEquals(files.size(), withFilter.size());
        assertTrue(withFilter.stream().allMatch("s"::equals), withFilter.toString());
        DataFrame q = sw.readParquet(parts.toString()).filter(col("s").eq("absent"));
        assertTrue(q.explainString().contains("bloom filters of [s]"), q.explainString());
        java.util.Map<String, Long> before = sw.counters();
        assertEquals(0, q.count());
        java.util.Map<String, Long> after = sw.counters();
        long byBloom = after.get("parquet.rowGroupsSkippedByBloom") - before.getOrDefault("parquet.rowGroupsSkippedByBloom", 0L);
        long byStats = after.get("parquet.rowGroupsSkipped") - before.getOrDefault("parquet.rowGroupsSkipped", 0L);
        assertTrue(byBloom > 0 && byBloom + byStats == files.size(), byBloom + " + " + byStats + " of " + files.size());
    }
}
