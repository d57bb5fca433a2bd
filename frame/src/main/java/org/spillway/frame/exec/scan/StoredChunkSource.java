package org.spillway.frame.exec.scan;

import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.Expr;
import org.spillway.frame.stats.StatsPruner;
import org.spillway.frame.exec.pipeline.ChunkOps;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.chunk.PinnedChunk;

/**
 * Reads a collected frame's chunks: pins each (reading it back from its spill file if it was
 * evicted), hands a view of the projected columns downstream, and unpins it. Chunks whose
 * statistics prove the skip filter false are never pinned.
 */
public final class StoredChunkSource implements ChunkSource<ChunkHandle, Void> {
    private final StoredFrame frame;
    private final int[] projection;
    private final Schema schema;
    private final List<ChunkHandle> items;
    private final int skipped;

    public StoredChunkSource(StoredFrame frame, int[] projection, Expr skipFilter) {
        this.frame = frame;
        this.projection = projection;
        this.schema = frame.schema().select(projection);
        List<ChunkHandle> keep = new ArrayList<>();
        for (ChunkHandle h : frame.chunks()) {
            if (skipFilter == null || h.stats() == null || !StatsPruner.canSkip(skipFilter, frame.schema(), h.stats())) {
                keep.add(h);
            }
        }
        this.items = keep;
        this.skipped = frame.chunkCount() - keep.size();
    }

    /** Chunks skipped by statistics. */
    int skipped() {
        return skipped;
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public List<ChunkHandle> items() {
        return items;
    }

    @Override
    public long weight(ChunkHandle item) {
        return item.rows();
    }

    @Override
    public String unit() {
        return "rows";
    }

    @Override
    public Void newState() {
        return null;
    }

    @Override
    public void produce(ChunkHandle item, Void state, Output out) {
        frame.checkOpen();
        if (projection.length == 0) {
            out.accept(Chunk.empty(schema, item.rows()), false);
            return;
        }
        try (PinnedChunk p = item.pin()) {
            out.accept(ChunkOps.view(p.chunk(), projection), false);
        }
    }
}
