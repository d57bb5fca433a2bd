package org.spillway.frame.exec.aggregate;

import static org.spillway.frame.exec.hash.PartitionLayout.PARTITIONS;
import static org.spillway.frame.exec.hash.PartitionLayout.partition;

import java.util.List;
import org.spillway.frame.exec.hash.GroupTable;
import org.spillway.frame.exec.pipeline.ChunkOps;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.vector.VectorBuilder;

/**
 * Writes a worker's groups to the radix partitions as chunks in the chunk store, which spills them
 * (LZ4-compressed) when memory runs short: a table's groups as partial-state chunks in partition
 * order ({@link #flush}), pass-through's and direct states' partition builders, and the holistic
 * value buffers. Everything phase 1 hands to phase 2 goes through here; {@link #discard} closes
 * what is left.
 */
final class PartitionSpiller extends AggregateSpec {
    PartitionSpiller(AggregateSpec spec) {
        super(spec);
    }

    /**
     * Spills the worker's state because the budget is short (its reservation did not fit, or the budget
     * asked this operator at the worker's safe point): flushes it and reports the revoke to the consumer.
     */
    void revoke(AggregateWorker w) {
        long held = w.res.bytes();
        flush(w, 0);
        consumer.revoked(held);
    }

    /** Writes the worker's groups as partial chunks into the level-{@code level} partitions and empties the table. */
    void flush(AggregateWorker w, int level) {
        flush(w, level, false);
    }

    /** {@link #flush(AggregateWorker, int)}; with {@code single}, every group goes to partition 0. */
    void flush(AggregateWorker w, int level, boolean single) {
        flushPassThrough(w); // its reservation is returned below
        GroupTable t = w.table;
        int size = t.size();
        if (size > 0) {
            ctx.counters().add("groupby.flushedGroups", size);
            int[] starts = new int[PARTITIONS + 1];
            int[] order;
            if (single) {
                order = new int[size];
                for (int g = 0; g < size; g++) {
                    order[g] = g;
                }
                java.util.Arrays.fill(starts, 1, starts.length, size);
            } else {
                order = partitionOrder(t, level, starts);
            }
            for (int p = 0; p < PARTITIONS; p++) {
                for (int from = starts[p]; from < starts[p + 1]; from += ctx.chunkRows()) {
                    int to = Math.min(starts[p + 1], from + ctx.chunkRows());
                    parts.get(p).add(ctx.store().putWithoutStats(partialChunk(w, order, from, to)));
                }
            }
        }
        t.clear();
        w.rowsSinceFlush = 0;
        w.pool.clear();
        java.util.Arrays.fill(w.idGid, -1);
        if (w.direct != null) {
            java.util.Arrays.fill(w.direct, 0);
        }
        for (int p = 0; p < PARTITIONS; p++) {
            flushRaw(w, p);
        }
        w.res.shrink(w.res.bytes());
    }

    /** The group ids ordered by partition; {@code counts} receives each partition's start (and the end). */
    private static int[] partitionOrder(GroupTable t, int level, int[] counts) {
        int size = t.size();
        for (int g = 0; g < size; g++) {
            counts[partition(t.hash(g), level) + 1]++;
        }
        for (int p = 0; p < PARTITIONS; p++) {
            counts[p + 1] += counts[p];
        }
        int[] next = counts.clone();
        int[] order = new int[size];
        for (int g = 0; g < size; g++) {
            order[next[partition(t.hash(g), level)]++] = g;
        }
        return order;
    }

    private Chunk partialChunk(AggregateWorker w, int[] order, int from, int to) {
        if (w.builders == null) {
            w.builders = ChunkOps.builders(partial, ctx.chunkRows()).toArray(VectorBuilder[]::new);
        }
        VectorBuilder[] b = w.builders;
        for (VectorBuilder x : b) {
            x.reset();
        }
        w.plainKeys.choose(w.table, order, from, to, b, keyTypes);
        long[] st = w.table.states();
        for (int i = from; i < to; i++) {
            int g = order[i];
            appendKeys(w.table, w.pool, g, b);
            for (int j = 0; j < fns.length; j++) {
                if (fns[j] != null) {
                    fns[j].writePartial(st, g * stride, b, partialCol0[j], w.pool);
                }
            }
        }
        return Chunk.build(partial, List.of(b), ctx.budget(), "group by partials");
    }

    /** The worker's builders of partial chunks, one set per partition ({@link AggregateWorker#partitionColumns} by column). */
    VectorBuilder[][] partitionBuilders(AggregateWorker w) {
        if (w.partitionBuilders == null) {
            VectorBuilder[][] byPart = new VectorBuilder[PARTITIONS][];
            VectorBuilder[][] byCol = new VectorBuilder[partial.size()][PARTITIONS];
            // sized for a partition's share of a chunk: a string builder's dictionary holds up to a
            // quarter of its capacity, and one that overflows copies every later string's bytes
            int rows = Math.clamp(2L * ctx.chunkRows() / PARTITIONS, 256, 8192);
            for (int p = 0; p < PARTITIONS; p++) {
                byPart[p] = ChunkOps.builders(partial, rows).toArray(VectorBuilder[]::new);
                for (int c = 0; c < byCol.length; c++) {
                    byCol[c][p] = byPart[p][c];
                }
            }
            w.partitionBuilders = byPart;
            w.partitionColumns = byCol;
        }
        return w.partitionBuilders;
    }

    /** Writes whatever pass-through's partition builders hold as partial chunks. */
    void flushPassThrough(AggregateWorker w) {
        if (w.partitionBuilders == null || !w.passThroughPending) {
            return;
        }
        for (int p = 0; p < PARTITIONS; p++) {
            writePassThrough(w, p);
        }
        w.passThroughPending = false;
    }

    void writePassThrough(AggregateWorker w, int p) {
        VectorBuilder[] b = w.partitionBuilders[p];
        if (b[0].size() == 0) {
            return;
        }
        parts.get(p).add(ctx.store().putWithoutStats(Chunk.build(partial, java.util.Arrays.asList(b), ctx.budget(), "group by partials")));
        ctx.counters().add("groupby.passThroughChunks", 1);
        for (VectorBuilder x : b) {
            x.reset();
        }
    }

    void flushRaw(AggregateWorker w, int p) {
        VectorBuilder[] b = w.rawBuffers == null ? null : w.rawBuffers[p];
        if (b == null || b[0].size() == 0) {
            return;
        }
        w.rawBuffered -= b[0].size();
        rawParts.get(p).add(ctx.store().putWithoutStats(Chunk.build(raw, List.of(b), ctx.budget(), "group by values")));
        for (VectorBuilder x : b) {
            x.reset();
        }
    }

    /** Closes every partition chunk not yet handed to phase 2 (or left after it). */
    void discard() {
        for (List<ChunkHandle> p : rawParts) {
            synchronized (p) {
                p.forEach(ChunkHandle::close);
                p.clear();
            }
        }
        for (List<ChunkHandle> p : parts) {
            synchronized (p) {
                p.forEach(ChunkHandle::close);
                p.clear();
            }
        }
    }
}
