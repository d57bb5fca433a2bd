package org.spillway.frame.exec.join;

import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.exec.pipeline.ChunkOps;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.frame.exec.pipeline.Terminal;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.VectorBuilder;

/**
 * The end of a pipeline that radix-partitions its rows by key hash for the grace hash join: every
 * worker appends each row to its own builder for the row's partition, and a builder that reaches
 * {@code flushRows} becomes a chunk in the chunk store, where it may spill. The result is, per
 * partition, the chunks of all workers.
 *
 * <p>Level {@code L} uses hash bits {@code [6L, 6L + log2(parts))}, so that a partition split again
 * at the next level is split by bits its rows do not all share. (The hash table uses the top bits
 * for its buckets, independent of these.) {@code flushRows} keeps the builders of all workers
 * together within about an eighth of the memory limit (counting 16 bytes a value, and never fewer
 * than 256 rows a builder).
 */
final class GracePartitioner implements Terminal<GracePartitioner.PartitionWorker, List<List<ChunkHandle>>> {
    /** Hash bits each level of partitioning consumes: at most 64 partitions a level. */
    static final int BITS_PER_LEVEL = 6;

    private final ExecContext ctx;
    private final Schema schema;
    private final int[] keys;
    private final int parts;
    private final int shift;
    private final int flushRows;

    /** Partitions rows of {@code schema} by columns {@code keys} into {@code parts} (a power of two) at {@code level}. */
    GracePartitioner(ExecContext ctx, Schema schema, int[] keys, int parts, int level) {
        this.ctx = ctx;
        this.schema = schema;
        this.keys = keys;
        this.parts = parts;
        this.shift = BITS_PER_LEVEL * level;
        long rowBytes = 16L * Math.max(1, schema.size());
        long perBuilder = ctx.policy().gracePartitionBuffers() / ((long) parts * ctx.scheduler().parallelism() * rowBytes);
        this.flushRows = (int) Math.max(256, Math.min(ctx.chunkRows(), perBuilder));
    }

    /** One worker's builders per partition and the chunks it flushed. */
    final class PartitionWorker {
        final JoinKeys jk = new JoinKeys(keys, stringFlags(schema, keys));
        final List<VectorBuilder>[] builders;
        final List<ChunkHandle>[] done;
        int[] part = new int[0];

        @SuppressWarnings("unchecked")
        PartitionWorker() {
            builders = new List[parts];
            done = new List[parts];
            for (int p = 0; p < parts; p++) {
                done[p] = new ArrayList<>();
            }
        }

        void flush(int p) {
            List<VectorBuilder> bs = builders[p];
            if (bs == null || bs.getFirst().size() == 0) {
                return;
            }
            Chunk c = Chunk.build(schema, bs, ctx.budget(), "join partition");
            done[p].add(ctx.store().putWithoutStats(c));
            for (VectorBuilder b : bs) {
                b.reset();
            }
        }

        void close(Throwable cause) {
            for (List<ChunkHandle> l : done) {
                HashJoin.closeAll(l, cause);
            }
        }
    }

    @Override
    public PartitionWorker newLocal() {
        return new PartitionWorker();
    }

    @Override
    public boolean accept(PartitionWorker w, int seq, int index, Chunk chunk, boolean independent) {
        int n = chunk.rows();
        w.jk.compute(chunk);
        if (w.part.length < n) {
            w.part = new int[Math.max(n, 1024)];
        }
        int[] part = w.part;
        long[] hash = w.jk.hash;
        int mask = parts - 1;
        for (int i = 0; i < n; i++) {
            int p = (int) (hash[i] >>> shift) & mask;
            part[i] = p;
            if (w.builders[p] == null) {
                w.builders[p] = ChunkOps.builders(schema, flushRows);
            }
        }
        for (int j = 0; j < schema.size(); j++) {
            ColumnVector v = chunk.column(j);
            for (int i = 0; i < n; i++) {
                w.builders[part[i]].get(j).appendFrom(v, i);
            }
        }
        for (int p = 0; p < parts; p++) {
            if (w.builders[p] != null && w.builders[p].getFirst().size() >= flushRows) {
                w.flush(p);
            }
        }
        return false;
    }

    @Override
    public List<List<ChunkHandle>> finish(List<PartitionWorker> locals) {
        try {
            for (PartitionWorker w : locals) {
                for (int p = 0; p < parts; p++) {
                    w.flush(p);
                }
            }
        } catch (RuntimeException | Error e) {
            abort(locals);
            throw e;
        }
        List<List<ChunkHandle>> r = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            List<ChunkHandle> l = new ArrayList<>();
            for (PartitionWorker w : locals) {
                l.addAll(w.done[p]);
            }
            r.add(l);
        }
        return r;
    }

    @Override
    public void abort(List<PartitionWorker> locals) {
        for (PartitionWorker w : locals) {
            w.close(null);
        }
    }

    private static boolean[] stringFlags(Schema s, int[] cols) {
        boolean[] r = new boolean[cols.length];
        for (int k = 0; k < cols.length; k++) {
            r[k] = s.type(cols[k]).isVariableWidth();
        }
        return r;
    }
}
