package org.spillway.ml;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.spillway.spill.DataType;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.StringVector;

/**
 * The hashed bucket of {@code column=value} for each row (int32, -1 for null), with the metadata of
 * a hashed feature column; a dictionary column is hashed once per entry.
 */
final class HashBuckets extends SlotCodes {
    static final int SEED = 42;
    private final int buckets;

    HashBuckets(String column, int buckets, Map<String, String> metadata) {
        super(column, metadata);
        this.buckets = buckets;
    }

    /** The bucket of a feature string among {@code buckets}. */
    static int bucket(String feature, int buckets) {
        return Math.floorMod(Murmur3.hash(feature.getBytes(StandardCharsets.UTF_8), SEED), buckets);
    }

    /** The feature string of a categorical value, as Spark writes it. */
    static String feature(String column, Object value) {
        return column + "=" + value;
    }

    @Override
    void checkType(DataType t) {
        if (!Categories.isCategorical(t)) {
            throw new org.spillway.ml.MlException("FeatureHasher: column '" + column + "' is " + t
                    + " and cannot be hashed as a category (numeric columns are hashed as values unless named in categoricalCols)");
        }
    }

    @Override
    void codes(ColumnVector v, int n, long[] r) {
        if (v instanceof StringVector sv && sv.isDictionary()) {
            int[] byEntry = codesByEntry(sv, e -> bucket(feature(column, e), buckets));
            for (int i = 0; i < n; i++) {
                r[i] = sv.isNull(i) ? -1 : byEntry[sv.code(i)];
            }
        } else {
            for (int i = 0; i < n; i++) {
                r[i] = v.isNull(i) ? -1 : bucket(feature(column, v.getObject(i)), buckets);
            }
        }
    }

    @Override
    public String toString() {
        return "hash(" + column + ")";
    }
}
