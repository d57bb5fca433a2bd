package org.spillway.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.spillway.frame.DataFrame;

/**
 * K-fold cross-validation over a hyperparameter grid, as Spark's {@code CrossValidator}: the frame is
 * dealt at random into {@code numFolds} folds (default 3); for every grid point and fold the
 * estimator is fitted on the other folds and scored on that one; a point's metric is the mean over
 * folds. The best point's estimator is then fitted again on the whole frame.
 *
 * <p>Each fold is a {@link Tuner} run over the grid's points under FIFO (no early stopping), each
 * trial fitted to its learner's own end and scored once on the held-out fold: up to
 * {@link #parallelism(int)} points are fitted at once (default 1, as Spark's {@code parallelism}),
 * sharing the session's pool and memory budget. A point whose fit fails fails the search with its
 * exception.
 *
 * <p>Cost: the split (one pass, the data stored once more), then per fold the union of the other
 * folds collected once (spilling like any frame) and shared by the grid's fits, {@code numFolds}
 * fits and evaluations per grid point, plus the final fit.
 *
 * @param <M> the model type
 */
public final class CrossValidator<M extends Model> {
    private final Function<ParamMap, ? extends Estimator<M>> estimator;
    private final List<ParamMap> grid;
    private final Evaluator<?> evaluator;
    private int numFolds = 3;
    private long seed = 42;
    private int parallelism = 1;

    /**
     * @param estimator builds the estimator of a grid point (a learner, or a whole pipeline)
     * @param grid      the grid points
     * @param evaluator scores each held-out fold with its {@code metricName}
     */
    public CrossValidator(Function<ParamMap, ? extends Estimator<M>> estimator, List<ParamMap> grid, Evaluator<?> evaluator) {
        this.estimator = Objects.requireNonNull(estimator, "estimator");
        this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
        if (grid.isEmpty()) {
            throw new MlException("CrossValidator: the grid is empty");
        }
        this.grid = List.copyOf(grid);
    }

    /** The number of folds, at least 2; default 3. */
    public CrossValidator<M> numFolds(int k) {
        if (k < 2) {
            throw new MlException("Parameter numFolds = " + k + " is invalid: it must be >= 2");
        }
        this.numFolds = k;
        return this;
    }

    /** The seed of the folds; default 42. */
    public CrossValidator<M> seed(long s) {
        this.seed = s;
        return this;
    }

    /** The most grid points fitted at once, at least 1; default 1 (the results do not depend on it). */
    public CrossValidator<M> parallelism(int k) {
        if (k < 1) {
            throw new MlException("Parameter parallelism = " + k + " is invalid: it must be >= 1");
        }
        this.parallelism = k;
        return this;
    }

    /** Runs the search and refits the best point on all of {@code frame}. */
    public TuningResult<M> fit(DataFrame frame) {
        double[] w = new double[numFolds];
        Arrays.fill(w, 1);
        DataFrame[] folds = frame.randomSplit(w, seed);
        try {
            double[] sum = new double[grid.size()];
            for (int f = 0; f < numFolds; f++) {
                DataFrame train = null;
                for (int g = 0; g < numFolds; g++) {
                    if (g != f) {
                        train = train == null ? folds[g] : train.union(folds[g]);
                    }
                }
                Tuner tuner = TrainValidationSplit.gridTuner(estimator, grid, evaluator, parallelism);
                List<TuningResult.Point> fold = TrainValidationSplit.pointsOf(tuner, tuner.fit(train, folds[f]), grid);
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += fold.get(i).metric();
                }
            }
            List<TuningResult.Point> points = new ArrayList<>();
            for (int i = 0; i < sum.length; i++) {
                points.add(new TuningResult.Point(grid.get(i), sum[i] / numFolds));
            }
            return TuningResult.pick(evaluator.metricName(), evaluator.isLargerBetter(), points, p -> estimator.apply(p).fit(frame));
        } finally {
            for (DataFrame d : folds) {
                d.unpersist();
            }
        }
    }
}
