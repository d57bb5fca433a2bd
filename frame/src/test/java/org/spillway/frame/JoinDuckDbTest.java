package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.on;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spillway.frame.io.CsvOptions;
import org.spillway.spill.DataType;

/**
 * Joins of every kind equal DuckDB's on random data: null keys, duplicates on both sides, a skewed
 * key, unicode strings, int32 joined with int64; at parallelism 1 and 2; in memory and under budgets
 * so small that both sides are partitioned through spill files, and where one key holds most of
 * the build side so partitions must be joined in pieces.
 */
class JoinDuckDbTest {
    @TempDir
    static Path dir;
    static Path left;
    static Path right;
    static Path skewed;
    static final String L_COLS = "{'lid': 'BIGINT', 'k_int': 'INTEGER', 'k_str': 'VARCHAR', 'k_dbl': 'DOUBLE', 'k_date': 'DATE', "
            + "'v': 'DOUBLE', 'name': 'VARCHAR'}";
    static final String R_COLS = "{'rid': 'BIGINT', 'k_int': 'INTEGER', 'k_long': 'BIGINT', 'k_str': 'VARCHAR', 'k_dbl': 'DOUBLE', "
            + "'k_date': 'DATE', 'w': 'INTEGER', 'name': 'VARCHAR'}";

    @BeforeAll
    static void writeData() throws Exception {
        left = dir.resolve("l.csv");
        right = dir.resolve("r.csv");
        skewed = dir.resolve("s.csv");
        SplittableRandom r = new SplittableRandom(7);
        String[] words = {"a", "bb", "Émile", "日本", "z z", "long-" + "x".repeat(30)};
        try (BufferedWriter w = Files.newBufferedWriter(left)) {
            w.write("lid,k_int,k_str,k_dbl,k_date,v,name\n");
            for (int i = 0; i < 40_000; i++) {
                // key 7 is skewed on the left: a quarter of the rows
                String k = i % 10_000 == 1 ? "123456" : r.nextInt(25) == 0 ? "" : r.nextInt(4) == 0 ? "7"
                        : Integer.toString(r.nextInt(-20_000, 20_000));
                String s = r.nextInt(30) == 0 ? "" : words[r.nextInt(words.length)] + r.nextInt(2_000);
                String d = r.nextInt(40) == 0 ? "" : Double.toString(r.nextInt(40_000) / 4.0 - 2_000);
                String date = "2024-0" + (1 + r.nextInt(9)) + "-" + (10 + r.nextInt(19));
                String v = r.nextInt(10) == 0 ? "" : Double.toString(Math.round(r.nextGaussian() * 1e6) / 1e3);
                w.write(i + "," + k + "," + s + "," + d + "," + date + "," + v + ",L" + i % 100 + "\n");
            }
        }
        try (BufferedWriter w = Files.newBufferedWriter(right)) {
            w.write("rid,k_int,k_long,k_str,k_dbl,k_date,w,name\n");
            for (int i = 0; i < 30_000; i++) {
                // duplicates on the right too (keys drawn from a range smaller than the row count)
                int ki = r.nextInt(-25_000, 25_000);
                String k = r.nextInt(25) == 0 ? "" : i < 3 ? "7" : Integer.toString(ki == 7 ? 8 : ki);
                String kl = r.nextInt(25) == 0 ? "" : Long.toString(r.nextInt(-20_000, 20_000));
                String s = r.nextInt(30) == 0 ? "" : words[r.nextInt(words.length)] + r.nextInt(2_500);
                String d = r.nextInt(40) == 0 ? "" : Double.toString(r.nextInt(50_000) / 4.0 - 2_000);
                String date = "2024-0" + (1 + r.nextInt(9)) + "-" + (10 + r.nextInt(19));
                String wv = r.nextInt(10) == 0 ? "" : Integer.toString(r.nextInt(1000));
                w.write(i + "," + k + "," + kl + "," + s + "," + d + "," + date + "," + wv + ",R" + i % 50 + "\n");
            }
        }
        // A right side where one key holds 90% of the rows: a build side hashing cannot split.
        try (BufferedWriter w = Files.newBufferedWriter(skewed)) {
            w.write("rid,k_int,k_long,k_str,k_dbl,k_date,w,name\n");
            for (int i = 0; i < 30_000; i++) {
                String k = i % 10 == 0 ? Integer.toString(r.nextInt(-20_000, 20_000)) : "123456";
                w.write(i + "," + k + ",1,s" + (i % 10 == 0 ? i : 5) + ",1.0,2024-01-10," + (i % 1000) + ",S\n");
            }
        }
    }

    static CsvOptions lopts() {
        return CsvOptions.defaults().columnType("lid", DataType.INT64).columnType("k_int", DataType.INT32)
                .columnType("k_dbl", DataType.FLOAT64).columnType("k_date", DataType.DATE).columnType("v", DataType.FLOAT64);
    }

    static CsvOptions ropts() {
        return CsvOptions.defaults().columnType("rid", DataType.INT64).columnType("k_int", DataType.INT32)
                .columnType("k_long", DataType.INT64).columnType("k_dbl", DataType.FLOAT64).columnType("k_date", DataType.DATE)
                .columnType("w", DataType.INT32);
    }

    static String scan(Path p, String cols) {
        return "read_csv('" + p + "', columns = " + cols + ", header = true)";
    }

    /** Keys as "leftKey=rightKey" pairs, comma-separated; a key without '=' is a USING key. */
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (JoinType t : List.of(JoinType.INNER, JoinType.LEFT, JoinType.RIGHT, JoinType.FULL, JoinType.SEMI, JoinType.ANTI)) {
            for (String keys : List.of("k_int", "k_str", "k_int,k_str", "k_int=k_long", "k_dbl", "k_date,k_int")) {
                out.add(Arguments.of(t, keys, 2, "64m"));
            }
            out.add(Arguments.of(t, "k_int", 1, "64m"));
            out.add(Arguments.of(t, "k_str", 1, "1m"));
            out.add(Arguments.of(t, "k_int=k_long", 2, "1m"));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} join on {1} at parallelism {2}, memory {3}")
    @MethodSource("cases")
    void sameAsDuckDb(JoinType type, String keys, int parallelism, String memory) throws Exception {
        assertJoin(type, keys, right, parallelism, memory);
    }

    @ParameterizedTest(name = "{0} join with a skewed build side")
    @org.junit.jupiter.params.provider.EnumSource(value = JoinType.class, names = {"INNER", "LEFT", "FULL", "SEMI", "ANTI"})
    void skewedBuildSideIsJoinedInPieces(JoinType type) throws Exception {
        Spillway sw = assertJoin(type, "k_int", skewed, 2, "1m");
        assertTrue(sw.counters().getOrDefault("join.pieces", 0L) > 1, "expected a join in pieces: " + sw.counters());
    }

    private Spillway assertJoin(JoinType type, String keys, Path rightFile, int parallelism, String memory) throws Exception {
        List<String> lk = new ArrayList<>();
        List<String> rk = new ArrayList<>();
        boolean using = !keys.contains("=");
        for (String k : keys.split(",")) {
            String[] p = k.split("=");
            lk.add(p[0]);
            rk.add(p.length == 2 ? p[1] : p[0]);
        }
        Path spill = dir.resolve("spill-" + type + parallelism + memory);
        Spillway sw = Spillway.builder().memoryLimit(memory).parallelism(parallelism).spillDir(spill).progress(false).build();
        try (sw) {
            DataFrame l = sw.readCsv(left, lopts());
            DataFrame r = sw.readCsv(rightFile, ropts());
            JoinOn on = using ? on(lk.toArray(String[]::new)) : null;
            if (!using) {
                for (int i = 0; i < lk.size(); i++) {
                    on = on == null ? on(col(lk.get(i)), col(rk.get(i))) : on.and(col(lk.get(i)), col(rk.get(i)));
                }
            }
            DataFrame j = l.join(r, on, type);
            String sql = expectedSql(j, type, lk, rk, using, rightFile);
            List<List<Object>> expected = GroupByDuckDbTest.sorted(PipelineDuckDbTest.duck(sql));
            List<List<Object>> actual = GroupByDuckDbTest.sorted(PipelineDuckDbTest.normalize(j.collect().rows()));
            assertEquals(expected.size(), actual.size(), "row count of " + sql);
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i), actual.get(i), "row " + i);
            }
            assertEquals(expected.size(), j.count(), "count()");
            if (memory.equals("1m")) {
                assertTrue(sw.counters().getOrDefault("join.partitioned", 0L) > 0, "expected a partitioned join: " + sw.counters());
                assertTrue(sw.spilledBytes() > 0, "expected spilling: " + sw.memoryReport());
            }
        }
        assertTrue(!OutOfCoreTest.hasFiles(spill), "spill files left behind");
        return sw;
    }

    /** The SQL giving Spillway's output columns in its order. */
    private static String expectedSql(DataFrame j, JoinType type, List<String> lk, List<String> rk, boolean using, Path rightFile) {
        List<String> cols = new ArrayList<>();
        List<String> leftCols = List.of("lid", "k_int", "k_str", "k_dbl", "k_date", "v", "name");
        List<String> rightCols = List.of("rid", "k_int", "k_long", "k_str", "k_dbl", "k_date", "w", "name");
        for (String c : leftCols) {
            int k = lk.indexOf(c);
            if (using && k >= 0 && type == JoinType.RIGHT) {
                cols.add("r." + c);
            } else if (using && k >= 0 && type == JoinType.FULL) {
                cols.add("coalesce(l." + c + ", r." + c + ")");
            } else {
                cols.add("l." + c);
            }
        }
        if (type != JoinType.SEMI && type != JoinType.ANTI) {
            for (String c : rightCols) {
                if (!(using && rk.contains(c))) {
                    cols.add("r." + c);
                }
            }
        }
        assertEquals(cols.size(), j.columns().size(), "columns " + j.columns());
        StringBuilder cond = new StringBuilder();
        for (int i = 0; i < lk.size(); i++) {
            cond.append(i == 0 ? "" : " AND ").append("l.").append(lk.get(i)).append(" = r.").append(rk.get(i));
        }
        String from = scan(left, L_COLS) + " l ";
        String rt = scan(rightFile, R_COLS) + " r";
        return switch (type) {
            case SEMI -> "SELECT " + String.join(", ", cols) + " FROM " + from + "WHERE EXISTS (SELECT 1 FROM " + rt + " WHERE " + cond + ")";
            case ANTI -> "SELECT " + String.join(", ", cols) + " FROM " + from + "WHERE NOT EXISTS (SELECT 1 FROM " + rt + " WHERE " + cond + ")";
            default -> "SELECT " + String.join(", ", cols) + " FROM " + from + type.name() + " JOIN " + rt + " ON " + cond;
        };
    }

    @Test
    void outputColumnsAndSuffixes() throws Exception {
        try (Spillway sw = Spillway.builder().memoryLimit("64m").progress(false).build()) {
            DataFrame l = sw.readCsv(left, lopts());
            DataFrame r = sw.readCsv(right, ropts());
            assertEquals(List.of("lid", "k_int", "k_str", "k_dbl", "k_date", "v", "name", "rid", "k_long", "k_str_right",
                    "k_dbl_right", "k_date_right", "w", "name_right"), l.join(r, "k_int").columns());
            assertEquals(List.of("lid", "k_int", "k_str", "k_dbl", "k_date", "v", "name", "rid", "k_int_r", "k_long", "k_str_r",
                    "k_dbl_r", "k_date_r", "w", "name_r"), l.join(r, on(col("k_int"), col("k_int")), JoinType.INNER, "_r").columns());
            assertEquals(l.columns(), l.join(r, on("k_int"), JoinType.SEMI).columns());
            assertEquals(DataType.INT64, l.join(r, on(col("k_int"), col("k_long")), JoinType.FULL).type("k_long"));
        }
    }

    @Test
    void badJoinsFailClearly() throws Exception {
        try (Spillway sw = Spillway.builder().memoryLimit("64m").progress(false).build()) {
            DataFrame l = sw.readCsv(left, lopts());
            DataFrame r = sw.readCsv(right, ropts());
            SpillwayException e = assertThrows(SpillwayException.class, () -> l.join(r, on(col("k_str"), col("k_int")), JoinType.INNER));
            assertTrue(e.getMessage().contains("Cannot join string column 'k_str' with int32 column 'k_int'"), e.getMessage());
            assertThrows(ColumnNotFoundException.class, () -> l.join(r, "nope"));
            assertThrows(ColumnNotFoundException.class, () -> l.join(r, "lid"));
            e = assertThrows(SpillwayException.class, () -> l.join(r, on(col("k_int").plus(Functions.lit(1)), col("k_int"))));
            assertTrue(e.getMessage().contains("Join keys must be columns"), e.getMessage());
            assertThrows(SpillwayException.class, () -> on());
            try (Spillway other = Spillway.builder().memoryLimit("16m").progress(false).build()) {
                assertThrows(SpillwayException.class, () -> l.join(other.readCsv(right, ropts()), "k_int"));
            }
        }
    }

    @ParameterizedTest(name = "filter over a {0} join")
    @org.junit.jupiter.params.provider.EnumSource(value = JoinType.class, names = {"INNER", "LEFT", "RIGHT", "FULL"})
    void filtersOverJoinsMoveIntoTheInputsTheyRead(JoinType type) throws Exception {
        try (Spillway sw = Spillway.builder().memoryLimit("64m").parallelism(2).progress(false).build()) {
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
            List<List<Object>> expected = GroupByDuckDbTest.sorted(PipelineDuckDbTest.duck("SELECT l.lid, " + key + ", r.rid, l.v, r.w FROM "
                    + scan(left, L_COLS) + " l " + type + " JOIN " + scan(right, R_COLS) + " r ON l.k_int = r.k_int "
                    + "WHERE l.v > 0 AND r.w < 500 AND l.v > r.w"));
            assertEquals(expected, GroupByDuckDbTest.sorted(PipelineDuckDbTest.normalize(j.select("lid", "k_int", "rid", "v", "w").rows())));
        }
    }

    @ParameterizedTest(name = "{0} join where no key matches, and where every key matches")
    @org.junit.jupiter.params.provider.EnumSource(value = JoinType.class, names = {"INNER", "LEFT", "RIGHT", "FULL", "SEMI", "ANTI"})
    void noMatchesAndAllMatches(JoinType type) throws Exception {
        try (Spillway sw = Spillway.builder().memoryLimit("64m").parallelism(2).progress(false).build()) {
            DataFrame l = sw.readCsv(left, lopts()).select("lid", "k_int", "v");
            DataFrame none = sw.readCsv(right, ropts()).select(col("rid"), col("k_int").plus(Functions.lit(1_000_000)).as("k_int"), col("w"));
            DataFrame all = sw.readCsv(left, lopts()).filter(col("k_int").isNotNull()).select("k_int").distinct();
            String src = scan(left, L_COLS);
            String noneSql = "(SELECT rid, k_int + 1000000 AS k_int, w FROM " + scan(right, R_COLS) + ")";
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
                List<List<Object>> expected = GroupByDuckDbTest.sorted(PipelineDuckDbTest.duck(sql));
                DataFrame j = l.join(r, on("k_int"), type);
                assertEquals(expected, GroupByDuckDbTest.sorted(PipelineDuckDbTest.normalize(j.rows())), (matchAll ? "all" : "no") + " matches");
            }
        }
    }

    @Test
    void aFailingJoinLeaksNothing() throws Exception {
        Path spill = dir.resolve("spill-failing");
        try (Spillway sw = Spillway.builder().memoryLimit("1m").parallelism(2).spillDir(spill).progress(false).build()) {
            DataFrame l = sw.readCsv(left, lopts());
            DataFrame r = sw.readCsv(right, ropts());
            SpillwayException e = assertThrows(SpillwayException.class, () -> l.crossJoin(r).collect());
            assertTrue(e.getMessage().contains("crossJoin: the right side"), e.getMessage());
            assertEquals(0, sw.budget().used(), "nothing stays reserved: " + sw.memoryReport());
            // the session still works after the failure
            long expected = (Long) PipelineDuckDbTest.duck("SELECT count(*) FROM " + scan(left, L_COLS) + " l WHERE EXISTS (SELECT 1 FROM "
                    + scan(right, R_COLS) + " r WHERE l.k_int = r.k_int)").getFirst().getFirst();
            assertEquals(expected, l.join(r, on("k_int"), JoinType.SEMI).count());
        }
        assertTrue(!OutOfCoreTest.hasFiles(spill), "spill files left behind");
    }

    @Test
    void crossJoinPairsEveryRow() throws Exception {
        try (Spillway sw = Spillway.builder().memoryLimit("64m").parallelism(2).progress(false).build()) {
            DataFrame l = sw.readCsv(left, lopts()).limit(300).select("lid", "name");
            DataFrame r = sw.readCsv(right, ropts()).limit(70).select("rid", "name");
            DataFrame x = l.crossJoin(r);
            assertEquals(List.of("lid", "name", "rid", "name_right"), x.columns());
            List<List<Object>> expected = GroupByDuckDbTest.sorted(PipelineDuckDbTest.duck(
                    "SELECT l.lid, l.name, r.rid, r.name FROM (SELECT lid, name FROM " + scan(left, L_COLS) + " LIMIT 300) l CROSS JOIN "
                            + "(SELECT rid, name FROM " + scan(right, R_COLS) + " LIMIT 70) r"));
            assertEquals(expected, GroupByDuckDbTest.sorted(PipelineDuckDbTest.normalize(x.rows())));
            assertEquals(21_000, x.count());
        }
    }

    @Test
    void joinsCompose() throws Exception {
        // join, then filter, group by and count on the result; and a join of a collected frame
        try (Spillway sw = Spillway.builder().memoryLimit("8m").parallelism(2).progress(false).build()) {
            DataFrame l = sw.readCsv(left, lopts());
            DataFrame r = sw.readCsv(right, ropts()).collect();
            DataFrame g = l.join(r, on("k_int"), JoinType.LEFT).filter(col("w").gt(Functions.lit(500)))
                    .groupBy("name").agg(Functions.count().as("n"), Functions.sum("w").as("w"));
            List<List<Object>> expected = GroupByDuckDbTest.sorted(PipelineDuckDbTest.duck(
                    "SELECT l.name, count(*), sum(r.w) FROM " + scan(left, L_COLS) + " l LEFT JOIN " + scan(right, R_COLS)
                            + " r ON l.k_int = r.k_int WHERE r.w > 500 GROUP BY l.name"));
            assertEquals(expected, GroupByDuckDbTest.sorted(PipelineDuckDbTest.normalize(g.rows())));
        }
    }
}
