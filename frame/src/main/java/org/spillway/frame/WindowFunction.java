package org.spillway.frame;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;

/**
 * A window function before its window: a ranking function ({@link Functions#rowNumber()}, {@link Functions#rank()},
 * {@link Functions#denseRank()}, {@link Functions#percentRank()}, {@link Functions#ntile}), an offset function
 * ({@link Functions#lag}, {@link Functions#lead}) or an aggregate ({@link AggregateExpr#over}). {@link #over} gives
 * the expression for {@code withColumn}/{@code select}.
 *
 * <p>Results: the ranks and {@code ntile} are int64 (1-based; {@code rank} leaves gaps after ties, {@code denseRank}
 * does not), {@code percentRank} is float64 ({@code (rank - 1) / (rows in partition - 1)}, 0 for a partition of one
 * row), {@code lag}/{@code lead} have their column's type (the default, or null, where the row is missing). The
 * aggregates over a window: {@code count}, {@code sum}, {@code mean}, {@code min}, {@code max} (nulls skipped, null
 * over no value; counts 0), with {@link AggregateExpr}'s result types. Ranking and offset functions need an ordered
 * window.
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

    WindowFunction(Kind kind, Expr input, int offset, Object defaultValue, AggregateExpr aggregate) {
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
        if (kind == Kind.AGGREGATE) {
            switch (aggregate.kind()) {
                case COUNT_ALL, COUNT, SUM, MEAN, MIN, MAX -> { }
                default -> throw new SpillwayException(aggregate + " over a window is not supported yet; the window"
                        + " aggregates are count, sum, mean, min and max");
            }
        }
    }

    /** This function over the window {@code window}: an expression for {@code withColumn} and {@code select}. */
    public Expr over(WindowSpec window) {
        Objects.requireNonNull(window, "window");
        if (kind != Kind.AGGREGATE && window.orderKeys().isEmpty()) {
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

    /** {@code lag}/{@code lead}'s offset, {@code ntile}'s number of buckets. */
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
            case PERCENT_RANK -> DataType.FLOAT64;
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
                if (in != null && (in.isDecimal() || in == DataType.BINARY) && aggregate.kind() != AggregateExpr.Kind.COUNT) {
                    throw new SpillwayException(aggregate + " over a window does not take " + in + " yet; cast "
                            + aggregate.input() + " to float64 (or int64) first");
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
