package org.spillway.datasets;

/**
 * The random numbers of one row (or one model parameter): a SplitMix64 stream started from a
 * counter, {@code mix64(base + index * GOLDEN)}, so every row has its own stream and rows can be
 * drawn in any order on any thread. Normal deviates use the polar method with
 * {@link StrictMath}, so the values are the same on every machine. Not thread-safe: one per thread.
 */
final class RowRandom {
    private long state;
    private double spare;
    private boolean hasSpare;

    /** Restarts the stream at {@code index} of the family {@code base}. */
    RowRandom start(long base, long index) {
        state = Rng.mix64(base + index * Rng.GOLDEN);
        hasSpare = false;
        return this;
    }

    /** The next 64 random bits. */
    long next() {
        return Rng.mix64(state += Rng.GOLDEN);
    }

    /** Uniform in {@code [0, 1)} with 53 random bits. */
    double uniform() {
        return (next() >>> 11) * 0x1.0p-53;
    }

    /** A standard normal deviate (Marsaglia's polar method; |value| is below 13). */
    double normal() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u;
        double v;
        double s;
        do {
            u = 2 * uniform() - 1;
            v = 2 * uniform() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double m = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        spare = v * m;
        hasSpare = true;
        return u * m;
    }

    /**
     * A family base for streams of one purpose: the seed mixed with a salt naming the purpose, so
     * streams for different purposes (or sub-seeds) never coincide.
     */
    static long family(long seed, long salt) {
        return Rng.mix64(Rng.mix64(seed ^ 0x5DEECE66DL) + salt * Rng.GOLDEN);
    }

    /** The logistic function {@code 1 / (1 + e^-x)}, computed with {@link StrictMath}. */
    static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + StrictMath.exp(-x));
        }
        double e = StrictMath.exp(x);
        return e / (1 + e);
    }

    /** The index {@code i} of the first {@code cdf[i] > u}: a draw from the distribution with cumulative {@code cdf}. */
    static int pick(double[] cdf, double u) {
        int lo = 0;
        int hi = cdf.length - 1; // cdf[last] is 1 (or more), above every u
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** The cumulative distribution of {@code weights} (non-negative, not all zero); the last entry is exactly 1. */
    static double[] cdf(double[] weights) {
        double total = 0;
        for (double w : weights) {
            if (!(w >= 0)) {
                throw new IllegalArgumentException("weights must be >= 0: " + w);
            }
            total += w;
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("weights must not all be zero");
        }
        double[] c = new double[weights.length];
        double acc = 0;
        for (int i = 0; i < weights.length; i++) {
            acc += weights[i];
            c[i] = acc / total;
        }
        c[c.length - 1] = 1.0;
        return c;
    }
}
