package org.spillway.datasets;

/**
 * A keyed pseudo-random bijection of {@code [0, size)}, evaluated in O(1) time and memory.
 *
 * <p>Three rounds of "add key, multiply by an odd constant, xor-shift right" permute the
 * {@code b}-bit words ({@code 2^b >= size}); each step is a bijection of {@code [0, 2^b)}. Values
 * that land outside {@code [0, size)} are permuted again ("cycle walking"), which gives a bijection
 * of {@code [0, size)} after fewer than two rounds on average. Used to pick an exact number of
 * pseudo-random members of a large set without storing it: {@code x} is chosen iff
 * {@code apply(x) < count}.
 */
final class KeyedPermutation {
    private static final long M0 = 0xBF58476D1CE4E5B9L;
    private static final long M1 = 0x94D049BB133111EBL;
    private static final long M2 = 0xD6E8FEB86659FD93L;
    private static final long INV0 = inverse(M0);
    private static final long INV1 = inverse(M1);
    private static final long INV2 = inverse(M2);

    private final long size;
    private final long mask;
    private final int shift;
    private final long k0;
    private final long k1;
    private final long k2;

    /**
     * @param size the domain size, at least 1
     * @param key  any 64-bit key; different keys give (practically) unrelated permutations
     */
    KeyedPermutation(long size, long key) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1: " + size);
        }
        this.size = size;
        int bits = size == 1 ? 0 : 64 - Long.numberOfLeadingZeros(size - 1);
        this.mask = bits == 0 ? 0 : (1L << bits) - 1; // size <= Long.MAX_VALUE, so bits <= 63
        this.shift = Math.max(1, (bits + 1) / 2);
        this.k0 = Rng.mix64(key + Rng.GOLDEN);
        this.k1 = Rng.mix64(key + 2 * Rng.GOLDEN);
        this.k2 = Rng.mix64(key + 3 * Rng.GOLDEN);
    }

    /** The domain size. */
    long size() {
        return size;
    }

    /** The image of {@code x}, which must be in {@code [0, size)}. */
    long apply(long x) {
        long m = mask;
        if (m == 0) {
            return 0;
        }
        do {
            x = ((x + k0) & m) * M0 & m;
            x ^= x >>> shift;
            x = ((x + k1) & m) * M1 & m;
            x ^= x >>> shift;
            x = ((x + k2) & m) * M2 & m;
            x ^= x >>> shift;
        } while (x >= size);
        return x;
    }

    /** The preimage of {@code y}, which must be in {@code [0, size)}: {@code apply(invert(y)) == y}. */
    long invert(long y) {
        long m = mask;
        if (m == 0) {
            return 0;
        }
        // x ^= x >>> shift is undone by the same step, as 2 * shift >= bits
        do {
            y ^= y >>> shift;
            y = ((y * INV2 & m) - k2) & m;
            y ^= y >>> shift;
            y = ((y * INV1 & m) - k1) & m;
            y ^= y >>> shift;
            y = ((y * INV0 & m) - k0) & m;
        } while (y >= size);
        return y;
    }

    /** The inverse of an odd number modulo 2^64 (Newton's iteration). */
    private static long inverse(long odd) {
        long inv = odd; // correct to 3 bits
        for (int i = 0; i < 5; i++) {
            inv *= 2 - odd * inv;
        }
        return inv;
    }
}
