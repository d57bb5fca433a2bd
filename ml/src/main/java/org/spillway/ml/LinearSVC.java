package org.spillway.ml;

import org.spillway.frame.DataFrame;
import org.spillway.ml.linear.LinearEstimator;
import org.spillway.ml.linear.LinearFitter;
import org.spillway.ml.linear.Loss;
import org.spillway.ml.linear.TrainingSet;

/**
 * A linear support vector machine for labels 0/1: minimises the weighted mean hinge loss
 * {@code max(0, 1 - s m)} (with {@code s = 2y - 1}) plus {@code regParam / 2 |beta|^2}, as Spark's
 * {@code LinearSVC}. The hinge loss has a kink, so L-BFGS works with its subgradient (as Spark does)
 * and stops when the objective no longer decreases; {@code solver("sgd")} streams mini-batches.
 * Only L2 regularization is offered ({@code elasticNetParam} must stay 0).
 */
public final class LinearSVC extends LinearClassifier<LinearSVC, LinearSVCModel> {
    private double threshold = 0.0;

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
            LinearFitter.Fit fit = LinearFitter.fit(ts, Loss.HINGE, 1, p, null, listener, val,
                    f -> new LinearSVCModel(LinearFitResults.data(f, ts), LinearFitResults.summary(f, ts), threshold, outputCols()));
            return new LinearSVCModel(LinearFitResults.data(fit, ts), LinearFitResults.summary(fit, ts), threshold, outputCols());
        });
    }
}
