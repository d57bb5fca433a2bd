package org.spillway.datasets;

/**
 * A key range of the groupby table's sort key (ranks of id1..id6) and its buckets, for {@link G1Sorter}:
 * the rows whose ranks equal {@code prefix} on columns {@code < j} and lie in {@code [a, b)} on
 * column {@code j}; {@code j == 6} means one exact key. Its buckets: the ranks of columns
 * {@code j..t} in mixed radix, times {@code s} slots of column {@code t + 1}; or, when column
 * {@code j} alone has more than {@code H} values ({@code partial}), {@code H} slices of it. The bucket
 * function is monotone in the key, which is what lets {@link G1RangePlan} cut the key space into
 * segments by counting rows per bucket.
 */
final class G1KeyRange {
    private static final int COLS = G1Model.ID_COLUMNS;

    /** The number of ranks of each column (shared by all ranges of one plan). */
    private final long[] radix;
    /** The most buckets a range may have. */
    private final int h;
    final int j;
    final int[] prefix;
    final long a;
    final long b;
    final boolean partial;
    final int t;
    final long s;
    /** Buckets per value of column j (not partial). */
    final long inner;
    final int lastCol;
    final int buckets;

    private G1KeyRange(long[] radix, int h, int j, int[] prefix, long a, long b) {
        this.radix = radix;
        this.h = h;
        this.j = j;
        this.prefix = prefix;
        this.a = a;
        this.b = b;
        if (j == COLS) {
            partial = false;
            t = COLS - 1;
            s = 1;
            inner = 1;
            lastCol = COLS - 1;
            buckets = 1;
            return;
        }
        long dj = b - a;
        if (dj > h) {
            partial = true;
            t = j - 1;
            s = h;
            inner = 0;
            lastCol = j;
            buckets = h;
            return;
        }
        partial = false;
        long p = dj;
        int last = j;
        while (last + 1 < COLS && p * radix[last + 1] <= h) {
            p *= radix[last + 1];
            last++;
        }
        t = last;
        s = t < COLS - 1 ? Math.min(h / p, radix[t + 1]) : 1;
        lastCol = s > 1 ? t + 1 : t;
        buckets = (int) (p * s);
        inner = buckets / dj;
    }

    boolean singleKey() {
        return j == COLS;
    }

    /** Whether each bucket holds a single key (then rows in a bucket stay in row order). */
    boolean singleKeyBuckets() {
        return j == COLS || (!partial && t == COLS - 1);
    }

    /** The first column that may differ between rows of one bucket. */
    int firstVarying() {
        return partial ? j : t + 1;
    }

    /** The bucket of a row with ranks {@code r} (columns j..lastCol filled in). */
    int bucket(int[] r) {
        if (j == COLS) {
            return 0;
        }
        if (partial) {
            return (int) ((r[j] - a) * s / (b - a));
        }
        long idx = r[j] - a;
        for (int c = j + 1; c <= t; c++) {
            idx = idx * radix[c] + r[c];
        }
        if (t < COLS - 1) {
            idx = idx * s + r[t + 1] * s / radix[t + 1];
        }
        return (int) idx;
    }

    /** The lowest column-j rank in bucket {@code q}. */
    long lowRank(long q) {
        return partial ? a + ceilDiv(q * (b - a), s) : a + q / inner;
    }

    /**
     * Stores in {@code out[j..lastCol]} the smallest ({@code low}) or largest rank tuple that falls
     * in bucket {@code q}.
     */
    void bounds(int q, int[] out, boolean low) {
        if (partial) {
            out[j] = (int) (low ? lowRank(q) : lowRank(q + 1) - 1);
            return;
        }
        long idx = t < COLS - 1 ? q / s : q;
        long slot = t < COLS - 1 ? q % s : 0;
        for (int c = t; c > j; c--) {
            out[c] = (int) (idx % radix[c]);
            idx /= radix[c];
        }
        out[j] = (int) (a + idx);
        if (lastCol > t) {
            long d = radix[t + 1];
            out[t + 1] = (int) (low ? ceilDiv(slot * d, s) : ceilDiv((slot + 1) * d, s) - 1);
        }
    }

    /** The key range of bucket {@code q} as a node. */
    G1KeyRange child(int q) {
        if (partial) {
            return of(radix, h, j, prefix.clone(), lowRank(q), lowRank(q + 1));
        }
        long idx = t < COLS - 1 ? q / s : q;
        long slot = t < COLS - 1 ? q % s : 0;
        int[] p = prefix.clone();
        for (int c = t; c > j; c--) {
            p[c] = (int) (idx % radix[c]);
            idx /= radix[c];
        }
        p[j] = (int) (a + idx);
        if (t == COLS - 1) {
            return of(radix, h, COLS, p, 0, 0);
        }
        long d = radix[t + 1];
        return of(radix, h, t + 1, p, ceilDiv(slot * d, s), ceilDiv((slot + 1) * d, s));
    }

    /**
     * The range of column-{@code j} ranks {@code [a, b)} under {@code prefix}, with single-value
     * leading ranges folded into the prefix ({@code prefix} is modified).
     *
     * @param radix the number of ranks of each column
     * @param h     the most buckets a range may have
     */
    static G1KeyRange of(long[] radix, int h, int j, int[] prefix, long a, long b) {
        while (j < COLS && b - a == 1) {
            prefix[j] = (int) a;
            j++;
            if (j < COLS) {
                a = 0;
                b = radix[j];
            }
        }
        return new G1KeyRange(radix, h, j, prefix, a, b);
    }

    static long ceilDiv(long x, long y) {
        return -Math.floorDiv(-x, y);
    }

    /** The bucket of row {@code i} in this range, or -1 when its key is outside the range. */
    int match(G1Model m, long i, int[] r) {
        for (int c = 0; c < j; c++) {
            if (m.rank(c, i) != prefix[c]) {
                return -1;
            }
        }
        if (j == COLS) {
            return 0;
        }
        int rj = m.rank(j, i);
        if (rj < a || rj >= b) {
            return -1;
        }
        r[j] = rj;
        for (int c = j + 1; c <= lastCol; c++) {
            r[c] = m.rank(c, i);
        }
        return bucket(r);
    }
}
