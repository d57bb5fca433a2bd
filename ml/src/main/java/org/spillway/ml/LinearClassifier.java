package org.spillway.ml;

import org.spillway.ml.linear.LinearEstimator;
import org.spillway.ml.linear.OutputCols;

/**
 * A linear learner whose model classifies: the names of the columns its model adds, which
 * {@link LinearSVC} and {@link LogisticRegression} set alike.
 *
 * @param <S> the learner's own type, for fluent setters
 * @param <M> the model it learns
 */
abstract class LinearClassifier<S extends LinearClassifier<S, M>, M extends Model> extends LinearEstimator<S, M> {
    private OutputCols outputCols = OutputCols.DEFAULT;

    @SuppressWarnings("unchecked")
    private S self() {
        return (S) this;
    }

    /** The name of the predicted-class column the model adds; default {@code prediction}. */
    public S predictionCol(String c) {
        outputCols = outputCols.withPrediction(c);
        return self();
    }

    /** The name of the margin column (prefix {@code name_k} for K classes); default {@code rawPrediction}. */
    public S rawPredictionCol(String c) {
        outputCols = outputCols.withRawPrediction(c);
        return self();
    }

    /** The names of the columns the model adds. */
    final OutputCols outputCols() {
        return outputCols;
    }

    /** Sets them (for the subclass's own output columns). */
    final void outputCols(OutputCols cols) {
        this.outputCols = cols;
    }
}
