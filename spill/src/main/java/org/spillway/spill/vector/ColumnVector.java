package org.spillway.spill.vector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.spillway.spill.DataType;

/**
 * An immutable column of values of one {@link DataType}, stored off-heap in
 * {@link MemorySegment}s owned by the enclosing chunk's arena. Nulls are marked in a validity
 * bitmap (bit {@code i} set = row {@code i} valid); a vector without nulls has no bitmap.
 *
 * <p>Vectors are read by any thread; they are valid until their chunk is closed or spilled.
 */
public abstract sealed class ColumnVector
        permits FixedWidthVector, StringVector {
    /** Byte access for bitmaps and string bytes; static final so the JIT inlines it. */
    protected static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private final DataType type;
    private final int size;
    private final MemorySegment validity; // null when nullCount == 0
    private final int nullCount;

    ColumnVector(DataType type, int size, MemorySegment validity, int nullCount) {
        this.type = type;
        this.size = size;
        this.validity = nullCount == 0 ? null : validity;
        this.nullCount = nullCount;
    }

    /** The logical type. */
    public final DataType type() {
        return type;
    }

    /** Number of rows. */
    public final int size() {
        return size;
    }

    /** Number of null rows. */
    public final int nullCount() {
        return nullCount;
    }

    /** True if any row is null. */
    public final boolean hasNulls() {
        return nullCount > 0;
    }

    /** True if row {@code i} is null. */
    public final boolean isNull(int i) {
        return validity != null && (validity.get(BYTE, i >>> 3) & (1 << (i & 7))) == 0;
    }

    /** The validity bitmap ({@code (size + 7) / 8} bytes), or null when there are no nulls. */
    public final MemorySegment validity() {
        return validity;
    }

    /** Off-heap bytes this vector occupies. */
    public abstract long byteSize();

    /** The value at row {@code i} as a Java object (Integer, Long, Double, Boolean, String, LocalDate, Instant), or null. */
    public abstract Object getObject(int i);

    static long validityBytes(int size) {
        return (size + 7L) >>> 3;
    }
}
