package org.spillway.ml;

import org.spillway.ml.linear.LinearFitter;
import org.spillway.ml.linear.LinearModelData;
import org.spillway.ml.linear.TrainingSet;
import org.spillway.ml.linear.TrainingSummary;

/** What a linear model keeps of a {@link LinearFitter.Fit}: its coefficients and how training went. */
final class LinearFitResults {
    private LinearFitResults() {
    }

    /** The fitted coefficients and intercepts, over the training set's feature layout. */
    static LinearModelData data(LinearFitter.Fit fit, TrainingSet ts) {
        return new LinearModelData(ts.layout(), fit.coefficients(), fit.intercepts());
    }

    /** The training summary; its passes count the one that prepared the training set. */
    static TrainingSummary summary(LinearFitter.Fit fit, TrainingSet ts) {
        return new TrainingSummary(fit.solver(), fit.iterations(), fit.passes() + 1, fit.converged(), fit.reason(), fit.history(),
                ts.rows(), fit.nanos() / 1e9);
    }
}
