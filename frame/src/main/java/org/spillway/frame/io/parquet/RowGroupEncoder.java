package org.spillway.frame.io.parquet;

import java.util.List;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.spill.Schema;

/**
 * Encodes one row group: concatenates its row ranges (pieces of one or more chunks, copied to the
 * heap) column by column and encodes every column chunk. Pure: one call per row group, run in
 * parallel with the others.
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
        ColumnChunkEncoder.Encoded[] out = new ColumnChunkEncoder.Encoded[schema.size()];
        for (int c = 0; c < schema.size(); c++) {
            ParquetWriteColumn col;
            if (pieces.size() == 1 && pieces.getFirst().from() == 0 && pieces.getFirst().to() == pieces.getFirst().columns()[c].size) {
                col = pieces.getFirst().columns()[c];
            } else {
                col = new ParquetWriteColumn(schema.type(c), rows);
                for (Piece p : pieces) {
                    col.appendColumn(p.columns()[c], p.from(), p.to());
                }
            }
            out[c] = ColumnChunkEncoder.encode(col, schema.field(c).name(), options);
        }
        return new Encoded(rows, out);
    }
}
