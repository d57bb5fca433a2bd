package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.apache.parquet.column.values.bloomfilter.BlockSplitBloomFilter;
import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.Test;

/**
 * {@link XxHash64} against the reference implementation's results (libxxhash 0.8 {@code XXH64(input,
 * len, 0)}) and against parquet-java's {@link BlockSplitBloomFilter#hash} for every length across
 * the 32-byte stripes and every value type a bloom filter hashes (the only place parquet-column's
 * hashing may still be used).
 */
class XxHash64Test {
    private static final BlockSplitBloomFilter PARQUET = new BlockSplitBloomFilter(32);

    private static byte[] ascending(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    private static long ascii(String s) {
        return XxHash64.hash(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void referenceVectors() {
        assertEquals(0xEF46DB3751D8E999L, XxHash64.hash(new byte[0]));
        assertEquals(0xD24EC4F1A98C6E5BL, ascii("a"));
        assertEquals(0x44BC2CF5AD770999L, ascii("abc"));
        assertEquals(0x066ED728FCEEB3BEL, ascii("message digest"));
        assertEquals(0xCFE1F278FA89835CL, ascii("abcdefghijklmnopqrstuvwxyz"));
        assertEquals(0x0B242D361FDA71BCL, ascii("The quick brown fox jumps over the lazy dog"));
        assertEquals(0xCBF59C5116FF32B4L, XxHash64.hash(ascending(32)), "one stripe exactly");
        assertEquals(0x0C535D1ACAFB8EADL, XxHash64.hash(ascending(33)), "one stripe and a byte");
        assertEquals(0x6AC1E58032166597L, XxHash64.hash(ascending(100)), "three stripes and an int");
    }

    @Test
    void aSliceHashesAsItsBytes() {
        byte[] b = ascending(200);
        Random r = new Random(5);
        for (int n = 0; n < 500; n++) {
            int off = r.nextInt(b.length + 1);
            int len = r.nextInt(b.length - off + 1);
            assertEquals(XxHash64.hash(Arrays.copyOfRange(b, off, off + len)), XxHash64.hash(b, off, len));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> XxHash64.hash(b, 190, 11));
        assertThrows(IndexOutOfBoundsException.class, () -> XxHash64.hash(b, -1, 2));
    }

    @Test
    void bytesOfEveryLengthEqualParquetJava() {
        Random r = new Random(1);
        for (int len = 0; len <= 300; len++) {
            for (int k = 0; k < 4; k++) {
                byte[] b = new byte[len];
                r.nextBytes(b);
                assertEquals(PARQUET.hash(Binary.fromConstantByteArray(b)), XxHash64.hash(b), "length " + len);
            }
        }
        byte[] big = new byte[100_003];
        r.nextBytes(big);
        assertEquals(PARQUET.hash(Binary.fromConstantByteArray(big)), XxHash64.hash(big));
        assertEquals(PARQUET.hash(Binary.fromString("naïve 日本語 😀")), XxHash64.hash("naïve 日本語 😀".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void numbersEqualParquetJava() {
        Random r = new Random(2);
        int[] ints = {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 19_000};
        for (int v : ints) {
            assertEquals(PARQUET.hash(v), XxHash64.hashInt(v), "int " + v);
        }
        long[] longs = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 32};
        for (long v : longs) {
            assertEquals(PARQUET.hash(v), XxHash64.hashLong(v), "long " + v);
        }
        double[] doubles = {0.0, -0.0, 1.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE,
            -Double.MAX_VALUE, Double.longBitsToDouble(0x7FF0_0000_0000_0001L), Double.longBitsToDouble(0xFFF8_0000_0000_1234L)};
        for (double v : doubles) {
            assertEquals(PARQUET.hash(v), XxHash64.hashDouble(v), "double " + Long.toHexString(Double.doubleToRawLongBits(v)));
        }
        float[] floats = {0.0f, -0.0f, 0.25f, Float.NaN, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
            Float.intBitsToFloat(0x7F80_0001), Float.intBitsToFloat(0xFFC0_1234)};
        for (float v : floats) {
            assertEquals(PARQUET.hash(v), XxHash64.hashFloat(v), "float " + Integer.toHexString(Float.floatToRawIntBits(v)));
        }
        for (int n = 0; n < 5000; n++) {
            int i = r.nextInt();
            long l = r.nextLong();
            double d = r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20);
            float f = (float) d;
            assertEquals(PARQUET.hash(i), XxHash64.hashInt(i));
            assertEquals(PARQUET.hash(l), XxHash64.hashLong(l));
            assertEquals(PARQUET.hash(d), XxHash64.hashDouble(d));
            assertEquals(PARQUET.hash(f), XxHash64.hashFloat(f));
        }
    }

    @Test
    void numbersHashAsTheirLittleEndianPlainBytes() {
        Random r = new Random(3);
        for (int n = 0; n < 1000; n++) {
            long l = r.nextLong();
            int i = (int) l;
            double d = Double.longBitsToDouble(l); // any bits, NaN payloads included: the raw bits are hashed
            assertEquals(XxHash64.hash(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(l).array()), XxHash64.hashLong(l));
            assertEquals(XxHash64.hash(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(i).array()), XxHash64.hashInt(i));
            if (Double.doubleToRawLongBits(d) == l) { // a platform may quiet a signalling NaN on the way
                assertEquals(XxHash64.hashLong(l), XxHash64.hashDouble(d));
            }
            float f = Float.intBitsToFloat(i);
            if (Float.floatToRawIntBits(f) == i) {
                assertEquals(XxHash64.hashInt(i), XxHash64.hashFloat(f));
            }
        }
    }
}
