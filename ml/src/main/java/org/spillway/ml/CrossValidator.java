package org.spillway.ml;

import java.util.ArrayList;
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
 * <p>Cost: the split (one pass, the data stored once more), then {@code numFolds} fits and
 * evaluations per grid point, plus the final fit; each training set of the other folds is collected
 * by its learner (spilling like any frame).
 *
 * @param <M> the model type
 */
public final class CrossValidator<M extends Model> {
    private final Function<ParamMap, ? extends Estimator<M>> estimator;
    private final List<ParamMap> grid;
    private final Evaluator<?> evaluator;
    private int numFolds = 3;
    private long seed = 42;

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

    /** Runs the search and refits the best point on all of {@code frame}. */
    public TuningResult<M> fit(DataFrame frame) {
        double[] w = new double[numFolds];
        java.util.Arrays.fill(w, 1);
        DataFrame[] folds = frame.randomSplit(w, seed);
        try {
            List<TuningResult.Point> points = new ArrayList<>();
            for (ParamMap p : grid) {
                double sum = 0;
                for (int f = 0; f < numFolds; f++) {
                    DataFrame train = null;
                    for (int g = 0; g < numFolds; g++) {
                        if (g != f) {
                            train = train == null ? folds[g] : train.union(folds[g]);
                        }
                    }
                    M m = estimator.apply(p).fit(train);
                    sum += evaluator.metric(m.transform(folds[f]));
                }
                points.add(new TuningResult.Point(p, sum / numFolds));
            }
            return TuningResult.pick(evaluator.metricName(), evaluator.isLargerBetter(), points, p -> estimator.apply(p).fit(frame));
        } finally {
            for (DataFrame d : folds) {
                d.unpersist();
            }
        }
    }
}
