package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.asc;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.corr;
import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.countDistinct;
import static org.spillway.frame.Functions.desc;
import static org.spillway.frame.Functions.first;
import static org.spillway.frame.Functions.last;
import static org.spillway.frame.Functions.max;
import static org.spillway.frame.Functions.mean;
import static org.spillway.frame.Functions.median;
import static org.spillway.frame.Functions.min;
import static org.spillway.frame.Functions.on;
import static org.spillway.frame.Functions.quantile;
import static org.spillway.frame.Functions.std;
import static org.spillway.frame.Functions.stdPop;
import static org.spillway.frame.Functions.sum;
import static org.spillway.frame.Functions.var;
import static org.spillway.frame.Functions.varPop;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.frame.testkit.TestData;

/**
 * The spill matrix: every DuckDB-checked query case (group by, top-k, join, sort, pipeline) is
 * declared once, as its Spillway form and its SQL, and runs at each {@link Budget}: the default
 * budget at parallelism 2 (and 1 for the cases that always ran serially too), and a tiny budget
 * with small chunks, where the session's counters must show that the query really went out of
 * core (hash tables flushed, partitioned join, sorted runs spilled, collected chunks spilled). The
 * tiny runs use the same small files (tens of thousands of rows), so the whole matrix stays quick.
 *
 * <p>The SQL names the shared tables ({@link TestData}) as {@code {g}} (group-by data), {@code {l}},
 * {@code {r}}, {@code {skewed}} (join sides), {@code {s}} (sort data) and {@code {p}} (pipeline data).
 */
@SpillwayTest
class SpillMatrixTest {
    @TempDir
    static Path dir;

    /** The sort data's rows (as text) by row number, read by Spillway without sorting. */
    static Map<Long, String> sortRowsByRn;

    @BeforeAll
    static void readSortData(SpillwaySessions sessions) {
        sortRowsByRn = new HashMap<>();
        for (Row row : TestData.sort(dir).read(sessions.open()).rows()) {
            sortRowsByRn.put(row.getLong("rn"), row.values().toString());
        }
        assertEquals(60_000, sortRowsByRn.size());
    }

    /** The budgets the cases run at (SERIAL only where {@link QueryCase#serialToo()}). */
    enum Budget {
        DEFAULT,
        SERIAL,
        /** The family's tiny budget and small chunks ({@link Family#tiny}): every operator must go out of core. */
        TINY;

        SpillwaySessions.Settings settings(Family family) {
            return switch (this) {
                case DEFAULT -> new SpillwaySessions.Settings("64m", 2, 0);
                case SERIAL -> new SpillwaySessions.Settings("64m", 1, 0);
                case TINY -> family.tiny;
            };
        }
    }

    /**
     * What a tiny-budget run of each kind of query must have done, read from the session's
     * counters, and its tiny budget: 1 MB (the least a session takes) and 1,024-row chunks (the
     * smallest a session picks by itself), but 2 MB for group by, the budget the group-by tests
     * always used: its 21 aggregates (holistic ones among them) take several times as long at 1 MB
     * without reaching another code path.
     */
    enum Family {
        GROUP_BY(new SpillwaySessions.Settings("2m", 2, 1_024), sw -> assertTrue(sw.counters().getOrDefault("groupby.flushedGroups", 0L) > 0
                || sw.counters().getOrDefault("groupby.sortedValues", 0L) > 0,
                "a group by under a tiny budget must flush its tables: " + sw.counters() + "; " + sw.memoryReport())),
        // both sides are partitioned through spill files
        JOIN(new SpillwaySessions.Settings("1m", 2, 1_024), sw -> assertTrue(sw.counters().getOrDefault("join.partitioned", 0L) > 0
                && sw.spilledBytes() > 0, "a join under a tiny budget must be partitioned: " + sw.counters() + "; " + sw.memoryReport())),
        SORT(new SpillwaySessions.Settings("1m", 2, 1_024), sw -> assertTrue(sw.counters().getOrDefault("sort.runs", 0L) > 1
                && sw.spilledBytes() > 0, "a sort under a tiny budget must spill sorted runs: " + sw.counters() + "; " + sw.memoryReport())),
        // a scan-filter-project pipeline has no operator state: what goes out of core is the collect
        PIPELINE(new SpillwaySessions.Settings("1m", 2, 1_024),
                sw -> assertTrue(sw.spilledBytes() > 0, "collecting under a tiny budget must spill: " + sw.memoryReport()));

        final SpillwaySessions.Settings tiny;
        final Consumer<Spillway> wentOutOfCore;

        Family(SpillwaySessions.Settings tiny, Consumer<Spillway> wentOutOfCore) {
            this.tiny = tiny;
            this.wentOutOfCore = wentOutOfCore;
        }
    }

    /** The session and the shared tables of one run. */
    record Run(Spillway sw) {
        DataFrame g() {
            return TestData.groupBy(dir).read(sw);
        }

        DataFrame l() {
            return TestData.joinLeft(dir).read(sw);
        }

        DataFrame r() {
            return TestData.joinRight(dir).read(sw);
        }

        DataFrame s() {
            return TestData.sort(dir).read(sw);
        }

        DataFrame p() {
            return TestData.pipeline(dir).read(sw);
        }
    }

    /** How a case's result is compared with DuckDB's. */
    interface Check {
        void check(List<List<Object>> expected, DataFrame result, Run run);
    }

    /**
     * One query case.
     *
     * @param name what the case is, for the test name
     * @param family which counters prove a tiny run went out of core
     * @param query the Spillway form
     * @param sql the DuckDB form, with table placeholders
     * @param check how the results are compared
     * @param serialToo whether the case also runs at parallelism 1 ({@link Budget#SERIAL}): the
     *     cases that always did, to keep the matrix quick (a join case takes seconds on 2 cores)
     */
    record QueryCase(String name, Family family, Function<Run, DataFrame> query, String sql, Check check, boolean serialToo) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** As multisets, doubles within a relative 1e-9 (the order of neither engine is defined). */
    static final Check UNORDERED = (expected, result, run) -> DuckOracle.assertSameRows(expected, DuckOracle.rows(result.collect()));

    /** As multisets, exactly; and {@code count()} agrees (the joins). */
    static final Check UNORDERED_EXACT = (expected, result, run) -> {
        DuckOracle.assertSameRows(expected, DuckOracle.rows(result.collect()), 0);
        assertEquals(expected.size(), result.count(), "count()");
    };

    // ---- the cases ---------------------------------------------------------------------------

    static List<QueryCase> cases() {
        List<QueryCase> out = new ArrayList<>();
        groupByCases(out);
        joinCases(out);
        sortCases(out);
        pipelineCases(out);
        return out;
    }

    static Stream<Arguments> matrix() {
        List<Arguments> out = new ArrayList<>();
        for (QueryCase c : cases()) {
            for (Budget b : Budget.values()) {
                if (b != Budget.SERIAL || c.serialToo()) {
                    out.add(Arguments.of(c, b));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("matrix")
    void sameAsDuckDb(QueryCase c, Budget budget, SpillwaySessions sessions) {
        String sql = c.sql().replace("{g}", TestData.groupBy(dir).scan()).replace("{l}", TestData.joinLeft(dir).scan())
                .replace("{r}", TestData.joinRight(dir).scan()).replace("{skewed}", TestData.joinSkewedRight(dir).scan())
                .replace("{s}", TestData.sort(dir).scan()).replace("{p}", TestData.pipeline(dir).scan());
        List<List<Object>> expected = DuckOracle.query(sql);
        Spillway sw = sessions.open(budget.settings(c.family()));
        Run run = new Run(sw);
        c.check().check(expected, c.query().apply(run), run);
        if (budget == Budget.TINY) {
            c.family().wentOutOfCore.accept(sw);
            assertTrue(sw.budget().peak() <= sw.memoryLimit(), sw.memoryReport());
        }
    }

    // ---- group by (was GroupByDuckDbTest.sameAsDuckDb and topKSameAsDuckDb) -------------------

    static void groupByCases(List<QueryCase> out) {
        String aggSql = "count(*), count(v_int), sum(v_int), sum(v_dbl), avg(v_dbl), min(v_int), max(v_dbl), min(k_str), "
                + "max(k_date), stddev_samp(v_dbl), var_samp(v_int), stddev_pop(v_int), var_pop(v_dbl), corr(v_int, v_dbl), "
                + "arg_min(v_int, rn) FILTER (WHERE v_int IS NOT NULL), arg_max(v_dbl, rn) FILTER (WHERE v_dbl IS NOT NULL), "
                + "median(v_dbl), quantile_cont(v_int, 0.9), count(DISTINCT k_str), count(DISTINCT v_dbl), median(v_int)";
        for (String keyList : List.of("k_int", "k_str", "k_long, k_bool", "k_str, k_int, k_date", "k_dbl", "k_long, k_str", "")) {
            String[] keys = keyList.isEmpty() ? new String[0] : keyList.split(",\\s*");
            String sql = "SELECT " + (keys.length == 0 ? "" : keyList + ", ") + aggSql + " FROM {g}"
                    + (keys.length == 0 ? "" : " GROUP BY " + keyList);
            out.add(new QueryCase("group by [" + keyList + "]", Family.GROUP_BY, run -> {
                DataFrame f = run.g();
                AggregateExpr[] aggs = {count(), count("v_int"), sum("v_int"), sum("v_dbl"), mean("v_dbl"), min("v_int"),
                        max("v_dbl"), min("k_str"), max("k_date"), std("v_dbl"), var("v_int"), stdPop("v_int"), varPop("v_dbl"),
                        corr("v_int", "v_dbl"), first("v_int"), last(col("v_dbl")), median("v_dbl"), quantile("v_int", 0.9),
                        countDistinct("k_str"), countDistinct(col("v_dbl")), median("v_int")};
                return keys.length == 0 ? f.agg(aggs) : f.groupBy(keys).agg(aggs);
            }, sql, UNORDERED, true));
        }
        for (String[] kv : new String[][] {{"k_int", "v_dbl"}, {"k_str", "v_int"}, {"k_long", "v_dbl"}}) {
            String key = kv[0];
            String value = kv[1];
            out.add(new QueryCase("top 2 of " + value + " by " + key, Family.GROUP_BY, run -> {
                DataFrame top = run.g().groupBy(key).topK(2, desc(value));
                assertEquals(List.of(key, value), top.columns());
                return top;
            }, "SELECT " + key + ", " + value + " FROM (SELECT " + key + ", " + value + ", row_number() OVER (PARTITION BY " + key
                    + " ORDER BY " + value + " DESC) AS r FROM {g} WHERE " + value + " IS NOT NULL) WHERE r <= 2", UNORDERED, false));
        }
    }

    // ---- joins (was JoinDuckDbTest.sameAsDuckDb) ---------------------------------------------

    static final List<String> LEFT_COLUMNS = List.of("lid", "k_int", "k_str", "k_dbl", "k_date", "v", "name");
    static final List<String> RIGHT_COLUMNS = List.of("rid", "k_int", "k_long", "k_str", "k_dbl", "k_date", "w", "name");

    static void joinCases(List<QueryCase> out) {
        for (JoinType t : List.of(JoinType.INNER, JoinType.LEFT, JoinType.RIGHT, JoinType.FULL, JoinType.SEMI, JoinType.ANTI)) {
            // keys as "leftKey=rightKey" pairs, comma-separated; a key without '=' is a USING key
            for (String keys : List.of("k_int", "k_str", "k_int,k_str", "k_int=k_long", "k_dbl", "k_date,k_int")) {
                out.add(joinCase(t, keys));
            }
        }
    }

    static QueryCase joinCase(JoinType type, String keys) {
        List<String> lk = new ArrayList<>();
        List<String> rk = new ArrayList<>();
        boolean using = !keys.contains("=");
        for (String k : keys.split(",")) {
            String[] p = k.split("=");
            lk.add(p[0]);
            rk.add(p.length == 2 ? p[1] : p[0]);
        }
        Function<Run, DataFrame> query = run -> {
            JoinOn on = using ? on(lk.toArray(String[]::new)) : null;
            if (!using) {
                for (int i = 0; i < lk.size(); i++) {
                    on = on == null ? on(col(lk.get(i)), col(rk.get(i))) : on.and(col(lk.get(i)), col(rk.get(i)));
                }
            }
            DataFrame j = run.l().join(run.r(), on, type);
            assertEquals(joinColumns(type, lk, rk, using).size(), j.columns().size(), "columns " + j.columns());
            return j;
        };
        return new QueryCase(type + " join on " + keys, Family.JOIN, query, joinSql(type, lk, rk, using), UNORDERED_EXACT,
                keys.equals("k_int"));
    }

    /** DuckDB's expressions for Spillway's output columns, in its order. */
    static List<String> joinColumns(JoinType type, List<String> lk, List<String> rk, boolean using) {
        List<String> cols = new ArrayList<>();
        for (String c : LEFT_COLUMNS) {
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
            for (String c : RIGHT_COLUMNS) {
                if (!(using && rk.contains(c))) {
                    cols.add("r." + c);
                }
            }
        }
        return cols;
    }

    static String joinSql(JoinType type, List<String> lk, List<String> rk, boolean using) {
        String cols = String.join(", ", joinColumns(type, lk, rk, using));
        StringBuilder cond = new StringBuilder();
        for (int i = 0; i < lk.size(); i++) {
            cond.append(i == 0 ? "" : " AND ").append("l.").append(lk.get(i)).append(" = r.").append(rk.get(i));
        }
        return switch (type) {
            case SEMI -> "SELECT " + cols + " FROM {l} l WHERE EXISTS (SELECT 1 FROM {r} r WHERE " + cond + ")";
            case ANTI -> "SELECT " + cols + " FROM {l} l WHERE NOT EXISTS (SELECT 1 FROM {r} r WHERE " + cond + ")";
            default -> "SELECT " + cols + " FROM {l} l " + type.name() + " JOIN {r} r ON " + cond;
        };
    }

    // ---- sort (was SortDuckDbTest.sortEqualsDuckDb) ------------------------------------------

    static void sortCases(List<QueryCase> out) {
        for (String spec : List.of("i", "s desc nulls first, i", "d desc, l", "b nulls first, dt desc, ts", "ts desc nulls last, s",
                "b", "l desc nulls first, d nulls first, s desc")) {
            // DuckDB's default is NULLS LAST for both directions; say so anyway. rn last: the
            // stable order, rn being the input row number
            StringBuilder ob = new StringBuilder();
            for (String part : spec.split(",\\s*")) {
                ob.append(part.contains("nulls") ? part : part + " nulls last").append(", ");
            }
            out.add(new QueryCase("sort by [" + spec + "]", Family.SORT, run -> run.s().sort(orders(spec)),
                    "SELECT rn FROM {s} ORDER BY " + ob + "rn", SpillMatrixTest::sameOrderAsRn, true));
        }
    }

    /**
     * The sorted rows (as text) are the input rows in DuckDB's order of row numbers: comparing
     * Spillway's own text of each input row keeps NaN, infinities, timestamps and empty strings
     * out of the comparison's way. Top-k gives the full sort's first rows, without a full sort.
     */
    static void sameOrderAsRn(List<List<Object>> expectedRns, DataFrame sorted, Run run) {
        List<String> expected = expectedRns.stream().map(r -> sortRowsByRn.get((Long) r.getFirst())).toList();
        assertEquals(run.s().columns(), sorted.columns());
        List<String> actual = sorted.rows().stream().map(r -> r.values().toString()).toList();
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), "row " + i);
        }
        DataFrame top = sorted.limit(25);
        assertTrue(top.explainString().contains("TopK 25"), top.explainString());
        assertEquals(expected.subList(0, 25), top.rows().stream().map(r -> r.values().toString()).toList());
    }

    /** "s desc nulls first, i" as SortOrders. */
    static SortOrder[] orders(String spec) {
        List<SortOrder> out = new ArrayList<>();
        for (String part : spec.split(",\\s*")) {
            String[] t = part.trim().split("\\s+");
            SortOrder o = t.length > 1 && t[1].equals("desc") ? desc(t[0]) : asc(t[0]);
            if (part.contains("nulls first")) {
                o = o.nullsFirst();
            } else if (part.contains("nulls last")) {
                o = o.nullsLast();
            }
            out.add(o);
        }
        return out.toArray(SortOrder[]::new);
    }

    // ---- pipeline (was PipelineDuckDbTest.filterDeriveCollectEqualsDuckDb) --------------------

    /** The pipeline query's SQL; PipelineDuckDbTest reuses it. */
    static final String PIPELINE_SQL = "SELECT id, k, a * 2 + id AS y, x, length(k) AS len FROM {p} "
            + "WHERE x > 0.3 AND (k <> 'k1' OR a IS NULL) AND b IS NOT NULL ORDER BY id";

    /** The pipeline query's Spillway form: filter, derive, project; PipelineDuckDbTest reuses it. */
    static DataFrame pipeline(DataFrame f) {
        return f.filter(col("x").gt(0.3).and(col("k").neq("k1").or(col("a").isNull())).and(col("b").isNotNull()))
                .withColumn("y", col("a").multiply(2).plus(col("id")))
                .select(col("id"), col("k"), col("y"), col("x"), col("k").length().as("len"));
    }

    static void pipelineCases(List<QueryCase> out) {
        // scans keep the file's order, so the collected rows are in DuckDB's ORDER BY id
        out.add(new QueryCase("filter, derive, collect", Family.PIPELINE, run -> pipeline(run.p()), PIPELINE_SQL,
                (expected, result, run) -> {
                    DataFrame collected = result.collect();
                    assertEquals(expected.size(), collected.count());
                    DuckOracle.assertSameOrderedRows(expected, DuckOracle.rows(collected), 0);
                    assertEquals(expected.subList(0, 25), DuckOracle.rows(result.limit(25)));
                }, true));
    }
}
