package org.spillway.spill.chunk;

import java.util.concurrent.CompletableFuture;
import org.spillway.spill.Schema;
import org.spillway.spill.file.SpillFile.BlockRef;

/**
 * A chunk kept by a {@link ChunkStore}: resident in memory or spilled to disk, which its user does
 * not need to know. {@link #pin()} gives access to the chunk (reading it back if it was spilled) and
 * keeps it in memory until the {@link PinnedChunk} is closed. Schema, row count and statistics are
 * available without pinning. Thread-safe.
 */
public final class ChunkHandle implements AutoCloseable {
    final ChunkStore store;
    private final Schema schema;
    private final int rows;
    private final ChunkStats stats;

    // Guarded by store.lock.
    Chunk chunk;              // non-null while resident
    long memBytes;            // in-memory size of the (last) resident chunk
    BlockRef ref;             // where it was spilled, once written
    org.spillway.spill.file.SpillFile refFile; // the file holding ref
    int pins;
    boolean evicting;         // an eviction is writing it out; the chunk stays valid meanwhile
    boolean closed;
    CompletableFuture<Void> loading; // non-null while one thread reads it back

    ChunkHandle(ChunkStore store, Schema schema, int rows, ChunkStats stats) {
        this.store = store;
        this.schema = schema;
        this.rows = rows;
        this.stats = stats;
    }

    /** The chunk's columns. */
    public Schema schema() {
        return schema;
    }

    /** Number of rows. */
    public int rows() {
        return rows;
    }

    /** Per-column statistics, computed when the chunk was stored. */
    public ChunkStats stats() { // null when stored with ChunkStore.putWithoutStats
        return stats;
    }

    /** The chunk's size in memory (what pinning it costs when it is spilled). */
    public long byteSize() {
        synchronized (store.lock) {
            return memBytes;
        }
    }

    /** True while the chunk is in memory. */
    public boolean isResident() {
        synchronized (store.lock) {
            return chunk != null;
        }
    }

    /** True once the handle (or its store) is closed. */
    public boolean isClosed() {
        synchronized (store.lock) {
            return closed;
        }
    }

    /**
     * Pins the chunk in memory, reading it back from disk if it was spilled (which may make the
     * budget spill other chunks). Several threads may pin one handle at once.
     *
     * @throws IllegalStateException if the handle is closed
     * @throws org.spillway.spill.memory.BudgetExceededException if it does not fit in memory
     * @throws org.spillway.spill.file.SpillException if its spill block cannot be read
     */
    public PinnedChunk pin() {
        return store.pin(this);
    }

    /**
     * Drops the chunk: frees its memory (its spilled block, if any, is abandoned). Idempotent.
     *
     * @throws IllegalStateException if it is still pinned
     */
    @Override
    public void close() {
        store.closeHandle(this);
    }

    @Override
    public String toString() {
        synchronized (store.lock) {
            return "ChunkHandle[" + rows + " rows, " + (closed ? "closed" : chunk != null ? "resident" : "spilled")
                    + (pins > 0 ? ", " + pins + " pins" : "") + "]";
        }
    }
}
