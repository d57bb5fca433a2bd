package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.io.parquet.ParquetWriteTestSupport.assertExactlyEqual;
import static org.spillway.frame.io.parquet.ParquetWriteTestSupport.duckRows;
import static org.spillway.frame.io.parquet.ParquetWriteTestSupport.frame;
import static org.spillway.frame.io.parquet.ParquetWriteTestSupport.frameRows;
import static org.spillway.frame.io.parquet.ParquetWriteTestSupport.sql;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.frame.io.ParquetWriteOptions.Codec;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwayTest;

@SpillwayTest(chunkRows = 700)
class ParquetWriteRoundTripTest {
    private static final String COLS = "id, i, l, d, s, b, dt, ts, cat";

    @TempDir
    Path dir;

    Spillway sw;

    @ParameterizedTest
    @EnumSource(Codec.class)
    void everyCodecRoundTripsExactlyWithAndWithoutDictionary(Codec codec) {
        DataFrame df = frame(sw, 5000, 42);
        List<List<Object>> want = frameRows(df);
        for (boolean dict : new boolean[] {true, false}) {
            Path f = dir.resolve(codec + "-" + dict + ".parquet");
            df.writeParquet(f, ParquetWriteOptions.defaults().withCodec(codec).withDictionary(dict).withRowGroupRows(1500)
                    .withPageSizeBytes(2000));
            assertExactlyEqual(want, duckRows(f, COLS));
            List<List<Object>> meta = DuckOracle.query("SELECT DISTINCT compression FROM parquet_metadata('" + sql(f) + "')");
            assertEquals(List.of(List.of(codec == Codec.UNCOMPRESSED ? "UNCOMPRESSED" : codec.name())), meta);
            assertEquals(4L, DuckOracle.scalarLong("SELECT count(DISTINCT row_group_id) FROM parquet_metadata('" + sql(f) + "')"));
        }
    }

    @Test
    void defaultsWriteOneRowGroupWithZstdAndDictionaries() {
        DataFrame df = frame(sw, 3000, 7);
        Path f = dir.resolve("d.parquet");
        df.writeParquet(f.toString());
        assertExactlyEqual(frameRows(df), duckRows(f, COLS));
        String m = "parquet_metadata('" + sql(f) + "')";
        assertEquals(1L, DuckOracle.scalarLong("SELECT count(DISTINCT row_group_id) FROM " + m));
        assertEquals("ZSTD", DuckOracle.scalar("SELECT DISTINCT compression FROM " + m));
        String enc = (String) DuckOracle.scalar("SELECT encodings FROM " + m + " WHERE path_in_schema = 'cat'");
        assertTrue(enc.contains("RLE_DICTIONARY"), enc);
        String plain = (String) DuckOracle.scalar("SELECT encodings FROM " + m + " WHERE path_in_schema = 'b'");
        assertTrue(!plain.contains("DICTIONARY"), plain);
    }

    @Test
    void schemaHasTheLogicalTypesDuckDbAndSparkWrite() {
        Path f = dir.resolve("schema.parquet");
        frame(sw, 10, 1).writeParquet(f, ParquetWriteOptions.defaults());
        List<List<Object>> s = DuckOracle.query("SELECT name, type, repetition_type, logical_type, converted_type FROM parquet_schema('"
                + sql(f) + "') ORDER BY name");
        String all = s.toString();
        assertTrue(all.contains("[dt, INT32, OPTIONAL, DateType(), DATE]"), all);
        assertTrue(all.contains("[ts, INT64, OPTIONAL, TimestampType(isAdjustedToUTC=1, unit=TimeUnit(MILLIS=<null>, MICROS="
                + "MicroSeconds(), NANOS=<null>)), TIMESTAMP_MICROS]"), all);
        assertTrue(all.contains("[s, BYTE_ARRAY, OPTIONAL, StringType(), UTF8]"), all);
        assertTrue(all.contains("[b, BOOLEAN, OPTIONAL, null, null]"), all);
        assertTrue(all.contains("[d, DOUBLE, OPTIONAL, null, null]"), all);
        List<Object> types = DuckOracle.query("DESCRIBE SELECT * FROM '" + sql(f) + "'").stream().map(r -> r.get(1)).toList();
        assertEquals(List.of("INTEGER", "INTEGER", "BIGINT", "DOUBLE", "VARCHAR", "BOOLEAN", "DATE", "TIMESTAMP WITH TIME ZONE",
                "VARCHAR"), types);
    }

    @Test
    void statisticsHoldMinMaxAndNullCounts() {
        List<List<Object>> rows = List.of(
                List.of(1, 5, 10L, -0.0, "b", true, java.time.LocalDate.of(1960, 1, 1), java.time.Instant.parse("1960-01-01T00:00:00Z"), "x"),
                java.util.Arrays.asList(2, null, null, null, null, null, null, null, null),
                List.of(3, -7, Long.MIN_VALUE, Double.NaN, "ab", false, java.time.LocalDate.of(2030, 1, 1),
                        java.time.Instant.parse("2030-01-01T00:00:00Z"), "y"),
                List.of(4, Integer.MAX_VALUE, Long.MAX_VALUE, 0.0, "", true, java.time.LocalDate.of(1970, 1, 1),
                        java.time.Instant.EPOCH, "z"));
        DataFrame df = sw.createDataFrame(ParquetWriteTestSupport.SCHEMA, rows);
        Path f = dir.resolve("stats.parquet");
        df.writeParquet(f, ParquetWriteOptions.defaults());
        assertExactlyEqual(frameRows(df), duckRows(f, COLS));
        List<List<Object>> st = DuckOracle.query("SELECT path_in_schema, stats_min_value, stats_max_value, stats_null_count FROM "
                + "parquet_metadata('" + sql(f) + "') ORDER BY column_id");
        assertEquals(List.of("id", "1", "4", 0L), st.get(0));
        assertEquals(List.of("i", "-7", "2147483647", 1L), st.get(1));
        assertEquals(List.of("l", "-9223372036854775808", "9223372036854775807", 1L), st.get(2));
        assertEquals(List.of("d", "-0.0", "0.0", 1L), st.get(3));
        assertEquals(List.of("s", "", "b", 1L), st.get(4));
        assertEquals(List.of("b", "false", "true", 1L), st.get(5));
        assertEquals(List.of("dt", "1960-01-01", "2030-01-01", 1L), st.get(6));
        // statistics are used: DuckDB prunes on them and answers correctly
        assertEquals(1L, DuckOracle.scalarLong("SELECT count(*) FROM '" + sql(f) + "' WHERE l = " + Long.MIN_VALUE));
        assertEquals(2L, DuckOracle.scalarLong("SELECT count(*) FROM '" + sql(f) + "' WHERE dt < DATE '2000-01-01'"));
    }

    @Test
    void manyRowGroupsAndPagesKeepRowOrder() {
        DataFrame df = frame(sw, 20_000, 3);
        Path f = dir.resolve("order.parquet");
        df.writeParquet(f, ParquetWriteOptions.defaults().withRowGroupRows(999).withPageSizeBytes(512));
        // file order, not sorted: the rows come back in the frame's order
        List<List<Object>> got = DuckOracle.query("SELECT id FROM read_parquet('" + sql(f) + "', file_row_number=true) ORDER BY file_row_number");
        for (int i = 0; i < got.size(); i++) {
            assertEquals((long) i, got.get(i).getFirst());
        }
        assertEquals(21L, DuckOracle.scalarLong("SELECT count(DISTINCT row_group_id) FROM parquet_metadata('" + sql(f) + "')"));
        assertExactlyEqual(frameRows(df), duckRows(f, COLS));
    }

    @Test
    void lazyPlanAndEmptyFrame() {
        DataFrame df = frame(sw, 4000, 5).filter(org.spillway.frame.Functions.col("i").gt(0))
                .withColumn("i2", org.spillway.frame.Functions.col("i").multiply(2));
        Path f = dir.resolve("lazy.parquet");
        df.writeParquet(f, ParquetWriteOptions.defaults().withRowGroupRows(500));
        assertExactlyEqual(frameRows(df), duckRows(f, COLS + ", i2"));
        Path e = dir.resolve("empty.parquet");
        frame(sw, 100, 5).filter(org.spillway.frame.Functions.col("id").lt(0)).writeParquet(e, ParquetWriteOptions.defaults());
        assertEquals(0L, DuckOracle.scalarLong("SELECT count(*) FROM '" + sql(e) + "'"));
        assertEquals(9L, DuckOracle.scalarLong("SELECT count(*) FROM (DESCRIBE SELECT * FROM '" + sql(e) + "')"));
        Path ed = dir.resolve("emptydir");
        frame(sw, 100, 5).filter(org.spillway.frame.Functions.col("id").lt(0)).writeParquet(ed, ParquetWriteOptions.defaults());
        assertEquals(0L, DuckOracle.scalarLong("SELECT count(*) FROM '" + sql(ed) + "/*.parquet'"));
    }

    @Test
    void aCsvScanWrittenAsADatasetEqualsDuckDbsReadingOfTheCsv() throws java.io.IOException {
        Path csv = dir.resolve("in.csv");
        StringBuilder sb = new StringBuilder("id,name,amount,day,flag\n");
        java.util.Random r = new java.util.Random(9);
        for (int i = 0; i < 40_000; i++) {
            sb.append(i).append(',').append(r.nextInt(5) == 0 ? "" : "n" + r.nextInt(50)).append(',')
                    .append(r.nextInt(7) == 0 ? "" : String.valueOf(r.nextInt(100_000) / 100.0)).append(',')
                    .append(java.time.LocalDate.ofEpochDay(r.nextInt(30_000) - 10_000)).append(',')
                    .append(r.nextBoolean()).append('\n');
        }
        java.nio.file.Files.writeString(csv, sb);
        DataFrame df = sw.readCsv(csv.toString());
        Path out = dir.resolve("csvds");
        df.writeParquet(out, ParquetWriteOptions.defaults().withRowGroupRows(3000));
        String pq = "read_parquet('" + sql(out) + "/*.parquet')";
        String cs = "read_csv('" + sql(csv) + "', columns={'id': 'INTEGER', 'name': 'VARCHAR', 'amount': 'DOUBLE', 'day': 'DATE',"
                + " 'flag': 'BOOLEAN'}, header=true)";
        assertEquals(40_000L, DuckOracle.scalarLong("SELECT count(*) FROM " + pq));
        assertEquals(0L, DuckOracle.scalarLong("SELECT count(*) FROM (SELECT id, name, amount, day, flag FROM " + pq
                + " EXCEPT ALL SELECT * FROM " + cs + ")"));
        assertEquals(0L, DuckOracle.scalarLong("SELECT count(*) FROM (SELECT * FROM " + cs
                + " EXCEPT ALL SELECT id, name, amount, day, flag FROM " + pq + ")"));
    }
}
