package org.spillway.frame.exec.aggregate.function;

/**
 * Exact quantiles of a group's values by selection rather than sorting: the interpolated
 * quantile needs only the values of rank {@code floor(q (n - 1))} and the next one, which an
 * introselect (quickselect that falls back to a full sort when its partitions stop shrinking)
 * finds in linear expected time. Values are held as order keys ({@link #key}): longs whose signed
 * order is the order of {@link Double#compare}, so {@code -0.0 < 0.0} and NaN sorts last, exactly
 * as {@link java.util.Arrays#sort(double[])} orders them.
 */
public final class Quantiles {
    private Quantiles() {
    }

    /** Ranges at most this long are finished by insertion sort. */
    private static final int INSERTION = 24;

    /** The order key of {@code d}: signed comparison of keys is {@link Double#compare} of values. */
    public static long key(double d) {
        long bits = Double.doubleToLongBits(d); // one NaN
        return bits ^ ((bits >> 63) & Long.MAX_VALUE);
    }

    /** The value of order key {@code k} (the inverse of {@link #key}). */
    public static double value(long k) {
        return Double.longBitsToDouble(k ^ ((k >> 63) & Long.MAX_VALUE));
    }

    /**
     * The interpolated {@code q} quantile (as pandas, DuckDB's {@code quantile_cont}) of the
     * values whose order keys are {@code a[from, to)}, a non-empty range; reorders the range.
     */
    public static double quantile(long[] a, int from, int to, double q) {
        int len = to - from;
        double pos = q * (len - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        double xlo = value(select(a, from, to, from + lo));
        if (hi == lo) {
            return xlo; // not interpolated: an infinite value at the rank is the answer, not NaN
        }
        // after select, everything right of rank lo is at least a[lo]: rank hi is their least
        long m = a[from + lo + 1];
        for (int i = from + lo + 2; i < to; i++) {
            m = Math.min(m, a[i]);
        }
        return interpolate(xlo, value(m), pos);
    }

    /**
     * The quantile at fractional rank {@code pos} from the values of ranks {@code floor(pos)} and
     * {@code ceil(pos)}; at a whole rank, the value of that rank itself (so an infinite value is
     * not turned into NaN by {@code inf - inf}).
     */
    public static double interpolate(double xlo, double xhi, double pos) {
        double f = pos - Math.floor(pos);
        return f == 0 ? xlo : xlo + f * (xhi - xlo);
    }

    /**
     * Reorders {@code a[from, to)} so that {@code a[k]} holds the key of rank {@code k - from}, none
     * left of it is greater and none right of it smaller; returns {@code a[k]}.
     */
    public static long select(long[] a, int from, int to, int k) {
        if (k < from || k >= to) {
            throw new IndexOutOfBoundsException("rank " + k + " outside [" + from + ", " + to + ")");
        }
        int lo = from;
        int hi = to - 1;
        // a median-of-three pivot can be defeated by a crafted order; after this many rounds, sort
        int budget = 2 * (64 - Long.numberOfLeadingZeros(to - from)) + 4;
        while (hi - lo >= INSERTION) {
            if (budget-- == 0) {
                java.util.Arrays.sort(a, lo, hi + 1);
                return a[k];
            }
            int mid = (lo + hi) >>> 1;
            long x = a[lo];
            long y = a[mid];
            long z = a[hi];
            long pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    long t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            // now a[lo..j] <= pivot, a[j+1..i-1] == pivot, a[i..hi] >= pivot
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        for (int i = lo + 1; i <= hi; i++) {
            long v = a[i];
            int j = i - 1;
            while (j >= lo && a[j] > v) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
        return a[k];
    }
}
