package org.spillway.frame.expr;

import java.util.Set;
import org.spillway.frame.Expr;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;

/** Gives an expression an output name. */
public final class Alias extends Expr {
    private final Expr child;
    private final String alias;

    /** Names {@code child} as {@code alias}. */
    public Alias(Expr child, String alias) {
        this.child = child;
        this.alias = java.util.Objects.requireNonNull(alias, "alias is null");
    }

    /** The aliased expression. */
    public Expr child() {
        return child;
    }

    @Override
    public DataType type(Schema schema) {
        return child.type(schema);
    }

    @Override
    public java.util.Map<String, String> metadata(Schema schema) {
        return child.metadata(schema);
    }

    @Override
    public Values eval(Chunk chunk) {
        return child.eval(chunk);
    }

    @Override
    public String name() {
        return alias;
    }

    @Override
    public void collectColumns(Set<String> out) {
        child.collectColumns(out);
    }

    @Override
    public String toString() {
        return child + " AS " + alias;
    }
}
