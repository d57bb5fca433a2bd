package org.spillway.frame.io.parquet;

import java.util.function.Consumer;
import java.util.function.ObjLongConsumer;
import org.spillway.frame.Expr;
import org.spillway.spill.chunk.Chunk;

/**
 * Decodes row groups of a {@link ParquetSource} into chunks of the projected columns, one worker's
 * buffers reused across row groups. Not thread-safe: one per worker.
 */
public final class ParquetRowGroupReader implements AutoCloseable {
    ParquetRowGroupReader() {
    }

    /**
     * Reads one row group and hands each chunk (at most {@code chunkRows} rows, owned by the receiver)
     * to {@code out}, in row order. {@code filter} (may be null) lets the reader skip pages whose
     * page-index bounds exclude it; rows of read pages are not filtered here. {@code counters}
     * receives counts such as {@code parquet.pagesSkipped}.
     */
    public void read(RowGroupRef rowGroup, Expr filter, ObjLongConsumer<String> counters, Consumer<Chunk> out) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
