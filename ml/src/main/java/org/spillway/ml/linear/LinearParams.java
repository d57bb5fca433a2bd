package org.spillway.ml.linear;

import java.util.List;
import org.spillway.ml.MlException;

/**
 * The validated parameters of a linear learner (see {@link LinearEstimator} for each one's meaning
 * and default). Invalid values are rejected here, when set, with the parameter's name.
 *
 * @param maxIter            iterations (L-BFGS) or epochs (SGD)
 * @param tol                convergence tolerance
 * @param regParam           regularization strength (lambda)
 * @param elasticNetParam    the L1 share alpha in [0, 1]
 * @param fitIntercept       whether to fit an intercept
 * @param standardization    whether to scale features to unit variance while optimizing
 * @param solver             "auto", "lbfgs" or "sgd"
 * @param batchSize          rows per SGD step
 * @param stepSize           the SGD (Adam) learning rate
 * @param learningRateSchedule "constant", "invsqrt" or "linear"
 * @param validationFraction share of rows held out for SGD early stopping (0 = none)
 * @param patience           SGD epochs without validation improvement before stopping
 * @param seed               seed of SGD shuffling and the validation split
 * @param labelCol           the label column
 * @param weightCol          the weight column, or null
 * @param featuresCols       the feature columns, or null for all others
 */
public record LinearParams(int maxIter, double tol, double regParam, double elasticNetParam, boolean fitIntercept,
                           boolean standardization, String solver, int batchSize, double stepSize,
                           String learningRateSchedule, double validationFraction, int patience, long seed,
                           String labelCol, String weightCol, List<String> featuresCols) {
    /** Solvers by name. */
    public static final List<String> SOLVERS = List.of("auto", "lbfgs", "sgd");
    /** SGD learning-rate schedules by name. */
    public static final List<String> SCHEDULES = List.of("constant", "invsqrt", "linear");

    /** Checks every parameter. */
    public LinearParams {
        if (maxIter < 0) {
            throw bad("maxIter", maxIter, "must be >= 0");
        }
        if (!(tol >= 0)) {
            throw bad("tol", tol, "must be >= 0");
        }
        if (!(regParam >= 0) || Double.isInfinite(regParam)) {
            throw bad("regParam", regParam, "must be finite and >= 0");
        }
        if (!(elasticNetParam >= 0 && elasticNetParam <= 1)) {
            throw bad("elasticNetParam", elasticNetParam, "must be within [0, 1] (0 = L2 only, 1 = L1 only)");
        }
        if (!SOLVERS.contains(solver)) {
            throw bad("solver", solver, "must be one of " + SOLVERS);
        }
        if (batchSize < 1) {
            throw bad("batchSize", batchSize, "must be >= 1");
        }
        if (!(stepSize > 0) || Double.isInfinite(stepSize)) {
            throw bad("stepSize", stepSize, "must be finite and > 0");
        }
        if (!SCHEDULES.contains(learningRateSchedule)) {
            throw bad("learningRateSchedule", learningRateSchedule, "must be one of " + SCHEDULES);
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw bad("validationFraction", validationFraction, "must be within [0, 1)");
        }
        if (patience < 1) {
            throw bad("patience", patience, "must be >= 1");
        }
        if (labelCol == null || labelCol.isEmpty()) {
            throw bad("labelCol", labelCol, "must name a column");
        }
        featuresCols = featuresCols == null ? null : List.copyOf(featuresCols);
    }

    /** The defaults: 100 iterations, tol 1e-6, no regularization, intercept, standardization, L-BFGS. */
    public static LinearParams defaults() {
        return new LinearParams(100, 1e-6, 0, 0, true, true, "auto", 1024, 0.01, "constant", 0, 3, 42, "label", null, null);
    }

    private static MlException bad(String name, Object value, String rule) {
        return new MlException("Parameter " + name + " = " + value + " is invalid: it " + rule);
    }

    LinearParams with(java.util.function.UnaryOperator<Builder> f) {
        return f.apply(new Builder(this)).build();
    }

    /** A mutable copy used by the fluent setters. */
    static final class Builder {
        int maxIter;
        double tol;
        double regParam;
        double elasticNetParam;
        boolean fitIntercept;
        boolean standardization;
        String solver;
        int batchSize;
        double stepSize;
        String learningRateSchedule;
        double validationFraction;
        int patience;
        long seed;
        String labelCol;
        String weightCol;
        List<String> featuresCols;

        Builder(LinearParams p) {
            maxIter = p.maxIter;
            tol = p.tol;
            regParam = p.regParam;
            elasticNetParam = p.elasticNetParam;
            fitIntercept = p.fitIntercept;
            standardization = p.standardization;
            solver = p.solver;
            batchSize = p.batchSize;
            stepSize = p.stepSize;
            learningRateSchedule = p.learningRateSchedule;
            validationFraction = p.validationFraction;
            patience = p.patience;
            seed = p.seed;
            labelCol = p.labelCol;
            weightCol = p.weightCol;
            featuresCols = p.featuresCols;
        }

        LinearParams build() {
            return new LinearParams(maxIter, tol, regParam, elasticNetParam, fitIntercept, standardization, solver, batchSize,
                    stepSize, learningRateSchedule, validationFraction, patience, seed, labelCol, weightCol, featuresCols);
        }
    }
}
