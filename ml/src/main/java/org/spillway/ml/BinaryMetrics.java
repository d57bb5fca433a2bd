package org.spillway.ml;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The metrics of a binary classifier, from {@link BinaryClassificationEvaluator#evaluate}. With a
 * weight column every count below is a total weight instead (rows count once each in
 * {@link #count()} and {@link #positives()}, which stay row counts).
 *
 * <ul>
 *   <li>{@link #auc()}: the exact area under the ROC curve, ties counted as half;</li>
 *   <li>{@link #prAuc()}: the area under the precision-recall curve, trapezoids between the points
 *       of successive distinct scores, starting at recall 0 with the first point's precision
 *       (Spark's {@code BinaryClassificationMetrics.areaUnderPR} with {@code numBins = 0});</li>
 *   <li>{@link #logLoss()}: the mean of {@code -(y ln p + (1 - y) ln(1 - p))}, p clipped to
 *       [1e-15, 1 - 1e-15];</li>
 *   <li>{@link #accuracy()}, {@link #precision()}, {@link #recall()}, {@link #f1()} and
 *       {@link #confusion()}: of the predictions at the evaluator's threshold (or of its prediction
 *       column).</li>
 * </ul>
 *
 * <p>A metric that the evaluated frame cannot give is NaN: the areas without both classes, the log
 * loss without a probability column, the threshold metrics without a probability or prediction
 * column. Holds a few thousand curve points on the heap, whatever the size of the data.
 */
public final class BinaryMetrics extends CountedMetrics {
    private final long positives;
    private final double positiveWeight;
    private final double auc;
    private final double prAuc;
    private final double logLoss;
    private final ConfusionMatrix confusion;
    private final String noConfusionReason;
    private final long distinctScores;
    private final double[] curvePos;
    private final double[] curveNeg;
    private final double[] curveThreshold;
    private final double curveP;
    private final double curveN;

    BinaryMetrics(long count, long positives, double totalWeight, double positiveWeight, boolean weighted, double logLoss,
            ConfusionMatrix confusion, String noConfusionReason, RankSweep sweep) {
        super(count, totalWeight, weighted);
        this.positives = positives;
        this.positiveWeight = positiveWeight;
        this.logLoss = logLoss;
        this.confusion = confusion;
        this.noConfusionReason = noConfusionReason;
        if (sweep != null) {
            this.auc = sweep.auc();
            this.prAuc = sweep.prAuc();
            this.distinctScores = sweep.thresholds();
            this.curvePos = sweep.keptPositives();
            this.curveNeg = sweep.keptNegatives();
            this.curveThreshold = sweep.keptThresholds();
            this.curveP = sweep.positives();
            this.curveN = sweep.negatives();
        } else {
            this.auc = Double.NaN;
            this.prAuc = Double.NaN;
            this.distinctScores = -1;
            this.curvePos = null;
            this.curveNeg = null;
            this.curveThreshold = null;
            this.curveP = Double.NaN;
            this.curveN = Double.NaN;
        }
    }

    /**
     * The exact area under the ROC curve: the probability that a random positive scores above a random negative,
     * ties counting half (NaN without both classes).
     */
    public double auc() {
        return auc;
    }

    /** Same as {@link #auc()}, Spark's name. */
    public double areaUnderROC() {
        return auc;
    }

    /** The area under the precision-recall curve (see the class comment; NaN without positives). */
    public double prAuc() {
        return prAuc;
    }

    /** Same as {@link #prAuc()}, Spark's name. */
    public double areaUnderPR() {
        return prAuc;
    }

    /** The (weighted) mean log loss, probabilities clipped to [1e-15, 1 - 1e-15]; NaN without a probability column. */
    public double logLoss() {
        return logLoss;
    }

    /** (TP + TN) / total; NaN without predictions. */
    public double accuracy() {
        return confusion == null ? Double.NaN : (confusion.tp() + confusion.tn()) / confusion.total();
    }

    /** TP / (TP + FP), 0 when nothing is predicted positive; NaN without predictions. */
    public double precision() {
        if (confusion == null) {
            return Double.NaN;
        }
        double d = confusion.tp() + confusion.fp();
        return d == 0 ? 0 : confusion.tp() / d;
    }

    /** TP / (TP + FN), 0 without positives; NaN without predictions. */
    public double recall() {
        if (confusion == null) {
            return Double.NaN;
        }
        double d = confusion.tp() + confusion.fn();
        return d == 0 ? 0 : confusion.tp() / d;
    }

    /** The harmonic mean of precision and recall, 0 when both are 0; NaN without predictions. */
    public double f1() {
        double p = precision();
        double r = recall();
        if (Double.isNaN(p) || Double.isNaN(r)) {
            return Double.NaN;
        }
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /**
     * The 2 x 2 confusion matrix of the predictions.
     *
     * @throws MlException if the frame had neither a probability nor a prediction column
     */
    public ConfusionMatrix confusion() {
        if (confusion == null) {
            throw new MlException("No confusion matrix: " + noConfusionReason);
        }
        return confusion;
    }

    /** The number of rows with label 1. */
    public long positives() {
        return positives;
    }

    /** The number of rows with label 0. */
    public long negatives() {
        return count() - positives;
    }

    /** The total weight of the rows with label 1 (their count without a weight column). */
    public double positiveWeight() {
        return positiveWeight;
    }

    /** The number of distinct scores (with non-zero weight), or -1 if the areas were not computed. */
    public long distinctScores() {
        return distinctScores;
    }

    /**
     * At most {@code maxPoints} points of the ROC curve, from (0, 0) to (1, 1), for charts: a sample
     * (evenly spaced along the curve) of points kept during the sweep, each within about 1/2000 of
     * the exact curve. Empty without both classes.
     */
    public List<RocPoint> rocCurve(int maxPoints) {
        if (!hasCurve() || !(curveP > 0 && curveN > 0)) {
            CurveSampler.pick(new double[0], new double[0], maxPoints); // checks maxPoints
            return List.of();
        }
        int m = curvePos.length + 1;
        double[] x = new double[m];
        double[] y = new double[m];
        double[] t = new double[m];
        t[0] = Double.POSITIVE_INFINITY;
        for (int i = 1; i < m; i++) {
            x[i] = curveNeg[i - 1] / curveN;
            y[i] = curvePos[i - 1] / curveP;
            t[i] = curveThreshold[i - 1];
        }
        List<RocPoint> out = new ArrayList<>();
        for (int i : CurveSampler.pick(x, y, maxPoints)) {
            out.add(new RocPoint(x[i], y[i], t[i]));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * At most {@code maxPoints} points of the precision-recall curve, from recall 0 (at the first
     * threshold's precision, as Spark's) to recall 1, for charts; sampled as {@link #rocCurve}. Empty
     * without positives.
     */
    public List<PrPoint> prCurve(int maxPoints) {
        if (!hasCurve() || !(curveP > 0)) {
            CurveSampler.pick(new double[0], new double[0], maxPoints);
            return List.of();
        }
        int m = curvePos.length + 1;
        double[] x = new double[m];
        double[] y = new double[m];
        double[] t = new double[m];
        for (int i = 1; i < m; i++) {
            x[i] = curvePos[i - 1] / curveP;
            y[i] = curvePos[i - 1] / (curvePos[i - 1] + curveNeg[i - 1]);
            t[i] = curveThreshold[i - 1];
        }
        y[0] = y[1];
        t[0] = Double.POSITIVE_INFINITY;
        List<PrPoint> out = new ArrayList<>();
        for (int i : CurveSampler.pick(x, y, maxPoints)) {
            out.add(new PrPoint(x[i], y[i], t[i]));
        }
        return Collections.unmodifiableList(out);
    }

    private boolean hasCurve() {
        return curvePos != null && curvePos.length > 0;
    }

    /**
     * {@code areaUnderROC}, {@code areaUnderPR}, {@code logLoss}, {@code accuracy},
     * {@code precision}, {@code recall}, {@code f1}, {@code count}, {@code positives} and
     * {@code totalWeight}, in this order.
     */
    @Override
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("areaUnderROC", auc);
        m.put("areaUnderPR", prAuc);
        m.put("logLoss", logLoss);
        m.put("accuracy", accuracy());
        m.put("precision", precision());
        m.put("recall", recall());
        m.put("f1", f1());
        m.put("count", (double) count());
        m.put("positives", (double) positives);
        m.put("totalWeight", totalWeight());
        return Collections.unmodifiableMap(m);
    }

    /** Prints {@link #toString()} and the confusion matrix, if any. */
    public void show() {
        System.out.println(this);
        if (confusion != null) {
            confusion.show();
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "BinaryMetrics[rows=%,d, positives=%,d%s, auc=%.6f, prAuc=%.6f, logLoss=%.6f, accuracy=%.6f, precision=%.6f,"
                        + " recall=%.6f, f1=%.6f]",
                count(), positives, isWeighted() ? String.format(Locale.ROOT, ", totalWeight=%.6g", totalWeight()) : "", auc, prAuc,
                logLoss, accuracy(), precision(), recall(), f1());
    }
}
