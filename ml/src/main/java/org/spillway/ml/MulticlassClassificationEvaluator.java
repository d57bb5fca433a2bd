package org.spillway.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.spillway.frame.DataFrame;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;

/**
 * Evaluates a K-class classifier's predictions, as Spark's {@code MulticlassClassificationEvaluator}:
 * the frame holds a label column of class indices 0 .. K-1 (int32, int64, integral float64 values,
 * or bool), a {@code prediction} column of class indices and, for the log loss, the model's
 * {@code probability_0} .. {@code probability_{K-1}} columns. Without a prediction column the
 * predicted class is the most probable one (the lowest index among ties).
 *
 * <p>Columns: {@link #labelCol} ({@code label}), {@link #predictionCol} ({@code prediction}),
 * {@link #probabilityPrefix} ({@code probability}: the columns {@code probability_0},
 * {@code probability_1}, ... as many as the frame has in a row from 0), {@link #weightCol}
 * (none). K is the largest label or prediction plus one, or the number of probability columns if
 * that is larger; at most {@value #MAX_CLASSES} classes.
 *
 * <p>Cost: one parallel pass over the frame, each chunk counted into its own K x K matrix and the
 * matrices added in row order (so the result does not depend on the number of workers); the heap
 * holds a few such matrices, nothing proportional to the data.
 */
public final class MulticlassClassificationEvaluator
        extends ScanningEvaluator<MulticlassMetrics, MulticlassClassificationEvaluator> {
    /** The most classes a frame may have. */
    public static final int MAX_CLASSES = 1024;
    /** The metric names {@link #metricName(String)} accepts. */
    public static final List<String> METRICS = List.of("f1", "accuracy", "macroF1", "weightedPrecision", "weightedRecall", "logLoss");
    private static final double EPS = BinaryClassificationEvaluator.EPS;

    private String predictionCol = "prediction";
    private String probabilityPrefix = "probability";

    /** An evaluator with the defaults: label, prediction, probability_k, metric f1 (weighted). */
    public MulticlassClassificationEvaluator() {
        super("MulticlassClassificationEvaluator", METRICS, "f1");
    }

    /** The prediction column (class indices; default {@code prediction}); if the frame lacks it, the most probable class is used. */
    public MulticlassClassificationEvaluator predictionCol(String name) {
        this.predictionCol = Objects.requireNonNull(name, "predictionCol");
        return this;
    }

    /** The prefix of the probability columns {@code <prefix>_0} .. {@code <prefix>_{K-1}} (default {@code probability}). */
    public MulticlassClassificationEvaluator probabilityPrefix(String prefix) {
        this.probabilityPrefix = Objects.requireNonNull(prefix, "probabilityPrefix");
        return this;
    }

    /** The prediction column. */
    public String predictionCol() {
        return predictionCol;
    }

    /** The probability columns' prefix. */
    public String probabilityPrefix() {
        return probabilityPrefix;
    }

    @Override
    public boolean isLargerBetter() {
        return !metricName().equals("logLoss");
    }

    /**
     * The value of {@link #metricName()}.
     *
     * @throws MlException if it is the log loss and the frame has no probability columns
     */
    @Override
    public double metric(DataFrame predictions) {
        double v = evaluate(predictions).get(metricName());
        if (Double.isNaN(v)) {
            throw new MlException(name() + ": " + metricName() + " needs the probability columns " + probabilityPrefix + "_0, "
                    + probabilityPrefix + "_1, ...; the frame has none (set probabilityPrefix(...))");
        }
        return v;
    }

    @Override
    public MulticlassMetrics evaluate(DataFrame predictions) {
        Objects.requireNonNull(predictions, "predictions");
        requireLabel(predictions, EvalColumns.LABEL_TYPES);
        String labelCol = labelCol();
        String weightCol = weightCol();
        List<String> probs = new ArrayList<>();
        while (predictions.columns().contains(probabilityPrefix + "_" + probs.size())) {
            probs.add(probabilityPrefix + "_" + probs.size());
        }
        boolean hasPrediction = predictions.columns().contains(predictionCol);
        if (!hasPrediction && probs.isEmpty()) {
            throw new MlException(name() + ": the frame has neither the prediction column '" + predictionCol
                    + "' nor probability columns " + probabilityPrefix + "_0, " + probabilityPrefix + "_1, ...; its columns are "
                    + predictions.columns() + "; name them with predictionCol(...) or probabilityPrefix(...)");
        }
        if (hasPrediction) {
            require(predictions, "prediction", predictionCol, "predictionCol", EvalColumns.LABEL_TYPES);
        }
        for (String p : probs) {
            require(predictions, "probability", p, "probabilityPrefix", EvalColumns.NUMERIC);
        }
        requireWeight(predictions);
        if (probs.size() > MAX_CLASSES) {
            throw new MlException(name() + ": the frame has " + probs.size() + " probability columns, more than the "
                    + MAX_CLASSES + " classes supported");
        }
        List<String> cols = new ArrayList<>();
        cols.add(labelCol);
        if (hasPrediction) {
            cols.add(predictionCol);
        }
        cols.addAll(probs);
        if (weightCol != null) {
            cols.add(weightCol);
        }
        String[] selected = EvalColumns.distinct(cols.toArray(String[]::new));
        List<String> names = List.of(selected);
        int li = names.indexOf(labelCol);
        int di = hasPrediction ? names.indexOf(predictionCol) : -1;
        int[] pi = probs.stream().mapToInt(names::indexOf).toArray();
        int wi = weightCol == null ? -1 : names.indexOf(weightCol);

        Counts total = new Counts(Math.max(2, probs.size()), pi.length);
        predictions.select(selected).mapChunksOrdered(c -> scan(c, li, di, pi, wi), total::addLater);
        checkPass(total.problems, kinds(probs), total.rows, total.weight);
        double logLoss = probs.isEmpty() ? Double.NaN : total.logLoss / total.weight;
        return new MulticlassMetrics(new ConfusionMatrix(total.classes, total.matrix()), total.rows, weightCol != null, logLoss);
    }

    // ---- the pass ------------------------------------------------------------------------------

    private static final int NULL_LABEL = 0;
    private static final int BAD_LABEL = 1;
    private static final int NULL_PRED = 2;
    private static final int BAD_PRED = 3;
    private static final int NULL_WEIGHT = 4;
    private static final int BAD_WEIGHT = 5;
    private static final int LABEL_NO_PROB = 6;
    private static final int FIRST_PROB = 7; // then NULL, BAD for each probability column

    private List<RowProblems.Kind> kinds(List<String> probs) {
        String classes = "hold class indices 0, 1, 2, ... (integers below " + MAX_CLASSES + ")";
        List<RowProblems.Kind> k = new ArrayList<>();
        k.add(nullKind(labelCol()));
        k.add(new RowProblems.Kind(labelCol(), classes, "do not", "recode the labels to 0 .. K-1", true));
        k.add(nullKind(predictionCol));
        k.add(new RowProblems.Kind(predictionCol, classes, "do not", "recode the predictions to 0 .. K-1", true));
        k.addAll(weightKinds());
        k.add(new RowProblems.Kind(labelCol(), "hold classes that have a probability column (" + probabilityPrefix + "_0 .. "
                + probabilityPrefix + "_" + (probs.size() - 1) + ")", "do not",
                "the model was trained on fewer classes than the test labels have; add the missing classes to the training set",
                true));
        for (String p : probs) {
            k.add(nullKind(p));
            k.add(new RowProblems.Kind(p, "hold probabilities within [0, 1]", "do not (or are NaN)",
                    "pass the class probabilities as the model's transform computes them", true));
        }
        return k;
    }

    /**
     * One chunk's (then, merged in row order, the frame's) confusion matrix, sums and invalid rows.
     * The matrix has room for {@code capacity} classes (grown by doubling) and {@code classes} in use.
     */
    private static final class Counts {
        int capacity;
        int classes;
        double[] cells;
        long rows;
        double weight;
        double logLoss;
        final RowProblems problems;

        Counts(int classes, int probColumns) {
            this.capacity = classes;
            this.classes = classes;
            this.cells = new double[classes * classes];
            this.problems = new RowProblems(FIRST_PROB + 2 * probColumns);
        }

        void use(int k) {
            if (k > capacity) {
                int nk = Math.min(MAX_CLASSES, Math.max(k, 2 * capacity));
                double[] nc = new double[nk * nk];
                for (int a = 0; a < classes; a++) {
                    System.arraycopy(cells, a * capacity, nc, a * nk, classes);
                }
                capacity = nk;
                cells = nc;
            }
            classes = Math.max(classes, k);
        }

        void add(int actual, int predicted, double w) {
            cells[actual * capacity + predicted] += w;
        }

        /** The cells of the classes in use, row-major. */
        double[] matrix() {
            double[] out = new double[classes * classes];
            for (int a = 0; a < classes; a++) {
                System.arraycopy(cells, a * capacity, out, a * classes, classes);
            }
            return out;
        }

        void addLater(Counts c) {
            problems.mergeLater(c.problems, rows);
            rows += c.rows;
            weight += c.weight;
            logLoss += c.logLoss;
            use(c.classes);
            for (int a = 0; a < c.classes; a++) {
                for (int p = 0; p < c.classes; p++) {
                    cells[a * capacity + p] += c.cells[a * c.capacity + p];
                }
            }
        }
    }

    private static boolean isClass(double v) {
        return v >= 0 && v < MAX_CLASSES && v == Math.rint(v);
    }

    private Counts scan(Chunk c, int li, int di, int[] pi, int wi) {
        int n = c.rows();
        int kp = pi.length;
        Counts t = new Counts(Math.max(2, kp), kp);
        t.rows = n;
        ColumnVector lv = c.column(li);
        ColumnVector dv = di >= 0 ? c.column(di) : null;
        ColumnVector wv = wi >= 0 ? c.column(wi) : null;
        ColumnVector[] pv = new ColumnVector[kp];
        double[][] p = new double[kp][];
        // the null kinds: label, prediction, weight, then each probability column's
        ColumnVector[] used = new ColumnVector[3 + kp];
        int[] nullKinds = new int[3 + kp];
        used[0] = lv;
        used[1] = dv;
        used[2] = wv;
        nullKinds[0] = NULL_LABEL;
        nullKinds[1] = NULL_PRED;
        nullKinds[2] = NULL_WEIGHT;
        for (int j = 0; j < kp; j++) {
            pv[j] = c.column(pi[j]);
            p[j] = EvalColumns.values(pv[j]);
            used[3 + j] = pv[j];
            nullKinds[3 + j] = FIRST_PROB + 2 * j;
        }
        double[] y = EvalColumns.values(lv);
        double[] d = dv != null ? EvalColumns.values(dv) : null;
        double[] w = wv != null ? EvalColumns.values(wv) : null;
        RowProblems pr = t.problems;
        boolean[] nullRow = pr.nullRows(n, used, nullKinds);
        double weight = 0;
        double loss = 0;
        for (int i = 0; i < n; i++) {
            if (nullRow != null && nullRow[i]) {
                continue;
            }
            boolean bad = false;
            double yi = y[i];
            if (!isClass(yi)) {
                pr.add(BAD_LABEL, i, yi);
                bad = true;
            } else if (kp > 0 && yi >= kp) {
                pr.add(LABEL_NO_PROB, i, yi);
                bad = true;
            }
            int best = 0;
            for (int j = 0; j < kp; j++) {
                double pj = p[j][i];
                if (!(pj >= 0 && pj <= 1)) {
                    pr.add(FIRST_PROB + 2 * j + 1, i, pj);
                    bad = true;
                } else if (pj > p[best][i]) {
                    best = j;
                }
            }
            double predicted = best;
            if (d != null) {
                predicted = d[i];
                if (!isClass(predicted)) {
                    pr.add(BAD_PRED, i, predicted);
                    bad = true;
                }
            }
            double wt = pr.weight(w, i, BAD_WEIGHT);
            if (bad || Double.isNaN(wt)) {
                continue;
            }
            int a = (int) yi;
            int b = (int) predicted;
            int need = Math.max(a, b) + 1;
            if (need > t.classes) {
                t.use(need);
            }
            t.add(a, b, wt);
            weight += wt;
            if (kp > 0) {
                double pc = Math.min(Math.max(p[a][i], EPS), 1 - EPS);
                loss -= wt * Math.log(pc);
            }
        }
        t.weight = weight;
        t.logLoss = loss;
        return t;
    }

    @Override
    public String toString() {
        return name() + "[label=" + labelCol() + ", prediction=" + predictionCol + ", probability=" + probabilityPrefix + "_k"
                + (weightCol() == null ? "" : ", weight=" + weightCol()) + ", metric=" + metricName() + "]";
    }
}
