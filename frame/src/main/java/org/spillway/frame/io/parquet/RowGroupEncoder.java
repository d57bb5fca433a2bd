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

    /**
     * An encoded row group, not yet placed in a file; {@code bloomFilters} holds each column's
     * serialized bloom filter (header and bitset), null for columns without one.
     */
    record Encoded(long rows, ColumnChunkEncoder.Encoded[] columns, byte[][] bloomFilters) {
        long bytes() {
            long b = 0;
            for (ColumnChunkEncoder.Encoded c : columns) {
                b += c.bytes().length;
            }
            for (byte[] f : bloomFilters) {
                b += f == null ? 0 : f.length;
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
        byte[][] blooms = new byte[schema.size()][];
        List<ForkJoinTask<?>> tasks = new ArrayList<>(schema.size());
        for (int c = 0; c < schema.size(); c++) {
            final int col = c;
            tasks.add(ForkJoinTask.adapt(() -> {
                encodeColumn(schema, pieces, options, col, total, out, blooms);
            }));
        }
        if (ForkJoinTask.inForkJoinPool()) {
            ForkJoinTask.invokeAll(tasks); // the columns in parallel, on the encoders' pool
        } else {
            tasks.forEach(ForkJoinTask::invoke);
        }
        return new Encoded(rows, out, blooms);
    }

    /** Encodes column {@code c} into {@code out[c]}, and its bloom filter into {@code blooms[c]} when the options ask for one. */
    private static void encodeColumn(Schema schema, List<Piece> pieces, ParquetWriteOptions options, int c, int rows,
                                     ColumnChunkEncoder.Encoded[] out, byte[][] blooms) {
        Piece only = pieces.getFirst();
        ParquetWriteColumn col;
        if (pieces.size() == 1 && only.from() == 0 && only.to() == only.columns()[c].size) {
            col = only.columns()[c];
        } else {
            col = new ParquetWriteColumn(schema.type(c), rows);
            for (Piece p : pieces) {
                col.appendColumn(p.columns()[c], p.from(), p.to());
            }
        }
        String name = schema.field(c).name();
        out[c] = ColumnChunkEncoder.encode(col, name, options);
        if (options.bloomFilterColumns().contains(name)) {
            blooms[c] = ParquetBloomFilters.build(col, 0, col.size, options.bloomFilterFpp());
        }
    }
}
