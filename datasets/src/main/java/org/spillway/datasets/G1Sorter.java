package org.spillway.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Produces the rows of the groupby table in key order (id1..id6, nulls first, ties in row order)
 * without holding all rows: rows are never stored, only regenerated from their index.
 *
 * <p>{@link G1RangePlan} cuts the key space into {@link G1Segment}s of at most {@code budget} rows
 * (one scan of all rows, more for crowded key ranges). Materialising a segment scans all rows again
 * (or reads the segment's rows from a {@link G1SegmentRowFile}), keeps the row indices whose key falls
 * in the segment's range, and {@link G1SegmentSorter} counting-sorts them by bucket and sorts each
 * bucket by the remaining ranks. Memory is O(budget + H) per thread; time is one scan per segment, in
 * which most rows are rejected after one or two ranks (a hash each).
 */
final class G1Sorter {
    private static final int COLS = G1Model.ID_COLUMNS;

    private final G1Model m;
    private final G1RangePlan plan;

    /**
     * Plans the segments (scans the rows at least once).
     *
     * @param budget the most rows a segment may hold
     */
    G1Sorter(G1Model m, int budget, Parallel par) {
        this.m = m;
        this.plan = new G1RangePlan(m, budget, par);
    }

    /** The number of segments. */
    int segmentCount() {
        return plan.segmentCount();
    }

    /** The sorted position of the first row of segment {@code s}; {@code s == segmentCount()} gives N. */
    long segmentStart(int s) {
        return plan.segmentStart(s);
    }

    /** The segment holding sorted position {@code row}. */
    int segmentOf(long row) {
        return plan.segmentOf(row);
    }


    /** The row indices of segment {@code segmentIndex} in sorted order, found by scanning all rows. */
    long[] rows(int segmentIndex, Parallel par) {
        G1Segment seg = plan.segment(segmentIndex);
        int tasks = par.threads();
        long[][] rowParts = new long[tasks][];
        int[][] bucketParts = new int[tasks][];
        int[] sizes = new int[tasks];
        long span = seg.iTo() - seg.iFrom();
        par.run(tasks, t -> {
            long from = seg.iFrom() + span * t / tasks;
            long to = seg.iFrom() + span * (t + 1) / tasks;
            int expected = (int) Math.min(Integer.MAX_VALUE - 8, seg.count() / tasks + seg.count() / (8L * tasks) + 16);
            long[] rows = new long[expected];
            int[] bks = new int[expected];
            int size = 0;
            int[] r = new int[COLS];
            for (long i = from; i < to; i++) {
                int q = seg.match(m, i, r);
                if (q >= seg.b0() && q < seg.b1()) {
                    if (size == rows.length) {
                        rows = Arrays.copyOf(rows, size + (size >> 1));
                        bks = Arrays.copyOf(bks, size + (size >> 1));
                    }
                    rows[size] = i;
                    bks[size++] = q - seg.b0();
                }
            }
            rowParts[t] = rows;
            bucketParts[t] = bks;
            sizes[t] = size;
        });
        return G1SegmentSorter.order(m, seg, segmentIndex, rowParts, bucketParts, sizes, par);
    }

    /** The row indices of segment {@code segmentIndex} in sorted order, given all of them in row order. */
    long[] rows(int segmentIndex, long[] rowsInRowOrder, Parallel par) {
        G1Segment seg = plan.segment(segmentIndex);
        int count = rowsInRowOrder.length;
        int[] buckets = new int[count];
        int tasks = Math.min(par.threads(), Math.max(1, count / 4096));
        par.run(tasks, t -> {
            int[] r = new int[COLS];
            for (int x = (int) ((long) count * t / tasks), end = (int) ((long) count * (t + 1) / tasks); x < end; x++) {
                int q = seg.match(m, rowsInRowOrder[x], r);
                if (q < seg.b0() || q >= seg.b1()) {
                    throw new AssertionError("row " + rowsInRowOrder[x] + " is not in segment " + segmentIndex);
                }
                buckets[x] = q - seg.b0();
            }
        });
        return G1SegmentSorter.order(m, seg, segmentIndex, new long[][] {rowsInRowOrder}, new int[][] {buckets}, new int[] {count}, par);
    }

    /**
     * Routes every row to its segment in one parallel scan and stores each segment's row indices, in
     * row order, in the temporary file {@code file} (created, and deleted when the result is closed);
     * see {@link G1SegmentRowFile#partition}.
     */
    G1SegmentRowFile partition(Path file, Parallel par) throws IOException {
        return G1SegmentRowFile.partition(plan, m, file, par);
    }
}
