package org.spillway.ml;

import java.util.List;
import java.util.Objects;
import org.spillway.frame.DataFrame;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;

/**
 * Evaluates a regression model's predictions, as Spark's {@code RegressionEvaluator}: the frame
 * holds a numeric label column ({@link #labelCol}, default {@code label}) and a numeric prediction
 * column ({@link #predictionCol}, default {@code prediction}), and optionally a weight column
 * ({@link #weightCol}). Labels and predictions must be finite and not null.
 *
 * <p>Cost: one parallel pass. Each chunk computes its weighted means and sums of squared deviations
 * (of the label and of the residual) with two passes over its own values, and the chunks' results
 * are merged in row order with Chan's formula: accurate when the labels have a large mean and a
 * small spread, and the same at any number of workers.
 */
public final class RegressionEvaluator implements Evaluator<RegressionMetrics> {
    /** The metric names {@link #metricName(String)} accepts. */
    public static final List<String> METRICS = List.of("rmse", "mse", "mae", "r2", "explainedVariance");
    private static final String NAME = "RegressionEvaluator";

    private String labelCol = "label";
    private String predictionCol = "prediction";
    private String weightCol;
    private String metricName = "rmse";

    /** An evaluator with the defaults: label, prediction, rmse. */
    public RegressionEvaluator() {
    }

    /** The label column (default {@code label}). */
    public RegressionEvaluator labelCol(String name) {
        this.labelCol = Objects.requireNonNull(name, "labelCol");
        return this;
    }

    /** The prediction column (default {@code prediction}). */
    public RegressionEvaluator predictionCol(String name) {
        this.predictionCol = Objects.requireNonNull(name, "predictionCol");
        return this;
    }

    /** A column of non-negative row weights (default none); null clears it. */
    public RegressionEvaluator weightCol(String name) {
        this.weightCol = name;
        return this;
    }

    /** The metric {@link #metric} returns: one of {@link #METRICS} (default {@code rmse}). */
    public RegressionEvaluator metricName(String name) {
        if (!METRICS.contains(name)) {
            throw new MlException(NAME + ": unknown metric '" + name + "'; use one of " + METRICS);
        }
        this.metricName = name;
        return this;
    }

    /** The label column. */
    public String labelCol() {
        return labelCol;
    }

    /** The prediction column. */
    public String predictionCol() {
        return predictionCol;
    }

    /** The weight column, or null. */
    public String weightCol() {
        return weightCol;
    }

    @Override
    public String metricName() {
        return metricName;
    }

    @Override
    public boolean isLargerBetter() {
        return metricName.equals("r2") || metricName.equals("explainedVariance");
    }

    /**
     * The value of {@link #metricName()}.
     *
     * @throws MlException if it is r2 or the explained variance and every label is equal
     */
    @Override
    public double metric(DataFrame predictions) {
        RegressionMetrics m = evaluate(predictions);
        double v = m.get(metricName);
        if (Double.isNaN(v)) {
            throw new MlException(NAME + ": " + metricName + " is undefined because every label in column '" + labelCol
                    + "' is " + m.labelMean() + " (" + EvalColumns.count(m.count()) + " rows); use rmse or mae");
        }
        return v;
    }

    @Override
    public RegressionMetrics evaluate(DataFrame predictions) {
        Objects.requireNonNull(predictions, "predictions");
        EvalColumns.require(NAME, predictions, "label", labelCol, "labelCol", EvalColumns.NUMERIC);
        EvalColumns.require(NAME, predictions, "prediction", predictionCol, "predictionCol", EvalColumns.NUMERIC);
        if (weightCol != null) {
            EvalColumns.require(NAME, predictions, "weight", weightCol, "weightCol", EvalColumns.NUMERIC);
        }
        String[] cols = EvalColumns.distinct(labelCol, predictionCol, weightCol);
        List<String> names = List.of(cols);
        int li = names.indexOf(labelCol);
        int pi = names.indexOf(predictionCol);
        int wi = weightCol == null ? -1 : names.indexOf(weightCol);
        Moments total = new Moments();
        predictions.select(cols).mapChunksOrdered(c -> scan(c, li, pi, wi), total::addLater);
        total.problems.throwIfAny(NAME, kinds(), total.rows);
        if (total.rows == 0) {
            throw new MlException(NAME + ": the frame has no rows; evaluate predictions on a non-empty test set");
        }
        if (!(total.w > 0)) {
            throw new MlException(NAME + ": the weights in column '" + weightCol + "' add up to " + total.w + " over "
                    + EvalColumns.count(total.rows) + " rows; at least one weight must be positive");
        }
        return new RegressionMetrics(total.rows, total.w, weightCol != null, total.yMean, total.yM2, total.rMean, total.rM2,
                total.sq, total.abs);
    }

    private static final int NULL_LABEL = 0;
    private static final int BAD_LABEL = 1;
    private static final int NULL_PRED = 2;
    private static final int BAD_PRED = 3;
    private static final int NULL_WEIGHT = 4;
    private static final int BAD_WEIGHT = 5;
    private static final int KINDS = 6;

    private List<RowProblems.Kind> kinds() {
        String dropNulls = "drop those rows first, e.g. filter(col(\"%s\").isNotNull())";
        String w = weightCol == null ? "" : weightCol;
        return List.of(
                new RowProblems.Kind(labelCol, "not be null", "are null", dropNulls.formatted(labelCol), false),
                new RowProblems.Kind(labelCol, "hold finite numbers", "do not", "fix or drop those rows", true),
                new RowProblems.Kind(predictionCol, "not be null", "are null", dropNulls.formatted(predictionCol), false),
                new RowProblems.Kind(predictionCol, "hold finite numbers", "do not", "check the model for divergence", true),
                new RowProblems.Kind(w, "not be null", "are null", dropNulls.formatted(w), false),
                new RowProblems.Kind(w, "hold finite, non-negative weights", "do not", "fix or drop those rows", true));
    }

    /**
     * Weighted moments of a chunk (then of the frame): total weight, means and sums of squared
     * deviations of the label and the residual, sums of squared and absolute residuals.
     */
    private static final class Moments {
        long rows;
        double w;
        double yMean;
        double yM2;
        double rMean;
        double rM2;
        double sq;
        double abs;
        final RowProblems problems = new RowProblems(KINDS);

        /** Chan et al.'s pairwise update: adds the moments of the rows after these. */
        void addLater(Moments b) {
            problems.mergeLater(b.problems, rows);
            rows += b.rows;
            if (b.w == 0) {
                return;
            }
            if (w == 0) {
                w = b.w;
                yMean = b.yMean;
                yM2 = b.yM2;
                rMean = b.rMean;
                rM2 = b.rM2;
                sq = b.sq;
                abs = b.abs;
                return;
            }
            double total = w + b.w;
            double f = w * b.w / total;
            double dy = b.yMean - yMean;
            double dr = b.rMean - rMean;
            yMean += dy * (b.w / total);
            rMean += dr * (b.w / total);
            yM2 += b.yM2 + dy * dy * f;
            rM2 += b.rM2 + dr * dr * f;
            sq += b.sq;
            abs += b.abs;
            w = total;
        }
    }

    private static Moments scan(Chunk c, int li, int pi, int wi) {
        int n = c.rows();
        Moments m = new Moments();
        m.rows = n;
        ColumnVector lv = c.column(li);
        ColumnVector pv = c.column(pi);
        ColumnVector wv = wi >= 0 ? c.column(wi) : null;
        double[] y = EvalColumns.values(lv);
        double[] p = EvalColumns.values(pv);
        double[] w = wv != null ? EvalColumns.values(wv) : null;
        boolean nulls = lv.hasNulls() || pv.hasNulls() || (wv != null && wv.hasNulls());
        // pass 1 over the chunk: validity (invalid rows get weight 0), total weight and means
        double[] wt = new double[n];
        double sw = 0;
        double swy = 0;
        double swr = 0;
        RowProblems pr = m.problems;
        for (int i = 0; i < n; i++) {
            boolean bad = false;
            if (nulls) {
                if (lv.isNull(i)) {
                    pr.add(NULL_LABEL, i, 0);
                    bad = true;
                }
                if (pv.isNull(i)) {
                    pr.add(NULL_PRED, i, 0);
                    bad = true;
                }
                if (wv != null && wv.isNull(i)) {
                    pr.add(NULL_WEIGHT, i, 0);
                    bad = true;
                }
                if (bad) {
                    continue;
                }
            }
            if (!Double.isFinite(y[i])) {
                pr.add(BAD_LABEL, i, y[i]);
                bad = true;
            }
            if (!Double.isFinite(p[i])) {
                pr.add(BAD_PRED, i, p[i]);
                bad = true;
            }
            double wi2 = 1;
            if (w != null) {
                wi2 = w[i];
                if (!(wi2 >= 0 && wi2 < Double.POSITIVE_INFINITY)) {
                    pr.add(BAD_WEIGHT, i, wi2);
                    bad = true;
                }
            }
            if (bad) {
                continue;
            }
            wt[i] = wi2;
            sw += wi2;
            swy += wi2 * y[i];
            swr += wi2 * (y[i] - p[i]);
        }
        m.w = sw;
        if (sw == 0) {
            return m;
        }
        double ym = swy / sw;
        double rm = swr / sw;
        // pass 2: deviations from this chunk's means, with the usual correction for the mean's rounding
        double yDev = 0;
        double yDev2 = 0;
        double rDev = 0;
        double rDev2 = 0;
        double sq = 0;
        double abs = 0;
        for (int i = 0; i < n; i++) {
            double wi2 = wt[i];
            if (wi2 == 0) {
                continue;
            }
            double r = y[i] - p[i];
            double dy = y[i] - ym;
            double dr = r - rm;
            yDev += wi2 * dy;
            yDev2 += wi2 * dy * dy;
            rDev += wi2 * dr;
            rDev2 += wi2 * dr * dr;
            sq += wi2 * r * r;
            abs += wi2 * Math.abs(r);
        }
        m.yMean = ym + yDev / sw;
        m.rMean = rm + rDev / sw;
        m.yM2 = Math.max(0, yDev2 - yDev * yDev / sw);
        m.rM2 = Math.max(0, rDev2 - rDev * rDev / sw);
        m.sq = sq;
        m.abs = abs;
        return m;
    }

    @Override
    public String toString() {
        return NAME + "[label=" + labelCol + ", prediction=" + predictionCol + (weightCol == null ? "" : ", weight=" + weightCol)
                + ", metric=" + metricName + "]";
    }
}
