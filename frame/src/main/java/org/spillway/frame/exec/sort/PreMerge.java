package org.spillway.frame.exec.sort;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.parallel.Morsel;
import org.spillway.parallel.ProgressListener;
import org.spillway.parallel.Sink;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.memory.Reservation;

/**
 * Merges groups of runs into longer runs, the groups in parallel on the scheduler, until few enough
 * remain for the final {@link RangeMerge}: with more runs than its fan-in, the final merge would pin
 * more chunks than the budget holds. Each pass merges the shortest runs, and just enough groups of
 * them, so that no row is copied more often than needed. The runs written are like run generation's
 * (fences and samples, in the {@link RunStore}), so the final merge can cut them into key ranges.
 *
 * <p>Counter: {@code sort.mergePasses} (passes before the final merge).
 */
final class PreMerge {
    private final ExecContext ctx;
    private final Schema runSchema;
    private final int inputColumns;
    private final int[] keyColumns;
    private final SortKeys order;
    private final long limit;
    private final RunStore store;

    PreMerge(ExecContext ctx, Schema runSchema, int inputColumns, int[] keyColumns, SortKeys order, long limit, RunStore store) {
        this.ctx = ctx;
        this.runSchema = runSchema;
        this.inputColumns = inputColumns;
        this.keyColumns = keyColumns;
        this.order = order;
        this.limit = limit;
        this.store = store;
    }

    /**
     * Merges groups of at most {@code parallelFanIn} runs of {@code pending} (replacing them there by
     * the merged runs) until at most {@code finalFanIn} remain. On failure the runs of groups not
     * merged and the runs merged in the failed pass are discarded; those still in {@code pending}
     * are the caller's.
     */
    void reduce(List<SortedRun> pending, int finalFanIn, int parallelFanIn, long rowBytes) {
        while (pending.size() > finalFanIn) {
            // merge groups of the shortest runs into longer runs, the groups in parallel, just
            // enough of them that the rest can be merged at once
            pending.sort(Comparator.comparingLong(r -> r.rows));
            int groupCount = (pending.size() - finalFanIn + parallelFanIn - 2) / (parallelFanIn - 1);
            List<List<SortedRun>> groups = new ArrayList<>();
            int taken = 0;
            for (int g = 0; g < groupCount && pending.size() - taken > 1; g++) {
                int to = Math.min(pending.size(), taken + parallelFanIn);
                groups.add(new ArrayList<>(pending.subList(taken, to)));
                taken = to;
            }
            pending.subList(0, taken).clear();
            List<SortedRun> merged = Collections.synchronizedList(new ArrayList<>());
            List<List<SortedRun>> todo = Collections.synchronizedList(new ArrayList<>(groups));
            ProgressListener progress = ctx.progress().apply("sort (merge runs)", "runs");
            try {
                ctx.scheduler().run(groups, g -> g.size(), new Sink<List<SortedRun>, Object, Object>() {
                    @Override
                    public Object newLocal() {
                        return null;
                    }

                    @Override
                    public void accept(Object local, Morsel<List<SortedRun>> m) {
                        SortedRun out = mergeGroup(m.item(), rowBytes);
                        todo.remove(m.item());
                        m.item().forEach(store::discard);
                        merged.add(out);
                    }

                    @Override
                    public Object finish(List<Object> locals) {
                        return null;
                    }
                }, progress);
            } catch (RuntimeException | Error e) {
                synchronized (todo) {
                    for (List<SortedRun> g : todo) {
                        g.forEach(store::discard);
                    }
                }
                merged.forEach(store::discard);
                throw e;
            }
            pending.addAll(merged);
            ctx.counters().add("sort.mergePasses", 1);
        }
    }

    /** Merges a group of runs into one run (with fences and samples), closing the group's chunks as it reads them. */
    private SortedRun mergeGroup(List<SortedRun> group, long rowBytes) {
        int chunkRows = RunStore.MIN_RUN_CHUNK_ROWS;
        long rows = 0;
        List<LoserTreeMerger.Segment> inputs = new ArrayList<>();
        for (SortedRun r : group) {
            for (ChunkHandle h : r.chunks) {
                chunkRows = Math.max(chunkRows, h.rows());
            }
            rows += r.rows;
            inputs.add(LoserTreeMerger.Segment.of(r));
        }
        SortedRun out = new SortedRun();
        try (Reservation res = store.consumer.newReservation("sort merge");
             RunWriter writer = new RunWriter(runSchema, chunkRows, ctx.budget(), "sort run",
                     store.output(out, RunStore.samplesPerChunk(rows, chunkRows, rowBytes)),
                     res, RunWriter.builderBytes(chunkRows, rowBytes), RunWriter.PLAIN_ABOVE)) {
            new LoserTreeMerger(order, keyColumns, inputColumns, runSchema.size(), res).merge(inputs, limit < 0 ? Long.MAX_VALUE : limit, writer);
            writer.finish();
        } catch (RuntimeException | Error e) {
            store.discard(out);
            throw e;
        }
        return out;
    }
}
