package org.spillway.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.spillway.frame.DataFrame;
import org.spillway.ml.linear.LinearModel;
import org.spillway.ml.linear.LinearModelData;
import org.spillway.ml.linear.OutputCols;
import org.spillway.ml.linear.ScoreExprs;
import org.spillway.ml.linear.TrainingSummary;

/**
 * A fitted linear SVM: {@link #transform} adds {@code rawPrediction} (the margin) and
 * {@code prediction} (1.0 when the margin is above the threshold, else 0.0), lazily. It has no
 * probabilities; evaluate AUC on {@code rawPrediction}.
 */
public final class LinearSVCModel extends LinearModel {
    private final double threshold;
    private final OutputCols cols;

    /** A model from fitted data. */
    public LinearSVCModel(LinearModelData data, TrainingSummary summary, double threshold, OutputCols cols) {
        super(data, summary);
        this.threshold = threshold;
        this.cols = cols;
    }

    /** The margin threshold. */
    public double threshold() {
        return threshold;
    }

    @Override
    public DataFrame transform(DataFrame frame) {
        data.layout().check(frame.schema());
        return frame.withColumn(cols.rawPrediction(), data.marginExpr(0, "LinearSVCModel"))
                .withColumn(cols.prediction(), ScoreExprs.above(cols.rawPrediction(), threshold));
    }

    /** The margin of one row given by column name. */
    public double margin(Map<String, ?> row) {
        return data.margin(row, 0);
    }

    /** The predicted class (0 or 1) of one row. */
    public double predict(Map<String, ?> row) {
        return margin(row) > threshold ? 1 : 0;
    }

    @Override
    public Map<String, Object> transformRow(Map<String, ?> row) {
        Map<String, Object> out = new java.util.LinkedHashMap<>(row);
        out.put(cols.rawPrediction(), margin(row));
        out.put(cols.prediction(), predict(row));
        return out;
    }

    @Override
    public RowKernel compile(RowLayout layout) {
        int[] features = data.positions(layout, "LinearSVCModel");
        int raw = layout.write(cols.rawPrediction());
        int pred = layout.write(cols.prediction());
        double t = threshold;
        return row -> {
            if (data.anyNull(row, features)) {
                row[raw] = null;
                row[pred] = null;
                return;
            }
            double m = data.margin(row, features, 0);
            row[raw] = m;
            row[pred] = m > t ? 1.0 : 0.0;
        };
    }

    /** Loads a model saved with {@link #save}. */
    public static LinearSVCModel load(String path) {
        return Models.load(path, LinearSVCModel.class);
    }

    @Override
    protected String title() {
        return "LinearSVCModel";
    }

    @Override
    public String modelType() {
        return "LinearSVCModel";
    }

    @Override
    public void writeJson(ObjectNode out) {
        out.put("threshold", threshold);
        out.put("rawPredictionCol", cols.rawPrediction());
        out.put("probabilityCol", cols.probability());
        out.put("predictionCol", cols.prediction());
        writeCommon(out);
    }

    /** Reads what {@link #writeJson} wrote. */
    public static LinearSVCModel readJson(JsonNode in) {
        return new LinearSVCModel(LinearModelData.readJson(in), readSummary(in), number(in, "threshold"),
                new OutputCols(text(in, "rawPredictionCol"), text(in, "probabilityCol"), text(in, "predictionCol")));
    }
}
