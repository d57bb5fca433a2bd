package org.spillway.frame.exec.aggregate;

import static org.spillway.frame.exec.hash.PartitionLayout.PARTITIONS;
import static org.spillway.frame.exec.hash.PartitionLayout.partition;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.spillway.frame.exec.aggregate.function.AggFn;
import org.spillway.frame.exec.hash.Hashing;
import org.spillway.frame.exec.hash.KeyBatch;
import org.spillway.frame.exec.pipeline.ChunkOps;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.parallel.Morsel;
import org.spillway.parallel.Sink;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.vector.IntVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * Direct states: perfect-hash aggregation of a single int key whose values fall in a window of at
 * most {@link #DIRECT_MAX} values, shared by all workers. Each worker's states are an array indexed
 * by value ({@link AggregateWorker#directStates}) with a bit per value seen; phase 2 combines the
 * workers' arrays range by range ({@link #combine}) when every chunk went there, or writes them to
 * the partitions ({@link #flushDirect}) to be merged with the tables' groups when some did not.
 */
final class DirectStates extends AggregateSpec {
    /** The widest range of int keys looked up by direct array index instead of hashing. */
    static final long DIRECT_MAX = 1 << 20;
    /** HeapColumn of the direct-state window each phase-2 morsel combines and emits. */
    private static final int DIRECT_RANGE = 1 << 16;
    /** The window of key values of the direct states, {base, size}, shared by every worker; size 0: none. */
    private volatile int[] stateWindow;
    private final PartitionSpiller spiller;

    DirectStates(AggregateSpec spec, PartitionSpiller spiller) {
        super(spec);
        this.spiller = spiller;
    }

    /**
     * Perfect-hash aggregation of a single int key whose values lie in a window of at most
     * {@link #DIRECT_MAX} values (set by the first chunk any worker sees, shared by all): each
     * worker's states are an array indexed by value, so a row's state is found without a table, and
     * phase 2 combines the workers' arrays range by range, in order and in parallel, instead of
     * flushing groups to partitions and merging them (db-benchmark q5 at K = 10: a million int
     * groups). A chunk with a null key or a value outside the window goes through the table; phase 2
     * then writes the direct states to the partitions as partial rows and merges as usual. False
     * if the chunk does not qualify.
     */
    boolean update(AggregateWorker w, Chunk chunk, long pos0) {
        int n = chunk.rows();
        if (n == 0 || w.directStatesRefused || !(chunk.column(keyColumns[0]) instanceof org.spillway.spill.vector.IntVector iv)
                || iv.hasNulls()) {
            return false;
        }
        int min = iv.min();
        int max = iv.max();
        int[] win = stateWindow(min, max);
        if (win[1] == 0 || min < win[0] || (long) max >= (long) win[0] + win[1]) {
            return false;
        }
        if (w.directStates == null) {
            long bytes = 8L * win[1] * stride + win[1] / 8 + 4L * n;
            if (bytes > workerShare) {
                w.directStatesRefused = true;
                return false;
            }
            if (!w.directRes.growIfRoom(bytes)) {
                w.directStatesRefused = true;
                return false;
            }
            w.directStates = new long[win[1] * stride];
            w.directSeen = new long[(win[1] + 63) >>> 6];
        }
        if (w.gids.length < n) {
            w.gids = new int[n];
        }
        int[] idx = w.gids;
        long[] seen = w.directSeen;
        int base = win[0];
        for (int i = 0; i < n; i++) {
            int x = iv.get(i) - base;
            idx[i] = x;
            seen[x >>> 6] |= 1L << x;
        }
        updateStates(w, chunk, n, pos0, w.directStates, idx);
        ctx.counters().add("groupby.directStateRows", n);
        return true;
    }

    /** The shared window of direct states, set from the first chunk's key range. */
    private int[] stateWindow(int min, int max) {
        int[] win = stateWindow;
        if (win != null) {
            return win;
        }
        synchronized (this) {
            if (stateWindow == null) {
                long range = (long) max - min + 1;
                if (range > DIRECT_MAX) {
                    stateWindow = new int[] {0, 0};
                } else {
                    int size = (int) Math.min(DIRECT_MAX, Math.max(1024, Long.highestOneBit(Math.max(1, range * 2 - 1)) * 2));
                    // room on both sides of the first chunk's range for later chunks
                    int base = (int) Math.max(Integer.MIN_VALUE, Math.min((long) min - (size - range) / 2,
                            (long) Integer.MAX_VALUE - size + 1));
                    stateWindow = new int[] {base, size};
                }
            }
            return stateWindow;
        }
    }

    /**
     * Phase 2 when every chunk went to direct states: the window is cut into ranges of
     * {@link #DIRECT_RANGE} values, and each morsel combines the workers' states of its range in
     * order of value and emits its groups.
     */
    StoredFrame combine(List<AggregateWorker> workers, String name) {
        List<ChunkHandle> result = Collections.synchronizedList(new ArrayList<>());
        List<AggregateWorker> ws = new ArrayList<>();
        for (AggregateWorker w : workers) {
            if (w.directStates != null) {
                ws.add(w);
            }
        }
        int[] win = stateWindow;
        List<int[]> ranges = new ArrayList<>();
        for (int a = 0; a < win[1]; a += DIRECT_RANGE) {
            ranges.add(new int[] {a, Math.min(win[1], a + DIRECT_RANGE)});
        }
        ctx.counters().add("groupby.directStateRanges", ranges.size());
        try {
            ctx.scheduler().run(ranges, new Sink<int[], VectorBuilder[], Object>() {
                @Override
                public VectorBuilder[] newLocal() {
                    return ChunkOps.builders(output, ctx.chunkRows()).toArray(VectorBuilder[]::new);
                }

                @Override
                public void accept(VectorBuilder[] out, Morsel<int[]> m) {
                    emitDirect(ws, win[0], m.item()[0], m.item()[1], out, result);
                }

                @Override
                public Object finish(List<VectorBuilder[]> locals) {
                    return null;
                }
            });
            return new StoredFrame(name, output, new ArrayList<>(result));
        } catch (RuntimeException | Error e) {
            result.forEach(ChunkHandle::close);
            throw e;
        } finally {
            for (AggregateWorker w : workers) {
                w.directStates = null;
                w.directSeen = null;
                w.res.close();
                w.directRes.close();
            }
            spiller.discard();
        }
    }

    /** Combines and emits the groups of direct-state values {@code [from, to)} of the window. */
    private void emitDirect(List<AggregateWorker> ws, int base, int from, int to, VectorBuilder[] out, List<ChunkHandle> result) {
        long[] acc = new long[Math.max(1, stride)];
        for (VectorBuilder b : out) {
            b.reset();
        }
        IntVectorBuilder keyOut = (IntVectorBuilder) out[0];
        for (int word = from >>> 6; word < (to + 63) >>> 6; word++) {
            long any = 0;
            for (AggregateWorker w : ws) {
                any |= w.directSeen[word];
            }
            while (any != 0) {
                int x = (word << 6) + Long.numberOfTrailingZeros(any);
                any &= any - 1;
                if (x < from || x >= to) {
                    continue;
                }
                boolean first = true;
                for (AggregateWorker w : ws) {
                    if ((w.directSeen[word] & (1L << x)) == 0) {
                        continue;
                    }
                    if (first) {
                        System.arraycopy(w.directStates, x * stride, acc, 0, stride);
                        first = false;
                    } else {
                        for (AggFn f : fns) {
                            f.mergeState(acc, 0, w.directStates, x * stride);
                        }
                    }
                }
                keyOut.append(base + x);
                for (int j = 0; j < fns.length; j++) {
                    fns[j].finish(acc, 0, out[1 + j], null);
                }
                if (keyOut.size() >= ctx.chunkRows()) {
                    result.add(ctx.store().put(Chunk.build(output, List.of(out), ctx.budget(), "group by result")));
                    for (VectorBuilder b : out) {
                        b.reset();
                    }
                }
            }
        }
        if (keyOut.size() > 0) {
            result.add(ctx.store().put(Chunk.build(output, List.of(out), ctx.budget(), "group by result")));
        }
    }

    /**
     * Writes a worker's direct states to the partitions as partial rows, in order of value, when
     * some chunks went through a table: the merge then combines both.
     */
    void flushDirect(AggregateWorker w) {
        if (w.directStates == null) {
            return;
        }
        VectorBuilder[][] byPart = spiller.partitionBuilders(w);
        for (VectorBuilder[] b : byPart) {
            for (VectorBuilder x : b) {
                x.reset();
            }
        }
        int base = stateWindow[0];
        long[] st = w.directStates;
        long[] seen = w.directSeen;
        for (int word = 0; word < seen.length; word++) {
            long bits = seen[word];
            while (bits != 0) {
                int x = (word << 6) + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                int key = base + x;
                int p = partition(KeyBatch.singleKeyHash(Hashing.ofLong(key)), 0);
                VectorBuilder[] b = byPart[p];
                ((IntVectorBuilder) b[0]).append(key);
                for (int j = 0; j < fns.length; j++) {
                    fns[j].writePartial(st, x * stride, b, partialCol0[j], w.pool);
                }
                if (b[0].size() >= ctx.chunkRows()) {
                    parts.get(p).add(ctx.store().putWithoutStats(Chunk.build(partial, List.of(b), ctx.budget(), "group by partials")));
                    for (VectorBuilder v : b) {
                        v.reset();
                    }
                }
            }
        }
        for (int p = 0; p < PARTITIONS; p++) {
            if (byPart[p][0].size() > 0) {
                parts.get(p).add(ctx.store().putWithoutStats(Chunk.build(partial, List.of(byPart[p]), ctx.budget(), "group by partials")));
            }
        }
        w.directStates = null;
        w.directSeen = null;
    }
}
