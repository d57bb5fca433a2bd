package org.spillway.frame.expr;

import java.util.Set;
import org.spillway.frame.ColumnNotFoundException;
import org.spillway.frame.Expr;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;

/** A reference to a column by name. */
public final class ColumnRef extends Expr {
    private final String column;

    /** References {@code column}. */
    public ColumnRef(String column) {
        this.column = java.util.Objects.requireNonNull(column, "column name is null");
    }

    /** The referenced name. */
    public String column() {
        return column;
    }

    @Override
    public DataType type(Schema schema) {
        int i = schema.indexOf(column);
        if (i < 0) {
            throw new ColumnNotFoundException(column, schema.names());
        }
        return schema.type(i);
    }

    @Override
    public java.util.Map<String, String> metadata(Schema schema) {
        int i = schema.indexOf(column);
        return i < 0 ? java.util.Map.of() : schema.field(i).metadata();
    }

    @Override
    public Values eval(Chunk chunk) {
        return Values.of(chunk.column(column));
    }

    @Override
    public String name() {
        return column;
    }

    @Override
    public void collectColumns(Set<String> out) {
        out.add(column);
    }

    @Override
    public String toString() {
        return column;
    }
}
