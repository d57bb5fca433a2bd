package org.spillway.frame.exec.pipeline;

import java.util.List;
import org.spillway.frame.Expr;
import org.spillway.frame.exec.eval.ExprCompiler;
import org.spillway.frame.exec.eval.PhysicalExpr;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.VectorBuilder;

/** Keeps the rows where the predicate is true, copying them into a new chunk. */
public final class FilterOperator implements ChunkOperator {
    private final PhysicalExpr predicate;
    private final Schema schema;
    private final MemoryBudget budget;
    private final List<VectorBuilder> builders;
    private int[] selected = new int[1024];

    public FilterOperator(Expr predicate, Schema schema, MemoryBudget budget, int chunkRows) {
        this.predicate = ExprCompiler.compile(predicate, schema);
        this.schema = schema;
        this.budget = budget;
        this.builders = ChunkOps.builders(schema, chunkRows);
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public Chunk apply(Chunk in) {
        HeapColumn v = predicate.eval(in);
        int n = in.rows();
        if (selected.length < n) {
            selected = new int[n];
        }
        boolean[] b = v.bools;
        boolean[] nulls = v.nulls;
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (b[i] && (nulls == null || !nulls[i])) {
                selected[k++] = i;
            }
        }
        if (k == n) {
            return in;
        }
        if (k == 0) {
            return null;
        }
        if (in.columnCount() == 0) {
            return Chunk.empty(schema, k);
        }
        for (int j = 0; j < builders.size(); j++) {
            VectorBuilder bl = builders.get(j);
            bl.reset();
            ColumnVector col = in.column(j);
            for (int s = 0; s < k; s++) {
                bl.appendFrom(col, selected[s]);
            }
        }
        return Chunk.build(schema, builders, budget, "filter");
    }

    @Override
    public boolean outputReferencesInput() {
        return false;
    }
}
