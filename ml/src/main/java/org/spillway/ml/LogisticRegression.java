package org.spillway.ml;

import java.util.List;
import org.spillway.frame.DataFrame;
import org.spillway.ml.linear.LinearEstimator;
import org.spillway.ml.linear.LinearFitter;
import org.spillway.ml.linear.Loss;
import org.spillway.ml.linear.TrainingSet;

/**
 * Logistic regression, binary or multinomial (softmax), as Spark MLlib's: labels 0/1 (binary) or
 * 0..K-1 (multinomial), trained out of core by L-BFGS, OWL-QN (with an L1 term) or mini-batch SGD.
 *
 * <pre>{@code
 * var model = new LogisticRegression().maxIter(100).regParam(1e-3).fit(train);
 * model.transform(test)    // adds rawPrediction, probability, prediction
 * }</pre>
 *
 * <p>The objective is the weighted mean log loss plus the elastic-net penalty (see
 * {@link LinearEstimator}); the intercept starts at the label's log-odds. Cost per L-BFGS iteration:
 * usually one parallel pass over the training chunks (more when the line search needs them); memory:
 * one chunk's rows of heap arrays per worker plus about 20 vectors of the model's size.
 * {@code family} is {@code "auto"} (binary for two classes, else multinomial; the default),
 * {@code "binomial"} or {@code "multinomial"}.
 */
public final class LogisticRegression extends LinearClassifier<LogisticRegression, LogisticRegressionModel> {
    private static final List<String> FAMILIES = List.of("auto", "binomial", "multinomial");
    private String family = "auto";
    private double threshold = 0.5;

    /** A learner with the defaults of {@link LinearEstimator}, family "auto" and threshold 0.5. */
    public LogisticRegression() {
    }

    /** {@code "auto"}, {@code "binomial"} or {@code "multinomial"}. */
    public LogisticRegression family(String f) {
        if (!FAMILIES.contains(f)) {
            throw new MlException("Parameter family = " + f + " is invalid: it must be one of " + FAMILIES);
        }
        this.family = f;
        return this;
    }

    /** The probability above which a binary model predicts 1; default 0.5. */
    public LogisticRegression threshold(double t) {
        if (!(t >= 0 && t <= 1)) {
            throw new MlException("Parameter threshold = " + t + " is invalid: it must be within [0, 1]");
        }
        this.threshold = t;
        return this;
    }

    /** The name of the probability column (prefix {@code name_k} for K classes); default {@code probability}. */
    public LogisticRegression probabilityCol(String c) {
        outputCols(outputCols().withProbability(c));
        return this;
    }

    @Override
    protected String name() {
        return "LogisticRegression";
    }

    @Override
    public LogisticRegressionModel fit(DataFrame frame) {
        TrainingSet.LabelKind kind = family.equals("binomial") ? TrainingSet.LabelKind.BINARY : TrainingSet.LabelKind.MULTICLASS;
        return train(frame, kind, (ts, val, p, listener) -> {
            int classes = ts.numClasses();
            boolean binary = family.equals("binomial") || (family.equals("auto") && classes == 2);
            double[] cw = ts.classWeights();
            LinearFitter.Fit fit;
            if (binary) {
                double start = Math.log(cw[1] / cw[0]);
                fit = LinearFitter.fit(ts, Loss.LOGISTIC, 1, p, new double[] {start}, listener, val, f -> model(f, ts, 2));
            } else {
                double[] start = new double[classes];
                for (int c = 0; c < classes; c++) {
                    start[c] = Math.log((cw[c] + 0.5) / (ts.weightSum() + 0.5 * classes));
                }
                fit = LinearFitter.fit(ts, null, classes, p, start, listener, val, f -> model(f, ts, classes));
            }
            return model(fit, ts, binary ? 2 : classes);
        });
    }

    private LogisticRegressionModel model(LinearFitter.Fit fit, TrainingSet ts, int classes) {
        return new LogisticRegressionModel(LinearFitResults.data(fit, ts), LinearFitResults.summary(fit, ts), classes, threshold,
                outputCols());
    }
}
