package org.spillway.frame.exec.window;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.spillway.frame.AggregateExpr;
import org.spillway.frame.exec.aggregate.function.Quantiles;

/**
 * The window aggregates that need more than prefix sums, over a partition of {@code n} rows whose frames are rows
 * {@code lo[i]} to {@code hi[i]} (empty where {@code lo[i] > hi[i]}), both non-decreasing in {@code i}: variances
 * and deviations, distinct counts and quantiles. Nulls are skipped; a frame without a value gives null (a distinct count
 * 0), as the group by.
 */
final class WindowAggregates {
    private WindowAggregates() {
    }

    /**
     * {@code var}, {@code varPop}, {@code std}, {@code stdPop} of each frame: a segment tree of (count, mean, M2) per
     * node, merged with Chan et al.'s pairwise formula (stable, unlike sums of squares); O(log n) per row.
     */
    static void moments(AggregateExpr.Kind kind, List<Object> values, int n, int[] lo, int[] hi, Object[] res) {
        int size = 1;
        while (size < Math.max(1, n)) {
            size <<= 1;
        }
        double[] cnt = new double[2 * size];
        double[] mean = new double[2 * size];
        double[] m2 = new double[2 * size];
        for (int i = 0; i < n; i++) {
            Object v = values.get(i);
            if (v != null) {
                cnt[size + i] = 1;
                mean[size + i] = ((Number) v).doubleValue();
            }
        }
        for (int p = size - 1; p >= 1; p--) {
            merge(cnt, mean, m2, p, 2 * p, 2 * p + 1);
        }
        // the query accumulates into slot 0
        for (int i = 0; i < n; i++) {
            cnt[0] = 0;
            mean[0] = 0;
            m2[0] = 0;
            if (lo[i] <= hi[i]) {
                int l = lo[i] + size;
                int r = hi[i] + size + 1;
                // left and right parts are merged in any order: the moments do not depend on it
                while (l < r) {
                    if ((l & 1) == 1) {
                        merge(cnt, mean, m2, 0, 0, l++);
                    }
                    if ((r & 1) == 1) {
                        merge(cnt, mean, m2, 0, 0, --r);
                    }
                    l >>= 1;
                    r >>= 1;
                }
            }
            double c = cnt[0];
            boolean sample = kind == AggregateExpr.Kind.VAR || kind == AggregateExpr.Kind.STD;
            if (c < (sample ? 2 : 1)) {
                res[i] = null;
            } else {
                double var = Math.max(0, m2[0] / (sample ? c - 1 : c));
                res[i] = kind == AggregateExpr.Kind.VAR || kind == AggregateExpr.Kind.VAR_POP ? var : Math.sqrt(var);
            }
        }
    }

    /** Slot {@code into} = the moments of slots {@code a} and {@code b} together ({@code into} may be {@code a}). */
    private static void merge(double[] cnt, double[] mean, double[] m2, int into, int a, int b) {
        double na = cnt[a];
        double nb = cnt[b];
        if (nb == 0) {
            cnt[into] = na;
            mean[into] = mean[a];
            m2[into] = m2[a];
            return;
        }
        if (na == 0) {
            cnt[into] = nb;
            mean[into] = mean[b];
            m2[into] = m2[b];
            return;
        }
        double nn = na + nb;
        double delta = mean[b] - mean[a];
        double m = mean[a] + delta * nb / nn;
        double q = m2[a] + m2[b] + delta * delta * na * nb / nn;
        cnt[into] = nn;
        mean[into] = m;
        m2[into] = q;
    }

    /**
     * {@code countDistinct} of each frame: a hash multiset of the frame's non-null values, which only slides forward
     * (values enter at {@code hi} and leave at {@code lo}), so O(1) expected per row.
     */
    static void countDistinct(List<Object> values, int n, int[] lo, int[] hi, Object[] res) {
        Map<Object, int[]> counts = new HashMap<>();
        int in = 0; // rows [out, in) are in the multiset
        int out = 0;
        for (int i = 0; i < n; i++) {
            int l = lo[i];
            int h = hi[i];
            if (l > h) {
                res[i] = 0L;
                continue;
            }
            while (in <= h) {
                Object v = key(values.get(in++));
                if (v != null) {
                    counts.computeIfAbsent(v, x -> new int[1])[0]++;
                }
            }
            while (out < l) {
                Object v = key(values.get(out++));
                if (v != null && out <= in && --counts.get(v)[0] == 0) {
                    counts.remove(v);
                }
            }
            res[i] = (long) counts.size();
        }
    }

    /** The hash key of a value: -0.0 is 0.0 (one value, as the group by counts it); NaN is one value. */
    private static Object key(Object v) {
        return v instanceof Double d && d == 0.0 ? (Object) 0.0 : v;
    }

    /**
     * The interpolated {@code q} quantile of each frame (as the group by and DuckDB's {@code quantile_cont}): the
     * partition's non-null values are ranked once (sorted), a Fenwick tree over the ranks holds the frame (values enter
     * and leave as it slides) and finds the values of ranks {@code floor(q (c - 1))} and the next by descent, so
     * O(log n) per row after an O(n log n) sort.
     */
    static void quantile(double q, List<Object> values, int n, int[] lo, int[] hi, Object[] res) {
        int m = 0;
        long[] order = new long[n];
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            Object v = values.get(i);
            if (v != null) {
                x[i] = ((Number) v).doubleValue();
                order[m++] = i;
            }
        }
        Long[] idx = new Long[m];
        for (int j = 0; j < m; j++) {
            idx[j] = order[j];
        }
        Arrays.sort(idx, (a, b) -> Double.compare(x[(int) (long) a], x[(int) (long) b]));
        int[] rank = new int[n]; // 1-based rank of row i's value, 0 for null
        double[] byRank = new double[m + 1];
        for (int j = 0; j < m; j++) {
            rank[(int) (long) idx[j]] = j + 1;
            byRank[j + 1] = x[(int) (long) idx[j]];
        }
        int[] tree = new int[m + 1];
        int top = Integer.highestOneBit(Math.max(1, m));
        int in = 0;
        int out = 0;
        int count = 0;
        for (int i = 0; i < n; i++) {
            int l = lo[i];
            int h = hi[i];
            while (in <= h && in < n) {
                if (rank[in] > 0) {
                    add(tree, rank[in], 1);
                    count++;
                }
                in++;
            }
            while (out < l && out < in) {
                if (rank[out] > 0) {
                    add(tree, rank[out], -1);
                    count--;
                }
                out++;
            }
            if (l > h || count == 0) {
                res[i] = null;
                continue;
            }
            double pos = q * (count - 1);
            int k = (int) Math.floor(pos);
            double xlo = byRank[kth(tree, top, k + 1)];
            if (pos == k) {
                res[i] = xlo;
            } else {
                res[i] = Quantiles.interpolate(xlo, byRank[kth(tree, top, k + 2)], pos);
            }
        }
    }

    private static void add(int[] tree, int i, int d) {
        for (; i < tree.length; i += i & -i) {
            tree[i] += d;
        }
    }

    /** The smallest rank whose prefix count reaches {@code k} (k from 1). */
    private static int kth(int[] tree, int top, int k) {
        int pos = 0;
        for (int step = top; step > 0; step >>= 1) {
            int next = pos + step;
            if (next < tree.length && tree[next] < k) {
                pos = next;
                k -= tree[next];
            }
        }
        return pos + 1;
    }
}
