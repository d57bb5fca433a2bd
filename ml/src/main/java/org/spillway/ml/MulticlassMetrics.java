package org.spillway.ml;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The metrics of a K-class classifier, from {@link MulticlassClassificationEvaluator#evaluate}, all
 * derived from the K x K {@link #confusion()} matrix (of total weights, with a weight column) and
 * the log loss. Per class k: precision = TP / predicted k (0 if nothing was predicted k), recall =
 * TP / rows of label k (0 if none), F1 their harmonic mean (0 if both are 0). Averages:
 * {@link #macroF1()} is the plain mean over the classes that occur as a label or a prediction
 * (scikit-learn's {@code average="macro"}); the weighted ones weigh each class by its share of the
 * labels (Spark's {@code weightedFMeasure}, scikit-learn's {@code average="weighted"}).
 */
public final class MulticlassMetrics extends CountedMetrics {
    private final ConfusionMatrix confusion;
    private final double logLoss;
    private final double[] precision;
    private final double[] recall;
    private final double[] f1;
    private final double[] support;
    private final double[] predicted;

    MulticlassMetrics(ConfusionMatrix confusion, long count, boolean weighted, double logLoss) {
        super(count, confusion.total(), weighted); // the total weight is the cells' total
        this.confusion = confusion;
        this.logLoss = logLoss;
        int k = confusion.numClasses();
        precision = new double[k];
        recall = new double[k];
        f1 = new double[k];
        support = new double[k];
        predicted = new double[k];
        for (int a = 0; a < k; a++) {
            for (int p = 0; p < k; p++) {
                double c = confusion.get(a, p);
                support[a] += c;
                predicted[p] += c;
            }
        }
        for (int c = 0; c < k; c++) {
            double tp = confusion.get(c, c);
            precision[c] = predicted[c] == 0 ? 0 : tp / predicted[c];
            recall[c] = support[c] == 0 ? 0 : tp / support[c];
            f1[c] = precision[c] + recall[c] == 0 ? 0 : 2 * precision[c] * recall[c] / (precision[c] + recall[c]);
        }
    }

    /** The number of classes K: the largest label or prediction plus one, or the number of probability columns if larger. */
    public int numClasses() {
        return confusion.numClasses();
    }

    /** The K x K confusion matrix, {@code get(actual, predicted)}. */
    public ConfusionMatrix confusion() {
        return confusion;
    }

    /** The share of rows (of weight) predicted right. */
    public double accuracy() {
        double right = 0;
        for (int c = 0; c < numClasses(); c++) {
            right += confusion.get(c, c);
        }
        return right / totalWeight();
    }

    /** The precision of class {@code k}. */
    public double precision(int k) {
        return precision[check(k)];
    }

    /** The recall (true positive rate) of class {@code k}. */
    public double recall(int k) {
        return recall[check(k)];
    }

    /** The F1 score of class {@code k}. */
    public double f1(int k) {
        return f1[check(k)];
    }

    /** The rows (weight) whose label is {@code k}. */
    public double support(int k) {
        return support[check(k)];
    }

    /** The mean F1 over the classes that occur as a label or a prediction. */
    public double macroF1() {
        double s = 0;
        int n = 0;
        for (int c = 0; c < numClasses(); c++) {
            if (support[c] > 0 || predicted[c] > 0) {
                s += f1[c];
                n++;
            }
        }
        return s / n;
    }

    /** The F1 scores weighted by each class's share of the labels (Spark's {@code f1}). */
    public double weightedF1() {
        return weightedMean(f1);
    }

    /** The precisions weighted by each class's share of the labels. */
    public double weightedPrecision() {
        return weightedMean(precision);
    }

    /** The recalls weighted by each class's share of the labels (equal to the accuracy). */
    public double weightedRecall() {
        return weightedMean(recall);
    }

    /** The (weighted) mean of {@code -ln p(label)}, p clipped to [1e-15, 1 - 1e-15]; NaN without probability columns. */
    public double logLoss() {
        return logLoss;
    }

    private double weightedMean(double[] perClass) {
        double s = 0;
        for (int c = 0; c < numClasses(); c++) {
            s += support[c] * perClass[c];
        }
        return s / totalWeight();
    }

    private int check(int k) {
        if (k < 0 || k >= numClasses()) {
            throw new MlException("Class " + k + " is outside the " + numClasses() + " classes 0.." + (numClasses() - 1));
        }
        return k;
    }

    /**
     * {@code accuracy}, {@code f1} (weighted), {@code macroF1}, {@code weightedPrecision},
     * {@code weightedRecall}, {@code logLoss}, {@code count} and {@code totalWeight}, in this order.
     */
    @Override
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", accuracy());
        m.put("f1", weightedF1());
        m.put("macroF1", macroF1());
        m.put("weightedPrecision", weightedPrecision());
        m.put("weightedRecall", weightedRecall());
        m.put("logLoss", logLoss);
        return withCounts(m);
    }

    /** Prints {@link #toString()}, the per-class figures and the confusion matrix. */
    public void show() {
        System.out.println(this);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%5s  %9s  %9s  %9s  %12s%n", "class", "precision", "recall", "f1", "support"));
        for (int c = 0; c < numClasses(); c++) {
            sb.append(String.format(Locale.ROOT, "%5d  %9.4f  %9.4f  %9.4f  %12.6g%n", c, precision[c], recall[c], f1[c], support[c]));
        }
        System.out.print(sb);
        confusion.show();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "MulticlassMetrics[classes=%d, rows=%,d, accuracy=%.6f, f1=%.6f, macroF1=%.6f, logLoss=%.6f]",
                numClasses(), count(), accuracy(), weightedF1(), macroF1(), logLoss);
    }
}
