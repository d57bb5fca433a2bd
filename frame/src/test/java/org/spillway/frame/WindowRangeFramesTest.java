package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.asc;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.desc;
import static org.spillway.frame.Functions.max;
import static org.spillway.frame.Functions.mean;
import static org.spillway.frame.Functions.min;
import static org.spillway.frame.Functions.sum;
import static org.spillway.frame.Functions.when;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.frame.testkit.TestData;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * Range frames ({@code rangeBetween}) against DuckDB's {@code RANGE BETWEEN} on 60,000 rows: numeric order keys (int32,
 * int64, float64 with nulls and ties), ascending and descending, nulls first and last; date and timestamp keys with
 * interval offsets and null keys; in memory and under a 2 MB budget (spilling proven), at parallelism 1 and 2.
 */
@SpillwayTest
class WindowRangeFramesTest {
    @TempDir
    static Path dir;
    static TestData.Table data;

    @BeforeAll
    static void writeData() {
        data = TestData.groupBy(dir);
    }

    /** A query in both forms: Spillway's API and DuckDB's SQL (over {@code t}). */
    record Q(String name, UnaryOperator<DataFrame> api, String sql) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The data with a date and a timestamp key that are null where k_dbl is (a null in about one row in 30). */
    static DataFrame withNullDates(DataFrame f) {
        return f.withColumn("d", when(col("k_dbl").isNotNull(), col("k_date")))
                .withColumn("ts", when(col("k_dbl").isNotNull(), col("k_date").cast(DataType.TIMESTAMP)));
    }

    static final String NULL_DATES = "(SELECT *, CASE WHEN k_dbl IS NOT NULL THEN k_date END AS d,"
            + " CASE WHEN k_dbl IS NOT NULL THEN k_date::TIMESTAMP END AS ts FROM t)";

    static final List<Q> QUERIES = List.of(
            new Q("int32 key with nulls, descending, preceding and following", f -> {
                WindowSpec w = Window.partitionBy("k_bool").orderBy(desc("k_int"));
                return f.select(col("rn"), sum("v_int").over(w.rangeBetween(-3, 2)).as("s"),
                        count().over(w.rangeBetween(-3, 2)).as("c"), min("v_dbl").over(w.rangeBetween(-3, 2)).as("mn"),
                        max("v_int").over(w.rangeBetween(Window.currentRow, 5)).as("mx"),
                        count("v_dbl").over(w.rangeBetween(Window.unboundedPreceding, 1)).as("before"),
                        sum("v_dbl").over(w.rangeBetween(2, Window.unboundedFollowing)).as("after"));
            }, "SELECT rn, sum(v_int) OVER (w RANGE BETWEEN 3 PRECEDING AND 2 FOLLOWING)::BIGINT,"
                    + " count(*) OVER (w RANGE BETWEEN 3 PRECEDING AND 2 FOLLOWING),"
                    + " min(v_dbl) OVER (w RANGE BETWEEN 3 PRECEDING AND 2 FOLLOWING),"
                    + " max(v_int) OVER (w RANGE BETWEEN CURRENT ROW AND 5 FOLLOWING),"
                    + " count(v_dbl) OVER (w RANGE BETWEEN UNBOUNDED PRECEDING AND 1 FOLLOWING),"
                    + " sum(v_dbl) OVER (w RANGE BETWEEN 2 FOLLOWING AND UNBOUNDED FOLLOWING)"
                    + " FROM t WINDOW w AS (PARTITION BY k_bool ORDER BY k_int DESC NULLS LAST)"),
            new Q("float64 key with nulls first and ties", f -> {
                WindowSpec w = Window.partitionBy("k_int").orderBy(asc("k_dbl").nullsFirst());
                return f.select(col("rn"), sum("v_dbl").over(w.rangeBetween(-1, 1)).as("s"),
                        mean("v_int").over(w.rangeBetween(-1, 0)).as("m"), count().over(w.rangeBetween(1, 2)).as("c"),
                        max("v_dbl").over(w.rangeBetween(Window.unboundedPreceding, 1)).as("mx"));
            }, "SELECT rn, sum(v_dbl) OVER (w RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING),"
                    + " avg(v_int) OVER (w RANGE BETWEEN 1 PRECEDING AND CURRENT ROW),"
                    + " count(*) OVER (w RANGE BETWEEN 1 FOLLOWING AND 2 FOLLOWING),"
                    + " max(v_dbl) OVER (w RANGE BETWEEN UNBOUNDED PRECEDING AND 1 FOLLOWING)"
                    + " FROM t WINDOW w AS (PARTITION BY k_int ORDER BY k_dbl NULLS FIRST)"),
            new Q("int64 key, one partition, preceding only; unbounded and current bounds on a string key", f -> {
                WindowSpec w = Window.orderBy(desc("rn"));
                WindowSpec s = Window.partitionBy("k_int").orderBy(asc("k_str"));
                return f.select(col("rn"), sum("v_int").over(w.rangeBetween(-100, -10)).as("s"),
                        count().over(s.rangeBetween(Window.currentRow, Window.unboundedFollowing)).as("c"),
                        sum("v_int").over(s.rangeBetween(Window.unboundedPreceding, Window.currentRow)).as("r"));
            }, "SELECT rn, sum(v_int) OVER (ORDER BY rn DESC RANGE BETWEEN 100 PRECEDING AND 10 PRECEDING)::BIGINT,"
                    + " count(*) OVER (PARTITION BY k_int ORDER BY k_str RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING),"
                    + " sum(v_int) OVER (PARTITION BY k_int ORDER BY k_str)::BIGINT FROM t"),
            new Q("date key with nulls: 7 days preceding to current row", f -> {
                WindowSpec w = Window.partitionBy("k_bool").orderBy("d");
                WindowSpec back = Window.partitionBy("k_int").orderBy(desc("d").nullsFirst());
                return withNullDates(f).select(col("rn"),
                        sum("v_dbl").over(w.rangeBetween(Duration.ofDays(-7), Duration.ZERO)).as("s7"),
                        count().over(w.rangeBetween(Duration.ofDays(-7), Duration.ZERO)).as("c7"),
                        max("v_int").over(back.rangeBetween(Duration.ofDays(-3), Duration.ofDays(3))).as("mx"),
                        count("v_int").over(back.rangeBetween(Duration.ofDays(1), Window.unboundedFollowingInterval)).as("later"));
            }, "SELECT rn, sum(v_dbl) OVER (PARTITION BY k_bool ORDER BY d RANGE BETWEEN INTERVAL 7 DAYS PRECEDING AND CURRENT ROW),"
                    + " count(*) OVER (PARTITION BY k_bool ORDER BY d RANGE BETWEEN INTERVAL 7 DAYS PRECEDING AND CURRENT ROW),"
                    + " max(v_int) OVER (b RANGE BETWEEN INTERVAL 3 DAYS PRECEDING AND INTERVAL 3 DAYS FOLLOWING),"
                    + " count(v_int) OVER (b RANGE BETWEEN INTERVAL 1 DAYS FOLLOWING AND UNBOUNDED FOLLOWING)"
                    + " FROM " + NULL_DATES + " WINDOW b AS (PARTITION BY k_int ORDER BY d DESC NULLS FIRST)"),
            new Q("timestamp key with nulls: 36 hours", f -> {
                WindowSpec w = Window.partitionBy("k_int").orderBy("ts");
                return withNullDates(f).select(col("rn"),
                        sum("v_int").over(w.rangeBetween(Duration.ofHours(-36), Duration.ofHours(-1))).as("s"),
                        min("v_dbl").over(w.rangeBetween(Window.unboundedPrecedingInterval, Duration.ofHours(36))).as("m"));
            }, "SELECT rn, sum(v_int) OVER (w RANGE BETWEEN INTERVAL 36 HOURS PRECEDING AND INTERVAL 1 HOURS PRECEDING)::BIGINT,"
                    + " min(v_dbl) OVER (w RANGE BETWEEN UNBOUNDED PRECEDING AND INTERVAL 36 HOURS FOLLOWING)"
                    + " FROM " + NULL_DATES + " WINDOW w AS (PARTITION BY k_int ORDER BY ts)"),
            new Q("the default frame of an ordered window equals RANGE UNBOUNDED PRECEDING TO CURRENT ROW", f -> {
                WindowSpec w = Window.partitionBy("k_bool").orderBy(desc("k_dbl"));
                WindowSpec r = w.rangeBetween(Window.unboundedPreceding, Window.currentRow);
                return f.select(col("rn"), sum("v_int").over(w).as("a"), sum("v_int").over(r).as("b"), max("v_dbl").over(r).as("c"));
            }, "SELECT rn, sum(v_int) OVER w::BIGINT, sum(v_int) OVER (w RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)::BIGINT,"
                    + " max(v_dbl) OVER w FROM t WINDOW w AS (PARTITION BY k_bool ORDER BY k_dbl DESC NULLS LAST)"));

    static Stream<Arguments> cases() {
        return Stream.of(1, 2).flatMap(p -> Stream.of("64m", "2m").flatMap(m -> QUERIES.stream().map(q -> Arguments.of(q, p, m))));
    }

    @ParameterizedTest(name = "{0}, parallelism {1}, memory {2}")
    @MethodSource("cases")
    void matchesDuckDb(Q q, int parallelism, String memory, SpillwaySessions sessions) {
        List<List<Object>> expected = duckDbOneThread(q.sql().replace(" FROM t", " FROM " + data.scan()));
        Spillway sw = sessions.open(memory, parallelism, 1024);
        List<List<Object>> actual = DuckOracle.rows(q.api().apply(data.read(sw)));
        DuckOracle.assertSameRows(expected, actual);
        if (memory.equals("2m")) {
            assertTrue(sw.budget().spilledBytes() > 0, "a 2 MB budget must spill: " + sw.memoryReport());
        }
    }

    /**
     * DuckDB's answer with one thread: DuckDB 1.4.2's window evaluation now and then gives wrong values for
     * {@code RANGE BETWEEN UNBOUNDED PRECEDING AND n PRECEDING} frames over large partitions (checked against a
     * self-join: Spillway's values were right). One thread made it rarer, not rare enough (a CI run failed on it), so
     * these queries end unbounded frames at {@code n FOLLOWING} instead; that frame kind needs a reference of its own.
     */
    static List<List<Object>> duckDbOneThread(String sql) {
        DuckOracle.execute("SET threads = 1");
        try {
            return DuckOracle.query(sql);
        } finally {
            DuckOracle.execute("RESET threads");
        }
    }

    @Test
    void nullAndNanKeysAreTheirOwnPeersAndDecimalOffsetsAreInUnits(SpillwaySessions sessions) {
        Spillway sw = sessions.open();
        DataFrame f = sw.createDataFrame(Schema.of(new Field("x", DataType.FLOAT64), new Field("v", DataType.INT64)),
                List.of(new Object[] {1.0, 1L}, new Object[] {2.0, 10L}, new Object[] {2.0, 100L}, new Object[] {4.0, 1000L},
                        new Object[] {null, 10_000L}, new Object[] {Double.NaN, 100_000L}, new Object[] {null, 1_000_000L}));
        WindowSpec w = Window.orderBy("x");
        DataFrame q = f.select(col("x"), col("v"), sum("v").over(w.rangeBetween(-1, 1)).as("s"),
                sum("v").over(w.rangeBetween(1, Window.unboundedFollowing)).as("after"));
        List<List<Object>> expected = DuckOracle.query("SELECT x, v, sum(v) OVER (w RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING),"
                + " sum(v) OVER (w RANGE BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) FROM (VALUES (1.0::DOUBLE, 1), (2.0, 10),"
                + " (2.0, 100), (4.0, 1000), (NULL, 10000), ('nan'::DOUBLE, 100000), (NULL, 1000000)) t(x, v)"
                + " WINDOW w AS (ORDER BY x)");
        DuckOracle.assertSameRows(expected, DuckOracle.rows(q));
        // by hand: the nulls' frame is the two nulls, NaN's is NaN alone; 4's following rows are NaN and the nulls
        assertTrue(DuckOracle.rows(q).contains(Arrays.asList(4.0, 1000L, 1000L, 1_110_000L)), DuckOracle.rows(q).toString());

        DataFrame dec = sw.createDataFrame(Schema.of(new Field("p", DataType.decimal(9, 2)), new Field("v", DataType.INT64)),
                List.of(new Object[] {new java.math.BigDecimal("1.50"), 1L}, new Object[] {new java.math.BigDecimal("2.49"), 10L},
                        new Object[] {new java.math.BigDecimal("2.51"), 100L}, new Object[] {null, 1000L}));
        assertEquals(List.of(Arrays.asList(1.5, 11L), Arrays.asList(2.49, 111L), Arrays.asList(2.51, 110L), Arrays.asList(null, 1000L)),
                DuckOracle.rows(dec.select(col("p"), sum("v").over(Window.orderBy("p").rangeBetween(-1, 1)).as("s"))));
    }

    @Test
    void explainAndErrors(SpillwaySessions sessions) {
        DataFrame f = withNullDates(data.read(sessions.open()));
        WindowSpec w = Window.partitionBy("k_int").orderBy("d");
        String plan = f.withColumn("s7", sum("v_dbl").over(w.rangeBetween(Duration.ofDays(-7), Duration.ZERO))).explainString();
        assertTrue(plan.contains("sum(v_dbl) RANGE BETWEEN INTERVAL 7 DAYS PRECEDING AND CURRENT ROW"), plan);
        SpillwayException two = assertThrows(SpillwayException.class, () -> f.withColumn("s",
                sum("v_dbl").over(Window.orderBy("k_int", "rn").rangeBetween(-1, 1))));
        assertTrue(two.getMessage().contains("needs exactly one order key"), two.getMessage());
        SpillwayException none = assertThrows(SpillwayException.class, () -> f.withColumn("s",
                sum("v_dbl").over(Window.partitionBy("k_int").rangeBetween(-1, 1))));
        assertTrue(none.getMessage().contains("ordered by nothing"), none.getMessage());
        SpillwayException dateWithNumbers = assertThrows(SpillwayException.class, () -> f.withColumn("s",
                sum("v_dbl").over(w.rangeBetween(-7, 0))));
        assertTrue(dateWithNumbers.getMessage().contains("give Durations"), dateWithNumbers.getMessage());
        SpillwayException numberWithDuration = assertThrows(SpillwayException.class, () -> f.withColumn("s",
                sum("v_dbl").over(Window.orderBy("rn").rangeBetween(Duration.ofDays(-1), Duration.ZERO))));
        assertTrue(numberWithDuration.getMessage().contains("rangeBetween(long, long)"), numberWithDuration.getMessage());
        SpillwayException string = assertThrows(SpillwayException.class, () -> f.withColumn("s",
                sum("v_dbl").over(Window.orderBy("k_str").rangeBetween(-1, 0))));
        assertTrue(string.getMessage().contains("need a numeric order key"), string.getMessage());
        SpillwayException backwards = assertThrows(SpillwayException.class, () -> w.rangeBetween(1, -1));
        assertTrue(backwards.getMessage().contains("rangeBetween(1 FOLLOWING, 1 PRECEDING)"), backwards.getMessage());
        // unbounded and current-row bounds take several order keys, as SQL
        assertEquals(60_000, f.withColumn("s", count().over(Window.orderBy("k_int", "rn")
                .rangeBetween(Window.unboundedPreceding, Window.currentRow))).rows().size());
    }
}
