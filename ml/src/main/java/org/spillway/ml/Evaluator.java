package org.spillway.ml;

import org.spillway.frame.DataFrame;

/**
 * Computes metrics of a model's predictions: {@link #evaluate} reads a frame holding the label and
 * the prediction columns (as a model's {@code transform} left them) in parallel passes over its
 * chunks and returns all the metrics at once; {@link #metric} gives the one named by
 * {@link #metricName()}, which hyperparameter search optimises.
 *
 * @param <R> the metrics it returns
 */
public interface Evaluator<R extends Metrics> {
    /** All metrics of {@code predictions}. */
    R evaluate(DataFrame predictions);

    /** The name of the metric {@link #metric} returns (e.g. {@code "areaUnderROC"}). */
    String metricName();

    /** True if a larger value of {@link #metricName()} is better (AUC), false if smaller is (RMSE, log loss). */
    boolean isLargerBetter();

    /** The value of {@link #metricName()} on {@code predictions}. */
    default double metric(DataFrame predictions) {
        return evaluate(predictions).get(metricName());
    }
}
