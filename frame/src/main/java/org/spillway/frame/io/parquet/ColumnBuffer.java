package org.spillway.frame.io.parquet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.spillway.spill.DataType;
import org.spillway.spill.vector.BoolVector;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DecimalValues;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.StringVector;

/**
 * One output column of one chunk being decoded: typed heap arrays of {@code chunkRows} values and a
 * validity bitmap kept only once a null arrives, reused chunk after chunk. Strings are held as codes
 * into the column chunk's (deduplicated) dictionary while every page is dictionary-encoded, else
 * as offsets and bytes.
 */
final class ColumnBuffer {
    final DataType type;
    int size;
    int nulls;
    byte[] valid;
    int[] ints;
    long[] longs;
    double[] doubles;
    byte[] bools;
    // strings
    boolean dictMode;
    StringDict dict;
    int[] codes;
    int[] offsets;
    byte[] bytes;
    int byteCount;

    /** A column chunk's dictionary of distinct strings. */
    static final class StringDict {
        byte[] bytes;
        int[] offsets;
        int size;
    }

    ColumnBuffer(DataType type, int capacity) {
        this.type = type;
        this.valid = new byte[((capacity + 7) >>> 3) + 1];
        switch (type.kind()) {
            case INT32, DATE -> ints = new int[capacity];
            case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> longs = new long[capacity];
            case FLOAT64 -> doubles = new double[capacity];
            case BOOL -> bools = new byte[capacity];
            case STRING, BINARY, DECIMAL128 -> {
                codes = new int[capacity];
                offsets = new int[capacity + 1];
                bytes = new byte[Math.max(1024, capacity * 8)];
            }
        }
    }

    void reset() {
        if (nulls > 0) {
            Arrays.fill(valid, 0, (size + 7) >>> 3, (byte) 0);
        }
        size = 0;
        nulls = 0;
        dictMode = false;
        dict = null;
        byteCount = 0;
        if (offsets != null) {
            offsets[0] = 0;
        }
    }

    /** Marks row {@code row} (the next one, being appended) null; its value slot is the caller's. */
    void markNull(int row) {
        if (nulls == 0) {
            setValidRange(0, row);
        }
        nulls++;
    }

    /** Marks rows [from, to) valid when bits are kept. */
    void markValid(int from, int to) {
        if (nulls > 0) {
            setValidRange(from, to);
        }
    }

    private void setValidRange(int from, int to) {
        for (int i = from; i < to; i++) {
            valid[i >>> 3] |= (byte) (1 << (i & 7));
        }
    }

    void setValid(int row) {
        if (nulls > 0) {
            valid[row >>> 3] |= (byte) (1 << (row & 7));
        }
    }

    /** Appends {@code k} nulls. */
    void appendNulls(int k) {
        if (offsets != null) { // string and binary
            toPlainIfDict();
            for (int i = 0; i < k; i++) {
                offsets[size + i + 1] = byteCount;
            }
        }
        for (int i = 0; i < k; i++) {
            markNull(size + i);
            clearSlot(size + i);
        }
        size += k;
    }

    private void clearSlot(int r) {
        switch (type.kind()) {
            case INT32, DATE -> ints[r] = 0;
            case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> longs[r] = 0;
            case FLOAT64 -> doubles[r] = 0;
            case BOOL -> bools[r] = 0;
            default -> {
            }
        }
    }

    /** Appends the int64 values {@code start, start + 1, ..., start + k - 1}. */
    void appendSequence(long start, int k) {
        for (int i = 0; i < k; i++) {
            longs[size + i] = start + i;
        }
        markValid(size, size + k);
        size += k;
    }

    /** Appends {@code k} copies of the storage value {@code v} (non-null). */
    void appendConstant(Object v, int k) {
        if (v == null) {
            appendNulls(k);
            return;
        }
        switch (type.kind()) {
            case INT32, DATE -> Arrays.fill(ints, size, size + k, (Integer) v);
            case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> Arrays.fill(longs, size, size + k, (Long) v);
            case FLOAT64 -> Arrays.fill(doubles, size, size + k, (Double) v);
            case BOOL -> Arrays.fill(bools, size, size + k, (byte) ((Boolean) v ? 1 : 0));
            case STRING, BINARY, DECIMAL128 -> {
                byte[] b = v instanceof String str ? str.getBytes(java.nio.charset.StandardCharsets.UTF_8) : (byte[]) v;
                toPlainIfDict();
                for (int i = 0; i < k; i++) {
                    appendBytes(b, 0, b.length);
                    size++;
                }
                markValid(size - k, size);
                return;
            }
        }
        markValid(size, size + k);
        size += k;
    }

    /**
     * Appends the rows of {@code src}, a column decoded in a file's narrower type, converted to this
     * buffer's type (see {@link ParquetTypes#converts}); nulls stay null.
     */
    void appendConverted(ColumnBuffer src) {
        DataType from = src.type;
        if (src.offsets != null) {
            src.toPlainIfDict();
        }
        int n = src.size;
        for (int i = 0; i < n; i++) {
            boolean isNull = src.nulls > 0 && (src.valid[i >>> 3] & (1 << (i & 7))) == 0;
            if (isNull) {
                appendNulls(1);
                continue;
            }
            switch (type.kind()) {
                case FLOAT64 -> doubles[size] = from == DataType.INT32 ? src.ints[i] : (double) src.longs[i];
                case TIMESTAMP_NTZ -> longs[size] = src.ints[i] * 86_400_000_000L;
                case DECIMAL -> longs[size] = Math.multiplyExact(integralOrUnscaled(src, i), DecimalValues.pow10(type.scale() - scaleOf(from)));
                case DECIMAL128 -> {
                    java.math.BigInteger u = from.kind() == DataType.Kind.DECIMAL128
                            ? DecimalValues.ofWide(java.util.Arrays.copyOfRange(src.bytes, src.offsets[i], src.offsets[i + 1]), 0)
                                    .unscaledValue()
                            : java.math.BigInteger.valueOf(integralOrUnscaled(src, i));
                    byte[] b = DecimalValues.wideBytes(u.multiply(java.math.BigInteger.TEN.pow(type.scale() - scaleOf(from))));
                    appendBytes(b, 0, b.length);
                }
                default -> throw new IllegalStateException("no conversion from " + from + " to " + type);
            }
            if (nulls > 0) {
                setValid(size);
            }
            size++;
        }
    }

    private static long integralOrUnscaled(ColumnBuffer src, int i) {
        return src.type == DataType.INT32 ? src.ints[i] : src.longs[i];
    }

    private static int scaleOf(DataType t) {
        return t.isDecimal() ? t.scale() : 0;
    }

    /** Appends the bytes of string row {@code size} (plain mode); the caller advances {@code size}. */
    void appendBytes(byte[] src, int off, int len) {
        int at = byteCount;
        if (at + len > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(at + len, bytes.length * 2));
        }
        System.arraycopy(src, off, bytes, at, len);
        byteCount = at + len;
        offsets[size + 1] = byteCount;
    }

    /**
     * Keeps only rows {@code keep[0 .. k)} (ascending, distinct, below {@link #size}), in place and in order: how a
     * scan leaves out the rows a table format deleted before the buffer is built into a vector, so they cost no copy.
     */
    void keep(int[] keep, int k) {
        int n = size;
        if (nulls > 0) {
            int left = 0;
            for (int j = 0; j < k; j++) { // keep[j] >= j: bit keep[j] is read before bit j is written
                int r = keep[j];
                if ((valid[r >>> 3] & (1 << (r & 7))) != 0) {
                    valid[j >>> 3] |= (byte) (1 << (j & 7));
                } else {
                    valid[j >>> 3] &= (byte) ~(1 << (j & 7));
                    left++;
                }
            }
            if (left == 0) {
                Arrays.fill(valid, 0, (n + 7) >>> 3, (byte) 0); // no bit may stay set once nulls is 0 (see reset)
            } else {
                for (int j = k; j < n && (j & 7) != 0; j++) {
                    valid[j >>> 3] &= (byte) ~(1 << (j & 7));
                }
                Arrays.fill(valid, (k + 7) >>> 3, (n + 7) >>> 3, (byte) 0);
            }
            nulls = left;
        }
        switch (type.kind()) {
            case INT32, DATE -> {
                for (int j = 0; j < k; j++) {
                    ints[j] = ints[keep[j]];
                }
            }
            case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> {
                for (int j = 0; j < k; j++) {
                    longs[j] = longs[keep[j]];
                }
            }
            case FLOAT64 -> {
                for (int j = 0; j < k; j++) {
                    doubles[j] = doubles[keep[j]];
                }
            }
            case BOOL -> {
                for (int j = 0; j < k; j++) {
                    bools[j] = bools[keep[j]];
                }
            }
            case STRING, BINARY, DECIMAL128 -> {
                if (dictMode) {
                    for (int j = 0; j < k; j++) {
                        codes[j] = codes[keep[j]];
                    }
                } else {
                    // offsets[keep[j]] and offsets[keep[j] + 1] are read before offsets[j + 1] is written; where
                    // keep[j'] = j' (nothing dropped yet) the value written is the one already there
                    int at = 0;
                    for (int j = 0; j < k; j++) {
                        int r = keep[j];
                        int from = offsets[r];
                        int len = offsets[r + 1] - from;
                        if (from != at) {
                            System.arraycopy(bytes, from, bytes, at, len);
                        }
                        at += len;
                        offsets[j + 1] = at;
                    }
                    byteCount = at;
                }
            }
        }
        size = k;
    }

    /** Turns the rows held as dictionary codes into offsets and bytes. */
    void toPlainIfDict() {
        if (!dictMode) {
            if (size == 0) {
                offsets[0] = 0;
            }
            return;
        }
        dictMode = false;
        int n = size;
        byteCount = 0;
        offsets[0] = 0;
        for (int i = 0; i < n; i++) {
            if (nulls > 0 && (valid[i >>> 3] & (1 << (i & 7))) == 0) {
                offsets[i + 1] = byteCount;
                continue;
            }
            int c = codes[i];
            int s = dict.offsets[c];
            int l = dict.offsets[c + 1] - s;
            size = i; // appendBytes writes offsets[size + 1]
            appendBytes(dict.bytes, s, l);
        }
        size = n;
        dict = null;
    }

    private boolean emitAsDictionary() {
        return dictMode && dict.size > 0 && dict.size <= Math.max(16, size);
    }

    /** Off-heap bytes {@link #build} will allocate, with slack for alignment. */
    long offHeapBytes() {
        long v = nulls > 0 ? ((size + 7L) >>> 3) + 64 : 0;
        return v + 64 + switch (type.kind()) {
            case INT32, DATE -> 4L * size;
            case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL, FLOAT64 -> 8L * size;
            case BOOL -> size;
            case STRING, BINARY, DECIMAL128 -> emitAsDictionary() ? 4L * size + 4L * (dict.size + 1) + dict.offsets[dict.size] + 128
                    : 4L * (size + 1) + (dictMode ? plainBytes() : byteCount) + 64;
        };
    }

    private long plainBytes() {
        long t = 0;
        for (int i = 0; i < size; i++) {
            if (nulls == 0 || (valid[i >>> 3] & (1 << (i & 7))) != 0) {
                t += dict.offsets[codes[i] + 1] - dict.offsets[codes[i]];
            }
        }
        return t;
    }

    ColumnVector build(Arena arena) {
        MemorySegment validity = null;
        if (nulls > 0) {
            int nb = (size + 7) >>> 3;
            validity = arena.allocate(nb, 8);
            MemorySegment.copy(valid, 0, validity, ValueLayout.JAVA_BYTE, 0, nb);
        }
        int n = size;
        switch (type.kind()) {
            case INT32, DATE -> {
                MemorySegment d = arena.allocate(Math.max(4L * n, 4), 8);
                MemorySegment.copy(ints, 0, d, ValueLayout.JAVA_INT, 0, n);
                int min = Integer.MAX_VALUE;
                int max = Integer.MIN_VALUE;
                for (int i = 0; i < n; i++) {
                    if (nulls == 0 || (valid[i >>> 3] & (1 << (i & 7))) != 0) {
                        min = Math.min(min, ints[i]);
                        max = Math.max(max, ints[i]);
                    }
                }
                return new IntVector(type, n, d, validity, nulls, min, max);
            }
            case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> {
                MemorySegment d = arena.allocate(Math.max(8L * n, 8), 8);
                MemorySegment.copy(longs, 0, d, ValueLayout.JAVA_LONG, 0, n);
                long min = Long.MAX_VALUE;
                long max = Long.MIN_VALUE;
                for (int i = 0; i < n; i++) {
                    if (nulls == 0 || (valid[i >>> 3] & (1 << (i & 7))) != 0) {
                        min = Math.min(min, longs[i]);
                        max = Math.max(max, longs[i]);
                    }
                }
                return new LongVector(type, n, d, validity, nulls, min, max);
            }
            case FLOAT64 -> {
                MemorySegment d = arena.allocate(Math.max(8L * n, 8), 8);
                MemorySegment.copy(doubles, 0, d, ValueLayout.JAVA_DOUBLE, 0, n);
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    double x = doubles[i];
                    if (x == x && (nulls == 0 || (valid[i >>> 3] & (1 << (i & 7))) != 0)) {
                        min = Math.min(min, x);
                        max = Math.max(max, x);
                    }
                }
                return new DoubleVector(n, d, validity, nulls, min, max);
            }
            case BOOL -> {
                MemorySegment d = arena.allocate(Math.max(n, 1), 8);
                MemorySegment.copy(bools, 0, d, ValueLayout.JAVA_BYTE, 0, n);
                int trues = 0;
                for (int i = 0; i < n; i++) {
                    trues += bools[i];
                }
                return new BoolVector(n, d, validity, nulls, trues);
            }
            default -> {
                if (emitAsDictionary()) {
                    MemorySegment c = arena.allocate(Math.max(4L * n, 4), 8);
                    MemorySegment.copy(codes, 0, c, ValueLayout.JAVA_INT, 0, n);
                    int ds = dict.size;
                    MemorySegment o = arena.allocate(4L * (ds + 1), 8);
                    MemorySegment.copy(dict.offsets, 0, o, ValueLayout.JAVA_INT, 0, ds + 1);
                    int nb = dict.offsets[ds];
                    MemorySegment b = arena.allocate(Math.max(nb, 1), 8);
                    MemorySegment.copy(dict.bytes, 0, b, ValueLayout.JAVA_BYTE, 0, nb);
                    return StringVector.dictionary(type, n, c, ds, o, b, validity, nulls);
                }
                toPlainIfDict();
                if (n == 0) {
                    offsets[0] = 0;
                }
                MemorySegment o = arena.allocate(4L * (n + 1), 8);
                MemorySegment.copy(offsets, 0, o, ValueLayout.JAVA_INT, 0, n + 1);
                MemorySegment b = arena.allocate(Math.max(byteCount, 1), 8);
                MemorySegment.copy(bytes, 0, b, ValueLayout.JAVA_BYTE, 0, byteCount);
                return StringVector.plain(type, n, o, b, validity, nulls);
            }
        }
    }
}
