package org.spillway.frame.exec.window;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.spillway.frame.exec.hash.KeyBatch;
import org.spillway.frame.exec.hash.PartitionLayout;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.parallel.Morsel;
import org.spillway.parallel.Sink;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.chunk.PinnedChunk;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.VectorBuilder;

/**
 * The spilled hash partitions of a {@link PartitionTopKTable} (see its <b>Out of core</b>): a row a worker's table
 * does not take (its partition is not in a frozen table, a chunk without room for its ties, the kept rows of a
 * flushed table) is <i>diverted</i> to one of {@link #BUCKETS} spilled hash partitions (by
 * {@link PartitionLayout#BITS} bits of its partition key's hash; whole rows, buffered per bucket and written as chunks
 * to the store, which spills them). After the input, each spilled partition (the same bucket of every worker) is run
 * through a fresh table of its own, in parallel, the next hash bits splitting what diverts again (down to the last
 * bits, where the table grows as the budget allows or the query fails with the budget's error). A worker
 * <i>flushes</i> (for a revoke, or a string pool that cannot grow): its kept rows go to the spilled partitions too and
 * its table starts empty.
 *
 * <p>Memory: a local's buffers are reserved in the session budget, at twice their rows, when it first diverts a row
 * (outside the tables' {@code cap}); the written chunks are in the store, accounted there.
 *
 * <p>Counters: {@code window.topKSpilledRows} (rows written to the spilled partitions),
 * {@code window.topKSpilledPartitions} (spilled partitions run after the input, at every level),
 * {@code window.topKRepartitions} (those that were split again) and {@code window.topKFlushes} (tables flushed to the
 * spilled partitions).
 */
final class TopKSpill {
    /** Spilled partitions per level: the hash aggregate's layout. */
    static final int BUCKETS = PartitionLayout.PARTITIONS;

    private final PartitionTopKTable table;
    private final TopKLiveRows liveRows;
    private final TopKMemory memory;
    private final Schema schema;
    private final int[] partitionColumns;
    private final ExecContext ctx;
    /** Rows a spilled partition's buffer collects before it is written as a chunk. */
    private final int bucketRows;
    /** The heap bytes of a buffered row (an estimate: fixed widths, 24 per string). */
    private final long rowBytes;

    /**
     * The spilled partitions of {@code table}, whose rows (of {@code schema}, {@code rowBytes} heap bytes each when
     * buffered) are hashed by {@code partitionColumns}, and whose kept rows {@code liveRows} gathers.
     */
    TopKSpill(PartitionTopKTable table, TopKLiveRows liveRows, TopKMemory memory, Schema schema, int[] partitionColumns,
              ExecContext ctx, long rowBytes) {
        this.table = table;
        this.liveRows = liveRows;
        this.memory = memory;
        this.schema = schema;
        this.partitionColumns = partitionColumns;
        this.ctx = ctx;
        this.rowBytes = rowBytes;
        // a worker's buffers (reserved at twice their rows) take at most a quarter of its share of the budget
        long byShare = ctx.policy().workerShare() / (8L * BUCKETS * rowBytes);
        this.bucketRows = (int) Math.clamp(Math.min(2L * ctx.chunkRows() / BUCKETS, byShare), 16, 8192);
    }

    /** One local's spilled partitions: their buffers, the chunks written so far, and scratch. */
    static final class Buffers {
        /** Per spilled partition, its buffered rows (one builder per column), and by column ({@code [column][bucket]}). */
        final VectorBuilder[][] buckets;
        final VectorBuilder[][] byColumn;
        /** Per spilled partition, its chunks written so far. */
        List<List<ChunkHandle>> spilled;
        /** Scratch: each diverted row's spilled partition, and the rows per spilled partition. */
        int[] part = new int[0];
        final int[] counts = new int[BUCKETS];

        Buffers(VectorBuilder[][] buckets, VectorBuilder[][] byColumn, List<List<ChunkHandle>> spilled) {
            this.buckets = buckets;
            this.byColumn = byColumn;
            this.spilled = spilled;
        }
    }

    /** Sets up {@code l}'s buffers of the spilled partitions (their heap reserved) unless it has them. */
    private Buffers ensureBuckets(TopKLocal l) {
        if (l.spill != null) {
            return l.spill;
        }
        long bytes = 2L * BUCKETS * bucketRows * rowBytes; // not part of the tables' cap
        memory.chargeBuffers(l, bytes);
        VectorBuilder[][] b = new VectorBuilder[BUCKETS][schema.size()];
        VectorBuilder[][] c = new VectorBuilder[schema.size()][BUCKETS];
        for (int p = 0; p < BUCKETS; p++) {
            for (int j = 0; j < schema.size(); j++) {
                b[p][j] = VectorBuilder.forType(schema.type(j), bucketRows);
                c[j][p] = b[p][j];
            }
        }
        List<List<ChunkHandle>> spilled = new ArrayList<>();
        for (int p = 0; p < BUCKETS; p++) {
            spilled.add(new ArrayList<>());
        }
        l.spill = new Buffers(b, c, spilled);
        return l.spill;
    }

    /** Diverts rows {@code rows[0..n)} of {@code chunk} (whose key hashes are in {@code l.batch}) to the spilled partitions. */
    void divertRows(TopKLocal l, Chunk chunk, int[] rows, int n) {
        Buffers s = ensureBuckets(l);
        if (s.part.length < n) {
            s.part = new int[Math.max(n, 1024)];
        }
        int[] part = s.part;
        long[] hash = l.batch.hash;
        for (int i = 0; i < n; i++) {
            part[i] = PartitionLayout.partition(hash[rows[i]], l.level);
        }
        for (int j = 0; j < schema.size(); j++) {
            ColumnVector v = chunk.column(j);
            VectorBuilder[] outs = s.byColumn[j];
            for (int i = 0; i < n; i++) {
                outs[part[i]].appendFrom(v, rows[i]);
            }
        }
        spillFull(s, n);
    }

    /** Diverts every row of {@code chunk} to the spilled partitions (one radix scatter per column). */
    void divertAll(TopKLocal l, Chunk chunk) {
        Buffers s = ensureBuckets(l);
        int rows = chunk.rows();
        KeyBatch batch = l.batch;
        batch.reset(partitionColumns.length, rows);
        for (int j = 0; j < partitionColumns.length; j++) {
            batch.add(j, chunk.column(partitionColumns[j]), null); // the hashes only
        }
        batch.finish();
        if (s.part.length < rows) {
            s.part = new int[Math.max(rows, 1024)];
        }
        int[] part = s.part;
        int[] counts = s.counts;
        Arrays.fill(counts, 0);
        for (int r = 0; r < rows; r++) {
            int p = PartitionLayout.partition(batch.hash[r], l.level);
            part[r] = p;
            counts[p]++;
        }
        for (int j = 0; j < schema.size(); j++) {
            VectorBuilder.scatter(chunk.column(j), rows, part, counts, s.byColumn[j]);
        }
        spillFull(s, rows);
    }

    /** Writes the spilled partitions' buffers that are full, after {@code n} more rows were diverted. */
    private void spillFull(Buffers s, int n) {
        ctx.counters().add("window.topKSpilledRows", n);
        for (int p = 0; p < BUCKETS; p++) {
            if (s.buckets[p][0].size() >= bucketRows) {
                spillBucket(s, p);
            }
        }
    }

    /** Writes spilled partition {@code p}'s buffered rows as a chunk to the store. */
    private void spillBucket(Buffers s, int p) {
        VectorBuilder[] b = s.buckets[p];
        if (b[0].size() == 0) {
            return;
        }
        s.spilled.get(p).add(ctx.store().putWithoutStats(Chunk.build(schema, Arrays.asList(b), ctx.budget(), "window-top-k spill")));
        for (VectorBuilder x : b) {
            x.reset();
        }
    }

    /** Writes every spilled partition's buffered rows. */
    void spillAll(TopKLocal l) {
        if (l.spill != null) {
            for (int p = 0; p < BUCKETS; p++) {
                spillBucket(l.spill, p);
            }
        }
    }

    /**
     * Hands every row {@code l} keeps to the spilled partitions and empties its table (and string pool, direct states
     * and ties), returning what that gave back to the budget: for a revoke request, or a string pool that cannot grow.
     */
    long flush(TopKLocal l) {
        long before = l.bytes;
        table.drain(l, c -> divertAll(l, c));
        ctx.counters().add("window.topKFlushes", 1);
        return Math.max(0, before - l.bytes);
    }

    /** True if {@code l} wrote rows to a spilled partition (that it did not hand on). */
    boolean holdsRows(TopKLocal l) {
        if (l.spill != null && l.spill.spilled != null) {
            for (List<ChunkHandle> part : l.spill.spilled) {
                if (!part.isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Hands the chunks {@code l} wrote to its spilled partitions to {@code work} (one list per spilled partition). */
    void handOver(TopKLocal l, List<List<ChunkHandle>> work) {
        if (l.spill != null && l.spill.spilled != null) {
            for (int p = 0; p < BUCKETS; p++) {
                work.get(p).addAll(l.spill.spilled.get(p));
            }
            l.spill.spilled = null;
        }
    }

    /** Closes the chunks of {@code l}'s spilled partitions not handed on and drops its buffers. */
    void release(TopKLocal l) {
        if (l.spill != null) {
            if (l.spill.spilled != null) {
                l.spill.spilled.forEach(s -> s.forEach(ChunkHandle::close));
            }
            l.spill = null;
        }
    }

    /**
     * Runs every spilled partition of {@code work} (one list per spilled partition, the same bucket of every worker;
     * the chunks are closed as they are read) through a table of its own, in parallel, adding the kept rows to
     * {@code out}.
     */
    void runAll(List<List<ChunkHandle>> work, List<ChunkHandle> out) {
        List<List<ChunkHandle>> parts = new ArrayList<>();
        for (List<ChunkHandle> w : work) {
            if (!w.isEmpty()) {
                parts.add(w);
            }
        }
        if (!parts.isEmpty()) {
            ctx.scheduler().run(parts, List::size, new Sink<List<ChunkHandle>, Object, Object>() {
                @Override
                public Object newLocal() {
                    return null;
                }

                @Override
                public void accept(Object local, Morsel<List<ChunkHandle>> m) {
                    runSpilled(m.item(), 1, out);
                }

                @Override
                public Object finish(List<Object> ls) {
                    return null;
                }
            }, org.spillway.parallel.ProgressListener.NONE);
        }
    }

    /**
     * Runs the rows of one spilled partition ({@code chunks}, closed here as they are read) through a table of their
     * own at hash {@code level}, adding its kept rows to {@code out}; what diverts again is run the same way, one level
     * down.
     */
    private void runSpilled(List<ChunkHandle> chunks, int level, List<ChunkHandle> out) {
        ctx.counters().add("window.topKSpilledPartitions", 1);
        List<List<ChunkHandle>> sub = null;
        try {
            TopKLocal l = table.newLocal(level);
            try {
                for (ChunkHandle h : chunks) {
                    try (PinnedChunk pc = h.pin()) {
                        table.process(l, pc.chunk());
                    }
                    h.close();
                }
                spillAll(l);
                out.addAll(liveRows.compact(l, l.handles));
                if (l.spill != null) {
                    sub = l.spill.spilled;
                    l.spill.spilled = null;
                }
            } finally {
                table.releaseLocal(l);
            }
            if (sub != null) {
                for (List<ChunkHandle> s : sub) {
                    if (!s.isEmpty()) {
                        ctx.counters().add("window.topKRepartitions", 1);
                        runSpilled(s, level + 1, out);
                    }
                }
            }
        } finally {
            chunks.forEach(ChunkHandle::close);
            if (sub != null) {
                sub.forEach(s -> s.forEach(ChunkHandle::close));
            }
        }
    }
}
