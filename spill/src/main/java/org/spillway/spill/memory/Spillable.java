package org.spillway.spill.memory;

/**
 * Something holding budgeted memory that it can give back by writing state to disk: the chunk
 * store, a hash aggregate's partitions, a sort's runs. The {@link MemoryBudget} calls {@link #spill}
 * when a reservation does not fit.
 *
 * <p>Protocol: {@code spill} may be called from any thread while the owner is working; it must be
 * thread-safe, must not call back into {@link MemoryBudget#reserve} for more memory, and returns the
 * bytes it actually released (which it has already returned to the budget).
 */
public interface Spillable {
    /** A short name for messages, e.g. {@code ChunkStore}. */
    String name();

    /** Bytes this could release now by spilling. */
    long spillableBytes();

    /**
     * Releases at least {@code bytesWanted} bytes if it can (fewer if it cannot).
     *
     * @return the bytes released
     */
    long spill(long bytesWanted);
}
