package org.spillway.datasets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The range plan of {@link G1Sorter}: cuts the groupby table's sort key (id1..id6, nulls first) into
 * {@link G1Segment}s of at most {@code budget} rows each, and routes a row to its segment.
 *
 * <p>Planning scans all rows once and counts them into up to {@code H} buckets of a monotone function
 * of the sort key (a mixed-radix prefix of the six ranks, see {@link G1KeyRange}). Consecutive buckets
 * are grouped into segments. A bucket holding more than {@code budget} rows is refined by another scan
 * restricted to its key range, recursively; a bucket whose rows all have the same key is split by row
 * index instead (its rows are already in order). Memory is O(H) per thread and per refined bucket.
 */
final class G1RangePlan {
    private static final int COLS = G1Model.ID_COLUMNS;

    private final G1Model m;
    private final int budget;
    private final int h;
    private final long[] radix = new long[COLS];
    private final List<G1Segment> segments = new ArrayList<>();
    private final long[] starts;
    private final Router root;

    /**
     * Plans the segments (scans the rows at least once).
     *
     * @param budget the most rows a segment may hold
     */
    G1RangePlan(G1Model m, int budget, Parallel par) {
        this.m = m;
        this.budget = Math.max(1, budget);
        this.h = Math.clamp(Long.highestOneBit(Math.max(1, m.n / 8)), 256, 1 << 16);
        for (int c = 0; c < COLS; c++) {
            radix[c] = m.rankCount(c);
        }
        root = m.n > 0 ? plan(G1KeyRange.of(radix, h, 0, new int[COLS], 0, radix[0]), par) : null;
        starts = new long[segments.size() + 1];
        for (int s = 0; s < segments.size(); s++) {
            starts[s + 1] = starts[s] + segments.get(s).count();
        }
        if (starts[segments.size()] != m.n) {
            throw new AssertionError("planned " + starts[segments.size()] + " of " + m.n + " rows");
        }
    }

    /** The number of segments. */
    int segmentCount() {
        return segments.size();
    }

    /** Segment {@code s}, in key order. */
    G1Segment segment(int s) {
        return segments.get(s);
    }

    /** The sorted position of the first row of segment {@code s}; {@code s == segmentCount()} gives N. */
    long segmentStart(int s) {
        return starts[s];
    }

    /** The segment holding sorted position {@code row}. */
    int segmentOf(long row) {
        int idx = Arrays.binarySearch(starts, row); // starts increase strictly: no segment is empty
        return idx >= 0 ? idx : -idx - 2;
    }

    /**
     * Which segment a row of a node belongs to: per bucket a segment index, or the router of the
     * bucket's refinement; for a single-key node, segments {@code firstSegment..} by row-index start.
     */
    private final class Router {
        final G1KeyRange node;
        final int[] segmentOfBucket;
        final Router[] refined;
        final int firstSegment;
        long[] rowStarts;

        Router(G1KeyRange node) {
            this.node = node;
            this.firstSegment = segments.size();
            if (node.singleKey()) {
                segmentOfBucket = null;
                refined = null;
            } else {
                segmentOfBucket = new int[node.buckets];
                Arrays.fill(segmentOfBucket, -1);
                refined = new Router[node.buckets];
            }
        }
    }

    private Router plan(G1KeyRange node, Parallel par) {
        if (node.singleKey()) {
            return planSingleKey(node, par);
        }
        Router router = new Router(node);
        long[] counts = histogram(node, par);
        int b0 = -1;
        long count = 0;
        for (int q = 0; q < counts.length; q++) {
            long c = counts[q];
            if (c == 0) {
                continue;
            }
            if (c > budget) {
                if (b0 >= 0) {
                    addSegment(router, b0, q, count);
                    b0 = -1;
                    count = 0;
                }
                router.refined[q] = plan(node.child(q), par);
                continue;
            }
            if (b0 >= 0 && count + c > budget) {
                addSegment(router, b0, q, count);
                b0 = -1;
                count = 0;
            }
            if (b0 < 0) {
                b0 = q;
            }
            count += c;
        }
        if (b0 >= 0) {
            addSegment(router, b0, counts.length, count);
        }
        return router;
    }

    private void addSegment(Router router, int b0, int b1, long count) {
        Arrays.fill(router.segmentOfBucket, b0, b1, segments.size());
        segments.add(G1Segment.of(router.node, b0, b1, 0, m.n, count));
    }

    /** The segment of row {@code i} ({@code r}: scratch space for its ranks). */
    int route(long i, int[] r) {
        Router router = root;
        while (true) {
            if (router.node.singleKey()) {
                int idx = Arrays.binarySearch(router.rowStarts, i);
                return router.firstSegment + (idx >= 0 ? idx : -idx - 2);
            }
            int q = router.node.match(m, i, r); // >= 0: the row is in the node by construction
            int seg = router.segmentOfBucket[q];
            if (seg >= 0) {
                return seg;
            }
            router = router.refined[q];
        }
    }

    private long[] histogram(G1KeyRange node, Parallel par) {
        int tasks = par.threads();
        long[][] partial = new long[tasks][];
        par.run(tasks, t -> {
            long from = m.n * t / tasks;
            long to = m.n * (t + 1) / tasks;
            long[] counts = new long[node.buckets];
            int[] r = new int[COLS];
            for (long i = from; i < to; i++) {
                int q = node.match(m, i, r);
                if (q >= 0) {
                    counts[q]++;
                }
            }
            partial[t] = counts;
        });
        long[] total = partial[0];
        for (int t = 1; t < tasks; t++) {
            for (int q = 0; q < total.length; q++) {
                total[q] += partial[t][q];
            }
        }
        return total;
    }

    /** Splits the rows of one exact key (already in order) into row-index ranges of at most {@code budget} rows. */
    private Router planSingleKey(G1KeyRange node, Parallel par) {
        Router router = new Router(node);
        long block = Math.max(1, budget / 2);
        int blocks = (int) Math.min(Integer.MAX_VALUE - 8, (m.n + block - 1) / block);
        long span = (m.n + blocks - 1) / blocks;
        long[] counts = new long[blocks];
        int tasks = Math.min(blocks, par.threads() * 4);
        par.run(tasks, t -> {
            int[] r = new int[COLS];
            for (int q = blocks * t / tasks; q < blocks * (t + 1) / tasks; q++) {
                long c = 0;
                for (long i = q * span, end = Math.min(m.n, (q + 1) * span); i < end; i++) {
                    if (node.match(m, i, r) >= 0) {
                        c++;
                    }
                }
                counts[q] = c;
            }
        });
        long from = -1;
        long count = 0;
        for (int q = 0; q < blocks; q++) {
            long c = counts[q];
            if (from >= 0 && count + c > budget) {
                segments.add(G1Segment.of(node, 0, 1, from, q * span, count));
                from = -1;
                count = 0;
            }
            if (c > 0 && from < 0) {
                from = q * span;
            }
            count += c;
        }
        if (from >= 0) {
            segments.add(G1Segment.of(node, 0, 1, from, m.n, count));
        }
        router.rowStarts = new long[segments.size() - router.firstSegment];
        for (int x = 0; x < router.rowStarts.length; x++) {
            router.rowStarts[x] = segments.get(router.firstSegment + x).iFrom();
        }
        return router;
    }
}
