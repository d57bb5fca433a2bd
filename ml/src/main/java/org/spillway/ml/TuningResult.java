package org.spillway.ml;

import java.util.List;
import java.util.Locale;

/**
 * What a hyperparameter search found: the validation metric of every grid point, the best point
 * and its model.
 *
 * @param <M> the model type
 * @param metricName    the evaluator's metric
 * @param largerIsBetter whether a larger metric is better
 * @param points        every grid point with its metric (averaged over folds for cross-validation), in grid order
 * @param bestParams    the best point
 * @param bestModel     its model (for {@link TrainValidationSplit}: trained on the training share; for
 *                      {@link CrossValidator}: refitted on all the data)
 */
public record TuningResult<M extends Model>(String metricName, boolean largerIsBetter, List<Point> points, ParamMap bestParams,
                                            M bestModel) {
    /**
     * One grid point.
     *
     * @param params the parameters
     * @param metric the validation metric
     */
    public record Point(ParamMap params, double metric) {
    }

    /** Freezes the points. */
    public TuningResult {
        points = List.copyOf(points);
    }

    /** The best point's metric. */
    public double bestMetric() {
        return points.stream().filter(p -> p.params.equals(bestParams)).findFirst().orElseThrow().metric;
    }

    /** One line per grid point, the best marked. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Point p : points) {
            sb.append(String.format(Locale.ROOT, "%s %s: %s = %.6f%n", p.params.equals(bestParams) ? "*" : " ", p.params, metricName,
                    p.metric));
        }
        return sb.append(largerIsBetter ? "(larger is better; * marks the best)" : "(smaller is better; * marks the best)").toString();
    }

    static <M extends Model> TuningResult<M> pick(String metricName, boolean larger, List<Point> points,
                                                  java.util.function.Function<ParamMap, M> modelOf) {
        Point best = null;
        for (Point p : points) {
            if (Double.isNaN(p.metric)) {
                continue;
            }
            if (best == null || (larger ? p.metric > best.metric : p.metric < best.metric)) {
                best = p;
            }
        }
        if (best == null) {
            throw new MlException("Every grid point gave an undefined (NaN) " + metricName + "; check the validation data");
        }
        return new TuningResult<>(metricName, larger, points, best.params, modelOf.apply(best.params));
    }
}
