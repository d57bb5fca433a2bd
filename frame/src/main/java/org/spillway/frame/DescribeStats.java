package org.spillway.frame;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * The statistics of {@link DataFrame#describe()}: the aggregates that compute every statistic of every
 * column in one pass, and the table made from their one result row: one row per input column (as DuckDB's
 * {@code SUMMARIZE}), so that each statistic keeps its own type (counts int64, moments float64). Running the
 * aggregation is left to {@link DataFrame}, so this class needs neither the plan nor the executor.
 */
final class DescribeStats {
    /** The result's columns, in order. */
    static final Schema SCHEMA = Schema.of(new Field("column", DataType.STRING), new Field("type", DataType.STRING),
            new Field("count", DataType.INT64), new Field("null_count", DataType.INT64), new Field("distinct", DataType.INT64),
            new Field("min", DataType.STRING), new Field("max", DataType.STRING), new Field("mean", DataType.FLOAT64),
            new Field("std", DataType.FLOAT64), new Field("25%", DataType.FLOAT64), new Field("50%", DataType.FLOAT64),
            new Field("75%", DataType.FLOAT64));

    private DescribeStats() {
    }

    /** True for the types whose mean, std and quartiles are reported (numbers and decimals). */
    static boolean hasMoments(DataType t) {
        return t.isNumeric() || t.kind() == DataType.Kind.DECIMAL || t.kind() == DataType.Kind.DECIMAL128;
    }

    /** True for the types whose min and max are reported (all but binary). */
    static boolean hasRange(DataType t) {
        return t.kind() != DataType.Kind.BINARY;
    }

    /**
     * The aggregates giving every statistic of every column of {@code schema}: the row count, then per column
     * count, distinct count, min and max (where ordered) and mean, std and quartiles (where numeric), named
     * after the column's position ({@link #table} reads them back by those names).
     *
     * @throws SpillwayException if the frame has no columns
     */
    static AggregateExpr[] aggregates(Schema schema) {
        if (schema.size() == 0) {
            throw new SpillwayException("describe() needs at least one column; this frame has none");
        }
        List<AggregateExpr> aggs = new ArrayList<>();
        aggs.add(Functions.count().as("__rows"));
        for (int c = 0; c < schema.size(); c++) {
            String n = schema.field(c).name();
            DataType t = schema.type(c);
            aggs.add(Functions.count(n).as("__" + c + "_count"));
            aggs.add(Functions.countDistinct(n).as("__" + c + "_distinct"));
            if (hasRange(t)) {
                aggs.add(Functions.min(n).as("__" + c + "_min"));
                aggs.add(Functions.max(n).as("__" + c + "_max"));
            }
            if (hasMoments(t)) {
                aggs.add(Functions.mean(n).as("__" + c + "_mean"));
                aggs.add(Functions.std(n).as("__" + c + "_std"));
                aggs.add(Functions.quantile(n, 0.25).as("__" + c + "_q1"));
                aggs.add(Functions.quantile(n, 0.5).as("__" + c + "_q2"));
                aggs.add(Functions.quantile(n, 0.75).as("__" + c + "_q3"));
            }
        }
        return aggs.toArray(AggregateExpr[]::new);
    }

    /** The result's rows, one per column of {@code schema}, from the one row {@link #aggregates} produced. */
    static List<Object[]> table(Row r, Schema schema) {
        List<Object[]> out = new ArrayList<>();
        long rows = r.getLong("__rows");
        for (int c = 0; c < schema.size(); c++) {
            DataType t = schema.type(c);
            String p = "__" + c + "_";
            long count = r.getLong(p + "count");
            boolean range = hasRange(t);
            boolean moments = hasMoments(t);
            out.add(new Object[] {schema.field(c).name(), t.toString(), count, rows - count, r.getLong(p + "distinct"),
                    range ? text(r.get(p + "min")) : null, range ? text(r.get(p + "max")) : null,
                    moments ? r.get(p + "mean") : null, moments ? r.get(p + "std") : null,
                    moments ? r.get(p + "q1") : null, moments ? r.get(p + "q2") : null, moments ? r.get(p + "q3") : null});
        }
        return out;
    }

    /**
     * A value as the min and max columns show it: as Java prints it (numbers as Spark casts them to strings, dates
     * and times in ISO 8601, decimals plain), bytes in Base64; null stays null.
     */
    static String text(Object v) {
        return switch (v) {
            case null -> null;
            case java.math.BigDecimal d -> d.toPlainString();
            case byte[] b -> Base64.getEncoder().encodeToString(b);
            default -> v.toString();
        };
    }
}
