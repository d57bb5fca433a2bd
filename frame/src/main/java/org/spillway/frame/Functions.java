package org.spillway.frame;

import org.spillway.frame.Expr.CaseWhen;
import org.spillway.frame.Expr.ColumnRef;
import org.spillway.frame.Expr.Literal;
import org.spillway.frame.udf.VectorFunction;

/**
 * Static factories for expressions, meant for {@code import static org.spillway.frame.Functions.*}
 * ({@code ./spillway shell} does this for you).
 */
public final class Functions {
    private Functions() {
    }

    /** A reference to the column named {@code name}. */
    public static Expr col(String name) {
        return new ColumnRef(name);
    }

    /**
     * A literal: a number, String, Boolean, LocalDate, Instant, LocalDateTime, LocalTime (a time), byte[] (a binary
     * value) or null. An {@code Expr} is returned unchanged, so every method taking an operand accepts both.
     * A LocalDateTime is a timestamp literal (its wall clock read as UTC); compared with a timestamp_ntz column it is
     * that column's wall clock.
     */
    public static Expr lit(Object value) {
        return value instanceof Expr e ? e : new Literal(value);
    }

    /** Starts {@code when(cond).then(value).otherwise(value)}, Polars style. */
    public static CaseWhen.Pending when(Expr condition) {
        return new CaseWhen.Pending(java.util.List.of(), condition, null);
    }

    /** Starts {@code when(cond, value).when(...).otherwise(value)}; rows matching no branch get the otherwise value (null if none). */
    public static CaseWhen when(Expr condition, Object value) {
        return new CaseWhen(java.util.List.of(new CaseWhen.Branch(condition, lit(value))), null);
    }

    /**
     * A call of a vectorised user-defined function: an expression whose values {@code function}
     * computes chunk by chunk (see {@link VectorFunction} for its protocol).
     */
    public static Expr udf(VectorFunction function) {
        return new Expr.UdfCall(function);
    }

    // ---- joins --------------------------------------------------------------------------------

    /** Join keys named alike on both sides, each kept once in the result (SQL {@code USING}); see {@link JoinOn}. */
    public static JoinOn on(String... columns) {
        return JoinOn.using(columns);
    }

    /** The join key pair {@code left = right} (add more with {@link JoinOn#and}); both columns stay in the result. */
    public static JoinOn on(Expr left, Expr right) {
        return JoinOn.pair(left, right);
    }

    // ---- aggregates (for groupBy(...).agg(...) and agg(...)) --------------------------------

    private static Expr in(Object column) {
        return column instanceof String s ? col(s) : lit(column);
    }

    /**
     * The one-input aggregate {@code kind} of a column (name) or expression. Each public factory
     * below is one call of this (or of the general form), so that they differ only in name, kind
     * and Javadoc: the user-facing names stay explicit, the construction is written once.
     */
    private static AggregateExpr agg(AggregateExpr.Kind kind, Object column) {
        return agg(kind, in(column), null, Double.NaN);
    }

    /** Aggregate {@code kind} of {@code input} (null for {@code count()}), {@code input2} (corr) and {@code q} (quantile). */
    private static AggregateExpr agg(AggregateExpr.Kind kind, Expr input, Expr input2, double q) {
        return new AggregateExpr(kind, input, input2, q, null);
    }

    /** The number of rows (of the group). */
    public static AggregateExpr count() {
        return agg(AggregateExpr.Kind.COUNT_ALL, null, null, Double.NaN);
    }

    /** The number of non-null values of a column (name) or expression. */
    public static AggregateExpr count(Object column) {
        return agg(AggregateExpr.Kind.COUNT, column);
    }

    /** The number of distinct non-null values. */
    public static AggregateExpr countDistinct(Object column) {
        return agg(AggregateExpr.Kind.COUNT_DISTINCT, column);
    }

    /** The sum of the non-null values: int64 for integers (overflow is an error), float64 for float64. */
    public static AggregateExpr sum(Object column) {
        return agg(AggregateExpr.Kind.SUM, column);
    }

    /** The arithmetic mean. */
    public static AggregateExpr mean(Object column) {
        return agg(AggregateExpr.Kind.MEAN, column);
    }

    /** Same as {@link #mean}. */
    public static AggregateExpr avg(Object column) {
        return mean(column);
    }

    /** The smallest value (strings by UTF-8 bytes; NaN is larger than every number). */
    public static AggregateExpr min(Object column) {
        return agg(AggregateExpr.Kind.MIN, column);
    }

    /** The largest value. */
    public static AggregateExpr max(Object column) {
        return agg(AggregateExpr.Kind.MAX, column);
    }

    /** The first non-null value in input order (Spark's {@code first(col, ignoreNulls = true)}). */
    public static AggregateExpr first(Object column) {
        return agg(AggregateExpr.Kind.FIRST, column);
    }

    /** The value of the group's first row in input order, even if null (what {@code dropDuplicates} keeps). */
    public static AggregateExpr firstRow(Object column) {
        return agg(AggregateExpr.Kind.FIRST_ROW, column);
    }

    /** The last non-null value in input order. */
    public static AggregateExpr last(Object column) {
        return agg(AggregateExpr.Kind.LAST, column);
    }

    /** The sample standard deviation (n - 1 in the denominator; null for fewer than two values). */
    public static AggregateExpr std(Object column) {
        return agg(AggregateExpr.Kind.STD, column);
    }

    /** Same as {@link #std}. */
    public static AggregateExpr stddev(Object column) {
        return std(column);
    }

    /** The population standard deviation (n in the denominator). */
    public static AggregateExpr stdPop(Object column) {
        return agg(AggregateExpr.Kind.STD_POP, column);
    }

    /** The sample variance. */
    public static AggregateExpr var(Object column) {
        return agg(AggregateExpr.Kind.VAR, column);
    }

    /** Same as {@link #var}. */
    public static AggregateExpr variance(Object column) {
        return var(column);
    }

    /** The population variance. */
    public static AggregateExpr varPop(Object column) {
        return agg(AggregateExpr.Kind.VAR_POP, column);
    }

    /** The median: the interpolated 0.5 quantile, as pandas and DuckDB compute it. */
    public static AggregateExpr median(Object column) {
        return agg(AggregateExpr.Kind.MEDIAN, column);
    }

    /** The {@code q} quantile with linear interpolation between the closest ranks. */
    public static AggregateExpr quantile(Object column, double q) {
        return agg(AggregateExpr.Kind.QUANTILE, in(column), null, q);
    }

    /**
     * Pearson's correlation of {@code a} and {@code b} over rows where both are non-null: null without such rows,
     * NaN when either has zero variance (as DuckDB).
     */
    public static AggregateExpr corr(Object a, Object b) {
        return agg(AggregateExpr.Kind.CORR, in(a), in(b), Double.NaN);
    }

    // ---- orderings -------------------------------------------------------------------------

    /** Ascending order on a column (name) or expression, nulls last (as DuckDB and Polars). */
    public static SortOrder asc(Object column) {
        return new SortOrder(in(column), true, false);
    }

    /** Descending order, nulls last. */
    public static SortOrder desc(Object column) {
        return new SortOrder(in(column), false, false);
    }
}
