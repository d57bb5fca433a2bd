package org.spillway.frame.exec.aggregate;

import static org.spillway.frame.exec.hash.PartitionLayout.PARTITIONS;
import static org.spillway.frame.exec.hash.PartitionLayout.partition;

import java.util.IdentityHashMap;
import java.util.Map;
import org.spillway.frame.AggregateExpr;
import org.spillway.frame.Expr;
import org.spillway.frame.exec.aggregate.function.AggFn;
import org.spillway.frame.exec.hash.KeyBatch;
import org.spillway.frame.Expr.ColumnRef;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVectorBuilder;
import org.spillway.spill.vector.LongVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * Pass-through: a worker whose table stopped reducing ({@link PreAggregator#PASS_THROUGH_MIN_ROWS})
 * writes each large chunk straight to the partitions, one partial row per input row, by a radix
 * scatter into its partition builders ({@link AggregateWorker#partitionBuilders}); the builders
 * become partial chunks once they hold {@link AggregateSpec#passThroughChunkRows} rows
 * ({@link PartitionSpiller#writePassThrough}). Phase 2 then aggregates those rows once.
 */
final class PassThrough extends AggregateSpec {
    private final PartitionSpiller spiller;

    PassThrough(AggregateSpec spec, PartitionSpiller spiller) {
        super(spec);
        this.spiller = spiller;
    }

    /**
     * Sizes the worker's reservation for {@link #scatter} of {@code rows} rows (the table is
     * flushed first, so it holds only the per-row states and scratch); false if that does not fit
     * the worker's share or the budget, and the chunk then goes through the table in slices.
     */
    boolean reserve(AggregateWorker w, int rows) {
        // per-row states, scratch, and the partition builders (with what they hold from earlier chunks)
        long need = 8L * rows * stride + scratchBytes(rows) + 8L * rows * (keys.size() + 2) + passThroughBufferBytes(rows);
        if (need > workerShare) {
            spiller.flushPassThrough(w);
            return false;
        }
        if (w.table.size() > 0) {
            spiller.flush(w, 0); // groups from smaller chunks: their string ids live in the pool passThrough clears
        }
        if (need <= w.res.bytes()) {
            w.res.shrink(w.res.bytes() - need);
            return true;
        }
        if (w.res.growOrRevoke(need - w.res.bytes())) {
            return true;
        }
        long held = w.res.bytes();
        spiller.flushPassThrough(w); // the budget is short: write the builders, and the chunk goes through the table in slices
        consumer.revoked(held);
        return false;
    }

    /**
     * Writes the chunk to the partitions without pre-aggregating: every row becomes a partial row
     * (its state computed alone), partitioned by the same key hash as a table's groups. Each column
     * is written by one radix scatter ({@link VectorBuilder#scatter}) that reads the chunk in order
     * into 64 per-partition builders: keys and min/max inputs straight from the chunk's vectors,
     * sums, counts and moments from per-row states computed in order. (Gathering each partition's
     * rows instead read every column once per partition at random: a cache miss per row and
     * column; figures in bench/README.md.)
     */
    void scatter(AggregateWorker w, Chunk chunk, long pos0) {
        int n = chunk.rows();
        KeyBatch batch = w.batch;
        batch.reset(keys.size(), n);
        for (int k = 0; k < keys.size(); k++) {
            batch.add(k, chunk.column(keyColumns[k]), null); // hashes only: no string is interned
        }
        batch.finish();
        if (w.part.length < n) {
            w.part = new int[n];
        }
        int[] part = w.part;
        int[] counts = new int[PARTITIONS];
        long[] hash = batch.hash;
        for (int i = 0; i < n; i++) {
            int p = partition(hash[i], 0);
            part[i] = p;
            counts[p]++;
        }
        // one state per row (row i is "group" i), for the functions whose partial is not their input
        ColumnVector[] direct = new ColumnVector[fns.length];
        boolean states = false;
        for (int j = 0; j < fns.length; j++) {
            if (fns[j] != null) {
                direct[j] = directPartial(j, chunk);
                states |= direct[j] == null;
            }
        }
        long[] st = w.rowStates;
        if (states) {
            if (st.length < (long) n * stride) {
                st = w.rowStates = new long[n * stride];
            } else {
                java.util.Arrays.fill(st, 0, n * stride, 0L);
            }
            if (w.gids.length < n) {
                w.gids = new int[n];
            }
            int[] gids = w.gids;
            for (int i = 0; i < n; i++) {
                gids[i] = i;
            }
            w.pool.clear(); // string states of this chunk only
            Map<Expr, HeapColumn> inputs = new IdentityHashMap<>();
            for (int j = 0; j < fns.length; j++) {
                if (fns[j] != null && direct[j] == null) {
                    updateState(j, chunk, n, pos0, st, gids, inputs, w.pool);
                }
            }
        }
        VectorBuilder[][] byPart = spiller.partitionBuilders(w);
        VectorBuilder[][] byCol = w.partitionColumns;
        if (!w.passThroughPending) {
            for (VectorBuilder[] b : byPart) {
                for (VectorBuilder x : b) {
                    x.reset();
                }
            }
        }
        w.passThroughPending = true;
        for (int k = 0; k < keys.size(); k++) {
            VectorBuilder.scatter(chunk.column(keyColumns[k]), n, part, counts, byCol[k]);
        }
        for (int j = 0; j < fns.length; j++) {
            AggFn f = fns[j];
            if (f == null) {
                continue;
            }
            int col0 = partialCol0[j];
            if (direct[j] != null) {
                VectorBuilder.scatter(direct[j], n, part, counts, byCol[col0]);
            } else if (f.partialIsState()) {
                for (int q = 0; q < partialWidth[j]; q++) {
                    if (partial.type(col0 + q) == DataType.FLOAT64) {
                        DoubleVectorBuilder.scatterBits(st, f.offset() + q, stride, n, part, counts, byCol[col0 + q]);
                    } else {
                        LongVectorBuilder.scatter(st, f.offset() + q, stride, n, part, counts, byCol[col0 + q]);
                    }
                }
            } else {
                for (int i = 0; i < n; i++) {
                    f.writePartial(st, i * stride, byPart[part[i]], col0, w.pool);
                }
            }
        }
        for (int p = 0; p < PARTITIONS; p++) {
            if (counts[p] > 0 && byPart[p][0].size() >= passThroughChunkRows) {
                spiller.writePassThrough(w, p);
            }
        }
        w.hashedKeys = true;
        ctx.counters().add("groupby.passThroughRows", n);
    }

    /**
     * The input vector of aggregate {@code j} if its partial state for a row alone is the row's
     * value ({@link AggFn#partialIsInput()}) and the input is a column of the chunk; else null.
     */
    private ColumnVector directPartial(int j, Chunk chunk) {
        AggregateExpr a = aggs.get(j);
        if (fns[j].partialIsInput() && a.input() instanceof ColumnRef c && a.input2() == null) {
            ColumnVector v = chunk.column(c.column());
            return v.type() == partial.type(partialCol0[j]) ? v : null;
        }
        return null;
    }

    /**
     * Bytes pass-through's partition builders may hold with {@code rows} more rows on the way: a
     * builder is written once it holds {@link AggregateSpec#passThroughChunkRows}, and its arrays may have
     * doubled on the way there.
     */
    private long passThroughBufferBytes(int rows) {
        return partialRowBytes() * (2L * PARTITIONS * passThroughChunkRows + rows);
    }
}
