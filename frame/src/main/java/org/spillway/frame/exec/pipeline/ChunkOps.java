package org.spillway.frame.exec.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.VectorBuilder;

/** Helpers that copy and slice chunks into new budgeted chunks. */
public final class ChunkOps {
    private ChunkOps() {
    }

    /** Builders for every column of {@code schema}, sized for {@code rows}. */
    public static List<VectorBuilder> builders(Schema schema, int rows) {
        List<VectorBuilder> out = new ArrayList<>(schema.size());
        for (int i = 0; i < schema.size(); i++) {
            out.add(VectorBuilder.forType(schema.type(i), rows));
        }
        return out;
    }

    /** Rows {@code [from, to)} of {@code c} as a new chunk that owns its memory. */
    public static Chunk slice(Chunk c, int from, int to, MemoryBudget budget, String consumer) {
        if (c.columnCount() == 0) {
            return Chunk.empty(c.schema(), to - from);
        }
        List<VectorBuilder> bs = builders(c.schema(), to - from);
        for (int j = 0; j < bs.size(); j++) {
            VectorBuilder b = bs.get(j);
            ColumnVector v = c.column(j);
            for (int i = from; i < to; i++) {
                b.appendFrom(v, i);
            }
        }
        return Chunk.build(c.schema(), bs, budget, consumer);
    }

    /** Rows {@code rows[0..count)} of {@code c}, in that order, as a new chunk that owns its memory. */
    public static Chunk select(Chunk c, int[] rows, int count, MemoryBudget budget, String consumer) {
        if (c.columnCount() == 0) {
            return Chunk.empty(c.schema(), count);
        }
        List<VectorBuilder> bs = builders(c.schema(), count);
        for (int j = 0; j < bs.size(); j++) {
            VectorBuilder b = bs.get(j);
            ColumnVector v = c.column(j);
            for (int i = 0; i < count; i++) {
                b.appendFrom(v, rows[i]);
            }
        }
        return Chunk.build(c.schema(), bs, budget, consumer);
    }

    /** A copy of {@code c} that owns its memory. */
    public static Chunk copy(Chunk c, MemoryBudget budget, String consumer) {
        return slice(c, 0, c.rows(), budget, consumer);
    }

    /** A chunk of the columns {@code positions} of {@code c}, sharing its vectors (valid while {@code c} is open). */
    public static Chunk view(Chunk c, int[] positions) {
        Schema s = c.schema().select(positions);
        if (positions.length == 0) {
            return Chunk.empty(s, c.rows());
        }
        ColumnVector[] cols = new ColumnVector[positions.length];
        for (int j = 0; j < positions.length; j++) {
            cols[j] = c.column(positions[j]);
        }
        return new Chunk(s, cols, null, null);
    }
}
