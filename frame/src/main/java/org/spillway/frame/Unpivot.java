package org.spillway.frame;

import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.lit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.spillway.frame.Expr.CaseWhen;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * The plan of {@link DataFrame#unpivot}: the frame crossed with a small frame of the value columns' names, and
 * one {@code CASE} picking, for each output row, the column its name says. Output rows come in input order,
 * each input row's values in the order of the value columns (as Spark and DuckDB give them).
 */
final class Unpivot {
    private Unpivot() {
    }

    static DataFrame of(DataFrame frame, List<String> ids, List<String> values, String variableColumn, String valueColumn) {
        Schema s = frame.schema();
        if (values.isEmpty()) {
            throw new SpillwayException("unpivot: no value columns (every column is an id column)");
        }
        Set<String> seen = new HashSet<>();
        for (String c : concat(ids, values)) {
            if (s.indexOf(c) < 0) {
                throw new ColumnNotFoundException(c, s.names());
            }
            if (!seen.add(c)) {
                throw new SpillwayException("unpivot: column '" + c + "' is named twice (as an id or a value column)");
            }
        }
        for (String out : List.of(variableColumn, valueColumn)) {
            if (ids.contains(out)) {
                throw new SpillwayException("unpivot: the output column name '" + out + "' is also an id column; choose another");
            }
        }
        if (variableColumn.equals(valueColumn)) {
            throw new SpillwayException("unpivot: the variable and value columns need different names, not both '" + valueColumn + "'");
        }
        DataType type = commonType(s, values);
        List<Object[]> names = new ArrayList<>();
        for (String v : values) {
            names.add(new Object[] {v});
        }
        // the names frame's column must clash with nothing on the left: its name is private until the select
        String tag = "__unpivot_variable";
        while (s.indexOf(tag) >= 0) {
            tag = "_" + tag;
        }
        DataFrame nameFrame = frame.session().createDataFrame(Schema.of(new Field(tag, DataType.STRING)), names);
        CaseWhen pick = null;
        for (String v : values) {
            Expr value = s.type(s.indexOf(v)).equals(type) ? col(v) : col(v).cast(type);
            pick = pick == null ? Functions.when(col(tag).eq(lit(v)), value) : pick.when(col(tag).eq(lit(v)), value);
        }
        List<Expr> select = new ArrayList<>();
        for (String id : ids) {
            select.add(col(id));
        }
        select.add(col(tag).as(variableColumn));
        select.add(pick.as(valueColumn));
        return frame.select(concat(ids, values).toArray(String[]::new)).crossJoin(nameFrame).select(select.toArray(Expr[]::new));
    }

    /** The type all value columns convert to: one type, or numbers widened (int32 to int64 to float64). */
    private static DataType commonType(Schema s, List<String> values) {
        DataType t = null;
        for (String v : values) {
            DataType c = s.type(s.indexOf(v));
            if (t == null || t.equals(c)) {
                t = c;
            } else if (t.isNumeric() && c.isNumeric()) {
                t = t == DataType.FLOAT64 || c == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.INT64;
            } else {
                StringBuilder types = new StringBuilder();
                for (String w : values) {
                    types.append(types.isEmpty() ? "" : ", ").append(w).append(' ').append(s.type(s.indexOf(w)));
                }
                throw new SpillwayException("unpivot: the value columns must share a type (numbers may mix), but they are "
                        + types + "; cast them first, e.g. withColumn(c, col(c).cast(DataType.STRING))");
            }
        }
        return t;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
