package org.spillway.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.spillway.frame.DataFrame;
import org.spillway.ml.linear.LinearModel;
import org.spillway.ml.linear.LinearModelData;
import org.spillway.ml.linear.TrainingSummary;

/** A fitted linear regression: {@link #transform} adds {@code prediction = intercept + x . coefficients}, lazily. */
public final class LinearRegressionModel extends LinearModel {
    private final String predictionCol;

    /** A model from fitted data. */
    public LinearRegressionModel(LinearModelData data, TrainingSummary summary, String predictionCol) {
        super(data, summary);
        this.predictionCol = predictionCol;
    }

    /** The column {@link #transform} adds. */
    public String predictionCol() {
        return predictionCol;
    }

    @Override
    public DataFrame transform(DataFrame frame) {
        data.layout().check(frame.schema());
        return frame.withColumn(predictionCol, data.marginExpr(0, "LinearRegressionModel"));
    }

    /** The prediction for one row given by column name (encoded columns as slot codes). */
    public double predict(Map<String, ?> row) {
        return data.margin(row, 0);
    }

    @Override
    public Map<String, Object> transformRow(Map<String, ?> row) {
        Map<String, Object> out = new java.util.LinkedHashMap<>(row);
        out.put(predictionCol, predict(row));
        return out;
    }

    @Override
    public RowKernel compile(RowLayout layout) {
        int[] features = data.positions(layout, "LinearRegressionModel");
        int pred = layout.write(predictionCol);
        return row -> row[pred] = data.anyNull(row, features) ? null : data.margin(row, features, 0);
    }

    /** Loads a model saved with {@link #save}. */
    public static LinearRegressionModel load(String path) {
        return Models.load(path, LinearRegressionModel.class);
    }

    @Override
    protected String title() {
        return "LinearRegressionModel";
    }

    @Override
    public String modelType() {
        return "LinearRegressionModel";
    }

    @Override
    public void writeJson(ObjectNode out) {
        out.put("predictionCol", predictionCol);
        writeCommon(out);
    }

    /** Reads what {@link #writeJson} wrote. */
    public static LinearRegressionModel readJson(JsonNode in) {
        return new LinearRegressionModel(LinearModelData.readJson(in), readSummary(in), text(in, "predictionCol"));
    }
}
