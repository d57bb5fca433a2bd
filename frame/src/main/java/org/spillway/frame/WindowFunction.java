package org.spillway.frame;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;

/**
 * A window function before its window: a ranking function ({@link Functions#rowNumber()}, {@link Functions#rank()},
 * {@link Functions#denseRank()}, {@link Functions#percentRank()}, {@link Functions#cumeDist()},
 * {@link Functions#ntile}), an offset function ({@link Functions#lag}, {@link Functions#lead}), a value function of
 * the frame ({@link Functions#firstValue}, {@link Functions#lastValue}, {@link Functions#nthValue}) or an aggregate
 * ({@link AggregateExpr#over}). {@link #over} gives the expression for {@code withColumn}/{@code select}.
 *
 * <p>Results: the ranks and {@code ntile} are int64 (1-based; {@code rank} leaves gaps after ties, {@code denseRank}
 * does not), {@code percentRank} is float64 ({@code (rank - 1) / (rows in partition - 1)}, 0 for a partition of one
 * row), {@code cumeDist} float64 (rows up to the current row's last peer / rows in partition), {@code lag}/{@code lead}
 * have their column's type (the default, or null, where the row is missing), and so do the value functions (the value
 * at the frame's first, last or n-th row, null where the frame has no such row; nulls count as values unless
 * {@code ignoreNulls}). Ranking and offset functions need an ordered window and ignore the frame; the value functions
 * and the aggregates use it.
 *
 * <p>The aggregates over a window: every aggregate of the group by but {@code corr} and {@code topK}: {@code count},
 * {@code count()}, {@code countDistinct}, {@code sum}, {@code mean}, {@code min}, {@code max}, {@code first},
 * {@code last} (the frame's first/last non-null value), {@code firstRow}, {@code var}, {@code varPop}, {@code std},
 * {@code stdPop}, {@code median}, {@code quantile}; nulls skipped, null over no value, counts 0, with
 * {@link AggregateExpr}'s result types (a sum of a decimal of up to 18 digits is an exact decimal). Cost per partition
 * of {@code n} rows, for every frame: O(n) for the counts, sums, means (prefix sums), min and max (a monotonic deque),
 * first and last, and {@code countDistinct} (a hash multiset of the frame, which only slides forward); O(n log n) for
 * the variances and deviations (a segment tree of partial moments, merged as Chan et al.) and the quantiles (a
 * Fenwick tree over the ranks of the partition's values).
 */
public final class WindowFunction {
    /** The functions. */
    public enum Kind {
        /** Position in the partition, from 1. */
        ROW_NUMBER("row_number"),
        /** 1 + rows before the current row's peers. */
        RANK("rank"),
        /** 1 + distinct order values before the current row's. */
        DENSE_RANK("dense_rank"),
        /** (rank - 1) / (partition rows - 1). */
        PERCENT_RANK("percent_rank"),
        /** Rows up to the current row's last peer / partition rows. */
        CUME_DIST("cume_dist"),
        /** The value at the frame's first row. */
        FIRST_VALUE("first_value"),
        /** The value at the frame's last row. */
        LAST_VALUE("last_value"),
        /** The value at the frame's n-th row. */
        NTH_VALUE("nth_value"),
        /** The bucket (1 to n) of n as-equal-as-possible buckets. */
        NTILE("ntile"),
        /** The value {@code offset} rows before. */
        LAG("lag"),
        /** The value {@code offset} rows after. */
        LEAD("lead"),
        /** An aggregate over the frame. */
        AGGREGATE("aggregate");

        private final String sql;

        Kind(String sql) {
            this.sql = sql;
        }
    }

    private final Kind kind;
    private final Expr input;
    private final int offset;
    private final Object defaultValue;
    private final AggregateExpr aggregate;
    private final boolean ignoreNulls;

    WindowFunction(Kind kind, Expr input, int offset, Object defaultValue, AggregateExpr aggregate) {
        this(kind, input, offset, defaultValue, aggregate, false);
    }

    WindowFunction(Kind kind, Expr input, int offset, Object defaultValue, AggregateExpr aggregate, boolean ignoreNulls) {
        this.ignoreNulls = ignoreNulls;
        this.kind = Objects.requireNonNull(kind, "kind");
        this.input = input;
        this.offset = offset;
        this.defaultValue = defaultValue;
        this.aggregate = aggregate;
        if (kind == Kind.NTILE && offset < 1) {
            throw new SpillwayException("ntile(" + offset + "): the number of buckets must be at least 1");
        }
        if ((kind == Kind.LAG || kind == Kind.LEAD) && offset < 0) {
            throw new SpillwayException(kind.sql + "(" + input + ", " + offset + "): the offset must not be negative");
        }
        if (kind == Kind.NTH_VALUE && offset < 1) {
            throw new SpillwayException("nthValue(" + input + ", " + offset + "): n counts from 1");
        }
        if (kind == Kind.AGGREGATE) {
            switch (aggregate.kind()) {
                case CORR, TOP_K -> throw new SpillwayException(aggregate + " over a window is not supported; the window"
                        + " aggregates are count, countDistinct, sum, mean, min, max, first, last, firstRow, var, varPop,"
                        + " std, stdPop, median and quantile");
                default -> { }
            }
        }
    }

    /** This function over the window {@code window}: an expression for {@code withColumn} and {@code select}. */
    public Expr over(WindowSpec window) {
        Objects.requireNonNull(window, "window");
        boolean frameFunction = kind == Kind.AGGREGATE || kind == Kind.FIRST_VALUE || kind == Kind.LAST_VALUE
                || kind == Kind.NTH_VALUE;
        if (!frameFunction && window.orderKeys().isEmpty()) {
            throw new SpillwayException(this + " needs an ordered window, e.g. Window.partitionBy(...).orderBy(\"ts\")");
        }
        return new Expr.WindowExpr(this, window);
    }

    /** The function. */
    public Kind kind() {
        return kind;
    }

    /** The column expression read by {@code lag}/{@code lead} (else null; an aggregate's is {@link #aggregate()}'s input). */
    public Expr input() {
        return input;
    }

    /** True for {@code firstValue}/{@code lastValue}/{@code nthValue} skipping nulls. */
    public boolean ignoreNulls() {
        return ignoreNulls;
    }

    /** {@code lag}/{@code lead}'s offset, {@code ntile}'s number of buckets, {@code nthValue}'s n. */
    public int offset() {
        return offset;
    }

    /** {@code lag}/{@code lead}'s value where the row is missing (null: null). */
    public Object defaultValue() {
        return defaultValue;
    }

    /** The aggregate ({@link Kind#AGGREGATE} only). */
    public AggregateExpr aggregate() {
        return aggregate;
    }

    /** The columns the function reads. */
    public Set<String> columns() {
        if (aggregate != null) {
            return aggregate.columns();
        }
        return input == null ? Set.of() : input.columns();
    }

    /** The result type over the input {@code schema}; a default of the wrong type for {@code lag}/{@code lead} is an error. */
    public DataType type(Schema schema) {
        return switch (kind) {
            case ROW_NUMBER, RANK, DENSE_RANK, NTILE -> DataType.INT64;
            case PERCENT_RANK, CUME_DIST -> DataType.FLOAT64;
            case FIRST_VALUE, LAST_VALUE, NTH_VALUE -> input.type(schema);
            case LAG, LEAD -> {
                DataType t = input.type(schema);
                if (defaultValue != null) {
                    DataType d = Literals.typeOf(defaultValue);
                    if (d != t && !(t.isNumeric() && defaultValue instanceof Number)) {
                        throw new SpillwayException(this + ": the default " + defaultValue + " is " + d + " but " + input
                                + " is " + t + "; give a default of the column's type");
                    }
                }
                yield t;
            }
            case AGGREGATE -> {
                DataType in = aggregate.input() == null ? null : aggregate.input().type(schema);
                boolean any = aggregate.kind() == AggregateExpr.Kind.COUNT || aggregate.kind() == AggregateExpr.Kind.FIRST_ROW;
                if (in != null && (in.kind() == DataType.Kind.DECIMAL128 || in == DataType.BINARY) && !any) {
                    throw new SpillwayException(aggregate + " over a window does not take " + in + " yet; cast "
                            + aggregate.input() + " to a decimal of at most 18 digits or to float64 first");
                }
                yield aggregate.type(schema);
            }
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case AGGREGATE -> aggregate.toString();
            case NTILE -> "ntile(" + offset + ")";
            case LAG, LEAD -> kind.sql + "(" + input + ", " + offset + (defaultValue == null ? "" : ", " + Functions.lit(defaultValue)) + ")";
            case FIRST_VALUE, LAST_VALUE -> kind.sql + "(" + input + (ignoreNulls ? " IGNORE NULLS" : "") + ")";
            case NTH_VALUE -> kind.sql + "(" + input + ", " + offset + (ignoreNulls ? " IGNORE NULLS" : "") + ")";
            default -> kind.sql.toLowerCase(Locale.ROOT) + "()";
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowFunction f && toString().equals(f.toString()) && kind == f.kind
                && (aggregate == null || aggregate.name().equals(f.aggregate.name()));
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
