package org.spillway.frame.exec.sort;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.spillway.frame.SortOrder;
import org.spillway.frame.exec.pipeline.ChunkOps;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.frame.exec.pipeline.Terminal;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.parallel.Morsel;
import org.spillway.parallel.ProgressListener;
import org.spillway.parallel.Sink;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.memory.BudgetExceededException;
import org.spillway.spill.memory.Reservation;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.LongVectorBuilder;
import org.spillway.spill.vector.StringVector;
import org.spillway.spill.vector.VectorBuilder;

/**
 * Parallel, out-of-core, stable sort (and top-k) in two phases.
 *
 * <p><b>Run generation</b> (in the input pipeline, one buffer per worker of the scheduler): each
 * chunk reaching the sort is copied into the worker's buffer together with its rows' input
 * positions (morsel number and row within the morsel, in a hidden int64 column), so that rows with
 * equal keys can be put back in input order whichever worker saw them: the order is by the keys,
 * then the position, a total order in which no two rows are equal. The buffer's chunks are
 * reserved from the memory budget like any chunk, plus the heap its sort takes
 * ({@link RunSort#heapBytesPerRow}). When the buffer reaches its worker's share of the budget
 * ({@code limit / (2 x parallelism)}, at least 256 KiB, at most 2 Mi rows; at most
 * {@value #CACHED_RUN_ROWS} rows while the runs written fit in a quarter of the budget, so that it
 * is copied with few cache misses) or a reservation fails, it is sorted ({@link RunSort}: a radix
 * sort of the normalized keys, then the position) and written, copied column by column
 * ({@link VectorBuilder#gather}), as a sorted {@link SortedRun} of chunks into the session's chunk
 * store, which keeps them in memory while the budget allows and spills them, LZ4-compressed, when it
 * does not. Run chunks are small (about {@code limit / (64 x parallelism)} bytes) so that many runs
 * can be merged at once by every worker. Each run keeps, on the heap, the keys of each chunk's first
 * row (its fence) and of up to {@value #SAMPLES_PER_RUN} sampled rows.
 *
 * <p><b>Merge</b> ({@link LoserTreeMerger}): a loser tree over normalized keys, one pinned chunk per run,
 * rows copied column by column in batches. At most {@code (limit / 2) / (largest run chunk)} runs
 * (at least 2) are pinned at once over all workers; with more runs, groups of runs are first merged
 * into longer runs, the groups in parallel on the scheduler, until few enough remain. The final
 * merge is split by key range: splitters are chosen among the runs' samples so that each range
 * holds about as many rows (up to {@value #RANGES_PER_WORKER} ranges per worker), each run is cut at
 * each splitter (its fences find the chunk, a binary search the row), and the ranges are merged
 * independently on the scheduler's workers, their output chunks concatenated in range order.
 * Splitters are rows (keys and position), and a range takes the rows after its lower splitter up to
 * and including its upper one, so every row falls in exactly one range, in the same total order: the
 * result is the same, and stable, for any number of ranges, and one key holding most rows is split
 * by position like any other. Run chunks are closed as soon as every range reading them is done, so
 * disk and memory are freed as the merge goes. A top-k merges in one range (it stops after
 * {@code limit} rows).
 *
 * <p><b>Memory of the merge</b>: pinned run chunks are the store's (reserved when they were built or
 * read back); each merge reserves ("sort merge") the heap of its pinned chunks' normalized keys and
 * an estimate of its output builders' heap (output chunk rows times the runs' bytes per row, times
 * 1.5); the runs' fences and samples are reserved as "sort samples". The final merge's output chunks
 * are bounded to an eighth of the budget over all workers.
 *
 * <p><b>Top-k</b> ({@code limit >= 0}): a worker whose buffer holds twice the limit (and at least
 * 16 Ki rows), or is full, sorts it and keeps only its {@code limit} best rows; the worst kept row then becomes a cut-off, and later rows that do not
 * sort before it are not even copied. Runs hold at most {@code limit} rows and the merge stops after
 * {@code limit} rows. When {@code limit} rows do not fit in half a worker's share, the buffer is
 * written as a run instead, so a large "top-k" degrades into an external sort, not a failure.
 *
 * <p>The input's leading columns are the output; the sort keys are input columns (expressions are
 * computed into hidden columns by a projection before the sort). The result's first
 * {@link #outputColumns()} columns are the sorted output; further columns are hidden.
 *
 * <p>Counters: {@code sort.runs} (runs written), {@code sort.mergePasses} (passes merging groups of
 * runs before the final merge), {@code sort.ranges} (key ranges of final merges).
 */
public final class ExternalSort {
    private static final long MIN_RUN_BYTES = 256 << 10;
    /** A top-k buffer keeps its best rows once it holds this many rows and twice the limit. */
    private static final int TOP_K_MIN_ROWS = 1 << 14;
    /** At most this many rows per run, so that its sort's records stay small on the heap (tens of MiB). */
    private static final int MAX_RUN_ROWS = 1 << 21;
    /**
     * Rows per run while the runs written so far fit in a quarter of the budget (the sort is likely to
     * stay in memory): a buffer this small is gathered into its run with few cache misses, which
     * costs less than the longer merge of more runs. Beyond that, runs take the worker's whole share
     * of the budget so that fewer runs spill and the merge needs fewer passes.
     */
    static final int CACHED_RUN_ROWS = 1 << 17;
    /** Run chunks hold at least this many rows (more when they are narrow: about {@link #runChunkBytes}). */
    private static final int MIN_RUN_CHUNK_ROWS = 64;
    /** Rows sampled per run (spread over its chunks), among which the splitters of the final merge are chosen. */
    static final int SAMPLES_PER_RUN = 128;
    /** At most one sample per this many rows of a run. */
    private static final int ROWS_PER_SAMPLE = 32;
    /** A run's samples take at most about this fraction (1/n) of its bytes. */
    private static final int SAMPLE_SHARE = 256;
    /** The final merge is cut into at most this many key ranges per worker, so that workers stay busy when ranges differ. */
    static final int RANGES_PER_WORKER = 4;
    /** ... of at least this many rows each. */
    private static final long MIN_RANGE_ROWS = 1024;
    /**
     * Runs and the merge's output hold a string column plain (its bytes) rather than as dictionary
     * codes when its source chunk has a dictionary of more than this many entries: in sorted order
     * such a dictionary is read at random, and a merge of many runs reads many at once (cache
     * misses), or would intern most values anew. Small dictionaries (categories) stay dictionaries.
     */
    private static final int PLAIN_ABOVE = 1024;

    private final ExecContext ctx;
    private final Schema runSchema;
    private final int inputColumns;
    private final int outputColumns;
    private final int[] keyColumns;
    private final SortKeys order;
    private final long limit;
    private final long runBytes;
    private final long runChunkBytes;
    /** Heap bytes per buffered row for sorting it ({@link RunSort#heapBytesPerRow}). */
    private final long heapBytesPerRow;
    private final List<SortedRun> runs = Collections.synchronizedList(new ArrayList<>());
    /** Bytes of the runs written by run generation so far. */
    private final java.util.concurrent.atomic.AtomicLong runBytesWritten = new java.util.concurrent.atomic.AtomicLong();
    private Reservation samples; // the runs' fences and samples; opened on first use

    /**
     * A sort of chunks of {@code input} by {@code orders} over the columns {@code keyColumns}; the
     * output is the first {@code outputColumns} columns, at most {@code limit} rows ({@code -1}: all).
     */
    public ExternalSort(Schema input, int outputColumns, int[] keyColumns, List<SortOrder> orders, long limit, ExecContext ctx) {
        this.ctx = ctx;
        this.inputColumns = input.size();
        this.outputColumns = outputColumns;
        this.keyColumns = keyColumns.clone();
        this.order = new SortKeys(orders);
        this.limit = limit;
        List<Field> fields = new ArrayList<>(input.fields());
        String pos = "__sort_position";
        while (input.indexOf(pos) >= 0) {
            pos = "_" + pos;
        }
        fields.add(new Field(pos, DataType.INT64));
        this.runSchema = new Schema(fields);
        long budget = ctx.budget().limit();
        int p = ctx.scheduler().parallelism();
        this.runBytes = Math.max(MIN_RUN_BYTES, budget / (2L * p));
        this.runChunkBytes = Math.max(16 << 10, budget / (64L * p));
        this.heapBytesPerRow = RunSort.heapBytesPerRow(keyColumns.length);
    }

    /** The columns of the result that are the sorted output (the leading ones). */
    int outputColumns() {
        return outputColumns;
    }

    // ---- run generation ----------------------------------------------------------------------

    /** A worker's buffer of rows not yet written as a run. */
    public final class Worker {
        final Reservation res = ctx.budget().newReservation("sort buffer");
        final List<Chunk> buffer = new ArrayList<>();
        long bufferedBytes;
        int bufferedRows;
        int lastSeq = -1;
        long morselRows;
        VectorBuilder[] builders;
        int[] selection = new int[0];
        int[] zeros = new int[0]; // gather indices into a single source
        // top-k: the worst row kept so far (in a chunk of the buffer); rows not before it are dropped
        ColumnVector[] cutoffKeys;
        int cutoffRow;
        long cutoffPos;

        VectorBuilder[] builders(int rows) {
            if (builders == null) {
                builders = ChunkOps.builders(runSchema, rows).toArray(VectorBuilder[]::new);
            }
            for (VectorBuilder b : builders) {
                b.reset();
            }
            return builders;
        }

        void closeBuffer() {
            for (Chunk c : buffer) {
                c.close();
            }
            buffer.clear();
            bufferedBytes = 0;
            bufferedRows = 0;
            cutoffKeys = null;
            if (res.bytes() > 0) {
                res.shrink(res.bytes());
            }
        }
    }

    /** The run-generation terminal: buffers chunks and writes sorted runs; its result is the workers. */
    public Terminal<Worker, List<Worker>> terminal() {
        return new Terminal<>() {
            @Override
            public Worker newLocal() {
                return new Worker();
            }

            @Override
            public boolean accept(Worker w, int seq, int index, Chunk chunk, boolean independent) {
                add(w, seq, chunk);
                return false;
            }

            @Override
            public List<Worker> finish(List<Worker> locals) {
                return locals;
            }

            @Override
            public void abort(List<Worker> locals) {
                for (Worker w : locals) {
                    w.closeBuffer();
                    w.res.close();
                }
                discardRuns();
            }
        };
    }

    private void add(Worker w, int seq, Chunk chunk) {
        if (seq != w.lastSeq) {
            w.lastSeq = seq;
            w.morselRows = 0;
        }
        long base = ((long) seq << 32) + w.morselRows;
        int n = chunk.rows();
        w.morselRows += n;
        if (n == 0) {
            return;
        }
        if (w.selection.length < n) {
            w.selection = new int[n];
        }
        int[] sel = w.selection;
        int count = 0;
        ColumnVector[] keys = keyVectors(chunk);
        for (int i = 0; i < n; i++) {
            if (w.cutoffKeys == null || order.compare(keys, i, base + i, w.cutoffKeys, w.cutoffRow, w.cutoffPos) < 0) {
                sel[count++] = i;
            }
        }
        if (count == 0) {
            return;
        }
        long estimate = estimateBytes(chunk, count);
        boolean compactNow = limit >= 0 && w.bufferedRows > limit && w.bufferedRows >= Math.max(2 * limit, TOP_K_MIN_ROWS);
        int maxRows = runBytesWritten.get() < ctx.budget().limit() / 4 ? CACHED_RUN_ROWS : MAX_RUN_ROWS;
        if (w.bufferedRows > 0 && (compactNow || w.bufferedBytes + estimate > runBytes || w.bufferedRows + count > maxRows)) {
            bufferFull(w);
            if (w.cutoffKeys != null) {
                add(w, seq, chunk, base); // the new cut-off may drop more of this chunk
                return;
            }
        }
        copyIntoBuffer(w, chunk, sel, count, base);
    }

    /** {@link #add(Worker, int, Chunk)} again for a chunk whose rows' positions start at {@code base}. */
    private void add(Worker w, int seq, Chunk chunk, long base) {
        w.morselRows = base - ((long) seq << 32);
        add(w, seq, chunk);
    }

    private void copyIntoBuffer(Worker w, Chunk chunk, int[] sel, int count, long base) {
        long heap = heapBytesPerRow * count;
        Chunk copy;
        try {
            w.res.grow(heap);
            copy = copyRows(w, chunk, sel, count, base);
        } catch (BudgetExceededException e) {
            if (w.bufferedRows == 0) {
                throw e;
            }
            // the budget is shorter than this worker's share: write what it has and start again
            writeBuffer(w);
            w.res.grow(heap);
            copy = copyRows(w, chunk, sel, count, base);
        }
        w.buffer.add(copy);
        w.bufferedRows += count;
        w.bufferedBytes += copy.byteSize() + heap;
    }

    /** The selected rows of an input chunk, with their positions, as a new chunk of the run schema. */
    private Chunk copyRows(Worker w, Chunk chunk, int[] sel, int count, long base) {
        VectorBuilder[] b = w.builders(count);
        if (count == chunk.rows()) {
            for (int j = 0; j < inputColumns; j++) {
                b[j].appendRange(chunk.column(j), 0, count); // every row: sel is the identity
            }
        } else {
            if (w.zeros.length < count) {
                w.zeros = new int[count];
            }
            ColumnVector[] one = new ColumnVector[1];
            for (int j = 0; j < inputColumns; j++) {
                one[0] = chunk.column(j);
                b[j].gather(one, w.zeros, sel, 0, count);
            }
        }
        LongVectorBuilder pos = (LongVectorBuilder) b[inputColumns];
        for (int r = 0; r < count; r++) {
            pos.append(base + sel[r]);
        }
        return Chunk.build(runSchema, List.of(b), ctx.budget(), "sort buffer");
    }

    private long estimateBytes(Chunk chunk, int rows) {
        long b = 0;
        for (int j = 0; j < chunk.columnCount(); j++) {
            b += chunk.column(j).byteSize() + 64;
        }
        return b * rows / Math.max(1, chunk.rows()) + 8L * rows + heapBytesPerRow * rows;
    }

    private ColumnVector[] keyVectors(Chunk c) {
        ColumnVector[] k = new ColumnVector[keyColumns.length];
        for (int i = 0; i < k.length; i++) {
            k[i] = c.column(keyColumns[i]);
        }
        return k;
    }

    /**
     * The buffer reached its size: for a top-k whose best rows fit in half of it, keep just those
     * (and a cut-off for later rows); otherwise write it as a run.
     */
    private void bufferFull(Worker w) {
        if (limit >= 0 && limit < w.bufferedRows) {
            long keptBytes = w.bufferedBytes / w.bufferedRows * limit;
            if (keptBytes <= runBytes / 2) {
                compact(w);
                return;
            }
        }
        writeBuffer(w);
    }

    /** Top-k: replaces the buffer by its {@code limit} best rows and remembers the worst of them. */
    private void compact(Worker w) {
        RunSort.SortedRows sorted = RunSort.sort(order, w.buffer, keyColumns, inputColumns, w.bufferedRows);
        int keep = (int) limit;
        List<Chunk> kept = new ArrayList<>();
        try {
            writeRows(w, sorted, keep, rowsPerRunChunk(w), kept::add);
        } catch (RuntimeException | Error e) {
            kept.forEach(Chunk::close);
            throw e;
        }
        w.closeBuffer();
        w.buffer.addAll(kept);
        long bytes = 0;
        for (Chunk c : kept) {
            bytes += c.byteSize();
        }
        w.bufferedRows = keep;
        w.bufferedBytes = bytes + heapBytesPerRow * keep;
        w.res.grow(heapBytesPerRow * keep);
        if (keep > 0) {
            Chunk last = kept.getLast();
            w.cutoffKeys = keyVectors(last);
            w.cutoffRow = last.rows() - 1;
            w.cutoffPos = ((LongVector) last.column(inputColumns)).get(w.cutoffRow);
        }
    }

    /** Sorts the buffer, writes its first rows (all, or {@code limit}) as a run into the store, and empties it. */
    private void writeBuffer(Worker w) {
        if (w.bufferedRows == 0) {
            return;
        }
        RunSort.SortedRows sorted = RunSort.sort(order, w.buffer, keyColumns, inputColumns, w.bufferedRows);
        int keep = limit >= 0 ? (int) Math.min(limit, w.bufferedRows) : w.bufferedRows;
        int rowsPerChunk = rowsPerRunChunk(w);
        SortedRun run = new SortedRun();
        try {
            long rowBytes = Math.max(1, (w.bufferedBytes - heapBytesPerRow * w.bufferedRows) / w.bufferedRows);
            writeRows(w, sorted, keep, rowsPerChunk, new RunOutput(run, samplesPerChunk(keep, rowsPerChunk, rowBytes)));
        } catch (RuntimeException | Error e) {
            discard(run);
            throw e;
        }
        runs.add(run);
        long bytes = 0;
        for (ChunkHandle h : run.chunks) {
            bytes += h.byteSize();
        }
        runBytesWritten.addAndGet(bytes);
        ctx.counters().add("sort.runs", 1);
        w.closeBuffer();
    }

    /** Rows per run chunk: about {@link #runChunkBytes} of this buffer's rows. */
    private int rowsPerRunChunk(Worker w) {
        return (int) Math.max(MIN_RUN_CHUNK_ROWS, Math.min(ctx.chunkRows(), runChunkBytes / Math.max(1, w.bufferedBytes / w.bufferedRows)));
    }

    /**
     * Samples per chunk of a run of {@code rows} rows of about {@code rowBytes} bytes in chunks of
     * {@code rowsPerChunk}: about {@link #SAMPLES_PER_RUN} in all, but at most one per
     * {@value #ROWS_PER_SAMPLE} rows, and (a sample copying at most a row's keys) at most a
     * {@value #SAMPLE_SHARE}th of the run's bytes, so that under a small budget with many small runs
     * the samples stay a small part of it; at least the fence of each chunk.
     */
    private static int samplesPerChunk(long rows, int rowsPerChunk, long rowBytes) {
        long chunks = Math.max(1, (rows + rowsPerChunk - 1) / rowsPerChunk);
        long wanted = Math.min(SAMPLES_PER_RUN, Math.min(rows / ROWS_PER_SAMPLE, rows * rowBytes / (SAMPLE_SHARE * (rowBytes + 128))));
        return (int) Math.max(1, Math.min(rowsPerChunk, (wanted + chunks - 1) / chunks));
    }

    /** Gathers the first {@code count} sorted rows into chunks of the run schema, in order. */
    private void writeRows(Worker w, RunSort.SortedRows sorted, int count, int rowsPerChunk, RunWriter.Output out) {
        if (count == 0) {
            return;
        }
        List<Chunk> buf = w.buffer;
        ColumnVector[][] byColumn = new ColumnVector[runSchema.size()][buf.size()];
        for (int c = 0; c < buf.size(); c++) {
            for (int j = 0; j < runSchema.size(); j++) {
                byColumn[j][c] = buf.get(c).column(j);
            }
        }
        long rowBytes = Math.max(1, (w.bufferedBytes - heapBytesPerRow * w.bufferedRows) / w.bufferedRows);
        try (RunWriter writer = new RunWriter(runSchema, rowsPerChunk, ctx.budget(), "sort run", out, w.res,
                builderBytes(rowsPerChunk, rowBytes), PLAIN_ABOVE)) {
            writer.gather(byColumn, sorted.slots(), sorted.rows(), 0, count);
            writer.finish();
        }
    }

    /** An estimate of the heap of builders holding {@code rows} rows of {@code rowBytes} bytes. */
    private static long builderBytes(int rows, long rowBytes) {
        return rows * rowBytes * 3 / 2 + 1024;
    }

    /** Writes chunks of a run into the store, recording their fences and samples first. */
    private final class RunOutput implements RunWriter.Output {
        private final SortedRun run;
        private final int perChunk;

        RunOutput(SortedRun run, int perChunk) {
            this.run = run;
            this.perChunk = perChunk;
        }

        @Override
        public void accept(Chunk chunk) {
            int n = chunk.rows();
            int count = Math.min(perChunk, n);
            KeyBlock[] keys = new KeyBlock[count];
            int[] at = new int[count];
            long bytes = 0;
            ChunkHandle h;
            try {
                for (int s = 0; s < count; s++) {
                    at[s] = (int) ((long) s * n / count);
                    keys[s] = KeyBlock.rowOf(order, chunk, keyColumns, inputColumns, at[s]);
                    bytes += keys[s].heapBytes() + 32;
                }
                samples().grow(bytes);
            } catch (RuntimeException | Error e) {
                chunk.close();
                throw e;
            }
            try {
                h = ctx.store().putWithoutStats(chunk);
            } catch (RuntimeException | Error e) {
                chunk.close();
                samples().shrink(bytes);
                throw e;
            }
            long start = run.rows;
            run.addChunk(h, keys[0]);
            run.sampleBytes += bytes;
            for (int s = 0; s < count; s++) {
                run.addSample(keys[s], start + at[s]);
            }
        }
    }

    private synchronized Reservation samples() {
        if (samples == null) {
            samples = ctx.budget().newReservation("sort samples");
        }
        return samples;
    }

    /** Returns a run's sample memory (its chunks are handed on or closed by the caller). */
    private void forget(SortedRun run) {
        if (run.sampleBytes > 0) {
            samples().shrink(run.sampleBytes);
            run.sampleBytes = 0;
        }
    }

    /** Closes a run's chunks and returns its sample memory. */
    private void discard(SortedRun run) {
        try {
            run.close();
        } finally {
            forget(run);
        }
    }

    // ---- merge ----------------------------------------------------------------------------------

    /**
     * Writes the workers' last buffers as runs (in parallel), then merges all runs. The result's
     * first {@link #outputColumns()} columns are the sorted rows.
     */
    public StoredFrame finish(List<Worker> workers, String name) {
        try {
            ctx.scheduler().run(workers, new Sink<Worker, Object, Object>() {
                @Override
                public Object newLocal() {
                    return null;
                }

                @Override
                public void accept(Object local, Morsel<Worker> m) {
                    writeBuffer(m.item());
                }

                @Override
                public Object finish(List<Object> locals) {
                    return null;
                }
            });
            for (Worker w : workers) {
                w.res.close();
            }
            List<SortedRun> all;
            synchronized (runs) {
                all = new ArrayList<>(runs);
                runs.clear();
            }
            if (all.isEmpty()) {
                return new StoredFrame(name, runSchema.select(prefix(outputColumns)), List.of());
            }
            if (all.size() == 1) {
                forget(all.getFirst());
                // already sorted (and cut to the limit)
                return new StoredFrame(name, runSchema, all.getFirst().chunks);
            }
            return new StoredFrame(name, runSchema.select(prefix(outputColumns)), merge(all));
        } catch (RuntimeException | Error e) {
            for (Worker w : workers) {
                w.closeBuffer();
                w.res.close();
            }
            throw e;
        } finally {
            discardRuns();
        }
    }

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
            long mergeBytes = ctx.budget().limit() / 2;
            int p = ctx.scheduler().parallelism();
            int fanIn = (int) Math.max(2, Math.min(4096, mergeBytes / perInput));
            int parallelFanIn = Math.max(2, fanIn / p);
            int ranges = ranges(rows);
            // every range merge pins a chunk of each run: with P at once, each gets 1/P of the room
            int finalFanIn = Math.max(2, fanIn / Math.min(p, ranges));
            while (pending.size() > finalFanIn) {
                // merge groups of the shortest runs into longer runs, the groups in parallel, just
                // enough of them that the rest can be merged at once
                pending.sort(java.util.Comparator.comparingLong(r -> r.rows));
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
                            m.item().forEach(ExternalSort.this::discard);
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
                            g.forEach(this::discard);
                        }
                    }
                    merged.forEach(this::discard);
                    throw e;
                }
                pending.addAll(merged);
                ctx.counters().add("sort.mergePasses", 1);
            }
            return finalMerge(pending, ranges, rowBytes);
        } finally {
            for (SortedRun r : pending) {
                discard(r);
            }
        }
    }

    /** Key ranges for the final merge of {@code rows} rows: one for a top-k or one worker, else up to {@link #RANGES_PER_WORKER} per worker. */
    private int ranges(long rows) {
        int p = ctx.scheduler().parallelism();
        if ((limit >= 0 && limit < rows) || p == 1) {
            return 1;
        }
        return (int) Math.max(1, Math.min((long) RANGES_PER_WORKER * p, rows / MIN_RANGE_ROWS));
    }

    /** Merges a group of runs into one run (with fences and samples), closing the group's chunks as it reads them. */
    private SortedRun mergeGroup(List<SortedRun> group, long rowBytes) {
        int chunkRows = MIN_RUN_CHUNK_ROWS;
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
        try (Reservation res = ctx.budget().newReservation("sort merge");
             RunWriter writer = new RunWriter(runSchema, chunkRows, ctx.budget(), "sort run", new RunOutput(out, samplesPerChunk(rows, chunkRows, rowBytes)),
                     res, builderBytes(chunkRows, rowBytes), PLAIN_ABOVE)) {
            new LoserTreeMerger(order, keyColumns, inputColumns, runSchema.size(), res).merge(inputs, limit < 0 ? Long.MAX_VALUE : limit, writer);
            writer.finish();
        } catch (RuntimeException | Error e) {
            discard(out);
            throw e;
        }
        return out;
    }

    /**
     * The final merge of {@code pending} runs into output chunks: cut into {@code ranges} key ranges
     * by splitters chosen from the runs' samples, merged in parallel, concatenated in range order.
     */
    private List<ChunkHandle> finalMerge(List<SortedRun> pending, int ranges, long rowBytes) {
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
        Schema outSchema = runSchema.select(prefix(outputColumns));
        int outRows = (int) Math.max(256, Math.min(ctx.chunkRows(), ctx.budget().limit() / 8 / (concurrent * rowBytes * 2)));
        long mergeLimit = limit < 0 ? Long.MAX_VALUE : limit;
        if (q == 1) {
            return mergeRange(segments.getFirst(), outSchema, outRows, rowBytes, mergeLimit);
        }
        java.util.concurrent.atomic.AtomicReferenceArray<List<ChunkHandle>> results = new java.util.concurrent.atomic.AtomicReferenceArray<>(q);
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
        try (Reservation res = ctx.budget().newReservation("sort merge");
             RunWriter writer = new RunWriter(outSchema, outRows, ctx.budget(), "sort merge", c -> out.add(store(c)), res,
                     outputColumns == 0 ? 0 : builderBytes(outRows, rowBytes), PLAIN_ABOVE)) {
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

    private static int[] prefix(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private void discardRuns() {
        try {
            synchronized (runs) {
                for (SortedRun r : runs) {
                    discard(r);
                }
                runs.clear();
            }
        } finally {
            synchronized (this) {
                if (samples != null) {
                    samples.close();
                }
            }
        }
    }
}
