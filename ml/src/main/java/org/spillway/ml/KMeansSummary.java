package org.spillway.ml;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a {@link KMeansModel} was trained, as Spark's {@code KMeansSummary}.
 *
 * @param k            the number of centres found (fewer than asked only when k-means|| found fewer
 *                     distinct candidates, i.e. the data has fewer than k distinct rows)
 * @param trainingCost the sum of squared euclidean distances from each training row to its nearest
 *                     final centre (Spark reports the cost of its last assignment, made before the
 *                     last update of the centres; this is the cost of the centres the model holds)
 * @param clusterSizes the training rows nearest each centre
 * @param numIter      Lloyd iterations run
 * @param converged    whether it stopped because no centre moved more than {@code tol}
 * @param costHistory  the cost of each iteration's assignment, before that iteration's update
 * @param passes       passes over the training data, initialisation included
 * @param rows         training rows
 * @param seconds      training time
 */
public record KMeansSummary(int k, double trainingCost, long[] clusterSizes, int numIter, boolean converged, double[] costHistory,
                            int passes, long rows, double seconds) {
    /** Freezes the arrays. */
    public KMeansSummary {
        clusterSizes = clusterSizes.clone();
        costHistory = costHistory.clone();
    }

    /** The rows nearest each centre (a copy). */
    @Override
    public long[] clusterSizes() {
        return clusterSizes.clone();
    }

    /** The cost of each iteration's assignment (a copy). */
    @Override
    public double[] costHistory() {
        return costHistory.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KMeansSummary s && s.k == k && Double.compare(s.trainingCost, trainingCost) == 0
                && Arrays.equals(s.clusterSizes, clusterSizes) && s.numIter == numIter && s.converged == converged
                && Arrays.equals(s.costHistory, costHistory) && s.passes == passes && s.rows == rows;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(trainingCost) * 31 + Arrays.hashCode(clusterSizes);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "k-means: %d clusters of %,d rows, cost %.10g after %d iterations (%s), %d passes in %.2f s",
                k, rows, trainingCost, numIter, converged ? "converged" : "not converged", passes, seconds);
    }
}
