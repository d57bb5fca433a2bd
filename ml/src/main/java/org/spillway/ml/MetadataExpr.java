package org.spillway.ml;

import java.util.Map;
import java.util.Set;
import org.spillway.frame.Expr;
import org.spillway.frame.expr.Values;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;

/** An expression's values unchanged, with other column metadata. */
final class MetadataExpr extends Expr {
    private final Expr child;
    private final Map<String, String> metadata;

    MetadataExpr(Expr child, Map<String, String> metadata) {
        this.child = child;
        this.metadata = Map.copyOf(metadata);
    }

    @Override
    public DataType type(Schema schema) {
        return child.type(schema);
    }

    @Override
    public Map<String, String> metadata(Schema schema) {
        return metadata;
    }

    @Override
    public Values eval(Chunk chunk) {
        return child.eval(chunk);
    }

    @Override
    public void collectColumns(Set<String> out) {
        child.collectColumns(out);
    }

    @Override
    public String toString() {
        return child.toString();
    }
}
