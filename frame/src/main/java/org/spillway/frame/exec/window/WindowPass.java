package org.spillway.frame.exec.window;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.spillway.frame.exec.pipeline.ChunkOps;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.frame.plan.LogicalPlan;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.parallel.Morsel;
import org.spillway.parallel.Sink;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.chunk.PinnedChunk;

/**
 * Runs the {@link WindowOperator} pass over rows sorted by (partition keys, order keys) on all of the session's
 * workers: the sorted chunks are cut into up to {@code parallelism} contiguous segments at chunk boundaries where the
 * partition key changes (so no partition spans two segments), each segment is streamed by its own operator, and the
 * segments' output chunks are concatenated in order, so the result is the same, row for row, as one operator over
 * all chunks. Where no such boundary is near an even cut (one partition holding most rows), fewer segments run; with
 * no partition keys the whole input is one partition and runs on one worker.
 *
 * <p>Finding a cut reads rows from the even cut forward (chunks read back if spilled) to the first change of
 * partition key; a chunk the cut falls inside is copied as two halves for the pass (at most {@code parallelism - 1}
 * such copies). Counter: {@code window.segments}, the segments run.
 */
public final class WindowPass {
    private WindowPass() {
    }

    /** A cut: a segment starts at row {@code row} of chunk {@code chunk}. */
    private record Cut(int chunk, int row) {
    }

    /** The window node {@code node} over {@code sorted} (not closed here), as a new stored frame named {@code name}. */
    public static StoredFrame run(LogicalPlan.Window node, int[] argColumns, ExecContext ctx, StoredFrame sorted, String name) {
        Schema in = node.child().schema();
        int[] partitionColumns = node.spec().partitionKeys().stream().mapToInt(in::indexOf).toArray();
        List<ChunkHandle> chunks = new ArrayList<>();
        for (ChunkHandle h : sorted.chunks()) {
            if (h.rows() > 0) {
                chunks.add(h);
            }
        }
        int p = ctx.scheduler().parallelism();
        List<Cut> cuts = p <= 1 || partitionColumns.length == 0 || chunks.isEmpty() ? List.of()
                : cuts(chunks, partitionColumns, p);
        ctx.counters().add("window.segments", cuts.size() + 1L);
        if (cuts.isEmpty()) {
            return new WindowOperator(node, argColumns, ctx).run(sorted, name);
        }
        List<ChunkHandle> slices = new ArrayList<>(); // chunks cut in two: the halves, dropped after the pass
        AtomicReferenceArray<StoredFrame> done = new AtomicReferenceArray<>(cuts.size() + 1);
        try {
            List<List<ChunkHandle>> segments = segments(chunks, cuts, ctx, slices);
            ctx.scheduler().run(segments, new Sink<List<ChunkHandle>, Object, Object>() {
                @Override
                public Object newLocal() {
                    return null;
                }

                @Override
                public void accept(Object local, Morsel<List<ChunkHandle>> m) {
                    done.set(m.seq(), new WindowOperator(node, argColumns, ctx).run(sorted.view(m.item()), name));
                }

                @Override
                public Object finish(List<Object> locals) {
                    return null;
                }
            });
            List<ChunkHandle> out = new ArrayList<>();
            for (int s = 0; s < segments.size(); s++) {
                out.addAll(done.get(s).chunks());
            }
            // the segments' frames are not closed: their chunks now belong to the result
            return new StoredFrame(name, node.schema(), out);
        } catch (RuntimeException | Error e) {
            for (int s = 0; s < done.length(); s++) {
                StoredFrame f = done.get(s);
                if (f != null) {
                    f.close();
                }
            }
            throw e;
        } finally {
            slices.forEach(ChunkHandle::close);
        }
    }

    /** The chunks of each segment, in order; a chunk a cut falls inside is replaced by its two halves. */
    private static List<List<ChunkHandle>> segments(List<ChunkHandle> chunks, List<Cut> cuts, ExecContext ctx,
                                                    List<ChunkHandle> slices) {
        List<List<ChunkHandle>> segments = new ArrayList<>();
        List<ChunkHandle> current = new ArrayList<>();
        int next = 0;
        for (int j = 0; j < chunks.size(); j++) {
            ChunkHandle h = chunks.get(j);
            int from = 0;
            while (next < cuts.size() && cuts.get(next).chunk() == j) {
                int at = cuts.get(next).row();
                if (at > from) {
                    current.add(from == 0 && at == h.rows() ? h : slice(h, from, at, ctx, slices));
                }
                segments.add(current);
                current = new ArrayList<>();
                from = at;
                next++;
            }
            current.add(from == 0 ? h : slice(h, from, h.rows(), ctx, slices));
        }
        segments.add(current);
        return segments;
    }

    private static ChunkHandle slice(ChunkHandle h, int from, int to, ExecContext ctx, List<ChunkHandle> slices) {
        ChunkHandle s;
        try (PinnedChunk pc = h.pin()) {
            s = ctx.store().put(ChunkOps.slice(pc.chunk(), from, to, ctx.budget(), "Window"));
        }
        slices.add(s);
        return s;
    }

    /**
     * Where segments start, in order, at most {@code p - 1}: for each even cut, the first row at or after it whose
     * partition key differs from the row before, looked for within the rows up to the next even cut (a partition
     * longer than that is not cut).
     */
    private static List<Cut> cuts(List<ChunkHandle> chunks, int[] keys, int p) {
        long total = 0;
        for (ChunkHandle h : chunks) {
            total += h.rows();
        }
        List<Cut> cuts = new ArrayList<>();
        long chunkStart = 0; // global row of chunk j's first row
        int j = 0;
        long after = 1; // a cut must be at a global row >= this (after the previous cut, never at row 0)
        for (int s = 1; s < p; s++) {
            long target = Math.max(total * s / p, after);
            long limit = total * (s + 1) / p;
            while (j < chunks.size() && chunkStart + chunks.get(j).rows() <= target) {
                chunkStart += chunks.get(j).rows();
                j++;
            }
            Cut found = null;
            int c = j;
            long cStart = chunkStart;
            Object[] prev = null;
            while (found == null && c < chunks.size() && cStart < limit) {
                try (PinnedChunk pc = chunks.get(c).pin()) {
                    Chunk chunk = pc.chunk();
                    int r = (int) Math.max(0, target - cStart);
                    prev = r > 0 ? key(chunk, keys, r - 1) : prev != null ? prev : previousKey(chunks, c, keys);
                    for (; r < chunk.rows() && cStart + r < limit; r++) {
                        Object[] k = key(chunk, keys, r);
                        if (!Arrays.deepEquals(prev, k)) {
                            found = new Cut(c, r);
                            break;
                        }
                        prev = k;
                    }
                }
                if (found == null) {
                    cStart += chunks.get(c).rows();
                    c++;
                }
            }
            if (found == null) {
                continue;
            }
            cuts.add(found);
            j = found.chunk();
            chunkStart = cStart;
            after = cStart + found.row() + 1;
        }
        return cuts;
    }

    /** The key of the last row before chunk {@code c}. */
    private static Object[] previousKey(List<ChunkHandle> chunks, int c, int[] keys) {
        try (PinnedChunk pc = chunks.get(c - 1).pin()) {
            return key(pc.chunk(), keys, pc.chunk().rows() - 1);
        }
    }

    private static Object[] key(Chunk c, int[] columns, int r) {
        Object[] v = new Object[columns.length];
        for (int k = 0; k < columns.length; k++) {
            Object o = c.column(columns[k]).getObject(r);
            v[k] = o instanceof Double d && d == 0.0 ? (Object) 0.0 : o;
        }
        return v;
    }
}
