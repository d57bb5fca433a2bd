package org.spillway.ml;

import static org.spillway.frame.Functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Expr;
import org.spillway.spill.DataType;

/** The means and standard deviations a {@link StandardScaler} learned; {@link #transform} scales lazily. */
public final class StandardScalerModel implements Model, ModelIO.Persistable, RowTransformer {
    private final List<String> inputs;
    private final List<String> outputs;
    private final double[] means;
    private final double[] stds;
    private final boolean withMean;
    private final boolean withStd;

    /** A model from learned statistics (one mean and standard deviation per input). */
    public StandardScalerModel(List<String> inputs, List<String> outputs, double[] means, double[] stds, boolean withMean,
                               boolean withStd) {
        if (inputs.size() != outputs.size() || inputs.size() != means.length || means.length != stds.length) {
            throw new MlException("StandardScalerModel: inputs, outputs, means and stds must have one entry per column");
        }
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.means = means.clone();
        this.stds = stds.clone();
        this.withMean = withMean;
        this.withStd = withStd;
    }

    /** The mean of each input column. */
    public double[] means() {
        return means.clone();
    }

    /** The (sample) standard deviation of each input column. */
    public double[] stds() {
        return stds.clone();
    }

    private double apply(int c, double x) {
        double v = withMean ? x - means[c] : x;
        return withStd ? v / stds[c] : v;
    }

    @Override
    public DataFrame transform(DataFrame frame) {
        DataFrame out = frame;
        for (int c = 0; c < inputs.size(); c++) {
            DataType t = frame.type(inputs.get(c));
            Expr x = t == DataType.FLOAT64 ? col(inputs.get(c)) : col(inputs.get(c)).cast(DataType.FLOAT64);
            Expr v = withMean ? x.minus(means[c]) : x;
            out = out.withColumn(outputs.get(c), withStd ? v.divide(stds[c]) : v);
        }
        return out;
    }

    @Override
    public Map<String, Object> transformRow(Map<String, ?> row) {
        Map<String, Object> out = new LinkedHashMap<>(row);
        for (int c = 0; c < inputs.size(); c++) {
            Object v = row.get(inputs.get(c));
            if (!row.containsKey(inputs.get(c))) {
                throw new MlException("The row has no column '" + inputs.get(c) + "' to scale");
            }
            out.put(outputs.get(c), v == null ? null : apply(c, v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).doubleValue()));
        }
        return out;
    }

    @Override
    public RowKernel compile(RowLayout layout) {
        int n = inputs.size();
        int[] in = new int[n];
        int[] out = new int[n];
        for (int c = 0; c < n; c++) {
            in[c] = layout.read(inputs.get(c), "StandardScalerModel");
            out[c] = layout.write(outputs.get(c));
        }
        return row -> {
            for (int c = 0; c < n; c++) {
                Object v = row[in[c]];
                row[out[c]] = v == null ? null : apply(c, v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).doubleValue());
            }
        };
    }

    /** Loads a model saved with {@link #save}. */
    public static StandardScalerModel load(String path) {
        return Models.load(path, StandardScalerModel.class);
    }

    @Override
    public String modelType() {
        return "StandardScalerModel";
    }

    @Override
    public void writeJson(ObjectNode out) {
        out.put("withMean", withMean);
        out.put("withStd", withStd);
        ArrayNode arr = out.putArray("columns");
        for (int c = 0; c < inputs.size(); c++) {
            arr.addObject().put("input", inputs.get(c)).put("output", outputs.get(c)).put("mean", means[c]).put("std", stds[c]);
        }
    }

    /** Reads what {@link #writeJson} wrote. */
    public static StandardScalerModel readJson(JsonNode in) {
        List<String> ins = new ArrayList<>();
        List<String> outs = new ArrayList<>();
        List<double[]> stats = new ArrayList<>();
        for (JsonNode o : in.path("columns")) {
            ins.add(o.get("input").asText());
            outs.add(o.get("output").asText());
            double std = o.get("std").asDouble();
            if (in.path("withStd").asBoolean(true) && !(std > 0)) {
                throw new MlException("column '" + o.get("input").asText() + "' has standard deviation " + std + ", not > 0");
            }
            stats.add(new double[] {o.get("mean").asDouble(), std});
        }
        if (ins.isEmpty()) {
            throw new MlException("a StandardScalerModel needs a non-empty \"columns\" array");
        }
        return new StandardScalerModel(ins, outs, stats.stream().mapToDouble(s -> s[0]).toArray(),
                stats.stream().mapToDouble(s -> s[1]).toArray(), in.path("withMean").asBoolean(false), in.path("withStd").asBoolean(true));
    }

    @Override
    public String toString() {
        return "StandardScalerModel" + inputs;
    }
}
