package org.spillway.frame.exec.sort;

import java.util.ArrayList;
import java.util.List;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.LongVector;

/**
 * The top-k side of run generation ({@code limit >= 0}): a worker keeps only its {@code limit} best
 * rows, so that a small limit over a large input neither buffers nor writes most of it.
 *
 * <p>A worker whose buffer holds twice the limit (and at least {@value #TOP_K_MIN_ROWS} rows), or
 * is full, sorts it and keeps its {@code limit} best rows; the worst kept row becomes the worker's
 * cut-off ({@link SortWorker#cutoffKeys}), and later rows that do not sort before it are not even
 * copied ({@link RunGenerator#add}). When {@code limit} rows do not fit in half a worker's share,
 * the buffer is written as a run instead, so that a large "top-k" degrades into an external sort,
 * not a failure.
 */
final class TopK {
    /** A top-k buffer keeps its best rows once it holds this many rows and twice the limit. */
    private static final int TOP_K_MIN_ROWS = 1 << 14;

    private final RunGenerator runs;
    private final SortKeys order;
    private final int[] keyColumns;
    private final int inputColumns;
    private final long limit;
    private final long runBytes;
    private final long heapBytesPerRow;

    TopK(RunGenerator runs, SortKeys order, int[] keyColumns, int inputColumns, long limit, long runBytes, long heapBytesPerRow) {
        this.runs = runs;
        this.order = order;
        this.keyColumns = keyColumns;
        this.inputColumns = inputColumns;
        this.limit = limit;
        this.runBytes = runBytes;
        this.heapBytesPerRow = heapBytesPerRow;
    }

    /** True when the worker's buffer holds enough more than the limit to be worth cutting down now. */
    boolean compactNow(SortWorker w) {
        return limit >= 0 && w.bufferedRows > limit && w.bufferedRows >= Math.max(2 * limit, TOP_K_MIN_ROWS);
    }

    /** True when a full buffer should be cut to its best rows rather than written as a run. */
    boolean keepsBestOnly(SortWorker w) {
        if (limit >= 0 && limit < w.bufferedRows) {
            long keptBytes = w.bufferedBytes / w.bufferedRows * limit;
            return keptBytes <= runBytes / 2;
        }
        return false;
    }

    /** Replaces the buffer by its {@code limit} best rows and remembers the worst of them. */
    void compact(SortWorker w) {
        RunSort.SortedRows sorted = RunSort.sort(order, w.buffer, keyColumns, inputColumns, w.bufferedRows);
        int keep = (int) limit;
        List<Chunk> kept = new ArrayList<>();
        try {
            runs.writeRows(w, sorted, keep, runs.rowsPerRunChunk(w), kept::add);
        } catch (RuntimeException | Error e) {
            kept.forEach(Chunk::close);
            throw e;
        }
        long reserve = w.writeReserve; // kept for writing the rows kept
        w.closeBuffer();
        w.buffer.addAll(kept);
        long bytes = 0;
        for (Chunk c : kept) {
            bytes += c.byteSize();
        }
        w.bufferedRows = keep;
        w.bufferedBytes = bytes + heapBytesPerRow * keep;
        w.res.grow(heapBytesPerRow * keep + reserve);
        w.writeReserve = reserve;
        if (keep > 0) {
            Chunk last = kept.getLast();
            w.cutoffKeys = runs.keyVectors(last);
            w.cutoffRow = last.rows() - 1;
            w.cutoffPos = ((LongVector) last.column(inputColumns)).get(w.cutoffRow);
        }
    }
}
