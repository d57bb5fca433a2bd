package org.spillway.ml;

import java.util.Map;
import java.util.function.ToIntFunction;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.StringVector;

/**
 * A categorical column turned into int32 slot codes, with the metadata that tells learners what the
 * slots are (one-hot categories or hashed buckets).
 */
abstract class SlotCodes extends OneColumnFunction {
    private final Map<String, String> metadata;

    SlotCodes(String column, Map<String, String> metadata) {
        super(column);
        this.metadata = Map.copyOf(metadata);
    }

    /** Throws an {@link MlException} if a column of type {@code t} cannot be coded. */
    abstract void checkType(DataType t);

    /** Writes the codes of the {@code n} rows of {@code v} to {@code codes}. */
    abstract void codes(ColumnVector v, int n, long[] codes);

    @Override
    public final DataType resultType(Schema schema) {
        checkType(inputType(schema));
        return DataType.INT32;
    }

    @Override
    public final Map<String, String> metadata(Schema schema) {
        return metadata;
    }

    @Override
    public final HeapColumn apply(Chunk chunk) {
        ColumnVector v = chunk.column(column);
        int n = v.size();
        HeapColumn out = new HeapColumn(DataType.INT32, n);
        codes(v, n, out.longs);
        return out;
    }

    /** {@code code} of every dictionary entry of {@code sv}: a dictionary column is coded once per entry, not per row. */
    static int[] codesByEntry(StringVector sv, ToIntFunction<String> code) {
        int[] byEntry = new int[sv.dictionarySize()];
        for (int e = 0; e < byEntry.length; e++) {
            byEntry[e] = code.applyAsInt(CategoryCodes.entry(sv, e));
        }
        return byEntry;
    }
}
