package org.spillway.frame;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;

/**
 * An aggregate over the rows of a group (or of the whole frame), built with the static functions
 * in {@link Functions} ({@code count()}, {@code sum("v1")}, {@code mean(col("v3"))}, ...) and named
 * with {@link #as}. Nulls are skipped, as in SQL; an aggregate over no non-null value is null
 * (except the counts, which are 0).
 *
 * <p>Result types: counts are int64; {@code sum} of integers is int64 (an overflow of int64 is an
 * error, never a silent wrap), of float64 is float64; {@code min}, {@code max}, {@code first},
 * {@code last} keep the input type; every statistic ({@code mean}, {@code var}, {@code std},
 * {@code median}, {@code quantile}, {@code corr}) is float64.
 */
public final class AggregateExpr {
    /** The aggregate functions. */
    public enum Kind {
        /** Rows in the group. */
        COUNT_ALL("count"),
        /** Non-null values. */
        COUNT("count"),
        /** Distinct non-null values. */
        COUNT_DISTINCT("count_distinct"),
        /** Sum. */
        SUM("sum"),
        /** Arithmetic mean. */
        MEAN("mean"),
        /** Smallest value. */
        MIN("min"),
        /** Largest value. */
        MAX("max"),
        /** First non-null value in input order. */
        FIRST("first"),
        /** Last non-null value in input order. */
        LAST("last"),
        /** The value of the group's first row in input order, null or not. */
        FIRST_ROW("first_row"),
        /** Sample variance (n - 1). */
        VAR("var"),
        /** Population variance (n). */
        VAR_POP("var_pop"),
        /** Sample standard deviation. */
        STD("std"),
        /** Population standard deviation. */
        STD_POP("std_pop"),
        /** The interpolated 0.5 quantile. */
        MEDIAN("median"),
        /** An interpolated quantile. */
        QUANTILE("quantile"),
        /** Pearson correlation. */
        CORR("corr"),
        /** The k largest (or smallest) values, one output row each: see {@link GroupedData#topK}. */
        TOP_K("top_k");

        private final String fn;

        Kind(String fn) {
            this.fn = fn;
        }

        /** True for aggregates whose state is not of fixed size (they need every value). */
        public boolean isHolistic() {
            return this == COUNT_DISTINCT || this == MEDIAN || this == QUANTILE || this == TOP_K;
        }
    }

    private final Kind kind;
    private final Expr input;
    private final Expr input2;
    private final double q;
    private final String alias;
    private final int k;
    private final boolean descending;

    AggregateExpr(Kind kind, Expr input, Expr input2, double q, String alias) {
        this(kind, input, input2, q, alias, 0, false);
    }

    /** The top-k aggregate behind {@link GroupedData#topK}. */
    static AggregateExpr topK(int k, SortOrder order) {
        if (k < 1) {
            throw new SpillwayException("topK(" + k + ", ...): k must be at least 1");
        }
        return new AggregateExpr(Kind.TOP_K, order.expr(), null, Double.NaN, order.expr().name(), k, !order.ascending());
    }

    /** For top-k: how many values per group. */
    public int k() {
        return k;
    }

    /** For top-k: true for the largest values. */
    public boolean descending() {
        return descending;
    }

    private AggregateExpr(Kind kind, Expr input, Expr input2, double q, String alias, int k, boolean descending) {
        this.kind = kind;
        this.k = k;
        this.descending = descending;
        this.input = input;
        this.input2 = input2;
        this.q = q;
        this.alias = alias;
        if (kind == Kind.QUANTILE && !(q >= 0 && q <= 1)) {
            throw new SpillwayException("quantile(" + input + ", " + q + "): q must be between 0 and 1");
        }
    }

    /** The same aggregate under the output name {@code name}. */
    public AggregateExpr as(String name) {
        return new AggregateExpr(kind, input, input2, q, Objects.requireNonNull(name, "name"), k, descending);
    }

    /** Same as {@link #as}. */
    public AggregateExpr alias(String name) {
        return as(name);
    }

    /**
     * This aggregate over a window (Spark's {@code sum("x").over(w)}): for each row, the aggregate over its window
     * frame (see {@link WindowSpec}); every aggregate but {@code corr} and {@code topK} (see {@link WindowFunction}).
     */
    public Expr over(WindowSpec window) {
        return new WindowFunction(WindowFunction.Kind.AGGREGATE, null, 0, null, this).over(window);
    }

    /** The function. */
    public Kind kind() {
        return kind;
    }

    /** The input expression (null for {@code count()}). */
    public Expr input() {
        return input;
    }

    /** The second input ({@code corr} only), or null. */
    public Expr input2() {
        return input2;
    }

    /** The quantile ({@code quantile}: as given; {@code median}: 0.5). */
    public double q() {
        return kind == Kind.MEDIAN ? 0.5 : q;
    }

    /** The output column name: the alias, or e.g. {@code sum(v1)}. */
    public String name() {
        return alias != null ? alias : toString();
    }

    /** The columns the aggregate reads. */
    public Set<String> columns() {
        Set<String> out = new java.util.LinkedHashSet<>();
        if (input != null) {
            input.collectColumns(out);
        }
        if (input2 != null) {
            input2.collectColumns(out);
        }
        return out;
    }

    /**
     * The result type over {@code schema}.
     *
     * @throws SpillwayException if the input type does not suit the function
     */
    public DataType type(Schema schema) {
        DataType t = input == null ? null : input.type(schema);
        return switch (kind) {
            case COUNT_ALL, COUNT, COUNT_DISTINCT -> DataType.INT64;
            case SUM -> {
                if (t != null && t.kind() == DataType.Kind.DECIMAL) {
                    yield DataType.decimal(DataType.MAX_DECIMAL64_PRECISION, t.scale()); // exact; overflow is an error
                }
                if (t != null && t.kind() == DataType.Kind.DECIMAL128) {
                    throw new SpillwayException(String.format(Locale.ROOT, "%s: sums of decimals wider than 18 digits are not"
                            + " supported yet (%s is %s); cast it to a decimal of at most 18 digits for an exact sum, or to"
                            + " float64", this, input, t));
                }
                numeric(t, input);
                yield t == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.INT64;
            }
            case MIN, MAX, FIRST, LAST, FIRST_ROW -> t;
            case TOP_K -> {
                numeric(t, input);
                yield t;
            }
            case MEAN, VAR, VAR_POP, STD, STD_POP, MEDIAN, QUANTILE -> {
                numericOrDecimal(t, input);
                yield DataType.FLOAT64;
            }
            case CORR -> {
                numericOrDecimal(t, input);
                numericOrDecimal(input2.type(schema), input2);
                yield DataType.FLOAT64;
            }
        };
    }

    private void numericOrDecimal(DataType t, Expr e) {
        if (t == null || !t.isDecimal()) {
            numeric(t, e);
        }
    }

    /**
     * This aggregate with decimal inputs cast to float64 where it computes a float64 statistic (mean,
     * var, std, median, quantile, corr), keeping its output name; otherwise this aggregate. The
     * aggregate operators then see numbers only.
     */
    public AggregateExpr decimalsAsDouble(Schema schema) {
        boolean statistic = switch (kind) {
            case MEAN, VAR, VAR_POP, STD, STD_POP, MEDIAN, QUANTILE, CORR -> true;
            default -> false;
        };
        if (!statistic) {
            return this;
        }
        Expr i1 = asDouble(input, schema);
        Expr i2 = input2 == null ? null : asDouble(input2, schema);
        if (i1 == input && i2 == input2) {
            return this;
        }
        return new AggregateExpr(kind, i1, i2, q, name(), k, descending);
    }

    private static Expr asDouble(Expr e, Schema schema) {
        return e.type(schema).isDecimal() ? new Expr.CastExpr(e, DataType.FLOAT64) : e;
    }

    private void numeric(DataType t, Expr e) {
        if (t == null || !t.isNumeric()) {
            throw new SpillwayException(String.format(Locale.ROOT, "%s needs a numeric input, but %s is %s", this, e, t));
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case COUNT_ALL -> "count";
            case QUANTILE -> "quantile(" + input.name() + ", " + q + ")";
            case CORR -> "corr(" + input.name() + ", " + input2.name() + ")";
            case TOP_K -> "top_k(" + input.name() + ", " + k + (descending ? ", desc" : ", asc") + ")";
            default -> kind.fn + "(" + input.name() + ")";
        };
    }
}
