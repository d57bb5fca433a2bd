package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.apache.parquet.column.values.bloomfilter.BlockSplitBloomFilter;
import org.apache.parquet.format.BloomFilterAlgorithm;
import org.apache.parquet.format.BloomFilterCompression;
import org.apache.parquet.format.BloomFilterHash;
import org.apache.parquet.format.BloomFilterHeader;
import org.apache.parquet.format.SplitBlockAlgorithm;
import org.apache.parquet.format.Uncompressed;
import org.apache.parquet.format.Util;
import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.Test;
import org.spillway.spill.DataType;

/**
 * {@link SplitBlockBloomFilter} and {@link ParquetBloomFilters#build} against parquet-java's
 * {@link BlockSplitBloomFilter}: the same sizes, the same bits set for the same hashes, the same
 * answers, and serialized filters byte for byte equal to what the parquet-column-based build wrote.
 */
class SplitBlockBloomFilterTest {

    @Test
    void sizesEqualParquetJava() {
        double[] fpps = {0.5, 0.3, 0.05, 0.01, 0.001, 1e-6, 1e-12};
        long[] ndvs = {0, 1, 2, 7, 26, 27, 100, 1000, 12_345, 1_000_000, 100_000_000, 1L << 40, Long.MAX_VALUE / 16};
        for (double fpp : fpps) {
            for (long ndv : ndvs) {
                assertEquals(BlockSplitBloomFilter.optimalNumOfBits(ndv, fpp), SplitBlockBloomFilter.optimalNumOfBits(ndv, fpp),
                        ndv + " at " + fpp);
            }
        }
        Random r = new Random(4);
        for (int n = 0; n < 2000; n++) {
            long ndv = r.nextInt(1 << r.nextInt(31));
            double fpp = Math.pow(10, -r.nextDouble() * 6);
            if (fpp < 1.0) {
                assertEquals(BlockSplitBloomFilter.optimalNumOfBits(ndv, fpp), SplitBlockBloomFilter.optimalNumOfBits(ndv, fpp),
                        ndv + " at " + fpp);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> SplitBlockBloomFilter.optimalNumOfBits(10, 0.0));
        assertThrows(IllegalArgumentException.class, () -> SplitBlockBloomFilter.optimalNumOfBits(10, 1.0));
        assertThrows(IllegalArgumentException.class, () -> SplitBlockBloomFilter.optimalNumOfBits(10, Double.NaN));
        int[] bytes = {Integer.MIN_VALUE, -1, 0, 1, 31, 32, 33, 63, 64, 65, 1000, 1024, 4097, 1 << 19, (1 << 19) + 1, 1 << 20,
            (1 << 20) + 1, 3 << 20, Integer.MAX_VALUE};
        for (int max : new int[] {64, 1024, 1 << 20, 2 << 20}) {
            for (int b : bytes) {
                assertEquals(new BlockSplitBloomFilter(b, max).getBitsetSize(), SplitBlockBloomFilter.ofSize(b, max).numBytes(),
                        b + " bytes, at most " + max);
            }
        }
        assertEquals(32, SplitBlockBloomFilter.ofSize(0, 0).numBytes());
        assertThrows(IllegalArgumentException.class, () -> new SplitBlockBloomFilter(new byte[16]));
        assertThrows(IllegalArgumentException.class, () -> new SplitBlockBloomFilter(new byte[48 + 1]));
    }

    @Test
    void insertsSetTheSameBitsAndProbesAnswerTheSame() {
        Random r = new Random(6);
        for (int bytes : new int[] {32, 64, 96, 1024, 1 << 16}) {
            BlockSplitBloomFilter theirs = new BlockSplitBloomFilter(new byte[bytes]);
            SplitBlockBloomFilter ours = new SplitBlockBloomFilter(new byte[bytes]);
            long[] inserted = new long[bytes / 4];
            for (int i = 0; i < inserted.length; i++) {
                inserted[i] = i % 7 == 0 ? (long) r.nextInt() << 32 | 0xFFFF_FFFFL : r.nextLong();
                theirs.insertHash(inserted[i]);
                ours.insert(inserted[i]);
            }
            ByteArrayOutputStream theirBits = new ByteArrayOutputStream();
            try {
                theirs.writeTo(theirBits);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            assertArrayEquals(theirBits.toByteArray(), ours.bitset(), bytes + " bytes");
            for (long h : inserted) {
                assertTrue(ours.mightContain(h));
            }
            int positives = 0;
            for (int n = 0; n < 20_000; n++) {
                long h = r.nextLong();
                assertEquals(theirs.findHash(h), ours.mightContain(h));
                positives += ours.mightContain(h) ? 1 : 0;
            }
            assertTrue(positives < 20_000, "not every bit is set");
            SplitBlockBloomFilter read = new SplitBlockBloomFilter(theirBits.toByteArray());
            assertEquals(ours, read, "equal bitsets, equal filters");
            assertEquals(ours.hashCode(), read.hashCode());
        }
        SplitBlockBloomFilter empty = new SplitBlockBloomFilter(new byte[64]);
        assertFalse(empty.mightContain(0) || empty.mightContain(-1) || empty.mightContain(r.nextLong()));
        SplitBlockBloomFilter one = new SplitBlockBloomFilter(new byte[64]);
        one.insert(12345L);
        assertNotEquals(empty, one);
        assertEquals(8, Arrays.stream(toInts(one.bitset())).map(Integer::bitCount).sum(), "one bit in each word of one block");
    }

    private static int[] toInts(byte[] b) {
        int[] out = new int[b.length / 4];
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
        return out;
    }

    /** What {@code ParquetBloomFilters.build} was before it stopped using parquet-column: the reference. */
    private static byte[] referenceBuild(ParquetWriteColumn col, int from, int to, double fpp) throws IOException {
        BlockSplitBloomFilter hasher = new BlockSplitBloomFilter(BlockSplitBloomFilter.LOWER_BOUND_BYTES);
        long[] hashes = new long[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            if (col.isNull(i)) {
                continue;
            }
            hashes[n++] = switch (col.type.kind()) {
                case INT32, DATE -> hasher.hash(col.ints[i]);
                case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> hasher.hash(col.longs[i]);
                case FLOAT64 -> hasher.hash(col.doubles[i]);
                case STRING, BINARY -> hasher.hash(Binary.fromConstantByteArray(col.bytes, col.offsets[i], col.offsets[i + 1] - col.offsets[i]));
                default -> throw new IllegalArgumentException(col.type.toString());
            };
        }
        long distinct = Arrays.stream(hashes, 0, n).distinct().count();
        int bytes = Math.max(0, BlockSplitBloomFilter.optimalNumOfBits(distinct, fpp) / 8);
        BlockSplitBloomFilter bf = new BlockSplitBloomFilter(bytes, ParquetBloomFilters.MAX_WRITE_BYTES);
        for (int i = n - 1; i >= 0; i--) {
            bf.insertHash(hashes[i]); // in another order, duplicates included: a filter does not depend on either
        }
        BloomFilterHeader header = new BloomFilterHeader(bf.getBitsetSize(), BloomFilterAlgorithm.BLOCK(new SplitBlockAlgorithm()),
                BloomFilterHash.XXHASH(new org.apache.parquet.format.XxHash()), BloomFilterCompression.UNCOMPRESSED(new Uncompressed()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Util.writeBloomFilterHeader(header, out);
        bf.writeTo(out);
        return out.toByteArray();
    }

    /** A column of {@code n} rows, each null with probability {@code nulls}, drawing from {@code distinct} values. */
    private static ParquetWriteColumn column(DataType type, int n, int distinct, double nulls, Random r) {
        ParquetWriteColumn c = new ParquetWriteColumn(type, n);
        c.nulls = new boolean[Math.max(1, n)];
        long[] pool = r.longs(Math.max(1, distinct)).toArray();
        pool[0] = 0;
        int at = 0;
        for (int i = 0; i < n; i++) {
            if (r.nextDouble() < nulls) {
                c.nulls[i] = true;
                c.nullCount++;
            }
            long v = pool[r.nextInt(pool.length)];
            switch (type.kind()) {
                case INT32, DATE -> c.ints[i] = (int) v;
                case INT64, TIMESTAMP -> c.longs[i] = v;
                case FLOAT64 -> c.doubles[i] = switch ((int) (v & 15)) {
                    case 0 -> -0.0;
                    case 1 -> Double.NaN;
                    case 2 -> Double.longBitsToDouble(0x7FF8_0000_0000_0000L | (v >>> 20)); // a NaN with a payload
                    default -> v / 1e6;
                };
                case STRING -> {
                    byte[] s = (v % 3 == 0 ? "" : "v" + Long.toString(v, 36).repeat((int) (v & 7))).getBytes(StandardCharsets.UTF_8);
                    if (at + s.length > c.bytes.length) {
                        c.bytes = Arrays.copyOf(c.bytes, Math.max(c.bytes.length * 2, at + s.length));
                    }
                    System.arraycopy(s, 0, c.bytes, at, s.length);
                    at += s.length;
                    c.offsets[i + 1] = at;
                }
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        c.size = n;
        c.byteLen = at;
        return c;
    }

    @Test
    void builtFiltersAreByteForByteThoseParquetJavaBuilds() throws IOException {
        Random r = new Random(8);
        DataType[] types = {DataType.INT32, DataType.DATE, DataType.INT64, DataType.TIMESTAMP, DataType.FLOAT64, DataType.STRING};
        int[][] shapes = {{0, 1}, {1, 1}, {10, 1}, {1000, 3}, {3000, 1000}, {20_000, 20_000}, {5000, 10}};
        double[] fpps = {0.01, 0.05, 0.001, 0.3};
        int compared = 0;
        for (DataType type : types) {
            for (int[] shape : shapes) {
                for (double nulls : new double[] {0.0, 0.3, 1.0}) {
                    double fpp = fpps[r.nextInt(fpps.length)];
                    ParquetWriteColumn c = column(type, shape[0], shape[1], nulls, r);
                    String what = type + ", " + shape[0] + " rows of " + shape[1] + " values, nulls " + nulls + ", fpp " + fpp;
                    assertArrayEquals(referenceBuild(c, 0, c.size, fpp), ParquetBloomFilters.build(c, 0, c.size, fpp), what);
                    int from = c.size / 3;
                    int to = c.size - c.size / 5;
                    assertArrayEquals(referenceBuild(c, from, to, fpp), ParquetBloomFilters.build(c, from, to, fpp), what + ", a slice");
                    compared++;
                }
            }
        }
        // large enough for the 1 MiB cap
        ParquetWriteColumn big = column(DataType.INT64, 600_000, 600_000, 0.0, r);
        byte[] built = ParquetBloomFilters.build(big, 0, big.size, 0.0001);
        assertArrayEquals(referenceBuild(big, 0, big.size, 0.0001), built);
        BloomFilterHeader h = Util.readBloomFilterHeader(new java.io.ByteArrayInputStream(built));
        assertEquals(ParquetBloomFilters.MAX_WRITE_BYTES, h.getNumBytes());
        assertTrue(compared > 100);
    }
}
