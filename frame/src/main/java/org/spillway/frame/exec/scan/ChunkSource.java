package org.spillway.frame.exec.scan;

import java.util.List;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;

/**
 * Where a pipeline's chunks come from: a list of morsel items (CSV splits, stored chunks), each
 * turned into one or more chunks by a worker.
 *
 * @param <T> the item type
 * @param <S> per-worker state (e.g. a CSV parser with its buffers)
 */
public interface ChunkSource<T, S> {
    /** The chunk columns. */
    Schema schema();

    /** The morsel items, in row order. */
    List<T> items();

    /** The work an item stands for (bytes or rows), for progress. */
    long weight(T item);

    /** "MB" or "rows": the unit of {@link #weight}. */
    String unit();

    /** Per-worker state. */
    S newState();

    /** Produces the chunks of {@code item}, in order. */
    void produce(T item, S state, Output out);

    /** Receives produced chunks. */
    interface Output {
        /**
         * Takes one chunk. If {@code owned}, the caller hands over the chunk (the pipeline closes it);
         * otherwise the chunk stays the source's and is only valid during the call.
         */
        void accept(Chunk chunk, boolean owned);
    }
}
