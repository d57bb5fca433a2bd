package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.asc;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.desc;
import static org.spillway.frame.Functions.first;
import static org.spillway.frame.Functions.last;
import static org.spillway.frame.Functions.lit;
import static org.spillway.frame.Functions.max;
import static org.spillway.frame.Functions.mean;
import static org.spillway.frame.Functions.min;
import static org.spillway.frame.Functions.on;
import static org.spillway.frame.Functions.sum;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * The column types timestamp_ntz, time and binary end to end: building frames from Java values,
 * show(), CSV writing (and reading with a schema override), collect round trips, filters with
 * literals, casts, sort, group by, join and spilling, compared with DuckDB's TIMESTAMP, TIME and
 * BLOB where the result is a query.
 */
@SpillwayTest(chunkRows = 500)
class NewTypesTest {
    static final Schema SCHEMA = Schema.of(new Field("id", DataType.INT64), new Field("ts", DataType.TIMESTAMP_NTZ),
            new Field("t", DataType.TIME), new Field("b", DataType.BINARY));

    @TempDir
    Path dir;

    static LocalDateTime ts(int i) {
        int k = i % 211;
        LocalDateTime base = k % 5 == 0 ? LocalDateTime.of(1960, 3, 4, 5, 6, 7) : LocalDateTime.of(2024, 1, 1, 0, 0);
        LocalDateTime v = base.plusSeconds(k * 7919L % 500_000);
        return k % 3 == 0 ? v : v.plusNanos((k * 31_337L % 1_000_000) * 1000);
    }

    static LocalTime time(int i) {
        int k = i % 97;
        long micros = k * 1_234_567_891L % 86_400_000_000L;
        return LocalTime.ofNanoOfDay((k % 4 == 0 ? micros / 1_000_000 * 1_000_000 : micros) * 1000);
    }

    static byte[] bytes(int i) {
        int k = i % 53;
        byte[] b = new byte[k % 5];
        for (int j = 0; j < b.length; j++) {
            b[j] = (byte) (k * 37 + j * 101 + (j == 0 && k % 2 == 0 ? 128 : 0));
        }
        return b;
    }

    static List<Object[]> data(int n) {
        List<Object[]> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(new Object[] {(long) i, i % 17 == 0 ? null : ts(i), i % 13 == 0 ? null : time(i), i % 11 == 0 ? null : bytes(i)});
        }
        return rows;
    }

    /** Writes the frame as CSV and returns the DuckDB scan of it, with the same types. */
    static String duckScan(DataFrame df, Path dir) {
        Path p = dir.resolve("data-" + System.nanoTime() + ".csv");
        df.writeCsv(p.toString());
        return "(SELECT id, ts, t, unhex(b) AS b FROM read_csv('" + p + "', header = true, nullstr = '', allow_quoted_nulls = false, quote = '\"',"
                + " columns = {'id': 'BIGINT', 'ts': 'TIMESTAMP', 't': 'TIME', 'b': 'VARCHAR'}))";
    }

    @Test
    void showAndCsvUseDuckDbTextAndLowerCaseHex(Spillway sw) throws Exception {
        DataFrame df = sw.createDataFrame(SCHEMA, List.of(
                new Object[] {1L, LocalDateTime.of(2024, 1, 2, 3, 4, 5, 500_000_000), LocalTime.of(3, 4, 5), new byte[] {0x0a, 0x1b, (byte) 0xff}},
                new Object[] {2L, LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000), LocalTime.of(3, 4, 5, 123_456_000), new byte[0]},
                new Object[] {3L, LocalDateTime.of(1969, 12, 31, 23, 59, 59), LocalTime.MIDNIGHT, null},
                new Object[] {4L, null, null, new byte[] {0}}));
        String shown = df.showString(10);
        assertTrue(shown.contains("timestamp_ntz") && shown.contains("time") && shown.contains("binary"), shown);
        assertTrue(shown.contains("2024-01-02 03:04:05.5 "), shown);
        assertTrue(shown.contains("2024-01-02 03:04:05.123456"), shown);
        assertTrue(shown.contains("1969-12-31 23:59:59 "), shown);
        assertTrue(shown.contains(" 03:04:05 ") && shown.contains(" 03:04:05.123456 ") && shown.contains(" 00:00:00 "), shown);
        assertTrue(shown.contains(" 0a1bff ") && shown.contains(" 00 "), shown);
        // DuckDB prints the same text for the same values
        assertEquals("2024-01-02 03:04:05.5", DuckOracle.scalar("SELECT TIMESTAMP '2024-01-02 03:04:05.5'::VARCHAR"));
        assertEquals("2024-01-02 03:04:05.123456", DuckOracle.scalar("SELECT TIMESTAMP '2024-01-02 03:04:05.123456'::VARCHAR"));
        assertEquals("03:04:05", DuckOracle.scalar("SELECT TIME '03:04:05'::VARCHAR"));

        Path p = dir.resolve("out.csv");
        df.writeCsv(p.toString());
        assertEquals(List.of("id,ts,t,b", "1,2024-01-02 03:04:05.5,03:04:05,0a1bff", "2,2024-01-02 03:04:05.123456,03:04:05.123456,\"\"",
                "3,1969-12-31 23:59:59,00:00:00,", "4,,,00"), Files.readAllLines(p));

        // read back with a schema override: the same values
        DataFrame back = sw.readCsv(p.toString(), org.spillway.frame.io.CsvOptions.defaults().columnType("ts", DataType.TIMESTAMP_NTZ)
                .columnType("t", DataType.TIME).columnType("b", DataType.BINARY).columnType("id", DataType.INT64));
        assertEquals(SCHEMA, back.schema());
        assertEquals(df.rows(), back.rows());

        // Row accessors and round trip of the Java values
        Row r = df.rows().get(0);
        assertEquals(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 500_000_000), r.getLocalDateTime("ts"));
        assertEquals(LocalTime.of(3, 4, 5), r.getLocalTime("t"));
        assertArrayEquals(new byte[] {0x0a, 0x1b, (byte) 0xff}, r.getBytes("b"));
        assertEquals("0a1bff", r.getString("b"));
        assertEquals("2024-01-02 03:04:05.5", r.getString("ts"));
        assertArrayEquals(new byte[0], df.rows().get(1).getBytes("b"));
    }

    @Test
    void collectRoundTripsTheJavaValues(Spillway sw) {
        List<Object[]> data = data(3000);
        DataFrame df = sw.createDataFrame(SCHEMA, data);
        List<Row> rows = df.filter(col("id").geq(0)).collect().rows();
        assertEquals(data.size(), rows.size());
        for (int i = 0; i < data.size(); i++) {
            assertEquals(new Row(SCHEMA, data.get(i)), rows.get(i), "row " + i);
        }
    }

    @Test
    void filtersWithLiteralsMatchDuckDb(Spillway sw) {
        DataFrame df = sw.createDataFrame(SCHEMA, data(3000));
        String v = duckScan(df, dir);
        LocalDateTime at = ts(7);
        check(df.filter(col("ts").gt(lit(at))), "SELECT * FROM " + v + " WHERE ts > TIMESTAMP '" + at + "'");
        check(df.filter(col("ts").eq(lit(at))), "SELECT * FROM " + v + " WHERE ts = TIMESTAMP '" + at + "'");
        check(df.filter(col("ts").leq("2024-01-02 00:00:00")), "SELECT * FROM " + v + " WHERE ts <= TIMESTAMP '2024-01-02 00:00:00'");
        check(df.filter(col("t").lt(lit(LocalTime.of(12, 0)))), "SELECT * FROM " + v + " WHERE t < TIME '12:00:00'");
        check(df.filter(col("t").geq("06:30:00.25")), "SELECT * FROM " + v + " WHERE t >= TIME '06:30:00.25'");
        byte[] key = bytes(8);
        String hex = HexFormat.of().formatHex(key);
        check(df.filter(col("b").eq(lit(key))), "SELECT * FROM " + v + " WHERE b = unhex('" + hex + "')");
        check(df.filter(col("b").gt(lit(key))), "SELECT * FROM " + v + " WHERE b > unhex('" + hex + "')");
        check(df.filter(col("b").isNull().or(col("ts").isNull())), "SELECT * FROM " + v + " WHERE b IS NULL OR ts IS NULL");
        // two columns of one type
        DataFrame two = df.withColumn("ts2", col("ts").cast(DataType.DATE).cast(DataType.TIMESTAMP_NTZ));
        check(two.filter(col("ts").gt(col("ts2"))).select("id"), "SELECT id FROM " + v + " WHERE ts > ts::DATE::TIMESTAMP");
        // the same filters on the collected frame, where chunk statistics may skip chunks
        DataFrame stored = df.sort("ts").collect();
        assertEquals(df.filter(col("ts").gt(lit(at))).count(), stored.filter(col("ts").gt(lit(at))).count());
        assertEquals(df.filter(col("t").lt(lit(LocalTime.of(1, 0)))).count(), df.collect().filter(col("t").lt(lit(LocalTime.of(1, 0)))).count());
        assertEquals(df.filter(col("b").eq(lit(key))).count(), df.sort("b").collect().filter(col("b").eq(lit(key))).count());
    }

    private static void check(DataFrame df, String sql) {
        DuckOracle.assertSameRows(DuckOracle.query(sql), DuckOracle.rows(df), 0);
    }

    @Test
    void castsToAndFromStringAndBetweenTimestamps(Spillway sw) {
        DataFrame df = sw.createDataFrame(SCHEMA, data(500));
        String v = duckScan(df, dir);
        DataFrame c = df.select(col("id"), col("ts").cast(DataType.STRING).as("s"), col("t").cast(DataType.STRING).as("ts_"),
                col("ts").cast(DataType.TIMESTAMP).as("tz"), col("ts").cast(DataType.DATE).as("d"),
                col("ts").cast(DataType.DATE).cast(DataType.TIMESTAMP_NTZ).as("dn"));
        check(c, "SELECT id, ts::VARCHAR, t::VARCHAR, ts, ts::DATE, ts::DATE::TIMESTAMP FROM " + v);
        // string -> type -> string, and binary <-> hex
        DataFrame back = df.select(col("id"), col("ts").cast(DataType.STRING).cast(DataType.TIMESTAMP_NTZ).as("ts"),
                col("t").cast(DataType.STRING).cast(DataType.TIME).as("t"), col("b").cast(DataType.STRING).cast(DataType.BINARY).as("b"));
        assertEquals(df.rows(), back.rows());
        assertEquals(HexFormat.of().formatHex(bytes(3)),
                df.filter(col("id").eq(3)).select(col("b").cast(DataType.STRING)).rows().get(0).get(0));
        assertEquals(LocalDateTime.of(2024, 1, 2, 3, 4, 5), castOne(sw, DataType.STRING, "2024-01-02T03:04:05", DataType.TIMESTAMP_NTZ));
        assertEquals(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 120_000_000),
                castOne(sw, DataType.STRING, " 2024-01-02 03:04:05.12", DataType.TIMESTAMP_NTZ));
        assertEquals(LocalTime.of(3, 4, 5, 123_456_000), castOne(sw, DataType.STRING, "03:04:05.123456", DataType.TIME));
        assertArrayEquals(new byte[] {0x0a, (byte) 0xff}, (byte[]) castOne(sw, DataType.STRING, "0AfF", DataType.BINARY));
        LocalDateTime wall = LocalDateTime.of(2024, 1, 2, 3, 4, 5);
        assertEquals(Instant.parse("2024-01-02T03:04:05Z"), castOne(sw, DataType.TIMESTAMP_NTZ, wall, DataType.TIMESTAMP));
        assertEquals(wall, castOne(sw, DataType.TIMESTAMP, Instant.parse("2024-01-02T03:04:05Z"), DataType.TIMESTAMP_NTZ));
        assertEquals(LocalDate.of(1960, 3, 4), castOne(sw, DataType.TIMESTAMP_NTZ, LocalDateTime.of(1960, 3, 4, 5, 6), DataType.DATE));
        assertEquals(LocalDateTime.of(1960, 3, 4, 0, 0), castOne(sw, DataType.DATE, LocalDate.of(1960, 3, 4), DataType.TIMESTAMP_NTZ));
        assertThrows(SpillwayException.class, () -> castOne(sw, DataType.TIME, LocalTime.NOON, DataType.INT64));
        assertThrows(SpillwayException.class, () -> castOne(sw, DataType.BINARY, new byte[1], DataType.INT64));
    }

    private static Object castOne(Spillway sw, DataType from, Object value, DataType to) {
        DataFrame one = sw.createDataFrame(Schema.of(new Field("x", from)), List.<Object[]>of(new Object[] {value}));
        return one.select(col("x").cast(to)).rows().get(0).get(0);
    }

    @Test
    void sortMatchesDuckDb(Spillway sw) {
        DataFrame df = sw.createDataFrame(SCHEMA, data(3000));
        String v = duckScan(df, dir);
        DuckOracle.assertSameOrderedRows(DuckOracle.query("SELECT * FROM " + v + " ORDER BY ts NULLS LAST, id"),
                DuckOracle.rows(df.sort(asc("ts"), asc("id"))), 0);
        DuckOracle.assertSameOrderedRows(DuckOracle.query("SELECT * FROM " + v + " ORDER BY t DESC NULLS LAST, id"),
                DuckOracle.rows(df.sort(desc("t"), asc("id"))), 0);
        DuckOracle.assertSameOrderedRows(DuckOracle.query("SELECT * FROM " + v + " ORDER BY b NULLS LAST, id DESC"),
                DuckOracle.rows(df.sort(asc("b"), desc("id"))), 0);
        DuckOracle.assertSameOrderedRows(DuckOracle.query("SELECT * FROM " + v + " ORDER BY b DESC NULLS LAST, id LIMIT 10"),
                DuckOracle.rows(df.sort(desc("b"), asc("id")).limit(10)), 0);
    }

    @Test
    void groupByAndAggregatesMatchDuckDb(Spillway sw) {
        DataFrame df = sw.createDataFrame(SCHEMA, data(3000));
        String v = duckScan(df, dir);
        check(df.groupBy("ts").agg(count().as("n"), min("t"), max("t"), min("b"), max("b"), min("id")),
                "SELECT ts, count(*), min(t), max(t), min(b), max(b), min(id) FROM " + v + " GROUP BY ts");
        check(df.groupBy("t").agg(count().as("n"), count("b"), min("ts"), max("ts")),
                "SELECT t, count(*), count(b), min(ts), max(ts) FROM " + v + " GROUP BY t");
        check(df.groupBy("b").agg(count().as("n"), min("ts"), max("t"), max("id")),
                "SELECT b, count(*), min(ts), max(t), max(id) FROM " + v + " GROUP BY b");
        check(df.groupBy("b", "t").agg(count().as("n")), "SELECT b, t, count(*) FROM " + v + " GROUP BY b, t");
        check(df.agg(min("ts"), max("ts"), min("t"), max("t"), min("b"), max("b"), count("b")),
                "SELECT min(ts), max(ts), min(t), max(t), min(b), max(b), count(b) FROM " + v);
        check(df.groupBy(col("id").mod(7).as("g")).agg(first("ts"), last("t"), first("b"), last("b")),
                "SELECT id % 7, first(ts ORDER BY id) FILTER (ts IS NOT NULL), last(t ORDER BY id) FILTER (t IS NOT NULL),"
                        + " first(b ORDER BY id) FILTER (b IS NOT NULL), last(b ORDER BY id) FILTER (b IS NOT NULL) FROM " + v + " GROUP BY 1");
        check(df.select("ts", "b").distinct(), "SELECT DISTINCT ts, b FROM " + v);
        SpillwayException e = assertThrows(SpillwayException.class, () -> df.agg(sum("t")).rows());
        assertTrue(e.getMessage().contains("numeric"), e.getMessage());
        assertThrows(SpillwayException.class, () -> df.agg(mean("ts")).rows());
        assertThrows(SpillwayException.class, () -> df.agg(sum("b")).rows());
    }

    @Test
    void joinsOnEachTypeMatchDuckDb(Spillway sw) {
        DataFrame l = sw.createDataFrame(SCHEMA, data(2000));
        List<Object[]> rd = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            rd.add(new Object[] {(long) i, i % 7 == 0 ? null : ts(i * 3), i % 9 == 0 ? null : time(i * 2), i % 6 == 0 ? null : bytes(i)});
        }
        DataFrame r = sw.createDataFrame(SCHEMA, rd).withColumnRenamed("id", "rid");
        String lv = duckScan(l, dir);
        String rv = duckScan(r.withColumnRenamed("rid", "id"), dir);
        for (String k : List.of("ts", "t", "b")) {
            DataFrame j = l.select("id", k).join(r.select("rid", k), on(k), JoinType.INNER);
            check(j, "SELECT l.id, l." + k + ", r.id FROM " + lv + " l JOIN " + rv + " r ON l." + k + " = r." + k);
            DataFrame left = l.select("id", k).join(r.select("rid", k), on(k), JoinType.LEFT);
            check(left, "SELECT l.id, l." + k + ", r.id FROM " + lv + " l LEFT JOIN " + rv + " r ON l." + k + " = r." + k);
            DataFrame full = l.select("id", k).join(r.select("rid", k), on(k), JoinType.FULL);
            check(full, "SELECT l.id, coalesce(l." + k + ", r." + k + "), r.id FROM " + lv + " l FULL JOIN " + rv + " r ON l." + k
                    + " = r." + k);
            assertEquals(SCHEMA.type(SCHEMA.indexOf(k)), j.schema().type(1));
        }
        // a multi-column key over all three
        check(l.join(r, on("ts", "t", "b")), "SELECT l.id, l.ts, l.t, l.b, r.id FROM " + lv + " l JOIN " + rv
                + " r ON l.ts = r.ts AND l.t = r.t AND l.b = r.b");
    }

    @Test
    void otherOperatorsMatchDuckDb(Spillway sw) {
        DataFrame df = sw.createDataFrame(SCHEMA, data(2000));
        String v = duckScan(df, dir);
        check(df.groupBy(col("id").mod(3).as("g")).agg(Functions.countDistinct("ts"), Functions.countDistinct("t"),
                Functions.countDistinct("b")), "SELECT id % 3, count(DISTINCT ts), count(DISTINCT t), count(DISTINCT b) FROM " + v + " GROUP BY 1");
        check(df.union(df.filter(col("id").lt(100))).select("ts", "t", "b"),
                "SELECT ts, t, b FROM " + v + " UNION ALL SELECT ts, t, b FROM " + v + " WHERE id < 100");
        check(df.select(col("id"), Functions.when(col("id").mod(2).eq(0), col("ts")).otherwise(lit(null)).as("x"),
                Functions.when(col("id").mod(2).eq(0), col("b")).otherwise(col("b")).as("y")),
                "SELECT id, CASE WHEN id % 2 = 0 THEN ts END, b FROM " + v);
        check(df.dropDuplicates("b").select("b"), "SELECT DISTINCT b FROM " + v);
        check(df.filter(col("t").isNotNull().and(col("b").isNull())).select("id"), "SELECT id FROM " + v + " WHERE t IS NOT NULL AND b IS NULL");
        assertTrue(df.filter(col("b").eq(lit(new byte[] {1, (byte) 0xab}))).explainString().contains("X'01ab'"),
                df.filter(col("b").eq(lit(new byte[] {1, (byte) 0xab}))).explainString());
        assertEquals(lit(new byte[] {1, 2}), lit(new byte[] {1, 2}));
        // every type is described: binary has no min or max, bytes are not ordered text
        DataFrame d = df.describe();
        assertEquals(df.columns(), d.column("column"));
        Row b = d.rows().get(df.columns().indexOf("b"));
        assertEquals(null, b.get("min"));
        assertEquals(df.filter(col("b").isNotNull()).count(), b.getLong("count"));
        Row ts = d.rows().get(df.columns().indexOf("ts"));
        assertEquals(df.agg(Functions.min("ts")).rows().getFirst().get(0).toString(), ts.get("min"));
    }

    @Test
    @SpillwayTest(memoryLimit = "2m", chunkRows = 2048)
    void spillRoundTripUnderATinyBudget(Spillway sw) {
        List<Object[]> data = data(60_000);
        DataFrame df = sw.createDataFrame(SCHEMA, data);
        DataFrame sorted = df.sort(desc("b"), asc("id")).collect();
        assertTrue(sw.spilledBytes() > 0, "expected spilling: " + sw.memoryReport());
        assertEquals(data.size(), sorted.count());
        List<Row> rows = df.rows();
        for (int i = 0; i < data.size(); i += 7) {
            assertEquals(new Row(SCHEMA, data.get(i)), rows.get(i), "row " + i);
        }
        assertEquals(df.groupBy("ts").agg(count().as("n")).count(), 212);
        assertEquals(df.filter(col("t").eq(lit(time(5)))).count(),
                data.stream().filter(x -> time(5).equals(x[2])).count());
        assertEquals(df.join(sorted.select("id"), on("id")).count(), data.size());
    }
}
