package org.spillway.datasets;

/**
 * One segment of {@link G1Sorter}'s plan: buckets {@code [b0, b1)} of {@code node}, restricted to rows
 * {@code [iFrom, iTo)}, holding {@code count} rows. As the bucket function is monotone in the ranks of
 * columns {@code j..lastCol} (lexicographically), those buckets hold exactly the rows whose ranks lie
 * between the tuples {@code lo} and {@code hi} (inclusive), which is what {@link #match} tests.
 */
record G1Segment(G1KeyRange node, int b0, int b1, long iFrom, long iTo, long count, int[] lo, int[] hi) {
    private static final int COLS = G1Model.ID_COLUMNS;

    /** The segment of buckets {@code [b0, b1)} of {@code node}, its rank bounds derived from the buckets. */
    static G1Segment of(G1KeyRange node, int b0, int b1, long iFrom, long iTo, long count) {
        int[] lo = new int[COLS];
        int[] hi = new int[COLS];
        if (!node.singleKey()) {
            node.bounds(b0, lo, true);
            node.bounds(b1 - 1, hi, false);
        }
        return new G1Segment(node, b0, b1, iFrom, iTo, count, lo, hi);
    }

    /**
     * The bucket of row {@code i} in the segment's node, or -1 when its key is outside the segment.
     * Ranks are computed column by column and the row is rejected as soon as its key leaves the
     * segment's interval, so most rows cost one or two ranks.
     */
    int match(G1Model m, long i, int[] r) {
        int j = node.j;
        int[] prefix = node.prefix;
        for (int c = 0; c < j; c++) {
            if (m.rank(c, i) != prefix[c]) {
                return -1;
            }
        }
        if (j == COLS) {
            return 0;
        }
        int last = node.lastCol;
        boolean atLow = true;
        boolean atHigh = true;
        int c = j;
        for (; c <= last; c++) {
            int x = m.level(c, i);
            int rc = m.valueRank(c, x);
            // the rank is rc, or 0 if the value is null: look that up only when it matters
            boolean rcOut = (atLow && rc < lo[c]) || (atHigh && rc > hi[c]);
            if (rcOut && atLow && lo[c] > 0) {
                return -1; // neither rc nor 0 is in the interval
            }
            if (m.isNullLevel(c, x)) {
                rc = 0;
            }
            r[c] = rc;
            if (atLow) {
                if (rc < lo[c]) {
                    return -1;
                }
                atLow = rc == lo[c];
            }
            if (atHigh) {
                if (rc > hi[c]) {
                    return -1;
                }
                atHigh = rc == hi[c];
            }
            if (!atLow && !atHigh) {
                break;
            }
        }
        for (c++; c <= last; c++) {
            r[c] = m.rank(c, i);
        }
        return node.bucket(r);
    }
}
