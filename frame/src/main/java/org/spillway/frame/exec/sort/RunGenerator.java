package org.spillway.frame.exec.sort;

import java.util.List;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.memory.MemoryConsumer;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.LongVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * Run generation, in the input pipeline: each chunk reaching the sort is copied into its worker's
 * buffer ({@link SortWorker}) with its rows' input positions (morsel number in the high 32 bits, row
 * within the morsel in the low ones, in the hidden int64 column after the input's), so that rows
 * with equal keys can be put back in input order whichever worker saw them. A full buffer is sorted
 * ({@link RunSort}) and written, column by column ({@link VectorBuilder#gather}), as a
 * {@link SortedRun} into the {@link RunStore}; for a top-k, {@link TopK} may shrink it instead.
 *
 * <p>Sizes: a buffer is full at its worker's share of the budget ({@code limit / (2 x parallelism)},
 * at least 256 KiB, at most {@value #MAX_RUN_ROWS} rows), or at
 * {@value #CACHED_RUN_ROWS} rows while the runs written fit in a quarter of the budget, or when a
 * reservation fails. Run chunks are small (about {@code limit / (64 x parallelism)} bytes) so that
 * every worker can merge many runs at once.
 *
 * <p>Memory: the buffer's chunks are reserved like any chunk, plus the heap its sort takes
 * ({@link RunSort#heapBytesPerRow}) and, from its first rows on, the builders that will write it as a run
 * ({@link SortWorker#writeReserve}), in the worker's "sort buffer" reservation, so that writing it needs no new heap
 * (only the run's chunks, which the chunk store can spill as they are written). When that does not fit
 * ({@code growOrRevoke}), or the budget asked the sort to spill (checked before each chunk, the worker's
 * safe point), the worker writes its buffer as a run and reports the revoke. The sizes are the memory
 * policy's ({@link org.spillway.frame.exec.pipeline.MemoryPolicy#sortRunBytes()} and the methods after it).
 */
final class RunGenerator {
    /** At most this many rows per run, so that its sort's records stay small on the heap (tens of MiB). */
    private static final int MAX_RUN_ROWS = 1 << 21;
    /**
     * Rows per run while the runs written so far fit in a quarter of the budget (the sort is likely to
     * stay in memory): a buffer this small is gathered into its run with few cache misses, which
     * costs less than the longer merge of more runs. Beyond that, runs take the worker's whole share
     * of the budget so that fewer runs spill and the merge needs fewer passes.
     */
    static final int CACHED_RUN_ROWS = 1 << 17;
    /** A buffer's write reserve is for rows this many times as wide as its first chunk's ({@link SortWorker#writeReserve}). */
    private static final int WRITE_RESERVE_HEADROOM = 2;
    /** Run chunks written from a buffer whose rows outgrew its write reserve hold at least this many rows. */
    private static final int MIN_WRITE_ROWS = 8;

    private final ExecContext ctx;
    private final Schema runSchema;
    private final int inputColumns;
    private final int[] keyColumns;
    private final SortKeys order;
    private final long limit;
    private final long runBytes;
    private final long runChunkBytes;
    /** Heap bytes per buffered row for sorting it ({@link RunSort#heapBytesPerRow}). */
    private final long heapBytesPerRow;
    private final RunStore store;
    private final TopK topK;
    private final long cachedRunsBytes;
    private final MemoryConsumer consumer;

    RunGenerator(ExecContext ctx, Schema runSchema, int inputColumns, int[] keyColumns, SortKeys order, long limit, RunStore store) {
        this.ctx = ctx;
        this.runSchema = runSchema;
        this.inputColumns = inputColumns;
        this.keyColumns = keyColumns;
        this.order = order;
        this.limit = limit;
        this.store = store;
        this.runBytes = ctx.policy().sortRunBytes();
        this.runChunkBytes = ctx.policy().sortRunChunkBytes();
        this.cachedRunsBytes = ctx.policy().sortCachedRunsBytes();
        this.consumer = store.consumer;
        this.heapBytesPerRow = RunSort.heapBytesPerRow(keyColumns.length);
        this.topK = new TopK(this, order, keyColumns, inputColumns, limit, runBytes, heapBytesPerRow);
    }

    SortWorker newWorker() {
        return new SortWorker(consumer, runSchema);
    }

    /** Buffers the rows of {@code chunk} (of morsel {@code seq}) that may reach the output. */
    void add(SortWorker w, int seq, Chunk chunk) {
        long epoch = consumer.revokeEpoch();
        if (epoch != w.revokeSeen) { // a safe point: the budget asked this sort to spill
            w.revokeSeen = epoch;
            revoke(w);
        }
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
        boolean compactNow = topK.compactNow(w);
        int maxRows = store.bytesWritten() < cachedRunsBytes ? CACHED_RUN_ROWS : MAX_RUN_ROWS;
        if (w.bufferedRows > 0 && (compactNow || w.bufferedBytes + estimate > runBytes || w.bufferedRows + count > maxRows)) {
            bufferFull(w);
            if (w.cutoffKeys != null) {
                add(w, seq, chunk, base); // the new cut-off may drop more of this chunk
                return;
            }
        }
        copyIntoBuffer(w, chunk, sel, count, base);
    }

    /** {@link #add(SortWorker, int, Chunk)} again for a chunk whose rows' positions start at {@code base}. */
    private void add(SortWorker w, int seq, Chunk chunk, long base) {
        w.morselRows = base - ((long) seq << 32);
        add(w, seq, chunk);
    }

    private void copyIntoBuffer(SortWorker w, Chunk chunk, int[] sel, int count, long base) {
        long heap = heapBytesPerRow * count;
        // room for the sort's heap and the copy (whose chunk memory Chunk.build takes right after), and when the buffer
        // starts, for the builders that will write it as a run: then writing it when the budget is short needs no new heap
        long room = Math.max(heap, estimateBytes(chunk, count));
        long reserve = w.bufferedRows == 0 ? writeReserve(chunk, count) : 0;
        if (!w.res.growOrRevoke(room + reserve)) {
            // the budget is shorter than this worker's share: write what it has and start again
            revoke(w);
            reserve = writeReserve(chunk, count);
            w.res.grow(room + reserve); // nothing left of its own: the others were asked, or it fails
        }
        w.writeReserve += reserve;
        w.res.shrink(room - heap);
        Chunk copy = copyRows(w, chunk, sel, count, base);
        w.buffer.add(copy);
        w.bufferedRows += count;
        w.bufferedBytes += copy.byteSize() + heap;
    }

    /**
     * The heap kept for writing a buffer that starts with {@code rows} rows of {@code chunk}: the builders of one run
     * chunk ({@link RunWriter#builderBytes}) of rows like these, {@link #WRITE_RESERVE_HEADROOM} times as wide (later
     * rows may be wider: longer strings).
     */
    private long writeReserve(Chunk chunk, int rows) {
        long rowBytes = Math.max(1, estimateBytes(chunk, rows) / Math.max(1, rows) - heapBytesPerRow);
        return RunWriter.builderBytes(rowsPerRunChunk(rowBytes + heapBytesPerRow), WRITE_RESERVE_HEADROOM * rowBytes);
    }

    /** The selected rows of an input chunk, with their positions, as a new chunk of the run schema. */
    private Chunk copyRows(SortWorker w, Chunk chunk, int[] sel, int count, long base) {
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

    ColumnVector[] keyVectors(Chunk c) {
        ColumnVector[] k = new ColumnVector[keyColumns.length];
        for (int i = 0; i < k.length; i++) {
            k[i] = c.column(keyColumns[i]);
        }
        return k;
    }

    /** Writes the buffer as a run because the budget is short, and reports it to the sort's consumer. */
    private void revoke(SortWorker w) {
        if (w.bufferedRows == 0) {
            return;
        }
        long held = w.bufferedBytes;
        writeBuffer(w);
        consumer.revoked(held);
    }

    /**
     * The buffer reached its size: for a top-k whose best rows fit in half of it, keep just those
     * (and a cut-off for later rows); otherwise write it as a run.
     */
    private void bufferFull(SortWorker w) {
        if (topK.keepsBestOnly(w)) {
            topK.compact(w);
            return;
        }
        writeBuffer(w);
    }

    /** Sorts the buffer, writes its first rows (all, or {@code limit}) as a run into the store, and empties it. */
    void writeBuffer(SortWorker w) {
        if (w.bufferedRows == 0) {
            return;
        }
        RunSort.SortedRows sorted = RunSort.sort(order, w.buffer, keyColumns, inputColumns, w.bufferedRows);
        int keep = limit >= 0 ? (int) Math.min(limit, w.bufferedRows) : w.bufferedRows;
        long rowBytes = Math.max(1, (w.bufferedBytes - heapBytesPerRow * w.bufferedRows) / w.bufferedRows);
        int rowsPerChunk = rowsPerRunChunk(w);
        // the builders fit in what the buffer kept for them (so that a buffer written because the budget is short
        // needs no new heap): smaller run chunks when its rows came out wider than its first chunk's (by more than the
        // reserve's headroom), down to a few rows
        if (RunWriter.builderBytes(rowsPerChunk, rowBytes) > w.writeReserve) {
            long fit = (w.writeReserve - RunWriter.builderBytes(0, rowBytes)) * 2 / (3 * rowBytes);
            rowsPerChunk = (int) Math.max(MIN_WRITE_ROWS, Math.min(rowsPerChunk, fit));
        }
        SortedRun run = new SortedRun();
        try {
            writeRows(w, sorted, keep, rowsPerChunk, store.output(run, RunStore.samplesPerChunk(keep, rowsPerChunk, rowBytes)));
        } catch (RuntimeException | Error e) {
            store.discard(run);
            throw e;
        }
        store.add(run);
        ctx.counters().add("sort.runs", 1);
        w.closeBuffer();
    }

    /** Rows per run chunk: about {@link #runChunkBytes} of this buffer's rows. */
    int rowsPerRunChunk(SortWorker w) {
        return rowsPerRunChunk(w.bufferedBytes / w.bufferedRows);
    }

    /** Rows per run chunk of rows taking {@code bufferedRowBytes} each in a buffer (their sort's heap included). */
    private int rowsPerRunChunk(long bufferedRowBytes) {
        return (int) Math.max(RunStore.MIN_RUN_CHUNK_ROWS, Math.min(ctx.chunkRows(), runChunkBytes / Math.max(1, bufferedRowBytes)));
    }

    /** Gathers the first {@code count} sorted rows into chunks of the run schema, in order. */
    void writeRows(SortWorker w, RunSort.SortedRows sorted, int count, int rowsPerChunk, RunWriter.Output out) {
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
                RunWriter.builderBytes(rowsPerChunk, rowBytes), RunWriter.PLAIN_ABOVE, w.writeReserve)) {
            writer.gather(byColumn, sorted.slots(), sorted.rows(), 0, count);
            writer.finish();
        }
    }
}
