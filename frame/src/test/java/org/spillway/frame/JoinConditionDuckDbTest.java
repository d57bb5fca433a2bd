package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.lit;
import static org.spillway.frame.Functions.on;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.spillway.frame.io.CsvOptions;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.frame.testkit.TestData;

/**
 * Joins with an extra condition ({@code on("k").and(cond)}) and joins on a condition alone (nested
 * loops), against DuckDB's {@code JOIN ... ON}: every join type, in memory and under a budget so small
 * that both sides are partitioned through spill files (and a skewed build side joined in pieces), on
 * the join test data (random keys with nulls and duplicates on both sides, nulls in the compared
 * values); conditions moved into the inputs; equalities in a condition used as keys; errors.
 */
@SpillwayTest
class JoinConditionDuckDbTest {
    /** A budget under which every join here is partitioned (the join matrix's tiny setting). */
    static final SpillwaySessions.Settings TINY = new SpillwaySessions.Settings("1m", 2, 1_024);
    static final SpillwaySessions.Settings DEFAULT = new SpillwaySessions.Settings("64m", 2, 0);

    @TempDir
    static Path dir;
    static Path left;
    static Path right;
    static Path skewed;

    @BeforeAll
    static void writeData() {
        left = TestData.joinLeft(dir).path();
        right = TestData.joinRight(dir).path();
        skewed = TestData.joinSkewedRight(dir).path();
    }

    static CsvOptions lopts() {
        return TestData.joinLeft(dir).options();
    }

    static CsvOptions ropts() {
        return TestData.joinRight(dir).options();
    }

    static String scanLeft() {
        return TestData.joinLeft(dir).scan();
    }

    static String scanRight() {
        return TestData.joinRight(dir).scan();
    }

    /**
     * DuckDB's rows for {@code l TYPE JOIN r ON on}, selecting {@code cols} (left ones only for semi and
     * anti joins, which are written as {@code [NOT] EXISTS}).
     */
    static List<List<Object>> expected(JoinType type, String l, String r, String on, String cols) {
        String sql = switch (type) {
            case SEMI -> "SELECT " + cols + " FROM " + l + " l WHERE EXISTS (SELECT 1 FROM " + r + " r WHERE " + on + ")";
            case ANTI -> "SELECT " + cols + " FROM " + l + " l WHERE NOT EXISTS (SELECT 1 FROM " + r + " r WHERE " + on + ")";
            default -> "SELECT " + cols + " FROM " + l + " l " + type + " JOIN " + r + " r ON " + on;
        };
        return DuckOracle.sorted(DuckOracle.query(sql));
    }

    /** Equal sorted rows; on a difference, the counts and the first row that differs (not thousands of rows). */
    static void assertSame(List<List<Object>> want, List<List<Object>> got, String what) {
        for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
            assertEquals(want.get(i), got.get(i), what + ": row " + i + " of " + want.size() + " expected, " + got.size() + " got");
        }
        assertEquals(want.size(), got.size(), what + ": rows");
    }

    static boolean leftOnly(JoinType t) {
        return t == JoinType.SEMI || t == JoinType.ANTI;
    }

    /** One case: a join built from the two sides, its columns to compare, and DuckDB's ON and select list. */
    record Case(String name, Function<DataFrame[], DataFrame> join, List<String> columns, String on, String sqlColumns) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> keyedCases(JoinType t) {
        boolean lo = leftOnly(t);
        String key = t == JoinType.RIGHT ? "r.k_int" : t == JoinType.FULL ? "coalesce(l.k_int, r.k_int)" : "l.k_int";
        return List.of(
                // USING key, a condition across the sides comparing a double with an int (both with nulls)
                new Case("using k_int and v > w", s -> s[0].join(s[1], on("k_int").and(col("v").gt(col("w"))), t),
                        lo ? List.of("lid", "k_int", "v") : List.of("lid", "k_int", "rid", "v", "w"),
                        "l.k_int = r.k_int AND l.v > r.w", lo ? "l.lid, l.k_int, l.v" : "l.lid, " + key + ", r.rid, l.v, r.w"),
                // paired keys, the condition naming a clashing right column by its suffix, two conditions
                new Case("pair k_int and dates and doubles", s -> s[0].join(s[1], on(col("k_int"), col("k_int"))
                        .and(col("k_date").leq(col("k_date_right"))).and(col("k_dbl").lt(col("k_dbl_right").plus(lit(5_000)))), t),
                        lo ? List.of("lid") : List.of("lid", "rid", "k_date", "k_date_right"),
                        "l.k_int = r.k_int AND l.k_date <= r.k_date AND l.k_dbl < r.k_dbl + 5000",
                        lo ? "l.lid" : "l.lid, r.rid, l.k_date, r.k_date"),
                // a string key, a condition on one side only (moved into that input where the type allows)
                new Case("k_str and w < 500 and v > 0", s -> s[0].join(s[1], on("k_str").and(col("w").lt(lit(500)))
                        .and(col("v").gt(lit(0))), t),
                        lo ? List.of("lid") : List.of("lid", "rid"),
                        "l.k_str = r.k_str AND r.w < 500 AND l.v > 0", "l.lid" + (lo ? "" : ", r.rid")));
    }

    @ParameterizedTest(name = "{0} join with an extra condition, in memory")
    @EnumSource(value = JoinType.class, names = {"INNER", "LEFT", "RIGHT", "FULL", "SEMI", "ANTI"})
    void extraConditionInMemory(JoinType type, SpillwaySessions sessions) {
        checkKeyed(type, sessions.open(DEFAULT), false);
    }

    @ParameterizedTest(name = "{0} join with an extra condition, out of core")
    @EnumSource(value = JoinType.class, names = {"INNER", "LEFT", "RIGHT", "FULL", "SEMI", "ANTI"})
    void extraConditionOutOfCore(JoinType type, SpillwaySessions sessions) {
        checkKeyed(type, sessions.open(TINY), true);
    }

    private static void checkKeyed(JoinType type, Spillway sw, boolean outOfCore) {
        DataFrame[] sides = {sw.readCsv(left, lopts()), sw.readCsv(right, ropts())};
        for (Case c : keyedCases(type)) {
            DataFrame j = c.join().apply(sides);
            List<List<Object>> want = expected(type, scanLeft(), scanRight(), c.on(), c.sqlColumns());
            List<List<Object>> got = DuckOracle.sorted(DuckOracle.rows(j.select(c.columns().toArray(String[]::new))));
            assertSame(want, got, c.toString());
            assertEquals(want.size(), j.count(), c + ": count()");
        }
        if (outOfCore) {
            assertTrue(sw.counters().getOrDefault("join.partitioned", 0L) > 0 && sw.spilledBytes() > 0,
                    "expected partitioned joins: " + sw.counters() + "; " + sw.memoryReport());
        } else {
            assertEquals(0L, sw.counters().getOrDefault("join.partitioned", 0L), "expected in-memory joins: " + sw.counters());
        }
    }

    @ParameterizedTest(name = "{0} join with an extra condition and a skewed build side, in pieces")
    @EnumSource(value = JoinType.class, names = {"INNER", "LEFT", "FULL", "SEMI", "ANTI"})
    @SpillwayTest(memoryLimit = "1m")
    void extraConditionOnASkewedBuildSideJoinedInPieces(JoinType type, Spillway sw) {
        DataFrame j = sw.readCsv(left, lopts()).join(sw.readCsv(skewed, ropts()), on("k_int").and(col("v").gt(col("w"))), type);
        boolean lo = leftOnly(type);
        String key = type == JoinType.FULL ? "coalesce(l.k_int, r.k_int)" : "l.k_int";
        List<List<Object>> want = expected(type, scanLeft(), TestData.joinSkewedRight(dir).scan(), "l.k_int = r.k_int AND l.v > r.w",
                lo ? "l.lid, l.k_int" : "l.lid, " + key + ", r.rid, r.w");
        List<List<Object>> got = DuckOracle.sorted(DuckOracle.rows(lo ? j.select("lid", "k_int") : j.select("lid", "k_int", "rid", "w")));
        assertSame(want, got, type.toString());
        assertTrue(sw.counters().getOrDefault("join.pieces", 0L) > 1, "expected a join in pieces: " + sw.counters());
    }

    /** The right side of the nested-loop joins: 150 ranges {@code [lo, hi)} (some null), and a clashing column. */
    static DataFrame ranges(Spillway sw) {
        return sw.readCsv(right, ropts()).filter(col("rid").lt(lit(150)))
                .select(col("rid"), col("w").as("lo"), col("w").plus(lit(40)).as("hi"), col("name"));
    }

    static String rangesSql() {
        return "(SELECT rid, w AS lo, w + 40 AS hi, name FROM " + scanRight() + " WHERE rid < 150)";
    }

    @ParameterizedTest(name = "{0} nested-loop join on a range condition")
    @EnumSource(value = JoinType.class, names = {"INNER", "LEFT", "RIGHT", "FULL", "SEMI", "ANTI"})
    void nestedLoopJoin(JoinType type, SpillwaySessions sessions) {
        for (SpillwaySessions.Settings settings : List.of(DEFAULT, TINY)) {
            Spillway sw = sessions.open(settings);
            DataFrame l = sw.readCsv(left, lopts()).filter(col("lid").lt(lit(20_000)));
            DataFrame j = l.join(ranges(sw), col("v").geq(col("lo")).and(col("v").lt(col("hi"))), type);
            String plan = j.explainString();
            assertTrue(plan.contains("NestedLoopJoin " + type + " on ((v >= lo) AND (v < hi))"), plan);
            boolean lo = leftOnly(type);
            assertEquals(lo ? l.columns() : List.of("lid", "k_int", "k_str", "k_dbl", "k_date", "v", "name", "rid", "lo", "hi",
                    "name_right"), j.columns());
            List<List<Object>> want = expected(type, "(SELECT * FROM " + scanLeft() + " WHERE lid < 20000)", rangesSql(),
                    "l.v >= r.lo AND l.v < r.hi",
                    lo ? "l.lid, l.v, l.name" : "l.lid, l.v, r.rid, r.lo, r.name");
            List<List<Object>> got = DuckOracle.sorted(DuckOracle.rows(lo ? j.select("lid", "v", "name")
                    : j.select("lid", "v", "rid", "lo", "name_right")));
            assertSame(want, got, settings.toString());
            assertEquals(want.size(), j.count(), "count()");
            assertTrue(sw.counters().getOrDefault("join.nestedLoop", 0L) > 0, sw.counters().toString());
            if (settings == TINY && !lo) {
                assertTrue(sw.spilledBytes() > 0, "the output spills under a tiny budget: " + sw.memoryReport());
            }
        }
    }

    @Test
    void nestedLoopConditionNamesClashingColumnsBySuffix(Spillway sw) {
        DataFrame l = sw.readCsv(left, lopts()).filter(col("lid").lt(lit(3_000)));
        DataFrame r = sw.readCsv(right, ropts()).filter(col("rid").lt(lit(400)));
        DataFrame j = l.join(r, col("k_dbl").gt(col("k_dbl_r2").plus(lit(1_500))).and(col("k_date").eq(col("k_date_r2"))
                .or(col("w").isNull())), JoinType.LEFT, "_r2");
        List<List<Object>> want = expected(JoinType.LEFT, "(SELECT * FROM " + scanLeft() + " WHERE lid < 3000)",
                "(SELECT * FROM " + scanRight() + " WHERE rid < 400)",
                "l.k_dbl > r.k_dbl + 1500 AND (l.k_date = r.k_date OR r.w IS NULL)", "l.lid, r.rid, r.k_dbl");
        assertSame(want, DuckOracle.sorted(DuckOracle.rows(j.select("lid", "rid", "k_dbl_r2"))), "LEFT");
    }

    @ParameterizedTest(name = "{0} join on a condition holding an equality: a hash join, out of core")
    @EnumSource(value = JoinType.class, names = {"INNER", "LEFT", "RIGHT", "FULL", "SEMI", "ANTI"})
    void equalitiesInAConditionAreKeys(JoinType type, SpillwaySessions sessions) {
        Spillway sw = sessions.open(TINY);
        DataFrame j = sw.readCsv(left, lopts()).join(sw.readCsv(right, ropts()),
                col("v").gt(col("w")).and(col("k_int_right").eq(col("k_int"))), type);
        String plan = j.explainString();
        assertTrue(plan.contains("Join " + type + " on k_int = k_int AND (v > w)"), plan);
        assertFalse(plan.contains("NestedLoop"), plan);
        boolean lo = leftOnly(type);
        List<List<Object>> want = expected(type, scanLeft(), scanRight(), "l.k_int = r.k_int AND l.v > r.w",
                lo ? "l.lid" : "l.lid, r.rid, l.k_int, r.k_int");
        assertSame(want, DuckOracle.sorted(DuckOracle.rows(lo ? j.select("lid") : j.select("lid", "rid", "k_int", "k_int_right"))),
                type.toString());
        assertTrue(sw.counters().getOrDefault("join.partitioned", 0L) > 0, sw.counters().toString());
    }

    @Test
    void constantConditions(Spillway sw) {
        DataFrame l = sw.readCsv(left, lopts()).filter(col("lid").lt(lit(500)));
        DataFrame r = sw.readCsv(right, ropts()).filter(col("rid").lt(lit(20)));
        long keyed = DuckOracle.scalarLong("SELECT count(*) FROM (SELECT * FROM " + scanLeft() + " WHERE lid < 500) l JOIN (SELECT * FROM "
                + scanRight() + " WHERE rid < 20) r ON l.k_int = r.k_int");
        assertEquals(keyed, l.join(r, on("k_int").and(lit(true))).count());
        assertEquals(0, l.join(r, on("k_int").and(lit(false))).count());
        assertEquals(500, l.join(r, on("k_int").and(lit(false)), JoinType.LEFT).count());
        assertEquals(500, l.join(r, on("k_int").and(lit(false)), JoinType.ANTI).count());
        assertEquals(20, l.join(r, on("k_int").and(lit(false)), JoinType.RIGHT).count());
        assertEquals(520, l.join(r, lit(false), JoinType.FULL).count());
        assertEquals(10_000, l.join(r, lit(true)).count());
        assertEquals(500, l.join(r, lit(true), JoinType.SEMI).count());
        assertEquals(0, l.join(r, lit(true), JoinType.ANTI).count());
    }

    @Test
    void conditionsOnOneSideMoveIntoThatInputWhereTheJoinTypeAllows(Spillway sw) {
        DataFrame l = sw.readCsv(left, lopts());
        DataFrame r = sw.readCsv(right, ropts());
        JoinOn on = on("k_int").and(col("v").gt(lit(0))).and(col("w").lt(lit(500))).and(col("v").gt(col("w")));
        for (JoinType t : List.of(JoinType.INNER, JoinType.LEFT, JoinType.RIGHT, JoinType.FULL, JoinType.SEMI, JoinType.ANTI)) {
            String optimized = l.join(r, on, t).explainString().split("== Optimized plan ==")[1];
            int join = optimized.indexOf("Join " + t + " on k_int = k_int AND ");
            assertTrue(join >= 0, optimized);
            boolean leftMoved = optimized.indexOf("Filter (v > 0)") > join;
            boolean rightMoved = optimized.indexOf("Filter (w < 500)") > join;
            assertEquals(t == JoinType.INNER || t == JoinType.RIGHT || t == JoinType.SEMI, leftMoved, t + ": " + optimized);
            assertEquals(t == JoinType.INNER || t == JoinType.LEFT || t == JoinType.SEMI || t == JoinType.ANTI, rightMoved,
                    t + ": " + optimized);
            assertTrue(optimized.substring(join).lines().findFirst().orElseThrow().contains("(v > w)"), optimized);
        }
    }

    @Test
    void badConditionsFailClearly(SpillwaySessions sessions) {
        Spillway sw = sessions.open();
        DataFrame l = sw.readCsv(left, lopts());
        DataFrame r = sw.readCsv(right, ropts());
        ColumnNotFoundException e = assertThrows(ColumnNotFoundException.class,
                () -> l.join(r, on("k_int").and(col("nope").gt(col("w"))), JoinType.LEFT));
        assertEquals("nope", e.column());
        assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("join condition") && e.getMessage().contains("name_right"),
                e.getMessage());
        e = assertThrows(ColumnNotFoundException.class, () -> l.join(r, col("v").gt(col("w_right"))));
        assertTrue(e.getMessage().contains("'w_right'"), e.getMessage());
        SpillwayException x = assertThrows(SpillwayException.class, () -> l.join(r, on("k_int").and(col("v").plus(col("w")))));
        assertTrue(x.getMessage().contains("must be bool"), x.getMessage());
        x = assertThrows(SpillwayException.class, () -> l.join(r, col("v").gt(col("w")), JoinType.CROSS));
        assertTrue(x.getMessage().contains("cross join takes no condition"), x.getMessage());
    }

    @Test
    @SpillwayTest(memoryLimit = "1m")
    void aNestedLoopOverALargeRightSideFailsNamingItsSize(Spillway sw) {
        DataFrame l = sw.readCsv(left, lopts());
        DataFrame r = sw.readCsv(right, ropts());
        SpillwayException e = assertThrows(SpillwayException.class, () -> l.join(r, col("v").gt(col("w")), JoinType.LEFT).count());
        assertTrue(e.getMessage().contains("nested loop") && e.getMessage().contains("30000 rows"), e.getMessage());
        assertEquals(0, sw.budget().used(), "nothing stays reserved: " + sw.memoryReport());
        // an equality makes it a hash join, which partitions
        long want = DuckOracle.scalarLong("SELECT count(*) FROM " + scanLeft() + " l LEFT JOIN " + scanRight()
                + " r ON l.v > r.w AND l.k_int = r.k_int");
        assertEquals(want, l.join(r, col("v").gt(col("w")).and(col("k_int").eq(col("k_int_right"))), JoinType.LEFT).count());
    }
}
