package org.spillway.frame.plan;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.spillway.frame.SpillwayException;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.ChunkHandle;

/**
 * The chunks of a collected frame, in row order, held by the session's chunk store: resident while
 * the memory budget allows, spilled to LZ4 files when it does not, read back on use. Closing it
 * drops the chunks (memory and spill space).
 */
public final class StoredFrame implements AutoCloseable {
    private final String name;
    private final Schema schema;
    private final List<ChunkHandle> chunks;
    private final long rows;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final StoredFrame owner; // for a view: the frame that owns the chunks

    /** Wraps {@code chunks} (all of {@code schema}), taking ownership of them. */
    public StoredFrame(String name, Schema schema, List<ChunkHandle> chunks) {
        this(name, schema, chunks, null);
    }

    private StoredFrame(String name, Schema schema, List<ChunkHandle> chunks, StoredFrame owner) {
        this.owner = owner;
        this.name = name;
        this.schema = schema;
        this.chunks = List.copyOf(chunks);
        long n = 0;
        for (ChunkHandle h : chunks) {
            n += h.rows();
        }
        this.rows = n;
    }

    /**
     * A frame over some of this frame's chunks, in the given order, that does not own them: closing
     * the view does nothing, and it is usable while this frame is open.
     */
    public StoredFrame view(List<ChunkHandle> chunks) {
        return new StoredFrame(name, schema, chunks, this);
    }

    /** A name for plans and messages, e.g. {@code collected#3}. */
    public String name() {
        return name;
    }

    /** The columns. */
    public Schema schema() {
        return schema;
    }

    /** The chunks in row order. */
    public List<ChunkHandle> chunks() {
        checkOpen();
        return chunks;
    }

    /** Number of chunks. */
    public int chunkCount() {
        return chunks.size();
    }

    /** Total rows. */
    public long rows() {
        return rows;
    }

    /** In-memory bytes of the chunks (resident or not). */
    public long byteSize() {
        long b = 0;
        for (ChunkHandle h : chunks) {
            b += h.byteSize();
        }
        return b;
    }

    /** True once {@link #close()} ran. */
    public boolean isClosed() {
        return owner != null ? owner.isClosed() : closed.get();
    }

    public void checkOpen() {
        if (owner != null) {
            owner.checkOpen();
            return;
        }
        if (closed.get()) {
            throw new SpillwayException("This collected frame was unpersisted (or its session closed); collect() it again");
        }
    }

    /** Drops the chunks; idempotent. */
    @Override
    public void close() {
        if (owner != null) {
            return; // a view owns nothing
        }
        if (closed.compareAndSet(false, true)) {
            RuntimeException first = null;
            for (ChunkHandle h : chunks) {
                try {
                    h.close();
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }
}
