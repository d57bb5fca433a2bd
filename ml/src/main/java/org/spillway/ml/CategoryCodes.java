package org.spillway.ml;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.spillway.spill.DataType;
import org.spillway.spill.vector.BoolVector;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.StringVector;

/**
 * Maps a categorical column (string, integer or bool) to int32 slot codes by a fixed table, with
 * metadata telling learners what the slots are. A value not in the table (and null) maps to
 * {@code missingCode}, or is an error when {@code missingCode} is {@link #ERROR}. A dictionary
 * string column is looked up once per dictionary entry, not per row.
 */
final class CategoryCodes extends SlotCodes {
    /** {@code missingCode} meaning an unknown value is an error. */
    static final int ERROR = Integer.MIN_VALUE;

    private final String owner;
    private final boolean strings;
    private final Object2IntOpenHashMap<String> byString = new Object2IntOpenHashMap<>();
    private final Long2IntOpenHashMap byLong = new Long2IntOpenHashMap();
    private final int missingCode;

    /**
     * @param column      the input column
     * @param strings     whether the input is a string column (else integral or bool)
     * @param codes       category label (as text) to slot
     * @param missingCode the code of unknown values and nulls, or {@link #ERROR}
     * @param metadata    the output column's metadata
     * @param owner       the transformer's name, for messages
     */
    CategoryCodes(String column, boolean strings, Map<String, Integer> codes, int missingCode, Map<String, String> metadata,
                     String owner) {
        super(column, metadata);
        this.strings = strings;
        this.missingCode = missingCode;
        this.owner = owner;
        byString.defaultReturnValue(Integer.MIN_VALUE + 1);
        byLong.defaultReturnValue(Integer.MIN_VALUE + 1);
        codes.forEach((k, v) -> {
            if (strings) {
                byString.put(k, (int) v);
            } else {
                byLong.put(Categories.parseKey(k), (int) v);
            }
        });
    }

    @Override
    void checkType(DataType t) {
        boolean isString = t == DataType.STRING;
        if (isString != strings || (!isString && !Categories.isCategorical(t))) {
            throw new MlException(owner + ": column '" + column + "' is " + t + " but was " + (strings ? "a string" : "an integer")
                    + " column when the encoder was fitted");
        }
    }

    @Override
    void codes(ColumnVector v, int n, long[] r) {
        switch (v) {
            case StringVector sv when sv.isDictionary() -> {
                int[] byEntry = codesByEntry(sv, byString::getInt);
                for (int i = 0; i < n; i++) {
                    r[i] = sv.isNull(i) ? missing(null) : known(byEntry[sv.code(i)], sv, i);
                }
            }
            case StringVector sv -> {
                for (int i = 0; i < n; i++) {
                    r[i] = sv.isNull(i) ? missing(null) : known(byString.getInt(sv.getString(i)), sv, i);
                }
            }
            case IntVector iv -> {
                for (int i = 0; i < n; i++) {
                    r[i] = iv.isNull(i) ? missing(null) : known(byLong.get(iv.get(i)), iv, i);
                }
            }
            case LongVector lv -> {
                for (int i = 0; i < n; i++) {
                    r[i] = lv.isNull(i) ? missing(null) : known(byLong.get(lv.get(i)), lv, i);
                }
            }
            case BoolVector bv -> {
                for (int i = 0; i < n; i++) {
                    r[i] = bv.isNull(i) ? missing(null) : known(byLong.get(bv.get(i) ? 1 : 0), bv, i);
                }
            }
            default -> throw new MlException(owner + ": column '" + column + "' is " + v.type() + ", not categorical");
        }
    }

    private int known(int code, ColumnVector v, int i) {
        return code == Integer.MIN_VALUE + 1 ? missing(v.getObject(i)) : code;
    }

    private int missing(Object value) {
        if (missingCode == ERROR) {
            throw new MlException(owner + ": column '" + column + "' holds " + (value == null ? "null" : "'" + value + "'")
                    + ", a category not seen when the encoder was fitted; set handleInvalid(\"keep\") to give unseen values"
                    + " and nulls no slot (or their own with dropLast(false))");
        }
        return missingCode;
    }

    /** Dictionary entry {@code e} as a string. */
    static String entry(StringVector sv, int e) {
        int start = sv.entryStart(e);
        int len = sv.entryLength(e);
        byte[] b = new byte[len];
        MemorySegment.copy(sv.bytes(), ValueLayout.JAVA_BYTE, start, b, 0, len);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The code of one value (for single-row prediction). */
    int code(Object value) {
        if (value == null) {
            return missing(null);
        }
        int c = strings ? byString.getInt(value.toString()) : byLong.get(Categories.toLong(value, column));
        return c == Integer.MIN_VALUE + 1 ? missing(value) : c;
    }

    @Override
    public String toString() {
        return owner + "(" + column + ")";
    }
}
