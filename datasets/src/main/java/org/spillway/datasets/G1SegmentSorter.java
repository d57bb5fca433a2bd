package org.spillway.datasets;

import java.util.Arrays;

/**
 * The per-segment sort of {@link G1Sorter}: puts a segment's rows, found in row order, into key order.
 * Rows are counting-sorted by bucket (stable, so each bucket keeps row order), and each bucket whose
 * rows may differ in key is then sorted by the remaining ranks, in parallel over bucket ranges.
 */
final class G1SegmentSorter {
    private static final int COLS = G1Model.ID_COLUMNS;

    private G1SegmentSorter() {
    }

    /**
     * Sorts the rows of segment {@code seg} (number {@code segmentIndex}, for messages), given in row
     * order as parts with their buckets (relative to the segment's first bucket); the parts are released.
     */
    static long[] order(G1Model m, G1Segment seg, int segmentIndex, long[][] rowParts, int[][] bucketParts, int[] sizes,
                        Parallel par) {
        G1KeyRange node = seg.node();
        int tasks = sizes.length;
        int total = 0;
        for (int size : sizes) {
            total += size;
        }
        if (total != seg.count()) {
            throw new AssertionError("segment " + segmentIndex + ": found " + total + " rows, planned " + seg.count());
        }
        long[] out = new long[total];
        if (node.singleKey()) {
            int p = 0;
            for (int t = 0; t < tasks; t++) {
                System.arraycopy(rowParts[t], 0, out, p, sizes[t]);
                p += sizes[t];
            }
            return out;
        }
        // counting sort by bucket; stable, so rows within a bucket stay in row order
        int nb = seg.b1() - seg.b0();
        int[] offsets = new int[nb + 1];
        for (int t = 0; t < tasks; t++) {
            int[] bks = bucketParts[t];
            for (int x = 0; x < sizes[t]; x++) {
                offsets[bks[x] + 1]++;
            }
        }
        for (int q = 0; q < nb; q++) {
            offsets[q + 1] += offsets[q];
        }
        int[] next = Arrays.copyOf(offsets, nb);
        for (int t = 0; t < tasks; t++) {
            long[] rows = rowParts[t];
            int[] bks = bucketParts[t];
            for (int x = 0; x < sizes[t]; x++) {
                out[next[bks[x]]++] = rows[x];
            }
            rowParts[t] = null;
            bucketParts[t] = null;
        }
        if (node.singleKeyBuckets()) {
            return out;
        }
        // sort inside buckets by the remaining ranks, in parallel over bucket ranges of similar size
        int first = node.firstVarying();
        int sortTasks = Math.min(par.threads(), Math.max(1, total / 4096));
        int[] cut = new int[sortTasks + 1];
        cut[sortTasks] = nb;
        for (int t = 1, q = 0; t < sortTasks; t++) {
            long target = (long) total * t / sortTasks;
            while (q < nb && offsets[q] < target) {
                q++;
            }
            cut[t] = q;
        }
        par.run(sortTasks, t -> {
            BucketSorter sorter = new BucketSorter(m, first);
            for (int q = cut[t]; q < cut[t + 1]; q++) {
                if (offsets[q + 1] - offsets[q] > 1) {
                    sorter.sort(out, offsets[q], offsets[q + 1]);
                }
            }
        });
        return out;
    }

    /**
     * Sorts runs of row indices (ascending) by ranks of columns {@code first..5}, stably. When the
     * ranks' spans in the run and the position fit 63 bits, they are packed into one {@code long} per
     * row (key, then position) and sorted with {@link Arrays#sort(long[], int, int)}; otherwise a merge
     * sort compares the ranks. Both give the same order: by ranks, ties by position (= row order).
     */
    private static final class BucketSorter {
        private final G1Model m;
        private final int first;
        private final int width;
        private final long[] min;
        private final long[] span;
        private int[] keys = new int[0];
        private int[] perm = new int[0];
        private int[] tmp = new int[0];
        private long[] packed = new long[0];
        private long[] rowsTmp = new long[0];

        BucketSorter(G1Model m, int first) {
            this.m = m;
            this.first = first;
            this.width = COLS - first;
            this.min = new long[width];
            this.span = new long[width];
        }

        void sort(long[] rows, int from, int to) {
            int len = to - from;
            if (perm.length < len) {
                int cap = Math.max(len, perm.length * 2);
                perm = new int[cap];
                tmp = new int[cap];
                packed = new long[cap];
                rowsTmp = new long[cap];
                keys = new int[cap * width];
            }
            Arrays.fill(min, Long.MAX_VALUE);
            Arrays.fill(span, Long.MIN_VALUE); // the maximum, until turned into a span below
            for (int x = 0; x < len; x++) {
                long i = rows[from + x];
                for (int c = 0; c < width; c++) {
                    int r = m.rank(first + c, i);
                    keys[x * width + c] = r;
                    min[c] = Math.min(min[c], r);
                    span[c] = Math.max(span[c], r);
                }
            }
            // the product of the spans and the run length must stay below 2^63
            long product = len;
            for (int c = 0; c < width && product > 0; c++) {
                span[c] = span[c] - min[c] + 1;
                product = Math.multiplyHigh(product, span[c]) == 0 && product * span[c] > 0 ? product * span[c] : -1;
            }
            if (product > 0) {
                for (int x = 0; x < len; x++) {
                    long key = 0;
                    for (int c = 0; c < width; c++) {
                        key = key * span[c] + (keys[x * width + c] - min[c]);
                    }
                    packed[x] = key * len + x;
                }
                Arrays.sort(packed, 0, len);
                for (int x = 0; x < len; x++) {
                    rowsTmp[x] = rows[from + (int) (packed[x] % len)];
                }
            } else {
                for (int x = 0; x < len; x++) {
                    perm[x] = x;
                }
                mergeSort(perm, tmp, 0, len);
                for (int x = 0; x < len; x++) {
                    rowsTmp[x] = rows[from + perm[x]];
                }
            }
            System.arraycopy(rowsTmp, 0, rows, from, len);
        }

        /** Compares by key, then by position (which is row order): a total order, so the sort is stable. */
        private int compare(int x, int y) {
            int bx = x * width;
            int by = y * width;
            for (int c = 0; c < width; c++) {
                int d = Integer.compare(keys[bx + c], keys[by + c]);
                if (d != 0) {
                    return d;
                }
            }
            return Integer.compare(x, y);
        }

        private void mergeSort(int[] a, int[] t, int lo, int hi) {
            if (hi - lo <= 24) {
                for (int x = lo + 1; x < hi; x++) {
                    int v = a[x];
                    int y = x - 1;
                    while (y >= lo && compare(a[y], v) > 0) {
                        a[y + 1] = a[y];
                        y--;
                    }
                    a[y + 1] = v;
                }
                return;
            }
            int mid = (lo + hi) >>> 1;
            mergeSort(a, t, lo, mid);
            mergeSort(a, t, mid, hi);
            if (compare(a[mid - 1], a[mid]) <= 0) {
                return;
            }
            System.arraycopy(a, lo, t, lo, hi - lo);
            int p = lo;
            int q = mid;
            for (int x = lo; x < hi; x++) {
                if (q >= hi || (p < mid && compare(t[p], t[q]) <= 0)) {
                    a[x] = t[p++];
                } else {
                    a[x] = t[q++];
                }
            }
        }
    }
}
