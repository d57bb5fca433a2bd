package org.spillway.spill.vector;

import java.lang.foreign.MemorySegment;
import org.spillway.spill.DataType;

/**
 * The shared part of the vectors that hold one fixed-width value per row in a single data
 * segment ({@link IntVector}, {@link LongVector}, {@link DoubleVector}, {@link BoolVector}): the
 * segment and what is computed from it. The typed per-row reads ({@code get(i)}) stay in the final
 * subclasses, each with its own {@code static final} layout, so a read is a monomorphic call the
 * JIT inlines to one memory access.
 */
abstract sealed class FixedWidthVector extends ColumnVector permits IntVector, LongVector, DoubleVector, BoolVector {
    /** Read directly by the subclasses' {@code get}: a field load, as when each class had its own. */
    final MemorySegment data;

    FixedWidthVector(DataType type, int size, MemorySegment data, MemorySegment validity, int nullCount) {
        super(type, size, validity, nullCount);
        this.data = data;
    }

    /**
     * The raw data segment, one value per row in the platform's byte order: 4 bytes for an
     * {@link IntVector}, 8 for a {@link LongVector} or {@link DoubleVector}, 1 (0 or 1) for a
     * {@link BoolVector}.
     */
    public final MemorySegment data() {
        return data;
    }

    @Override
    public final long byteSize() {
        return data.byteSize() + (validity() == null ? 0 : validity().byteSize());
    }
}
