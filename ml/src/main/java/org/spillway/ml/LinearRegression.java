package org.spillway.ml;

import org.spillway.frame.DataFrame;
import org.spillway.ml.linear.LinearEstimator;
import org.spillway.ml.linear.LinearFitter;
import org.spillway.ml.linear.Loss;
import org.spillway.ml.linear.TrainingSet;

/**
 * Linear regression by least squares, with ridge (L2), lasso (L1) or elastic-net regularization,
 * trained out of core. The objective is
 * {@code (1 / 2W) sum_i w_i (y_i - b - x_i . beta)^2 + regParam * ((1 - a) / 2 |beta|^2 + a |beta|_1)}
 * with {@code a = elasticNetParam} and {@code beta} on the standardized features when
 * {@code standardization} is on (the label is not scaled). L-BFGS, or OWL-QN when {@code a > 0},
 * make one parallel pass over the data per evaluation; {@code solver("sgd")} streams mini-batches.
 *
 * <pre>{@code
 * var model = new LinearRegression().regParam(0.1).elasticNetParam(1.0).fit(train);   // lasso
 * model.coefficientMap();           // exact zeros for dropped features
 * model.transform(test);            // adds prediction
 * }</pre>
 */
public final class LinearRegression extends LinearEstimator<LinearRegression, LinearRegressionModel> {
    private String predictionCol = "prediction";

    /** A learner with the defaults of {@link LinearEstimator}. */
    public LinearRegression() {
    }

    /** The name of the column the model adds; default {@code prediction}. */
    public LinearRegression predictionCol(String c) {
        this.predictionCol = java.util.Objects.requireNonNull(c, "predictionCol");
        return this;
    }

    @Override
    protected String name() {
        return "LinearRegression";
    }

    @Override
    public LinearRegressionModel fit(DataFrame frame) {
        return train(frame, TrainingSet.LabelKind.REAL, (ts, val, p, listener) -> {
            LinearFitter.Fit fit = LinearFitter.fit(ts, Loss.SQUARED, 1, p, new double[] {ts.labelMean()}, listener, val,
                    f -> new LinearRegressionModel(LinearFitResults.data(f, ts), LinearFitResults.summary(f, ts), predictionCol));
            return new LinearRegressionModel(LinearFitResults.data(fit, ts), LinearFitResults.summary(fit, ts), predictionCol);
        });
    }
}
