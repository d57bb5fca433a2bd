package org.spillway.frame;

import java.util.Arrays;

/**
 * The argument checks of {@link DataFrame#randomSplit(double[], long)}, done before the frame is
 * collected so that a bad weight costs no pass over the data.
 */
final class SplitWeights {
    private SplitWeights() {
    }

    /**
     * Checks the weights of a random split.
     *
     * @throws SpillwayException if there is no weight, or a weight is negative, NaN or infinite, or all are zero
     */
    static void check(double[] weights) {
        if (weights == null || weights.length == 0) {
            throw new SpillwayException("randomSplit needs at least one weight");
        }
        double total = 0;
        for (double w : weights) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new SpillwayException("randomSplit weights must be finite and not negative, got " + Arrays.toString(weights));
            }
            total += w;
        }
        if (total == 0) {
            throw new SpillwayException("randomSplit weights must not all be zero: " + Arrays.toString(weights));
        }
    }
}
