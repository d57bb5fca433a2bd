package org.spillway.frame.io.parquet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * xxHash64 with seed 0, the hash of Parquet's bloom filters (applied to a value's PLAIN encoding
 * without a length prefix: little-endian for numbers, the raw bytes for byte arrays). Written from the
 * xxHash specification so that no {@code sun.misc.Unsafe}-based hashing library is loaded; the
 * results equal parquet-java's {@code BlockSplitBloomFilter.hash(...)} for every input.
 */
final class XxHash64 {
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private XxHash64() {
    }

    /** The hash of all of {@code b}. */
    static long hash(byte[] b) {
        return hash(b, 0, b.length);
    }

    /** The hash of {@code b[off, off + len)}. */
    static long hash(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        int at = off;
        int end = off + len;
        long h;
        if (len >= 32) {
            long v1 = P1 + P2;
            long v2 = P2;
            long v3 = 0;
            long v4 = -P1;
            for (int limit = end - 32; at <= limit; at += 32) {
                v1 = round(v1, (long) LONG_LE.get(b, at));
                v2 = round(v2, (long) LONG_LE.get(b, at + 8));
                v3 = round(v3, (long) LONG_LE.get(b, at + 16));
                v4 = round(v4, (long) LONG_LE.get(b, at + 24));
            }
            h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            h = merge(h, v1);
            h = merge(h, v2);
            h = merge(h, v3);
            h = merge(h, v4);
        } else {
            h = P5;
        }
        h += len;
        for (; at + 8 <= end; at += 8) {
            h = mix8(h, (long) LONG_LE.get(b, at));
        }
        if (at + 4 <= end) {
            h = mix4(h, (int) INT_LE.get(b, at));
            at += 4;
        }
        for (; at < end; at++) {
            h ^= (b[at] & 0xFFL) * P5;
            h = Long.rotateLeft(h, 11) * P1;
        }
        return avalanche(h);
    }

    /** The hash of the 8 little-endian bytes of {@code v} (an INT64 value). */
    static long hashLong(long v) {
        return avalanche(mix8(P5 + 8, v));
    }

    /** The hash of the 4 little-endian bytes of {@code v} (an INT32 value). */
    static long hashInt(int v) {
        return avalanche(mix4(P5 + 4, v));
    }

    /**
     * The hash of a DOUBLE: its IEEE bits as stored, little-endian. The raw bits, as parquet-java
     * (through {@code ByteBuffer.putDouble}) and the PLAIN encoding keep them: NaNs are not collapsed.
     */
    static long hashDouble(double v) {
        return hashLong(Double.doubleToRawLongBits(v));
    }

    /** The hash of a FLOAT: its raw IEEE bits, little-endian. */
    static long hashFloat(float v) {
        return hashInt(Float.floatToRawIntBits(v));
    }

    private static long round(long acc, long input) {
        return Long.rotateLeft(acc + input * P2, 31) * P1;
    }

    private static long merge(long h, long v) {
        return (h ^ round(0, v)) * P1 + P4;
    }

    private static long mix8(long h, long k) {
        return Long.rotateLeft(h ^ round(0, k), 27) * P1 + P4;
    }

    private static long mix4(long h, int k) {
        return Long.rotateLeft(h ^ (k & 0xFFFF_FFFFL) * P1, 23) * P2 + P3;
    }

    private static long avalanche(long h) {
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        return h ^ h >>> 32;
    }
}
