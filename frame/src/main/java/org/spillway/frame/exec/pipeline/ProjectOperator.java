package org.spillway.frame.exec.pipeline;

import java.util.List;
import org.spillway.frame.Expr;
import org.spillway.frame.exec.eval.ExprCompiler;
import org.spillway.frame.exec.eval.PhysicalExpr;
import org.spillway.frame.Expr.Alias;
import org.spillway.frame.Expr.ColumnRef;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.memory.PooledArena;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.VectorBuilder;

/**
 * Computes the output columns: references to input columns are shared (no copy), computed
 * columns are evaluated and built into new off-heap vectors reserved from the budget.
 */
public final class ProjectOperator implements ChunkOperator {
    private final List<PhysicalExpr> exprs;
    private final Schema schema;
    private final MemoryBudget budget;
    private final int[] inputColumn; // -1 when computed
    private final VectorBuilder[] builders;
    private final boolean references;

    public ProjectOperator(List<Expr> exprs, Schema input, Schema output, MemoryBudget budget, int chunkRows) {
        this.exprs = ExprCompiler.compileAll(exprs, input);
        this.schema = output;
        this.budget = budget;
        this.inputColumn = new int[exprs.size()];
        this.builders = new VectorBuilder[exprs.size()];
        boolean refs = false;
        for (int j = 0; j < exprs.size(); j++) {
            Expr e = exprs.get(j);
            Expr inner = e instanceof Alias a ? a.child() : e;
            if (inner instanceof ColumnRef c) {
                inputColumn[j] = input.indexOf(c.column());
                refs = true;
            } else {
                inputColumn[j] = -1;
                builders[j] = VectorBuilder.forType(output.type(j), chunkRows);
            }
        }
        this.references = refs;
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public Chunk apply(Chunk in) {
        if (exprs.isEmpty()) {
            return Chunk.empty(schema, in.rows());
        }
        ColumnVector[] cols = new ColumnVector[exprs.size()];
        long bytes = 0;
        boolean computed = false;
        for (int j = 0; j < cols.length; j++) {
            if (inputColumn[j] >= 0) {
                cols[j] = in.column(inputColumn[j]);
            } else {
                HeapColumn v = exprs.get(j).eval(in);
                VectorBuilder b = builders[j];
                b.reset();
                v.appendTo(b, null);
                bytes += b.offHeapBytes() + 64;
                computed = true;
            }
        }
        if (!computed) {
            return new Chunk(schema, cols, null, null);
        }
        PooledArena arena = budget.pool().allocate("project", bytes);
        try {
            for (int j = 0; j < cols.length; j++) {
                if (inputColumn[j] < 0) {
                    cols[j] = builders[j].build(arena);
                }
            }
            return new Chunk(schema, cols, arena, arena.reservation());
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    @Override
    public boolean outputReferencesInput() {
        return references;
    }
}
