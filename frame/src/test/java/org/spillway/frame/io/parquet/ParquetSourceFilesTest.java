package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.io.ParquetFormatException;
import org.spillway.spill.DataType;
import org.spillway.spill.chunk.ChunkStats;

/** Directories, globs, Hive partitions, schema unification, and the errors of bad paths and files. */
class ParquetSourceFilesTest {
    @TempDir
    Path dir;

    private Path copy(String sql, Path to) throws Exception {
        Files.createDirectories(to.getParent());
        ParquetTestSupport.exec("COPY (" + sql + ") TO " + ParquetTestSupport.sqlPath(to) + " (FORMAT parquet)");
        return to;
    }

    @Test
    void directoryWithHivePartitionsSkipsHiddenAndMetadataFiles() throws Exception {
        copy("SELECT i AS id, 'a' || i AS s FROM range(3) t(i)", dir.resolve("t/year=2024/month=1/part-0.parquet"));
        copy("SELECT i + 10 AS id, 'b' || i AS s FROM range(2) t(i)", dir.resolve("t/year=2024/month=2/part-0.parquet"));
        copy("SELECT i + 20 AS id, 'c' AS s FROM range(2) t(i)", dir.resolve("t/year=2023/month=__HIVE_DEFAULT_PARTITION__/p.parquet"));
        copy("SELECT 99 AS id, 'hidden' AS s", dir.resolve("t/.hidden.parquet"));
        copy("SELECT 98 AS id, 'meta' AS s", dir.resolve("t/_delta_log/x.parquet"));
        Files.writeString(dir.resolve("t/_SUCCESS"), "");
        Files.writeString(dir.resolve("t/year=2024/.part-0.parquet.crc"), "crc");
        ParquetSource src = ParquetSource.open(dir.resolve("t").toString());
        assertEquals(3, src.files().size(), src.files().toString());
        assertEquals(List.of("id", "s", "year", "month"), src.schema().names());
        assertEquals(DataType.INT32, src.schema().type(2));
        assertEquals(DataType.INT32, src.schema().type(3));
        List<List<Object>> rows = ParquetTestSupport.read(src, 2);
        assertEquals(List.of(
                Arrays.asList(20L, "c", 2023L, null), Arrays.asList(21L, "c", 2023L, null),
                Arrays.asList(0L, "a0", 2024L, 1L), Arrays.asList(1L, "a1", 2024L, 1L), Arrays.asList(2L, "a2", 2024L, 1L),
                Arrays.asList(10L, "b0", 2024L, 2L), Arrays.asList(11L, "b1", 2024L, 2L)), rows);
        ChunkStats st = src.stats(src.rowGroups().getFirst(), new int[] {2, 3});
        assertEquals(new ChunkStats.ColumnStats(0, 2023, 2023), st.column(0));
        assertEquals(new ChunkStats.ColumnStats(2, null, null), st.column(1));
        // a glob over the same tree: the root is the glob's directory
        ParquetSource g = ParquetSource.open(dir.resolve("t") + "/**/*.parquet");
        assertEquals(src.schema(), g.schema());
        assertEquals(rows, ParquetTestSupport.read(g, 100));
    }

    @Test
    void partitionTypesAreInferred() {
        assertEquals(DataType.INT32, ParquetSource.inferType(List.of("1", "-5")));
        assertEquals(DataType.INT64, ParquetSource.inferType(List.of("1", "5000000000")));
        assertEquals(DataType.FLOAT64, ParquetSource.inferType(List.of("1", "2.5")));
        assertEquals(DataType.DATE, ParquetSource.inferType(List.of("2024-01-31", "2023-12-01")));
        assertEquals(DataType.STRING, ParquetSource.inferType(List.of("2024-01-31", "x")));
        assertEquals(DataType.STRING, ParquetSource.inferType(List.of("NaN")));
        assertEquals("a b/c", ParquetSource.unescape("a b%2Fc"));
    }

    @Test
    void schemasUnifyByNameWideningInts() throws Exception {
        copy("SELECT i::INTEGER AS x, i::FLOAT AS f FROM range(3) t(i)", dir.resolve("u/a.parquet"));
        copy("SELECT 'n' || i AS name, (i + 5000000000) AS x FROM range(2) t(i)", dir.resolve("u/b.parquet"));
        ParquetSource src = ParquetSource.open(dir.resolve("u/*.parquet").toString());
        assertEquals(List.of("x", "f", "name"), src.schema().names());
        assertEquals(List.of(DataType.INT64, DataType.FLOAT64, DataType.STRING), src.schema().fields().stream().map(f -> f.type()).toList());
        assertEquals(List.of(Arrays.asList(0L, 0.0, null), Arrays.asList(1L, 1.0, null), Arrays.asList(2L, 2.0, null),
                Arrays.asList(5000000000L, null, "n0"), Arrays.asList(5000000001L, null, "n1")), ParquetTestSupport.read(src, 10));
        ChunkStats st = src.stats(src.rowGroups().get(1), new int[] {0, 1});
        assertEquals(new ChunkStats.ColumnStats(0, 5000000000L, 5000000001L), st.column(0));
        assertEquals(new ChunkStats.ColumnStats(2, null, null), st.column(1));
        assertEquals(0L, src.stats(src.rowGroups().get(0), new int[] {0}).column(0).min());
    }

    @Test
    void conflictingTypesNameBothFilesAndTheColumn() throws Exception {
        Path a = copy("SELECT 1 AS id, 2 AS x", dir.resolve("c/a.parquet"));
        Path b = copy("SELECT 1 AS id, 'two' AS x", dir.resolve("c/b.parquet"));
        ParquetFormatException e = assertThrows(ParquetFormatException.class, () -> ParquetSource.open(dir.resolve("c").toString()));
        assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains(a.toString()) && e.getMessage().contains(b.toString())
                && e.getMessage().contains("int32") && e.getMessage().contains("string"), e.getMessage());
    }

    @Test
    void missingPathsAndNonParquetFiles() throws Exception {
        ParquetFormatException e = assertThrows(ParquetFormatException.class, () -> ParquetSource.open(dir.resolve("nope.parquet").toString()));
        assertTrue(e.getMessage().startsWith("No such file or directory"), e.getMessage());
        e = assertThrows(ParquetFormatException.class, () -> ParquetSource.open(dir.resolve("nodir/*.parquet").toString()));
        assertTrue(e.getMessage().startsWith("No such file or directory"), e.getMessage());
        Path text = Files.writeString(dir.resolve("text.parquet"), "id,name\n1,a\n2,b\n");
        e = assertThrows(ParquetFormatException.class, () -> ParquetSource.open(text.toString()));
        assertTrue(e.getMessage().contains("Not a Parquet file") && e.getMessage().contains(text.toString()), e.getMessage());
        Path tiny = Files.write(dir.resolve("tiny.parquet"), new byte[] {'P', 'A', 'R', '1'});
        e = assertThrows(ParquetFormatException.class, () -> ParquetSource.open(tiny.toString()));
        assertTrue(e.getMessage().contains(tiny.toString()), e.getMessage());
    }

    @Test
    void truncatedAndCorruptFooters() throws Exception {
        Path good = copy("SELECT i AS id FROM range(1000) t(i)", dir.resolve("good.parquet"));
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = Files.write(dir.resolve("truncated.parquet"), Arrays.copyOf(bytes, bytes.length / 2));
        ParquetFormatException e = assertThrows(ParquetFormatException.class, () -> ParquetSource.open(truncated.toString()));
        assertTrue(e.getMessage().contains("Truncated") && e.getMessage().contains(truncated.toString()), e.getMessage());
        byte[] corrupt = bytes.clone();
        int footerLen = ByteBuffer.wrap(corrupt, corrupt.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        Arrays.fill(corrupt, corrupt.length - 8 - footerLen, corrupt.length - 8 - footerLen / 2, (byte) 0x7f);
        Path bad = Files.write(dir.resolve("badfooter.parquet"), corrupt);
        e = assertThrows(ParquetFormatException.class, () -> ParquetSource.open(bad.toString()));
        assertTrue(e.getMessage().contains("Corrupt Parquet footer") && e.getMessage().contains(bad.toString()), e.getMessage());
        byte[] enc = bytes.clone();
        enc[enc.length - 1] = 'E';
        Path encrypted = Files.write(dir.resolve("enc.parquet"), enc);
        e = assertThrows(ParquetFormatException.class, () -> ParquetSource.open(encrypted.toString()));
        assertTrue(e.getMessage().contains("encrypted Parquet is not supported"), e.getMessage());
    }

    @Test
    void corruptPageFailsNamingFileRowGroupAndColumn() throws Exception {
        Path good = copy("SELECT i AS id, 'v' || i AS s FROM range(1000) t(i)", dir.resolve("page.parquet"));
        byte[] bytes = Files.readAllBytes(good);
        Arrays.fill(bytes, 4, 40, (byte) 0xff); // the first page header
        Path bad = Files.write(dir.resolve("badpage.parquet"), bytes);
        ParquetSource src = ParquetSource.open(bad.toString());
        ParquetFormatException e = assertThrows(ParquetFormatException.class, () -> ParquetTestSupport.read(src, 100));
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("column 'id'")
                && e.getMessage().contains("row group 0") && e.getMessage().contains("page at byte"), e.getMessage());
    }

    @Test
    void corruptCompressedDataFails() throws Exception {
        Path good = dir.resolve("z.parquet");
        ParquetTestSupport.exec("COPY (SELECT i AS id FROM range(100000) t(i)) TO " + ParquetTestSupport.sqlPath(good)
                + " (FORMAT parquet, COMPRESSION snappy)");
        byte[] bytes = Files.readAllBytes(good);
        FileMetaData meta = footer(bytes);
        long start = meta.getRow_groups().getFirst().getColumns().getFirst().getMeta_data().getData_page_offset();
        for (int i = 0; i < 400; i += 3) {
            bytes[(int) start + 60 + i] ^= 0x5a;
        }
        Path bad = Files.write(dir.resolve("zbad.parquet"), bytes);
        ParquetSource src = ParquetSource.open(bad.toString());
        ParquetFormatException e = assertThrows(ParquetFormatException.class, () -> ParquetTestSupport.read(src, 100000));
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("column 'id'"), e.getMessage());
    }

    @Test
    void brotliAndLzoFailNamingFileColumnAndCodec() throws Exception {
        Path good = copy("SELECT i AS id FROM range(10) t(i)", dir.resolve("codec.parquet"));
        for (CompressionCodec codec : new CompressionCodec[] {CompressionCodec.BROTLI, CompressionCodec.LZO}) {
            byte[] bytes = Files.readAllBytes(good);
            FileMetaData meta = footer(bytes);
            for (RowGroup rg : meta.getRow_groups()) {
                for (ColumnChunk cc : rg.getColumns()) {
                    cc.getMeta_data().setCodec(codec);
                }
            }
            Path p = Files.write(dir.resolve(codec + ".parquet"), withFooter(bytes, meta));
            ParquetSource src = ParquetSource.open(p.toString());
            ParquetFormatException e = assertThrows(ParquetFormatException.class, () -> ParquetTestSupport.read(src, 10));
            assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("'id'") && e.getMessage().contains(codec.name()),
                    e.getMessage());
        }
    }

    @Test
    void subMicrosecondNanosFailAndWholeMicrosRead() throws Exception {
        // DuckDB writes TIMESTAMP_NS as not adjusted to UTC: the footer is rewritten to say UTC
        Path whole = utcNanos("SELECT make_timestamp_ns(1704067200123456000) AS t UNION ALL SELECT NULL", "whole");
        List<List<Object>> rows = ParquetTestSupport.read(ParquetSource.open(whole.toString()), 10);
        assertEquals(java.time.Instant.parse("2024-01-01T00:00:00.123456Z"), rows.getFirst().getFirst());
        assertNull(rows.get(1).getFirst());
        Path sub = utcNanos("SELECT make_timestamp_ns(1704067200123456789) AS t", "sub");
        ParquetSource src = ParquetSource.open(sub.toString());
        assertEquals(DataType.TIMESTAMP, src.schema().type(0));
        ParquetFormatException e = assertThrows(ParquetFormatException.class, () -> ParquetTestSupport.read(src, 10));
        assertTrue(e.getMessage().contains("sub-microsecond") && e.getMessage().contains("row group 0")
                && e.getMessage().contains("'t'"), e.getMessage());
    }

    @Test
    void unsignedBeyondInt64FailsAtReadTime() throws Exception {
        Path ok = copy("SELECT 9223372036854775807::UBIGINT AS u, 4294967295::UINTEGER AS u32", dir.resolve("u64/ok.parquet"));
        assertEquals(List.of(List.of(9223372036854775807L, 4294967295L)), ParquetTestSupport.read(ParquetSource.open(ok.toString()), 10));
        Path big = copy("SELECT 18446744073709551615::UBIGINT AS u", dir.resolve("u64/big.parquet"));
        ParquetSource src = ParquetSource.open(big.toString());
        assertEquals(DataType.INT64, src.schema().type(0));
        assertEquals(ChunkStats.ColumnStats.UNKNOWN, src.stats(src.rowGroups().getFirst(), new int[] {0}).column(0));
        ParquetFormatException e = assertThrows(ParquetFormatException.class, () -> ParquetTestSupport.read(src, 10));
        assertTrue(e.getMessage().contains("18446744073709551615") && e.getMessage().contains("'u'"), e.getMessage());
    }

    private Path utcNanos(String sql, String name) throws Exception {
        Path ns = copy(sql, dir.resolve("ns/" + name + ".parquet"));
        byte[] bytes = Files.readAllBytes(ns);
        FileMetaData meta = footer(bytes);
        meta.getSchema().get(1).getLogicalType().getTIMESTAMP().setIsAdjustedToUTC(true);
        return Files.write(dir.resolve("ns/" + name + "-utc.parquet"), withFooter(bytes, meta));
    }

    static FileMetaData footer(byte[] file) throws Exception {
        int len = ByteBuffer.wrap(file, file.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return Util.readFileMetaData(new ByteArrayInputStream(file, file.length - 8 - len, len));
    }

    static byte[] withFooter(byte[] file, FileMetaData meta) throws Exception {
        int len = ByteBuffer.wrap(file, file.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(file, 0, file.length - 8 - len);
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        Util.writeFileMetaData(meta, f);
        out.write(f.toByteArray());
        out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(f.size()).array());
        out.write(new byte[] {'P', 'A', 'R', '1'});
        return out.toByteArray();
    }
}
