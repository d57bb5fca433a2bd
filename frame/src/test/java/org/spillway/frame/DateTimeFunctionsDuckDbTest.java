package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.currentDate;
import static org.spillway.frame.Functions.currentTimestamp;
import static org.spillway.frame.Functions.dateAdd;
import static org.spillway.frame.Functions.dateDiff;
import static org.spillway.frame.Functions.dateSub;
import static org.spillway.frame.Functions.dateTrunc;
import static org.spillway.frame.Functions.dayOfMonth;
import static org.spillway.frame.Functions.dayOfWeek;
import static org.spillway.frame.Functions.dayOfYear;
import static org.spillway.frame.Functions.fromUnixTime;
import static org.spillway.frame.Functions.fromUtcTimestamp;
import static org.spillway.frame.Functions.hour;
import static org.spillway.frame.Functions.lit;
import static org.spillway.frame.Functions.minute;
import static org.spillway.frame.Functions.month;
import static org.spillway.frame.Functions.second;
import static org.spillway.frame.Functions.toDate;
import static org.spillway.frame.Functions.toTimestamp;
import static org.spillway.frame.Functions.toUtcTimestamp;
import static org.spillway.frame.Functions.unixTimestamp;
import static org.spillway.frame.Functions.when;
import static org.spillway.frame.Functions.year;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.FunctionOracle;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * The date and time functions of {@link Functions} ({@code year} ... {@code second}, {@code dateTrunc},
 * {@code dateAdd}/{@code dateSub}/{@code dateDiff}, {@code toDate}/{@code toTimestamp} with patterns,
 * {@code unixTimestamp}/{@code fromUnixTime}, {@code fromUtcTimestamp}/{@code toUtcTimestamp}) against DuckDB over the
 * same random rows (nulls, dates from year 1 to 9999, before 1970, leap days, negative epoch microseconds), in chunks
 * of 64 rows; daylight-saving changes against java.time; bad patterns, zones, units and unparsable values must fail
 * naming them.
 */
@SpillwayTest(memoryLimit = "64m", chunkRows = 64)
class DateTimeFunctionsDuckDbTest {
    static final Schema SCHEMA = Schema.of(new Field("k", DataType.INT64), new Field("d", DataType.DATE), new Field("ts", DataType.TIMESTAMP),
            new Field("ntz", DataType.TIMESTAMP_NTZ), new Field("tm", DataType.TIME), new Field("n", DataType.INT32),
            new Field("s", DataType.STRING), new Field("st", DataType.STRING), new Field("u", DataType.INT64), new Field("f", DataType.FLOAT64));
    static final String TABLE = "dt_test_data";
    static final List<Object[]> ROWS = new ArrayList<>();
    static final DateTimeFormatter DMY = DateTimeFormatter.ofPattern("dd.MM.uuuu");
    static final DateTimeFormatter YMD_HMS = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

    /** Opened before and closed after each test by the extension. */
    Spillway sw;

    @BeforeAll
    static void data() {
        Random r = new Random(22);
        LocalDate[] dates = {LocalDate.of(1969, 12, 31), LocalDate.of(1970, 1, 1), LocalDate.of(1900, 2, 28), LocalDate.of(1900, 3, 1),
            LocalDate.of(2000, 2, 29), LocalDate.of(2024, 2, 29), LocalDate.of(1600, 2, 29), LocalDate.of(1004, 2, 29), LocalDate.of(1, 1, 1),
            LocalDate.of(9999, 12, 31), LocalDate.of(2023, 12, 31), LocalDate.of(2024, 12, 30)};
        long[] micros = {0, -1, 1, -86_400_000_000L, micros("1969-12-31T23:59:59.999999Z"), micros("2024-02-29T12:34:56.789Z"),
            micros("2024-03-31T01:30:00Z"), micros("2024-10-27T00:30:00Z"), micros("1600-02-29T23:59:59Z"), micros("2200-12-31T23:59:59.999999Z")};
        long lo = LocalDate.of(1000, 1, 1).toEpochDay();
        long hi = LocalDate.of(2200, 12, 31).toEpochDay();
        long tsLo = micros("1600-01-01T00:00:00Z"); // java.sql.Timestamp (DuckDB's JDBC values) is Julian before 1582
        long tsHi = micros("2200-12-31T23:59:59Z");
        for (int k = 0; k < 300; k++) {
            LocalDate d = r.nextInt(8) == 0 ? null : r.nextInt(4) == 0 ? dates[r.nextInt(dates.length)] : LocalDate.ofEpochDay(r.nextLong(lo, hi));
            Long ts = r.nextInt(8) == 0 ? null : r.nextInt(4) == 0 ? micros[r.nextInt(micros.length)] : r.nextLong(tsLo, tsHi);
            Long ntz = r.nextInt(8) == 0 ? null : r.nextInt(4) == 0 ? micros[r.nextInt(micros.length)] : r.nextLong(tsLo, tsHi);
            LocalTime tm = r.nextInt(8) == 0 ? null : LocalTime.ofNanoOfDay(r.nextLong(86_400_000_000L) * 1000);
            Integer n = r.nextInt(8) == 0 ? null : r.nextInt(4001) - 2000;
            String s = d == null || d.getYear() < 1000 ? null : d.format(DMY);
            String st = ts == null ? null : instant(ts).atOffset(ZoneOffset.UTC).format(YMD_HMS);
            Long u = r.nextInt(8) == 0 ? null : r.nextLong(-10_000_000_000L, 10_000_000_000L);
            Double f = u == null ? null : u + r.nextInt(1000) / 1000.0;
            LocalDateTime wall = ntz == null ? null : instant(ntz).atOffset(ZoneOffset.UTC).toLocalDateTime();
            ROWS.add(new Object[] {(long) k, d, ts == null ? null : instant(ts), wall, tm, n, s, st, u, f});
        }
        DuckOracle.execute("CREATE OR REPLACE TABLE " + TABLE + " (k BIGINT, d DATE, ts TIMESTAMP, ntz TIMESTAMP, tm TIME, n INTEGER,"
                + " s VARCHAR, st VARCHAR, u BIGINT, f DOUBLE)");
        StringJoiner values = new StringJoiner(", ", "INSERT INTO " + TABLE + " VALUES ", "");
        for (Object[] row : ROWS) {
            StringJoiner v = new StringJoiner(", ", "(", ")");
            for (Object o : row) {
                v.add(switch (o) {
                    case null -> "NULL";
                    case String s -> "'" + s + "'";
                    case LocalDate d -> "DATE '" + d + "'";
                    case Instant t -> "TIMESTAMP '" + Literals.formatTimestampNtz(Literals.toLong(t, DataType.TIMESTAMP)) + "'";
                    case LocalDateTime t -> "TIMESTAMP '" + Literals.formatTimestampNtz(Literals.toLong(t, DataType.TIMESTAMP_NTZ)) + "'";
                    case LocalTime t -> "TIME '" + t + "'";
                    case Double x -> "CAST('" + x + "' AS DOUBLE)";
                    default -> o.toString();
                });
            }
            values.add(v.toString());
        }
        DuckOracle.execute(values.toString());
    }

    static long micros(String instant) {
        return Literals.toLong(Instant.parse(instant), DataType.TIMESTAMP);
    }

    static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }

    // ---- helpers ----------------------------------------------------------------------------

    DataFrame df() {
        return sw.createDataFrame(SCHEMA, ROWS);
    }

    FunctionOracle oracle() {
        return new FunctionOracle(sw, TABLE, this::df);
    }

    void same(String sql, Expr ours) {
        oracle().same(sql, ours);
    }

    List<Object> eval(DataType type, Expr e, Object... values) {
        return oracle().eval(type, e, values);
    }

    DataType typeOf(Expr e) {
        return oracle().typeOf(e);
    }

    static SpillwayException error(Executable call, String... fragments) {
        return FunctionOracle.error(call, fragments);
    }

    // ---- fields -------------------------------------------------------------------------------

    @Test
    void fieldsMatchDuckDb() {
        for (String c : List.of("d", "ts", "ntz")) {
            same("year(" + c + ")", year(c));
            same("month(" + c + ")", month(c));
            same("dayofmonth(" + c + ")", dayOfMonth(c));
            same("dayofweek(" + c + ") + 1", dayOfWeek(c)); // Spark: 1 = Sunday; DuckDB: 0 = Sunday
            same("dayofyear(" + c + ")", dayOfYear(c));
            assertEquals(DataType.INT32, typeOf(year(c)));
        }
        for (String c : List.of("ts", "ntz", "tm")) {
            same("hour(" + c + ")", hour(c));
            same("minute(" + c + ")", minute(c));
            same("second(" + c + ")", second(c));
            assertEquals(DataType.INT32, typeOf(second(c)));
        }
        // by hand: 2024-01-07 is a Sunday, 2024-02-29 a Thursday; year 1 BC is 0 (ISO), as DuckDB
        assertEquals(Arrays.asList(1, 5, 7, null), eval(DataType.DATE, dayOfWeek("x"), LocalDate.of(2024, 1, 7),
                LocalDate.of(2024, 2, 29), LocalDate.of(2024, 3, 2), null));
        assertEquals(List.of(366, 60), eval(DataType.DATE, dayOfYear("x"), LocalDate.of(2024, 12, 31), LocalDate.of(2024, 2, 29)));
        assertEquals(List.of(0, -43), eval(DataType.DATE, year("x"), LocalDate.of(0, 6, 1), LocalDate.of(-43, 3, 15)));
        assertEquals(-43L, DuckOracle.scalar("SELECT year(DATE '0044-03-15 (BC)')"));
        Instant beforeEpoch = Instant.parse("1969-12-31T23:59:59.999999Z");
        assertEquals(List.of(23), eval(DataType.TIMESTAMP, hour("x"), beforeEpoch));
        assertEquals(List.of(59), eval(DataType.TIMESTAMP, minute("x"), beforeEpoch));
        assertEquals(List.of(59), eval(DataType.TIMESTAMP, second("x"), beforeEpoch));
        assertEquals(Arrays.asList((Object) null), eval(DataType.INT32, year(lit(null)), 1));
        assertEquals("dayofweek(d)", dayOfWeek("d").toString());
        // in a filter, over the chunks
        assertEquals(DuckOracle.scalarLong("SELECT count(*) FROM " + TABLE + " WHERE year(d) >= 2000 AND dayofweek(ts) IN (0, 6)"),
                df().filter(year("d").geq(2000).and(dayOfWeek("ts").isin(1, 7))).count());
    }

    @Test
    void dateTruncMatchesDuckDb() {
        for (String unit : List.of("year", "quarter", "month", "week", "day", "hour", "minute", "second", "millisecond", "microsecond")) {
            same("CAST(date_trunc('" + unit + "', d) AS DATE)", dateTrunc(unit, "d"));
            same("date_trunc('" + unit + "', ts)", dateTrunc(unit, "ts"));
            same("date_trunc('" + unit + "', ntz)", dateTrunc(unit, col("ntz")));
        }
        // the result keeps the input's type; Spark's aliases and any case
        assertEquals(DataType.DATE, typeOf(dateTrunc("month", "d")));
        assertEquals(DataType.TIMESTAMP, typeOf(dateTrunc("month", "ts")));
        assertEquals(DataType.TIMESTAMP_NTZ, typeOf(dateTrunc("month", "ntz")));
        same("date_trunc('year', ts)", dateTrunc("YYYY", "ts"));
        same("date_trunc('month', ts)", dateTrunc("mon", "ts"));
        same("date_trunc('day', ntz)", dateTrunc("DD", "ntz"));
        // weeks start on Monday, also before 1970: 1969-12-31 (a Wednesday) is in the week of Monday 1969-12-29
        assertEquals(List.of(LocalDate.of(1969, 12, 29), LocalDate.of(2024, 1, 1), LocalDate.of(2024, 1, 1)),
                eval(DataType.DATE, dateTrunc("week", "x"), LocalDate.of(1969, 12, 31), LocalDate.of(2024, 1, 7), LocalDate.of(2024, 1, 1)));
        assertEquals(List.of(Instant.parse("1969-12-31T23:00:00Z")),
                eval(DataType.TIMESTAMP, dateTrunc("hour", "x"), Instant.parse("1969-12-31T23:59:59.999999Z")));
        error(() -> dateTrunc("fortnight", "d"), "date_trunc", "unknown unit 'fortnight'", "year, quarter, month, week, day");
        error(() -> dateTrunc(null, "d"), "argument 1 of date_trunc must be a non-null constant");
        error(() -> df().select(dateTrunc("day", "s")), "date_trunc", "column 's' is string", "toDate");
        assertEquals("date_trunc('week', ts)", dateTrunc("week", "ts").toString());
    }

    // ---- arithmetic ---------------------------------------------------------------------------

    @Test
    void dateArithmeticMatchesDuckDb() {
        same("d + n", dateAdd("d", "n"));
        same("d - n", dateSub("d", "n"));
        same("CAST(ts AS DATE) + 30", dateAdd("ts", 30));
        same("CAST(ntz AS DATE) - n", dateSub(col("ntz"), col("n")));
        same("d + 1", dateAdd("d", 1L));
        same("date_diff('day', CAST(ts AS DATE), d)", dateDiff("d", "ts")); // Spark's datediff(end, start)
        same("date_diff('day', d, CAST(ntz AS DATE))", dateDiff("ntz", "d"));
        same("date_diff('day', CAST(ntz AS DATE), CAST(ts AS DATE))", dateDiff(col("ts"), col("ntz")));
        assertEquals(DataType.DATE, typeOf(dateAdd("ts", 1)));
        assertEquals(DataType.INT32, typeOf(dateDiff("d", "d")));
        // leap days: one day after 2024-02-28 is the 29th, a year of days from 2023-03-01 reaches 2024-02-29
        assertEquals(List.of(LocalDate.of(2024, 2, 29), LocalDate.of(1900, 3, 1)),
                eval(DataType.DATE, dateAdd("x", 1), LocalDate.of(2024, 2, 28), LocalDate.of(1900, 2, 28)));
        assertEquals(List.of(366, -1), eval(DataType.DATE, dateDiff(lit(LocalDate.of(2025, 3, 1)), col("x")),
                LocalDate.of(2024, 2, 29), LocalDate.of(2025, 3, 2)));
        assertEquals(Arrays.asList((Object) null), eval(DataType.DATE, dateAdd("x", lit(null)), LocalDate.of(2024, 1, 1)));
        // out of range: an error naming the value (null in a CASE branch not taken)
        error(() -> eval(DataType.DATE, dateAdd("x", Integer.MAX_VALUE), LocalDate.of(2024, 1, 1)),
                "date_add(x, 2147483647)", "2024-01-01, 2147483647", "out of the date range");
        assertEquals(Arrays.asList(LocalDate.ofEpochDay(LocalDate.of(1900, 1, 1).toEpochDay() + 2_147_480_000L), null), eval(DataType.DATE,
                when(col("x").lt(LocalDate.of(2100, 1, 1)), dateAdd("x", 2_147_480_000)), LocalDate.of(1900, 1, 1), LocalDate.of(2200, 1, 1)));
        error(() -> eval(DataType.DATE, dateAdd("x", 2_147_480_000), LocalDate.of(2200, 1, 1)), "2200-01-01, 2147480000");
        error(() -> df().select(dateAdd("d", "f")), "date_add", "integer number of days", "column 'f' is float64");
        error(() -> df().select(dateDiff("d", "tm")), "datediff", "column 'tm' is time");
    }

    // ---- parsing and conversions ----------------------------------------------------------------

    @Test
    void parsingMatchesDuckDb() {
        same("CAST(strptime(s, '%d.%m.%Y') AS DATE)", toDate("s", "dd.MM.yyyy"));
        same("strptime(st, '%Y-%m-%d %H:%M:%S')", toTimestamp("st", "yyyy-MM-dd HH:mm:ss"));
        same("CAST(ts AS DATE)", toDate("ts"));
        same("CAST(ntz AS DATE)", toDate(col("ntz")));
        same("d", toDate("d"));
        same("CAST(d AS TIMESTAMP)", toTimestamp("d"));
        same("CAST(CAST(d AS VARCHAR) AS DATE)", toDate(col("d").cast(DataType.STRING)));
        assertEquals(DataType.DATE, typeOf(toDate("s", "dd.MM.yyyy")));
        assertEquals(DataType.TIMESTAMP, typeOf(toTimestamp("st", "yyyy-MM-dd HH:mm:ss")));
        // a zone or offset in the text; missing fields default to 1970-01-01 00:00 (Spark)
        assertEquals(List.of(Instant.parse("2024-03-31T01:30:00Z"), Instant.parse("2024-07-01T10:00:00Z")),
                eval(DataType.STRING, toTimestamp("x", "yyyy-MM-dd HH:mm VV"), "2024-03-31 03:30 Europe/Berlin", "2024-07-01 12:00 Europe/Berlin"));
        assertEquals(List.of(Instant.parse("2024-01-02T02:04:05Z")),
                eval(DataType.STRING, toTimestamp("x", "yyyy-MM-dd'T'HH:mm:ssXXX"), "2024-01-02T03:04:05+01:00"));
        assertEquals(List.of(LocalDate.of(2024, 3, 1), LocalDate.of(1970, 1, 1)),
                eval(DataType.STRING, toDate("x", "MMM yyyy"), "mar 2024", "Jan 1970"));
        assertEquals(List.of(Instant.parse("1970-01-01T13:45:00Z")), eval(DataType.STRING, toTimestamp("x", "HH:mm"), "13:45"));
        // proleptic years (u), days of the year (D) and two-digit years (yy: 2000 to 2099, as Spark)
        assertEquals(List.of(LocalDate.of(2024, 2, 29)), eval(DataType.STRING, toDate("x", "uuuu-MM-dd"), "2024-02-29"));
        assertEquals(List.of(LocalDate.of(2024, 2, 29)), eval(DataType.STRING, toDate("x", "yyyy-DDD"), "2024-060"));
        assertEquals(List.of(LocalDate.of(2024, 2, 29)), eval(DataType.STRING, toDate("x", "dd/MM/yy"), "29/02/24"));
        assertEquals(List.of(LocalDate.of(1969, 12, 31)), eval(DataType.STRING, toDate("x", "EEEE, d MMMM yyyy"), "Wednesday, 31 December 1969"));
        // unparsable values and impossible dates name the value and the pattern; not in a CASE branch not taken
        error(() -> eval(DataType.STRING, toDate("x", "dd.MM.yyyy"), "01.01.2024", "29.02.2023"),
                "to_date", "'29.02.2023'", "'dd.MM.yyyy'");
        error(() -> eval(DataType.STRING, toTimestamp("x", "yyyy-MM-dd HH:mm:ss"), "2024/01/01 00:00:00"),
                "to_timestamp", "'2024/01/01 00:00:00'", "'yyyy-MM-dd HH:mm:ss'");
        error(() -> eval(DataType.STRING, toDate("x", "yyyy-MM-dd"), "2024-01-01 junk"), "'2024-01-01 junk'", "unparsed text");
        assertEquals(Arrays.asList(LocalDate.of(2024, 1, 1), null), eval(DataType.STRING,
                when(col("x").rlike("^\\d"), toDate("x", "dd.MM.yyyy")), "01.01.2024", "none"));
        // a bad pattern fails when the expression is built, naming it
        error(() -> toDate("s", "yyyy-bb-dd"), "to_date", "invalid pattern 'yyyy-bb-dd'", "Unknown pattern letter: b");
        error(() -> toTimestamp("s", "yyyy-MM-dd 'T"), "to_timestamp", "invalid pattern 'yyyy-MM-dd 'T'");
        error(() -> toDate("s", null), "argument 2 of to_date must be a non-null constant");
        error(() -> df().select(toDate("u")), "Type error", "column 'u' is int64");
        error(() -> df().select(toDate("d", "yyyy")), "to_date", "column 'd' is date");
        // without a pattern it is cast: an error names the value
        error(() -> eval(DataType.STRING, toDate("x"), "2024-13-01"), "Cannot cast 2024-13-01", "to date");
        assertEquals("to_date(s, 'dd.MM.yyyy')", toDate("s", "dd.MM.yyyy").toString());
    }

    @Test
    void unixTimeMatchesDuckDb() {
        String seconds = "(epoch_us(%s) - ((epoch_us(%s) %% 1000000) + 1000000) %% 1000000) // 1000000"; // floor, exactly
        same(String.format(seconds, "ts", "ts"), unixTimestamp("ts"));
        same(String.format(seconds, "ntz", "ntz"), unixTimestamp("ntz"));
        same(String.format(seconds, "CAST(d AS TIMESTAMP)", "CAST(d AS TIMESTAMP)"), unixTimestamp("d"));
        same(String.format(seconds, "strptime(st, '%Y-%m-%d %H:%M:%S')", "strptime(st, '%Y-%m-%d %H:%M:%S')"),
                unixTimestamp("st", "yyyy-MM-dd HH:mm:ss"));
        same("to_timestamp(u)", fromUnixTime("u"));
        same("to_timestamp(f)", fromUnixTime("f"));
        same("to_timestamp(n)", fromUnixTime(col("n")));
        assertEquals(DataType.INT64, typeOf(unixTimestamp("ts")));
        assertEquals(DataType.TIMESTAMP, typeOf(fromUnixTime("u")));
        assertEquals(List.of(-1L, 0L, 1_709_164_800L), eval(DataType.TIMESTAMP, unixTimestamp("x"),
                Instant.parse("1969-12-31T23:59:59.5Z"), Instant.EPOCH, Instant.parse("2024-02-29T00:00:00Z")));
        assertEquals(List.of(1_709_164_800L), eval(DataType.STRING, unixTimestamp("x"), "2024-02-29"));
        assertEquals(List.of(Instant.parse("1969-12-31T23:59:58.500Z")), eval(DataType.FLOAT64, fromUnixTime("x"), -1.5));
        error(() -> eval(DataType.FLOAT64, fromUnixTime("x"), Double.NaN), "from_unixtime(x)", "NaN", "out of the timestamp range");
        error(() -> eval(DataType.INT64, fromUnixTime("x"), Long.MAX_VALUE / 10), "from_unixtime(x)", String.valueOf(Long.MAX_VALUE / 10));
        error(() -> df().select(fromUnixTime("d")), "from_unixtime", "needs a number", "column 'd' is date");
    }

    // ---- zones --------------------------------------------------------------------------------

    @Test
    void zonesMatchDuckDb() {
        for (String zone : List.of("Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "UTC")) {
            same("timezone('" + zone + "', timezone('UTC', ts))", fromUtcTimestamp("ts", zone));
            same("hour(timezone('" + zone + "', timezone('UTC', ts)))", hour(fromUtcTimestamp("ts", zone)));
            same("dayofmonth(timezone('" + zone + "', timezone('UTC', ts)))", dayOfMonth(fromUtcTimestamp("ts", zone)));
            // the way back agrees except for wall clocks a DST change repeats (DuckDB takes the later instant; see below)
            same("timezone('UTC', timezone('" + zone + "', ntz))", toUtcTimestamp("ntz", zone));
            same("ts", toUtcTimestamp(fromUtcTimestamp("ts", zone), zone));
        }
        same("ts + INTERVAL '5 hours 30 minutes'", fromUtcTimestamp("ts", "+05:30")); // an offset zone
        same("ntz - INTERVAL '3 hours'", toUtcTimestamp("ntz", "+03:00"));
        assertEquals(DataType.TIMESTAMP_NTZ, typeOf(fromUtcTimestamp("ts", "Europe/Berlin")));
        assertEquals(DataType.TIMESTAMP, typeOf(toUtcTimestamp("ntz", "Europe/Berlin")));
        same("timezone('Europe/Berlin', timezone('UTC', ntz))", fromUtcTimestamp("ntz", "Europe/Berlin")); // ntz read as UTC
        error(() -> fromUtcTimestamp("ts", "Europe/Atlantis"), "from_utc_timestamp", "unknown time zone 'Europe/Atlantis'");
        error(() -> toUtcTimestamp("ntz", "+25:00"), "to_utc_timestamp", "unknown time zone '+25:00'");
        error(() -> df().select(toUtcTimestamp("ts", "UTC")), "to_utc_timestamp", "column 'ts' is timestamp", "fromUtcTimestamp");
        error(() -> df().select(hour("d")), "hour", "column 'd' is date");
    }

    /** Around daylight-saving changes, every 10 minutes, java.time is the oracle both ways. */
    @Test
    void daylightSavingChangesFollowJavaTime() {
        for (String zone : List.of("Europe/Berlin", "America/New_York", "Australia/Lord_Howe")) {
            ZoneId z = ZoneId.of(zone);
            for (String change : List.of("2024-03-31T01:00:00Z", "2024-10-27T01:00:00Z", "2024-03-10T07:00:00Z", "2024-11-03T06:00:00Z",
                    "2024-04-06T15:00:00Z", "2024-10-05T15:30:00Z")) {
                List<Object> instants = new ArrayList<>();
                List<Object> walls = new ArrayList<>();
                for (int m = -180; m <= 180; m += 10) {
                    Instant t = Instant.parse(change).plusSeconds(m * 60L);
                    instants.add(t);
                    walls.add(LocalDateTime.ofInstant(t, ZoneOffset.UTC)); // also read as wall clocks of the zone
                }
                List<Object> local = eval(DataType.TIMESTAMP, fromUtcTimestamp("x", zone), instants.toArray());
                List<Object> hours = eval(DataType.TIMESTAMP, hour(fromUtcTimestamp("x", zone)), instants.toArray());
                List<Object> back = eval(DataType.TIMESTAMP_NTZ, toUtcTimestamp("x", zone), walls.toArray());
                for (int i = 0; i < instants.size(); i++) {
                    ZonedDateTime expected = ((Instant) instants.get(i)).atZone(z);
                    assertEquals(expected.toLocalDateTime(), local.get(i), zone + " at " + instants.get(i));
                    assertEquals(expected.getHour(), hours.get(i), zone + " at " + instants.get(i));
                    Instant expectedBack = ZonedDateTime.ofLocal((LocalDateTime) walls.get(i), z, null).toInstant();
                    assertEquals(expectedBack, back.get(i), zone + " wall clock " + walls.get(i));
                }
            }
        }
        Function<String, Object> berlin = wall -> eval(DataType.TIMESTAMP_NTZ, toUtcTimestamp("x", "Europe/Berlin"),
                LocalDateTime.parse(wall)).getFirst();
        // a skipped wall clock moves forward by the gap: 02:30 does not exist on 2024-03-31, 03:30 CEST does (as DuckDB)
        assertEquals(Instant.parse("2024-03-31T01:30:00Z"), berlin.apply("2024-03-31T02:30:00"));
        assertEquals(DuckOracle.scalar("SELECT timezone('UTC', timezone('Europe/Berlin', TIMESTAMP '2024-03-31 02:30:00'))"),
                berlin.apply("2024-03-31T02:30:00"));
        // a repeated wall clock is its earlier instant (CEST, java.time's and Spark's rule; DuckDB takes the later, CET)
        assertEquals(Instant.parse("2024-10-27T00:30:00Z"), berlin.apply("2024-10-27T02:30:00"));
        assertEquals(Instant.parse("2024-10-27T01:30:00Z"),
                DuckOracle.scalar("SELECT timezone('UTC', timezone('Europe/Berlin', TIMESTAMP '2024-10-27 02:30:00'))"));
    }

    // ---- the current date and time ----------------------------------------------------------------

    @Test
    void currentDateAndTimestampAreFixedWhenBuilt() throws InterruptedException {
        Instant before = Instant.now().minusNanos(1000);
        Expr now = currentTimestamp();
        Expr today = currentDate();
        Instant after = Instant.now();
        DataFrame frame = df().select(now.as("now"), today.as("today"));
        List<Object> first = frame.column("now");
        Instant value = (Instant) first.getFirst();
        assertTrue(!value.isBefore(before) && !value.isAfter(after), value + " between " + before + " and " + after);
        assertEquals(0, value.getNano() % 1000, "microseconds, as timestamps store");
        assertTrue(first.stream().allMatch(value::equals), "one value for every row");
        Thread.sleep(2);
        assertEquals(first, frame.column("now"), "the same value on every run of the frame");
        LocalDate date = (LocalDate) frame.column("today").getFirst();
        assertTrue(date.equals(LocalDate.ofInstant(before, ZoneOffset.UTC)) || date.equals(LocalDate.ofInstant(after, ZoneOffset.UTC)));
        assertEquals(DataType.TIMESTAMP, typeOf(now));
        assertEquals(DataType.DATE, typeOf(today));
        assertEquals("current_timestamp()", now.toString());
        assertEquals("current_date()", today.toString());
        error(() -> new Expr.FunctionCall(Expr.FunctionCall.Fn.CURRENT_DATE, List.of(lit("today"))), "current_date", "currentDate()");
    }
}
