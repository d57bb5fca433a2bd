package org.spillway.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.spillway.frame.DataFrame;
import org.spillway.ml.linear.LinearModel;
import org.spillway.ml.linear.LinearModelData;
import org.spillway.ml.linear.OutputCols;
import org.spillway.ml.linear.ScoreExprs;
import org.spillway.ml.linear.TrainingSummary;

/**
 * A fitted logistic regression. {@link #transform} adds, lazily, for a binary model
 * {@code rawPrediction} (the log-odds), {@code probability} (of class 1) and {@code prediction}
 * (1.0 when the probability is above the threshold, else 0.0); for K classes
 * {@code rawPrediction_k} and {@code probability_k} for each class k and {@code prediction} (the most
 * probable class). Rows with a null feature get null outputs.
 */
public final class LogisticRegressionModel extends LinearModel {
    private final int numClasses;
    private final double threshold;
    private final OutputCols cols;

    /** A model from fitted data; {@code numClasses} 2 means one (binary) margin. */
    public LogisticRegressionModel(LinearModelData data, TrainingSummary summary, int numClasses, double threshold, OutputCols cols) {
        super(data, summary);
        if (numClasses == 2 ? data.margins() != 1 : data.margins() != numClasses) {
            throw new MlException("A logistic model of " + numClasses + " classes needs " + (numClasses == 2 ? 1 : numClasses)
                    + " margins, not " + data.margins());
        }
        this.numClasses = numClasses;
        this.threshold = threshold;
        this.cols = cols;
    }

    /** The number of classes. */
    public int numClasses() {
        return numClasses;
    }

    /** The probability threshold of a binary model. */
    public double threshold() {
        return threshold;
    }

    /** This model with another threshold (binary). */
    public LogisticRegressionModel withThreshold(double t) {
        if (!(t >= 0 && t <= 1)) {
            throw new MlException("threshold " + t + " must be within [0, 1]");
        }
        return new LogisticRegressionModel(data, summary, numClasses, t, cols);
    }

    /** The output column names. */
    public OutputCols outputCols() {
        return cols;
    }

    /** This model writing its outputs under other names. */
    public LogisticRegressionModel withOutputCols(OutputCols c) {
        return new LogisticRegressionModel(data, summary, numClasses, threshold, c);
    }

    /** The coefficients per class (a K x D matrix; one row for a binary model). */
    public double[][] coefficientMatrix() {
        return data.coefficients();
    }

    /** The intercept per class (one for a binary model). */
    public double[] interceptVector() {
        return data.intercepts();
    }

    @Override
    public DataFrame transform(DataFrame frame) {
        data.layout().check(frame.schema());
        if (numClasses == 2) {
            return frame.withColumn(cols.rawPrediction(), data.marginExpr(0, "LogisticRegressionModel"))
                    .withColumn(cols.probability(), ScoreExprs.sigmoid(cols.rawPrediction()))
                    .withColumn(cols.prediction(), ScoreExprs.above(cols.probability(), threshold));
        }
        DataFrame out = frame;
        List<String> raw = new ArrayList<>();
        for (int k = 0; k < numClasses; k++) {
            raw.add(cols.rawPrediction() + "_" + k);
            out = out.withColumn(raw.get(k), data.marginExpr(k, "LogisticRegressionModel"));
        }
        for (int k = 0; k < numClasses; k++) {
            out = out.withColumn(cols.probability() + "_" + k, ScoreExprs.softmax(raw, k));
        }
        return out.withColumn(cols.prediction(), ScoreExprs.argmax(raw));
    }

    /** The probability of each class for one row given by column name (encoded columns as slot codes). */
    public double[] predictProbability(Map<String, ?> row) {
        if (numClasses == 2) {
            double m = data.margin(row, 0);
            double p = m >= 0 ? 1 / (1 + Math.exp(-m)) : Math.exp(m) / (1 + Math.exp(m));
            return new double[] {1 - p, p};
        }
        double[] m = new double[numClasses];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < numClasses; k++) {
            m[k] = data.margin(row, k);
            max = Math.max(max, m[k]);
        }
        double z = 0;
        for (int k = 0; k < numClasses; k++) {
            m[k] = Math.exp(m[k] - max);
            z += m[k];
        }
        for (int k = 0; k < numClasses; k++) {
            m[k] /= z;
        }
        return m;
    }

    @Override
    public Map<String, Object> transformRow(Map<String, ?> row) {
        Map<String, Object> out = new java.util.LinkedHashMap<>(row);
        double[] p = predictProbability(row);
        if (numClasses == 2) {
            out.put(cols.rawPrediction(), data.margin(row, 0));
            out.put(cols.probability(), p[1]);
        } else {
            for (int k = 0; k < numClasses; k++) {
                out.put(cols.rawPrediction() + "_" + k, data.margin(row, k));
            }
            for (int k = 0; k < numClasses; k++) {
                out.put(cols.probability() + "_" + k, p[k]);
            }
        }
        out.put(cols.prediction(), predict(row));
        return out;
    }

    @Override
    public RowKernel compile(RowLayout layout) {
        int[] features = data.positions(layout, "LogisticRegressionModel");
        if (numClasses == 2) {
            int raw = layout.write(cols.rawPrediction());
            int prob = layout.write(cols.probability());
            int pred = layout.write(cols.prediction());
            double t = threshold;
            return row -> {
                if (data.anyNull(row, features)) {
                    row[raw] = null;
                    row[prob] = null;
                    row[pred] = null;
                    return;
                }
                double m = data.margin(row, features, 0);
                double p = m >= 0 ? 1 / (1 + Math.exp(-m)) : Math.exp(m) / (1 + Math.exp(m));   // as ScoreExprs.sigmoid
                row[raw] = m;
                row[prob] = p;
                row[pred] = p > t ? 1.0 : 0.0;                                                   // as ScoreExprs.above
            };
        }
        int k = numClasses;
        int[] raw = new int[k];
        int[] prob = new int[k];
        for (int c = 0; c < k; c++) {
            raw[c] = layout.write(cols.rawPrediction() + "_" + c);
        }
        for (int c = 0; c < k; c++) {
            prob[c] = layout.write(cols.probability() + "_" + c);
        }
        int pred = layout.write(cols.prediction());
        return row -> {
            if (data.anyNull(row, features)) {
                for (int c = 0; c < k; c++) {
                    row[raw[c]] = null;
                    row[prob[c]] = null;
                }
                row[pred] = null;
                return;
            }
            double[] m = new double[k];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                m[c] = data.margin(row, features, c);
                row[raw[c]] = m[c];
                max = Math.max(max, m[c]);
            }
            double z = 0;                                                                      // as ScoreExprs.softmax
            for (int c = 0; c < k; c++) {
                z += Math.exp(m[c] - max);
            }
            int best = 0;                                                                      // as ScoreExprs.argmax
            for (int c = 0; c < k; c++) {
                row[prob[c]] = Math.exp(m[c] - max) / z;
                if (m[c] > m[best]) {
                    best = c;
                }
            }
            row[pred] = (double) best;
        };
    }

    /** The predicted class of one row (see {@link #predictProbability}). */
    public double predict(Map<String, ?> row) {
        double[] p = predictProbability(row);
        if (numClasses == 2) {
            return p[1] > threshold ? 1 : 0;
        }
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }

    /** Loads a model saved with {@link #save}. */
    public static LogisticRegressionModel load(String path) {
        return Models.load(path, LogisticRegressionModel.class);
    }

    @Override
    protected String title() {
        return numClasses == 2 ? "LogisticRegressionModel" : "LogisticRegressionModel (multinomial, " + numClasses + " classes)";
    }

    @Override
    public String modelType() {
        return "LogisticRegressionModel";
    }

    @Override
    public void writeJson(ObjectNode out) {
        out.put("numClasses", numClasses);
        out.put("threshold", threshold);
        out.put("rawPredictionCol", cols.rawPrediction());
        out.put("probabilityCol", cols.probability());
        out.put("predictionCol", cols.prediction());
        writeCommon(out);
    }

    /** Reads what {@link #writeJson} wrote. */
    public static LogisticRegressionModel readJson(JsonNode in) {
        return new LogisticRegressionModel(LinearModelData.readJson(in), readSummary(in), (int) number(in, "numClasses"),
                number(in, "threshold"), new OutputCols(text(in, "rawPredictionCol"), text(in, "probabilityCol"),
                text(in, "predictionCol")));
    }
}
