package org.spillway.spill.chunk;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A chunk held in memory for as long as this pin is open. Pins are counted: the chunk stays
 * resident until every pin on its handle is closed. Close it promptly (try-with-resources); the
 * chunk must not be used after {@link #close()}.
 */
public final class PinnedChunk implements AutoCloseable {
    private final ChunkHandle handle;
    private final Chunk chunk;
    private final AtomicBoolean closed = new AtomicBoolean();

    PinnedChunk(ChunkHandle handle, Chunk chunk) {
        this.handle = handle;
        this.chunk = chunk;
    }

    /**
     * The pinned chunk.
     *
     * @throws IllegalStateException if this pin is closed
     */
    public Chunk chunk() {
        if (closed.get()) {
            throw new IllegalStateException("PinnedChunk is closed: pin the handle again");
        }
        return chunk;
    }

    /** The handle this pins. */
    public ChunkHandle handle() {
        return handle;
    }

    /** Unpins; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            handle.store.unpin(handle);
        }
    }
}
