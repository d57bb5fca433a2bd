package org.spillway.frame;

import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.lit;
import static org.spillway.frame.Functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A grouped frame pivoted on a column, from {@link GroupedData#pivot}: {@link #agg} gives one row per group
 * with the keys, then one column per pivot value (and aggregate), as Spark's
 * {@code groupBy(...).pivot(col, values).agg(...)} and DuckDB's {@code PIVOT}:
 *
 * <pre>{@code
 * sales.groupBy("year").pivot("quarter", List.of("Q1", "Q2", "Q3", "Q4")).agg(sum("amount"))
 * // year | Q1 | Q2 | Q3 | Q4
 * }</pre>
 *
 * <p>Each output column aggregates the group's rows whose pivot column equals the value (a null value
 * collects the rows where it is null); a value with no rows in a group gives what the aggregate gives for no
 * rows (null, or 0 for counts). With one aggregate the columns are named after the values (null as
 * {@code "null"}); with several, {@code <value>_<aggregate name>} (the aggregate's alias, or e.g.
 * {@code sum(amount)}), as in Spark. It runs as one ordinary group by of conditional aggregates.
 */
public final class PivotedData {
    /** The most values a pivot may have (Spark's {@code spark.sql.pivotMaxValues}). */
    public static final int MAX_VALUES = 10_000;

    private final GroupedData grouped;
    private final String column;
    private final List<Object> values;

    PivotedData(GroupedData grouped, String column, List<?> values) {
        this.grouped = grouped;
        this.column = column;
        if (values.size() > MAX_VALUES) {
            throw new SpillwayException("pivot(\"" + column + "\"): " + values.size() + " values, more than the " + MAX_VALUES
                    + " a pivot may have; filter the frame or pivot on fewer values");
        }
        Set<String> names = new HashSet<>();
        for (Object v : values) {
            if (!names.add(name(v))) {
                throw new SpillwayException("pivot(\"" + column + "\"): the value " + name(v) + " is given twice");
            }
        }
        this.values = new ArrayList<>(values); // (List.copyOf refuses nulls, a valid pivot value)
    }

    /** The pivot column. */
    public String column() {
        return column;
    }

    /** The pivot values, in output order. */
    public List<Object> values() {
        return java.util.Collections.unmodifiableList(values);
    }

    /**
     * One row per group: the keys, then for each pivot value each aggregate over the group's rows with that value.
     *
     * @throws SpillwayException if there is no aggregate, or one that cannot be pivoted (top-k, firstRow)
     */
    public DataFrame agg(AggregateExpr... aggs) {
        if (aggs.length == 0) {
            throw new SpillwayException("pivot(\"" + column + "\").agg(): give at least one aggregate");
        }
        List<AggregateExpr> out = new ArrayList<>();
        for (Object v : values) {
            Expr match = v == null ? col(column).isNull() : col(column).eq(lit(v));
            for (AggregateExpr a : aggs) {
                String name = aggs.length == 1 ? name(v) : name(v) + "_" + a.name();
                out.add(conditional(a, match).as(name));
            }
        }
        return grouped.agg(out.toArray(AggregateExpr[]::new));
    }

    /** {@code agg(count())}: the number of rows of each group and value. */
    public DataFrame count() {
        return agg(Functions.count());
    }

    /** {@code agg(sum(c))} of one column. */
    public DataFrame sum(String c) {
        return agg(Functions.sum(c));
    }

    /** {@code agg(mean(c))} of one column. */
    public DataFrame mean(String c) {
        return agg(Functions.mean(c));
    }

    /** {@code agg(min(c))} of one column. */
    public DataFrame min(String c) {
        return agg(Functions.min(c));
    }

    /** {@code agg(max(c))} of one column. */
    public DataFrame max(String c) {
        return agg(Functions.max(c));
    }

    /** {@code a} over the rows where {@code match} holds: its inputs are null elsewhere, and aggregates skip nulls. */
    private AggregateExpr conditional(AggregateExpr a, Expr match) {
        return switch (a.kind()) {
            case COUNT_ALL -> Functions.count(when(match, 1));
            case TOP_K, FIRST_ROW -> throw new SpillwayException("pivot(\"" + column + "\"): " + a.name()
                    + " cannot be pivoted (it does not skip nulls); use first(...) or an ordinary group by");
            default -> new AggregateExpr(a.kind(), when(match, a.input()), a.input2() == null ? null : when(match, a.input2()),
                    a.q(), null);
        };
    }

    private static String name(Object v) {
        return v == null ? "null" : DescribeStats.text(v);
    }

    @Override
    public String toString() {
        return "PivotedData(keys " + grouped.keys() + ", pivot " + column + " on " + Arrays.toString(values.toArray()) + ")";
    }
}
