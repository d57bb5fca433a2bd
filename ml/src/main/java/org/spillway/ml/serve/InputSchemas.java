package org.spillway.ml.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.spillway.ml.MlException;
import org.spillway.ml.Model;
import org.spillway.ml.ModelIO;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * The columns a model reads and their types, worked out from the model itself, so that a saved model can be served
 * without naming its input schema ({@code ./spillway serve model.json}). The model's JSON document
 * ({@link ModelIO#toJson}) names every stage's input columns; a column an earlier stage of a pipeline writes is not
 * an input. Types:
 * <ul>
 *   <li>a one-hot encoded column is {@code string} when it was fitted on strings, else {@code bool} when its
 *       categories are {@code true}/{@code false}, else {@code int32} (or {@code int64} when a category does not
 *       fit an int);</li>
 *   <li>a column a standard scaler, an imputer, a linear model (as a numeric feature) or k-means reads is
 *       {@code float64} (these stages read any number as a double, so an int sent for it is exact);</li>
 *   <li>a {@code FeatureHasher}'s inputs and any stage type not listed here cannot be inferred (a hashed value
 *       depends on whether it is {@code 5} or {@code "5"}): give the schema to
 *       {@link ModelServer.Builder#model(String, Model, Schema)} instead.</li>
 * </ul>
 */
public final class InputSchemas {
    private InputSchemas() {
    }

    /**
     * The input schema of {@code model}, in the order its stages first read the columns.
     *
     * @throws MlException naming the stage when a stage's inputs cannot be inferred
     */
    public static Schema infer(Model model) {
        JsonNode doc;
        try {
            doc = ModelIO.toJson(model);
        } catch (MlException e) {
            throw new MlException("Cannot infer the input schema of a " + model.getClass().getSimpleName() + " (" + e.getMessage()
                    + "); give the input schema explicitly (ModelServer.Builder.model(name, model, schema))", e);
        }
        Map<String, DataType> inputs = new LinkedHashMap<>();
        Set<String> written = new HashSet<>();
        List<JsonNode> stages = new ArrayList<>();
        if ("PipelineModel".equals(doc.path("type").asText())) {
            doc.path("model").path("stages").forEach(stages::add);
        } else {
            stages.add(doc);
        }
        for (int i = 0; i < stages.size(); i++) {
            JsonNode stage = stages.get(i);
            String type = stage.path("type").asText();
            JsonNode body = stage.path("model");
            String where = stages.size() == 1 ? "the " + type : "stage " + i + " (" + type + ")";
            List<String> outs = new ArrayList<>();
            switch (type) {
                case "OneHotEncoderModel" -> {
                    for (JsonNode c : body.path("columns")) {
                        read(inputs, written, c.path("input").asText(), oneHotType(c));
                        outs.add(c.path("output").asText());
                    }
                }
                case "StandardScalerModel", "ImputerModel" -> {
                    for (JsonNode c : body.path("columns")) {
                        read(inputs, written, c.path("input").asText(), DataType.FLOAT64);
                        outs.add(c.path("output").asText());
                    }
                }
                case "KMeansModel" -> {
                    for (JsonNode c : body.path("featuresCols")) {
                        read(inputs, written, c.asText(), DataType.FLOAT64);
                    }
                    outs.add(body.path("predictionCol").asText("prediction"));
                }
                case "LogisticRegressionModel", "LinearRegressionModel", "LinearSVCModel" -> {
                    for (JsonNode b : body.path("features").path("blocks")) {
                        String column = b.path("column").asText();
                        String kind = b.path("kind").asText();
                        if (written.contains(column) || inputs.containsKey(column)) {
                            continue;
                        }
                        if (!kind.equals("NUMERIC")) {
                            throw new MlException("Cannot infer the input schema: " + where + " reads the " + kind.toLowerCase(java.util.Locale.ROOT)
                                    + " column '" + column + "', which no earlier stage encodes; give the input schema explicitly");
                        }
                        read(inputs, written, column, DataType.FLOAT64);
                    }
                }
                default -> throw new MlException("Cannot infer the input schema of " + where + ": its input types are not known"
                        + " from the model; give the input schema explicitly (ModelServer.Builder.model(name, model, schema))");
            }
            written.addAll(outs);
        }
        if (inputs.isEmpty()) {
            throw new MlException("Cannot infer the input schema: the model reads no columns");
        }
        List<Field> fields = new ArrayList<>();
        inputs.forEach((name, t) -> fields.add(new Field(name, t)));
        return new Schema(fields);
    }

    private static void read(Map<String, DataType> inputs, Set<String> written, String column, DataType type) {
        if (!written.contains(column)) {
            inputs.putIfAbsent(column, type);
        }
    }

    private static DataType oneHotType(JsonNode c) {
        if ("string".equals(c.path("type").asText())) {
            return DataType.STRING;
        }
        boolean bools = c.path("categories").size() > 0;
        boolean ints = true;
        for (JsonNode v : c.path("categories")) {
            String s = v.asText();
            bools &= s.equals("true") || s.equals("false");
            try {
                Integer.parseInt(s);
            } catch (NumberFormatException e) {
                ints = false;
            }
        }
        return bools ? DataType.BOOL : ints ? DataType.INT32 : DataType.INT64;
    }
}
