package org.spillway.frame.io.parquet;

import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import java.util.Arrays;

/**
 * Builds the dictionary of one column chunk: the distinct non-null values in order of first
 * appearance, PLAIN encoded (the dictionary page's body), and each row's code. Gives up (returns
 * null) when the dictionary would exceed {@link #MAX_DICTIONARY_BYTES} or {@link #MAX_ENTRIES}
 * entries, or when it would not pay (more than 3/4 of the values distinct in a chunk of 1000
 * values or more); the chunk is then written plain. Doubles are keyed by their raw bits, so NaN
 * payloads and -0.0 survive.
 */
final class DictionaryEncoder {
    /** The largest dictionary page body written (parquet-java's default dictionary page size). */
    static final int MAX_DICTIONARY_BYTES = 1 << 20;
    /** The most dictionary entries. */
    static final int MAX_ENTRIES = 1 << 17;

    /** A built dictionary. */
    record Dictionary(byte[] page, int size, int[] codes) {
    }

    private DictionaryEncoder() {
    }

    /** The dictionary of {@code col}'s non-null values, or null if it is too large or useless. */
    static Dictionary build(ParquetWriteColumn col) {
        int n = col.size;
        int nonNull = n - col.nullCount;
        int[] codes = new int[n];
        ParquetWriteBuffer page = new ParquetWriteBuffer(1024);
        int size = 0;
        int width = switch (col.type.kind()) {
            case INT32, DATE -> 4;
            case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL, FLOAT64 -> 8;
            default -> 0;
        };
        int limit = Math.min(MAX_ENTRIES, width > 0 ? MAX_DICTIONARY_BYTES / width : Integer.MAX_VALUE);
        if (nonNull >= 1000) {
            limit = Math.min(limit, nonNull / 4 * 3);
        }
        switch (col.type.kind()) {
            case INT32, DATE -> {
                Int2IntOpenHashMap map = new Int2IntOpenHashMap();
                map.defaultReturnValue(-1);
                for (int i = 0; i < n; i++) {
                    if (col.isNull(i)) {
                        continue;
                    }
                    int v = col.ints[i];
                    int c = map.putIfAbsent(v, size);
                    if (c < 0) {
                        c = size++;
                        if (size > limit) {
                            return null;
                        }
                        page.putInt(v);
                    }
                    codes[i] = c;
                }
            }
            case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL, FLOAT64 -> {
                Long2IntOpenHashMap map = new Long2IntOpenHashMap();
                map.defaultReturnValue(-1);
                boolean dbl = col.type == org.spillway.spill.DataType.FLOAT64;
                for (int i = 0; i < n; i++) {
                    if (col.isNull(i)) {
                        continue;
                    }
                    long v = dbl ? Double.doubleToRawLongBits(col.doubles[i]) : col.longs[i];
                    int c = map.putIfAbsent(v, size);
                    if (c < 0) {
                        c = size++;
                        if (size > limit) {
                            return null;
                        }
                        page.putLong(v);
                    }
                    codes[i] = c;
                }
            }
            case STRING, BINARY, DECIMAL128 -> {
                size = strings(col, codes, page, limit);
                if (size < 0) {
                    return null;
                }
            }
            default -> {
                return null;
            }
        }
        return new Dictionary(page.toByteArray(), size, codes);
    }

    /** Fills {@code codes} and {@code page}; returns the number of entries, or -1 if the dictionary is too large. */
    private static int strings(ParquetWriteColumn col, int[] codes, ParquetWriteBuffer page, int limit) {
        int n = col.size;
        int cap = 1024;
        int[] table = new int[cap]; // entry index + 1, 0 = empty
        int[] hashes = new int[cap];
        int[] starts = new int[64]; // per entry: start in col.bytes, its length
        int[] lens = new int[64];
        int size = 0;
        byte[] b = col.bytes;
        for (int i = 0; i < n; i++) {
            if (col.isNull(i)) {
                continue;
            }
            int s = col.offsets[i];
            int len = col.offsets[i + 1] - s;
            int h = hash(b, s, len);
            int slot = h & (cap - 1);
            int code = -1;
            while (table[slot] != 0) {
                int e = table[slot] - 1;
                if (hashes[slot] == h && lens[e] == len && Arrays.equals(b, starts[e], starts[e] + len, b, s, s + len)) {
                    code = e;
                    break;
                }
                slot = (slot + 1) & (cap - 1);
            }
            if (code < 0) {
                code = size++;
                if (size > limit || page.size() + 4 + len > MAX_DICTIONARY_BYTES) {
                    return -1;
                }
                if (code == starts.length) {
                    starts = Arrays.copyOf(starts, code * 2);
                    lens = Arrays.copyOf(lens, code * 2);
                }
                starts[code] = s;
                lens[code] = len;
                page.putInt(len);
                page.write(b, s, len);
                table[slot] = code + 1;
                hashes[slot] = h;
                if (size * 2 > cap) {
                    int ncap = cap * 2;
                    int[] nt = new int[ncap];
                    int[] nh = new int[ncap];
                    for (int k = 0; k < cap; k++) {
                        if (table[k] != 0) {
                            int sl = hashes[k] & (ncap - 1);
                            while (nt[sl] != 0) {
                                sl = (sl + 1) & (ncap - 1);
                            }
                            nt[sl] = table[k];
                            nh[sl] = hashes[k];
                        }
                    }
                    table = nt;
                    hashes = nh;
                    cap = ncap;
                }
            }
            codes[i] = code;
        }
        return size;
    }

    private static int hash(byte[] b, int s, int len) {
        int h = len;
        for (int i = s; i < s + len; i++) {
            h = 31 * h + b[i];
        }
        return h ^ (h >>> 16) * 0x45d9f3b;
    }
}
