package org.spillway.frame.delta;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.spillway.frame.Expr;
import org.spillway.frame.Functions;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;

/** The new values of an update: every column of the table, changed ones replaced, each of the column's type. */
final class DeltaUpdates {
    private DeltaUpdates() {
    }

    /** The select list that turns a matching row into its updated form, in table order. */
    static Expr[] projection(Snapshot snap, Map<String, Expr> updates) {
        return projection(snap, updates, snap.schema(), Functions::col);
    }

    /**
     * The select list of the table's columns, in table order and types: the expression of
     * {@code values} (typed over {@code input}) where it has one, else {@code otherwise.apply(name)}.
     */
    static Expr[] projection(Snapshot snap, Map<String, Expr> values, Schema input, java.util.function.Function<String, Expr> otherwise) {
        Map<String, Expr> updates = values;
        Schema schema = snap.schema();
        for (String name : updates.keySet()) {
            if (schema.indexOf(name) < 0) {
                throw new DeltaException("Cannot update column '" + name + "' of table " + snap.log.table + ": it has no such column;"
                        + " its columns are " + schema.names());
            }
        }
        List<Expr> out = new ArrayList<>();
        for (int c = 0; c < schema.size(); c++) {
            String name = schema.field(c).name();
            Expr e = updates.get(name);
            DataType want = schema.type(c);
            if (e == null) {
                Expr d = otherwise.apply(name);
                out.add(d.type(input) == want ? d.as(name) : d.cast(want).as(name));
                continue;
            }
            DataType got = e instanceof Expr.Literal l && l.value() == null ? want : e.type(input);
            if (got != want && !fits(got, want) && !(e instanceof Expr.Literal l && l.value() == null)) {
                throw new DeltaException("Cannot update column '" + name + "' of table " + snap.log.table + ": the new value " + e
                        + " is " + got + " but the column is " + want + "; cast it, e.g. .cast(DataType." + want.name() + ")");
            }
            out.add(got == want ? e.as(name) : e.cast(want).as(name));
        }
        return out.toArray(Expr[]::new);
    }

    /** Whether a value of {@code from} is stored in a column of {@code to} without loss (as Delta's safe casts). */
    private static boolean fits(DataType from, DataType to) {
        if (from == DataType.INT32 && (to == DataType.INT64 || to == DataType.FLOAT64)) {
            return true;
        }
        if (from == DataType.INT64 && to == DataType.FLOAT64) {
            return true;
        }
        if (from.isDecimal() && to.isDecimal()) {
            return from.scale() <= to.scale() && from.precision() - from.scale() <= to.precision() - to.scale();
        }
        if (from.isIntegral() && to.isDecimal()) {
            return to.precision() - to.scale() >= (from == DataType.INT32 ? 10 : 19);
        }
        return from == DataType.DATE && to == DataType.TIMESTAMP;
    }
}
