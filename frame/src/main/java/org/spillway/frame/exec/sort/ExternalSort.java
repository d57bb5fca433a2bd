package org.spillway.frame.exec.sort;

import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.SortOrder;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.spill.memory.MemoryConsumer;
import org.spillway.spill.memory.Reservation;
import org.spillway.frame.exec.pipeline.Terminal;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.parallel.Morsel;
import org.spillway.parallel.Sink;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;

/**
 * Parallel, out-of-core, stable sort (and top-k) of a pipeline's chunks: the operator, which wires
 * the phases together (the flow and its invariants: {@code package-info}).
 *
 * <p>Protocol: create one per sort; run the input pipeline into {@link #terminal()}, whose
 * {@link Terminal#newLocal()} gives each scheduler worker a {@link SortWorker} and whose result is
 * those workers; then {@link #finish} them, once. {@code finish} writes the workers' last buffers as
 * runs and merges all runs ({@link PreMerge} when there are too many, then {@link RangeMerge}); it
 * returns the sorted rows as a {@link StoredFrame} and, also on failure, releases everything else
 * the sort holds. A pipeline that fails instead calls the terminal's {@code abort}, which releases
 * the buffers and every run written.
 *
 * <p>The input's leading columns are the output; the sort keys are input columns (expressions are
 * computed into hidden columns by a projection before the sort). Each row gets a hidden int64
 * position column after the input's, so that ties keep input order. The result's first
 * {@link #outputColumns()} columns are the sorted output; further columns are hidden.
 *
 * <p>Merge fan-in: an input of a merge pins one run chunk and holds its normalized keys, so at most
 * {@code (limit / 2) / (largest run chunk)} runs (at least 2) are merged at once over all workers;
 * each of the {@code P} range merges running at once gets {@code 1/P} of that. When the budget has less room than
 * that (other operators hold it), the fan-in is what fits now, at least 2, and more runs are merged in passes first.
 *
 * <p>Memory: the sort is one {@link MemoryConsumer} ({@code ExternalSort#n}) whose revocable state is its
 * workers' buffers ({@link RunGenerator}: a worker whose buffer's reservation does not fit, or that the
 * budget asked to spill, writes its buffer as a run; {@code memory.revokes.ExternalSort}). The shares are the
 * memory policy's ({@link ExecContext#policy()}).
 *
 * <p>Counters: {@code sort.runs} (runs written), {@code sort.mergePasses} (passes merging groups of
 * runs before the final merge), {@code sort.ranges} (key ranges of final merges), {@code sort.fanInCuts} (merges whose
 * fan-in was cut because the budget had less room than its share).
 */
public final class ExternalSort {
    private final ExecContext ctx;
    private final Schema runSchema;
    private final int outputColumns;
    private final int[] keyColumns;
    private final RunStore store;
    private final RunGenerator generator;
    private final PreMerge preMerge;
    private final RangeMerge rangeMerge;
    /** This sort's registration with the budget; its revocable state is the workers' buffers. */
    private final MemoryConsumer consumer;
    private final List<SortWorker> workers;

    /**
     * A sort of chunks of {@code input} by {@code orders} over the columns {@code keyColumns}; the
     * output is the first {@code outputColumns} columns, at most {@code limit} rows ({@code -1}: all).
     */
    public ExternalSort(Schema input, int outputColumns, int[] keyColumns, List<SortOrder> orders, long limit, ExecContext ctx) {
        this.ctx = ctx;
        int inputColumns = input.size();
        this.outputColumns = outputColumns;
        this.keyColumns = keyColumns.clone();
        SortKeys order = new SortKeys(orders);
        List<Field> fields = new ArrayList<>(input.fields());
        String pos = "__sort_position";
        while (input.indexOf(pos) >= 0) {
            pos = "_" + pos;
        }
        fields.add(new Field(pos, DataType.INT64));
        this.runSchema = new Schema(fields);
        this.workers = new java.util.concurrent.CopyOnWriteArrayList<>();
        this.consumer = ctx.policy().register("ExternalSort", () -> {
            long b = 0;
            for (SortWorker w : workers) {
                b += w.bufferedBytes + w.writeReserve;
            }
            return b;
        });
        this.store = new RunStore(ctx, order, this.keyColumns, inputColumns, consumer);
        this.generator = new RunGenerator(ctx, runSchema, inputColumns, this.keyColumns, order, limit, store);
        this.preMerge = new PreMerge(ctx, runSchema, inputColumns, this.keyColumns, order, limit, store);
        this.rangeMerge = new RangeMerge(ctx, runSchema, inputColumns, outputColumns, this.keyColumns, order, limit, consumer);
    }

    /** The columns of the result that are the sorted output (the leading ones). */
    int outputColumns() {
        return outputColumns;
    }

    /** The run-generation terminal: buffers chunks and writes sorted runs; its result is the workers. */
    public Terminal<SortWorker, List<SortWorker>> terminal() {
        return new Terminal<>() {
            @Override
            public SortWorker newLocal() {
                SortWorker w = generator.newWorker();
                workers.add(w);
                return w;
            }

            @Override
            public boolean accept(SortWorker w, int seq, int index, Chunk chunk, boolean independent) {
                generator.add(w, seq, chunk);
                return false;
            }

            @Override
            public List<SortWorker> finish(List<SortWorker> locals) {
                return locals;
            }

            @Override
            public void abort(List<SortWorker> locals) {
                for (SortWorker w : locals) {
                    w.closeBuffer();
                    w.res.close();
                }
                store.discardAll();
                consumer.close();
            }
        };
    }

    /**
     * Writes the workers' last buffers as runs (in parallel), then merges all runs. The result's
     * first {@link #outputColumns()} columns are the sorted rows.
     */
    public StoredFrame finish(List<SortWorker> workers, String name) {
        try {
            ctx.scheduler().run(workers, new Sink<SortWorker, Object, Object>() {
                @Override
                public Object newLocal() {
                    return null;
                }

                @Override
                public void accept(Object local, Morsel<SortWorker> m) {
                    generator.writeBuffer(m.item());
                }

                @Override
                public Object finish(List<Object> locals) {
                    return null;
                }
            });
            for (SortWorker w : workers) {
                w.res.close();
            }
            List<SortedRun> all = store.takeAll();
            if (all.isEmpty()) {
                return new StoredFrame(name, runSchema.select(prefix(outputColumns)), List.of());
            }
            if (all.size() == 1) {
                store.forget(all.getFirst());
                // already sorted (and cut to the limit)
                return new StoredFrame(name, runSchema, all.getFirst().chunks);
            }
            return new StoredFrame(name, runSchema.select(prefix(outputColumns)), merge(all));
        } catch (RuntimeException | Error e) {
            for (SortWorker w : workers) {
                w.closeBuffer();
                w.res.close();
            }
            throw e;
        } finally {
            store.discardAll();
            consumer.close();
        }
    }

    /** Merges all runs: first groups of them while there are more than the final merge's fan-in. */
    private List<ChunkHandle> merge(List<SortedRun> all) {
        List<SortedRun> pending = new ArrayList<>(all);
        try {
            long largest = 1;
            int largestRows = 1;
            long bytes = 0;
            long rows = 0;
            for (SortedRun r : pending) {
                for (ChunkHandle h : r.chunks) {
                    largest = Math.max(largest, h.byteSize());
                    largestRows = Math.max(largestRows, h.rows());
                    bytes += h.byteSize();
                    rows += h.rows();
                }
            }
            long rowBytes = Math.max(1, bytes / Math.max(1, rows));
            // an input of a merge holds one pinned chunk and its normalized keys
            long perInput = largest + KeyBlock.heapBytes(largestRows, keyColumns.length);
            long mergeBytes = ctx.policy().sortMergeBytes();
            int p = ctx.scheduler().parallelism();
            int fanIn = (int) Math.max(2, Math.min(4096, mergeBytes / perInput));
            int ranges = rangeMerge.ranges(rows);
            int concurrent = Math.min(p, ranges);
            // the budget may hold less than its share now (other operators' state, chunks pinned elsewhere): as many
            // inputs as it has room for, so that a short budget means more merge passes rather than a failure
            fanIn = affordableFanIn(Math.min(fanIn, Math.max(2, pending.size() * concurrent)), largest,
                    KeyBlock.heapBytes(largestRows, keyColumns.length));
            int parallelFanIn = Math.max(2, fanIn / p);
            // every range merge pins a chunk of each run: with P at once, each gets 1/P of the room
            int finalFanIn = Math.max(2, fanIn / concurrent);
            preMerge.reduce(pending, finalFanIn, parallelFanIn, rowBytes);
            return rangeMerge.merge(pending, ranges, rowBytes);
        } finally {
            for (SortedRun r : pending) {
                store.discard(r);
            }
        }
    }

    /**
     * The most merge inputs, up to {@code wanted} (at least 2), that the budget has room for now: each pins a chunk of
     * up to {@code chunkBytes} (off-heap) and holds its normalized keys ({@code keyBytes}, on the heap). Probed by
     * reserving them ({@code growIfRoom}: the chunk store may spill, no operator is asked to revoke) and halving until
     * they fit; the probe is returned before the merge, which reserves its pins as it makes them. It asks for what
     * the merge would pin anyway, so it spills nothing the merge would not have had to.
     */
    private int affordableFanIn(int wanted, long chunkBytes, long keyBytes) {
        int fanIn = Math.max(2, wanted);
        try (Reservation heap = consumer.newReservation("sort merge inputs");
             Reservation offHeap = ctx.budget().newOffHeapReservation(consumer.name() + " (sort merge inputs)")) {
            while (fanIn > 2) {
                if (heap.growIfRoom(fanIn * keyBytes) && offHeap.growIfRoom(fanIn * chunkBytes)) {
                    break;
                }
                heap.shrink(heap.bytes());
                offHeap.shrink(offHeap.bytes());
                fanIn = Math.max(2, fanIn / 2);
            }
        }
        if (fanIn < wanted) {
            ctx.counters().add("sort.fanInCuts", 1);
        }
        return fanIn;
    }

    static int[] prefix(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }
}
