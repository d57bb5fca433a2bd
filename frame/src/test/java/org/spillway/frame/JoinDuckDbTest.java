package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.on;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.spillway.frame.io.CsvOptions;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.frame.testkit.TestData;
import org.spillway.spill.DataType;

/**
 * Join behaviour against DuckDB beyond the plain query cases (every join type and key kind, in
 * memory and under a budget so small that both sides are partitioned through spill files, are in
 * {@link SpillMatrixTest}): a build side where one key holds most rows so partitions are joined in
 * pieces, output columns, errors, filters pushed into the inputs, no and all matches, a failing
 * join that must leak nothing, cross joins, and joins composed with other operators.
 */
@SpillwayTest
class JoinDuckDbTest {
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

    @ParameterizedTest(name = "{0} join with a skewed build side")
    @org.junit.jupiter.params.provider.EnumSource(value = JoinType.class, names = {"INNER", "LEFT", "FULL", "SEMI", "ANTI"})
    @SpillwayTest(memoryLimit = "1m")
    void skewedBuildSideIsJoinedInPieces(JoinType type, Spillway sw) {
        // the matrix's join on k_int, with the skewed file as the right side
        SpillMatrixTest.QueryCase c = SpillMatrixTest.joinCase(type, "k_int");
        DataFrame j = sw.readCsv(left, lopts()).join(sw.readCsv(skewed, ropts()), on("k_int"), type);
        String sql = c.sql().replace("{l}", scanLeft()).replace("{r}", TestData.joinSkewedRight(dir).scan());
        List<List<Object>> expected = DuckOracle.query(sql);
        DuckOracle.assertSameRows(expected, DuckOracle.rows(j.collect()), 0);
        assertEquals(expected.size(), j.count(), "count()");
        assertTrue(sw.counters().getOrDefault("join.partitioned", 0L) > 0, "expected a partitioned join: " + sw.counters());
        assertTrue(sw.spilledBytes() > 0, "expected spilling: " + sw.memoryReport());
        assertTrue(sw.counters().getOrDefault("join.pieces", 0L) > 1, "expected a join in pieces: " + sw.counters());
    }

    @Test
    void outputColumnsAndSuffixes(Spillway sw) {
        DataFrame l = sw.readCsv(left, lopts());
        DataFrame r = sw.readCsv(right, ropts());
        assertEquals(List.of("lid", "k_int", "k_str", "k_dbl", "k_date", "v", "name", "rid", "k_long", "k_str_right",
                "k_dbl_right", "k_date_right", "w", "name_right"), l.join(r, "k_int").columns());
        assertEquals(List.of("lid", "k_int", "k_str", "k_dbl", "k_date", "v", "name", "rid", "k_int_r", "k_long", "k_str_r",
                "k_dbl_r", "k_date_r", "w", "name_r"), l.join(r, on(col("k_int"), col("k_int")), JoinType.INNER, "_r").columns());
        assertEquals(l.columns(), l.join(r, on("k_int"), JoinType.SEMI).columns());
        assertEquals(DataType.INT64, l.join(r, on(col("k_int"), col("k_long")), JoinType.FULL).type("k_long"));
    }

    @Test
    void badJoinsFailClearly(SpillwaySessions sessions) {
        Spillway sw = sessions.open();
        DataFrame l = sw.readCsv(left, lopts());
        DataFrame r = sw.readCsv(right, ropts());
        SpillwayException e = assertThrows(SpillwayException.class, () -> l.join(r, on(col("k_str"), col("k_int")), JoinType.INNER));
        assertTrue(e.getMessage().contains("Cannot join string column 'k_str' with int32 column 'k_int'"), e.getMessage());
        assertThrows(ColumnNotFoundException.class, () -> l.join(r, "nope"));
        assertThrows(ColumnNotFoundException.class, () -> l.join(r, "lid"));
        e = assertThrows(SpillwayException.class, () -> l.join(r, on(col("k_int").plus(Functions.lit(1)), col("k_int"))));
        assertTrue(e.getMessage().contains("Join keys must be columns"), e.getMessage());
        assertThrows(SpillwayException.class, () -> on());
        Spillway other = sessions.open("16m", 2);
        assertThrows(SpillwayException.class, () -> l.join(other.readCsv(right, ropts()), "k_int"));
    }

    @ParameterizedTest(name = "filter over a {0} join")
    @org.junit.jupiter.params.provider.EnumSource(value = JoinType.class, names = {"INNER", "LEFT", "RIGHT", "FULL"})
    void filtersOverJoinsMoveIntoTheInputsTheyRead(JoinType type, Spillway sw) {
        DataFrame l = sw.readCsv(left, lopts());
        DataFrame r = sw.readCsv(right, ropts());
        DataFrame j = l.join(r, on("k_int"), type)
                .filter(col("v").gt(Functions.lit(0)).and(col("w").lt(Functions.lit(500))).and(col("v").gt(col("w"))));
        String optimized = j.explainString().split("== Optimized plan ==")[1];
        int join = optimized.indexOf("Join");
        boolean leftPushed = optimized.indexOf("Filter (v > 0)") > join;
        boolean rightPushed = optimized.indexOf("Filter (w < 500)") > join;
        assertEquals(type == JoinType.INNER || type == JoinType.LEFT, leftPushed, optimized);
        assertEquals(type == JoinType.INNER || type == JoinType.RIGHT, rightPushed, optimized);
        assertTrue(optimized.indexOf("(v > w)") < join, "a condition on both sides stays above the join: " + optimized);
        String key = type == JoinType.RIGHT ? "r.k_int" : type == JoinType.FULL ? "coalesce(l.k_int, r.k_int)" : "l.k_int";
        List<List<Object>> expected = DuckOracle.sorted(DuckOracle.query("SELECT l.lid, " + key + ", r.rid, l.v, r.w FROM "
                + scanLeft() + " l " + type + " JOIN " + scanRight() + " r ON l.k_int = r.k_int "
                + "WHERE l.v > 0 AND r.w < 500 AND l.v > r.w"));
        assertEquals(expected, DuckOracle.sorted(DuckOracle.normalise(j.select("lid", "k_int", "rid", "v", "w").rows())));
    }

    @ParameterizedTest(name = "{0} join where no key matches, and where every key matches")
    @org.junit.jupiter.params.provider.EnumSource(value = JoinType.class, names = {"INNER", "LEFT", "RIGHT", "FULL", "SEMI", "ANTI"})
    void noMatchesAndAllMatches(JoinType type, Spillway sw) {
        DataFrame l = sw.readCsv(left, lopts()).select("lid", "k_int", "v");
        DataFrame none = sw.readCsv(right, ropts()).select(col("rid"), col("k_int").plus(Functions.lit(1_000_000)).as("k_int"), col("w"));
        DataFrame all = sw.readCsv(left, lopts()).filter(col("k_int").isNotNull()).select("k_int").distinct();
        String src = scanLeft();
        String noneSql = "(SELECT rid, k_int + 1000000 AS k_int, w FROM " + scanRight() + ")";
        String allSql = "(SELECT DISTINCT k_int FROM " + src + " WHERE k_int IS NOT NULL)";
        String key = type == JoinType.RIGHT ? "r.k_int" : type == JoinType.FULL ? "coalesce(l.k_int, r.k_int)" : "l.k_int";
        for (boolean matchAll : new boolean[] {false, true}) {
            DataFrame r = matchAll ? all : none;
            String rs = matchAll ? allSql : noneSql;
            String cols = "l.lid, " + key + ", l.v" + (type == JoinType.SEMI || type == JoinType.ANTI ? "" : matchAll ? "" : ", r.rid, r.w");
            String sql = switch (type) {
                case SEMI -> "SELECT " + cols + " FROM " + src + " l WHERE EXISTS (SELECT 1 FROM " + rs + " r WHERE l.k_int = r.k_int)";
                case ANTI -> "SELECT " + cols + " FROM " + src + " l WHERE NOT EXISTS (SELECT 1 FROM " + rs + " r WHERE l.k_int = r.k_int)";
                default -> "SELECT " + cols + " FROM " + src + " l " + type + " JOIN " + rs + " r ON l.k_int = r.k_int";
            };
            List<List<Object>> expected = DuckOracle.sorted(DuckOracle.query(sql));
            DataFrame j = l.join(r, on("k_int"), type);
            assertEquals(expected, DuckOracle.sorted(DuckOracle.normalise(j.rows())), (matchAll ? "all" : "no") + " matches");
        }
    }

    @Test
    @SpillwayTest(memoryLimit = "1m")
    void aFailingJoinLeaksNothing(Spillway sw) {
        // the extension's close checks for leaks and for spill files left behind
        DataFrame l = sw.readCsv(left, lopts());
        DataFrame r = sw.readCsv(right, ropts());
        SpillwayException e = assertThrows(SpillwayException.class, () -> l.crossJoin(r).collect());
        assertTrue(e.getMessage().contains("crossJoin: the right side"), e.getMessage());
        assertEquals(0, sw.budget().used(), "nothing stays reserved: " + sw.memoryReport());
        // the session still works after the failure
        long expected = DuckOracle.scalarLong("SELECT count(*) FROM " + scanLeft() + " l WHERE EXISTS (SELECT 1 FROM "
                + scanRight() + " r WHERE l.k_int = r.k_int)");
        assertEquals(expected, l.join(r, on("k_int"), JoinType.SEMI).count());
    }

    @Test
    void crossJoinPairsEveryRow(Spillway sw) {
        DataFrame l = sw.readCsv(left, lopts()).limit(300).select("lid", "name");
        DataFrame r = sw.readCsv(right, ropts()).limit(70).select("rid", "name");
        DataFrame x = l.crossJoin(r);
        assertEquals(List.of("lid", "name", "rid", "name_right"), x.columns());
        List<List<Object>> expected = DuckOracle.sorted(DuckOracle.query(
                "SELECT l.lid, l.name, r.rid, r.name FROM (SELECT lid, name FROM " + scanLeft() + " LIMIT 300) l CROSS JOIN "
                        + "(SELECT rid, name FROM " + scanRight() + " LIMIT 70) r"));
        assertEquals(expected, DuckOracle.sorted(DuckOracle.normalise(x.rows())));
        assertEquals(21_000, x.count());
    }

    @Test
    @SpillwayTest(memoryLimit = "8m")
    void joinsCompose(Spillway sw) {
        // join, then filter, group by and count on the result; and a join of a collected frame
        DataFrame l = sw.readCsv(left, lopts());
        DataFrame r = sw.readCsv(right, ropts()).collect();
        DataFrame g = l.join(r, on("k_int"), JoinType.LEFT).filter(col("w").gt(Functions.lit(500)))
                .groupBy("name").agg(Functions.count().as("n"), Functions.sum("w").as("w"));
        List<List<Object>> expected = DuckOracle.sorted(DuckOracle.query(
                "SELECT l.name, count(*), sum(r.w) FROM " + scanLeft() + " l LEFT JOIN " + scanRight()
                        + " r ON l.k_int = r.k_int WHERE r.w > 500 GROUP BY l.name"));
        assertEquals(expected, DuckOracle.sorted(DuckOracle.normalise(g.rows())));
    }
}
