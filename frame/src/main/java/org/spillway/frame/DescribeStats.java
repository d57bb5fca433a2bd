package org.spillway.frame;

import java.util.ArrayList;
import java.util.List;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * The statistics of {@link DataFrame#describe()}: which columns it summarises, the aggregates that
 * compute every statistic of every column in one pass, and the table made from their one result row
 * (one row per statistic, one float64 column per summarised column). Running the aggregation is left
 * to {@link DataFrame}, so this class needs neither the plan nor the executor.
 */
final class DescribeStats {
    /** The statistics, in the order of the result's rows. */
    private static final String[] STATS = {"count", "null_count", "mean", "std", "min", "25%", "50%", "75%", "max"};

    private DescribeStats() {
    }

    /**
     * The numeric columns of {@code schema}, in order.
     *
     * @throws SpillwayException if there is none
     */
    static List<String> numericColumns(Schema schema) {
        List<String> numeric = new ArrayList<>();
        for (int i = 0; i < schema.size(); i++) {
            if (schema.type(i).isNumeric()) {
                numeric.add(schema.field(i).name());
            }
        }
        if (numeric.isEmpty()) {
            throw new SpillwayException("describe() summarises numeric columns, and this frame has none: " + schema);
        }
        return numeric;
    }

    /**
     * The aggregates giving every statistic of {@code numeric}: the row count, then per column count,
     * mean, std, min, quartiles and max, named after the column's position ({@link #table} reads them
     * back by those names). Min and max are cast to float64, as every statistic is reported as one.
     */
    static AggregateExpr[] aggregates(List<String> numeric) {
        List<AggregateExpr> aggs = new ArrayList<>();
        aggs.add(Functions.count().as("__rows"));
        for (int c = 0; c < numeric.size(); c++) {
            String n = numeric.get(c);
            aggs.add(Functions.count(n).as("__" + c + "_count"));
            aggs.add(Functions.mean(n).as("__" + c + "_mean"));
            aggs.add(Functions.std(n).as("__" + c + "_std"));
            aggs.add(Functions.min(Functions.col(n).cast(DataType.FLOAT64)).as("__" + c + "_min"));
            aggs.add(Functions.quantile(n, 0.25).as("__" + c + "_q1"));
            aggs.add(Functions.quantile(n, 0.5).as("__" + c + "_q2"));
            aggs.add(Functions.quantile(n, 0.75).as("__" + c + "_q3"));
            aggs.add(Functions.max(Functions.col(n).cast(DataType.FLOAT64)).as("__" + c + "_max"));
        }
        return aggs.toArray(AggregateExpr[]::new);
    }

    /** The result's columns: {@code statistic}, then one float64 column per summarised column. */
    static Schema schema(List<String> numeric) {
        List<Field> fields = new ArrayList<>();
        fields.add(new Field("statistic", DataType.STRING));
        for (String n : numeric) {
            fields.add(new Field(n, DataType.FLOAT64));
        }
        return new Schema(fields);
    }

    /** The result's rows, one per statistic, from the one row {@link #aggregates} produced. */
    static List<Object[]> table(Row r, List<String> numeric) {
        List<Object[]> out = new ArrayList<>();
        long rows = r.getLong("__rows");
        for (String stat : STATS) {
            Object[] row = new Object[numeric.size() + 1];
            row[0] = stat;
            for (int c = 0; c < numeric.size(); c++) {
                String p = "__" + c + "_";
                row[c + 1] = switch (stat) {
                    case "count" -> (double) r.getLong(p + "count");
                    case "null_count" -> (double) (rows - r.getLong(p + "count"));
                    case "mean" -> r.get(p + "mean");
                    case "std" -> r.get(p + "std");
                    case "min" -> r.get(p + "min");
                    case "25%" -> r.get(p + "q1");
                    case "50%" -> r.get(p + "q2");
                    case "75%" -> r.get(p + "q3");
                    default -> r.get(p + "max");
                };
            }
            out.add(row);
        }
        return out;
    }
}
