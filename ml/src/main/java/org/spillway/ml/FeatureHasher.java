package org.spillway.ml;

import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.udf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.spillway.frame.DataFrame;
import org.spillway.spill.DataType;

/**
 * The hashing trick, as Spark's {@code FeatureHasher}: columns of many categories (user ids, URLs)
 * become features of a fixed-size space of {@code numFeatures} buckets (default 2^18) without
 * learning or storing their values. A categorical column (string, bool, or a number named in
 * {@code categoricalCols}) is replaced by an int32 column holding the bucket of the string
 * {@code column=value} (MurmurHash3, seed 42; -1 for null); a numeric column keeps its values and
 * is marked to be the feature at the bucket of its name. Every column of one hasher shares the
 * space named {@code outputCol} (default "features"): a learner gives the space one coefficient per
 * bucket, and colliding features share it. It learns nothing, so it is a transformer (a model with
 * no fitting), saved with a pipeline like any model. Hashed features are not standardized by the
 * learners.
 */
public final class FeatureHasher implements Model, ModelIO.Persistable, RowTransformer {
    private final List<String> inputCols;
    private final Set<String> categoricalCols;
    private final int numFeatures;
    private final String outputCol;

    /** A hasher with no columns yet, 2^18 buckets, space "features". */
    public FeatureHasher() {
        this(List.of(), Set.of(), 1 << 18, "features");
    }

    private FeatureHasher(List<String> in, Set<String> cat, int n, String out) {
        this.inputCols = List.copyOf(in);
        this.categoricalCols = Set.copyOf(cat);
        this.numFeatures = n;
        this.outputCol = out;
    }

    /** The columns to hash. */
    public FeatureHasher inputCols(String... cols) {
        return new FeatureHasher(List.of(cols), categoricalCols, numFeatures, outputCol);
    }

    /** Numeric columns to hash as categories instead of as values. */
    public FeatureHasher categoricalCols(String... cols) {
        return new FeatureHasher(inputCols, Set.of(cols), numFeatures, outputCol);
    }

    /** The number of buckets; default 2^18 = 262,144. */
    public FeatureHasher numFeatures(int n) {
        if (n < 1) {
            throw new MlException("Parameter numFeatures = " + n + " is invalid: it must be >= 1");
        }
        return new FeatureHasher(inputCols, categoricalCols, n, outputCol);
    }

    /** The name of the hashed feature space; default "features". */
    public FeatureHasher outputCol(String name) {
        return new FeatureHasher(inputCols, categoricalCols, numFeatures, java.util.Objects.requireNonNull(name, "outputCol"));
    }

    /** The number of buckets. */
    public int getNumFeatures() {
        return numFeatures;
    }

    private boolean categorical(DataType t, String c) {
        return t == DataType.STRING || t == DataType.BOOL || categoricalCols.contains(c);
    }

    @Override
    public DataFrame transform(DataFrame frame) {
        if (inputCols.isEmpty()) {
            throw new MlException("FeatureHasher: no inputCols(...) given");
        }
        for (String c : categoricalCols) {
            if (!inputCols.contains(c)) {
                throw new MlException("FeatureHasher: categoricalCols names '" + c + "', which is not among inputCols " + inputCols);
            }
        }
        DataFrame out = frame;
        for (String c : inputCols) {
            DataType t = frame.type(c);
            if (categorical(t, c)) {
                out = out.withColumn(c, udf(new HashBuckets(c, numFeatures, FeatureMeta.hashed(outputCol, numFeatures))));
            } else if (t == DataType.INT32 || t == DataType.INT64 || t == DataType.FLOAT64) {
                int bucket = HashBuckets.bucket(c, numFeatures);
                out = out.withColumn(c, col(c).withMetadata(FeatureMeta.hashedNumeric(outputCol, numFeatures, bucket)));
            } else {
                throw new MlException("FeatureHasher: column '" + c + "' is " + t + " and cannot be hashed");
            }
        }
        return out;
    }

    @Override
    public Map<String, Object> transformRow(Map<String, ?> row) {
        Map<String, Object> out = new LinkedHashMap<>(row);
        for (String c : inputCols) {
            Object v = row.get(c);
            boolean cat = v instanceof String || v instanceof Boolean || categoricalCols.contains(c);
            if (cat) {
                out.put(c, v == null ? -1 : HashBuckets.bucket(HashBuckets.feature(c, v), numFeatures));
            }
        }
        return out;
    }

    /** Loads a hasher saved with {@link #save}. */
    public static FeatureHasher load(String path) {
        return Models.load(path, FeatureHasher.class);
    }

    @Override
    public String modelType() {
        return "FeatureHasher";
    }

    @Override
    public void writeJson(ObjectNode out) {
        out.put("numFeatures", numFeatures);
        out.put("outputCol", outputCol);
        ArrayNode in = out.putArray("inputCols");
        inputCols.forEach(in::add);
        ArrayNode cat = out.putArray("categoricalCols");
        categoricalCols.stream().sorted().forEach(cat::add);
    }

    /** Reads what {@link #writeJson} wrote. */
    public static FeatureHasher readJson(JsonNode in) {
        List<String> cols = new ArrayList<>();
        in.path("inputCols").forEach(c -> cols.add(c.asText()));
        List<String> cat = new ArrayList<>();
        in.path("categoricalCols").forEach(c -> cat.add(c.asText()));
        int n = in.path("numFeatures").asInt(-1);
        if (n < 1) {
            throw new MlException("a FeatureHasher needs \"numFeatures\" >= 1");
        }
        return new FeatureHasher(cols, Set.copyOf(cat), n, in.path("outputCol").asText("features"));
    }

    @Override
    public String toString() {
        return "FeatureHasher" + inputCols + " into " + numFeatures + " buckets of '" + outputCol + "'";
    }
}
