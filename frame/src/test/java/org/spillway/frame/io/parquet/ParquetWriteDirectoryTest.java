package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.io.parquet.ParquetWriteTestSupport.assertExactlyEqual;
import static org.spillway.frame.io.parquet.ParquetWriteTestSupport.duckRows;
import static org.spillway.frame.io.parquet.ParquetWriteTestSupport.frame;
import static org.spillway.frame.io.parquet.ParquetWriteTestSupport.frameRows;
import static org.spillway.frame.io.parquet.ParquetWriteTestSupport.listing;
import static org.spillway.frame.io.parquet.ParquetWriteTestSupport.parquetFiles;
import static org.spillway.frame.io.parquet.ParquetWriteTestSupport.sql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.ColumnNotFoundException;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.SpillwayException;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwayTest;

@SpillwayTest(chunkRows = 1000)
class ParquetWriteDirectoryTest {
    private static final String COLS = "id, i, l, d, s, b, dt, ts, cat";

    @TempDir
    Path dir;

    Spillway sw;

    @Test
    void directoryOfPartFilesWithSuccessMarker() throws IOException {
        DataFrame df = frame(sw, 10_000, 11);
        Path out = dir.resolve("ds");
        df.writeParquet(out, ParquetWriteOptions.defaults().withRowGroupRows(1000));
        List<Path> files = parquetFiles(out);
        assertEquals(3, files.size(), "10 row groups, 4 per part file: " + files);
        assertTrue(Files.exists(out.resolve("_SUCCESS")));
        assertEquals(0, Files.size(out.resolve("_SUCCESS")));
        for (Path p : files) {
            assertTrue(p.getFileName().toString().matches("part-0000[0-2]-[0-9a-f-]{36}\\.parquet"), p.toString());
        }
        assertExactlyEqual(frameRows(df), duckRows(out, COLS));
        // part files in name order hold the rows in order
        List<List<Object>> ids = DuckOracle.query("SELECT id FROM read_parquet('" + sql(out) + "/*.parquet', filename=true,"
                + " file_row_number=true) ORDER BY filename, file_row_number");
        for (int i = 0; i < ids.size(); i++) {
            assertEquals((long) i, ids.get(i).getFirst());
        }
        assertEquals(List.of(".", "_SUCCESS"), listing(dir).stream().filter(s -> !s.endsWith(".parquet")).map(s -> s.isEmpty() ? "." : s)
                .filter(s -> !s.equals("ds")).map(s -> s.startsWith("ds/") ? s.substring(3) : s).toList());
    }

    @Test
    void partitionedHiveLayoutWithEscapingAndNulls() throws IOException {
        DataFrame df = frame(sw, 6000, 12);
        Path out = dir.resolve("parts");
        df.writeParquet(out, ParquetWriteOptions.defaults().withPartitionBy("b", "cat").withRowGroupRows(400));
        List<String> dirs = listing(out).stream().filter(s -> !s.endsWith(".parquet") && !s.isEmpty() && !s.equals("_SUCCESS")).toList();
        assertTrue(dirs.contains("b=true"), dirs.toString());
        assertTrue(dirs.contains("b=__HIVE_DEFAULT_PARTITION__"), dirs.toString());
        assertTrue(dirs.contains("b=true/cat=x%2Fy%3Dz%25"), dirs.toString());
        assertTrue(dirs.contains("b=false/cat=__HIVE_DEFAULT_PARTITION__"), dirs.toString());
        assertTrue(dirs.contains("b=false/cat=日本語 😀"), dirs.toString());
        // the files hold the other columns only
        for (Path p : parquetFiles(out)) {
            FileMetaData m = ParquetWriteTestSupport.footer(p);
            assertEquals(8, m.getSchema().size(), p.toString());
        }
        // DuckDB reads the partition values back from the paths
        List<List<Object>> got = DuckOracle.query("SELECT id, b, cat FROM read_parquet('" + sql(out) + "/**/*.parquet', "
                + "hive_partitioning=true, hive_types={'b': BOOLEAN, 'cat': VARCHAR}) ORDER BY id");
        List<List<Object>> want = new ArrayList<>();
        for (List<Object> r : frameRows(df)) {
            Object cat = r.get(8);
            if ("".equals(cat)) {
                cat = null; // an empty string partitions as null, as in Spark and Hive
            }
            want.add(java.util.Arrays.asList(r.get(0), r.get(5), cat));
        }
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i), got.get(i), "row " + i + " (DuckDB unescapes the %XX in the paths)");
        }
        List<List<Object>> data = DuckOracle.query("SELECT id, i, l, d, s, dt, ts FROM read_parquet('" + sql(out)
                + "/**/*.parquet', hive_partitioning=false) ORDER BY id");
        List<List<Object>> wantData = frameRows(df).stream().map(r -> List.of(r.get(0), o(r.get(1)), o(r.get(2)), o(r.get(3)), o(r.get(4)),
                o(r.get(6)), o(r.get(7)))).map(l -> (List<Object>) new ArrayList<>(l)).toList();
        assertEquals(wantData.size(), data.size());
        for (int i = 0; i < data.size(); i++) {
            assertEquals(unbox(wantData.get(i)), data.get(i), "row " + i);
        }
    }

    private static final Object NULL = new Object();

    private static Object o(Object v) {
        return v == null ? NULL : v;
    }

    private static List<Object> unbox(List<Object> l) {
        List<Object> out = new ArrayList<>();
        for (Object v : l) {
            out.add(v == NULL ? null : v);
        }
        return out;
    }

    @Test
    void partitionErrors() {
        DataFrame df = frame(sw, 10, 1);
        assertThrows(ColumnNotFoundException.class, () -> df.writeParquet(dir.resolve("x"),
                ParquetWriteOptions.defaults().withPartitionBy("nope")));
        SpillwayException e = assertThrows(SpillwayException.class, () -> df.writeParquet(dir.resolve("x.parquet"),
                ParquetWriteOptions.defaults().withPartitionBy("b")));
        assertTrue(e.getMessage().contains("directory"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x")));
    }

    @Test
    void footerHasPageIndexColumnOrdersAndCreatedBy() throws IOException {
        Path f = dir.resolve("f.parquet");
        frame(sw, 3000, 13).writeParquet(f, ParquetWriteOptions.defaults().withRowGroupRows(1000).withPageSizeBytes(1000));
        FileMetaData m = ParquetWriteTestSupport.footer(f);
        assertEquals(3000, m.getNum_rows());
        assertEquals("spillway version 0.1.0 (build spillway)", m.getCreated_by());
        assertEquals(9, m.getColumn_orders().size());
        assertEquals("spark_schema", m.getSchema().getFirst().getName());
        long compressed = 0;
        for (RowGroup g : m.getRow_groups()) {
            compressed += g.getTotal_compressed_size();
            for (ColumnChunk c : g.getColumns()) {
                assertTrue(c.isSetOffset_index_offset(), "offset index");
                assertTrue(c.getMeta_data().isSetStatistics());
            }
            assertTrue(g.getColumns().getFirst().isSetColumn_index_offset(), "column index of id");
        }
        assertTrue(compressed < Files.size(f));
        // DuckDB reads the page CRCs? At least it reads every page fine; byte-for-byte determinism:
        Path g = dir.resolve("g.parquet");
        frame(sw, 3000, 13).writeParquet(g, ParquetWriteOptions.defaults().withRowGroupRows(1000).withPageSizeBytes(1000));
        assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(g), "the same frame and options give the same bytes");
    }

    @Test
    void partitionValuesOfEveryTypeReadBackThroughDuckDb() {
        java.util.List<java.util.List<Object>> rows = new ArrayList<>();
        java.time.Instant[] ts = {java.time.Instant.parse("1969-07-20T20:17:40.123456Z"), java.time.Instant.parse("2024-02-29T00:00:00Z")};
        for (int k = 0; k < 40; k++) {
            rows.add(java.util.Arrays.asList(k, k % 3 - 1, (long) (k % 2) * Long.MIN_VALUE, k % 4 == 0 ? null : -1.5 * (k % 2),
                    "v" + k, k % 2 == 0, java.time.LocalDate.of(1900 + k % 3 * 100, 1, 1), ts[k % 2], "c"));
        }
        DataFrame df = sw.createDataFrame(ParquetWriteTestSupport.SCHEMA, rows);
        Path out = dir.resolve("typed");
        df.writeParquet(out, ParquetWriteOptions.defaults().withPartitionBy("i", "l", "d", "dt", "ts"));
        List<List<Object>> got = DuckOracle.query("SELECT id, i, l, d, dt, ts FROM read_parquet('" + sql(out) + "/**/*.parquet', "
                + "hive_partitioning=true, hive_types={'i': INTEGER, 'l': BIGINT, 'd': DOUBLE, 'dt': DATE, 'ts': TIMESTAMPTZ}) ORDER BY id");
        List<List<Object>> want = frameRows(df).stream().map(r -> java.util.Arrays.asList(r.get(0), r.get(1), r.get(2), r.get(3), r.get(6),
                r.get(7))).toList();
        assertExactlyEqual(want, got);
    }
}
