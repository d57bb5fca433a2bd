package org.spillway.ml;

import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.desc;
import static org.spillway.frame.Functions.lit;
import static org.spillway.frame.Functions.sum;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Expr;
import org.spillway.spill.DataType;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;

/**
 * Evaluates a binary classifier's predictions, as Spark's {@code BinaryClassificationEvaluator}
 * (plus the threshold metrics and the log loss): the frame holds a label column of 0/1 values
 * (int32, int64, float64 or bool) and the model's {@code probability} column, P(label = 1).
 *
 * <pre>{@code
 * BinaryMetrics m = new BinaryClassificationEvaluator().labelCol("clicked").evaluate(model.transform(test));
 * m.auc(); m.logLoss(); m.confusion().show();
 * }</pre>
 *
 * <p>Columns: {@link #labelCol} ({@code label}); {@link #probabilityCol} ({@code probability}),
 * which ranks the rows for the areas, gives the log loss and, compared with {@link #threshold}
 * (0.5; a row is predicted positive when its probability is above it), the predictions;
 * {@link #rawPredictionCol} (none), which if set ranks the rows instead (any real score, such as
 * a margin; the probability column is then optional); {@link #predictionCol} (none), which if set
 * gives the predictions instead (0/1 values); {@link #weightCol} (none), which if set weighs every
 * metric (non-negative finite weights).
 *
 * <p>Cost: one parallel pass over the frame checks every row and computes the counts, the log loss
 * and the confusion matrix (summed chunk by chunk in row order, so the result does not depend on the
 * number of workers); the areas then group the rows by score and sort the distinct scores, both out
 * of core, and sweep them once in order. The frame is computed twice, so {@code collect()} an
 * expensive lazy frame first. Nothing proportional to the data is held on the heap.
 *
 * <p>Invalid input is an {@link MlException} naming the column, the number of offending rows, the
 * first one and its value: a missing column, a label other than 0/1, a probability outside [0, 1],
 * a NaN score, a null anywhere used, a negative weight, an empty frame.
 */
public final class BinaryClassificationEvaluator extends ScanningEvaluator<BinaryMetrics, BinaryClassificationEvaluator> {
    /** Probabilities are clipped to [EPS, 1 - EPS] in the log loss. */
    public static final double EPS = 1e-15;
    /** The metric names {@link #metricName(String)} accepts. */
    public static final List<String> METRICS = List.of("areaUnderROC", "areaUnderPR", "logLoss", "accuracy", "precision", "recall",
            "f1");
    /** Curve points kept: the curve moves at most 1/RESOLUTION between two of them. */
    private static final int RESOLUTION = 2000;

    private String probabilityCol = "probability";
    private String rawPredictionCol;
    private String predictionCol;
    private double threshold = 0.5;

    /** An evaluator with the defaults: label, probability, threshold 0.5, areaUnderROC. */
    public BinaryClassificationEvaluator() {
        super("BinaryClassificationEvaluator", METRICS, "areaUnderROC");
    }

    /** The column of P(label = 1) (default {@code probability}). */
    public BinaryClassificationEvaluator probabilityCol(String name) {
        this.probabilityCol = Objects.requireNonNull(name, "probabilityCol");
        return this;
    }

    /** A real-valued score that ranks the rows for the areas instead of the probability (default none); null clears it. */
    public BinaryClassificationEvaluator rawPredictionCol(String name) {
        this.rawPredictionCol = name;
        return this;
    }

    /** A 0/1 prediction column for the threshold metrics instead of thresholding the probability (default none); null clears it. */
    public BinaryClassificationEvaluator predictionCol(String name) {
        this.predictionCol = name;
        return this;
    }

    /** The probability above which a row is predicted positive (default 0.5), within [0, 1]. */
    public BinaryClassificationEvaluator threshold(double t) {
        if (!(t >= 0 && t <= 1)) {
            throw new MlException(name() + ": threshold(" + t + ") must be within [0, 1]");
        }
        this.threshold = t;
        return this;
    }

    /** The probability column. */
    public String probabilityCol() {
        return probabilityCol;
    }

    /** The raw score column, or null. */
    public String rawPredictionCol() {
        return rawPredictionCol;
    }

    /** The prediction column, or null. */
    public String predictionCol() {
        return predictionCol;
    }

    /** The decision threshold on the probability. */
    public double threshold() {
        return threshold;
    }

    @Override
    public boolean isLargerBetter() {
        return !metricName().equals("logLoss");
    }

    @Override
    public BinaryMetrics evaluate(DataFrame predictions) {
        return evaluate(predictions, true);
    }

    /**
     * The value of {@link #metricName()}; the areas' grouping and sort are skipped for the other
     * metrics.
     *
     * @throws MlException if the metric is undefined on this frame (say, an area without both classes)
     */
    @Override
    public double metric(DataFrame predictions) {
        String metricName = metricName();
        boolean ranked = metricName.equals("areaUnderROC") || metricName.equals("areaUnderPR");
        BinaryMetrics m = evaluate(predictions, ranked);
        double v = m.get(metricName);
        if (Double.isNaN(v)) {
            throw new MlException(name() + ": " + metricName + " is undefined on this frame: " + undefinedReason(m));
        }
        return v;
    }

    private String undefinedReason(BinaryMetrics m) {
        return switch (metricName()) {
            case "areaUnderROC", "areaUnderPR" -> "column '" + labelCol() + "' must hold both 0 and 1 with positive weight, but it has "
                    + EvalColumns.count(m.positives()) + " ones and " + EvalColumns.count(m.negatives()) + " zeros in "
                    + EvalColumns.count(m.count()) + " rows; evaluate on data with both classes";
            case "logLoss" -> "it needs the probability column '" + probabilityCol + "'; set probabilityCol(...)";
            default -> "it needs the probability column '" + probabilityCol + "' or a predictionCol(...)";
        };
    }

    // ---- the passes ----------------------------------------------------------------------------

    /** Which columns of the frame play which role; null when absent. */
    private record Roles(String label, String score, boolean scoreIsProbability, String probability, String prediction,
            String weight) {
    }

    private Roles roles(DataFrame f) {
        requireLabel(f, EvalColumns.LABEL_TYPES);
        String prob = null;
        if (rawPredictionCol == null || f.columns().contains(probabilityCol)) {
            require(f, "probability", probabilityCol, "probabilityCol", EvalColumns.NUMERIC);
            prob = probabilityCol;
        }
        String score = prob;
        if (rawPredictionCol != null) {
            require(f, "raw prediction (score)", rawPredictionCol, "rawPredictionCol", EvalColumns.NUMERIC);
            score = rawPredictionCol;
        }
        if (predictionCol != null) {
            require(f, "prediction", predictionCol, "predictionCol", EvalColumns.LABEL_TYPES);
        }
        requireWeight(f);
        return new Roles(labelCol(), score, score.equals(prob), prob, predictionCol, weightCol());
    }

    private BinaryMetrics evaluate(DataFrame predictions, boolean ranked) {
        Objects.requireNonNull(predictions, "predictions");
        Roles r = roles(predictions);
        String[] cols = EvalColumns.distinct(r.label(), r.score(), r.probability(), r.prediction(), r.weight());
        DataFrame in = predictions.select(cols);
        List<String> names = List.of(cols);
        int li = names.indexOf(r.label());
        int si = names.indexOf(r.score());
        int pi = r.probability() == null ? -1 : names.indexOf(r.probability());
        int di = r.prediction() == null ? -1 : names.indexOf(r.prediction());
        int wi = r.weight() == null ? -1 : names.indexOf(r.weight());

        Totals total = new Totals();
        in.mapChunksOrdered(c -> scan(c, li, si, r.scoreIsProbability(), pi, di, wi), total::addLater);
        checkPass(total.problems, kinds(r), total.rows, total.weight);

        RankSweep sweep = null;
        if (ranked) {
            sweep = new RankSweep(total.posWeight, total.weight - total.posWeight, RESOLUTION);
            if (total.posWeight > 0) { // without positives neither area is defined
                sweepScores(in, r, sweep);
            }
            sweep.finish();
        }
        ConfusionMatrix cm = null;
        String noCm = null;
        if (pi >= 0 || di >= 0) {
            cm = ConfusionMatrix.binary(total.tp, total.fp, total.tn, total.fn);
        } else {
            noCm = "the frame has no probability column '" + probabilityCol + "' to threshold and no predictionCol(...) is set";
        }
        double logLoss = pi >= 0 ? total.logLoss / total.weight : Double.NaN;
        return new BinaryMetrics(total.rows, total.positives, total.weight, total.posWeight, wi >= 0, logLoss, cm, noCm, sweep);
    }

    /** Groups the rows by score (positive and negative weight per distinct score), sorts them descending and sweeps them in order. */
    private static void sweepScores(DataFrame in, Roles r, RankSweep sweep) {
        Expr y = col(r.label()).cast(DataType.FLOAT64);
        Expr pos = y;
        Expr neg = lit(1.0).minus(y);
        if (r.weight() != null) {
            Expr w = col(r.weight()).cast(DataType.FLOAT64);
            pos = w.multiply(y);
            neg = w.multiply(neg);
        }
        DataFrame groups = in.select(col(r.score()).cast(DataType.FLOAT64).as("s"), pos.as("p"), neg.as("n"))
                .groupBy("s").agg(sum("p").as("p"), sum("n").as("n"))
                .sort(desc("s"));
        groups.mapChunksOrdered(c -> new double[][] {
                EvalColumns.values(c.column(0)), EvalColumns.values(c.column(1)), EvalColumns.values(c.column(2))},
                g -> {
                    double[] s = g[0];
                    double[] p = g[1];
                    double[] n = g[2];
                    for (int i = 0; i < s.length; i++) {
                        sweep.accept(s[i], p[i], n[i]);
                    }
                });
    }

    // ---- the checking and counting pass ---------------------------------------------------------

    private static final int NULL_LABEL = 0;
    private static final int BAD_LABEL = 1;
    private static final int NULL_SCORE = 2;
    private static final int BAD_SCORE = 3;
    private static final int NULL_PROB = 4;
    private static final int BAD_PROB = 5;
    private static final int NULL_PRED = 6;
    private static final int BAD_PRED = 7;
    private static final int NULL_WEIGHT = 8;
    private static final int BAD_WEIGHT = 9;
    private static final int KINDS = 10;

    private List<RowProblems.Kind> kinds(Roles r) {
        List<RowProblems.Kind> k = new ArrayList<>();
        k.add(nullKind(r.label()));
        k.add(new RowProblems.Kind(r.label(), "hold only the labels 0 and 1 (or false and true)", "do not",
                "recode it to 0/1, or use MulticlassClassificationEvaluator for more classes", true));
        k.add(nullKind(r.score()));
        k.add(r.scoreIsProbability()
                ? new RowProblems.Kind(r.score(), "hold probabilities within [0, 1]", "do not (or are NaN)",
                        "pass P(label = 1) as the model's transform computes it, or name a real-valued score with rawPredictionCol(...)",
                        true)
                : new RowProblems.Kind(r.score(), "hold numbers, not NaN", "are NaN", "fix the model or drop those rows", true));
        String prob = r.probability() == null ? "" : r.probability();
        k.add(nullKind(prob));
        k.add(new RowProblems.Kind(prob, "hold probabilities within [0, 1]", "do not (or are NaN)",
                "pass P(label = 1) as the model's transform computes it", true));
        String pred = r.prediction() == null ? "" : r.prediction();
        k.add(nullKind(pred));
        k.add(new RowProblems.Kind(pred, "hold only the predictions 0 and 1", "do not", "recode it to 0/1", true));
        k.addAll(weightKinds());
        return k;
    }

    /** One chunk's (then, merged in row order, the frame's) counts, sums and invalid rows. */
    private static final class Totals {
        long rows;
        long positives;
        double weight;
        double posWeight;
        double logLoss;
        double tp;
        double fp;
        double tn;
        double fn;
        RowProblems problems = new RowProblems(KINDS);

        void addLater(Totals t) {
            problems.mergeLater(t.problems, rows);
            rows += t.rows;
            positives += t.positives;
            weight += t.weight;
            posWeight += t.posWeight;
            logLoss += t.logLoss;
            tp += t.tp;
            fp += t.fp;
            tn += t.tn;
            fn += t.fn;
        }
    }

    private Totals scan(Chunk c, int li, int si, boolean scoreIsProb, int pi, int di, int wi) {
        int n = c.rows();
        Totals t = new Totals();
        t.rows = n;
        ColumnVector lv = c.column(li);
        ColumnVector sv = c.column(si);
        ColumnVector pv = pi >= 0 && pi != si ? c.column(pi) : null;
        ColumnVector dv = di >= 0 ? c.column(di) : null;
        ColumnVector wv = wi >= 0 ? c.column(wi) : null;
        double[] y = EvalColumns.values(lv);
        double[] s = EvalColumns.values(sv);
        double[] p = pv != null ? EvalColumns.values(pv) : (pi >= 0 ? s : null);
        double[] d = dv != null ? EvalColumns.values(dv) : null;
        double[] w = wv != null ? EvalColumns.values(wv) : null;
        RowProblems pr = t.problems;
        boolean[] nullRow = pr.nullRows(n, new ColumnVector[] {lv, sv, pv, dv, wv},
                new int[] {NULL_LABEL, NULL_SCORE, NULL_PROB, NULL_PRED, NULL_WEIGHT});
        double thr = threshold;
        long positives = 0;
        double weight = 0;
        double posWeight = 0;
        double loss = 0;
        double tp = 0;
        double fp = 0;
        double tn = 0;
        double fn = 0;
        for (int i = 0; i < n; i++) {
            if (nullRow != null && nullRow[i]) {
                continue;
            }
            boolean bad = false;
            double yi = y[i];
            if (yi != 0 && yi != 1) {
                pr.add(BAD_LABEL, i, yi);
                bad = true;
            }
            double si2 = s[i];
            if (scoreIsProb ? !(si2 >= 0 && si2 <= 1) : Double.isNaN(si2)) {
                pr.add(BAD_SCORE, i, si2);
                bad = true;
            }
            if (pv != null && !(p[i] >= 0 && p[i] <= 1)) {
                pr.add(BAD_PROB, i, p[i]);
                bad = true;
            }
            if (d != null && d[i] != 0 && d[i] != 1) {
                pr.add(BAD_PRED, i, d[i]);
                bad = true;
            }
            double wt = pr.weight(w, i, BAD_WEIGHT);
            if (bad || Double.isNaN(wt)) {
                continue;
            }
            boolean positive = yi == 1;
            if (positive) {
                positives++;
                posWeight += wt;
            }
            weight += wt;
            boolean predicted;
            if (p != null) {
                double pc = Math.min(Math.max(p[i], EPS), 1 - EPS);
                loss += wt * (positive ? -Math.log(pc) : -Math.log1p(-pc));
                predicted = p[i] > thr;
            } else {
                predicted = false;
            }
            if (d != null) {
                predicted = d[i] == 1;
            }
            if (positive) {
                if (predicted) {
                    tp += wt;
                } else {
                    fn += wt;
                }
            } else if (predicted) {
                fp += wt;
            } else {
                tn += wt;
            }
        }
        t.positives = positives;
        t.weight = weight;
        t.posWeight = posWeight;
        t.logLoss = loss;
        t.tp = tp;
        t.fp = fp;
        t.tn = tn;
        t.fn = fn;
        return t;
    }

    @Override
    public String toString() {
        return name() + "[label=" + labelCol() + ", probability=" + probabilityCol
                + (rawPredictionCol == null ? "" : ", rawPrediction=" + rawPredictionCol)
                + (predictionCol == null ? "" : ", prediction=" + predictionCol)
                + (weightCol() == null ? "" : ", weight=" + weightCol()) + ", threshold=" + threshold + ", metric=" + metricName() + "]";
    }
}
