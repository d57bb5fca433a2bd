package org.spillway.ml;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * <p>Cost: the split (one pass, the data stored once more), then one fit and one evaluation per grid
 * point. The best model is the one trained on the training share.
 *
 * @param <M> the model type
 */
public final class TrainValidationSplit<M extends Model> {
    private final Function<ParamMap, ? extends Estimator<M>> estimator;
    private final List<ParamMap> grid;
    private final Evaluator<?> evaluator;
    private double trainRatio = 0.75;
    private long seed = 42;

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

    /** Runs the search. */
    public TuningResult<M> fit(DataFrame frame) {
        DataFrame[] parts = frame.randomSplit(new double[] {trainRatio, 1 - trainRatio}, seed);
        try {
            List<TuningResult.Point> points = new ArrayList<>();
            Map<ParamMap, M> models = new HashMap<>();
            for (ParamMap p : grid) {
                M m = estimator.apply(p).fit(parts[0]);
                models.put(p, m);
                points.add(new TuningResult.Point(p, evaluator.metric(m.transform(parts[1]))));
            }
            return TuningResult.pick(evaluator.metricName(), evaluator.isLargerBetter(), points, models::get);
        } finally {
            for (DataFrame d : parts) {
                d.unpersist();
            }
        }
    }
}
