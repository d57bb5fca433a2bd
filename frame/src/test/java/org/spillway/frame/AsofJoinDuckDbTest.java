package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.on;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
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
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * As-of joins: equal to DuckDB's {@code ASOF LEFT JOIN} (backward) on 20,000 labels and 60,000 features with null keys
 * and times, ties, one user holding most rows, string and integer keys, int64 and timestamp times, and no keys; in
 * memory and under a 2 MB budget (spilling proven), at parallelism 1 and 2 (identical rows in identical order). The
 * forward and nearest strategies, tolerances and {@code allowExactMatches(false)} against a brute-force reference, with
 * every time type; errors; {@code explain()}.
 *
 * <p>The features' payload is a function of (user, time), so that DuckDB's choice among tied right rows (which it does
 * not define) cannot change its answer; the tie rule itself (backward the last, forward the first in input order) is
 * checked against the reference, which sees the right rows' ids.
 */
@SpillwayTest
class AsofJoinDuckDbTest {
    @TempDir
    static Path dir;
    static String labels;
    static String features;
    static String ticks;
    static final Instant BASE = Instant.parse("2024-03-01T00:00:00Z");

    static final Schema LABELS = Schema.of(new Field("lid", DataType.INT64), new Field("user", DataType.STRING),
            new Field("uid", DataType.INT32), new Field("ts", DataType.INT64), new Field("tts", DataType.TIMESTAMP),
            new Field("name", DataType.STRING));
    static final Schema FEATURES = Schema.of(new Field("user", DataType.STRING), new Field("fuid", DataType.INT64),
            new Field("feature_ts", DataType.INT64), new Field("fts", DataType.TIMESTAMP), new Field("value", DataType.FLOAT64),
            new Field("name", DataType.STRING));
    static final Schema TICKS = Schema.of(new Field("tick_ts", DataType.INT64), new Field("price", DataType.FLOAT64));

    @BeforeAll
    static void writeData() {
        SplittableRandom r = new SplittableRandom(22);
        List<Object[]> l = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            int u = r.nextInt(50) == 0 ? -1 : r.nextInt(10) < 5 ? 0 : r.nextInt(1, 300);
            Long ts = r.nextInt(33) == 0 ? null : (long) r.nextInt(0, 5000);
            Instant tts = r.nextInt(33) == 0 ? null : BASE.plusSeconds(r.nextInt(0, 5000));
            l.add(new Object[] {(long) i, u < 0 ? null : "u" + u, u < 0 ? null : u, ts, tts, "L" + i % 7});
        }
        List<Object[]> f = new ArrayList<>();
        for (int i = 0; i < 60_000; i++) {
            int u = r.nextInt(40) == 0 ? -1 : r.nextInt(10) < 6 ? 0 : r.nextInt(1, 300);
            Long ts = r.nextInt(30) == 0 ? null : (long) r.nextInt(-100, 5100);
            String user = u < 0 ? null : "u" + u;
            long h = (u * 7919L + (ts == null ? 0 : ts)) % 1000;
            f.add(new Object[] {user, u < 0 ? null : (long) u, ts, ts == null ? null : BASE.plusSeconds(ts), h / 10.0, "F" + h % 13});
        }
        List<Object[]> t = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            t.add(new Object[] {r.nextInt(30) == 0 ? null : (long) i * 2 - 500, i / 4.0});
        }
        java.util.Collections.shuffle(t, new java.util.Random(5));
        try (Spillway sw = Spillway.builder().memoryLimit("256m").spillDir(dir.resolve("spill")).progress(false).build()) {
            sw.createDataFrame(LABELS, l).writeParquet(dir.resolve("labels.parquet").toString());
            sw.createDataFrame(FEATURES, f).writeParquet(dir.resolve("features.parquet").toString());
            sw.createDataFrame(TICKS, t).writeParquet(dir.resolve("ticks.parquet").toString());
        }
        labels = dir.resolve("labels.parquet").toString();
        features = dir.resolve("features.parquet").toString();
        ticks = dir.resolve("ticks.parquet").toString();
    }

    /** A query in both forms: Spillway's API over (labels, features, ticks) and DuckDB's SQL over L, R and T. */
    record Q(String name, Api api, String sql) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Spillway's side of a query. */
    interface Api {
        DataFrame apply(DataFrame labels, DataFrame features, DataFrame ticks);
    }

    static final String RIGHT = "r.fuid, r.feature_ts, r.fts, r.value, r.name";
    static final List<Q> QUERIES = List.of(
            new Q("string key, int64 time", (l, f, t) -> l.joinAsof(f, on("user"), "ts", "feature_ts"),
                    "SELECT l.*, " + RIGHT + " FROM L l ASOF LEFT JOIN R r ON l.user = r.user AND l.ts >= r.feature_ts"),
            new Q("string key, timestamp time", (l, f, t) -> l.joinAsof(f, on("user"), "tts", "fts"),
                    "SELECT l.*, " + RIGHT + " FROM L l ASOF LEFT JOIN R r ON l.user = r.user AND l.tts >= r.fts"),
            new Q("two keys: a string pair and int32 = int64", (l, f, t) ->
                    l.joinAsof(f, on(col("user"), col("user")).and(col("uid"), col("fuid")), "ts", "feature_ts"),
                    "SELECT l.*, r.user, " + RIGHT + " FROM L l ASOF LEFT JOIN R r"
                            + " ON l.user = r.user AND l.uid = r.fuid AND l.ts >= r.feature_ts"),
            new Q("no keys", (l, f, t) -> l.joinAsof(t, "ts", "tick_ts"),
                    "SELECT l.*, r.tick_ts, r.price FROM L l ASOF LEFT JOIN T r ON l.ts >= r.tick_ts"));

    static Stream<Arguments> cases() {
        return Stream.of(1, 2).flatMap(p -> Stream.of("64m", "2m").flatMap(m -> QUERIES.stream().map(q -> Arguments.of(q, p, m))));
    }

    static String duckSql(Q q) {
        return q.sql().replace(" L l", " read_parquet('" + labels + "') l").replace(" R r", " read_parquet('" + features + "') r")
                .replace(" T r", " read_parquet('" + ticks + "') r");
    }

    static DataFrame run(Q q, Spillway sw) {
        return q.api().apply(sw.readParquet(labels), sw.readParquet(features), sw.readParquet(ticks));
    }

    @ParameterizedTest(name = "{0}, parallelism {1}, memory {2}")
    @MethodSource("cases")
    void backwardMatchesDuckDb(Q q, int parallelism, String memory, SpillwaySessions sessions) {
        List<List<Object>> expected = DuckOracle.query(duckSql(q));
        assertEquals(20_000, expected.size());
        Spillway sw = sessions.open(memory, parallelism, 1024);
        DataFrame joined = run(q, sw);
        List<List<Object>> actual = DuckOracle.rows(joined);
        DuckOracle.assertSameRows(expected, actual, 0);
        long matched = expected.stream().filter(row -> row.getLast() != null).count();
        assertTrue(matched > 10_000 && matched < 20_000, "matches and misses both occur: " + matched);
        assertEquals(matched, sw.counters().get("asof.matches"));
        if (memory.equals("2m")) {
            assertTrue(sw.budget().spilledBytes() > 0, "a 2 MB budget must spill: " + sw.memoryReport());
        }
    }

    @Test
    void parallelismOneAndTwoGiveTheSameRowsInTheSameOrder(SpillwaySessions sessions) {
        for (Q q : QUERIES) {
            List<List<Object>> one = DuckOracle.rows(run(q, sessions.open("2m", 1, 1024)));
            List<List<Object>> two = DuckOracle.rows(run(q, sessions.open("2m", 2, 1024)));
            DuckOracle.assertSameOrderedRows(one, two, 0);
        }
    }

    @Test
    void outputColumnsExplainCountAndFilters(SpillwaySessions sessions) {
        Spillway sw = sessions.open();
        DataFrame l = sw.readParquet(labels);
        DataFrame f = sw.readParquet(features);
        DataFrame j = l.joinAsof(f, on("user"), "ts", "feature_ts");
        assertEquals(List.of("lid", "user", "uid", "ts", "tts", "name", "fuid", "feature_ts", "fts", "value", "name_right"), j.columns());
        assertEquals(List.of("lid", "user", "uid", "ts", "tts", "name", "fuid", "feature_ts", "fts", "value", "name_x"),
                l.joinAsof(f, on("user"), "ts", "feature_ts", AsofOptions.backward().suffix("_x")).columns());
        // the time column named alike on both sides: the right one suffixed, as the join names clashes
        DataFrame same = l.select("user", "ts").joinAsof(f.select(col("user"), col("feature_ts").as("ts")), on("user"), "ts", "ts");
        assertEquals(List.of("user", "ts", "ts_right"), same.columns());
        String plan = j.explainString();
        assertTrue(plan.contains("AsofJoin BACKWARD on user = user AND ts >= feature_ts"), plan);
        String opts = l.joinAsof(f, on("user"), "tts", "fts", AsofOptions.forward().tolerance(Duration.ofMinutes(5))
                .allowExactMatches(false)).explainString();
        assertTrue(opts.contains("AsofJoin FORWARD on user = user AND tts < fts tolerance=PT5M"), opts);
        // count() and left-only columns need no join: it keeps every left row once
        assertEquals(20_000, j.count());
        assertFalse(j.select("lid", "ts").explainString().split("== Optimized plan ==")[1].contains("AsofJoin"));
        assertEquals(20_000, j.select("lid", "ts").rows().size());
        // a filter on left columns runs below the join (on the left input), one on right columns above it
        DataFrame filtered = j.filter(col("lid").lt(1000).and(col("value").gt(50.0)));
        String fp = filtered.explainString().split("== Optimized plan ==")[1];
        assertTrue(fp.indexOf("Filter (lid < 1000)") > fp.indexOf("AsofJoin"), fp);
        assertTrue(fp.indexOf("Filter (value > 50.0)") < fp.indexOf("AsofJoin"), fp);
        List<List<Object>> expected = DuckOracle.query("SELECT * FROM (" + duckSql(QUERIES.getFirst())
                + ") WHERE lid < 1000 AND value > 50.0");
        DuckOracle.assertSameRows(expected, DuckOracle.rows(filtered), 0);
    }

    @Test
    void readmeExampleMatchesDuckDb(SpillwaySessions sessions) throws Exception {
        Path csv = dir.resolve("events");
        org.spillway.datasets.Events.rows(100_000).seed(22).writeCsv(csv, 2);
        Spillway sw = sessions.open("8m", 2);
        DataFrame events = sw.readCsv(csv.resolve("events-*.csv").toString());
        String parquet = dir.resolve("events.parquet").toString();
        events.writeParquet(parquet);
        var returns = events.filter(col("returned")).select(col("user"), col("ts").as("returned_ts"), col("amount").as("refund"));
        var lastReturn = events.joinAsof(returns, on("user"), "ts", "returned_ts");
        assertTrue(lastReturn.explainString().contains("AsofJoin BACKWARD on user = user AND ts >= returned_ts"));
        long backward = lastReturn.filter(col("refund").isNotNull()).count();
        long forward = events.joinAsof(returns, on("user"), "ts", "returned_ts",
                AsofOptions.forward().tolerance(Duration.ofDays(7)).allowExactMatches(false)).filter(col("refund").isNotNull()).count();
        String r = "(SELECT user, ts AS returned_ts, amount AS refund FROM read_parquet('" + parquet + "') WHERE returned)";
        String e = "read_parquet('" + parquet + "')";
        assertEquals(DuckOracle.scalarLong("SELECT count(*) FROM " + e + " e ASOF LEFT JOIN " + r
                + " r ON e.user = r.user AND e.ts >= r.returned_ts WHERE refund IS NOT NULL"), backward);
        assertEquals(DuckOracle.scalarLong("SELECT count(*) FROM " + e + " e ASOF LEFT JOIN " + r
                + " r ON e.user = r.user AND e.ts < r.returned_ts WHERE refund IS NOT NULL"
                + " AND r.returned_ts <= e.ts + INTERVAL 7 DAY"), forward);
        assertTrue(forward > 100 && forward < backward, forward + " " + backward);
    }

    @Test
    void errorsNameTheColumnsAndTypes(SpillwaySessions sessions) {
        Spillway sw = sessions.open();
        DataFrame l = sw.readParquet(labels);
        DataFrame f = sw.readParquet(features);
        String m = assertThrows(ColumnNotFoundException.class, () -> l.joinAsof(f, on("user"), "tss", "feature_ts")).getMessage();
        assertTrue(m.contains("'tss'") && m.contains("left time") && m.contains("tts"), m);
        m = assertThrows(ColumnNotFoundException.class, () -> l.joinAsof(f, on("uid"), "ts", "feature_ts")).getMessage();
        assertTrue(m.contains("'uid'") && m.contains("right key"), m);
        m = assertThrows(SpillwayException.class, () -> l.joinAsof(f, on("user"), "ts", "fts")).getMessage();
        assertTrue(m.contains("'ts' (int64)") && m.contains("'fts' (timestamp)"), m);
        m = assertThrows(SpillwayException.class, () -> l.joinAsof(f, on(col("uid"), col("user")), "ts", "feature_ts")).getMessage();
        assertTrue(m.contains("int32 column 'uid'") && m.contains("string column 'user'"), m);
        m = assertThrows(SpillwayException.class, () -> l.joinAsof(f, on("user"), "name", "name")).getMessage();
        assertTrue(m.contains("'name' (string)"), m);
        m = assertThrows(SpillwayException.class, () -> AsofOptions.backward().tolerance(Duration.ofMinutes(-1))).getMessage();
        assertTrue(m.contains("must not be negative") && m.contains("PT-1M"), m);
        m = assertThrows(SpillwayException.class, () -> AsofOptions.nearest().tolerance(-0.5)).getMessage();
        assertTrue(m.contains("-0.5"), m);
        assertThrows(SpillwayException.class, () -> AsofOptions.nearest().tolerance(Double.NaN));
        m = assertThrows(SpillwayException.class, () -> l.joinAsof(f, on("user"), "ts", "feature_ts",
                AsofOptions.backward().tolerance(Duration.ofSeconds(5)))).getMessage();
        assertTrue(m.contains("tolerance(5)") && m.contains("numbers"), m);
        m = assertThrows(SpillwayException.class, () -> l.joinAsof(f, on("user"), "tts", "fts",
                AsofOptions.backward().tolerance(5))).getMessage();
        assertTrue(m.contains("Duration"), m);
        m = assertThrows(SpillwayException.class, () -> l.joinAsof(f, on("user").and(col("ts").gt(0)), "ts", "feature_ts")).getMessage();
        assertTrue(m.contains("equality keys only"), m);
        assertThrows(SpillwayException.class, () -> AsofOptions.backward().suffix(""));
    }

    // ---- the other strategies, tolerances and exact matches against a brute-force reference ----------------------

    record LRow(long lid, String user, Integer t) {
    }

    record RRow(long fid, String user, Integer t, double v) {
    }

    /** How a time type shows the integer times of the reference (and its tolerance of 3 units). */
    enum TimeType {
        INT64(DataType.INT64, DataType.INT64, t -> (long) t, t -> (long) t),
        INT32_WITH_INT64(DataType.INT32, DataType.INT64, t -> t, t -> (long) t),
        FLOAT64(DataType.FLOAT64, DataType.FLOAT64, t -> t / 2.0, t -> t / 2.0),
        INT64_WITH_FLOAT64(DataType.INT64, DataType.FLOAT64, t -> (long) t, t -> (double) t),
        DATE(DataType.DATE, DataType.DATE, t -> LocalDate.ofEpochDay(19_000 + t), t -> LocalDate.ofEpochDay(19_000 + t)),
        TIMESTAMP(DataType.TIMESTAMP, DataType.TIMESTAMP, t -> BASE.plusSeconds(t), t -> BASE.plusSeconds(t));

        final DataType left;
        final DataType right;
        final java.util.function.IntFunction<Object> l;
        final java.util.function.IntFunction<Object> r;

        TimeType(DataType left, DataType right, java.util.function.IntFunction<Object> l, java.util.function.IntFunction<Object> r) {
            this.left = left;
            this.right = right;
            this.l = l;
            this.r = r;
        }

        AsofOptions tolerance(AsofOptions o) {
            return switch (this) {
                case FLOAT64 -> o.tolerance(1.5);
                case INT64, INT32_WITH_INT64, INT64_WITH_FLOAT64 -> o.tolerance(3);
                case DATE -> o.tolerance(Duration.ofDays(3).plusHours(5)); // whole days count
                case TIMESTAMP -> o.tolerance(Duration.ofSeconds(3));
            };
        }
    }

    static List<LRow> leftRows(SplittableRandom r, int n, int times) {
        List<LRow> out = new ArrayList<>();
        String[] users = {"a", "b", "c", "d", null};
        for (int i = 0; i < n; i++) {
            String u = r.nextInt(3) == 0 ? "a" : users[r.nextInt(users.length)];
            out.add(new LRow(i, u, r.nextInt(15) == 0 ? null : r.nextInt(times)));
        }
        return out;
    }

    static List<RRow> rightRows(SplittableRandom r, int n, int times) {
        List<RRow> out = new ArrayList<>();
        String[] users = {"a", "b", "c", "e", null};
        for (int i = 0; i < n; i++) {
            String u = r.nextInt(2) == 0 ? "a" : users[r.nextInt(users.length)];
            out.add(new RRow(1000 + i, u, r.nextInt(15) == 0 ? null : r.nextInt(times), r.nextInt(1000) / 8.0));
        }
        return out;
    }

    /** The reference: for each left row, the right row the rules pick (by scanning them all), or null. */
    static RRow reference(LRow l, List<RRow> right, AsofStrategy s, boolean exact, Integer tolerance) {
        if (l.user() == null || l.t() == null) {
            return null;
        }
        int t = l.t();
        RRow back = null;
        RRow fwd = null;
        for (RRow r : right) {
            if (!l.user().equals(r.user()) || r.t() == null) {
                continue;
            }
            int rt = r.t();
            if (exact ? rt <= t : rt < t) {
                if (back == null || rt >= back.t()) {
                    back = r; // the last of equal times
                }
            }
            if (exact ? rt >= t : rt > t) {
                if (fwd == null || rt < fwd.t()) {
                    fwd = r; // the first of equal times
                }
            }
        }
        RRow pick = switch (s) {
            case BACKWARD -> back;
            case FORWARD -> fwd;
            case NEAREST -> back != null && (fwd == null || t - back.t() <= fwd.t() - t) ? back : fwd;
        };
        return pick != null && tolerance != null && Math.abs(pick.t() - t) > tolerance ? null : pick;
    }

    static List<List<Object>> expected(List<LRow> left, List<RRow> right, TimeType type, AsofStrategy s, boolean exact, Integer tol) {
        List<List<Object>> out = new ArrayList<>();
        for (LRow l : left) {
            RRow m = reference(l, right, s, exact, tol);
            List<Object> row = new ArrayList<>();
            row.add(l.lid());
            row.add(l.user());
            row.add(l.t() == null ? null : type.l.apply(l.t()));
            row.add(m == null ? null : m.fid());
            row.add(m == null || m.t() == null ? null : type.r.apply(m.t()));
            row.add(m == null ? null : m.v());
            out.add(row);
        }
        return out;
    }

    static DataFrame frames(Spillway sw, List<LRow> left, List<RRow> right, TimeType type, BiFunction<DataFrame, DataFrame, DataFrame> join) {
        DataFrame l = sw.createDataFrame(Schema.of(new Field("lid", DataType.INT64), new Field("user", DataType.STRING),
                new Field("t", type.left)), left.stream().map(x -> new Object[] {x.lid(), x.user(),
                x.t() == null ? null : type.l.apply(x.t())}).toList());
        DataFrame r = sw.createDataFrame(Schema.of(new Field("fid", DataType.INT64), new Field("user", DataType.STRING),
                new Field("rt", type.right), new Field("v", DataType.FLOAT64)), right.stream().map(x -> new Object[] {x.fid(),
                x.user(), x.t() == null ? null : type.r.apply(x.t()), x.v()}).toList());
        return join.apply(l, r);
    }

    static Stream<Arguments> strategies() {
        List<Arguments> out = new ArrayList<>();
        for (TimeType type : TimeType.values()) {
            for (AsofStrategy s : AsofStrategy.values()) {
                for (boolean exact : new boolean[] {true, false}) {
                    for (boolean tol : new boolean[] {false, true}) {
                        out.add(Arguments.of(type, s, exact, tol));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} exact={2} tolerance={3}")
    @MethodSource("strategies")
    void strategiesMatchTheReference(TimeType type, AsofStrategy s, boolean exact, boolean tol, SpillwaySessions sessions) {
        SplittableRandom r = new SplittableRandom(type.ordinal() * 100 + s.ordinal() * 10 + (exact ? 1 : 0));
        List<LRow> left = leftRows(r, 400, 80);
        List<RRow> right = rightRows(r, 600, 80);
        AsofOptions o = AsofOptions.defaults().strategy(s).allowExactMatches(exact);
        if (tol) {
            o = type.tolerance(o);
        }
        AsofOptions opts = o;
        List<List<Object>> expected = expected(left, right, type, s, exact, tol ? 3 : null);
        for (int p = 1; p <= 2; p++) {
            Spillway sw = sessions.open("64m", p, 16);
            DataFrame j = frames(sw, left, right, type, (a, b) -> a.joinAsof(b, on("user"), "t", "rt", opts));
            assertEquals(List.of("lid", "user", "t", "fid", "rt", "v"), j.columns());
            DuckOracle.assertSameRows(expected, DuckOracle.rows(j), 0);
        }
    }

    @Test
    void aSparseLeftSideOverManyRightChunksUnpinsThemAsItGoes(SpillwaySessions sessions) {
        SplittableRandom r = new SplittableRandom(3);
        List<LRow> left = leftRows(r, 60, 5000);
        List<RRow> right = rightRows(r, 30_000, 5000);
        for (AsofStrategy s : AsofStrategy.values()) {
            Spillway sw = sessions.open("2m", 2, 16);
            DataFrame j = frames(sw, left, right, TimeType.INT64, (a, b) -> a.joinAsof(b, on("user"), "t", "rt",
                    AsofOptions.defaults().strategy(s)));
            DuckOracle.assertSameRows(expected(left, right, TimeType.INT64, s, true, null), DuckOracle.rows(j), 0);
            assertTrue(sw.counters().get("asof.drains") > 0, "a left chunk spans many right chunks: " + sw.counters());
        }
    }

    @Test
    void tiesOnTheRightBackwardTakesTheLastForwardTheFirst(SpillwaySessions sessions) {
        Spillway sw = sessions.open("64m", 2, 2);
        DataFrame l = sw.createDataFrame(Schema.of(new Field("k", DataType.STRING), new Field("t", DataType.INT64)),
                List.of(new Object[] {"x", 5L}, new Object[] {"x", 10L}, new Object[] {"x", 7L}, new Object[] {null, 5L},
                        new Object[] {"x", null}, new Object[] {"y", 1L}));
        DataFrame r = sw.createDataFrame(Schema.of(new Field("k", DataType.STRING), new Field("rt", DataType.INT64),
                        new Field("id", DataType.STRING)),
                List.of(new Object[] {"x", 5L, "a"}, new Object[] {"x", 8L, "b"}, new Object[] {"x", 5L, "c"},
                        new Object[] {"x", 8L, "d"}, new Object[] {"x", null, "n"}, new Object[] {null, 5L, "z"},
                        new Object[] {"x", 5L, "e"}));
        assertEquals(List.of(List.of("x", 5L, "e"), List.of("x", 7L, "e"), List.of("x", 10L, "d")),
                ids(l.joinAsof(r, on("k"), "t", "rt")));
        assertEquals(List.of(List.of("x", 5L, "a"), List.of("x", 7L, "b"), List.of("x", 10L, "-")),
                ids(l.joinAsof(r, on("k"), "t", "rt", AsofOptions.forward())));
        assertEquals(List.of(List.of("x", 5L, "b"), List.of("x", 7L, "b"), List.of("x", 10L, "d")),
                ids(l.joinAsof(r, on("k"), "t", "rt", AsofOptions.nearest().allowExactMatches(false))));
        assertEquals(List.of(List.of("x", 5L, "e"), List.of("x", 7L, "b"), List.of("x", 10L, "d")),
                ids(l.joinAsof(r, on("k"), "t", "rt", AsofOptions.nearest())));
        // right times 10 (a, c, e) and 16 (b, d); a left time of 13 is as far from both: the one before
        assertEquals(List.of(List.of("x", 13L, "e"), List.of("x", 17L, "d"), List.of("x", 23L, "d")),
                ids(l.withColumn("t", col("t").multiply(2).plus(3)).joinAsof(r.withColumn("rt", col("rt").multiply(2)), on("k"), "t", "rt",
                        AsofOptions.nearest())));
        assertEquals(List.of(List.of("x", 5L, "-"), List.of("x", 7L, "e"), List.of("x", 10L, "d")),
                ids(l.joinAsof(r, on("k"), "t", "rt", AsofOptions.backward().allowExactMatches(false).tolerance(2))));
    }

    @Test
    void floatAndBoolKeysMatchDuckDb(SpillwaySessions sessions) {
        Spillway sw = sessions.open("64m", 2, 2);
        Object[][] left = {{0.0, true, 5L}, {-0.0, true, 6L}, {Double.NaN, false, 5L}, {1.5, true, 9L}, {null, true, 5L},
            {1.5, false, 9L}, {Double.NaN, true, 1L}};
        Object[][] right = {{-0.0, true, 4L, "a"}, {0.0, true, 6L, "b"}, {Double.NaN, false, 2L, "c"}, {1.5, true, 10L, "d"},
            {1.5, true, 3L, "e"}, {Double.NaN, true, 0L, "f"}, {1.5, false, 9L, "g"}};
        DataFrame l = sw.createDataFrame(Schema.of(new Field("k", DataType.FLOAT64), new Field("b", DataType.BOOL),
                new Field("t", DataType.INT64)), List.of(left));
        DataFrame r = sw.createDataFrame(Schema.of(new Field("k", DataType.FLOAT64), new Field("b", DataType.BOOL),
                new Field("rt", DataType.INT64), new Field("id", DataType.STRING)), List.of(right));
        List<List<Object>> expected = DuckOracle.query("SELECT l.k, l.b, l.t, r.rt, r.id FROM (VALUES " + values(left)
                + ") l(k, b, t) ASOF LEFT JOIN (VALUES " + values(right) + ") r(k, b, rt, id) ON l.k = r.k AND l.b = r.b AND l.t >= r.rt");
        List<List<Object>> actual = DuckOracle.rows(l.joinAsof(r, on("k", "b"), "t", "rt"));
        DuckOracle.assertSameRows(expected, actual, 0);
        assertEquals(6, actual.stream().filter(x -> x.getLast() != null).count(), actual.toString()); // all but the null key
    }

    private static String values(Object[][] rows) {
        List<String> out = new ArrayList<>();
        for (Object[] row : rows) {
            List<String> v = new ArrayList<>();
            for (Object o : row) {
                v.add(o == null ? "NULL" : o instanceof Double d ? (d.isNaN() ? "'NaN'::DOUBLE" : d + "::DOUBLE")
                        : o instanceof String str ? "'" + str + "'" : o.toString());
            }
            out.add("(" + String.join(", ", v) + ")");
        }
        return String.join(", ", out);
    }

    /** The rows of key x with a non-null time: key, time, matched id ("-" for none), in the output's (sorted) order. */
    private static List<List<Object>> ids(DataFrame j) {
        List<List<Object>> out = new ArrayList<>();
        for (Row row : j.rows()) {
            if ("x".equals(row.get(0)) && row.get(1) != null) {
                out.add(List.of(row.get(0), row.get(1), row.get(3) == null ? "-" : row.get(3)));
            }
        }
        assertEquals(6, j.rows().size(), "every left row once");
        return out;
    }
}
