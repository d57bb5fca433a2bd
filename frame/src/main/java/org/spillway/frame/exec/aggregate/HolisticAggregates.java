package org.spillway.frame.exec.aggregate;

import java.util.List;
import org.spillway.frame.AggregateExpr;
import org.spillway.frame.SpillwayException;
import org.spillway.frame.exec.aggregate.function.AggFn;
import org.spillway.frame.exec.aggregate.function.Quantiles;
import org.spillway.frame.exec.hash.GroupTable;
import org.spillway.frame.exec.hash.Hashing;
import org.spillway.frame.exec.hash.StringPool;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVectorBuilder;
import org.spillway.spill.vector.LongVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * The holistic aggregates of one partition evaluated in memory: every value of each aggregate with
 * its group id, then regrouped by group and sorted or selected per group into quantiles, distinct
 * counts and top-k lists, one aggregate at a time so only one set of values is held. The sorted,
 * out-of-core evaluation ({@link SortedHolisticReader}) stores its results here too, for
 * {@link #append}.
 */
final class HolisticAggregates {
    /** The merger whose group ids ({@link PartitionMerger#gids}) the values are added by. */
    private final PartitionMerger merger;
    private final List<AggregateExpr> aggs;
    private final int[] rawCol;
    private final Schema raw;
    final int[][] gid;
    final long[][] vals;
    final int[] count;
    final double[][] results;
    final long[][] distinct;

    HolisticAggregates(PartitionMerger merger) {
        this.merger = merger;
        this.aggs = merger.aggs;
        this.rawCol = merger.rawCol;
        this.raw = merger.raw;
        gid = new int[aggs.size()][];
        vals = new long[aggs.size()][];
        count = new int[aggs.size()];
        results = new double[aggs.size()][];
        distinct = new long[aggs.size()][];
        countsPerGroup = new int[aggs.size()][];
    }

    /** Sizes aggregate {@code j}'s arrays for {@code rows} values (no value added yet). */
    void expect(int j, int rows) {
        if (vals[j] == null && rows > 0) {
            vals[j] = new long[rows];
            gid[j] = new int[rows];
        }
    }

    long bytesAfter(long moreRows, int only) {
        long b = 0;
        for (int j = 0; j < aggs.size(); j++) {
            if (rawCol[j] >= 0 && j == only) {
                long cap = vals[j] == null ? 0 : vals[j].length;
                long need = count[j] + moreRows;
                if (vals[j] == null) {
                    cap = Math.max(1024, need); // at most what expect() or the first add() makes
                }
                while (cap < need) {
                    cap = Math.max(1024, cap * 2);
                }
                b += cap * 12 + 8L * need; // values + group ids, then the values regrouped
            }
        }
        return b;
    }

    void add(GroupTable t, StringPool pool, Chunk c, int only) {
        int n = c.rows();
        merger.groupIds(t, pool, c);
        for (int j = 0; j < aggs.size(); j++) {
            if (rawCol[j] < 0 || j != only) {
                continue;
            }
            ColumnVector v = c.column(rawCol[j]);
            if (vals[j] == null || vals[j].length < count[j] + n) {
                int cap = Math.max(1024, Math.max(count[j] + n, vals[j] == null ? 0 : vals[j].length * 2));
                vals[j] = vals[j] == null ? new long[cap] : java.util.Arrays.copyOf(vals[j], cap);
                gid[j] = gid[j] == null ? new int[cap] : java.util.Arrays.copyOf(gid[j], cap);
            }
            boolean distinctKind = aggs.get(j).kind() == AggregateExpr.Kind.COUNT_DISTINCT;
            if (v instanceof org.spillway.spill.vector.DoubleVector dv && !dv.hasNulls() && !distinctKind) {
                long[] out = vals[j];
                int[] og = gid[j];
                int o = count[j];
                for (int i = 0; i < n; i++) {
                    out[o + i] = Double.doubleToRawLongBits(dv.get(i));
                    og[o + i] = merger.gids[i];
                }
                count[j] = o + n;
                continue;
            }
            for (int i = 0; i < n; i++) {
                if (v.isNull(i)) {
                    continue;
                }
                long x;
                if (v instanceof org.spillway.spill.vector.DoubleVector dv) {
                    double d = dv.get(i);
                    x = distinctKind ? Hashing.canonicalBits(d) : Double.doubleToRawLongBits(d);
                } else {
                    x = AggFn.code(v, i, pool);
                }
                vals[j][count[j]] = x;
                gid[j][count[j]++] = merger.gids[i];
            }
        }
    }

    /** Sorts each group's values and computes the quantiles and distinct counts. */
    void compute(int groups, int only) {
        for (int j = 0; j < aggs.size(); j++) {
            if (rawCol[j] < 0 || j != only) {
                continue;
            }
            int m = count[j];
            int[] start = new int[groups + 1];
            for (int i = 0; i < m; i++) {
                start[gid[j][i] + 1]++;
            }
            for (int g = 0; g < groups; g++) {
                start[g + 1] += start[g];
            }
            int[] next = start.clone();
            long[] byGroup = new long[m];
            long[] v = vals[j];
            int[] gg = gid[j];
            for (int i = 0; i < m; i++) {
                byGroup[next[gg[i]]++] = v[i];
            }
            vals[j] = null;
            gid[j] = null;
            AggregateExpr a = aggs.get(j);
            if (a.kind() == AggregateExpr.Kind.TOP_K) {
                boolean dbl = raw.type(rawCol[j]) == DataType.FLOAT64;
                int k = a.k();
                long[] top = new long[topKSlots(groups, k)];
                int[] n = new int[groups];
                double[] xs = new double[0];
                for (int g = 0; g < groups; g++) {
                    int len = start[g + 1] - start[g];
                    int keep = Math.min(k, len);
                    n[g] = keep;
                    if (dbl) {
                        if (xs.length < len) {
                            xs = new double[Math.max(len, xs.length * 2)];
                        }
                        for (int i = 0; i < len; i++) {
                            xs[i] = Double.longBitsToDouble(byGroup[start[g] + i]);
                        }
                        java.util.Arrays.sort(xs, 0, len);
                        for (int r = 0; r < keep; r++) {
                            top[g * k + r] = Double.doubleToRawLongBits(a.descending() ? xs[len - 1 - r] : xs[r]);
                        }
                    } else {
                        java.util.Arrays.sort(byGroup, start[g], start[g + 1]);
                        for (int r = 0; r < keep; r++) {
                            top[g * k + r] = a.descending() ? byGroup[start[g + 1] - 1 - r] : byGroup[start[g] + r];
                        }
                    }
                }
                topValues = top;
                topCounts = n;
            } else if (a.kind() == AggregateExpr.Kind.COUNT_DISTINCT) {
                long[] out = new long[groups];
                for (int g = 0; g < groups; g++) {
                    java.util.Arrays.sort(byGroup, start[g], start[g + 1]);
                    long d = 0;
                    for (int i = start[g]; i < start[g + 1]; i++) {
                        if (i == start[g] || byGroup[i] != byGroup[i - 1]) {
                            d++;
                        }
                    }
                    out[g] = d;
                }
                distinct[j] = out;
            } else {
                // quantiles by selection in each group's range, over order keys made in place
                double[] out = new double[groups];
                for (int i = 0; i < m; i++) {
                    byGroup[i] = Quantiles.key(Double.longBitsToDouble(byGroup[i]));
                }
                for (int g = 0; g < groups; g++) {
                    out[g] = start[g + 1] == start[g] ? Double.NaN
                            : Quantiles.quantile(byGroup, start[g], start[g + 1], a.q());
                }
                results[j] = out;
            }
            // keep count[j] for emit (no values = null median)
            vals[j] = null;
            gid[j] = null;
            countsPerGroup[j] = start;
        }
    }

    final int[][] countsPerGroup;
    long[] topValues;
    int[] topCounts;

    void append(int j, int g, VectorBuilder out) {
        if (aggs.get(j).kind() == AggregateExpr.Kind.COUNT_DISTINCT) {
            ((LongVectorBuilder) out).append(distinct[j] == null || g >= distinct[j].length ? 0 : distinct[j][g]);
            return;
        }
        int[] st = countsPerGroup[j];
        if (st == null || g + 1 >= st.length || st[g + 1] == st[g]) {
            out.appendNull();
        } else {
            ((DoubleVectorBuilder) out).append(results[j][g]);
        }
    }

    /**
     * The size of the array of the top {@code k} values of {@code groups} groups, laid out {@code k} to
     * a group. Past 2^31 - 1 slots this is an error naming the cause, not an overflow.
     */
    static int topKSlots(int groups, int k) {
        long slots = (long) groups * k;
        if (slots > Integer.MAX_VALUE - 8) {
            throw new SpillwayException("topK(" + k + ") over " + groups + " groups of one partition needs " + slots
                    + " value slots, more than an array holds (2^31 - 1): use a smaller k, or group by more keys");
        }
        return (int) slots;
    }
}
