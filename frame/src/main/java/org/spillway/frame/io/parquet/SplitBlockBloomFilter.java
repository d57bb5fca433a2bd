package org.spillway.frame.io.parquet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Parquet's split-block bloom filter (the format's only algorithm): a bitset of 32-byte blocks, each
 * eight little-endian 32-bit words. A 64-bit hash ({@link XxHash64} of the value's PLAIN encoding)
 * picks block {@code ((hash >>> 32) * numBlocks) >>> 32}; its low 32 bits, multiplied by one of
 * eight odd salts per word, pick one bit in each of the block's words (the product's top five bits).
 * Sizing follows parquet-java's {@code BlockSplitBloomFilter} so that the filters written are the
 * same bytes. Not thread-safe for inserts.
 */
final class SplitBlockBloomFilter {
    /** Bytes in a block; also the smallest filter. */
    static final int BYTES_PER_BLOCK = 32;
    /** The largest filter parquet-java builds (its default row group size). */
    static final int UPPER_BOUND_BYTES = 128 * 1024 * 1024;
    private static final int BITS_PER_BLOCK = 256;
    private static final int[] SALT = {0x47b6137b, 0x44974d91, 0x8824ad5b, 0xa2b7289d, 0x705495c7, 0x2df1424b, 0x9efc4947, 0x5c6bfb31};
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] bitset;
    private final long numBlocks;

    /**
     * A filter over {@code bitset} as stored in a file (not copied; inserts write into it). Its length
     * must be a positive multiple of 32.
     */
    SplitBlockBloomFilter(byte[] bitset) {
        if (bitset.length < BYTES_PER_BLOCK || bitset.length % BYTES_PER_BLOCK != 0) {
            throw new IllegalArgumentException("a split-block bloom filter has whole 32-byte blocks, not " + bitset.length + " bytes");
        }
        this.bitset = bitset;
        this.numBlocks = bitset.length / BYTES_PER_BLOCK;
    }

    /**
     * An empty filter of {@code numBytes} as parquet-java's {@code BlockSplitBloomFilter(numBytes,
     * maximumBytes)} sizes it: at least 32 bytes, rounded up to a power of two, then {@code maxBytes}
     * when larger than that (or when the rounding overflows). A {@code maxBytes} of 32 or less, or of
     * {@link #UPPER_BOUND_BYTES} or more, means {@link #UPPER_BOUND_BYTES}.
     */
    static SplitBlockBloomFilter ofSize(int numBytes, int maxBytes) {
        int max = maxBytes > BYTES_PER_BLOCK && maxBytes < UPPER_BOUND_BYTES ? maxBytes : UPPER_BOUND_BYTES;
        int n = Math.max(numBytes, BYTES_PER_BLOCK);
        if ((n & (n - 1)) != 0) {
            n = Integer.highestOneBit(n) << 1;
        }
        if (n > max || n < 0) {
            n = max;
        }
        return new SplitBlockBloomFilter(new byte[n]);
    }

    /**
     * The bits for {@code ndv} distinct values at false-positive probability {@code fpp}, exactly as
     * parquet-java's {@code BlockSplitBloomFilter.optimalNumOfBits} computes them (including its
     * rounding, which clears bit 8 rather than rounding to whole blocks: the power-of-two rounding of
     * {@link #ofSize} makes up for it).
     */
    static int optimalNumOfBits(long ndv, double fpp) {
        if (!(fpp > 0.0 && fpp < 1.0)) {
            throw new IllegalArgumentException("FPP should be less than 1.0 and great than 0.0");
        }
        double m = -8 * ndv / Math.log(1 - Math.pow(fpp, 1.0 / 8));
        int bits = (int) m;
        if (bits > UPPER_BOUND_BYTES << 3 || m < 0) {
            bits = UPPER_BOUND_BYTES << 3;
        }
        bits = (bits + BITS_PER_BLOCK - 1) & ~BITS_PER_BLOCK;
        return Math.max(bits, BYTES_PER_BLOCK << 3);
    }

    /** Adds a value by its hash. */
    void insert(long hash) {
        int word = block(hash) * 8;
        int key = (int) hash;
        for (int i = 0; i < 8; i++) {
            int at = (word + i) * 4;
            INT_LE.set(bitset, at, (int) INT_LE.get(bitset, at) | mask(key, i));
        }
    }

    /** False only if no value with this hash was inserted. */
    boolean mightContain(long hash) {
        int word = block(hash) * 8;
        int key = (int) hash;
        for (int i = 0; i < 8; i++) {
            if (((int) INT_LE.get(bitset, (word + i) * 4) & mask(key, i)) == 0) {
                return false;
            }
        }
        return true;
    }

    /** The bitset as stored (not a copy). */
    byte[] bitset() {
        return bitset;
    }

    /** The bitset's size in bytes. */
    int numBytes() {
        return bitset.length;
    }

    /** Filters are equal when their bitsets are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SplitBlockBloomFilter f && Arrays.equals(bitset, f.bitset);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bitset);
    }

    @Override
    public String toString() {
        return "SplitBlockBloomFilter[" + bitset.length + " bytes]";
    }

    private int block(long hash) {
        return (int) (((hash >>> 32) * numBlocks) >>> 32);
    }

    private static int mask(int key, int i) {
        return 1 << ((key * SALT[i]) >>> 27);
    }
}
