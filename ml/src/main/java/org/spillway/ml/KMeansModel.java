package org.spillway.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Functions;
import org.spillway.ml.clustering.NearestCenter;

/**
 * A fitted k-means model: the cluster centres and how training went. {@link #transform} adds, lazily,
 * the int32 column {@code prediction} (as Spark's, whose prediction is an integer): the index of
 * each row's nearest centre (euclidean distance, ties to the lowest index), null for a row with a
 * null, NaN or infinite feature. Saved models keep their summary.
 */
public final class KMeansModel implements Model, ModelIO.Persistable, RowTransformer {
    private final double[][] centers;
    private final List<String> featuresCols;
    private final String predictionCol;
    private final KMeansSummary summary;
    private final NearestCenter nearest;

    /**
     * A model from centres.
     *
     * @param centers       one row of values per centre, in the order of {@code featuresCols}
     * @param featuresCols  the feature columns
     * @param predictionCol the output column
     * @param summary       how it was trained
     */
    public KMeansModel(double[][] centers, List<String> featuresCols, String predictionCol, KMeansSummary summary) {
        if (centers.length == 0) {
            throw new MlException("A KMeansModel needs at least one centre");
        }
        this.centers = new double[centers.length][];
        for (int c = 0; c < centers.length; c++) {
            if (centers[c].length != featuresCols.size()) {
                throw new MlException("Centre " + c + " has " + centers[c].length + " values but there are " + featuresCols.size()
                        + " feature columns " + featuresCols);
            }
            for (double v : centers[c]) {
                if (!Double.isFinite(v)) {
                    throw new MlException("Centre " + c + " holds " + v + "; centres must be finite");
                }
            }
            this.centers[c] = centers[c].clone();
        }
        this.featuresCols = List.copyOf(featuresCols);
        this.predictionCol = predictionCol;
        this.summary = summary;
        this.nearest = new NearestCenter(this.centers, this.featuresCols, "KMeansModel");
    }

    /** The cluster centres, one row of values per centre in the order of {@link #featuresCols()} (a copy). */
    public double[][] clusterCenters() {
        double[][] out = new double[centers.length][];
        for (int c = 0; c < centers.length; c++) {
            out[c] = centers[c].clone();
        }
        return out;
    }

    /** The number of centres. */
    public int k() {
        return centers.length;
    }

    /** The feature columns. */
    public List<String> featuresCols() {
        return featuresCols;
    }

    /** The output column. */
    public String predictionCol() {
        return predictionCol;
    }

    /** How the model was trained. */
    public KMeansSummary summary() {
        return summary;
    }

    /** This model writing its cluster indices to another column. */
    public KMeansModel withPredictionCol(String c) {
        return new KMeansModel(centers, featuresCols, c, summary);
    }

    @Override
    public DataFrame transform(DataFrame frame) {
        return frame.withColumn(predictionCol, Functions.udf(nearest));
    }

    /** The nearest centre of a row given as its feature values, in the order of {@link #featuresCols()}. */
    public int predict(double... features) {
        if (features.length != featuresCols.size()) {
            throw new MlException("predict: " + features.length + " values given for the " + featuresCols.size() + " features "
                    + featuresCols);
        }
        for (int j = 0; j < features.length; j++) {
            if (!Double.isFinite(features[j])) {
                throw new MlException("predict: feature '" + featuresCols.get(j) + "' is " + features[j] + "; it must be finite");
            }
        }
        return nearest.predict(features);
    }

    @Override
    public Map<String, Object> transformRow(Map<String, ?> row) {
        Map<String, Object> out = new LinkedHashMap<>(row);
        double[] x = new double[featuresCols.size()];
        boolean missing = false;
        for (int j = 0; j < x.length; j++) {
            String c = featuresCols.get(j);
            if (!row.containsKey(c)) {
                throw new MlException("The row has no feature column '" + c + "'; it has " + row.keySet());
            }
            Object v = row.get(c);
            if (v == null) {
                missing = true;
            } else {
                x[j] = v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).doubleValue();
                missing |= !Double.isFinite(x[j]);
            }
        }
        out.put(predictionCol, missing ? null : nearest.predict(x));
        return out;
    }

    /** Loads a model saved with {@link #save}. */
    public static KMeansModel load(String path) {
        return Models.load(path, KMeansModel.class);
    }

    @Override
    public String modelType() {
        return "KMeansModel";
    }

    @Override
    public void writeJson(ObjectNode out) {
        ArrayNode cols = out.putArray("featuresCols");
        featuresCols.forEach(cols::add);
        out.put("predictionCol", predictionCol);
        ArrayNode cs = out.putArray("clusterCenters");
        for (double[] c : centers) {
            ArrayNode r = cs.addArray();
            for (double v : c) {
                r.add(v);
            }
        }
        ObjectNode s = out.putObject("summary");
        s.put("k", summary.k());
        s.put("trainingCost", summary.trainingCost());
        ArrayNode sizes = s.putArray("clusterSizes");
        for (long n : summary.clusterSizes()) {
            sizes.add(n);
        }
        s.put("numIter", summary.numIter());
        s.put("converged", summary.converged());
        ArrayNode h = s.putArray("costHistory");
        for (double v : summary.costHistory()) {
            h.add(v);
        }
        s.put("passes", summary.passes());
        s.put("rows", summary.rows());
        s.put("seconds", summary.seconds());
    }

    /** Reads what {@link #writeJson} wrote. */
    public static KMeansModel readJson(JsonNode in) {
        List<String> cols = new ArrayList<>();
        for (JsonNode c : required(in, "featuresCols")) {
            cols.add(c.asText());
        }
        JsonNode cs = required(in, "clusterCenters");
        if (!cs.isArray() || cs.isEmpty()) {
            throw new MlException("\"clusterCenters\" must be a non-empty array of centres");
        }
        double[][] centers = new double[cs.size()][];
        for (int c = 0; c < centers.length; c++) {
            JsonNode row = cs.get(c);
            centers[c] = new double[row.size()];
            for (int j = 0; j < row.size(); j++) {
                if (!row.get(j).isNumber()) {
                    throw new MlException("centre " + c + " holds " + row.get(j) + ", not a number");
                }
                centers[c][j] = row.get(j).asDouble();
            }
        }
        JsonNode s = required(in, "summary");
        JsonNode sizes = required(s, "clusterSizes");
        long[] sz = new long[sizes.size()];
        for (int i = 0; i < sz.length; i++) {
            sz[i] = sizes.get(i).asLong();
        }
        JsonNode hist = required(s, "costHistory");
        double[] h = new double[hist.size()];
        for (int i = 0; i < h.length; i++) {
            h[i] = hist.get(i).asDouble();
        }
        KMeansSummary summary = new KMeansSummary(required(s, "k").asInt(), required(s, "trainingCost").asDouble(), sz,
                required(s, "numIter").asInt(), s.path("converged").asBoolean(), h, s.path("passes").asInt(), s.path("rows").asLong(),
                s.path("seconds").asDouble());
        return new KMeansModel(centers, cols, required(in, "predictionCol").asText(), summary);
    }

    private static JsonNode required(JsonNode in, String field) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull()) {
            throw new MlException("the field \"" + field + "\" is missing");
        }
        return v;
    }

    @Override
    public String toString() {
        return "KMeansModel(" + centers.length + " centres over " + featuresCols + ")";
    }
}
