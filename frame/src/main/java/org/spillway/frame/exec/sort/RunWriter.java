package org.spillway.frame.exec.sort;

import java.util.List;
import org.spillway.frame.exec.pipeline.ChunkOps;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.memory.Reservation;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.VectorBuilder;

/**
 * Writes rows gathered from sorted inputs into chunks of {@code chunkRows} rows, column by column
 * ({@link VectorBuilder#gather}), and hands each full chunk to its {@link Output}.
 *
 * <p>Memory: the builders' heap, about {@code chunkRows} rows, is reserved up front as an estimate
 * ({@code builderBytes}, less what the caller holds for it already) in the caller's reservation and returned by
 * {@link #close()}; each chunk's
 * off-heap memory is reserved when it is built ({@link Chunk#build}).
 */
public final class RunWriter implements AutoCloseable {
    /** Receives each chunk written, taking ownership of it. */
    interface Output {
        void accept(Chunk chunk);
    }

    /**
     * The sort's runs and output hold a string column plain (its bytes) rather than as dictionary
     * codes when its source chunk has a dictionary of more than this many entries: in sorted order
     * such a dictionary is read at random, and a merge of many runs reads many at once (cache
     * misses), or would intern most values anew. Small dictionaries (categories) stay dictionaries.
     */
    static final int PLAIN_ABOVE = 1024;

    private final Schema schema;
    private final List<VectorBuilder> builders;
    private final int chunkRows;
    private final MemoryBudget budget;
    private final String consumer;
    private final Output out;
    private final Reservation res;
    /** What this writer grew {@link #res} by (the builders' estimate less what the caller had already reserved). */
    private final long reserved;
    private int inChunk;
    private long written;

    RunWriter(Schema schema, int chunkRows, MemoryBudget budget, String consumer, Output out, Reservation res, long builderBytes) {
        this(schema, chunkRows, budget, consumer, out, res, builderBytes, Integer.MAX_VALUE);
    }

    /**
     * A writer whose string columns copy bytes instead of mapping dictionary codes when a chunk's first
     * source has a dictionary of more than {@code plainAbove} entries ({@link
     * org.spillway.spill.vector.StringVectorBuilder#gatherPlainAbove}).
     */
    RunWriter(Schema schema, int chunkRows, MemoryBudget budget, String consumer, Output out, Reservation res, long builderBytes,
              int plainAbove) {
        this(schema, chunkRows, budget, consumer, out, res, builderBytes, plainAbove, 0);
    }

    /**
     * A writer whose caller already holds {@code prepaid} bytes of the builders' estimate in {@code res} (a sort
     * worker's buffer keeps them so that writing it as a run when the budget is short needs no new memory): only
     * the rest is reserved here, and only that is returned by {@link #close()}.
     */
    RunWriter(Schema schema, int chunkRows, MemoryBudget budget, String consumer, Output out, Reservation res, long builderBytes,
              int plainAbove, long prepaid) {
        long grow = Math.max(0, builderBytes - prepaid);
        this.schema = schema;
        this.chunkRows = chunkRows;
        this.budget = budget;
        this.consumer = consumer;
        this.out = out;
        res.grow(grow);
        this.res = res;
        this.reserved = grow;
        this.builders = ChunkOps.builders(schema, chunkRows);
        for (VectorBuilder b : builders) {
            if (b instanceof org.spillway.spill.vector.StringVectorBuilder s) {
                s.keepDictionaryAcrossResets(); // the chunks of a run share their values
                s.gatherPlainAbove(plainAbove);
            }
        }
    }

    /** An estimate of the heap of builders holding {@code rows} rows of {@code rowBytes} bytes. */
    static long builderBytes(int rows, long rowBytes) {
        return rows * rowBytes * 3 / 2 + 1024;
    }

    /**
     * Appends, for each {@code i} in {@code [from, to)}, row {@code rows[i]} of input
     * {@code slots[i]}, where {@code byColumn[j][slot]} is column {@code j} of that input.
     */
    void gather(ColumnVector[][] byColumn, int[] slots, int[] rows, int from, int to) {
        while (from < to) {
            int take = Math.min(to - from, chunkRows - inChunk);
            for (int j = 0; j < builders.size(); j++) {
                builders.get(j).gather(byColumn[j], slots, rows, from, from + take);
            }
            inChunk += take;
            from += take;
            if (inChunk == chunkRows) {
                flush();
            }
        }
    }

    /** Writes the rows not yet in a chunk as a last, shorter chunk. */
    void finish() {
        if (inChunk > 0) {
            flush();
        }
    }

    /** Rows written into chunks so far. */
    long written() {
        return written;
    }

    private void flush() {
        Chunk c = schema.size() == 0 ? Chunk.empty(schema, inChunk) : Chunk.build(schema, builders, budget, consumer);
        for (VectorBuilder b : builders) {
            b.reset();
        }
        written += inChunk;
        inChunk = 0;
        out.accept(c);
    }

    /** Returns the builders' reservation (the chunks handed out are the outputs'). */
    @Override
    public void close() {
        res.shrink(reserved);
    }
}
