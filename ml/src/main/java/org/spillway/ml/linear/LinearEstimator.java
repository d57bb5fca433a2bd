package org.spillway.ml.linear;

import java.util.List;
import org.spillway.frame.DataFrame;
import org.spillway.ml.Estimator;
import org.spillway.ml.Model;
import org.spillway.ml.optim.IterationListener;

/**
 * The parameters and training loop shared by the linear learners, with Spark MLlib's names and
 * defaults. Every setter validates its value and returns this learner.
 *
 * <p>The objective is {@code (1/W) sum_i w_i loss_i + regParam * ((1 - elasticNetParam) / 2 * |beta|^2
 * + elasticNetParam * |beta|_1)}, with the coefficients {@code beta} taken on the standardized
 * features when {@code standardization} is on (as in Spark and glmnet); the intercept is not
 * penalised. It is minimised by L-BFGS (OWL-QN when there is an L1 term), one parallel pass over
 * the data per objective evaluation, or by mini-batch SGD with Adam ({@code solver("sgd")}), one
 * pass per epoch.
 *
 * <p>Input: by default every column except the label and weight is a feature; numeric columns are
 * used as they are, one-hot and hashed columns (from {@code OneHotEncoder}, {@code FeatureHasher})
 * as their slots; a string column must be encoded first. The frame is collected once into the
 * session's chunk store (spilling past the memory limit) unless it is already collected.
 *
 * @param <S> the learner's own type, for fluent setters
 * @param <M> the model it learns
 */
public abstract class LinearEstimator<S extends LinearEstimator<S, M>, M extends Model> implements Estimator<M> {
    private LinearParams params = LinearParams.defaults();
    private IterationListener listener = IterationListener.NONE;
    private Boolean verbose;

    /** For subclasses. */
    protected LinearEstimator() {
    }

    @SuppressWarnings("unchecked")
    private S self() {
        return (S) this;
    }

    /** The current parameters. */
    public LinearParams params() {
        return params;
    }

    /** The maximum number of iterations (epochs for SGD); default 100. */
    public S maxIter(int n) {
        params = params.with(b -> {
            b.maxIter = n;
            return b;
        });
        return self();
    }

    /** The convergence tolerance; default 1e-6. L-BFGS stops when the gradient norm is below {@code tol * max(1, |theta|)}. */
    public S tol(double t) {
        params = params.with(b -> {
            b.tol = t;
            return b;
        });
        return self();
    }

    /** The regularization strength lambda; default 0 (none). */
    public S regParam(double r) {
        params = params.with(b -> {
            b.regParam = r;
            return b;
        });
        return self();
    }

    /** The elastic-net mix alpha: 0 is ridge (L2), 1 is lasso (L1); default 0. */
    public S elasticNetParam(double a) {
        params = params.with(b -> {
            b.elasticNetParam = a;
            return b;
        });
        return self();
    }

    /** Same as {@link #elasticNetParam}. */
    public S elasticNet(double a) {
        return elasticNetParam(a);
    }

    /** Whether to fit an intercept; default true. */
    public S fitIntercept(boolean f) {
        params = params.with(b -> {
            b.fitIntercept = f;
            return b;
        });
        return self();
    }

    /**
     * Whether to optimize over features scaled to unit variance (coefficients are reported on the
     * original scale either way); default true. It changes the solution only through the penalty.
     */
    public S standardization(boolean s) {
        params = params.with(b -> {
            b.standardization = s;
            return b;
        });
        return self();
    }

    /** {@code "auto"} (default: L-BFGS, or OWL-QN with L1), {@code "lbfgs"}, or {@code "sgd"} (mini-batch Adam). */
    public S solver(String s) {
        params = params.with(b -> {
            b.solver = s;
            return b;
        });
        return self();
    }

    /** Rows per SGD step; default 1024. */
    public S batchSize(int n) {
        params = params.with(b -> {
            b.batchSize = n;
            return b;
        });
        return self();
    }

    /** The SGD learning rate; default 0.01. */
    public S stepSize(double s) {
        params = params.with(b -> {
            b.stepSize = s;
            return b;
        });
        return self();
    }

    /** SGD learning rate by epoch e: {@code "constant"} (default), {@code "invsqrt"} (rate / sqrt(1 + e)), {@code "linear"} (to 0). */
    public S learningRateSchedule(String s) {
        params = params.with(b -> {
            b.learningRateSchedule = s;
            return b;
        });
        return self();
    }

    /** For SGD: hold out this share of rows and stop when their objective stops improving; default 0 (off). */
    public S validationFraction(double f) {
        params = params.with(b -> {
            b.validationFraction = f;
            return b;
        });
        return self();
    }

    /** For SGD early stopping: epochs without improvement before stopping; default 3. */
    public S patience(int n) {
        params = params.with(b -> {
            b.patience = n;
            return b;
        });
        return self();
    }

    /** The seed of SGD's shuffling and of the validation split; default 42. */
    public S seed(long s) {
        params = params.with(b -> {
            b.seed = s;
            return b;
        });
        return self();
    }

    /** The label column; default {@code "label"}. */
    public S labelCol(String c) {
        params = params.with(b -> {
            b.labelCol = c;
            return b;
        });
        return self();
    }

    /** A column of non-negative row weights; default none (all 1). */
    public S weightCol(String c) {
        params = params.with(b -> {
            b.weightCol = c;
            return b;
        });
        return self();
    }

    /** The feature columns; default every column but the label and weight. */
    public S featuresCols(String... cols) {
        List<String> list = List.of(cols);
        params = params.with(b -> {
            b.featuresCols = list;
            return b;
        });
        return self();
    }

    /** Receives every iteration (for custom progress output or loss curves). */
    public S listener(IterationListener l) {
        this.listener = l == null ? IterationListener.NONE : l;
        return self();
    }

    /**
     * Whether to print a line per iteration to standard error: true always, false never; by default
     * once training has run two seconds, when the session shows progress.
     */
    public S verbose(boolean v) {
        this.verbose = v;
        return self();
    }

    /** The learner's name in messages. */
    protected abstract String name();

    /** The listener to train with: the user's, plus progress lines. */
    protected IterationListener listenerFor(DataFrame frame) {
        boolean print = verbose != null ? verbose : frame.session().showsProgress();
        if (!print) {
            return listener;
        }
        ProgressPrinter p = new ProgressPrinter(name(), verbose != null && verbose, System.err);
        IterationListener user = listener;
        return it -> {
            user.onIteration(it);
            p.onIteration(it);
        };
    }

    /**
     * Prepares the training set (and, for SGD with a validation fraction, the held-out set), runs
     * {@code train} and frees what was collected.
     */
    protected M train(DataFrame frame, TrainingSet.LabelKind kind, Trainer<M> train) {
        LinearParams p = params;
        boolean holdOut = p.solver().equals("sgd") && p.validationFraction() > 0;
        DataFrame input = frame;
        DataFrame[] parts = null;
        if (holdOut) {
            parts = frame.randomSplit(new double[] {1 - p.validationFraction(), p.validationFraction()}, p.seed());
            input = parts[0];
        }
        try (TrainingSet ts = TrainingSet.prepare(input, p.labelCol(), p.weightCol(), p.featuresCols(), kind, name());
             TrainingSet val = holdOut ? TrainingSet.prepare(parts[1], p.labelCol(), p.weightCol(), ts.layout().columns(),
                     kind, name() + " (validation rows)") : null) {
            return train.train(ts, val, p, listenerFor(frame));
        } finally {
            if (parts != null) {
                for (DataFrame part : parts) {
                    part.unpersist();
                }
            }
        }
    }

    /** The learner-specific part of {@link #train}. */
    @FunctionalInterface
    protected interface Trainer<M> {
        /** Fits the model on {@code ts} (with {@code validation} rows for early stopping, or null). */
        M train(TrainingSet ts, TrainingSet validation, LinearParams p, IterationListener listener);
    }

    @Override
    public String toString() {
        return name() + params;
    }
}
