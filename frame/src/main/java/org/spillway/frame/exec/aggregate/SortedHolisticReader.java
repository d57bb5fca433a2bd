package org.spillway.frame.exec.aggregate;

import org.spillway.frame.AggregateExpr;
import org.spillway.frame.exec.aggregate.function.AggFn;
import org.spillway.frame.exec.aggregate.function.Quantiles;
import org.spillway.frame.exec.hash.Hashing;
import org.spillway.spill.vector.ColumnVector;

/** Reads one holistic aggregate off value rows sorted by (keys, value), group ids given. */
final class SortedHolisticReader {
    final AggregateExpr.Kind kind;
    final int k;
    final double q;
    final long[] nonNull; // quantiles: values per group
    final long[] seen;
    double[] lo;
    double[] hi;
    long[] distinct;
    long[] top;
    int prevGroup = -1;
    long prevCode;
    byte[] prevString; // countDistinct of strings: the previous value, across chunks

    SortedHolisticReader(AggregateExpr.Kind kind, int groups, int k, double q, long[] nonNull) {
        this.kind = kind;
        this.k = k;
        this.q = q;
        this.nonNull = nonNull;
        seen = new long[groups];
        switch (kind) {
            case COUNT_DISTINCT -> distinct = new long[groups];
            case TOP_K -> top = new long[HolisticAggregates.topKSlots(groups, k)];
            default -> {
                lo = new double[groups];
                hi = new double[groups];
            }
        }
    }

    void read(ColumnVector v, int[] gids, int n) {
        int prevRow = -1; // the previous non-null row of this chunk
        for (int i = 0; i < n; i++) {
            if (v.isNull(i)) {
                continue; // nulls sort last within a group
            }
            int g = gids[i];
            switch (kind) {
                case COUNT_DISTINCT -> {
                    boolean same;
                    if (v instanceof org.spillway.spill.vector.StringVector sv) {
                        same = g == prevGroup && (prevRow >= 0
                                ? org.spillway.spill.vector.StringVector.compare(sv, i, sv, prevRow) == 0
                                : sv.equalsBytes(i, prevString));
                    } else {
                        long code = v instanceof org.spillway.spill.vector.DoubleVector dv
                                ? Hashing.canonicalBits(dv.get(i)) : AggFn.code(v, i, null);
                        same = g == prevGroup && code == prevCode;
                        prevCode = code;
                    }
                    if (!same) {
                        distinct[g]++;
                    }
                }
                case TOP_K -> {
                    if (seen[g] < k) {
                        top[g * k + (int) seen[g]] = AggFn.code(v, i, null);
                    }
                }
                default -> {
                    double x = ((org.spillway.spill.vector.DoubleVector) v).get(i);
                    long cnt = nonNull[g];
                    double pos = q * (cnt - 1);
                    long r = seen[g];
                    if (r == (long) Math.floor(pos)) {
                        lo[g] = x;
                    }
                    if (r == (long) Math.ceil(pos)) {
                        hi[g] = x;
                    }
                }
            }
            seen[g]++;
            prevGroup = g;
            prevRow = i;
        }
        if (kind == AggregateExpr.Kind.COUNT_DISTINCT && prevRow >= 0
                && v instanceof org.spillway.spill.vector.StringVector sv) {
            prevString = sv.bytes().asSlice(sv.start(prevRow), sv.length(prevRow))
                    .toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        }
    }

    /** Stores the results where {@link HolisticAggregates#append} and {@code emit} read them. */
    void into(HolisticAggregates h, int j) {
        int groups = seen.length;
        switch (kind) {
            case COUNT_DISTINCT -> h.distinct[j] = distinct;
            case TOP_K -> {
                int[] counts = new int[groups];
                for (int g = 0; g < groups; g++) {
                    counts[g] = (int) Math.min(k, seen[g]);
                }
                h.topValues = top;
                h.topCounts = counts;
            }
            default -> {
                double[] out = new double[groups];
                int[] has = new int[groups + 1]; // start array: has[g + 1] > has[g] when g has values
                for (int g = 0; g < groups; g++) {
                    long cnt = nonNull[g];
                    has[g + 1] = has[g] + (cnt > 0 ? 1 : 0);
                    if (cnt > 0) {
                        double pos = q * (cnt - 1);
                        out[g] = Quantiles.interpolate(lo[g], hi[g], pos);
                    } else {
                        out[g] = Double.NaN;
                    }
                }
                h.results[j] = out;
                h.countsPerGroup[j] = has;
            }
        }
    }
}
