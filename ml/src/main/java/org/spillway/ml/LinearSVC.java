package org.spillway.ml;

import org.spillway.frame.DataFrame;
import org.spillway.ml.linear.LinearEstimator;
import org.spillway.ml.linear.LinearFitter;
import org.spillway.ml.linear.LinearModelData;
import org.spillway.ml.linear.Loss;
import org.spillway.ml.linear.OutputCols;
import org.spillway.ml.linear.TrainingSet;
import org.spillway.ml.linear.TrainingSummary;

/**
 * A linear support vector machine for labels 0/1: minimises the weighted mean hinge loss
 * {@code max(0, 1 - s m)} (with {@code s = 2y - 1}) plus {@code regParam / 2 |beta|^2}, as Spark's
 * {@code LinearSVC}. The hinge loss has a kink, so L-BFGS works with its subgradient (as Spark does)
 * and stops when the objective no longer decreases; {@code solver("sgd")} streams mini-batches.
 * Only L2 regularization is offered ({@code elasticNetParam} must stay 0).
 */
public final class LinearSVC extends LinearEstimator<LinearSVC, LinearSVCModel> {
    private double threshold = 0.0;
    private OutputCols outputCols = OutputCols.DEFAULT;

    /** A learner with the defaults of {@link LinearEstimator} and threshold 0. */
    public LinearSVC() {
    }

    /** The margin above which the model predicts 1; default 0. */
    public LinearSVC threshold(double t) {
        if (!Double.isFinite(t)) {
            throw new MlException("Parameter threshold = " + t + " is invalid: it must be finite");
        }
        this.threshold = t;
        return this;
    }

    /** The name of the predicted-class column; default {@code prediction}. */
    public LinearSVC predictionCol(String c) {
        outputCols = outputCols.withPrediction(c);
        return this;
    }

    /** The name of the margin column; default {@code rawPrediction}. */
    public LinearSVC rawPredictionCol(String c) {
        outputCols = outputCols.withRawPrediction(c);
        return this;
    }

    @Override
    protected String name() {
        return "LinearSVC";
    }

    @Override
    public LinearSVCModel fit(DataFrame frame) {
        if (params().elasticNetParam() != 0) {
            throw new MlException("LinearSVC supports L2 regularization only; set elasticNetParam(0)");
        }
        return train(frame, TrainingSet.LabelKind.BINARY, (ts, val, p, listener) -> {
            LinearFitter.Fit fit = LinearFitter.fit(ts, Loss.HINGE, 1, p, null, listener, val);
            TrainingSummary summary = new TrainingSummary(fit.solver(), fit.iterations(), fit.passes() + 1, fit.converged(),
                    fit.reason(), fit.history(), ts.rows(), fit.nanos() / 1e9);
            return new LinearSVCModel(new LinearModelData(ts.layout(), fit.coefficients(), fit.intercepts()), summary,
                    threshold, outputCols);
        });
    }
}
