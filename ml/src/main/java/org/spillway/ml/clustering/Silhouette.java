package org.spillway.ml.clustering;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.spillway.frame.DataFrame;
import org.spillway.ml.MlException;
import org.spillway.ml.linear.Vectors;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;

/**
 * The mean silhouette with squared euclidean distances, as Spark's {@code ClusteringEvaluator}
 * (Spark's default), in O(n k d) rather than O(n^2 d) by Spark's trick: the mean squared distance
 * from a point {@code x} to the points of cluster {@code C} is
 * {@code |x|^2 + Psi_C / n_C - 2 x . Y_C / n_C} with {@code n_C} the cluster's size, {@code Y_C} the
 * sum of its points and {@code Psi_C} the sum of their squared norms. So one pass sums
 * {@code n_C, Y_C, Psi_C} per cluster and a second computes each point's
 * {@code s = (b - a) / max(a, b)}, where {@code a} is its mean squared distance to the other points of
 * its cluster and {@code b} the smallest mean squared distance to another cluster's points; a point
 * alone in its cluster has {@code s = 0}. Both passes add chunk results in chunk order, so the value
 * is the same at any parallelism.
 */
public final class Silhouette {
    /** The largest cluster id accepted (ids index dense arrays). */
    public static final int MAX_CLUSTER_ID = 1 << 20;

    private Silhouette() {
    }

    /**
     * The result.
     *
     * @param silhouette the mean silhouette over all rows
     * @param rows       rows
     * @param clusters   non-empty clusters
     */
    public record Result(double silhouette, long rows, int clusters) {
    }

    private static final class Aggregates {
        int d;
        long rows;
        long[] count = new long[0];
        double[] sum = new double[0];
        double[] sq = new double[0];
        String problem;
        long problemRow = -1;

        void grow(int k) {
            if (k > count.length) {
                count = Arrays.copyOf(count, k);
                sum = Arrays.copyOf(sum, k * d);
                sq = Arrays.copyOf(sq, k);
            }
        }

        void addLater(Aggregates o) {
            if (problem == null && o.problem != null) {
                problem = o.problem;
                problemRow = rows + o.problemRow;
            }
            rows += o.rows;
            grow(o.count.length);
            for (int c = 0; c < o.count.length; c++) {
                count[c] += o.count[c];
                sq[c] += o.sq[c];
            }
            for (int i = 0; i < o.sum.length; i++) {
                sum[i] += o.sum[i];
            }
        }
    }

    /**
     * Computes the silhouette of {@code frame}'s rows.
     *
     * @param frame      the rows (collected first if not already, so the two passes read stored chunks)
     * @param features   the feature columns
     * @param prediction the cluster id column (int32 or int64, {@code 0 <= id <= MAX_CLUSTER_ID})
     * @param name       the evaluator's name, which starts messages
     */
    public static Result compute(DataFrame frame, List<String> features, String prediction, String name) {
        List<String> cols = new ArrayList<>(features);
        cols.add(prediction);
        DataFrame data = frame.isCollected() ? frame : frame.select(cols.toArray(String[]::new)).collect();
        try {
            int d = features.size();
            Aggregates total = new Aggregates();
            total.d = d;
            data.mapChunksOrdered(c -> aggregate(c, features, prediction), total::addLater);
            if (total.problem != null) {
                throw new MlException(String.format(Locale.ROOT, "%s: %s at row %,d (counting from 0)", name, total.problem,
                        total.problemRow));
            }
            if (total.rows == 0) {
                throw new MlException(name + ": the frame has no rows; evaluate the predictions of a non-empty frame");
            }
            int clusters = 0;
            for (long n : total.count) {
                clusters += n > 0 ? 1 : 0;
            }
            if (clusters < 2) {
                throw new MlException(name + ": every one of the " + String.format(Locale.ROOT, "%,d", total.rows)
                        + " rows is in one cluster; the silhouette needs at least two clusters");
            }
            int k = total.count.length;
            double[][] means = new double[k][d];
            double[] psi = new double[k];
            for (int c = 0; c < k; c++) {
                if (total.count[c] > 0) {
                    for (int j = 0; j < d; j++) {
                        means[c][j] = total.sum[c * d + j] / total.count[c];
                    }
                    psi[c] = total.sq[c] / total.count[c];
                }
            }
            Centers centers = new Centers(means);
            double[] s = {0};
            data.mapChunksOrdered(c -> score(c, features, prediction, centers, psi, total.count), v -> s[0] += v);
            return new Result(s[0] / total.rows, total.rows, clusters);
        } finally {
            if (data != frame) {
                data.unpersist();
            }
        }
    }

    private static ColumnVector[] vectors(Chunk c, List<String> features) {
        ColumnVector[] v = new ColumnVector[features.size()];
        for (int j = 0; j < v.length; j++) {
            v[j] = c.column(features.get(j));
        }
        return v;
    }

    private static Aggregates aggregate(Chunk chunk, List<String> features, String prediction) {
        int n = chunk.rows();
        int d = features.size();
        Aggregates a = new Aggregates();
        a.d = d;
        a.rows = n;
        ColumnVector[] cols = vectors(chunk, features);
        ColumnVector pv = chunk.column(prediction);
        for (int j = 0; j < d; j++) {
            if (cols[j].hasNulls()) {
                for (int i = 0; i < n; i++) {
                    if (cols[j].isNull(i)) {
                        return problem(a, i, "the feature column '" + features.get(j) + "' holds null; drop those rows first");
                    }
                }
            }
        }
        if (pv.hasNulls()) {
            for (int i = 0; i < n; i++) {
                if (pv.isNull(i)) {
                    return problem(a, i, "the prediction column '" + prediction + "' holds null; drop those rows first");
                }
            }
        }
        double[] id = new double[n];
        Vectors.readDoubles(pv, id, n);
        int max = -1;
        for (int i = 0; i < n; i++) {
            if (!(id[i] >= 0 && id[i] <= MAX_CLUSTER_ID)) {
                return problem(a, i, "the prediction column '" + prediction + "' holds cluster " + (long) id[i]
                        + "; cluster ids must be within [0, " + MAX_CLUSTER_ID + "]");
            }
            max = Math.max(max, (int) id[i]);
        }
        a.grow(max + 1);
        Tile t = new Tile(d);
        for (int from = 0; from < n; from += Tile.ROWS) {
            t.read(cols, from, Math.min(Tile.ROWS, n - from));
            for (int j = 0; j < d; j++) {
                double[] xj = t.x[j];
                for (int i = 0; i < t.n; i++) {
                    if (!Double.isFinite(xj[i])) {
                        return problem(a, from + i, "the feature column '" + features.get(j) + "' holds " + xj[i]
                                + "; features must be finite");
                    }
                    a.sum[(int) id[from + i] * d + j] += xj[i];
                }
            }
            for (int i = 0; i < t.n; i++) {
                int c = (int) id[from + i];
                a.count[c]++;
                a.sq[c] += t.squaredNorm(i);
            }
        }
        return a;
    }

    private static Aggregates problem(Aggregates a, int row, String message) {
        a.problem = message;
        a.problemRow = row;
        return a;
    }

    private static double score(Chunk chunk, List<String> features, String prediction, Centers means, double[] psi, long[] count) {
        int n = chunk.rows();
        int d = features.size();
        ColumnVector[] cols = vectors(chunk, features);
        double[] id = new double[n];
        Vectors.readDoubles(chunk.column(prediction), id, n);
        Tile t = new Tile(d);
        double[] own = new double[Tile.ROWS];
        double[] other = new double[Tile.ROWS];
        double[] norm = new double[Tile.ROWS];
        double sum = 0;
        for (int from = 0; from < n; from += Tile.ROWS) {
            t.read(cols, from, Math.min(Tile.ROWS, n - from));
            Arrays.fill(other, Double.POSITIVE_INFINITY);
            for (int i = 0; i < t.n; i++) {
                norm[i] = t.squaredNorm(i);
            }
            for (int c = 0; c < count.length; c++) {
                if (count[c] == 0) {
                    continue;
                }
                means.dots(t, c);
                for (int i = 0; i < t.n; i++) {
                    double v = norm[i] + psi[c] - 2 * t.dot[i];
                    if ((int) id[from + i] == c) {
                        own[i] = v;
                    } else if (v < other[i]) {
                        other[i] = v;
                    }
                }
            }
            for (int i = 0; i < t.n; i++) {
                long size = count[(int) id[from + i]];
                if (size == 1) {
                    continue; // a point alone in its cluster has silhouette 0
                }
                double a = Math.max(0, own[i]) * size / (size - 1);
                double b = Math.max(0, other[i]);
                if (a < b) {
                    sum += 1 - a / b;
                } else if (a > b) {
                    sum += b / a - 1;
                }
            }
        }
        return sum;
    }
}
