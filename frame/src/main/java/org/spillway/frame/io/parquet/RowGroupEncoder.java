package org.spillway.frame.io.parquet;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinTask;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.spill.Schema;

/**
 * Encodes one row group: concatenates its row ranges (pieces of one or more chunks, copied to the
 * heap) column by column and encodes every column chunk, the columns in parallel when run in a
 * fork-join pool. Pure: one call per row group, run in parallel with the others.
 */
final class RowGroupEncoder {
    /** A run of rows {@code [from, to)} of a heap copy of a chunk's columns. */
    record Piece(ParquetWriteColumn[] columns, int from, int to) {
        int rows() {
            return to - from;
        }
    }

    /** An encoded row group, not yet placed in a file. */
    record Encoded(long rows, ColumnChunkEncoder.Encoded[] columns) {
        long bytes() {
            long b = 0;
            for (ColumnChunkEncoder.Encoded c : columns) {
                b += c.bytes().length;
            }
            return b;
        }
    }

    private RowGroupEncoder() {
    }

    static Encoded encode(Schema schema, List<Piece> pieces, ParquetWriteOptions options) {
        int rows = 0;
        for (Piece p : pieces) {
            rows += p.rows();
        }
        final int total = rows;
        ColumnChunkEncoder.Encoded[] out = new ColumnChunkEncoder.Encoded[schema.size()];
        List<ForkJoinTask<?>> tasks = new ArrayList<>(schema.size());
        for (int c = 0; c < schema.size(); c++) {
            final int col = c;
            tasks.add(ForkJoinTask.adapt(() -> {
                out[col] = encodeColumn(schema, pieces, options, col, total);
            }));
        }
        if (ForkJoinTask.inForkJoinPool()) {
            ForkJoinTask.invokeAll(tasks); // the columns in parallel, on the encoders' pool
        } else {
            tasks.forEach(ForkJoinTask::invoke);
        }
        return new Encoded(rows, out);
    }

    private static ColumnChunkEncoder.Encoded encodeColumn(Schema schema, List<Piece> pieces, ParquetWriteOptions options, int c,
                                                           int rows) {
        Piece only = pieces.getFirst();
        if (pieces.size() == 1 && only.from() == 0 && only.to() == only.columns()[c].size) {
            return ColumnChunkEncoder.encode(only.columns()[c], schema.field(c).name(), options);
        }
        ParquetWriteColumn col = new ParquetWriteColumn(schema.type(c), rows);
        for (Piece p : pieces) {
            col.appendColumn(p.columns()[c], p.from(), p.to());
        }
        return ColumnChunkEncoder.encode(col, schema.field(c).name(), options);
    }
}
