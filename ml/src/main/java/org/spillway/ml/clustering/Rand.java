package org.spillway.ml.clustering;

/**
 * Counter-based random numbers (SplitMix64's mixer): a draw is a function of the seed, a purpose and
 * an index, such as a global row number, so it does not depend on the order in which rows are seen,
 * on which thread, or on how many threads there are.
 */
final class Rand {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Rand() {
    }

    /** SplitMix64's finaliser: a bijective 64-bit mixer. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The base of the draws of one purpose ({@code salt}) under {@code seed}. */
    static long family(long seed, long salt) {
        return mix(mix(seed ^ 0x5DEECE66DL) + salt * GOLDEN);
    }

    /** Draw {@code index} of the family {@code base}, uniform in {@code [0, 1)} with 53 random bits. */
    static double uniform(long base, long index) {
        return (mix(base + (index + 1) * GOLDEN) >>> 11) * 0x1.0p-53;
    }
}
