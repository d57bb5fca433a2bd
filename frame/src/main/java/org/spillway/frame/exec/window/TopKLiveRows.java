package org.spillway.frame.exec.window;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.chunk.PinnedChunk;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.VectorBuilder;

/**
 * The live rows of a {@link PartitionTopKTable}'s local: the rows its states (table, direct states, ties) still
 * reference among its copied chunks, gathered into new chunks, either to compact the garbage away (the references
 * rewritten to point there) or, at the end, in the window's order.
 */
final class TopKLiveRows {
    private final Schema schema;
    private final ExecContext ctx;
    /** Longs per partition state, before its entries, per entry, and of order keys per entry (see the table). */
    private final int stride;
    private final int h;
    private final int e;
    private final int w;
    private final boolean withTies;

    /** The live rows of states laid out as {@code stride}, {@code h}, {@code e}, {@code w} say, of rows of {@code schema}. */
    TopKLiveRows(Schema schema, ExecContext ctx, int stride, int h, int e, int w, boolean withTies) {
        this.schema = schema;
        this.ctx = ctx;
        this.stride = stride;
        this.h = h;
        this.e = e;
        this.w = w;
        this.withTies = withTies;
    }

    /**
     * Gathers the live rows of {@code l} (from {@code from}) into new chunks of at most the session's chunk rows,
     * rewriting their references to point there (the new chunks' list). Rows are read chunk by chunk: one pinned at a
     * time.
     */
    List<ChunkHandle> compact(TopKLocal l, List<ChunkHandle> from) {
        // every live reference's place: >= 0 an index into the table's states, < 0 -(tied index + 1)
        long[] st = l.table.states();
        int groups = l.table.size();
        int live = countLive(l, st, groups * stride) + (l.direct == null ? 0 : countLive(l, l.direct, l.direct.length));
        long[] places = new long[live];
        int p = livePlaces(l, st, groups * stride, 0, places, 0);
        if (l.direct != null) {
            livePlaces(l, l.direct, l.direct.length, DIRECT, places, p);
        }
        // counting sort of the places by source chunk
        int[] start = new int[from.size() + 1];
        for (long place : places) {
            start[(int) (ref(l, st, place) >>> 32) + 1]++;
        }
        for (int c = 0; c < from.size(); c++) {
            start[c + 1] += start[c];
        }
        long[] sorted = new long[live];
        int[] fill = Arrays.copyOf(start, from.size());
        for (long place : places) {
            sorted[fill[(int) (ref(l, st, place) >>> 32)]++] = place;
        }
        places = null;
        List<ChunkHandle> out = new ArrayList<>();
        try {
            int chunkRows = Math.max(1, ctx.chunkRows());
            List<VectorBuilder> builders = null;
            int outRows = 0;
            int[] rows = new int[Math.min(live, chunkRows)];
            if (l.zeros.length < rows.length) {
                l.zeros = new int[Math.max(rows.length, 1024)];
            }
            ColumnVector[] one = new ColumnVector[1];
            for (int c = 0; c < from.size(); c++) {
                int s = start[c];
                int end = start[c + 1];
                if (s == end) {
                    continue;
                }
                try (PinnedChunk pc = from.get(c).pin()) {
                    Chunk chunk = pc.chunk();
                    while (s < end) {
                        if (builders == null) {
                            builders = new ArrayList<>(schema.size());
                            for (int j = 0; j < schema.size(); j++) {
                                builders.add(VectorBuilder.forType(schema.type(j), chunkRows));
                            }
                        }
                        int take = Math.min(end - s, chunkRows - outRows);
                        for (int i = 0; i < take; i++) {
                            long place = sorted[s + i];
                            rows[i] = (int) ref(l, st, place);
                            setRef(l, st, place, (long) out.size() << 32 | (outRows + i));
                        }
                        for (int j = 0; j < schema.size(); j++) {
                            one[0] = chunk.column(j);
                            builders.get(j).gather(one, l.zeros, rows, 0, take);
                        }
                        outRows += take;
                        s += take;
                        if (outRows == chunkRows) {
                            out.add(ctx.store().put(Chunk.build(schema, builders, ctx.budget(), "window-top-k")));
                            builders = null;
                            outRows = 0;
                        }
                    }
                }
            }
            if (builders != null) {
                out.add(ctx.store().put(Chunk.build(schema, builders, ctx.budget(), "window-top-k")));
            }
            return out;
        } catch (RuntimeException | Error ex) {
            out.forEach(ChunkHandle::close);
            throw ex;
        }
    }

    /** A live row's place in {@link #compact}: an index into the table's states, or this bit and one into the direct states. */
    private static final long DIRECT = 1L << 40;

    private int countLive(TopKLocal l, long[] st, int end) {
        int live = 0;
        for (int b = 0; b < end; b += stride) {
            live += (int) st[b];
            if (withTies) {
                for (int t = (int) st[b + 1]; t != 0; t = l.tiedNext[t - 1]) {
                    live++;
                }
            }
        }
        return live;
    }

    /** Writes the places of the live rows of the states {@code st[0..end)} (tagged {@code kind}) from {@code places[p]}. */
    private int livePlaces(TopKLocal l, long[] st, int end, long kind, long[] places, int p) {
        for (int b = 0; b < end; b += stride) {
            for (int i = 0; i < (int) st[b]; i++) {
                places[p++] = kind | (b + h + i * e + w);
            }
            if (withTies) {
                for (int t = (int) st[b + 1]; t != 0; t = l.tiedNext[t - 1]) {
                    places[p++] = -t;
                }
            }
        }
        return p;
    }

    private static long ref(TopKLocal l, long[] st, long place) {
        if (place < 0) {
            return l.tiedRef[(int) (-place - 1)];
        }
        return (place & DIRECT) != 0 ? l.direct[(int) (place & ~DIRECT)] : st[(int) place];
    }

    private static void setRef(TopKLocal l, long[] st, long place, long ref) {
        if (place < 0) {
            l.tiedRef[(int) (-place - 1)] = ref;
        } else if ((place & DIRECT) != 0) {
            l.direct[(int) (place & ~DIRECT)] = ref;
        } else {
            st[(int) place] = ref;
        }
    }

    /**
     * The live rows of {@code l} (all in its direct states) in the window's order: partitions by ascending key, each
     * partition's rows best first (then its ties), which is the order the window's sort would give them.
     */
    List<ChunkHandle> inWindowOrder(TopKLocal l) {
        int live = countLive(l, l.direct, l.direct.length);
        long[] places = new long[live];
        livePlaces(l, l.direct, l.direct.length, DIRECT, places, 0);
        List<PinnedChunk> pinned = new ArrayList<>();
        List<ChunkHandle> out = new ArrayList<>();
        try {
            for (ChunkHandle h : l.handles) {
                pinned.add(h.pin());
            }
            ColumnVector[][] sources = new ColumnVector[schema.size()][pinned.size()];
            for (int c = 0; c < pinned.size(); c++) {
                Chunk chunk = pinned.get(c).chunk();
                for (int j = 0; j < schema.size(); j++) {
                    sources[j][c] = chunk.column(j);
                }
            }
            int chunkRows = Math.max(1, ctx.chunkRows());
            int[] vectors = new int[Math.min(live, chunkRows)];
            int[] rows = new int[vectors.length];
            long[] st = l.table.states();
            for (int from = 0; from < live; from += chunkRows) {
                int take = Math.min(chunkRows, live - from);
                for (int i = 0; i < take; i++) {
                    long ref = ref(l, st, places[from + i]);
                    vectors[i] = (int) (ref >>> 32);
                    rows[i] = (int) ref;
                }
                List<VectorBuilder> builders = new ArrayList<>(schema.size());
                for (int j = 0; j < schema.size(); j++) {
                    VectorBuilder b = VectorBuilder.forType(schema.type(j), take);
                    b.gather(sources[j], vectors, rows, 0, take);
                    builders.add(b);
                }
                out.add(ctx.store().put(Chunk.build(schema, builders, ctx.budget(), "window-top-k")));
            }
            return out;
        } catch (RuntimeException | Error ex) {
            out.forEach(ChunkHandle::close);
            throw ex;
        } finally {
            pinned.forEach(PinnedChunk::close);
        }
    }
}
