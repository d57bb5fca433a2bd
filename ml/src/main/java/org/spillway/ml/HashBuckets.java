package org.spillway.ml;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.spillway.frame.ColumnNotFoundException;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.frame.udf.VectorFunction;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.StringVector;

/**
 * The hashed bucket of {@code column=value} for each row (int32, -1 for null), with the metadata of
 * a hashed feature column; a dictionary column is hashed once per entry.
 */
final class HashBuckets implements VectorFunction {
    static final int SEED = 42;
    private final String column;
    private final int buckets;
    private final Map<String, String> metadata;

    HashBuckets(String column, int buckets, Map<String, String> metadata) {
        this.column = column;
        this.buckets = buckets;
        this.metadata = Map.copyOf(metadata);
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
    public DataType resultType(Schema schema) {
        int i = schema.indexOf(column);
        if (i < 0) {
            throw new ColumnNotFoundException(column, schema.names());
        }
        if (!Categories.isCategorical(schema.type(i))) {
            throw new org.spillway.ml.MlException("FeatureHasher: column '" + column + "' is " + schema.type(i)
                    + " and cannot be hashed as a category (numeric columns are hashed as values unless named in categoricalCols)");
        }
        return DataType.INT32;
    }

    @Override
    public Map<String, String> metadata(Schema schema) {
        return metadata;
    }

    @Override
    public HeapColumn apply(Chunk chunk) {
        ColumnVector v = chunk.column(column);
        int n = v.size();
        HeapColumn out = new HeapColumn(DataType.INT32, n);
        long[] r = out.longs;
        if (v instanceof StringVector sv && sv.isDictionary()) {
            int[] byEntry = new int[sv.dictionarySize()];
            for (int e = 0; e < byEntry.length; e++) {
                byEntry[e] = bucket(feature(column, CategoryCodes.entry(sv, e)), buckets);
            }
            for (int i = 0; i < n; i++) {
                r[i] = sv.isNull(i) ? -1 : byEntry[sv.code(i)];
            }
        } else {
            for (int i = 0; i < n; i++) {
                r[i] = v.isNull(i) ? -1 : bucket(feature(column, v.getObject(i)), buckets);
            }
        }
        return out;
    }

    @Override
    public Set<String> inputColumns() {
        return Set.of(column);
    }

    @Override
    public String toString() {
        return "hash(" + column + ")";
    }
}
