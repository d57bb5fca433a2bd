package org.spillway.frame.exec.sort;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.spill.memory.MemoryConsumer;
import org.spillway.parallel.Morsel;
import org.spillway.parallel.ProgressListener;
import org.spillway.parallel.Sink;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.memory.Reservation;

/**
 * The final merge, split by key range so that all workers merge at once: splitters are chosen among
 * the runs' samples so that each range holds about as many rows (up to {@value #RANGES_PER_WORKER}
 * ranges per worker), each run is cut at each splitter (its fences find the chunk, a binary search
 * the row), and the ranges are merged independently ({@link LoserTreeMerger}) on the scheduler's
 * workers, their output chunks concatenated in range order.
 *
 * <p>Splitters are rows (keys and position), and a range takes the rows after its lower splitter up
 * to and including its upper one, so every row falls in exactly one range, in the same total order:
 * the result is the same, and stable, for any number of ranges, and one key holding most rows is
 * split by position like any other. A run chunk read by several ranges is closed when the last of
 * them is done ({@link SortedRun#setReaders}), so disk and memory are freed as the merge goes. A
 * top-k merges in one range (it stops after {@code limit} rows).
 *
 * <p>Memory: each range merge reserves ("sort merge") its pinned chunks' normalized keys and its
 * output builders' estimated heap; output chunks are bounded to an eighth of the budget over the
 * merges running at once.
 *
 * <p>Counter: {@code sort.ranges} (key ranges of final merges).
 */
final class RangeMerge {
    /** The final merge is cut into at most this many key ranges per worker, so that workers stay busy when ranges differ. */
    static final int RANGES_PER_WORKER = 4;
    /** ... of at least this many rows each. */
    private static final long MIN_RANGE_ROWS = 1024;

    private final ExecContext ctx;
    private final Schema runSchema;
    private final int inputColumns;
    private final int outputColumns;
    private final int[] keyColumns;
    private final SortKeys order;
    private final long limit;

    private final MemoryConsumer consumer;

    RangeMerge(ExecContext ctx, Schema runSchema, int inputColumns, int outputColumns, int[] keyColumns, SortKeys order, long limit,
               MemoryConsumer consumer) {
        this.ctx = ctx;
        this.consumer = consumer;
        this.runSchema = runSchema;
        this.inputColumns = inputColumns;
        this.outputColumns = outputColumns;
        this.keyColumns = keyColumns;
        this.order = order;
        this.limit = limit;
    }

    /** Key ranges for the final merge of {@code rows} rows: one for a top-k or one worker, else up to {@link #RANGES_PER_WORKER} per worker. */
    int ranges(long rows) {
        int p = ctx.scheduler().parallelism();
        if ((limit >= 0 && limit < rows) || p == 1) {
            return 1;
        }
        return (int) Math.max(1, Math.min((long) RANGES_PER_WORKER * p, rows / MIN_RANGE_ROWS));
    }

    /**
     * The final merge of {@code pending} runs into output chunks: cut into {@code ranges} key ranges
     * by splitters chosen from the runs' samples, merged in parallel, concatenated in range order.
     */
    List<ChunkHandle> merge(List<SortedRun> pending, int ranges, long rowBytes) {
        List<KeyBlock> splitters = ranges > 1 ? splitters(pending, ranges) : List.of();
        int q = splitters.size() + 1;
        List<List<LoserTreeMerger.Segment>> segments = new ArrayList<>();
        long[] weights = new long[q];
        for (int i = 0; i < q; i++) {
            segments.add(new ArrayList<>());
        }
        for (SortedRun run : pending) {
            int chunks = run.chunks.size();
            int[] readers = new int[chunks];
            for (int i = 0; i < q; i++) {
                KeyBlock lower = i == 0 ? null : splitters.get(i - 1);
                KeyBlock upper = i == q - 1 ? null : splitters.get(i);
                int first = lower == null ? 0 : Math.max(0, run.lastChunkAtOrBefore(order, lower));
                int last = upper == null ? chunks - 1 : run.lastChunkAtOrBefore(order, upper);
                if (first > last) {
                    continue; // no row of this run in the range
                }
                segments.get(i).add(new LoserTreeMerger.Segment(run, first, last, lower, upper));
                for (int c = first; c <= last; c++) {
                    readers[c]++;
                    weights[i] += run.chunks.get(c).rows();
                }
            }
            run.setReaders(readers);
        }
        ctx.counters().add("sort.ranges", q);
        int p = ctx.scheduler().parallelism();
        int concurrent = Math.min(p, q);
        Schema outSchema = runSchema.select(ExternalSort.prefix(outputColumns));
        int outRows = (int) Math.max(256, Math.min(ctx.chunkRows(), ctx.policy().sortMergeOutputBytes() / (concurrent * rowBytes * 2)));
        long mergeLimit = limit < 0 ? Long.MAX_VALUE : limit;
        if (q == 1) {
            return mergeRange(segments.getFirst(), outSchema, outRows, rowBytes, mergeLimit);
        }
        AtomicReferenceArray<List<ChunkHandle>> results = new AtomicReferenceArray<>(q);
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < q; i++) {
            items.add(i);
        }
        ProgressListener progress = ctx.progress().apply("sort (merge)", "rows");
        try {
            ctx.scheduler().run(items, i -> weights[i], new Sink<Integer, Object, Object>() {
                @Override
                public Object newLocal() {
                    return null;
                }

                @Override
                public void accept(Object local, Morsel<Integer> m) {
                    int i = m.item();
                    results.set(i, mergeRange(segments.get(i), outSchema, outRows, rowBytes, mergeLimit));
                }

                @Override
                public Object finish(List<Object> locals) {
                    return null;
                }
            }, progress);
        } catch (RuntimeException | Error e) {
            for (int i = 0; i < q; i++) {
                List<ChunkHandle> r = results.get(i);
                if (r != null) {
                    r.forEach(ChunkHandle::close);
                }
            }
            throw e;
        }
        List<ChunkHandle> out = new ArrayList<>();
        for (int i = 0; i < q; i++) {
            out.addAll(results.get(i));
        }
        return out;
    }

    /** Merges one key range's segments into output chunks in the store; on failure closes what it wrote. */
    private List<ChunkHandle> mergeRange(List<LoserTreeMerger.Segment> segments, Schema outSchema, int outRows, long rowBytes, long mergeLimit) {
        List<ChunkHandle> out = new ArrayList<>();
        try (Reservation res = consumer.newReservation("sort merge");
             RunWriter writer = new RunWriter(outSchema, outRows, ctx.budget(), "sort merge", c -> out.add(store(c)), res,
                     outputColumns == 0 ? 0 : RunWriter.builderBytes(outRows, rowBytes), RunWriter.PLAIN_ABOVE)) {
            new LoserTreeMerger(order, keyColumns, inputColumns, outputColumns, res).merge(segments, mergeLimit, writer);
            writer.finish();
        } catch (RuntimeException | Error e) {
            out.forEach(ChunkHandle::close);
            throw e;
        }
        return out;
    }

    /**
     * About {@code ranges - 1} splitters, increasing: the samples of all runs in order, cut where the
     * rows they stand for (from each sample to the next of its run) reach each {@code 1/ranges} of the
     * total. Fewer when there are too few samples.
     */
    private List<KeyBlock> splitters(List<SortedRun> pending, int ranges) {
        record Weighted(KeyBlock key, long rows) {
        }
        List<Weighted> all = new ArrayList<>();
        long total = 0;
        for (SortedRun run : pending) {
            int n = run.samples.size();
            for (int i = 0; i < n; i++) {
                long next = i + 1 < n ? run.sampleRows.get(i + 1) : run.rows;
                long w = next - run.sampleRows.get(i);
                all.add(new Weighted(run.samples.get(i), w));
                total += w;
            }
        }
        all.sort((a, b) -> KeyBlock.compare(order, a.key(), 0, b.key(), 0));
        List<KeyBlock> out = new ArrayList<>();
        long before = 0;
        for (Weighted s : all) {
            if (out.size() == ranges - 1) {
                break;
            }
            // the rows up to this sample are about `before`: cut here once they reach the next share
            if (before >= total * (out.size() + 1) / ranges && before > 0) {
                out.add(s.key());
            }
            before += s.rows();
        }
        return out;
    }

    private ChunkHandle store(Chunk c) {
        try {
            return ctx.store().putWithoutStats(c);
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }
}
