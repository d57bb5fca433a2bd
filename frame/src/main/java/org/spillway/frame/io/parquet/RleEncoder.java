package org.spillway.frame.io.parquet;

/**
 * Parquet's RLE / bit-packed hybrid encoding of small unsigned integers (definition levels,
 * dictionary indices). Runs of at least 8 equal values become RLE runs; everything else is
 * bit-packed in groups of 8 (the last group padded with zeros), at most 63 groups per run as
 * parquet-java writes them.
 */
final class RleEncoder {
    private RleEncoder() {
    }

    /** Appends the encoding of {@code values[0, n)} at {@code bitWidth} bits (1 to 32) to {@code out}. */
    static void encode(int[] values, int n, int bitWidth, ParquetWriteBuffer out) {
        int byteWidth = (bitWidth + 7) >>> 3;
        int packedStart = -1; // start of values waiting to be bit-packed (a multiple of 8 values, except at the end)
        int i = 0;
        while (i < n) {
            int v = values[i];
            int r = 1;
            while (i + r < n && values[i + r] == v && r < (1 << 30)) {
                r++;
            }
            if (r >= 8) {
                if (packedStart >= 0) {
                    bitPack(values, packedStart, i, bitWidth, out);
                    packedStart = -1;
                }
                out.putUnsignedVarInt((long) r << 1);
                out.ensure(byteWidth);
                for (int b = 0; b < byteWidth; b++) {
                    out.buf[out.len++] = (byte) (v >>> (8 * b));
                }
                i += r;
            } else {
                if (packedStart < 0) {
                    packedStart = i;
                }
                i = Math.min(n, i + 8);
            }
        }
        if (packedStart >= 0) {
            bitPack(values, packedStart, n, bitWidth, out);
        }
    }

    /** Bit-packs {@code values[from, to)} as runs of at most 63 groups of 8. */
    private static void bitPack(int[] values, int from, int to, int bitWidth, ParquetWriteBuffer out) {
        int pos = from;
        while (pos < to) {
            int count = Math.min(to - pos, 63 * 8);
            int groups = (count + 7) >>> 3;
            out.putUnsignedVarInt(((long) groups << 1) | 1);
            out.ensure(groups * bitWidth + 8);
            long acc = 0;
            int bits = 0;
            int end = pos + groups * 8;
            for (int k = pos; k < end; k++) {
                long v = k < pos + count ? values[k] & 0xFFFFFFFFL : 0;
                acc |= v << bits;
                bits += bitWidth;
                while (bits >= 8) {
                    out.buf[out.len++] = (byte) acc;
                    acc >>>= 8;
                    bits -= 8;
                }
            }
            pos += count;
        }
    }

    /** The bits needed for values up to {@code max} (at least 1). */
    static int bitWidth(int max) {
        return Math.max(1, 32 - Integer.numberOfLeadingZeros(max));
    }
}
