package org.spillway.frame.expr;

import java.util.Set;
import org.spillway.frame.Expr;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;

/** A constant. A null literal takes its type from where it is used (string when alone). */
public final class Literal extends Expr {
    private final Object value;
    private final DataType type;

    /** A literal of a Java value (number, String, Boolean, LocalDate, Instant, or null). */
    public Literal(Object value) {
        this.type = Literals.typeOf(value);
        this.value = value instanceof Float f ? (Object) f.doubleValue()
                : value instanceof Short || value instanceof Byte ? (Object) ((Number) value).intValue() : value;
    }

    /** The Java value. */
    public Object value() {
        return value;
    }

    /** The type, or null for a null literal. */
    public DataType literalType() {
        return type;
    }

    @Override
    public DataType type(Schema schema) {
        return type == null ? DataType.STRING : type;
    }

    @Override
    public Values eval(Chunk chunk) {
        return Values.constant(type == null ? DataType.STRING : type, value, chunk.rows());
    }

    /** Evaluates as a constant of another type (used when a null or string literal meets a typed column). */
    public Values evalAs(DataType target, int rows) {
        if (value == null) {
            return Values.constant(target, null, rows);
        }
        if (target == type) {
            return Values.constant(type, value, rows);
        }
        if (target == DataType.FLOAT64 && value instanceof Number n) {
            return Values.constant(target, n.doubleValue(), rows);
        }
        return Values.constant(target, Literals.toLong(value, target) , rows);
    }

    @Override
    public void collectColumns(Set<String> out) {
    }

    @Override
    public String toString() {
        if (value instanceof String s) {
            return "'" + s.replace("'", "''") + "'";
        }
        return String.valueOf(value);
    }
}
