package org.spillway.frame.exec.aggregate;

/**
 * The radix partitioning of groups by the high bits of their key hash, shared by every path that
 * writes partitions (table flushes, pass-through, direct states, holistic values) and by phase 2's
 * repartitioning, which takes the next {@link #BITS} bits at each level.
 */
final class PartitionLayout {
    /** Radix partitions per level (6 hash bits). */
    static final int BITS = 6;
    static final int PARTITIONS = 1 << BITS;
    /** The deepest level: every bit of the 64-bit hash has been used. */
    static final int MAX_LEVEL = 64 / BITS - 1;

    private PartitionLayout() {
    }

    static int partition(long hash, int level) {
        return (int) (hash >>> (64 - BITS * (level + 1))) & (PARTITIONS - 1);
    }
}
