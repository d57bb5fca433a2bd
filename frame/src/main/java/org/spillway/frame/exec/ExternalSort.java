package org.spillway.frame.exec;

import it.unimi.dsi.fastutil.ints.IntArrays;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.spillway.frame.SortOrder;
import org.spillway.parallel.Morsel;
import org.spillway.parallel.ProgressListener;
import org.spillway.parallel.Sink;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.chunk.PinnedChunk;
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
 * equal keys can be put back in input order whichever worker saw them. The buffer's chunks are
 * reserved from the memory budget like any chunk, plus the heap its sort takes (per row an index,
 * the position and a normalized long per key). When the buffer reaches its worker's share of the
 * budget ({@code limit / (2 x parallelism)}, at least 256 KiB, at most 2 Mi rows) or a reservation
 * fails, it is sorted (an index sort by the normalized keys, then the position) and written as a
 * sorted <i>run</i> of chunks into the session's chunk store, which keeps them in memory while the
 * budget allows and spills them, LZ4-compressed, when it does not. Run chunks are
 * small (about {@code limit / 64} bytes) so that many runs can be merged at once.
 *
 * <p><b>Merge</b>: the runs are merged k ways, one pinned chunk per run, the next row taken from a
 * binary heap of run cursors. At most {@code (limit / 2) / (largest run chunk)} runs (at least 2)
 * are merged at once; with more runs, groups of runs are first merged into longer runs, the groups
 * in parallel on the scheduler, until few enough remain. The final merge, which writes the output
 * chunks into the store, runs on one thread (a documented limit: it could be split by key ranges).
 * Run chunks are closed as soon as the merge has read them, so disk and memory are freed as it goes.
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
 */
final class ExternalSort {
    private static final long MIN_RUN_BYTES = 256 << 10;
    /** A top-k buffer keeps its best rows once it holds this many rows and twice the limit. */
    private static final int TOP_K_MIN_ROWS = 1 << 14;
    /** At most this many rows per run, so that a run's index array stays small on the heap (16 MiB). */
    private static final int MAX_RUN_ROWS = 1 << 21;

    private final ExecContext ctx;
    private final Schema runSchema;
    private final int inputColumns;
    private final int outputColumns;
    private final int[] keyColumns;
    private final SortKeys order;
    private final long limit;
    private final long runBytes;
    private final long runChunkBytes;
    /** Heap bytes per buffered row for sorting it: index, chunk, position, reference, and 9 per key. */
    private final long heapBytesPerRow;
    private final List<List<ChunkHandle>> runs = Collections.synchronizedList(new ArrayList<>());

    /**
     * A sort of chunks of {@code input} by {@code orders} over the columns {@code keyColumns}; the
     * output is the first {@code outputColumns} columns, at most {@code limit} rows ({@code -1}: all).
     */
    ExternalSort(Schema input, int outputColumns, int[] keyColumns, List<SortOrder> orders, long limit, ExecContext ctx) {
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
        this.runBytes = Math.max(MIN_RUN_BYTES, budget / (2L * ctx.scheduler().parallelism()));
        this.runChunkBytes = Math.max(16 << 10, budget / 64);
        this.heapBytesPerRow = 24 + 9L * keyColumns.length;
    }

    /** The columns of the result that are the sorted output (the leading ones). */
    int outputColumns() {
        return outputColumns;
    }

    // ---- run generation ----------------------------------------------------------------------

    /** A worker's buffer of rows not yet written as a run. */
    final class Worker {
        final Reservation res = ctx.budget().newReservation("sort buffer");
        final List<Chunk> buffer = new ArrayList<>();
        long bufferedBytes;
        int bufferedRows;
        int lastSeq = -1;
        long morselRows;
        VectorBuilder[] builders;
        int[] selection = new int[0];
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
    Terminal<Worker, List<Worker>> terminal() {
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
        if (w.bufferedRows > 0 && (compactNow || w.bufferedBytes + estimate > runBytes || w.bufferedRows + count > MAX_RUN_ROWS)) {
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
        for (int j = 0; j < inputColumns; j++) {
            ColumnVector v = chunk.column(j);
            VectorBuilder bj = b[j];
            for (int r = 0; r < count; r++) {
                bj.appendFrom(v, sel[r]);
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

    /**
     * The buffer's rows as references ({@code chunk << 32 | row}) in sorted order. Each key is first
     * turned into a long per row whose order is the key's ({@link SortKeys#normalized}), so most
     * comparisons read two arrays; only equal prefixes of strings of 8 bytes or more read the vectors.
     */
    private long[] sortedBuffer(Worker w) {
        int n = w.bufferedRows;
        int nk = keyColumns.length;
        List<Chunk> buf = w.buffer;
        ColumnVector[][] keys = new ColumnVector[buf.size()][];
        int[] chunkStart = new int[buf.size() + 1];
        int[] chunkOf = new int[n];
        long[] pos = new long[n];
        long[][] norm = new long[nk][n];
        boolean[][] nulls = new boolean[nk][];
        boolean[] isString = new boolean[nk];
        int g = 0;
        for (int c = 0; c < buf.size(); c++) {
            Chunk ch = buf.get(c);
            keys[c] = keyVectors(ch);
            chunkStart[c] = g;
            LongVector p = (LongVector) ch.column(inputColumns);
            for (int k = 0; k < nk; k++) {
                ColumnVector v = keys[c][k];
                isString[k] = v instanceof StringVector;
                long[] out = norm[k];
                for (int i = 0; i < ch.rows(); i++) {
                    if (v.isNull(i)) {
                        if (nulls[k] == null) {
                            nulls[k] = new boolean[n];
                        }
                        nulls[k][g + i] = true;
                    } else {
                        out[g + i] = order.normalized(k, v, i);
                    }
                }
            }
            for (int i = 0; i < ch.rows(); i++) {
                chunkOf[g] = c;
                pos[g++] = p.get(i);
            }
        }
        chunkStart[buf.size()] = g;
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        IntArrays.quickSort(idx, 0, n, (a, b) -> {
            for (int k = 0; k < nk; k++) {
                boolean[] nl = nulls[k];
                if (nl != null && (nl[a] || nl[b])) {
                    if (nl[a] && nl[b]) {
                        continue;
                    }
                    return nl[a] == order.nullsFirst(k) ? -1 : 1;
                }
                long x = norm[k][a];
                long y = norm[k][b];
                if (x != y) {
                    return x < y ? -1 : 1;
                }
                if (isString[k] && order.isLongString(k, x)) {
                    int ca = chunkOf[a];
                    int cb = chunkOf[b];
                    int c = order.compareStrings(k, (StringVector) keys[ca][k], a - chunkStart[ca],
                            (StringVector) keys[cb][k], b - chunkStart[cb]);
                    if (c != 0) {
                        return c;
                    }
                }
            }
            return Long.compare(pos[a], pos[b]);
        });
        long[] refs = new long[n];
        for (int r = 0; r < n; r++) {
            int i = idx[r];
            int c = chunkOf[i];
            refs[r] = ((long) c << 32) | (i - chunkStart[c]);
        }
        return refs;
    }

    /** Top-k: replaces the buffer by its {@code limit} best rows and remembers the worst of them. */
    private void compact(Worker w) {
        long[] refs = sortedBuffer(w);
        int keep = (int) limit;
        List<Chunk> kept = new ArrayList<>();
        try {
            writeRows(w, refs, keep, c -> kept.add(c));
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
        long[] refs = sortedBuffer(w);
        int keep = limit >= 0 ? (int) Math.min(limit, refs.length) : refs.length;
        List<ChunkHandle> run = new ArrayList<>();
        try {
            writeRows(w, refs, keep, c -> {
                try {
                    run.add(ctx.store().putWithoutStats(c));
                } catch (RuntimeException | Error e) {
                    c.close();
                    throw e;
                }
            });
        } catch (RuntimeException | Error e) {
            run.forEach(ChunkHandle::close);
            throw e;
        }
        runs.add(run);
        w.closeBuffer();
    }

    /** Gathers the first {@code count} referenced rows into chunks of the run schema, in order. */
    private void writeRows(Worker w, long[] refs, int count, java.util.function.Consumer<Chunk> out) {
        if (count == 0) {
            return;
        }
        int rowsPerChunk = (int) Math.max(256, Math.min(ctx.chunkRows(), runChunkBytes / Math.max(1, w.bufferedBytes / w.bufferedRows)));
        List<Chunk> buf = w.buffer;
        ColumnVector[][] cols = new ColumnVector[buf.size()][runSchema.size()];
        for (int c = 0; c < buf.size(); c++) {
            for (int j = 0; j < runSchema.size(); j++) {
                cols[c][j] = buf.get(c).column(j);
            }
        }
        for (int from = 0; from < count; from += rowsPerChunk) {
            int to = Math.min(count, from + rowsPerChunk);
            VectorBuilder[] b = w.builders(to - from);
            for (int j = 0; j < b.length; j++) {
                VectorBuilder bj = b[j];
                for (int r = from; r < to; r++) {
                    long ref = refs[r];
                    bj.appendFrom(cols[(int) (ref >>> 32)][j], (int) ref);
                }
            }
            out.accept(Chunk.build(runSchema, List.of(b), ctx.budget(), "sort run"));
        }
    }

    // ---- merge ----------------------------------------------------------------------------------

    /**
     * Writes the workers' last buffers as runs (in parallel), then merges all runs. The result's
     * first {@link #outputColumns()} columns are the sorted rows.
     */
    StoredFrame finish(List<Worker> workers, String name) {
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
            List<List<ChunkHandle>> all = new ArrayList<>(runs);
            runs.clear();
            if (all.isEmpty()) {
                return new StoredFrame(name, runSchema.select(prefix(outputColumns)), List.of());
            }
            if (all.size() == 1) {
                return new StoredFrame(name, runSchema, all.getFirst()); // already sorted (and cut to the limit)
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

    private List<ChunkHandle> merge(List<List<ChunkHandle>> all) {
        List<List<ChunkHandle>> pending = new ArrayList<>(all);
        try {
            long largest = 1;
            for (List<ChunkHandle> r : pending) {
                for (ChunkHandle h : r) {
                    largest = Math.max(largest, h.byteSize());
                }
            }
            long mergeBytes = ctx.budget().limit() / 2;
            int fanIn = (int) Math.max(2, Math.min(4096, mergeBytes / largest));
            int parallelFanIn = Math.max(2, fanIn / ctx.scheduler().parallelism());
            while (pending.size() > fanIn) {
                // merge groups of the shortest runs into longer runs, the groups in parallel, just
                // enough of them that the rest can be merged at once
                pending.sort(java.util.Comparator.comparingLong(ExternalSort::rows));
                int groupCount = (pending.size() - fanIn + parallelFanIn - 2) / (parallelFanIn - 1);
                List<List<List<ChunkHandle>>> groups = new ArrayList<>();
                int taken = 0;
                for (int g = 0; g < groupCount && pending.size() - taken > 1; g++) {
                    int to = Math.min(pending.size(), taken + parallelFanIn);
                    groups.add(new ArrayList<>(pending.subList(taken, to)));
                    taken = to;
                }
                pending.subList(0, taken).clear();
                List<List<ChunkHandle>> merged = Collections.synchronizedList(new ArrayList<>());
                List<List<List<ChunkHandle>>> todo = Collections.synchronizedList(new ArrayList<>(groups));
                ProgressListener progress = ctx.progress().apply("sort (merge runs)", "runs");
                try {
                    ctx.scheduler().run(groups, g -> g.size(), new Sink<List<List<ChunkHandle>>, Object, Object>() {
                        @Override
                        public Object newLocal() {
                            return null;
                        }

                        @Override
                        public void accept(Object local, Morsel<List<List<ChunkHandle>>> m) {
                            List<ChunkHandle> out = new ArrayList<>();
                            try {
                                mergeRuns(m.item(), runSchema.size(), runChunkRows(m.item()), out);
                            } catch (RuntimeException | Error e) {
                                out.forEach(ChunkHandle::close);
                                throw e;
                            }
                            todo.remove(m.item());
                            merged.add(out);
                        }

                        @Override
                        public Object finish(List<Object> locals) {
                            return null;
                        }
                    }, progress);
                } catch (RuntimeException | Error e) {
                    synchronized (todo) {
                        for (List<List<ChunkHandle>> g : todo) {
                            g.forEach(r -> r.forEach(ChunkHandle::close));
                        }
                    }
                    merged.forEach(r -> r.forEach(ChunkHandle::close));
                    throw e;
                }
                pending.addAll(merged);
            }
            List<ChunkHandle> out = new ArrayList<>();
            try {
                mergeRuns(pending, outputColumns, ctx.chunkRows(), out);
            } catch (RuntimeException | Error e) {
                out.forEach(ChunkHandle::close);
                throw e;
            }
            pending.clear();
            return out;
        } finally {
            for (List<ChunkHandle> r : pending) {
                r.forEach(ChunkHandle::close);
            }
        }
    }

    private static long rows(List<ChunkHandle> run) {
        long n = 0;
        for (ChunkHandle h : run) {
            n += h.rows();
        }
        return n;
    }

    /** Rows per chunk of a merged run: about as many as in the runs' chunks. */
    private int runChunkRows(List<List<ChunkHandle>> group) {
        int rows = 256;
        for (List<ChunkHandle> r : group) {
            for (ChunkHandle h : r) {
                rows = Math.max(rows, h.rows());
            }
        }
        return rows;
    }

    /** One run's read position: its remaining chunks, the pinned current one, the row in it. */
    private final class Cursor implements AutoCloseable {
        final List<ChunkHandle> chunks;
        int next;
        PinnedChunk pinned;
        ColumnVector[] cols;
        ColumnVector[] keys;
        LongVector pos;
        int row;
        int rows;

        Cursor(List<ChunkHandle> chunks) {
            this.chunks = chunks;
        }

        /** Moves to the next non-empty chunk, closing the one read; false when the run is done. */
        boolean advanceChunk() {
            releaseCurrent();
            while (next < chunks.size()) {
                ChunkHandle h = chunks.get(next++);
                if (h.rows() == 0) {
                    h.close();
                    continue;
                }
                try {
                    pinned = h.pin();
                } catch (RuntimeException | Error e) {
                    h.close();
                    throw e;
                }
                Chunk c = pinned.chunk();
                cols = new ColumnVector[c.columnCount()];
                for (int j = 0; j < cols.length; j++) {
                    cols[j] = c.column(j);
                }
                keys = keyVectors(c);
                pos = (LongVector) c.column(inputColumns);
                row = 0;
                rows = c.rows();
                return true;
            }
            return false;
        }

        private void releaseCurrent() {
            if (pinned != null) {
                ChunkHandle h = pinned.handle();
                pinned.close();
                pinned = null;
                h.close(); // read: its memory and spill space are no longer needed
            }
        }

        long position() {
            return pos.get(row);
        }

        /** Closes the pinned chunk and every chunk not yet read. */
        @Override
        public void close() {
            releaseCurrent();
            for (int i = next; i < chunks.size(); i++) {
                chunks.get(i).close();
            }
            next = chunks.size();
        }
    }

    /**
     * K-way merges {@code group} (each run sorted) into chunks of the first {@code columns} columns
     * of the run schema, {@code chunkRows} rows each, stopping after {@code limit} rows; closes the
     * runs' chunks as it reads them (and all of them when it fails).
     */
    private void mergeRuns(List<List<ChunkHandle>> group, int columns, int chunkRows, List<ChunkHandle> out) {
        Schema outSchema = runSchema.select(prefix(columns));
        Cursor[] cursors = new Cursor[group.size()];
        for (int i = 0; i < cursors.length; i++) {
            cursors[i] = new Cursor(group.get(i));
        }
        try {
            int[] heap = new int[cursors.length];
            int size = 0;
            for (int i = 0; i < cursors.length; i++) {
                if (cursors[i].advanceChunk()) {
                    heap[size++] = i;
                }
            }
            for (int i = size / 2 - 1; i >= 0; i--) {
                siftDown(heap, size, i, cursors);
            }
            List<VectorBuilder> builders = ChunkOps.builders(outSchema, chunkRows);
            int inChunk = 0;
            long emitted = 0;
            while (size > 0 && (limit < 0 || emitted < limit)) {
                Cursor c = cursors[heap[0]];
                for (int j = 0; j < columns; j++) {
                    builders.get(j).appendFrom(c.cols[j], c.row);
                }
                inChunk++;
                emitted++;
                if (inChunk == chunkRows) {
                    out.add(store(outSchema, builders, inChunk));
                    inChunk = 0;
                }
                if (++c.row == c.rows && !c.advanceChunk()) {
                    heap[0] = heap[--size];
                }
                siftDown(heap, size, 0, cursors);
            }
            if (inChunk > 0) {
                out.add(store(outSchema, builders, inChunk));
            }
        } finally {
            for (Cursor c : cursors) {
                c.close();
            }
        }
    }

    private ChunkHandle store(Schema schema, List<VectorBuilder> builders, int rows) {
        Chunk c = schema.size() == 0 ? Chunk.empty(schema, rows) : Chunk.build(schema, builders, ctx.budget(), "sort merge");
        for (VectorBuilder b : builders) {
            b.reset();
        }
        try {
            return ctx.store().putWithoutStats(c);
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    private void siftDown(int[] heap, int size, int i, Cursor[] cursors) {
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) {
                return;
            }
            int best = l;
            if (l + 1 < size && before(cursors[heap[l + 1]], cursors[heap[l]])) {
                best = l + 1;
            }
            if (!before(cursors[heap[best]], cursors[heap[i]])) {
                return;
            }
            int t = heap[i];
            heap[i] = heap[best];
            heap[best] = t;
            i = best;
        }
    }

    private boolean before(Cursor a, Cursor b) {
        return order.compare(a.keys, a.row, a.position(), b.keys, b.row, b.position()) < 0;
    }

    private static int[] prefix(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private void discardRuns() {
        synchronized (runs) {
            for (List<ChunkHandle> r : runs) {
                r.forEach(ChunkHandle::close);
            }
            runs.clear();
        }
    }
}
