package org.spillway.ml;

import java.util.ArrayList;
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
public final class RegressionEvaluator extends ScanningEvaluator<RegressionMetrics, RegressionEvaluator> {
    /** The metric names {@link #metricName(String)} accepts. */
    public static final List<String> METRICS = List.of("rmse", "mse", "mae", "r2", "explainedVariance");

    private String predictionCol = "prediction";

    /** An evaluator with the defaults: label, prediction, rmse. */
    public RegressionEvaluator() {
        super("RegressionEvaluator", METRICS, "rmse");
    }

    /** The prediction column (default {@code prediction}). */
    public RegressionEvaluator predictionCol(String name) {
        this.predictionCol = Objects.requireNonNull(name, "predictionCol");
        return this;
    }

    /** The prediction column. */
    public String predictionCol() {
        return predictionCol;
    }

    @Override
    public boolean isLargerBetter() {
        return metricName().equals("r2") || metricName().equals("explainedVariance");
    }

    /**
     * The value of {@link #metricName()}.
     *
     * @throws MlException if it is r2 or the explained variance and every label is equal
     */
    @Override
    public double metric(DataFrame predictions) {
        RegressionMetrics m = evaluate(predictions);
        double v = m.get(metricName());
        if (Double.isNaN(v)) {
            throw new MlException(name() + ": " + metricName() + " is undefined because every label in column '" + labelCol()
                    + "' is " + m.labelMean() + " (" + EvalColumns.count(m.count()) + " rows); use rmse or mae");
        }
        return v;
    }

    @Override
    public RegressionMetrics evaluate(DataFrame predictions) {
        Objects.requireNonNull(predictions, "predictions");
        requireLabel(predictions, EvalColumns.NUMERIC);
        require(predictions, "prediction", predictionCol, "predictionCol", EvalColumns.NUMERIC);
        requireWeight(predictions);
        String weightCol = weightCol();
        String[] cols = EvalColumns.distinct(labelCol(), predictionCol, weightCol);
        List<String> names = List.of(cols);
        int li = names.indexOf(labelCol());
        int pi = names.indexOf(predictionCol);
        int wi = weightCol == null ? -1 : names.indexOf(weightCol);
        Moments total = new Moments();
        predictions.select(cols).mapChunksOrdered(c -> scan(c, li, pi, wi), total::addLater);
        checkPass(total.problems, kinds(), total.rows, total.w);
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
        List<RowProblems.Kind> k = new ArrayList<>();
        k.add(nullKind(labelCol()));
        k.add(new RowProblems.Kind(labelCol(), "hold finite numbers", "do not", "fix or drop those rows", true));
        k.add(nullKind(predictionCol));
        k.add(new RowProblems.Kind(predictionCol, "hold finite numbers", "do not", "check the model for divergence", true));
        k.addAll(weightKinds());
        return k;
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
        // pass 1 over the chunk: validity (invalid rows get weight 0), total weight and means
        double[] wt = new double[n];
        double sw = 0;
        double swy = 0;
        double swr = 0;
        RowProblems pr = m.problems;
        boolean[] nullRow = pr.nullRows(n, new ColumnVector[] {lv, pv, wv}, new int[] {NULL_LABEL, NULL_PRED, NULL_WEIGHT});
        for (int i = 0; i < n; i++) {
            if (nullRow != null && nullRow[i]) {
                continue;
            }
            boolean bad = false;
            if (!Double.isFinite(y[i])) {
                pr.add(BAD_LABEL, i, y[i]);
                bad = true;
            }
            if (!Double.isFinite(p[i])) {
                pr.add(BAD_PRED, i, p[i]);
                bad = true;
            }
            double wi2 = pr.weight(w, i, BAD_WEIGHT);
            if (bad || Double.isNaN(wi2)) {
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
        return name() + "[label=" + labelCol() + ", prediction=" + predictionCol
                + (weightCol() == null ? "" : ", weight=" + weightCol()) + ", metric=" + metricName() + "]";
    }
}
