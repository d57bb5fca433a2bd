package org.spillway.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.spillway.frame.ColumnNotFoundException;
import org.spillway.frame.DataFrame;
import org.spillway.ml.clustering.Points;
import org.spillway.ml.clustering.Silhouette;
import org.spillway.spill.DataType;

/**
 * Evaluates a clustering, as Spark's {@code ClusteringEvaluator}: the mean silhouette of the rows
 * with squared euclidean distances (Spark's default, and the only measure here). The frame holds the
 * feature columns ({@link #featuresCols}, default every column but the prediction) and the cluster
 * of each row ({@link #predictionCol}, default {@code prediction}, int32 or int64 from 0), as
 * {@link KMeansModel#transform} leaves them.
 *
 * <pre>{@code
 * double s = new ClusteringEvaluator().featuresCols("x0", "x1").evaluate(model.transform(frame)).silhouette();
 * }</pre>
 *
 * <p>A row's silhouette is {@code (b - a) / max(a, b)} where {@code a} is its mean squared distance
 * to the other rows of its cluster and {@code b} the smallest mean squared distance to the rows of
 * another cluster; a row alone in its cluster scores 0. Cost: the frame is collected (unless it is
 * already), then two parallel passes, O(rows x clusters x features) by Spark's per-cluster sums
 * (see {@link org.spillway.ml.clustering.Silhouette}), not O(rows^2). Null, NaN or infinite features
 * and null or negative cluster ids are errors naming the column and row; at least two clusters must
 * be non-empty. Larger is better.
 */
public final class ClusteringEvaluator implements Evaluator<ClusteringMetrics> {
    private static final String NAME = "ClusteringEvaluator";
    private List<String> featuresCols;
    private String predictionCol = "prediction";

    /** An evaluator with the defaults: every column but {@code prediction} as features, the silhouette. */
    public ClusteringEvaluator() {
    }

    /** The feature columns; default every column but the prediction. */
    public ClusteringEvaluator featuresCols(String... cols) {
        if (cols.length == 0) {
            throw new MlException("Parameter featuresCols = () is invalid: name at least one column");
        }
        this.featuresCols = List.of(cols);
        return this;
    }

    /** The cluster id column; default {@code prediction}. */
    public ClusteringEvaluator predictionCol(String c) {
        this.predictionCol = Objects.requireNonNull(c, "predictionCol");
        return this;
    }

    /** Only {@code "silhouette"}. */
    public ClusteringEvaluator metricName(String m) {
        if (!"silhouette".equals(m)) {
            throw new MlException(NAME + ": unknown metric '" + m + "'; use \"silhouette\"");
        }
        return this;
    }

    /** Only {@code "squaredEuclidean"} (Spark's default) is supported. */
    public ClusteringEvaluator distanceMeasure(String m) {
        if (!"squaredEuclidean".equals(m)) {
            throw new MlException(NAME + ": distanceMeasure '" + m + "' is not supported; only \"squaredEuclidean\" is");
        }
        return this;
    }

    @Override
    public String metricName() {
        return "silhouette";
    }

    @Override
    public boolean isLargerBetter() {
        return true;
    }

    @Override
    public ClusteringMetrics evaluate(DataFrame predictions) {
        Objects.requireNonNull(predictions, "predictions");
        var schema = predictions.schema();
        if (!schema.contains(predictionCol)) {
            throw new ColumnNotFoundException(predictionCol, schema.names());
        }
        DataType pt = schema.type(schema.indexOf(predictionCol));
        if (pt != DataType.INT32 && pt != DataType.INT64) {
            throw new MlException(NAME + ": the prediction column '" + predictionCol + "' is " + pt
                    + "; it must hold cluster ids as int32 or int64 (set it with predictionCol(...))");
        }
        List<String> cols = featuresCols;
        if (cols == null) {
            cols = new ArrayList<>(schema.names());
            cols.remove(predictionCol);
        } else if (cols.contains(predictionCol)) {
            throw new MlException(NAME + ": the prediction column '" + predictionCol + "' cannot also be a feature");
        }
        Points.checkColumns(schema, cols, NAME);
        Silhouette.Result r = Silhouette.compute(predictions, cols, predictionCol, NAME);
        return new ClusteringMetrics(r.silhouette(), r.rows(), r.clusters());
    }

    @Override
    public String toString() {
        return NAME + "(silhouette, features " + (featuresCols == null ? "all but " + predictionCol : featuresCols) + ")";
    }
}
