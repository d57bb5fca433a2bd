package org.spillway.frame.exec.aggregate;

import static org.spillway.frame.exec.hash.PartitionLayout.PARTITIONS;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.spillway.frame.AggregateExpr;
import org.spillway.frame.Expr;
import org.spillway.frame.exec.hash.GroupTable;
import org.spillway.frame.exec.hash.PartitionLayout;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.frame.exec.pipeline.Terminal;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.parallel.ProgressListener;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;

/**
 * Parallel, out-of-core hash aggregation in two phases.
 *
 * <p><b>Phase 1</b> (in the input pipeline, one {@link GroupTable} per worker): each chunk's keys
 * are hashed by value and looked up; the aggregates update their per-group state. The table's
 * memory is reserved from the budget as it grows; when the reservation fails (or the table passes
 * its worker's share of the budget) the table is <i>flushed</i>: its groups are radix-partitioned
 * by the high bits of their key hash into {@link PartitionLayout#PARTITIONS} partitions and
 * written, as chunks of partial states, to the chunk store (which spills them, LZ4-compressed,
 * when memory runs short), and the table starts empty. At the end every table is flushed the same
 * way. A table whose keys hardly repeat (fewer than
 * {@link PreAggregator#PREAGG_MIN_ROWS_PER_GROUP} rows per group when it is flushed) does not pay
 * for itself: the worker then passes later chunks straight to the partitions, one partial row per
 * input row ({@link PreAggregator#PASS_THROUGH_MIN_ROWS}; counter {@code groupby.passThroughRows}).
 *
 * <p><b>Phase 2</b> (one morsel per partition, in parallel): a partition's partial chunks are
 * merged into one table and finished into result chunks. A partition whose table does not fit the
 * budget is split by the next hash bits into sub-partitions, each merged alone (recursively), so
 * the number of groups is bounded by disk, not memory.
 *
 * <p><b>Holistic aggregates</b> (median, quantile, countDistinct, top-k) keep every value, in raw
 * chunks partitioned like the partial states. A partition's values are grouped in memory when they
 * fit; when they do not and the hash cannot split them any further (one group with too many values),
 * they are sorted out of core by (keys, value) and each aggregate is read off the sorted stream
 * (counter {@code groupby.sortedValues}).
 *
 * <p><b>Protocol.</b> The executor makes one operator per group-by and
 * <ol>
 *   <li>runs the input pipeline into {@link #terminal()}: each pipeline thread gets an
 *       {@link AggregateWorker} ({@code newLocal}) and feeds it chunks ({@code accept},
 *       {@link PreAggregator}); the terminal's result is the list of workers, not combined;</li>
 *   <li>calls {@link #finish} with those workers, once. It takes one of two ends:
 *     <ul>
 *       <li>every chunk went to direct states: the workers' state arrays are combined range by
 *           range ({@link DirectStates#combine});</li>
 *       <li>else the workers are flushed to the partitions in parallel ({@link WorkerFlushSink}),
 *           into one partition when the groups are few and nothing was flushed yet, and the
 *           non-empty partitions are merged and finished in parallel
 *           ({@link PartitionMergeSink}, one {@link PartitionMerger} per thread).</li>
 *     </ul></li>
 * </ol>
 * If the pipeline fails, the terminal's {@code abort} closes the workers' reservations and every
 * partition chunk; if {@link #finish} fails, it closes what it made and rethrows.
 *
 * <p><b>Settings.</b> None: the sizes and thresholds are constants of the classes that use them
 * ({@link PreAggregator}, {@link PassThrough}, {@link DirectStates}, {@link PartitionLayout}).
 * Each worker's share of memory is the memory policy's ({@link ExecContext#policy()},
 * {@link org.spillway.frame.exec.pipeline.MemoryPolicy#workerShare()}).
 *
 * <p><b>Memory.</b> The operator is one {@link org.spillway.spill.memory.MemoryConsumer}
 * ({@code HashAggregate#n}) whose revocable state is its workers' tables. A worker whose table's
 * reservation does not fit ({@code growOrRevoke} is false) flushes it on its own thread; when the budget
 * asks the operator to spill, each worker flushes at its next chunk (its safe point); both count as
 * {@code memory.revokes.HashAggregate}.
 *
 * @see org.spillway.frame.exec.aggregate
 */
public final class HashAggregate {
    /** Up to this many groups (over all workers, none flushed early) are merged as one partition. */
    private static final int SMALL_GROUPS = 1 << 16;

    private final AggregateSpec spec;
    private final PartitionSpiller spiller;
    private final DirectStates directStates;
    private final PreAggregator preAggregator;
    private final MergeSizeHints hints = new MergeSizeHints();

    /**
     * An aggregate of {@code aggs} grouped by {@code keys} (none: one global group) over rows of
     * {@code input}, producing rows of {@code output}: the keys, then one column per aggregate (or
     * the keys and the values of a top-k aggregate, one row per value).
     */
    public HashAggregate(List<Expr> keys, List<AggregateExpr> aggs, Schema input, Schema output, ExecContext ctx) {
        spec = new AggregateSpec(keys, aggs, input, output, ctx);
        spiller = new PartitionSpiller(spec);
        directStates = new DirectStates(spec, spiller);
        preAggregator = new PreAggregator(spec, directStates, new PassThrough(spec, spiller), spiller,
                new HolisticValuePartitions(spec, spiller));
    }

    /** The phase-1 terminal: feeds chunks into the worker's table; its result is the workers. */
    public Terminal<AggregateWorker, List<AggregateWorker>> terminal() {
        return new Terminal<>() {
            @Override
            public AggregateWorker newLocal() {
                AggregateWorker w = new AggregateWorker(spec);
                spec.workers.add(w);
                return w;
            }

            @Override
            public boolean accept(AggregateWorker w, int seq, int index, Chunk chunk, boolean independent) {
                preAggregator.update(w, chunk, ((long) seq << 44) | ((long) (index & 0xFFFFF) << 24));
                return false;
            }

            @Override
            public List<AggregateWorker> finish(List<AggregateWorker> locals) {
                return locals;
            }

            @Override
            public void abort(List<AggregateWorker> locals) {
                for (AggregateWorker w : locals) {
                    w.res.close();
                    w.directRes.close();
                }
                spiller.discard();
                spec.consumer.close();
            }
        };
    }

    /** Flushes the workers' tables (in parallel), then merges and finishes every partition. */
    public StoredFrame finish(List<AggregateWorker> workers, String name) {
        List<ChunkHandle> result = Collections.synchronizedList(new ArrayList<>());
        // Few groups and nothing flushed yet: one partition, so merging is one small task instead of 64.
        boolean flushedEarly = false;
        for (List<ChunkHandle> p : spec.parts) {
            flushedEarly |= !p.isEmpty();
        }
        long groups = 0;
        for (AggregateWorker w : workers) {
            groups += w.table.size();
        }
        boolean anyDirect = false;
        boolean allDirect = true;
        for (AggregateWorker w : workers) {
            anyDirect |= w.directStates != null;
            allDirect &= !w.usedTable;
        }
        if (anyDirect && allDirect) {
            try {
                return directStates.combine(workers, name);
            } finally {
                spec.consumer.close();
            }
        }
        // (not with holistic aggregates: their values are many even when groups are few, and 64
        // partitions sort them in parallel and in pieces)
        boolean pending = false;
        for (AggregateWorker w : workers) {
            pending |= w.passThroughPending; // (only after a flush, so never without flushedEarly)
        }
        boolean single = spec.raw == null && !flushedEarly && !pending && !anyDirect && groups <= SMALL_GROUPS;
        try {
            spec.ctx.scheduler().run(workers, new WorkerFlushSink(spiller, directStates, single));
            mergePartitions(partitionWork(single), result);
            return new StoredFrame(name, spec.output, new ArrayList<>(result));
        } catch (RuntimeException | Error e) {
            result.forEach(ChunkHandle::close);
            for (AggregateWorker w : workers) {
                w.res.close();
                w.directRes.close();
            }
            throw e;
        } finally {
            spiller.discard();
            spec.consumer.close();
        }
    }

    /** The non-empty partitions (or partition 0 with every value chunk, if {@code single}) as phase-2 morsels. */
    private List<PartitionChunks> partitionWork(boolean single) {
        List<List<ChunkHandle>> parts = spec.parts;
        List<List<ChunkHandle>> rawParts = spec.rawParts;
        List<PartitionChunks> work = new ArrayList<>();
        if (single) {
            List<ChunkHandle> allRaw = new ArrayList<>();
            rawParts.forEach(allRaw::addAll);
            if (!parts.get(0).isEmpty()) {
                work.add(new PartitionChunks(new ArrayList<>(parts.get(0)), allRaw));
            }
        } else {
            for (int p = 0; p < PARTITIONS; p++) {
                if (!parts.get(p).isEmpty()) {
                    work.add(new PartitionChunks(new ArrayList<>(parts.get(p)), new ArrayList<>(rawParts.get(p))));
                }
            }
        }
        if (spec.keys.isEmpty() && work.isEmpty()) {
            work.add(new PartitionChunks(List.of(), List.of())); // a global aggregate of no rows still has one result row
        }
        return work;
    }

    /** Phase 2: merges and finishes the partitions in parallel into {@code result} (progress counted in chunks). */
    private void mergePartitions(List<PartitionChunks> work, List<ChunkHandle> result) {
        ProgressListener progress = spec.ctx.progress().apply("group by (merge)", "chunks");
        spec.ctx.scheduler().run(work, x -> x.partials().size() + x.raws().size(), new PartitionMergeSink(spec, hints, result), progress);
    }
}
