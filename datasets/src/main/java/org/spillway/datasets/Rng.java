package org.spillway.datasets;

/** Counter-based random numbers: SplitMix64's mixer applied to {@code base + counter * GOLDEN}. */
final class Rng {
    /** SplitMix64's increment (the golden ratio in 64-bit fixed point). */
    static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Rng() {
    }

    /** SplitMix64's finaliser: a bijective 64-bit mixer. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Maps 64 random bits to {@code [0, bound)} by a multiply-high (Lemire's method without the
     * rejection step: the bias is below {@code bound / 2^64}, irrelevant for bounds below 2^32).
     */
    static long below(long random, long bound) {
        return Math.unsignedMultiplyHigh(random, bound);
    }
}
