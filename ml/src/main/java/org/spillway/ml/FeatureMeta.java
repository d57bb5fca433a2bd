package org.spillway.ml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.spillway.spill.Field;

/**
 * The column metadata (see {@link Field#metadata()}) by which encoders tell learners what a column
 * holds, as Spark's ML attributes do. A learner reads a column without these keys as one numeric
 * feature.
 *
 * <ul>
 *   <li>{@code ml.kind = onehot}: an int32 column of category slots {@code 0..ml.size-1} (or -1 for a
 *       row in no slot: the dropped reference category, or an unseen value kept as "unknown"); slot
 *       {@code i} is category {@code ml.categories[i]} (a JSON array of strings). The learner expands it
 *       to {@code ml.size} 0/1 features without materialising them.</li>
 *   <li>{@code ml.kind = hashed}: an int32 column of buckets {@code 0..ml.size-1} in the hashed feature
 *       space {@code ml.space}; every column of one space shares its {@code ml.size} coefficients.</li>
 *   <li>{@code ml.kind = hashed-numeric}: a numeric column whose value is the feature at bucket
 *       {@code ml.index} of the hashed space {@code ml.space} (of {@code ml.size} buckets).</li>
 * </ul>
 */
public final class FeatureMeta {
    /** The key naming the kind of feature column. */
    public static final String KIND = "ml.kind";
    /** One-hot category slots. */
    public static final String ONEHOT = "onehot";
    /** Hashed buckets of a categorical column. */
    public static final String HASHED = "hashed";
    /** A numeric column placed at one hashed bucket. */
    public static final String HASHED_NUMERIC = "hashed-numeric";
    /** The number of slots or buckets. */
    public static final String SIZE = "ml.size";
    /** The category of each slot, a JSON array of strings. */
    public static final String CATEGORIES = "ml.categories";
    /** The name of a hashed feature space. */
    public static final String SPACE = "ml.space";
    /** The bucket of a hashed numeric column. */
    public static final String INDEX = "ml.index";

    private static final ObjectMapper JSON = new ObjectMapper();

    private FeatureMeta() {
    }

    /** The metadata of a one-hot column with these slot categories. */
    public static Map<String, String> oneHot(List<String> categories) {
        try {
            return Map.of(KIND, ONEHOT, SIZE, Integer.toString(categories.size()), CATEGORIES, JSON.writeValueAsString(categories));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The metadata of a hashed column in {@code space} of {@code size} buckets. */
    public static Map<String, String> hashed(String space, int size) {
        return Map.of(KIND, HASHED, SPACE, space, SIZE, Integer.toString(size));
    }

    /** The metadata of a numeric column at bucket {@code index} of {@code space}. */
    public static Map<String, String> hashedNumeric(String space, int size, int index) {
        return Map.of(KIND, HASHED_NUMERIC, SPACE, space, SIZE, Integer.toString(size), INDEX, Integer.toString(index));
    }

    /** The kind of {@code f}, or null for a plain column. */
    public static String kind(Field f) {
        return f.metadata().get(KIND);
    }

    /** The slot or bucket count of an encoded column. */
    public static int size(Field f) {
        return intKey(f, SIZE);
    }

    /** The bucket of a hashed numeric column. */
    public static int index(Field f) {
        return intKey(f, INDEX);
    }

    /** The categories of a one-hot column's slots. */
    public static List<String> categories(Field f) {
        String s = f.metadata().get(CATEGORIES);
        if (s == null) {
            throw new MlException("Column '" + f.name() + "' is marked one-hot but has no " + CATEGORIES + " metadata");
        }
        try {
            return Arrays.asList(JSON.readValue(s, String[].class));
        } catch (JsonProcessingException e) {
            throw new MlException("Column '" + f.name() + "' has corrupt " + CATEGORIES + " metadata: " + e.getOriginalMessage());
        }
    }

    private static int intKey(Field f, String key) {
        String s = f.metadata().get(key);
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new MlException("Column '" + f.name() + "' has invalid " + key + " metadata: " + s);
        }
    }
}
