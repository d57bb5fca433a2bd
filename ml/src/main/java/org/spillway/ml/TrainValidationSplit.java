package org.spillway.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.spillway.frame.DataFrame;

/**
 * Hyperparameter search on one held-out split, as Spark's {@code TrainValidationSplit}: the frame is
 * split at random into a training share ({@code trainRatio}, default 0.75) and a validation share;
 * for every grid point the estimator built for that point is fitted on the training share and its
 * predictions on the validation share are scored by the evaluator's metric.
 *
 * <pre>{@code
 * var grid = new ParamGridBuilder().addGrid("regParam", 0.0, 0.01, 0.1).build();
 * var search = new TrainValidationSplit<>(p -> new LogisticRegression().regParam(p.getDouble("regParam")), grid,
 *         new BinaryClassificationEvaluator());
 * var result = search.fit(train);     // result.bestParams(), result.bestModel(), result.points()
 * }</pre>
 *
 * <p>It is a {@link Tuner} over the grid's points under FIFO (no early stopping), each trial fitted
 * to its learner's own end and scored once: up to {@link #parallelism(int)} points are fitted at
 * once (default 1, as Spark's {@code parallelism}), sharing the session's pool and memory budget
 * as the tuner's trials do. A point whose fit fails fails the search with its exception.
 *
 * <p>Cost: the split (one pass, the data stored once more), then one fit and one evaluation per grid
 * point. Only the best point's model is kept; it is the one trained on the training share.
 *
 * @param <M> the model type
 */
public final class TrainValidationSplit<M extends Model> {
    private final Function<ParamMap, ? extends Estimator<M>> estimator;
    private final List<ParamMap> grid;
    private final Evaluator<?> evaluator;
    private double trainRatio = 0.75;
    private long seed = 42;
    private int parallelism = 1;

    /**
     * @param estimator builds the estimator of a grid point (a learner, or a whole pipeline)
     * @param grid      the grid points
     * @param evaluator scores the validation predictions with its {@code metricName}
     */
    public TrainValidationSplit(Function<ParamMap, ? extends Estimator<M>> estimator, List<ParamMap> grid, Evaluator<?> evaluator) {
        this.estimator = Objects.requireNonNull(estimator, "estimator");
        this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
        if (grid.isEmpty()) {
            throw new MlException("TrainValidationSplit: the grid is empty");
        }
        this.grid = List.copyOf(grid);
    }

    /** The training share, in (0, 1); default 0.75. */
    public TrainValidationSplit<M> trainRatio(double r) {
        if (!(r > 0 && r < 1)) {
            throw new MlException("Parameter trainRatio = " + r + " is invalid: it must be within (0, 1)");
        }
        this.trainRatio = r;
        return this;
    }

    /** The seed of the split; default 42. */
    public TrainValidationSplit<M> seed(long s) {
        this.seed = s;
        return this;
    }

    /** The most grid points fitted at once, at least 1; default 1 (the results do not depend on it). */
    public TrainValidationSplit<M> parallelism(int k) {
        if (k < 1) {
            throw new MlException("Parameter parallelism = " + k + " is invalid: it must be >= 1");
        }
        this.parallelism = k;
        return this;
    }

    /** Runs the search. */
    public TuningResult<M> fit(DataFrame frame) {
        DataFrame[] parts = frame.randomSplit(new double[] {trainRatio, 1 - trainRatio}, seed);
        try {
            Tuner tuner = gridTuner(estimator, grid, evaluator, parallelism);
            TuneResults r = tuner.fit(parts[0], parts[1]);
            List<TuningResult.Point> points = pointsOf(tuner, r, grid);
            return TuningResult.pick(evaluator.metricName(), evaluator.isLargerBetter(), points, p -> bestModel(r));
        } finally {
            for (DataFrame d : parts) {
                d.unpersist();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private M bestModel(TuneResults r) {
        return (M) r.best().model();
    }

    /** A tuner over the grid's points: FIFO, each fitted to its end and scored once, no progress lines. */
    static Tuner gridTuner(Function<ParamMap, ? extends Estimator<?>> estimator, List<ParamMap> grid, Evaluator<?> evaluator,
                           int parallelism) {
        return new Tuner(estimator, evaluator).points(grid).scoreOnce().scheduler(Schedulers.fifo())
                .maxConcurrentTrials(parallelism).verbose(false);
    }

    /** Each grid point with its trial's metric, in grid order; the first failed point's exception is rethrown. */
    static List<TuningResult.Point> pointsOf(Tuner tuner, TuneResults r, List<ParamMap> grid) {
        List<TuningResult.Point> points = new ArrayList<>();
        for (TuneResults.Trial t : r.trials()) {
            if (t.error() != null) {
                Throwable e = tuner.failure(t.id());
                if (e instanceof RuntimeException re) {
                    throw re;
                }
                if (e instanceof Error err) {
                    throw err;
                }
                throw new MlException("Grid point " + grid.get(t.id()) + " failed: " + t.error());
            }
            points.add(new TuningResult.Point(grid.get(t.id()), t.metric()));
        }
        return points;
    }
}
