package org.spillway.ml.linear;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.spillway.ml.MlException;
import org.spillway.ml.Model;
import org.spillway.ml.ModelIO;

/**
 * What the linear models share: coefficients by feature name, the intercept, the training summary,
 * a printable summary table, and the JSON form. Immutable.
 */
public abstract class LinearModel implements Model, ModelIO.Persistable, org.spillway.ml.RowTransformer {
    /** The learned coefficients and layout. */
    protected final LinearModelData data;
    /** How training went (null for a model built by hand). */
    protected final TrainingSummary summary;

    /** For subclasses. */
    protected LinearModel(LinearModelData data, TrainingSummary summary) {
        this.data = data;
        this.summary = summary;
    }

    /** The coefficients and feature layout. */
    public LinearModelData data() {
        return data;
    }

    /** How training went. */
    public TrainingSummary summary() {
        if (summary == null) {
            throw new MlException("This model has no training summary");
        }
        return summary;
    }

    /** The number of features (after one-hot and hashing expansion). */
    public int numFeatures() {
        return data.layout().dimension();
    }

    /** The name of each feature position: the column, {@code column=category}, or {@code space[bucket]}. */
    public List<String> featureNames() {
        return List.of(data.layout().featureNames());
    }

    /** The feature columns the model reads. */
    public List<String> featuresCols() {
        return data.layout().columns();
    }

    /** The coefficients of the first (for binary and regression models, the only) margin. */
    public double[] coefficients() {
        return data.coefficients()[0];
    }

    /** The intercept of the first (only) margin. */
    public double intercept() {
        return data.intercepts()[0];
    }

    /** The coefficient of the feature named {@code name} (see {@link #featureNames()}). */
    public double coefficient(String name) {
        String[] names = data.layout().featureNames();
        for (int j = 0; j < names.length; j++) {
            if (names[j].equals(name)) {
                return coefficients()[j];
            }
        }
        throw new MlException("No feature named '" + name + "'; the model has " + (names.length > 20
                ? names.length + " features, e.g. " + List.of(names).subList(0, 20) : List.of(names)));
    }

    /** The coefficients by feature name, in feature order. */
    public Map<String, Double> coefficientMap() {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        String[] names = data.layout().featureNames();
        double[] c = coefficients();
        for (int j = 0; j < names.length; j++) {
            out.put(names[j], c[j]);
        }
        return out;
    }

    /** The model's type name in summaries. */
    protected abstract String title();

    /**
     * A readable summary: the training run, then the intercept and the coefficients by feature (the
     * {@code top} largest by magnitude when there are more).
     */
    public String summaryString(int top) {
        StringBuilder sb = new StringBuilder();
        sb.append(title()).append(" (").append(numFeatures()).append(" features from ")
                .append(featuresCols().size()).append(" columns)\n");
        if (summary != null) {
            sb.append("  ").append(summary).append('\n');
        }
        double[][] c = data.coefficients();
        double[] b = data.intercepts();
        String[] names = data.layout().featureNames();
        for (int k = 0; k < c.length; k++) {
            if (c.length > 1) {
                sb.append("  class ").append(k).append(":\n");
            }
            sb.append(String.format(Locale.ROOT, "  %-32s %14.6f%n", "(intercept)", b[k]));
            List<Integer> order = new ArrayList<>();
            for (int j = 0; j < names.length; j++) {
                order.add(j);
            }
            final double[] ck = c[k];
            if (names.length > top) {
                order.sort(Comparator.comparingDouble((Integer j) -> -Math.abs(ck[j])));
            }
            for (int i = 0; i < Math.min(top, names.length); i++) {
                int j = order.get(i);
                sb.append(String.format(Locale.ROOT, "  %-32s %14.6f%n", abbreviate(names[j]), ck[j]));
            }
            if (names.length > top) {
                sb.append(String.format(Locale.ROOT, "  ... %,d more (the %d largest by magnitude shown)%n", names.length - top, top));
            }
        }
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 32 ? s : s.substring(0, 29) + "...";
    }

    /** Prints {@link #summaryString(int)} with the 30 largest coefficients. */
    public void printSummary() {
        System.out.print(summaryString(30));
    }

    @Override
    public String toString() {
        return title() + "[" + numFeatures() + " features]";
    }

    // ---- JSON --------------------------------------------------------------------------------

    /** Writes the data and summary; subclasses add their own fields. */
    protected void writeCommon(ObjectNode out) {
        data.writeJson(out);
        if (summary != null) {
            ObjectNode s = out.putObject("summary");
            s.put("solver", summary.solver());
            s.put("iterations", summary.iterations());
            s.put("passes", summary.passes());
            s.put("converged", summary.converged());
            s.put("reason", summary.reason());
            s.put("rows", summary.rows());
            s.put("seconds", summary.seconds());
            ArrayNode h = s.putArray("objectiveHistory");
            for (double v : summary.objectiveHistory()) {
                h.add(v);
            }
        }
    }

    /** Reads the summary written by {@link #writeCommon}, or null. */
    protected static TrainingSummary readSummary(JsonNode in) {
        JsonNode s = in.get("summary");
        if (s == null || s.isNull()) {
            return null;
        }
        double[] h = new double[s.path("objectiveHistory").size()];
        for (int i = 0; i < h.length; i++) {
            h[i] = s.get("objectiveHistory").get(i).asDouble();
        }
        return new TrainingSummary(s.path("solver").asText(), s.path("iterations").asInt(), s.path("passes").asInt(),
                s.path("converged").asBoolean(), s.path("reason").asText(), h, s.path("rows").asLong(),
                s.path("seconds").asDouble());
    }

    /** A required text field. */
    protected static String text(JsonNode in, String field) {
        return LinearModelData.required(in, field).asText();
    }

    /** A required number field. */
    protected static double number(JsonNode in, String field) {
        return LinearModelData.number(LinearModelData.required(in, field), field);
    }

    /** An optional text field. */
    protected static String optText(JsonNode in, String field) {
        JsonNode n = in.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
