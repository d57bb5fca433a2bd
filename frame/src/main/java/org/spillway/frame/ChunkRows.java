package org.spillway.frame;

import java.util.List;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;

/**
 * Copies a chunk's values onto the heap as Java objects, for {@link DataFrame#rows()} and
 * {@link DataFrame#column(String)}: the chunk is valid only while it is pinned, so its values are
 * copied out before the next one is visited.
 */
final class ChunkRows {
    private ChunkRows() {
    }

    /** Appends every row of {@code c} to {@code out}, as rows of {@code schema}. */
    static void appendRows(Chunk c, Schema schema, List<Row> out) {
        int m = c.columnCount();
        ColumnVector[] cols = new ColumnVector[m];
        for (int j = 0; j < m; j++) {
            cols[j] = c.column(j);
        }
        for (int i = 0; i < c.rows(); i++) {
            Object[] v = new Object[m];
            for (int j = 0; j < m; j++) {
                v[j] = cols[j].getObject(i);
            }
            out.add(new Row(schema, v));
        }
    }

    /** Appends every value of {@code c}'s first column to {@code out}. */
    static void appendFirstColumn(Chunk c, List<Object> out) {
        ColumnVector v = c.column(0);
        for (int i = 0; i < c.rows(); i++) {
            out.add(v.getObject(i));
        }
    }
}
