package org.spillway.frame;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;
import org.spillway.frame.Expr.ColumnRef;
import org.spillway.frame.io.CsvOptions;
import org.spillway.frame.io.CsvWriter;
import org.spillway.frame.plan.LogicalPlan;
import org.spillway.frame.plan.Optimizer;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.frame.print.TablePrinter;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.chunk.PinnedChunk;

/**
 * A lazy, immutable, chunked table. Transformations ({@link #filter}, {@link #select},
 * {@link #withColumn}, {@link #limit}, {@link #sort(SortOrder...)}, {@link #union}, ...) return new
 * frames and compute nothing; actions
 * ({@link #count}, {@link #collect}, {@link #show}, {@link #rows}, {@link #writeCsv}) optimize the plan
 * and run it in parallel over chunks, within the session's memory budget.
 *
 * <p>{@link #collect()} materialises a frame into the session's chunk store: chunks stay in memory
 * while the budget allows and are spilled, LZ4-compressed, to disk when it does not, then read back
 * when a later query needs them. {@link #unpersist()} frees them. Row order is kept: results come in
 * the order of the input files and rows.
 */
public final class DataFrame {
    private final Spillway session;
    private final LogicalPlan plan;

    DataFrame(Spillway session, LogicalPlan plan) {
        this.session = session;
        this.plan = plan;
    }

    private DataFrame with(LogicalPlan p) {
        return new DataFrame(session, p);
    }

    /** A frame of the plan {@code build} makes; a column a Parquet scan left out (e.g. a nested one) is named as such. */
    private DataFrame with(java.util.function.Supplier<LogicalPlan> build) {
        try {
            return new DataFrame(session, build.get());
        } catch (ColumnNotFoundException e) {
            String why = unreadableColumn(plan, e.column());
            if (why == null) {
                throw e;
            }
            ColumnNotFoundException explained = new ColumnNotFoundException(e.column(), columns(), "the Parquet column " + why
                    + ", which Spillway cannot read yet; select the other columns (they read as usual)");
            explained.initCause(e);
            throw explained;
        }
    }

    /** How a Parquet scan under {@code p} described the unreadable column {@code name}, or null. */
    private static String unreadableColumn(LogicalPlan p, String name) {
        if (p instanceof LogicalPlan.ParquetScan s) {
            for (String u : s.source().unsupportedColumns()) {
                if (u.startsWith(name + ": ")) {
                    return "'" + name + "' is " + u.substring(name.length() + 2).replace(" (not yet supported)", "");
                }
            }
            return null;
        }
        for (LogicalPlan c : p.children()) {
            String w = unreadableColumn(c, name);
            if (w != null) {
                return w;
            }
        }
        return null;
    }

    /** The session this frame belongs to. */
    public Spillway session() {
        return session;
    }

    /** The logical plan (before optimization). */
    public LogicalPlan plan() {
        return plan;
    }

    /** Column names and types. */
    public Schema schema() {
        return plan.schema();
    }

    /** The schema as a tree, as Spark's {@code printSchema()} prints it ({@code root}, then {@code  |-- name: type (nullable = true)}). */
    public String schemaString() {
        StringBuilder sb = new StringBuilder("root\n");
        Schema s = schema();
        for (int i = 0; i < s.size(); i++) {
            sb.append(" |-- ").append(s.field(i).name()).append(": ").append(s.type(i)).append(" (nullable = true)\n");
        }
        return sb.toString();
    }

    /** Prints {@link #schemaString()} to standard output. */
    public void printSchema() {
        System.out.print(schemaString());
    }

    /** Column names in order. */
    public List<String> columns() {
        return plan.schema().names();
    }

    // ---- transformations ------------------------------------------------------------------

    /** The named columns, in the given order. */
    public DataFrame select(String... columns) {
        return select(Arrays.stream(columns).map(Functions::col).toArray(Expr[]::new));
    }

    /** Columns computed by expressions, named by {@link Expr#as} or after the expression. */
    public DataFrame select(Expr... exprs) {
        if (exprs.length == 0) {
            throw new SpillwayException("select() needs at least one column");
        }
        return with(() -> org.spillway.frame.plan.WindowPlanner.project(plan, List.of(exprs)));
    }

    /**
     * Adds a column, or replaces the column of that name in place. The expression may hold window functions
     * ({@code rowNumber().over(w)}, see {@link Window}); then the rows come in the window's sorted order.
     */
    public DataFrame withColumn(String name, Expr expr) {
        List<Expr> out = new ArrayList<>();
        boolean replaced = false;
        for (String c : columns()) {
            if (c.equals(name)) {
                out.add(expr.as(name));
                replaced = true;
            } else {
                out.add(new ColumnRef(c));
            }
        }
        if (!replaced) {
            out.add(expr.as(name));
        }
        return with(() -> org.spillway.frame.plan.WindowPlanner.project(plan, out));
    }

    /** Renames a column (a missing one is an error). */
    public DataFrame withColumnRenamed(String existing, String newName) {
        if (!columns().contains(existing)) {
            throw new ColumnNotFoundException(existing, columns());
        }
        List<Expr> out = new ArrayList<>();
        for (String c : columns()) {
            out.add(c.equals(existing) ? new ColumnRef(c).as(newName) : new ColumnRef(c));
        }
        return with(() -> LogicalPlan.Project.of(plan, out));
    }

    /** Same as {@link #withColumnRenamed}, Polars' name. */
    public DataFrame rename(String existing, String newName) {
        return withColumnRenamed(existing, newName);
    }

    /** Every column except the named ones (each must exist). */
    public DataFrame drop(String... columns) {
        Set<String> gone = new LinkedHashSet<>(Arrays.asList(columns));
        for (String c : gone) {
            if (!columns().contains(c)) {
                throw new ColumnNotFoundException(c, columns());
            }
        }
        List<Expr> out = new ArrayList<>();
        for (String c : columns()) {
            if (!gone.contains(c)) {
                out.add(new ColumnRef(c));
            }
        }
        if (out.isEmpty()) {
            throw new SpillwayException("drop" + gone + " would leave no columns");
        }
        return with(() -> LogicalPlan.Project.of(plan, out));
    }

    /** The rows where {@code condition} is true (rows where it is null are dropped, as in SQL). */
    public DataFrame filter(Expr condition) {
        return with(() -> new LogicalPlan.Filter(plan, condition));
    }

    /** Same as {@link #filter}, Spark's other name. */
    public DataFrame where(Expr condition) {
        return filter(condition);
    }

    DataFrame withPlan(java.util.function.Supplier<LogicalPlan> build) {
        return with(build);
    }

    /** Groups by the named columns; aggregate with {@link GroupedData#agg}. */
    public GroupedData groupBy(String... columns) {
        return groupBy(Arrays.stream(columns).map(Functions::col).toArray(Expr[]::new));
    }

    /** Groups by expressions (each named by {@link Expr#as} or after the expression). */
    public GroupedData groupBy(Expr... keys) {
        for (Expr k : keys) {
            k.type(schema()); // fail here, naming the column, not at collect()
        }
        return new GroupedData(this, List.of(keys));
    }

    /** Aggregates over the whole frame: one row. */
    public DataFrame agg(AggregateExpr... aggs) {
        if (aggs.length == 0) {
            throw new SpillwayException("agg() needs at least one aggregate, e.g. agg(count())");
        }
        return with(() -> LogicalPlan.Aggregate.of(plan, List.of(), Arrays.asList(aggs)));
    }

    /** The distinct rows (in unspecified order). */
    public DataFrame distinct() {
        return with(() -> LogicalPlan.Aggregate.of(plan, columns().stream().map(c -> (Expr) new ColumnRef(c)).toList(), List.of()));
    }

    /**
     * One row per distinct combination of {@code columns}: the first such row in input order,
     * every column kept, in the frame's column order (Spark's {@code dropDuplicates}; the result's
     * row order is unspecified). With no columns, the same as {@link #distinct()}.
     */
    public DataFrame dropDuplicates(String... columns) {
        if (columns.length == 0) {
            return distinct();
        }
        java.util.Set<String> keys = new java.util.LinkedHashSet<>(Arrays.asList(columns));
        for (String c : keys) {
            if (!columns().contains(c)) {
                throw new ColumnNotFoundException(c, columns());
            }
        }
        List<AggregateExpr> rest = new ArrayList<>();
        for (String c : columns()) {
            if (!keys.contains(c)) {
                rest.add(Functions.firstRow(c).as(c));
            }
        }
        DataFrame g = with(LogicalPlan.Aggregate.of(plan, keys.stream().map(c -> (Expr) new ColumnRef(c)).toList(), rest));
        return g.select(columns().toArray(String[]::new));
    }

    // ---- joins -------------------------------------------------------------------------------

    /** Inner join on columns named alike on both sides, each kept once: {@code x.join(y, "id1")}. */
    public DataFrame join(DataFrame other, String... columns) {
        return join(other, Functions.on(columns), JoinType.INNER);
    }

    /** Inner join on {@code on}. */
    public DataFrame join(DataFrame other, JoinOn on) {
        return join(other, on, JoinType.INNER);
    }

    /**
     * Joins with {@code other}: {@code x.join(y, on("id1"), JoinType.LEFT)}. Keys are given by
     * {@link Functions#on(String...)} (named alike, each kept once) or {@link Functions#on(Expr, Expr)}
     * (pairs, both kept), optionally with an extra condition on each matching pair,
     * {@code on("sku").and(col("ts").geq(col("valid_from")))}, which is part of the match as in SQL's
     * {@code ON} (see {@link JoinOn} for its semantics and how it names the two sides' columns). A right
     * column whose name is taken gets the suffix {@code _right}. Null keys never match. Runs as a
     * parallel hash join on the smaller side, or partitioned by key hash through spill files when that
     * side does not fit half the memory limit. Row order is unspecified.
     */
    public DataFrame join(DataFrame other, JoinOn on, JoinType type) {
        return join(other, on, type, "_right");
    }

    /** As {@link #join(DataFrame, JoinOn, JoinType)}, naming clashing right columns with {@code suffix}. */
    public DataFrame join(DataFrame other, JoinOn on, JoinType type, String suffix) {
        java.util.Objects.requireNonNull(on, "on");
        if (type == JoinType.CROSS) {
            throw new SpillwayException("A cross join takes no keys; use crossJoin(other)");
        }
        return with(() -> LogicalPlan.Join.of(plan, sameSession(other), on.leftKeys(), on.rightKeys(), on.isUsing(), type,
                checkSuffix(suffix), on.condition()));
    }

    /**
     * Inner join on a condition: {@code a.join(ranges, col("x").geq(col("lo")).and(col("x").lt(col("hi"))))};
     * see {@link #join(DataFrame, Expr, JoinType)}.
     */
    public DataFrame join(DataFrame other, Expr condition) {
        return join(other, condition, JoinType.INNER);
    }

    /**
     * Joins with {@code other} where {@code condition} holds for a pair of rows, as SQL's
     * {@code JOIN ... ON condition}: {@code events.join(ranges, col("x").geq(col("lo")).and(col("x").lt(col("hi"))), JoinType.LEFT)}.
     * The condition names the columns of the joined row: every left column by its name, every right
     * column by its name, or with the suffix {@code _right} when a left column has that name (for semi
     * and anti joins too, whose output holds the left columns only). A left row matching no right row
     * is kept null-extended by a left or full join, a right row matching no left row by a right or full
     * join; a semi join keeps the left rows with a match, once each, an anti join those without.
     *
     * <p>Each conjunct {@code a = b} of a left and a right column (in {@code c1.and(c2)}) is used as a
     * hash-join key, the rest as an extra condition on the pairs whose keys match, so such a join runs
     * like {@link #join(DataFrame, JoinOn, JoinType)}, in memory or out of core. A condition with no such
     * equality is a <b>nested-loop join</b>: the right side is held in memory (collected, and reserved
     * from the memory budget; a right side that does not fit a join's share of the budget is an error
     * naming the sizes, so put the small side on the right) and every left row is tested against every
     * right row, in parallel over the left side's chunks: rows times rows evaluations, meant for a small
     * right side such as a table of ranges. Every join type but {@code CROSS} is supported. Row order is
     * unspecified.
     */
    public DataFrame join(DataFrame other, Expr condition, JoinType type) {
        return join(other, condition, type, "_right");
    }

    /** As {@link #join(DataFrame, Expr, JoinType)}, naming clashing right columns with {@code suffix} (in the output and the condition). */
    public DataFrame join(DataFrame other, Expr condition, JoinType type, String suffix) {
        java.util.Objects.requireNonNull(condition, "condition");
        java.util.Objects.requireNonNull(type, "type");
        if (type == JoinType.CROSS) {
            throw new SpillwayException("A cross join takes no condition; use crossJoin(other), or JoinType.INNER with a condition");
        }
        return with(() -> LogicalPlan.Join.of(plan, sameSession(other), List.of(), List.of(), false, type, checkSuffix(suffix),
                condition));
    }

    /**
     * Every pair of rows of this frame and {@code other} (the Cartesian product); clashing right
     * columns get {@code _right}. {@code other} must fit in half the memory limit.
     */
    public DataFrame crossJoin(DataFrame other) {
        return with(() -> LogicalPlan.Join.of(plan, sameSession(other), List.of(), List.of(), false, JoinType.CROSS, "_right"));
    }

    /**
     * An as-of join without equality keys: {@link #joinAsof(DataFrame, JoinOn, String, String, AsofOptions)} over all
     * rows as one group, with the default options (backward).
     */
    public DataFrame joinAsof(DataFrame other, String leftTime, String rightTime) {
        return joinAsof(other, leftTime, rightTime, AsofOptions.defaults());
    }

    /** An as-of join without equality keys, with {@code options}; see {@link #joinAsof(DataFrame, JoinOn, String, String, AsofOptions)}. */
    public DataFrame joinAsof(DataFrame other, String leftTime, String rightTime, AsofOptions options) {
        return with(() -> org.spillway.frame.plan.AsofJoins.of(plan, sameSession(other), List.of(), List.of(), false, leftTime,
                rightTime, options));
    }

    /**
     * An as-of join with the default options: each row of this frame gets the latest row of {@code other} with equal
     * keys whose {@code rightTime} is at or before its {@code leftTime}, or nulls; see
     * {@link #joinAsof(DataFrame, JoinOn, String, String, AsofOptions)}.
     */
    public DataFrame joinAsof(DataFrame other, JoinOn on, String leftTime, String rightTime) {
        return joinAsof(other, on, leftTime, rightTime, AsofOptions.defaults());
    }

    /**
     * An as-of join (Polars' {@code join_asof}, DuckDB's {@code ASOF LEFT JOIN}), for point-in-time correct features:
     * <pre>{@code
     * labels.joinAsof(features, on("user"), "ts", "feature_ts")   // the latest feature row at or before each label
     * labels.joinAsof(features, on("user"), "ts", "feature_ts",
     *         AsofOptions.nearest().tolerance(Duration.ofMinutes(5)).allowExactMatches(false))
     * }</pre>
     * A left join: every row of this frame appears once, with the one row of {@code other} whose keys equal its keys
     * ({@code on}, as in {@link #join(DataFrame, JoinOn, JoinType)}; no condition) and whose {@code rightTime} is the
     * closest at or before its {@code leftTime} ({@link AsofStrategy#BACKWARD}, the default), at or after it
     * ({@code FORWARD}) or either way ({@code NEAREST}, the earlier one at equal distance), within the tolerance and
     * strictly before/after when exact matches are not allowed ({@link AsofOptions}); with nulls in the right columns
     * when there is no such row. A null key or time on the left gives nulls; a right row with a null key or time never
     * matches. <b>Ties:</b> of several right rows with the same keys and time, backward takes the last one in the right
     * frame's row order, forward the first.
     *
     * <p>The time columns are int32, int64 or float64 (in any mix), or both date, both timestamp or both timestamp_ntz.
     * The output holds this frame's columns, then {@code other}'s (a key of {@code on("k")} once; a right column whose
     * name is taken, such as a time column named alike, with the suffix {@code _right} or {@link AsofOptions#suffix}).
     *
     * <p>Runs out of core: both sides are sorted by (keys, time) with the external sort, then merged in one streaming
     * pass that keeps O(1) right rows per key (a key holding most rows works under any budget). The merge runs on one
     * thread (the sorts in parallel). <b>Row order:</b> the rows come sorted by (keys, left time), not in this frame's
     * order; sort the result if the order matters.
     *
     * @throws ColumnNotFoundException if a key or time column is not on its side
     * @throws SpillwayException if key or time types do not fit, or the tolerance does not fit the time type, or
     *                           {@code on} has a condition
     */
    public DataFrame joinAsof(DataFrame other, JoinOn on, String leftTime, String rightTime, AsofOptions options) {
        java.util.Objects.requireNonNull(on, "on");
        if (on.condition() != null) {
            throw new SpillwayException("An as-of join takes equality keys only, not the condition " + on.condition()
                    + "; filter one side first");
        }
        return with(() -> org.spillway.frame.plan.AsofJoins.of(plan, sameSession(other), on.leftKeys(), on.rightKeys(),
                on.isUsing(), leftTime, rightTime, options));
    }

    private LogicalPlan sameSession(DataFrame other) {
        java.util.Objects.requireNonNull(other, "other");
        if (other.session != session) {
            throw new SpillwayException("Cannot combine frames of two sessions; read both through the same Spillway");
        }
        return other.plan;
    }

    private static String checkSuffix(String suffix) {
        if (suffix == null || suffix.isEmpty()) {
            throw new SpillwayException("The suffix for clashing column names must not be empty");
        }
        return suffix;
    }

    /**
     * Summary statistics of every column, one row per column (as DuckDB's {@code SUMMARIZE}), computed in one
     * parallel pass: {@code column}, {@code type}, {@code count} (non-null values), {@code null_count} and
     * {@code distinct} (exact; nulls not counted) as int64; {@code min} and {@code max} as text (numbers as Spark
     * casts them to strings, dates and timestamps in ISO 8601; null for binary columns and for columns without
     * values); {@code mean}, {@code std} (sample) and the interpolated quartiles {@code 25%}, {@code 50%},
     * {@code 75%} as float64 for numeric and decimal columns, null for the others.
     *
     * <pre>{@code
     * events.describe().show();
     * }</pre>
     */
    public DataFrame describe() {
        Schema s = schema();
        Row r = agg(DescribeStats.aggregates(s)).rows().getFirst();
        return session.createDataFrame(DescribeStats.SCHEMA, DescribeStats.table(r, s));
    }

    // ---- missing values, sampling, reshaping ----------------------------------------------

    /** Missing-value helpers, as Spark's {@code df.na()}: {@code df.na().fill(0)}, {@code df.na().drop()}; see {@link NaFunctions}. */
    public NaFunctions na() {
        return new NaFunctions(this);
    }

    /**
     * Same as {@code na().fill(value)}: missing values (null, or NaN in float64) replaced where {@code value} applies;
     * a {@code Map} of column names to values fills column by column ({@code na().fill(map)}).
     */
    public DataFrame fillna(Object value) {
        if (value instanceof java.util.Map<?, ?> m) {
            java.util.Map<String, Object> byColumn = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> byColumn.put(String.valueOf(k), v));
            return na().fill(byColumn);
        }
        return na().fill(value);
    }

    /** Same as {@code na().fill(value, columns)}. */
    public DataFrame fillna(Object value, String... columns) {
        return na().fill(value, columns);
    }

    /** Same as {@code na().drop()}: the rows with a missing value (null, or NaN in float64) in any column dropped. */
    public DataFrame dropna() {
        return na().drop();
    }

    /** Same as {@code na().drop(how, columns)}: {@code how} is {@code "any"} or {@code "all"} of the named (or all) columns. */
    public DataFrame dropna(String how, String... columns) {
        return columns.length == 0 ? na().drop(how) : na().drop(how, columns);
    }

    /**
     * A random sample of about {@code fraction} of the rows (each row kept with that probability, Spark's
     * {@code sample(fraction, seed)} without replacement), in input order. Drawn as {@link #randomSplit(double[], long)}
     * draws, so {@code sample(f, seed)} holds exactly the rows of {@code randomSplit(new double[] {f, 1 - f}, seed)[0]}:
     * the same frame, seed and chunk size give the same sample at any parallelism. The frame is collected first if it
     * is not already, and the sample is stored (only the kept rows).
     *
     * @throws SpillwayException if {@code fraction} is not within [0, 1]
     */
    public DataFrame sample(double fraction, long seed) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new SpillwayException("sample(" + fraction + ", seed): the fraction must be within [0, 1]");
        }
        DataFrame in = collect();
        try {
            return session.adopt(session.executor().sample(((LogicalPlan.ChunkScan) in.plan).frame(), fraction, seed));
        } finally {
            if (in != this) {
                in.unpersist();
            }
        }
    }

    /** {@link #sample(double, long)} with a random seed. */
    public DataFrame sample(double fraction) {
        return sample(fraction, java.util.concurrent.ThreadLocalRandom.current().nextLong());
    }

    /**
     * Turns columns into rows (Spark's {@code unpivot}, Polars' and pandas' {@code melt}, DuckDB's {@code UNPIVOT
     * ... INCLUDE NULLS}): for each input row and each of the {@code values} columns, one row holding the {@code ids}
     * columns, the value column's name under {@code variableColumn} and its value under {@code valueColumn} (nulls
     * kept). The value columns must share a type; numbers of different types widen (int32, int64, float64).
     *
     * <pre>{@code
     * wide.unpivot(List.of("id"), List.of("q1", "q2", "q3"), "quarter", "amount")
     * }</pre>
     *
     * @throws SpillwayException if a column is missing or named twice, the output names clash with an id column, or
     *                           the value columns' types differ
     */
    public DataFrame unpivot(List<String> ids, List<String> values, String variableColumn, String valueColumn) {
        return Unpivot.of(this, ids, values, variableColumn, valueColumn);
    }

    /** {@link #unpivot(List, List, String, String)} of every column that is not an id column. */
    public DataFrame unpivot(List<String> ids, String variableColumn, String valueColumn) {
        List<String> values = new ArrayList<>(columns());
        values.removeAll(ids);
        return unpivot(ids, values, variableColumn, valueColumn);
    }

    /** Same as {@link #unpivot(List, List, String, String)}. */
    public DataFrame melt(List<String> ids, List<String> values, String variableColumn, String valueColumn) {
        return unpivot(ids, values, variableColumn, valueColumn);
    }

    /** The first {@code n} rows, in input order. */
    public DataFrame limit(long n) {
        return with(() -> new LogicalPlan.Limit(plan, n));
    }

    /**
     * The rows ordered by {@code orders}: {@code sort(asc("country"), desc("amount").nullsFirst())}.
     * Keys may be expressions ({@code asc(col("a").multiply(2))}); they are computed for the sort
     * only, not added to the output. The sort is stable (rows with equal keys keep their input
     * order); nulls come last unless {@link SortOrder#nullsFirst()} says otherwise (as in DuckDB);
     * strings compare by UTF-8 bytes; NaN is greater than every other float64. The sort runs out of
     * core: sorted runs are produced in parallel within the memory budget, spilled as needed and
     * merged. {@code sort(...).limit(k)} runs as a top-k, keeping only the best k rows per worker.
     */
    public DataFrame sort(SortOrder... orders) {
        return with(() -> new LogicalPlan.Sort(plan, List.of(orders), -1));
    }

    /** The rows ordered by the named columns, each ascending (nulls last); see {@link #sort(SortOrder...)}. */
    public DataFrame sort(String... columns) {
        return sort(Arrays.stream(columns).map(Functions::asc).toArray(SortOrder[]::new));
    }

    /** Same as {@link #sort(SortOrder...)}, Spark's other name. */
    public DataFrame orderBy(SortOrder... orders) {
        return sort(orders);
    }

    /** Same as {@link #sort(String...)}, Spark's other name. */
    public DataFrame orderBy(String... columns) {
        return sort(columns);
    }

    /**
     * The rows of this frame followed by those of {@code other}, duplicates kept (SQL's
     * {@code UNION ALL}). Columns are matched by position: both frames must have as many columns,
     * of the same types; the result takes this frame's column names. Lazy and streaming: neither
     * side is materialised.
     *
     * @throws SpillwayException naming the first column whose types differ
     */
    public DataFrame union(DataFrame other) {
        checkSameSession(other, "union");
        List<Expr> renamed = UnionAlignment.byPosition(schema(), other.schema());
        LogicalPlan right = other.columns().equals(columns()) ? other.plan : LogicalPlan.Project.of(other.plan, renamed);
        return with(() -> new LogicalPlan.Union(List.of(plan, right)));
    }

    /**
     * The rows of this frame followed by those of {@code other}, duplicates kept, with columns
     * matched by name: both frames must have the same column names (in any order) and each column
     * the same type on both sides; the result has this frame's column order.
     *
     * @throws SpillwayException naming a column missing on one side or whose types differ
     */
    public DataFrame unionByName(DataFrame other) {
        checkSameSession(other, "unionByName");
        List<Expr> aligned = UnionAlignment.byName(schema(), other.schema());
        LogicalPlan right = other.columns().equals(columns()) ? other.plan : LogicalPlan.Project.of(other.plan, aligned);
        return with(() -> new LogicalPlan.Union(List.of(plan, right)));
    }

    private void checkSameSession(DataFrame other, String op) {
        java.util.Objects.requireNonNull(other, "other");
        if (other.session != session) {
            throw new SpillwayException(op + "() combines frames of one session, but the other frame belongs to another "
                    + "Spillway session; collect() it and create it in this session first");
        }
    }

    // ---- actions --------------------------------------------------------------------------

    /**
     * Runs the plan and stores the result as chunks in the session's store (spilling under
     * memory pressure). A frame that is already collected is returned as is.
     */
    public DataFrame collect() {
        if (isCollected()) {
            return this;
        }
        return session.adopt(session.executor().collect(Optimizer.optimize(plan)));
    }

    /** Same as {@link #collect()} (Spark's {@code cache()}, eager here: the frame is computed and stored now). */
    public DataFrame cache() {
        return collect();
    }

    /** Same as {@link #collect()} (Spark's {@code persist()}: stored in memory, spilled to disk under pressure). */
    public DataFrame persist() {
        return collect();
    }

    /** True if this frame is stored chunks as they are (no pending transformation). */
    public boolean isCollected() {
        return plan instanceof LogicalPlan.ChunkScan s && s.projection() == null && s.skipFilter() == null;
    }

    /** Frees a collected frame's chunks (memory and spill space); later use of it fails. No-op for lazy frames. */
    public void unpersist() {
        if (plan instanceof LogicalPlan.ChunkScan s) {
            session.release(s.frame());
        }
    }

    /**
     * The number of rows. Only what decides the row count runs: the scan reads just the columns
     * filters use, and derived columns no filter reads are not computed (as in Spark), so an error
     * such as an overflow in such a column shows at {@link #collect()}, not here.
     */
    public long count() {
        return session.executor().count(Optimizer.optimize(plan, java.util.Set.of()));
    }

    /** The optimized plan as text. */
    public String explainString() {
        return "== Logical plan ==\n" + plan.render() + "== Optimized plan ==\n" + Optimizer.optimize(plan).render();
    }

    /** Prints {@link #explainString()}. */
    public void explain() {
        System.out.print(explainString());
    }

    /** The first {@code n} rows as a table. */
    public String showString(int n) {
        if (n < 0) {
            throw new SpillwayException("show(" + n + "): the row count must not be negative");
        }
        List<Row> rows = limit((long) n + 1).rows();
        boolean more = rows.size() > n;
        List<Object[]> values = new ArrayList<>();
        for (int i = 0; i < Math.min(n, rows.size()); i++) {
            values.add(rows.get(i).values().toArray());
        }
        return TablePrinter.render(schema(), values, more);
    }

    /** Prints the first 20 rows as a table. */
    public void show() {
        show(20);
    }

    /** Prints the first {@code n} rows as a table. */
    public void show(int n) {
        System.out.print(showString(n));
    }

    /** The first {@code n} rows. */
    public List<Row> head(int n) {
        return limit(n).rows();
    }

    /** Every row on the heap: for small results (use {@link #limit} or {@link #head} first on big ones). */
    public List<Row> rows() {
        Schema s = schema();
        List<Row> out = new ArrayList<>();
        forEachChunkInOrder(c -> ChunkRows.appendRows(c, s, out));
        return out;
    }

    /** The values of one column, on the heap, in row order (small results). */
    public List<Object> column(String name) {
        DataFrame one = select(name);
        List<Object> out = new ArrayList<>();
        one.forEachChunkInOrder(c -> ChunkRows.appendFirstColumn(c, out));
        return out;
    }

    /** An int32 column as an array (small results; a null is an error naming the row). */
    public int[] intColumn(String name) {
        return ColumnArrays.ints(typedColumn(name, DataType.INT32), name);
    }

    /** An integral column (int32 or int64) as a long array (small results; a null is an error naming the row). */
    public long[] longColumn(String name) {
        return ColumnArrays.longs(typedColumn(name, DataType.INT32, DataType.INT64), name);
    }

    /** A numeric column as a double array; nulls become NaN (small results). */
    public double[] doubleColumn(String name) {
        return ColumnArrays.doubles(typedColumn(name, DataType.INT32, DataType.INT64, DataType.FLOAT64));
    }

    /** A column of any type as strings (nulls stay null; binary as hex, timestamp_ntz and time as they print; small results). */
    public String[] stringColumn(String name) {
        return ColumnArrays.strings(column(name));
    }

    private List<Object> typedColumn(String name, DataType... allowed) {
        ColumnArrays.checkType(name, type(name), allowed);
        return column(name);
    }

    /**
     * Folds every chunk in parallel, one accumulator per worker thread, then combines them: the
     * escape hatch for custom aggregations over the raw vectors. Chunks come in no particular order
     * and are valid only during the call.
     */
    public <A> A reduceChunks(Supplier<A> zero, BiConsumer<A, Chunk> fold, BinaryOperator<A> combine) {
        return session.executor().reduce(Optimizer.optimize(plan), zero, fold, combine);
    }

    /**
     * Runs {@code map} over every chunk in parallel and passes its results to {@code inOrder} one at a
     * time, in row order (the order of {@link #collect()}'s chunks), from whichever worker finished
     * the next one: a reduction whose result is the same at any parallelism, for sums of floats that
     * must not depend on scheduling. {@code inOrder} is never called concurrently; a result waits only
     * until the chunks before it are done. Chunks are valid only during {@code map}.
     */
    public <R> void mapChunksOrdered(java.util.function.Function<Chunk, R> map, java.util.function.Consumer<R> inOrder) {
        java.util.Objects.requireNonNull(map, "map");
        java.util.Objects.requireNonNull(inOrder, "inOrder");
        session.executor().mapOrdered(Optimizer.optimize(plan), map, inOrder);
    }

    /**
     * Like {@link #mapChunksOrdered(java.util.function.Function, java.util.function.Consumer)} over a
     * collected frame, but visiting its chunks in the order {@code chunkOrder} gives (a permutation
     * of {@code 0..chunkCount()-1}, or any selection of chunk numbers without repeats): for passes that
     * shuffle the chunk order, such as stochastic gradient descent.
     *
     * @throws SpillwayException if the frame is not collected or an index is out of range or repeated
     */
    public <R> void mapChunksOrdered(int[] chunkOrder, java.util.function.Function<Chunk, R> map,
                                     java.util.function.Consumer<R> inOrder) {
        if (!isCollected()) {
            throw new SpillwayException("mapChunksOrdered(chunkOrder, ...) needs a collected frame; call collect() first");
        }
        StoredFrame f = ((LogicalPlan.ChunkScan) plan).frame();
        List<ChunkHandle> all = f.chunks();
        boolean[] seen = new boolean[all.size()];
        List<ChunkHandle> picked = new ArrayList<>(chunkOrder.length);
        for (int i : chunkOrder) {
            if (i < 0 || i >= all.size() || seen[i]) {
                throw new SpillwayException("chunk order: index " + i + " is out of range [0, " + all.size() + ") or repeated");
            }
            seen[i] = true;
            picked.add(all.get(i));
        }
        session.executor().mapOrdered(new LogicalPlan.ChunkScan(f.view(picked), null, null), map, inOrder);
    }

    /**
     * The number of stored chunks of a collected frame (the unit of
     * {@link #mapChunksOrdered(int[], java.util.function.Function, java.util.function.Consumer)}).
     */
    public int chunkCount() {
        if (!isCollected()) {
            throw new SpillwayException("chunkCount() needs a collected frame; call collect() first");
        }
        return ((LogicalPlan.ChunkScan) plan).frame().chunkCount();
    }

    /**
     * Splits the rows at random into parts with sizes proportional to {@code weights} (which need
     * not sum to 1), as Spark's {@code randomSplit}: each row lands in exactly one part, drawn from
     * the seed and the row's position, so the same frame, seed and chunk size give the same parts
     * at any parallelism. The frame is collected first (if it is not already) and each part is
     * stored as its own collected frame, so this costs one pass and the data's size again in the
     * chunk store (which spills as needed).
     *
     * @throws SpillwayException if there is no weight, or a weight is negative, NaN or infinite, or all are zero
     */
    public DataFrame[] randomSplit(double[] weights, long seed) {
        SplitWeights.check(weights);
        DataFrame in = collect();
        StoredFrame f = ((LogicalPlan.ChunkScan) in.plan).frame();
        try {
            List<StoredFrame> parts = session.executor().randomSplit(f, weights, seed);
            DataFrame[] out = new DataFrame[parts.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = session.adopt(parts.get(i));
            }
            return out;
        } finally {
            if (in != this) {
                in.unpersist();
            }
        }
    }

    /**
     * Splits the rows at random into a training part holding about {@code trainFraction} of them and
     * a test part holding the rest; see {@link #randomSplit(double[], long)}.
     */
    public Split randomSplit(double trainFraction, long seed) {
        if (!(trainFraction >= 0 && trainFraction <= 1)) {
            throw new SpillwayException("randomSplit(" + trainFraction + ", seed): the fraction must be within [0, 1]");
        }
        DataFrame[] parts = randomSplit(new double[] {trainFraction, 1 - trainFraction}, seed);
        return new Split(parts[0], parts[1]);
    }

    /**
     * Writes the frame as one CSV file with a header, replacing the file if it exists
     * ({@link org.spillway.frame.delta.SaveMode#OVERWRITE}, as pandas' {@code to_csv}, Polars' {@code write_csv} and
     * DuckDB's {@code COPY ... TO} do; Spark's {@code df.write().csv(dir)} fails on an existing directory instead: use
     * {@link #writeCsv(String, org.spillway.frame.delta.SaveMode)} with {@code ERROR_IF_EXISTS} for that). Atomic: a
     * failed write leaves no partial file and the previous file as it was.
     */
    public void writeCsv(String path) {
        writeCsv(Path.of(path), org.spillway.frame.delta.SaveMode.OVERWRITE, CsvOptions.defaults());
    }

    /** {@link #writeCsv(Path, org.spillway.frame.delta.SaveMode, CsvOptions)} with the default options. */
    public void writeCsv(String path, org.spillway.frame.delta.SaveMode mode) {
        writeCsv(Path.of(path), mode, CsvOptions.defaults());
    }

    /** Writes the frame as CSV with {@code options} (delimiter, quote, header, null string), replacing an existing file. */
    public void writeCsv(Path path, CsvOptions options) {
        writeCsv(path, org.spillway.frame.delta.SaveMode.OVERWRITE, options);
    }

    /**
     * Writes the frame as one CSV file with {@code options}, doing {@code mode} if the file exists:
     * {@code OVERWRITE} replaces it; {@code ERROR_IF_EXISTS} fails before computing anything; {@code IGNORE} does
     * nothing (the frame is not computed); {@code APPEND} adds the rows after the existing ones without a second header,
     * after checking that the file's header names the frame's columns in order (an error naming both otherwise), and
     * creates the file if it does not exist. Every mode is atomic: the rows go to a temporary file that replaces the
     * target in one step, so a failed or killed write leaves the previous file exactly as it was; an append copies the
     * existing file into the temporary file first (a copy of the old file per append). See
     * {@link CsvWriter.Mode}.
     */
    public void writeCsv(Path path, org.spillway.frame.delta.SaveMode mode, CsvOptions options) {
        java.util.Objects.requireNonNull(mode, "mode");
        if (mode == org.spillway.frame.delta.SaveMode.IGNORE && java.nio.file.Files.exists(path)) {
            return;
        }
        CsvWriter w = CsvWriter.open(path, schema(), options, CsvWriter.Mode.valueOf(mode.name()), session()::stageOutput);
        try {
            // streamed: chunks are encoded in parallel (one encoder per worker) and appended in row order
            ThreadLocal<CsvWriter> encoders = ThreadLocal.withInitial(() -> CsvWriter.encoder(schema(), options));
            mapChunksOrdered(c -> new Object[] {encoders.get().encode(c), c.rows()}, e -> w.writeEncoded((byte[]) e[0], (Integer) e[1]));
            w.close();
        } catch (RuntimeException | Error e) {
            w.abort();
            throw e;
        }
    }

    /** {@link #writeParquet(Path, org.spillway.frame.io.ParquetWriteOptions)} with the default options (ZSTD, 1 MiB pages, ...). */
    public void writeParquet(String path) {
        writeParquet(Path.of(path), org.spillway.frame.io.ParquetWriteOptions.defaults());
    }

    /**
     * Writes the frame as Parquet with {@code options}: one file when the path ends in
     * {@code .parquet}; otherwise a directory of {@code part-NNNNN-<uuid>.parquet} files and a
     * {@code _SUCCESS} marker, Hive-partitioned ({@code a=1/b=x/}) when
     * {@link org.spillway.frame.io.ParquetWriteOptions#withPartitionBy(String...)} names columns.
     * Row groups are encoded in parallel; rows keep their order. The result appears atomically and
     * replaces an existing file, or a directory that holds only a Parquet dataset (any other
     * directory is refused); a failed write leaves the previous target untouched and no staging
     * files behind. See {@link org.spillway.frame.io.parquet.ParquetWriteJob}.
     */
    public void writeParquet(Path path, org.spillway.frame.io.ParquetWriteOptions options) {
        org.spillway.frame.io.parquet.ParquetWriteJob.write(new ParquetWriteInput(this), path, options);
    }

    /** Writes the frame to the Delta Lake table at {@code path}: creates it, or appends to it. */
    public void writeDelta(String path) {
        writeDelta(path, org.spillway.frame.delta.SaveMode.APPEND);
    }

    /** Writes the frame to the Delta Lake table at {@code path} in {@code mode}. */
    public void writeDelta(String path, org.spillway.frame.delta.SaveMode mode) {
        writeDelta(path, mode, org.spillway.frame.delta.DeltaWriteOptions.defaults());
    }

    /** {@link #writeDelta(Path, org.spillway.frame.delta.SaveMode, org.spillway.frame.delta.DeltaWriteOptions)} by path text. */
    public void writeDelta(String path, org.spillway.frame.delta.SaveMode mode, org.spillway.frame.delta.DeltaWriteOptions options) {
        writeDelta(Path.of(path), mode, options);
    }

    /**
     * Writes the frame to the Delta Lake table at {@code path} (Parquet data files, then one atomic
     * commit): {@code mode} says what happens to an existing table, {@code options} carry schema merging,
     * partitions, an idempotent transaction id and Parquet options. A mismatched append is rejected and
     * the table is unchanged; see {@link org.spillway.frame.delta.DeltaTable} and its package.
     */
    public void writeDelta(Path path, org.spillway.frame.delta.SaveMode mode, org.spillway.frame.delta.DeltaWriteOptions options) {
        org.spillway.frame.delta.DeltaTableWrites.write(this, ParquetWriteInput::new, path, mode, options);
    }

    /** Runs the plan into stored chunks (unless already stored) and visits them in row order, one pinned at a time. */
    private void forEachChunkInOrder(java.util.function.Consumer<Chunk> visit) {
        StoredFrame f;
        boolean temporary;
        if (plan instanceof LogicalPlan.ChunkScan s && s.projection() == null && s.skipFilter() == null) {
            f = s.frame();
            temporary = false;
        } else {
            f = session.executor().collect(Optimizer.optimize(plan));
            temporary = true;
        }
        try {
            for (ChunkHandle h : f.chunks()) {
                try (PinnedChunk p = h.pin()) {
                    visit.accept(p.chunk());
                }
            }
        } finally {
            if (temporary) {
                f.close();
            }
        }
    }

    /** The type of a column. */
    public DataType type(String column) {
        int i = schema().indexOf(column);
        if (i < 0) {
            throw new ColumnNotFoundException(column, columns());
        }
        return schema().type(i);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("DataFrame[");
        Schema s = schema();
        for (int i = 0; i < s.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(s.field(i).name()).append(": ").append(s.type(i));
        }
        return sb.append(']').toString();
    }
}
