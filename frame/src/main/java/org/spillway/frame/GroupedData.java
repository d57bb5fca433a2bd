package org.spillway.frame;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.spillway.frame.plan.LogicalPlan;

/**
 * A frame grouped by key columns, from {@link DataFrame#groupBy}; {@link #agg} turns it into a
 * lazy frame with one row per distinct key (nulls form their own group) holding the keys, then
 * the aggregates. Group order in the result is unspecified, as in SQL: sort it if order matters.
 *
 * <pre>{@code
 * x.groupBy("id1", "id2").agg(sum("v1").as("v1"), mean("v3"), count().as("n"))
 * }</pre>
 */
public final class GroupedData {
    private final DataFrame frame;
    private final List<Expr> keys;

    GroupedData(DataFrame frame, List<Expr> keys) {
        this.frame = frame;
        this.keys = List.copyOf(keys);
    }

    /** The grouping expressions. */
    public List<Expr> keys() {
        return keys;
    }

    /** One row per group: the keys, then each aggregate. */
    public DataFrame agg(AggregateExpr... aggs) {
        return frame.withPlan(() -> LogicalPlan.Aggregate.of(frame.plan(), keys, Arrays.asList(aggs)));
    }

    /**
     * The {@code k} first values of each group in {@code order}: up to {@code k} rows per group
     * holding the keys and the ordered column (under its own name), best first within a group.
     * {@code x.groupBy("id6").topK(2, desc("v3"))} is db-benchmark's "largest two v3 by id6". Nulls
     * are skipped; a numeric column is required. Runs out of core like the other holistic
     * aggregates.
     */
    public DataFrame topK(int k, SortOrder order) {
        return agg(AggregateExpr.topK(k, order));
    }

    /**
     * Pivots on {@code column} with the given values: {@code groupBy("year").pivot("quarter", List.of("Q1", "Q2")).agg(sum("x"))}
     * gives one column per value (see {@link PivotedData}). Values not listed are left out; a null value collects the rows
     * where the column is null.
     *
     * @throws SpillwayException if the column is missing, is a grouping key, or a value is given twice
     */
    public PivotedData pivot(String column, List<?> values) {
        pivotColumn(column);
        return new PivotedData(this, column, values);
    }

    /**
     * Pivots on {@code column} with its distinct values, in ascending order (nulls last), as Spark does without values:
     * this runs a query for them first, so giving the values ({@link #pivot(String, List)}) is cheaper when known.
     *
     * @throws SpillwayException if the column is missing, is a grouping key, or has more than {@link PivotedData#MAX_VALUES}
     *                           distinct values
     */
    public PivotedData pivot(String column) {
        pivotColumn(column);
        DataFrame distinct = frame.select(column).distinct().sort(Functions.asc(column)).limit(PivotedData.MAX_VALUES + 1L);
        return new PivotedData(this, column, distinct.column(column));
    }

    private void pivotColumn(String column) {
        if (!frame.columns().contains(column)) {
            throw new ColumnNotFoundException(column, frame.columns());
        }
        for (Expr k : keys) {
            if (k instanceof Expr.ColumnRef c && c.column().equals(column)) {
                throw new SpillwayException("pivot(\"" + column + "\"): the pivot column is a grouping key; group by the others");
            }
        }
    }

    /** One row per group: the keys and {@code count}, the group's row count. */
    public DataFrame count() {
        return agg(Functions.count().as("count"));
    }

    /** {@code sum(c)} per group for each named column. */
    public DataFrame sum(String... columns) {
        return each(columns, Functions::sum);
    }

    /** {@code mean(c)} per group for each named column. */
    public DataFrame mean(String... columns) {
        return each(columns, Functions::mean);
    }

    /** {@code min(c)} per group for each named column. */
    public DataFrame min(String... columns) {
        return each(columns, Functions::min);
    }

    /** {@code max(c)} per group for each named column. */
    public DataFrame max(String... columns) {
        return each(columns, Functions::max);
    }

    private DataFrame each(String[] columns, java.util.function.Function<Object, AggregateExpr> f) {
        if (columns.length == 0) {
            throw new SpillwayException("Name at least one column to aggregate");
        }
        List<AggregateExpr> out = new ArrayList<>();
        for (String c : columns) {
            out.add(f.apply(c));
        }
        return agg(out.toArray(AggregateExpr[]::new));
    }
}
