package org.spillway.ml;

import static org.spillway.frame.Functions.udf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spillway.frame.DataFrame;

/** The fill values an {@link Imputer} chose; {@link #transform} fills nulls and NaN lazily. */
public final class ImputerModel implements Model, ModelIO.Persistable, RowTransformer {
    private final List<String> inputs;
    private final List<String> outputs;
    private final double[] fills;
    private final String strategy;

    /** A model from chosen fill values (one per input). */
    public ImputerModel(List<String> inputs, List<String> outputs, double[] fills, String strategy) {
        if (inputs.size() != outputs.size() || inputs.size() != fills.length) {
            throw new MlException("ImputerModel: inputs, outputs and fill values must have one entry per column");
        }
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.fills = fills.clone();
        this.strategy = strategy;
    }

    /** The fill value of each input column. */
    public double[] fillValues() {
        return fills.clone();
    }

    @Override
    public DataFrame transform(DataFrame frame) {
        DataFrame out = frame;
        for (int c = 0; c < inputs.size(); c++) {
            out = out.withColumn(outputs.get(c), udf(new FillMissing(inputs.get(c), fills[c])));
        }
        return out;
    }

    @Override
    public Map<String, Object> transformRow(Map<String, ?> row) {
        Map<String, Object> out = new LinkedHashMap<>(row);
        for (int c = 0; c < inputs.size(); c++) {
            Object v = row.get(inputs.get(c));
            double d = v == null ? Double.NaN : ((Number) v).doubleValue();
            out.put(outputs.get(c), Double.isNaN(d) ? fills[c] : d);
        }
        return out;
    }

    /** Loads a model saved with {@link #save}. */
    public static ImputerModel load(String path) {
        return Models.load(path, ImputerModel.class);
    }

    @Override
    public String modelType() {
        return "ImputerModel";
    }

    @Override
    public void writeJson(ObjectNode out) {
        out.put("strategy", strategy);
        ArrayNode arr = out.putArray("columns");
        for (int c = 0; c < inputs.size(); c++) {
            arr.addObject().put("input", inputs.get(c)).put("output", outputs.get(c)).put("fill", fills[c]);
        }
    }

    /** Reads what {@link #writeJson} wrote. */
    public static ImputerModel readJson(JsonNode in) {
        List<String> ins = new ArrayList<>();
        List<String> outs = new ArrayList<>();
        List<Double> fills = new ArrayList<>();
        for (JsonNode o : in.path("columns")) {
            ins.add(o.get("input").asText());
            outs.add(o.get("output").asText());
            double f = o.get("fill").asDouble(Double.NaN);
            if (!Double.isFinite(f)) {
                throw new MlException("column '" + o.get("input").asText() + "' has a fill value that is not a finite number");
            }
            fills.add(f);
        }
        if (ins.isEmpty()) {
            throw new MlException("an ImputerModel needs a non-empty \"columns\" array");
        }
        return new ImputerModel(ins, outs, fills.stream().mapToDouble(Double::doubleValue).toArray(), in.path("strategy").asText());
    }

    @Override
    public String toString() {
        return "ImputerModel(" + strategy + ")" + inputs;
    }
}
