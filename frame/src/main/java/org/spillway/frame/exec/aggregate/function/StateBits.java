package org.spillway.frame.exec.aggregate.function;

/**
 * A float64 held in a {@code long} state slot, as its IEEE 754 bits: aggregate states are
 * {@code long[]} stripes so that one array holds every function's state for a group, and the
 * doubles among them (sums, means, moments) travel through it bit for bit.
 */
final class StateBits {
    private StateBits() {
    }

    /** The double whose bits state slot {@code bits} holds. */
    static double asDouble(long bits) {
        return Double.longBitsToDouble(bits);
    }

    /**
     * The state slot holding {@code v}. Raw bits, not {@link Double#doubleToLongBits}: no NaN
     * canonicalisation on the per-row path, and a slot round-trips any NaN unchanged.
     */
    static long bits(double v) {
        return Double.doubleToRawLongBits(v);
    }
}
