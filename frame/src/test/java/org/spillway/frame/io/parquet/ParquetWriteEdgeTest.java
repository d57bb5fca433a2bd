package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.io.parquet.ParquetWriteTestSupport.assertExactlyEqual;
import static org.spillway.frame.io.parquet.ParquetWriteTestSupport.duckRows;
import static org.spillway.frame.io.parquet.ParquetWriteTestSupport.frame;
import static org.spillway.frame.io.parquet.ParquetWriteTestSupport.frameRows;
import static org.spillway.frame.io.parquet.ParquetWriteTestSupport.sql;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.FileMetaData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

@SpillwayTest(chunkRows = 1000)
class ParquetWriteEdgeTest {
    @TempDir
    Path dir;

    Spillway sw;

    @Test
    @SpillwayTest(memoryLimit = "6m", chunkRows = 1000)
    void aSmallBudgetWritesSmallerRowGroupsEarlyAndStaysCorrect() {
        DataFrame df = frame(sw, 40_000, 31);
        Path f = dir.resolve("small.parquet");
        df.writeParquet(f, ParquetWriteOptions.defaults()); // 1M-row row groups would not fit
        assertExactlyEqual(frameRows(df), duckRows(f, "id, i, l, d, s, b, dt, ts, cat"));
        assertTrue(DuckOracle.scalarLong("SELECT count(DISTINCT row_group_id) FROM parquet_metadata('" + sql(f) + "')") > 1);
        assertEquals(0, sw.budget().liveReservations().stream().filter(r -> r.consumer().startsWith("parquet")).count());
    }

    @Test
    void longStringStatisticsAreTruncatedAndStillBoundTheValues() throws Exception {
        String a = "a".repeat(100);
        String z = "z".repeat(63) + "\u00e9\u00e9\u00e9" + "tail"; // a 2-byte char across the 64-byte cut
        String top = "\uDBFF\uDFFF".repeat(20); // U+10FFFF: cannot be incremented
        Schema s = Schema.of(new Field("id", DataType.INT32), new Field("s", DataType.STRING));
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rows.add(Arrays.asList(i, i % 2 == 0 ? a : z));
        }
        DataFrame df = sw.createDataFrame(s, rows);
        Path f = dir.resolve("long.parquet");
        df.writeParquet(f, ParquetWriteOptions.defaults());
        assertExactlyEqual(frameRows(df), duckRows(f, "id, s"));
        assertEquals(50L, DuckOracle.scalarLong("SELECT count(*) FROM '" + sql(f) + "' WHERE s = '" + z + "'"));
        assertEquals(50L, DuckOracle.scalarLong("SELECT count(*) FROM '" + sql(f) + "' WHERE s = '" + a + "'"));
        FileMetaData m = ParquetWriteTestSupport.footer(f);
        ColumnChunk c = m.getRow_groups().getFirst().getColumns().get(1);
        assertFalse(c.getMeta_data().getStatistics().isIs_min_value_exact());
        assertFalse(c.getMeta_data().getStatistics().isIs_max_value_exact());
        byte[] min = c.getMeta_data().getStatistics().getMin_value();
        byte[] max = c.getMeta_data().getStatistics().getMax_value();
        assertTrue(min.length <= 64 && max.length <= 68, min.length + " " + max.length);
        assertTrue(Arrays.compareUnsigned(min, a.getBytes(StandardCharsets.UTF_8)) <= 0);
        assertTrue(Arrays.compareUnsigned(max, z.getBytes(StandardCharsets.UTF_8)) > 0);
        assertNull(ColumnChunkEncoder.truncateMax(top.getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals("b".getBytes(StandardCharsets.UTF_8), ColumnChunkEncoder.truncateMax(("a" + top).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void rleEncoderRoundTripsThroughParquetColumnsDecoder() throws Exception {
        java.util.Random r = new java.util.Random(5);
        for (int width : new int[] {1, 3, 8, 13, 20, 32}) {
            int n = 5000;
            int[] v = new int[n];
            for (int i = 0; i < n; i++) {
                int mask = width == 32 ? -1 : (1 << width) - 1;
                v[i] = r.nextInt(4) == 0 ? v[Math.max(0, i - 1)] : (i / 50 % 2 == 0 ? 1 & mask : r.nextInt() & mask);
            }
            ParquetWriteBuffer out = new ParquetWriteBuffer(16);
            RleEncoder.encode(v, n, width, out);
            var dec = new org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder(width,
                    new java.io.ByteArrayInputStream(out.toByteArray()));
            for (int i = 0; i < n; i++) {
                assertEquals(v[i], dec.readInt(), "width " + width + " value " + i);
            }
        }
    }

    @Test
    void optionsAreImmutableAndChecked() {
        ParquetWriteOptions d = ParquetWriteOptions.defaults();
        assertEquals(ParquetWriteOptions.Codec.ZSTD, d.codec());
        assertEquals(3, d.compressionLevel());
        assertEquals(1 << 20, d.rowGroupRows());
        assertEquals(1 << 20, d.pageSizeBytes());
        assertTrue(d.dictionary());
        assertEquals(List.of(), d.partitionBy());
        ParquetWriteOptions g = d.withCodec(ParquetWriteOptions.Codec.GZIP);
        assertEquals(6, g.compressionLevel());
        assertEquals(9, g.withCompressionLevel(9).compressionLevel());
        assertEquals(ParquetWriteOptions.Codec.ZSTD, d.codec(), "defaults unchanged");
        assertEquals(List.of("a", "b"), d.withPartitionBy("a", "b").partitionBy());
        assertThrows(IllegalArgumentException.class, () -> d.withRowGroupRows(0));
        assertThrows(IllegalArgumentException.class, () -> d.withPageSizeBytes(0));
        assertThrows(IllegalArgumentException.class, () -> d.withCompressionLevel(23));
        assertThrows(IllegalArgumentException.class, () -> d.withPartitionBy("a", "a"));
    }

    @Test
    void gzipLevelsAndZstdLevelsWork() {
        DataFrame df = frame(sw, 2000, 8);
        for (ParquetWriteOptions o : List.of(ParquetWriteOptions.defaults().withCodec(ParquetWriteOptions.Codec.GZIP).withCompressionLevel(1),
                ParquetWriteOptions.defaults().withCompressionLevel(19), ParquetWriteOptions.defaults().withCompressionLevel(-3))) {
            Path f = dir.resolve("lvl.parquet");
            df.writeParquet(f, o);
            assertExactlyEqual(frameRows(df), duckRows(f, "id, i, l, d, s, b, dt, ts, cat"));
        }
    }

    @Test
    void manyPartitionsKeepAtMostMaxOpenFilesOpenAndLoseNothing() throws Exception {
        DataFrame df = frame(sw, 30_000, 41).withColumn("k", org.spillway.frame.Functions.col("id").mod(150));
        Path out = dir.resolve("many");
        df.writeParquet(out, ParquetWriteOptions.defaults().withPartitionBy("k").withRowGroupRows(50));
        assertEquals(150L, DuckOracle.scalarLong("SELECT count(DISTINCT k) FROM read_parquet('" + sql(out)
                + "/**/*.parquet', hive_partitioning=true)"));
        List<List<Object>> got = DuckOracle.query("SELECT id, k, s FROM read_parquet('" + sql(out)
                + "/**/*.parquet', hive_partitioning=true) ORDER BY id");
        List<List<Object>> want = frameRows(df).stream().map(r -> Arrays.asList(r.get(0), r.get(9), r.get(4))).toList();
        assertExactlyEqual(want, got);
        assertTrue(ParquetWriteTestSupport.parquetFiles(out).size() > 150, "evicted files continue in new part files");
    }

    @Test
    void pageCrcsMatchTheCompressedBytes() throws Exception {
        Path f = dir.resolve("crc.parquet");
        frame(sw, 5000, 43).writeParquet(f, ParquetWriteOptions.defaults().withPageSizeBytes(4096).withRowGroupRows(2000));
        byte[] all = java.nio.file.Files.readAllBytes(f);
        int pages = 0;
        for (org.apache.parquet.format.RowGroup g : ParquetWriteTestSupport.footer(f).getRow_groups()) {
            for (ColumnChunk c : g.getColumns()) {
                var md = c.getMeta_data();
                long pos = md.isSetDictionary_page_offset() ? md.getDictionary_page_offset() : md.getData_page_offset();
                long end = pos + md.getTotal_compressed_size();
                while (pos < end) {
                    var in = new java.io.ByteArrayInputStream(all, (int) pos, (int) (end - pos));
                    org.apache.parquet.format.PageHeader h = org.apache.parquet.format.Util.readPageHeader(in);
                    int headerLen = (int) (end - pos) - in.available();
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(all, (int) pos + headerLen, h.getCompressed_page_size());
                    assertEquals((int) crc.getValue(), h.getCrc(), "page at " + pos);
                    pos += headerLen + h.getCompressed_page_size();
                    pages++;
                }
                assertEquals(end, pos);
            }
        }
        assertTrue(pages > 30, "pages: " + pages);
    }

    @Test
    void pageIndexesDescribeEveryDataPage() throws Exception {
        Path f = dir.resolve("idx.parquet");
        frame(sw, 6000, 44).writeParquet(f, ParquetWriteOptions.defaults().withPageSizeBytes(2048).withRowGroupRows(2500));
        byte[] all = java.nio.file.Files.readAllBytes(f);
        FileMetaData m = ParquetWriteTestSupport.footer(f);
        int withColumnIndex = 0;
        for (org.apache.parquet.format.RowGroup g : m.getRow_groups()) {
            for (ColumnChunk c : g.getColumns()) {
                var oi = org.apache.parquet.format.Util.readOffsetIndex(new java.io.ByteArrayInputStream(all,
                        (int) c.getOffset_index_offset(), c.getOffset_index_length()));
                long rows = 0;
                long first = -1;
                for (var loc : oi.getPage_locations()) {
                    assertTrue(loc.getFirst_row_index() > first);
                    first = loc.getFirst_row_index();
                    var h = org.apache.parquet.format.Util.readPageHeader(new java.io.ByteArrayInputStream(all, (int) loc.getOffset(),
                            loc.getCompressed_page_size()));
                    assertEquals(org.apache.parquet.format.PageType.DATA_PAGE, h.getType());
                    assertEquals(rows, loc.getFirst_row_index());
                    rows += h.getData_page_header().getNum_values();
                }
                assertEquals(g.getNum_rows(), rows);
                assertEquals(0, oi.getPage_locations().getFirst().getFirst_row_index());
                assertEquals(c.getMeta_data().getData_page_offset(), oi.getPage_locations().getFirst().getOffset());
                if (c.isSetColumn_index_offset()) {
                    withColumnIndex++;
                    var ci = org.apache.parquet.format.Util.readColumnIndex(new java.io.ByteArrayInputStream(all,
                            (int) c.getColumn_index_offset(), c.getColumn_index_length()));
                    int n = oi.getPage_locations().size();
                    assertEquals(n, ci.getNull_pages().size());
                    assertEquals(n, ci.getMin_values().size());
                    assertEquals(n, ci.getMax_values().size());
                    assertEquals(n, ci.getNull_counts().size());
                    assertEquals(c.getMeta_data().getStatistics().getNull_count(), ci.getNull_counts().stream().mapToLong(x -> x).sum());
                }
            }
        }
        assertTrue(withColumnIndex >= m.getRow_groups().size() * 7, "columns without NaN have a column index: " + withColumnIndex);
    }
}
