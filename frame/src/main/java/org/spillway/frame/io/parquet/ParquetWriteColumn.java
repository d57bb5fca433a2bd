package org.spillway.frame.io.parquet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.spillway.spill.DataType;
import org.spillway.spill.vector.BoolVector;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.StringVector;

/**
 * One column's values copied from chunk vectors onto the heap, so they outlive the chunk while a
 * row group fills up: ints (int32, date, bool as 0/1), longs (int64, timestamp), doubles, or UTF-8
 * bytes with offsets; a null flag per row when any row is null. Growable; not thread-safe.
 */
final class ParquetWriteColumn {
    final DataType type;
    int size;
    int[] ints;
    long[] longs;
    double[] doubles;
    byte[] bytes;
    int[] offsets; // strings: size + 1
    int byteLen;
    boolean[] nulls; // null until the first null
    int nullCount;

    ParquetWriteColumn(DataType type, int capacity) {
        this.type = type;
        int cap = Math.max(1, capacity);
        switch (type.kind()) {
            case BOOL, INT32, DATE -> ints = new int[cap];
            case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> longs = new long[cap];
            case FLOAT64 -> doubles = new double[cap];
            case STRING, BINARY, DECIMAL128 -> {
                offsets = new int[cap + 1];
                bytes = new byte[Math.max(16, cap * 8)];
            }
        }
    }

    /** Heap bytes held (for the memory budget). */
    long heapBytes() {
        long b = 16;
        if (ints != null) {
            b += 4L * ints.length;
        }
        if (longs != null) {
            b += 8L * longs.length;
        }
        if (doubles != null) {
            b += 8L * doubles.length;
        }
        if (offsets != null) {
            b += 4L * offsets.length + bytes.length;
        }
        if (nulls != null) {
            b += nulls.length;
        }
        return b;
    }

    private void ensureRows(int extra) {
        int need = size + extra;
        int cap = switch (type.kind()) {
            case BOOL, INT32, DATE -> ints.length;
            case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> longs.length;
            case FLOAT64 -> doubles.length;
            case STRING, BINARY, DECIMAL128 -> offsets.length - 1;
        };
        if (need > cap) {
            int n = (int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, (long) cap * 2));
            switch (type.kind()) {
                case BOOL, INT32, DATE -> ints = Arrays.copyOf(ints, n);
                case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> longs = Arrays.copyOf(longs, n);
                case FLOAT64 -> doubles = Arrays.copyOf(doubles, n);
                case STRING, BINARY, DECIMAL128 -> offsets = Arrays.copyOf(offsets, n + 1);
            }
            if (nulls != null) {
                nulls = Arrays.copyOf(nulls, n);
            }
        }
    }

    private void ensureBytes(int extra) {
        long need = (long) byteLen + extra;
        if (need > bytes.length) {
            if (need > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("a string column holds more than 2 GiB in one row group; use smaller row groups");
            }
            bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, (long) bytes.length * 2)));
        }
    }

    private void markNull(int row) {
        if (nulls == null) {
            int cap = switch (type.kind()) {
                case BOOL, INT32, DATE -> ints.length;
                case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> longs.length;
                case FLOAT64 -> doubles.length;
                case STRING, BINARY, DECIMAL128 -> offsets.length - 1;
            };
            nulls = new boolean[cap];
        }
        nulls[row] = true;
        nullCount++;
    }

    boolean isNull(int row) {
        return nulls != null && nulls[row];
    }

    /** Appends rows {@code rows[0, n)} of {@code v} (or rows {@code from} to {@code from + n} when {@code rows} is null). */
    void appendVector(ColumnVector v, int[] rows, int from, int n) {
        ensureRows(n);
        if (rows == null && bulk(v, from, n)) {
            return;
        }
        for (int k = 0; k < n; k++) {
            int r = rows == null ? from + k : rows[k];
            int at = size + k;
            boolean isNull = v.isNull(r);
            if (isNull) {
                markNull(at);
            }
            switch (type.kind()) {
                case BOOL -> ints[at] = !isNull && ((BoolVector) v).get(r) ? 1 : 0;
                case INT32, DATE -> ints[at] = isNull ? 0 : ((IntVector) v).get(r);
                case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> longs[at] = isNull ? 0 : ((LongVector) v).get(r);
                case FLOAT64 -> doubles[at] = isNull ? 0 : ((DoubleVector) v).get(r);
                case STRING, BINARY, DECIMAL128 -> {
                    StringVector s = (StringVector) v;
                    int len = isNull ? 0 : s.length(r);
                    ensureBytes(len);
                    if (len > 0) {
                        MemorySegment.copy(s.bytes(), ValueLayout.JAVA_BYTE, s.start(r), bytes, byteLen, len);
                    }
                    byteLen += len;
                    offsets[at + 1] = byteLen;
                }
            }
        }
        size += n;
    }

    /** Copies a run of rows in bulk (fixed-width numbers, plain strings); false if this layout needs the row loop. */
    private boolean bulk(ColumnVector v, int from, int n) {
        switch (type.kind()) {
            case INT32, DATE -> MemorySegment.copy(((IntVector) v).data(), ValueLayout.JAVA_INT_UNALIGNED, 4L * from, ints, size, n);
            case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL ->
                    MemorySegment.copy(((LongVector) v).data(), ValueLayout.JAVA_LONG_UNALIGNED, 8L * from, longs, size, n);
            case FLOAT64 -> MemorySegment.copy(((DoubleVector) v).data(), ValueLayout.JAVA_DOUBLE_UNALIGNED, 8L * from, doubles, size, n);
            case STRING, BINARY, DECIMAL128 -> {
                StringVector sv = (StringVector) v;
                if (sv.isDictionary()) {
                    return false;
                }
                int b0 = sv.offsets().getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, from);
                int b1 = sv.offsets().getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, from + n);
                ensureBytes(b1 - b0);
                MemorySegment.copy(sv.bytes(), ValueLayout.JAVA_BYTE, b0, bytes, byteLen, b1 - b0);
                MemorySegment.copy(sv.offsets(), ValueLayout.JAVA_INT_UNALIGNED, 4L * (from + 1), offsets, size + 1, n);
                int shift = byteLen - b0;
                for (int k = 1; k <= n; k++) {
                    offsets[size + k] += shift;
                }
                byteLen += b1 - b0;
            }
            default -> {
                return false;
            }
        }
        if (v.hasNulls()) {
            for (int k = 0; k < n; k++) {
                if (v.isNull(from + k)) {
                    markNull(size + k);
                }
            }
        }
        size += n;
        return true;
    }

    /** Appends rows {@code [from, to)} of another column of the same type. */
    void appendColumn(ParquetWriteColumn c, int from, int to) {
        int n = to - from;
        ensureRows(n);
        if (c.nulls != null) {
            for (int k = 0; k < n; k++) {
                if (c.nulls[from + k]) {
                    markNull(size + k);
                }
            }
        }
        switch (type.kind()) {
            case BOOL, INT32, DATE -> System.arraycopy(c.ints, from, ints, size, n);
            case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> System.arraycopy(c.longs, from, longs, size, n);
            case FLOAT64 -> System.arraycopy(c.doubles, from, doubles, size, n);
            case STRING, BINARY, DECIMAL128 -> {
                int b0 = c.offsets[from];
                int len = c.offsets[to] - b0;
                ensureBytes(len);
                System.arraycopy(c.bytes, b0, bytes, byteLen, len);
                int shift = byteLen - b0;
                for (int k = 1; k <= n; k++) {
                    offsets[size + k] = c.offsets[from + k] + shift;
                }
                byteLen += len;
            }
        }
        size += n;
    }
}
