package org.spillway.frame.exec.sort;

import java.util.List;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.chunk.PinnedChunk;
import org.spillway.spill.memory.Reservation;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.LongVector;

/**
 * A k-way merge of sorted run segments into a {@link RunWriter} by a loser tree, on the calling
 * thread: the merge step of both the {@link PreMerge} of run groups and each key range of the
 * {@link RangeMerge}.
 *
 * <p>Each input is a {@link Segment}: a stretch of a run's chunks, optionally cut to the rows after
 * a lower splitter (exclusive) and up to an upper one (inclusive), which is how the parallel final
 * merge gives each worker its own key range (the bounds are found by binary search in the chunks
 * where they fall). An input has one chunk pinned at a time, with the keys of the rows it takes from
 * it normalized ({@link KeyBlock}); a loser tree over the inputs picks the next row with
 * {@code log2(k)} comparisons of normalized longs, never re-reading the vectors except to break ties
 * of long strings. The picked rows are collected as (input, row) pairs and copied column by column
 * ({@link RunWriter#gather}), in bulk where rows of one input follow each other, before an input
 * moves to its next chunk.
 *
 * <p>Memory: per input one pinned chunk (its memory is the chunk store's, which reserved it) plus its
 * {@link KeyBlock} on the heap, reserved in the given reservation while pinned. A chunk is given back
 * to its run ({@link SortedRun#release}) as soon as it has been read, so memory and disk are freed
 * as the merge goes; {@link #merge} releases every chunk of its segments, read or not, also on
 * failure.
 */
public final class LoserTreeMerger {
    /** Picked rows copied into the output in batches of at most this many. */
    private static final int BATCH = 4096;

    /**
     * Chunks {@code [first, last]} of {@code run}, only their rows after {@code lower} and up to
     * {@code upper} (null: unbounded).
     */
    record Segment(SortedRun run, int first, int last, KeyBlock lower, KeyBlock upper) {
        /** The whole run. */
        static Segment of(SortedRun run) {
            return new Segment(run, 0, run.chunks.size() - 1, null, null);
        }
    }

    private final SortKeys order;
    private final int[] keyColumns;
    private final int posColumn;
    private final int columns;
    private final Reservation res;

    /**
     * A merger comparing by {@code order} over the inputs' {@code keyColumns} and position column
     * {@code posColumn}, writing their first {@code columns} columns, reserving key blocks in {@code res}.
     */
    LoserTreeMerger(SortKeys order, int[] keyColumns, int posColumn, int columns, Reservation res) {
        this.order = order;
        this.keyColumns = keyColumns;
        this.posColumn = posColumn;
        this.columns = columns;
        this.res = res;
    }

    /** Merges {@code inputs} into {@code out}, at most {@code limit} rows; returns the rows written. */
    long merge(List<Segment> inputs, long limit, RunWriter out) {
        int k = inputs.size();
        if (k == 0) {
            return 0;
        }
        Cursor[] cs = new Cursor[k];
        for (int i = 0; i < k; i++) {
            cs[i] = new Cursor(inputs.get(i));
        }
        ColumnVector[][] byColumn = new ColumnVector[columns][k];
        try {
            for (int i = 0; i < k; i++) {
                if (cs[i].advance()) {
                    sources(byColumn, cs[i], i);
                }
            }
            int[] tree = tree(cs);
            int[] slots = new int[BATCH];
            int[] rows = new int[BATCH];
            int n = 0;
            long emitted = 0;
            while (emitted < limit) {
                int w = tree[0];
                Cursor c = cs[w];
                if (c.done) {
                    break; // the winner is exhausted: all are
                }
                slots[n] = w;
                rows[n++] = c.base + c.row;
                emitted++;
                c.at += c.stride;
                if (++c.row == c.end) {
                    // copy what refers to this chunk before it is unpinned
                    out.gather(byColumn, slots, rows, 0, n);
                    n = 0;
                    if (c.advance()) {
                        sources(byColumn, c, w);
                    } else {
                        for (ColumnVector[] col : byColumn) {
                            col[w] = null;
                        }
                    }
                } else if (n == BATCH) {
                    out.gather(byColumn, slots, rows, 0, n);
                    n = 0;
                }
                replay(tree, cs, w);
            }
            out.gather(byColumn, slots, rows, 0, n);
            return emitted;
        } finally {
            RuntimeException first = null;
            for (Cursor c : cs) {
                try {
                    c.close();
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    private void sources(ColumnVector[][] byColumn, Cursor c, int slot) {
        for (int j = 0; j < columns; j++) {
            byColumn[j][slot] = c.cols[j];
        }
    }

    /** A loser tree: {@code tree[0]} the winner (first row), {@code tree[1..k)} the loser of each match. */
    private static int[] tree(Cursor[] cs) {
        int k = cs.length;
        int[] tree = new int[Math.max(1, k)];
        if (k <= 1) {
            return tree;
        }
        int[] winner = new int[2 * k];
        for (int i = 0; i < k; i++) {
            winner[k + i] = i;
        }
        for (int t = k - 1; t >= 1; t--) {
            int a = winner[2 * t];
            int b = winner[2 * t + 1];
            if (cs[b].before(cs[a])) {
                winner[t] = b;
                tree[t] = a;
            } else {
                winner[t] = a;
                tree[t] = b;
            }
        }
        tree[0] = winner[1];
        return tree;
    }

    /** Replays the matches from input {@code w}'s leaf up after its row changed. */
    private static void replay(int[] tree, Cursor[] cs, int w) {
        int s = w;
        for (int t = (w + cs.length) >>> 1; t > 0; t >>>= 1) {
            int o = tree[t];
            if (cs[o].before(cs[s])) {
                tree[t] = s;
                s = o;
            }
        }
        tree[0] = s;
    }

    /** One input's read position: its pinned chunk, that chunk's keys, and the rows of it still to merge. */
    private final class Cursor implements AutoCloseable {
        final Segment seg;
        int next;
        int current = -1;
        PinnedChunk pinned;
        KeyBlock keys;
        long keyBytes;
        ColumnVector[] cols;
        int row; // in the key block
        int at; // row * stride: the row's record in keys.rec
        long[] rec;
        int stride;
        boolean exact; // no null key and no long string here: records compare as they are
        int end;
        int base; // the chunk row of the key block's row 0
        boolean started;
        boolean cut; // the upper bound ended the segment inside the current chunk
        boolean done;

        Cursor(Segment seg) {
            this.seg = seg;
            this.next = seg.first();
        }

        /** True if this input's row sorts before {@code o}'s; an exhausted input sorts last. */
        boolean before(Cursor o) {
            if (done) {
                return false;
            }
            if (o.done) {
                return true;
            }
            if (exact & o.exact) {
                long[] a = rec;
                long[] b = o.rec;
                int x = at;
                int y = o.at;
                long u0 = a[x];
                long v0 = b[y];
                if (u0 != v0) {
                    return u0 < v0; // the first key decides most comparisons
                }
                for (int f = 1; f < stride; f++) {
                    long u = a[x + f];
                    long v = b[y + f];
                    if (u != v) {
                        return u < v;
                    }
                }
                return false;
            }
            return KeyBlock.compare(order, keys, row, o.keys, o.row) < 0;
        }

        /** Moves to the next chunk with rows of the segment, releasing the one read; false when there is none. */
        boolean advance() {
            release();
            while (!cut && next <= seg.last()) {
                int c = next++;
                ChunkHandle h = seg.run().chunks.get(c);
                if (h.rows() == 0) {
                    seg.run().release(c);
                    continue;
                }
                current = c;
                try {
                    pinned = h.pin();
                } catch (RuntimeException | Error e) {
                    current = -1;
                    seg.run().release(c);
                    throw e;
                }
                Chunk chunk = pinned.chunk();
                int rows = chunk.rows();
                int from = 0;
                int to = rows;
                if ((!started && seg.lower() != null) || seg.upper() != null) {
                    ColumnVector[] kv = new ColumnVector[keyColumns.length];
                    for (int k = 0; k < kv.length; k++) {
                        kv[k] = chunk.column(keyColumns[k]);
                    }
                    LongVector pv = (LongVector) chunk.column(posColumn);
                    from = started || seg.lower() == null ? 0 : KeyBlock.firstAfter(order, kv, pv, seg.lower(), 0, rows);
                    to = seg.upper() == null ? rows : KeyBlock.firstAfter(order, kv, pv, seg.upper(), from, rows);
                }
                cut = to < rows;
                if (from < rows) {
                    started = true;
                }
                if (from < to) {
                    // normalize only the rows this segment takes from the chunk
                    long kb = KeyBlock.heapBytes(to - from, keyColumns.length);
                    res.grow(kb);
                    keyBytes = kb;
                    keys = KeyBlock.of(order, chunk, keyColumns, posColumn, from, to);
                    rec = keys.rec;
                    stride = keys.stride;
                    exact = keys.nullMask == null && !keys.longStrings;
                    row = 0;
                    at = 0;
                    end = to - from;
                    base = from;
                    cols = new ColumnVector[columns];
                    for (int j = 0; j < columns; j++) {
                        cols[j] = chunk.column(j);
                    }
                    return true;
                }
                release();
            }
            done = true;
            return false;
        }

        private void release() {
            if (pinned == null) {
                keys = null;
                return;
            }
            PinnedChunk p = pinned;
            pinned = null;
            keys = null;
            rec = null;
            cols = null;
            if (keyBytes > 0) {
                res.shrink(keyBytes);
                keyBytes = 0;
            }
            p.close();
            seg.run().release(current);
            current = -1;
        }

        /** Releases the pinned chunk and every chunk of the segment not yet read. */
        @Override
        public void close() {
            done = true;
            try {
                release();
            } finally {
                while (next <= seg.last()) {
                    seg.run().release(next++);
                }
            }
        }
    }
}
