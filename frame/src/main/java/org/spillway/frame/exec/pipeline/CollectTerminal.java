package org.spillway.frame.exec.pipeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.chunk.ChunkStore;
import org.spillway.spill.chunk.PinnedChunk;
import org.spillway.spill.memory.MemoryBudget;

/**
 * Puts the chunks into the chunk store and returns them, in input order, as a {@link StoredFrame}.
 * With a limit it keeps the first {@code limit} rows in input order: once the morsels completed
 * without gaps from the first hold that many rows, the rest are skipped.
 */
public final class CollectTerminal implements Terminal<List<CollectTerminal.Part>, StoredFrame> {
    record Part(int seq, int index, ChunkHandle handle) {
    }

    private final Schema schema;
    private final ChunkStore store;
    private final MemoryBudget budget;
    private final String name;
    private final long limit;
    private final long[] morselRows;
    private final boolean[] morselDone;
    private int prefix;
    private long prefixRows;
    private volatile boolean done;

    public CollectTerminal(Schema schema, ChunkStore store, MemoryBudget budget, String name, long limit, int morsels) {
        this.schema = schema;
        this.store = store;
        this.budget = budget;
        this.name = name;
        this.limit = limit;
        this.morselRows = limit >= 0 ? new long[morsels] : null;
        this.morselDone = limit >= 0 ? new boolean[morsels] : null;
    }

    @Override
    public List<Part> newLocal() {
        return new ArrayList<>();
    }

    @Override
    public boolean accept(List<Part> local, int seq, int index, Chunk chunk, boolean independent) {
        if (chunk.rows() == 0) {
            return false;
        }
        Chunk own = independent && chunk.columnCount() > 0 ? chunk : ChunkOps.copy(chunk, budget, "collect");
        ChunkHandle h;
        try {
            h = store.put(own);
        } catch (RuntimeException | Error e) {
            if (own != chunk) {
                own.close();
            }
            throw e;
        }
        local.add(new Part(seq, index, h));
        return own == chunk;
    }

    @Override
    public void morselDone(List<Part> local, int seq, long rows) {
        if (limit < 0) {
            return;
        }
        synchronized (this) {
            morselRows[seq] = rows;
            morselDone[seq] = true;
            while (prefix < morselDone.length && morselDone[prefix]) {
                prefixRows += morselRows[prefix++];
            }
            if (prefixRows >= limit) {
                done = true;
            }
        }
    }

    @Override
    public synchronized boolean morselSatisfied(int seq, long rows) {
        return limit >= 0 && seq == prefix && prefixRows + rows >= limit;
    }

    @Override
    public boolean isDone() {
        return done;
    }

    @Override
    public StoredFrame finish(List<List<Part>> locals) {
        List<Part> all = new ArrayList<>();
        locals.forEach(all::addAll);
        all.sort(Comparator.comparingInt(Part::seq).thenComparingInt(Part::index));
        List<ChunkHandle> handles = new ArrayList<>(all.size());
        long rows = 0;
        int i = 0;
        try {
            for (; i < all.size(); i++) {
                ChunkHandle h = all.get(i).handle();
                if (limit >= 0 && rows >= limit) {
                    h.close();
                    continue;
                }
                if (limit >= 0 && rows + h.rows() > limit) {
                    int keep = (int) (limit - rows);
                    ChunkHandle cut;
                    try (PinnedChunk p = h.pin()) {
                        cut = store.put(ChunkOps.slice(p.chunk(), 0, keep, budget, "collect"));
                    }
                    h.close();
                    h = cut;
                }
                handles.add(h);
                rows += h.rows();
            }
        } catch (RuntimeException | Error e) {
            handles.forEach(ChunkHandle::close);
            for (int j = i; j < all.size(); j++) {
                all.get(j).handle().close();
            }
            throw e;
        }
        return new StoredFrame(name, schema, handles);
    }

    @Override
    public void abort(List<List<Part>> locals) {
        for (List<Part> l : locals) {
            for (Part p : l) {
                p.handle().close();
            }
        }
    }
}
