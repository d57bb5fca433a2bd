package org.spillway.frame.exec.hash;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The value hashes group-by and joins partition and probe with. They depend only on the values
 * (never on dictionary codes or string ids local to one table), so every worker and every phase
 * sends a key to the same partition.
 */
public final class Hashing {
    /** The hash of a null key value. */
    public static final long NULL_HASH = 0x5bd1e9955bd1e995L;

    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED
            .withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private Hashing() {
    }

    /** Murmur3's 64-bit finalizer: a fast, well-mixing bijection. */
    public static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** Hash of an integral value (int32, int64, date, timestamp, bool as 0/1). */
    public static long ofLong(long v) {
        return mix(v + 0x9E3779B97F4A7C15L);
    }

    /** Hash of a double, with -0.0 equal to 0.0 and every NaN equal. */
    public static long ofDouble(double d) {
        return ofLong(canonicalBits(d));
    }

    /** The bits a double is compared by in keys: -0.0 as 0.0, one NaN. */
    public static long canonicalBits(double d) {
        if (d == 0) {
            return 0;
        }
        return Double.doubleToLongBits(d);
    }

    /** Hash of UTF-8 bytes in a heap array. */
    public static long ofBytes(byte[] b, int off, int len) {
        long h = 0x27d4eb2f165667c5L ^ len;
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            h = (h ^ mix(readLong(b, off + i))) * 0x9E3779B97F4A7C15L;
        }
        long tail = 0;
        for (int s = 0; i < len; i++, s += 8) {
            tail |= (b[off + i] & 0xFFL) << s;
        }
        return mix(h ^ mix(tail ^ 0x165667b19e3779f9L));
    }

    /**
     * Hash of UTF-8 bytes in a segment (the same value as {@link #ofBytes(byte[], int, int)}). The
     * last 1-7 bytes are read as one masked word when the segment has eight bytes there (most
     * rows of a string column), not byte by byte: a 12-byte key costs two loads.
     */
    public static long ofBytes(MemorySegment seg, long off, int len) {
        long h = 0x27d4eb2f165667c5L ^ len;
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            h = (h ^ mix(seg.get(LE_LONG, off + i))) * 0x9E3779B97F4A7C15L;
        }
        long tail = 0;
        int rest = len - i;
        if (rest > 0) {
            if (off + i + 8 <= seg.byteSize()) {
                tail = seg.get(LE_LONG, off + i) & (-1L >>> (64 - (rest << 3)));
            } else {
                for (int s = 0; i < len; i++, s += 8) {
                    tail |= (seg.get(ValueLayout.JAVA_BYTE, off + i) & 0xFFL) << s;
                }
            }
        }
        return mix(h ^ mix(tail ^ 0x165667b19e3779f9L));
    }

    private static long readLong(byte[] b, int off) {
        return (b[off] & 0xFFL) | (b[off + 1] & 0xFFL) << 8 | (b[off + 2] & 0xFFL) << 16 | (b[off + 3] & 0xFFL) << 24
                | (b[off + 4] & 0xFFL) << 32 | (b[off + 5] & 0xFFL) << 40 | (b[off + 6] & 0xFFL) << 48 | (b[off + 7] & 0xFFL) << 56;
    }

    /** Combines the hash so far with the next key column's hash. */
    public static long combine(long h, long next) {
        return (h ^ next) * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
    }
}
