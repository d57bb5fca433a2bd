package org.spillway.frame.exec.hash;

/**
 * The radix partitioning of rows by the high bits of their key hash (the hash {@link KeyBatch} computes), shared by
 * every operator that spills hash partitions: the hash aggregate's paths that write partitions (table flushes,
 * pass-through, direct states, holistic values) and its phase 2's repartitioning, and the window's top-k table. Each
 * level takes the next {@link #BITS} bits.
 */
public final class PartitionLayout {
    /** Hash bits per level. */
    public static final int BITS = 6;
    /** Radix partitions per level. */
    public static final int PARTITIONS = 1 << BITS;
    /** The deepest level: every bit of the 64-bit hash has been used. */
    public static final int MAX_LEVEL = 64 / BITS - 1;

    private PartitionLayout() {
    }

    /** The partition of a row whose key hashes to {@code hash}, at {@code level}. */
    public static int partition(long hash, int level) {
        return (int) (hash >>> (64 - BITS * (level + 1))) & (PARTITIONS - 1);
    }
}
