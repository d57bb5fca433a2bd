package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.lit;
import static org.spillway.frame.Functions.when;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * Pins down expression semantics (types, nulls, errors) with small hand-computed cases, and checks
 * the SQL-shaped ones against DuckDB evaluating the same expression over {@code VALUES}. Frames
 * use three-row chunks, so every expression runs over several chunks, some without nulls.
 */
@SpillwayTest(memoryLimit = "64m", chunkRows = 3)
class ExprTest {
    /** Opened before and closed (with its leak check) after each test by the extension. */
    Spillway sw;

    // ---- helpers ----------------------------------------------------------------------------

    static Field f(String name, DataType type) {
        return new Field(name, type);
    }

    DataFrame frame(Schema schema, Object[]... rows) {
        return sw.createDataFrame(schema, Arrays.asList(rows));
    }

    static Object[] row(Object... values) {
        return values;
    }

    /** The values of {@code e} over {@code df}, nulls as null. */
    static List<Object> eval(DataFrame df, Expr e) {
        return df.select(e.as("r")).column("r");
    }

    static DataType typeOf(DataFrame df, Expr e) {
        return df.select(e.as("r")).type("r");
    }

    /** Each row of {@code df} as a list, in the oracle's normal form (integral to Long, floating to Double). */
    static List<List<Object>> rows(DataFrame df) {
        return DuckOracle.rows(df);
    }

    static List<List<Object>> duck(String sql) {
        return DuckOracle.query(sql);
    }

    /** SQL text of a Java value for a VALUES list. */
    static String sql(Object v) {
        return switch (v) {
            case null -> "NULL";
            case String s -> "'" + s.replace("'", "''") + "'";
            case Double d -> "CAST(" + d + " AS DOUBLE)";
            case Long l -> "CAST(" + l + " AS BIGINT)";
            case Integer i -> "CAST(" + i + " AS INTEGER)";
            default -> v.toString();
        };
    }

    /** {@code (VALUES (0, ...), (1, ...)) t(k, names...)}: row numbers in k, to ORDER BY. */
    static String values(List<String> names, Object[]... rows) {
        StringBuilder sb = new StringBuilder("(VALUES ");
        for (int i = 0; i < rows.length; i++) {
            sb.append(i == 0 ? "(" : ", (").append(i);
            for (Object v : rows[i]) {
                sb.append(", ").append(sql(v));
            }
            sb.append(')');
        }
        return sb.append(") t(k, ").append(String.join(", ", names)).append(')').toString();
    }

    /** Asserts that {@code call} (a DataFrame transformation, not an action) throws a SpillwayException mentioning every fragment. */
    static SpillwayException planError(Executable call, String... fragments) {
        SpillwayException e = assertThrows(SpillwayException.class, call);
        for (String s : fragments) {
            assertTrue(e.getMessage().contains(s), () -> "message should mention '" + s + "': " + e.getMessage());
        }
        return e;
    }

    static SpillwayException runError(Executable call, String... fragments) {
        return planError(call, fragments);
    }

    static final Schema INTS = Schema.of(f("a", DataType.INT32), f("b", DataType.INT32));

    static final Object[][] INT_ROWS = {
        row(7, 2), row(-7, 2), row(7, -2), row(-7, -2), row(7, 0), row(0, 5), row(null, 3), row(4, null),
        row(2147483647, 2147483647), row(-2147483648, -1), row(-2147483648, 2147483647), row(0, 0),
    };

    // ---- arithmetic -------------------------------------------------------------------------

    @Test
    void arithmeticResultTypes() {
        DataFrame df = frame(Schema.of(f("i", DataType.INT32), f("j", DataType.INT32), f("l", DataType.INT64),
                f("d", DataType.FLOAT64)), row(7, 2, 10L, 0.5));
        assertEquals(DataType.INT64, typeOf(df, col("i").plus(col("j"))));
        assertEquals(DataType.INT64, typeOf(df, col("i").minus(1)));
        assertEquals(DataType.INT64, typeOf(df, col("i").multiply(col("l"))));
        assertEquals(DataType.INT64, typeOf(df, col("i").mod(col("j"))));
        assertEquals(DataType.FLOAT64, typeOf(df, col("i").plus(col("d"))));
        assertEquals(DataType.FLOAT64, typeOf(df, col("l").multiply(1.5)));
        assertEquals(DataType.FLOAT64, typeOf(df, col("i").divide(col("j"))));
        assertEquals(DataType.FLOAT64, typeOf(df, col("l").divide(2L)));
        assertEquals(DataType.FLOAT64, typeOf(df, col("d").mod(2)));
        assertEquals(DataType.INT64, typeOf(df, lit(1).plus(lit(2))));
        assertEquals(DataType.INT64, typeOf(df, col("i").negate()));
        assertEquals(DataType.INT64, typeOf(df, col("l").negate()));
        assertEquals(DataType.FLOAT64, typeOf(df, col("d").negate()));

        assertEquals(List.of(9L), eval(df, col("i").plus(col("j"))));
        assertEquals(List.of(3.5), eval(df, col("i").divide(col("j"))));
        assertEquals(List.of(5.0), eval(df, col("l").divide(2)));
        assertEquals(List.of(7.5), eval(df, col("i").plus(col("d"))));
        assertEquals(List.of(70L), eval(df, col("i").multiply(col("l"))));
        assertEquals(List.of(3L), eval(df, lit(1).plus(lit(2))));
        assertEquals(List.of(-2.5), eval(df, col("d").minus(3)));
        // small Java types widen: short/byte are int32, float is float64
        assertEquals(DataType.INT32, typeOf(df, lit((short) 3)));
        assertEquals(DataType.INT32, typeOf(df, lit((byte) 3)));
        assertEquals(DataType.INT64, typeOf(df, lit(3L)));
        assertEquals(DataType.FLOAT64, typeOf(df, lit(0.5f)));
        assertEquals(List.of(7.5), eval(df, col("i").plus(0.5f)));
        // the default output name is the expression text
        assertEquals(List.of("(i + 1)"), df.select(col("i").plus(1)).columns());
    }

    @Test
    void integerArithmeticMatchesDuckDb() {
        DataFrame df = frame(INTS, INT_ROWS);
        List<List<Object>> ours = rows(df.select(col("a").plus(col("b")).as("p"), col("a").minus(col("b")).as("m"),
                col("a").multiply(col("b")).as("x"), col("a").mod(col("b")).as("r"), col("a").divide(col("b")).as("q")));
        // DuckDB divides by zero to +-Infinity/NaN for doubles, and since 2.0 fails on an integer
        // modulo by zero (1.x gave null); Spillway (like Spark) gives null for both
        List<List<Object>> expected = duck("SELECT a::BIGINT + b, a::BIGINT - b, a::BIGINT * b, CASE WHEN b = 0 THEN NULL ELSE a::BIGINT % b END,"
                + " CASE WHEN b = 0 THEN NULL ELSE a::DOUBLE / b END FROM " + values(List.of("a", "b"), INT_ROWS) + " ORDER BY k");
        assertEquals(expected, ours);
        // by hand: mod takes the dividend's sign; zero divisors give null; int32 + int32 cannot overflow
        assertEquals(Arrays.asList(1L, -1L, 1L, -1L, null, 0L, null, null, 0L, 0L, -1L, null), eval(df, col("a").mod(col("b"))));
        assertEquals(Arrays.asList(3.5, -3.5, -3.5, 3.5, null, 0.0, null, null, 1.0, 2147483648.0, -2147483648.0 / 2147483647, null),
                eval(df, col("a").divide(col("b"))));
        assertEquals(4294967294L, eval(df, col("a").plus(col("b"))).get(8));
        assertEquals(-4611686016279904256L, eval(df, col("a").multiply(col("b"))).get(10));
    }

    @Test
    void floatArithmeticDivisionAndModuloByZero() {
        DataFrame df = frame(Schema.of(f("x", DataType.FLOAT64), f("y", DataType.FLOAT64)),
                row(7.5, 2.0), row(-7.5, 2.0), row(7.5, -2.0), row(1.0, 0.0), row(1.0, -0.0), row(0.0, 0.0), row(null, 1.0), row(1.0, null));
        assertEquals(Arrays.asList(1.5, -1.5, 1.5, null, null, null, null, null), eval(df, col("x").mod(col("y"))));
        assertEquals(Arrays.asList(3.75, -3.75, -3.75, null, null, null, null, null), eval(df, col("x").divide(col("y"))));
        assertEquals(Arrays.asList(9.5, -5.5, 5.5, 1.0, 1.0, 0.0, null, null), eval(df, col("x").plus(col("y"))));
        // integer literals divide by zero to null too
        assertEquals(Arrays.asList(null, null, null, null, null, null, null, null), eval(df, col("x").divide(0)));
        assertEquals(Arrays.asList(null, null, null, null, null, null, null, null), eval(df, col("x").mod(0L)));
    }

    @Test
    void int64OverflowIsAnError() {
        DataFrame df = frame(Schema.of(f("l", DataType.INT64), f("m", DataType.INT64)),
                row(1L, 1L), row(Long.MAX_VALUE, null), row(Long.MIN_VALUE, null), row(Long.MAX_VALUE, 1L));
        DataFrame last = df.filter(col("m").isNotNull());
        runError(() -> eval(last, col("l").plus(col("m"))), "overflow", "(l + m)");
        runError(() -> eval(last, col("l").multiply(2)), "overflow");
        runError(() -> eval(df, col("l").minus(col("l")).minus(Long.MAX_VALUE).minus(2)), "overflow");
        runError(() -> df.filter(col("l").plus(1).gt(0)).count(), "overflow");
        // nulls on the other side suppress the overflow
        assertEquals(Arrays.asList(2L, null, null), eval(df.limit(3), col("l").plus(col("m"))));
        // negation of the smallest int64 has no int64 result either
        runError(() -> eval(df, col("l").negate()), "overflow");
        // float64 has the range
        assertEquals(List.of(2.0, 2.0 * Long.MAX_VALUE), eval(last, col("l").cast(DataType.FLOAT64).multiply(2)));
    }

    @Test
    void nullPropagation() {
        DataFrame df = frame(Schema.of(f("a", DataType.INT32), f("d", DataType.FLOAT64)), row(1, 1.5), row(null, 2.5), row(3, null));
        assertEquals(Arrays.asList(2.5, null, null), eval(df, col("a").plus(col("d"))));
        assertEquals(Arrays.asList(null, null, null), eval(df, col("a").plus(lit(null))));
        assertEquals(DataType.INT64, typeOf(df, col("a").plus(lit(null))));
        assertEquals(DataType.FLOAT64, typeOf(df, lit(null).minus(col("d"))));
        assertEquals(Arrays.asList(null, null, null), eval(df, lit(null).minus(col("d"))));
        assertEquals(Arrays.asList(null, null, null), eval(df, lit(null).plus(lit(1))));
        assertEquals(DataType.FLOAT64, typeOf(df, lit(null).divide(lit(null))));
        assertEquals(Arrays.asList(-1L, null, -3L), eval(df, col("a").negate()));
        assertEquals(Arrays.asList(-1.5, -2.5, null), eval(df, col("d").negate()));
    }

    // ---- comparisons ------------------------------------------------------------------------

    @Test
    void numericComparisonsMatchDuckDb() {
        Object[][] data = {
            row(1, 1L, 1.0), row(2, 3L, 2.5), row(-5, -5L, -5.5), row(null, 4L, 4.0), row(7, null, 7.0), row(8, 8L, null),
            row(2147483647, 2147483648L, 2147483647.0), row(0, 0L, -0.0),
        };
        DataFrame df = frame(Schema.of(f("i", DataType.INT32), f("l", DataType.INT64), f("d", DataType.FLOAT64)), data);
        List<List<Object>> ours = rows(df.select(col("i").lt(col("l")).as("c1"), col("i").eq(col("d")).as("c2"),
                col("l").geq(col("d")).as("c3"), col("i").gt(1.5).as("c4"), col("d").neq(2).as("c5"), col("l").leq(3).as("c6"),
                lit(2).lt(col("i")).as("c7"), col("d").eq(0).as("c8")));
        List<List<Object>> expected = duck("SELECT i < l, i = d, l >= d, i > 1.5, d <> 2, l <= 3, 2 < i, d = 0 FROM "
                + values(List.of("i", "l", "d"), data) + " ORDER BY k");
        assertEquals(expected, ours);
        assertEquals(Arrays.asList(true, false, true, null, null, true, false, true), eval(df, col("i").eq(col("l"))));
    }

    @Test
    void nanComparesFalseWithEverything() {
        // Java semantics, unlike DuckDB/Postgres (NaN = NaN and NaN greater than every number)
        DataFrame df = frame(Schema.of(f("d", DataType.FLOAT64)), row(Double.NaN), row(1.0));
        assertEquals(List.of(false, false), eval(df, col("d").eq(Double.NaN)));
        assertEquals(List.of(false, false), eval(df, col("d").gt(Double.POSITIVE_INFINITY)));
        assertEquals(List.of(false, true), eval(df, col("d").leq(1)));
        assertEquals(List.of(true, true), eval(df, col("d").neq(Double.NaN)));
    }

    @Test
    void stringComparisonsMatchDuckDb() {
        Object[][] data = {row("abc", "abd"), row("B", "a"), row("", "a"), row(null, "x"), row("x", null), row("é", "e"), row("same", "same")};
        DataFrame df = frame(Schema.of(f("s", DataType.STRING), f("t", DataType.STRING)), data);
        List<List<Object>> ours = rows(df.select(col("s").lt(col("t")).as("c1"), col("s").eq(col("t")).as("c2"),
                col("s").neq("x").as("c3"), col("s").geq("b").as("c4"), lit("abc").eq(col("s")).as("c5")));
        List<List<Object>> expected = duck("SELECT s < t, s = t, s <> 'x', s >= 'b', 'abc' = s FROM "
                + values(List.of("s", "t"), data) + " ORDER BY k");
        assertEquals(expected, ours);
        // case-sensitive, by code unit: upper case sorts before lower case
        assertEquals(Arrays.asList(false, true, true, null, null, false, false), eval(df, col("s").lt(col("t")).and(col("s").neq("abc"))));
    }

    @Test
    void boolComparisons() {
        DataFrame df = frame(Schema.of(f("p", DataType.BOOL)), row(true), row(false), row((Object) null));
        assertEquals(Arrays.asList(true, false, null), eval(df, col("p").eq(true)));
        assertEquals(Arrays.asList(true, false, null), eval(df, col("p").gt(false)));
        assertEquals(Arrays.asList(false, true, null), eval(df, col("p").neq(lit(true))));
    }

    @Test
    void dateAndTimestampComparisons() {
        Schema s = Schema.of(f("d", DataType.DATE), f("ts", DataType.TIMESTAMP));
        DataFrame df = frame(s,
                row(LocalDate.parse("2024-01-30"), Instant.parse("2024-01-30T23:59:59.999999Z")),
                row(LocalDate.parse("2024-01-31"), Instant.parse("2024-01-31T00:00:00Z")),
                row(LocalDate.parse("2024-02-01"), Instant.parse("2024-01-31T10:15:30Z")),
                row(null, null),
                row(LocalDate.parse("1969-12-31"), Instant.parse("1969-12-31T23:00:00Z")));
        assertEquals(Arrays.asList(false, true, false, null, false), eval(df, col("d").eq(LocalDate.parse("2024-01-31"))));
        assertEquals(Arrays.asList(false, true, false, null, false), eval(df, col("d").eq("2024-01-31")));
        assertEquals(Arrays.asList(false, false, true, null, false), eval(df, col("d").gt("2024-01-31")));
        assertEquals(Arrays.asList(true, true, false, null, true), eval(df, lit("2024-02-01").gt(col("d")))); // literal on the left
        assertEquals(Arrays.asList(false, true, true, null, false), eval(df, col("ts").geq(Instant.parse("2024-01-31T00:00:00Z"))));
        assertEquals(Arrays.asList(true, true, false, null, true), eval(df, col("ts").lt("2024-01-31T10:15:30Z")));
        // no zone means UTC; a space may separate date and time; an offset is honoured
        assertEquals(Arrays.asList(false, false, true, null, false), eval(df, col("ts").eq("2024-01-31 10:15:30")));
        assertEquals(Arrays.asList(false, false, true, null, false), eval(df, col("ts").eq("2024-01-31T12:15:30+02:00")));
        assertEquals(Arrays.asList(false, false, true, null, false), eval(df, col("ts").eq(LocalDateTime.parse("2024-01-31T10:15:30"))));
        // a date-only string against a timestamp is midnight UTC, as in SQL
        assertEquals(Arrays.asList(false, true, true, null, false), eval(df, col("ts").geq("2024-01-31")));
        // two literals
        assertEquals(List.of(true, true, true, true, true), eval(df, lit("2024-01-31").eq(lit(LocalDate.parse("2024-01-31")))));
        assertEquals(List.of(true, true, true, true, true), eval(df, lit(Instant.parse("2024-01-31T10:00:00Z")).gt(lit("2024-01-31"))));
        assertEquals(duck("SELECT ts >= '2024-01-31', d > '2024-01-31' FROM (VALUES (0, TIMESTAMP '2024-01-30 23:59:59.999999',"
                + " DATE '2024-01-30'), (1, TIMESTAMP '2024-01-31 10:15:30', DATE '2024-02-01')) t(k, ts, d) ORDER BY k"),
                rows(df.limit(3).filter(col("d").neq("2024-01-31")).select(col("ts").geq("2024-01-31").as("x"), col("d").gt("2024-01-31").as("y"))));
        // filters (which may skip chunks by min/max statistics) agree with the expression values
        assertEquals(2, df.filter(col("d").leq("2024-01-31").and(col("d").geq(LocalDate.parse("2024-01-30")))).count());
        assertEquals(1, df.filter(col("ts").lt(Instant.EPOCH)).count());
        assertEquals(3, df.filter(col("d").gt(LocalDate.EPOCH)).count());

        // errors, at the DataFrame call
        planError(() -> df.filter(col("d").gt("2024-13-45")), "'2024-13-45'", "date");
        planError(() -> df.select(col("ts").lt("yesterday")), "'yesterday'", "timestamp");
        planError(() -> df.filter(col("d").eq(Instant.EPOCH)), "column 'd' is date", "timestamp");
        planError(() -> df.filter(col("d").lt(col("ts"))), "column 'd' is date", "column 'ts' is timestamp");
        DataFrame withText = df.withColumn("t", lit("2024-01-31"));
        planError(() -> withText.filter(col("d").eq(col("t"))), "column 'd' is date", "column 't' is string");
        planError(() -> df.filter(col("d").gt(1)), "column 'd' is date", "int32");
    }

    @Test
    void nullComparisonsAreNullAndFiltersDropThem() {
        DataFrame df = frame(Schema.of(f("a", DataType.INT32), f("s", DataType.STRING)), row(1, "x"), row(null, null), row(2, "y"), row(3, null));
        assertEquals(Arrays.asList(null, null, null, null), eval(df, col("a").eq(lit(null))));
        assertEquals(Arrays.asList(null, null, null, null), eval(df, col("s").neq(lit(null))));
        assertEquals(Arrays.asList(null, null, null, null), eval(df, lit(null).eq(col("a"))));
        assertEquals(Arrays.asList(null, null, null, null), eval(df, lit(null).eq(lit(1))));
        assertEquals(Arrays.asList(null, null, null, null), eval(df, lit(1.5).gt(lit(null))));
        assertEquals(Arrays.asList(null, null, null, null), eval(df, lit(null).eq(lit(null))));
        assertEquals(Arrays.asList(null, null, null, null), eval(df, lit(null).lt(lit("a"))));
        assertEquals(Arrays.asList(true, null, false, false), eval(df, col("a").eq(1)));
        assertEquals(0, df.filter(col("a").eq(lit(null))).count());
        assertEquals(2, df.filter(col("a").neq(1)).count()); // the null row is dropped
        assertEquals(1, df.filter(col("s").neq("x")).count());
        assertEquals(2, df.filter(col("a").neq(1).or(col("a").isNull()).and(col("s").isNull())).count());
        assertEquals(List.of(2, 3), df.filter(col("a").gt(1)).column("a"));
    }

    // ---- logic ------------------------------------------------------------------------------

    static final Object[][] TRUTH = {
        row(true, true), row(true, false), row(true, null), row(false, true), row(false, false), row(false, null),
        row(null, true), row(null, false), row(null, null),
    };

    @Test
    void threeValuedLogicMatchesSql() {
        DataFrame df = frame(Schema.of(f("p", DataType.BOOL), f("q", DataType.BOOL)), TRUTH);
        assertEquals(Arrays.asList(true, false, null, false, false, false, null, false, null), eval(df, col("p").and(col("q"))));
        assertEquals(Arrays.asList(true, true, true, true, false, null, true, null, null), eval(df, col("p").or(col("q"))));
        assertEquals(Arrays.asList(false, false, false, true, true, true, null, null, null), eval(df, col("p").not()));
        List<List<Object>> expected = duck("SELECT p AND q, p OR q, NOT p, NOT (p AND q), p IS NULL, q IS NOT NULL FROM "
                + values(List.of("p", "q"), TRUTH) + " ORDER BY k");
        assertEquals(expected, rows(df.select(col("p").and(col("q")).as("a"), col("p").or(col("q")).as("o"), col("p").not().as("n"),
                col("p").and(col("q")).not().as("na"), col("p").isNull().as("pn"), col("q").isNotNull().as("qn"))));
        // literal operands, including null
        assertEquals(Arrays.asList(null, null, null, false, false, false, null, null, null), eval(df, col("p").and(lit(null))));
        assertEquals(Arrays.asList(true, true, true, null, null, null, null, null, null), eval(df, col("p").or(lit(null))));
        assertEquals(Arrays.asList(true, true, true, true, true, true, true, true, true), eval(df, col("p").or(true)));
        assertEquals(Arrays.asList(false, false, false, false, false, false, false, false, false), eval(df, col("q").and(false)));
        assertEquals(Arrays.asList(null, null, null, null, null, null, null, null, null), eval(df, lit(null).and(lit(true))));
        // a filter keeps only true
        assertEquals(1, df.filter(col("p").and(col("q"))).count());
        assertEquals(5, df.filter(col("p").or(col("q"))).count());
        assertEquals(3, df.filter(col("p").not()).count());
        assertEquals(5, df.filter(col("p").and(col("q")).not()).count());
    }

    @Test
    void isNullIsNotNullAndNegate() {
        DataFrame df = frame(Schema.of(f("a", DataType.INT32), f("s", DataType.STRING), f("d", DataType.FLOAT64)),
                row(1, "x", 0.0), row(null, null, null), row(-2147483648, "", -0.5));
        assertEquals(List.of(false, true, false), eval(df, col("a").isNull()));
        assertEquals(List.of(true, false, true), eval(df, col("s").isNotNull()));
        assertEquals(List.of(false, true, false), eval(df, col("a").plus(col("d")).isNull()));
        assertEquals(List.of(false, true, false), eval(df, col("s").eq("x").isNull())); // IS NULL is never null
        assertEquals(Arrays.asList(-1L, null, 2147483648L), eval(df, col("a").negate()));
        assertEquals(Arrays.asList(-0.0, null, 0.5), eval(df, col("d").negate()));
        assertEquals(Arrays.asList(1L, null, -2147483648L), eval(df, col("a").negate().negate()));
        planError(() -> df.select(col("s").negate()), "negation needs a number", "s is string");
        planError(() -> df.filter(col("a").not()), "NOT needs a bool", "a is int32");
    }

    // ---- casts ------------------------------------------------------------------------------

    @Test
    void numericCasts() {
        DataFrame df = frame(Schema.of(f("i", DataType.INT32), f("l", DataType.INT64), f("d", DataType.FLOAT64)),
                row(1, 3_000_000_000L, 2.7), row(-1, -5L, -2.7), row(null, null, null), row(0, 0L, 2147483647.9));
        assertEquals(Arrays.asList(1L, -1L, null, 0L), eval(df, col("i").cast(DataType.INT64)));
        assertEquals(Arrays.asList(1.0, -1.0, null, 0.0), eval(df, col("i").cast(DataType.FLOAT64)));
        // float to integer truncates toward zero (Spark, Java); DuckDB would round to 3 and -3
        assertEquals(Arrays.asList(2, -2, null, 2147483647), eval(df, col("d").cast(DataType.INT32)));
        assertEquals(Arrays.asList(2L, -2L, null, 2147483647L), eval(df, col("d").cast(DataType.INT64)));
        assertEquals(DataType.INT32, typeOf(df, col("d").cast(DataType.INT32)));
        assertEquals(List.of("l"), df.select(col("l").cast(DataType.FLOAT64)).columns()); // a cast keeps the column name
        assertEquals(Arrays.asList(-5, 0), eval(df.filter(col("l").lt(1)), col("l").cast(DataType.INT32)));
        runError(() -> eval(df, col("l").cast(DataType.INT32)), "3000000000", "(l)", "int32", "out of int32 range");
        DataFrame big = frame(Schema.of(f("d", DataType.FLOAT64)), row(1e19), row(Double.NaN));
        runError(() -> eval(big.limit(1), col("d").cast(DataType.INT64)), "1.0E19", "int64", "out of range");
        runError(() -> eval(big.filter(col("d").neq(1e19)), col("d").cast(DataType.INT64)), "NaN");
        // bools
        assertEquals(Arrays.asList(true, true, null, false), eval(df, col("i").cast(DataType.BOOL)));
        assertEquals(Arrays.asList(true, true, null, true), eval(df, col("d").cast(DataType.BOOL)));
        assertEquals(Arrays.asList(1, 1, null, 0), eval(df, col("i").cast(DataType.BOOL).cast(DataType.INT32)));
        assertEquals(Arrays.asList(1.0, 1.0, null, 0.0), eval(df, col("i").neq(0).cast(DataType.FLOAT64)));
    }

    @Test
    void castsToAndFromString() {
        DataFrame df = frame(Schema.of(f("i", DataType.INT32), f("d", DataType.FLOAT64), f("p", DataType.BOOL),
                f("day", DataType.DATE), f("ts", DataType.TIMESTAMP)),
                row(42, 2.5, true, LocalDate.parse("2024-01-31"), Instant.parse("2024-01-31T10:15:30Z")),
                row(-7, 1e20, false, LocalDate.parse("1969-12-31"), Instant.parse("1969-12-31T23:59:59.5Z")),
                row(null, null, null, null, null));
        assertEquals(Arrays.asList("42", "-7", null), eval(df, col("i").cast(DataType.STRING)));
        assertEquals(Arrays.asList("2.5", "1.0E20", null), eval(df, col("d").cast(DataType.STRING))); // Java's Double.toString
        assertEquals(Arrays.asList("true", "false", null), eval(df, col("p").cast(DataType.STRING)));
        assertEquals(Arrays.asList("2024-01-31", "1969-12-31", null), eval(df, col("day").cast(DataType.STRING)));
        assertEquals(Arrays.asList("2024-01-31T10:15:30Z", "1969-12-31T23:59:59.500Z", null), eval(df, col("ts").cast(DataType.STRING)));
        // date <-> timestamp: midnight UTC, and the UTC day (floor, also before 1970)
        assertEquals(Arrays.asList(Instant.parse("2024-01-31T00:00:00Z"), Instant.parse("1969-12-31T00:00:00Z"), null),
                eval(df, col("day").cast(DataType.TIMESTAMP)));
        assertEquals(Arrays.asList(LocalDate.parse("2024-01-31"), LocalDate.parse("1969-12-31"), null), eval(df, col("ts").cast(DataType.DATE)));
        // round trips through string
        assertEquals(Arrays.asList(42, -7, null), eval(df, col("i").cast(DataType.STRING).cast(DataType.INT32)));
        assertEquals(Arrays.asList(2.5, 1e20, null), eval(df, col("d").cast(DataType.STRING).cast(DataType.FLOAT64)));
        assertEquals(eval(df, col("ts")), eval(df, col("ts").cast(DataType.STRING).cast(DataType.TIMESTAMP)));
        assertEquals(eval(df, col("day")), eval(df, col("day").cast(DataType.STRING).cast(DataType.DATE)));

        DataFrame s = frame(Schema.of(f("s", DataType.STRING)), row(" 7 "), row("-12"), row((Object) null), row("+3"));
        assertEquals(Arrays.asList(7, -12, null, 3), eval(s, col("s").cast(DataType.INT32)));
        assertEquals(Arrays.asList(7L, -12L, null, 3L), eval(s, col("s").cast(DataType.INT64)));
        assertEquals(Arrays.asList(7.0, -12.0, null, 3.0), eval(s, col("s").cast(DataType.FLOAT64)));
        DataFrame bad = frame(Schema.of(f("s", DataType.STRING)), row("1"), row("abc"));
        runError(() -> eval(bad, col("s").cast(DataType.INT32)), "abc", "(s)", "int32", "keep the column as string");
        runError(() -> eval(frame(Schema.of(f("s", DataType.STRING)), row("12.0")), col("s").cast(DataType.INT64)), "12.0"); // DuckDB accepts it
        runError(() -> eval(frame(Schema.of(f("s", DataType.STRING)), row("3000000000")), col("s").cast(DataType.INT32)), "3000000000", "int32");
        runError(() -> eval(frame(Schema.of(f("s", DataType.STRING)), row("1,5")), col("s").cast(DataType.FLOAT64)), "1,5", "float64");
        DataFrame b = frame(Schema.of(f("s", DataType.STRING)), row("true"), row("FALSE"), row(" True "), row((Object) null));
        assertEquals(Arrays.asList(true, false, true, null), eval(b, col("s").cast(DataType.BOOL)));
        runError(() -> eval(frame(Schema.of(f("s", DataType.STRING)), row("yes")), col("s").cast(DataType.BOOL)), "yes", "bool");
        DataFrame t = frame(Schema.of(f("s", DataType.STRING)), row("2024-01-31T10:15:30Z"), row("2024-01-31 10:15:30"),
                row("2024-01-31T12:15:30+02:00"), row("2024-01-31"));
        assertEquals(List.of(Instant.parse("2024-01-31T10:15:30Z"), Instant.parse("2024-01-31T10:15:30Z"),
                Instant.parse("2024-01-31T10:15:30Z"), Instant.parse("2024-01-31T00:00:00Z")), eval(t, col("s").cast(DataType.TIMESTAMP)));
        assertEquals(List.of(LocalDate.parse("2024-01-31")), eval(t.limit(4).filter(col("s").eq("2024-01-31")), col("s").cast(DataType.DATE)));
        runError(() -> eval(t.limit(1), col("s").cast(DataType.DATE)), "2024-01-31T10:15:30Z", "date");
        runError(() -> eval(frame(Schema.of(f("s", DataType.STRING)), row("soon")), col("s").cast(DataType.TIMESTAMP)), "soon", "timestamp");
    }

    @Test
    void unsupportedCastsFailAtPlanTime() {
        DataFrame df = frame(Schema.of(f("day", DataType.DATE), f("p", DataType.BOOL), f("i", DataType.INT32), f("ts", DataType.TIMESTAMP)),
                row(LocalDate.EPOCH, true, 1, Instant.EPOCH));
        planError(() -> df.select(col("day").cast(DataType.INT32)), "day", "date", "int32");
        planError(() -> df.withColumn("x", col("p").cast(DataType.DATE)), "p", "bool", "date");
        planError(() -> df.filter(col("i").cast(DataType.TIMESTAMP).isNull()), "i", "int32", "timestamp");
        planError(() -> df.select(col("ts").cast(DataType.FLOAT64)), "ts", "timestamp", "float64");
        assertEquals(List.of(1), eval(df, col("i").cast(DataType.INT32))); // a no-op cast
    }

    // ---- strings ----------------------------------------------------------------------------

    @Test
    void stringFunctions() {
        Object[][] data = {row("héllo😀"), row(""), row((Object) null), row("  Mixed Case\t"), row("ÀbC"), row("日本語テキスト")};
        DataFrame df = frame(Schema.of(f("s", DataType.STRING)), data);
        assertEquals(Arrays.asList(6, 0, null, 13, 3, 7), eval(df, col("s").length())); // code points, not UTF-16 units
        assertEquals(DataType.INT32, typeOf(df, col("s").length()));
        assertEquals(Arrays.asList("HÉLLO😀", "", null, "  MIXED CASE\t", "ÀBC", "日本語テキスト"), eval(df, col("s").upper()));
        assertEquals(Arrays.asList("héllo😀", "", null, "  mixed case\t", "àbc", "日本語テキスト"), eval(df, col("s").lower()));
        assertEquals(Arrays.asList("héllo😀", "", null, "Mixed Case", "ÀbC", "日本語テキスト"), eval(df, col("s").trim()));
        assertEquals(Arrays.asList(true, false, null, false, false, false), eval(df, col("s").contains("l")));
        assertEquals(Arrays.asList(true, true, null, true, true, true), eval(df, col("s").contains("")));
        assertEquals(Arrays.asList(false, false, null, true, false, false), eval(df, col("s").startsWith("  M")));
        assertEquals(Arrays.asList(true, false, null, false, false, false), eval(df, col("s").endsWith("😀")));
        assertEquals(Arrays.asList(false, false, null, false, true, false), eval(df, col("s").startsWith("À")));
        assertEquals(Arrays.asList(false, false, null, false, false, false), eval(df, col("s").contains("MIXED"))); // case-sensitive
        assertEquals(duck("SELECT length(s), upper(s), lower(s), contains(s, 'l'), starts_with(s, '  M'), ends_with(s, '😀'),"
                        + " substring(s, 2, 3), substring(s, -3, 2) FROM " + values(List.of("s"), data) + " ORDER BY k"),
                rows(df.select(col("s").length().as("a"), col("s").upper().as("b"), col("s").lower().as("c"), col("s").contains("l").as("d"),
                        col("s").startsWith("  M").as("e"), col("s").endsWith("😀").as("f"), col("s").substring(2, 3).as("g"),
                        col("s").substring(-3, 2).as("h"))));
        // Java case mapping: one code point may become two (DuckDB keeps 'ẞ')
        DataFrame de = frame(Schema.of(f("s", DataType.STRING)), row("straße"), row("ǅ"));
        assertEquals(List.of("STRASSE", "Ǆ"), eval(de, col("s").upper()));
        assertEquals(List.of("straße", "ǆ"), eval(de, col("s").lower()));
        // trim removes Unicode white space (strip), not just spaces
        DataFrame ws = frame(Schema.of(f("s", DataType.STRING)), row("\u2003 x y\n"), row(" \t "));
        assertEquals(List.of("x y", ""), eval(ws, col("s").trim()));
        // errors
        assertThrows(SpillwayException.class, () -> col("s").contains(null));
        assertThrows(SpillwayException.class, () -> col("s").startsWith(null));
        assertThrows(SpillwayException.class, () -> col("s").endsWith(null));
        DataFrame n = frame(Schema.of(f("a", DataType.INT32)), row(1));
        planError(() -> n.select(col("a").length()), "length needs a string", "a is int32", "cast(DataType.STRING)");
        planError(() -> n.filter(col("a").contains("1")), "contains needs a string", "a is int32");
        assertEquals(List.of(1), eval(n, col("a").cast(DataType.STRING).length()));
    }

    @Test
    void substringIsOneBasedAsInSpark() {
        DataFrame df = frame(Schema.of(f("s", DataType.STRING)), row("hello"));
        Function<Expr, Object> one = e -> eval(df, e).getFirst();
        assertEquals("he", one.apply(col("s").substring(1, 2)));
        assertEquals("ell", one.apply(col("s").substring(2, 3)));
        assertEquals("lo", one.apply(col("s").substring(4, 10))); // past the end: what is there
        assertEquals("o", one.apply(col("s").substring(5, 1)));
        assertEquals("", one.apply(col("s").substring(6, 1)));
        assertEquals("", one.apply(col("s").substring(2, 0)));
        assertEquals("he", one.apply(col("s").substring(0, 2))); // Spark: 0 is 1 (SQL/DuckDB would give 'h')
        assertEquals("ll", one.apply(col("s").substring(-3, 2))); // negative counts from the end
        assertEquals("lo", one.apply(col("s").substring(-2, 5)));
        assertEquals("he", one.apply(col("s").substring(-5, 2)));
        // a window starting before the string keeps only its part inside it (Spark's substringSQL)
        assertEquals("h", one.apply(col("s").substring(-6, 2)));
        assertEquals("", one.apply(col("s").substring(-10, 3)));
        assertEquals("hello", one.apply(col("s").substring(-10, Integer.MAX_VALUE)));
        assertEquals("hello", one.apply(col("s").substring(1, Integer.MAX_VALUE)));
        assertEquals("", one.apply(col("s").substring(Integer.MAX_VALUE, Integer.MAX_VALUE)));
        assertEquals("", one.apply(col("s").substring(Integer.MIN_VALUE, 3)));
        // DuckDB agrees wherever the window starts inside the string
        for (int[] pl : new int[][] {{1, 2}, {2, 3}, {4, 10}, {5, 1}, {6, 1}, {2, 0}, {-3, 2}, {-2, 5}, {-5, 2}, {-10, 3}}) {
            assertEquals(duck("SELECT substring('hello', " + pl[0] + ", " + pl[1] + ")").getFirst().getFirst(),
                    one.apply(col("s").substring(pl[0], pl[1])), Arrays.toString(pl));
        }
        // code points, not UTF-16 units
        DataFrame u = frame(Schema.of(f("s", DataType.STRING)), row("a😀b𝄞c"), row((Object) null));
        assertEquals(Arrays.asList("😀b", null), eval(u, col("s").substring(2, 2)));
        assertEquals(Arrays.asList("𝄞c", null), eval(u, col("s").substring(-2, 2)));
        assertThrows(SpillwayException.class, () -> col("s").substring(1, -1));
    }

    // ---- when / otherwise -------------------------------------------------------------------

    @Test
    void caseWhen() {
        Object[][] data = {row(10, 1.5), row(3, null), row(-1, 2.5), row(null, 4.0), row(0, -0.5)};
        DataFrame df = frame(Schema.of(f("a", DataType.INT32), f("d", DataType.FLOAT64)), data);
        // the first true branch wins; a null condition is not true
        Expr sign = when(col("a").gt(0), "pos").when(col("a").gt(5), "big").when(col("a").lt(0), "neg").otherwise("other");
        assertEquals(List.of("pos", "pos", "neg", "other", "other"), eval(df, sign));
        // no otherwise: null
        assertEquals(Arrays.asList(null, null, "neg", null, null), eval(df, when(col("a").lt(0), "neg")));
        // Polars style
        assertEquals(Arrays.asList(1, 2, null, null, 2), eval(df, when(col("a").gt(5)).then(1).when(col("a").geq(0)).then(2)));
        assertEquals(Arrays.asList(1, 2, 3, 3, 2),
                eval(df, when(col("a").gt(5)).then(1).when(col("a").geq(0)).then(2).otherwise(3)));
        // branch types unify like arithmetic
        assertEquals(DataType.INT32, typeOf(df, when(col("a").gt(0), 1).otherwise(2)));
        assertEquals(DataType.INT64, typeOf(df, when(col("a").gt(0), 1).otherwise(2L)));
        assertEquals(DataType.FLOAT64, typeOf(df, when(col("a").gt(0), 1).otherwise(2.5)));
        assertEquals(Arrays.asList(1.0, 1.0, 2.5, 2.5, 2.5), eval(df, when(col("a").gt(0), 1).otherwise(2.5)));
        assertEquals(Arrays.asList(10.0, 3.0, 2.5, 4.0, -0.5), eval(df, when(col("a").gt(0), col("a")).otherwise(col("d"))));
        assertEquals(Arrays.asList(10L, 3L, -1L, 7L, 0L), eval(df, when(col("a").isNull(), 7L).otherwise(col("a"))));
        assertEquals(Arrays.asList(null, null, 2, 2, 2), eval(df, when(col("a").gt(0), lit(null)).otherwise(2)));
        assertEquals(DataType.INT32, typeOf(df, when(col("a").gt(0), lit(null)).otherwise(2)));
        assertEquals(DataType.STRING, typeOf(df, when(col("a").gt(0), lit(null))));
        assertEquals(Arrays.asList(true, true, false, null, false), eval(df, when(col("a").isNotNull(), col("a").gt(0).or(col("d").isNull()))
                .when(col("d").gt(5), false)));
        // a null-literal condition never matches (SQL's CASE WHEN NULL)
        assertEquals(List.of(2, 2, 2, 2, 2), eval(df, when(lit(null), 1).otherwise(2)));
        List<List<Object>> expected = duck("SELECT CASE WHEN a > 0 THEN 'pos' WHEN a > 5 THEN 'big' WHEN a < 0 THEN 'neg' ELSE 'other' END,"
                + " CASE WHEN a > 0 THEN a ELSE d END, CASE WHEN d > 2 THEN a END, CASE WHEN NULL THEN 1 ELSE 2 END FROM "
                + values(List.of("a", "d"), data) + " ORDER BY k");
        assertEquals(expected, rows(df.select(sign.as("a1"), when(col("a").gt(0), col("a")).otherwise(col("d")).as("a2"),
                when(col("d").gt(2), col("a")).as("a3"), when(lit(null), 1).otherwise(2).as("a4"))));
        // errors at the DataFrame call
        planError(() -> df.select(when(col("a").gt(0), "x").otherwise(1)), "branch value 1 is int32", "string");
        planError(() -> df.withColumn("x", when(col("a").gt(0), col("d")).when(col("a").lt(0), "neg")), "'neg' is string", "float64");
        planError(() -> df.select(when(col("a"), 1)), "condition a is int32, not bool");
    }

    @Test
    void caseWhenGuardsItsBranchValues() {
        DataFrame df = frame(Schema.of(f("s", DataType.STRING), f("x", DataType.INT64)), row("1", 5L), row("abc", Long.MIN_VALUE));
        // as DuckDB: a branch value is only computed for the rows its condition selects
        assertEquals(Arrays.asList(1, null), eval(df, when(col("s").neq("abc"), col("s").cast(DataType.INT32))));
        assertEquals(Arrays.asList(-5L, 0L), eval(df, when(col("x").gt(0), col("x").negate()).otherwise(0L)));
        assertEquals(Arrays.asList(10L, 7L), eval(df, when(col("s").eq("abc"), 7L).otherwise(col("x").multiply(2))));
        // a later condition is not evaluated for rows an earlier branch took
        assertEquals(Arrays.asList(2, 0), eval(df, when(col("s").eq("abc"), 0).when(col("s").cast(DataType.INT32).gt(0), 2)));
        // rows that do need the failing value still fail, naming it
        planError(() -> df.select(when(col("s").eq("abc"), col("s").cast(DataType.INT32)).as("bad")).rows(), "Cannot cast abc");
    }

    // ---- plan-time type errors --------------------------------------------------------------

    @Test
    void typeErrorsAtTheDataFrameCall() {
        DataFrame df = frame(Schema.of(f("a", DataType.INT32), f("s", DataType.STRING), f("p", DataType.BOOL)), row(1, "x", true));
        Expr bad = col("s").plus(1); // building an expression checks nothing
        planError(() -> df.select(bad), "(s + 1)", "needs numbers", "column 's' is string", "'1' is int32", ".cast(");
        planError(() -> df.withColumn("r", bad), "column 's' is string");
        planError(() -> df.filter(bad.gt(0)), "column 's' is string");
        planError(() -> df.select(col("a").and(true)), "AND needs bool operands", "column 'a' is int32", "'true' is bool");
        planError(() -> df.filter(col("p").or(col("a"))), "OR", "column 'a' is int32", "column 'p' is bool");
        planError(() -> df.filter(col("s").gt(1)), "cannot compare", "column 's' is string", "'1' is int32");
        planError(() -> df.filter(col("a").eq("1")), "cannot compare", "column 'a' is int32", "'1' is string");
        planError(() -> df.filter(col("p").eq(1)), "cannot compare", "column 'p' is bool");
        planError(() -> df.select(col("s").multiply(col("a"))), "column 's' is string", "column 'a' is int32");
        planError(() -> df.select(col("p").minus(lit(null))), "column 'p' is bool", "is null");
        planError(() -> df.filter(col("a").plus(1)), "filter() needs a bool condition", "int64");
        planError(() -> df.select(col("nope").plus(1)), "No column named 'nope'");
        assertThrows(ColumnNotFoundException.class, () -> df.filter(col("aa").gt(1)));
        assertEquals(DataType.decimal(2, 1), ((Expr.Literal) lit(new BigDecimal("1.5"))).literalType());
        planError(() -> lit(new StringBuilder("x")), "as a literal");
    }

    // ---- null literals ----------------------------------------------------------------------

    @Test
    void nullLiterals() {
        DataFrame df = frame(Schema.of(f("a", DataType.INT32), f("p", DataType.BOOL)), row(1, true), row(null, false));
        assertEquals(DataType.STRING, typeOf(df, lit(null))); // alone: string
        assertEquals(Arrays.asList(null, null), eval(df, lit(null)));
        assertEquals(List.of(true, true), eval(df, lit(null).isNull()));
        assertEquals(List.of(false, false), eval(df, lit(null).isNotNull()));
        assertEquals(Arrays.asList(null, null), eval(df, lit(null).cast(DataType.INT32)));
        assertEquals(DataType.INT32, typeOf(df, lit(null).cast(DataType.INT32)));
        assertEquals(Arrays.asList(null, null), eval(df, lit(null).length()));
        // NOT NULL and -NULL are null, as in SQL
        assertEquals(DataType.BOOL, typeOf(df, lit(null).not()));
        assertEquals(Arrays.asList(null, null), eval(df, lit(null).not()));
        assertEquals(DataType.INT64, typeOf(df, lit(null).negate()));
        assertEquals(Arrays.asList(null, null), eval(df, lit(null).negate()));
        assertEquals(Arrays.asList(true, null), eval(df, col("p").or(lit(null).not())));
        assertEquals(0, df.filter(lit(null).not()).count());
        assertEquals(0, df.filter(col("p").and(lit(null))).count());
        assertEquals(1, df.filter(col("p").or(lit(null))).count());
        // in a column's type
        assertEquals(DataType.INT64, typeOf(df, col("a").multiply(lit(null))));
        assertEquals(DataType.BOOL, typeOf(df, col("a").leq(lit(null))));
        assertEquals(Arrays.asList(null, null), eval(df, lit(null).plus(lit(null))));
        assertEquals(Arrays.asList(1, null), df.withColumn("n", lit(null)).column("a"));
        assertEquals(DataType.STRING, df.withColumn("n", lit(null)).type("n"));
    }
}
