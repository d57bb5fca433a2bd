package org.spillway.frame.exec.window;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.spillway.frame.SortOrder;
import org.spillway.frame.exec.hash.GroupTable;
import org.spillway.frame.exec.hash.KeyBatch;
import org.spillway.frame.exec.hash.PartitionLayout;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.frame.exec.pipeline.Terminal;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.chunk.PinnedChunk;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.VectorBuilder;

/**
 * The unboxed per-partition top-k of a ranking window: keeps the first {@code k} rows of each window partition in the
 * window's order (and, {@code withTies}, every row tied with the k-th) without sorting and without a Java object per
 * row. Per worker, a {@link GroupTable} (the hash aggregate's table: partition keys hashed a chunk at a time by a
 * {@link KeyBatch}) maps each partition to a flat run of longs: its kept rows' order keys, each encoded as one or two
 * longs whose signed order is the window's order (direction and null placement included), and a reference to the row.
 * A row worse than a full partition's k-th is dropped at one comparison of longs. With one integer partition key,
 * the keys in a window around the first chunk's range index their states directly (no hashing: one cache miss per row
 * where the table costs three or four), the others go through the table. The rows that enter a partition's
 * top k are copied, a chunk's worth at a time, into chunks in the chunk store (off-heap, spillable); a row pushed out
 * later becomes garbage there, which is compacted away when it outgrows the live rows. With one integer partition key, a dense
 * pass over each chunk first compares every row with its partition's current k-th (one long per key, beside the direct
 * states), so that only the rows that may enter take the full path. At the end the other workers' kept rows are run
 * through the first worker's table, and its live rows are the result, which the window then sorts (about k rows per
 * partition, not k per partition and worker).
 *
 * <p>Order keys must be of a fixed-width type (integers, dates, times, timestamps, decimals of up to 18 digits, float64,
 * bool) and {@code k} at most {@link #MAX_K}: {@link #supports} says so, else the caller uses the boxed
 * {@link PartitionTopKTerminal}.
 *
 * <p>Memory: the tables are heap arrays of primitives, about {@code 8 x (partition keys + 2 + 1 + k x (order key longs
 * + 1)) + 16} bytes per partition slot (a power of two of them per worker), reserved in the session budget before
 * they grow, up to {@code cap} bytes over all workers. The copied rows are chunks in the store, accounted there.
 *
 * <p><b>Out of core.</b> The top k of a set of rows is the top k of its parts' top k, and the window sorts and ranks
 * again whatever this terminal keeps, so any row may be handed to another part as long as it ends in exactly one.
 * When a worker's table cannot grow (past {@code cap}, or the budget has no room) it is <i>frozen</i>: its partitions
 * keep taking their rows, and a row of a partition not in it is <i>diverted</i> to one of {@link TopKSpill#BUCKETS} spilled
 * hash partitions (by {@link PartitionLayout#BITS} bits of its partition key's hash; whole rows, buffered per bucket and written as
 * chunks to the store, which spills them). When the budget asks this operator to give memory back (a
 * {@link org.spillway.spill.memory.MemoryConsumer} revoke, honoured between chunks) or its string pool cannot grow, a worker <i>flushes</i>: its
 * kept rows go to the spilled partitions too and its table starts empty. After the input, each worker's kept rows
 * are the result of its share, and each spilled partition (the same bucket of every worker) is run through a fresh
 * table of its own, in parallel, the next hash bits splitting what diverts again (down to the last bits, where the
 * table grows as the budget allows or the query fails with the budget's error). The fast path, a table that fits, is
 * the same as without spilling. With ties, the room for a chunk's worth of ties is reserved before the chunk; a chunk
 * without it is diverted whole.
 *
 * <p>Counters: {@code window.topKRowsKept} (the rows handed to the window), {@code window.topKCompactions} (garbage
 * compacted during the run), {@code window.topKFrozenTables} (workers' tables that stopped growing),
 * {@code window.topKSpilledRows} (rows written to the spilled partitions), {@code window.topKSpilledPartitions}
 * (spilled partitions run after the input, at every level), {@code window.topKRepartitions} (those that were split
 * again), {@code window.topKFlushes} (tables flushed to the spilled partitions), {@code window.topKMergedRows} (workers' kept
 * rows run through the first worker's table at the end), and the budget's
 * {@code memory.revokes.WindowTopK}.
 *
 * <p>The parts: this class takes the rows into the tables and makes the result; {@link TopKLocal} is a worker's
 * state, {@link TopKOrderKeys} encodes the order keys as longs, {@link TopKLiveRows} gathers the live rows (compaction,
 * the output in the window's order), {@link TopKSpill} holds the spilled partitions (diverting, flushing, and their
 * runs after the input) and {@link TopKMemory} accounts the heap in the budget.
 */
final class PartitionTopKTable implements Terminal<TopKLocal, StoredFrame> {
    /** The largest k of this table: each partition's slot holds k entries up front. */
    static final long MAX_K = 128;
    /** The deepest level: its table grows as the budget allows instead of diverting rows. */
    static final int MAX_LEVEL = PartitionLayout.MAX_LEVEL;
    /**
     * A lower cap on the tables' heap than the caller's, for tests (0: none), so that the spilled partitions spill
     * again. Package-private and mutable so that a test can lower it (and must restore it).
     */
    static volatile long testCap;

    private final Schema schema;
    private final int[] partitionColumns;
    /** The order keys' encoding as longs. */
    private final TopKOrderKeys orderKeys;
    /** Order-key longs per entry. */
    private final int w;
    /** Longs per entry: the order-key longs, then the row reference. */
    private final int e;
    /** Longs before a partition's entries: its entry count and, with ties, the head of its list of tied rows. */
    private final int h;
    private final int k;
    private final boolean withTies;
    private final int stride;
    private final ExecContext ctx;
    private final String name;
    /** The heap of the locals: reserved in the budget, the tables' part within the cap. */
    private final TopKMemory memory;
    /** The heap bytes of a buffered row (an estimate: fixed widths, 24 per string). */
    private final long rowBytes;
    /** Compaction and the ordered emission of the kept rows. */
    private final TopKLiveRows liveRows;
    /** The spilled hash partitions. */
    private final TopKSpill spill;
    /** Set by {@link #finish}: the result is in the window's order. */
    private volatile boolean inWindowOrder;

    /**
     * A terminal keeping the first {@code k} rows per partition of {@code partitionKeys} in the order {@code orders}
     * (plain columns of {@code schema}), failing over to the caller past {@code cap} heap bytes.
     */
    PartitionTopKTable(Schema schema, List<String> partitionKeys, List<SortOrder> orders, long k, boolean withTies,
                       ExecContext ctx, String name, long cap) {
        if (!supports(schema, orders, k)) {
            throw new IllegalArgumentException("unsupported top-k: k=" + k + ", order " + orders);
        }
        this.schema = schema;
        this.partitionColumns = partitionKeys.stream().mapToInt(schema::indexOf).toArray();
        this.orderKeys = new TopKOrderKeys(schema, orders);
        this.w = orderKeys.longs();
        this.e = w + 1;
        this.h = withTies ? 2 : 1;
        this.k = (int) k;
        this.withTies = withTies;
        this.stride = h + this.k * e;
        this.ctx = ctx;
        this.name = name;
        this.memory = new TopKMemory(ctx, testCap > 0 ? Math.min(cap, testCap) : cap);
        long rb = 1;
        for (int j = 0; j < schema.size(); j++) {
            DataType t = schema.type(j);
            rb += t.isVariableWidth() ? 24 : t.kind() == DataType.Kind.BOOL ? 1 : TopKOrderKeys.vectorOf(t) == IntVector.class ? 4 : 8;
        }
        this.rowBytes = rb;
        this.liveRows = new TopKLiveRows(schema, ctx, stride, h, e, w, withTies);
        this.spill = new TopKSpill(this, liveRows, memory, schema, partitionColumns, ctx, rb);
    }

    /** True if the order keys are all of fixed-width types and {@code k} is at most {@link #MAX_K}. */
    static boolean supports(Schema schema, List<SortOrder> orders, long k) {
        if (k < 1 || k > MAX_K) {
            return false;
        }
        for (SortOrder o : orders) {
            int i = schema.indexOf(o.expr().name());
            if (i < 0 || TopKOrderKeys.vectorOf(schema.type(i)) == null) {
                return false;
            }
        }
        return true;
    }

    @Override
    public TopKLocal newLocal() {
        return newLocal(0);
    }

    TopKLocal newLocal(int level) {
        TopKLocal l = new TopKLocal(level);
        l.moved = new long[e];
        l.table = new GroupTable(partitionColumns.length, stride);
        memory.forceCharge(l, GroupTable.bytesForGroups(partitionColumns.length, stride, 16));
        l.revokeSeen = memory.revokeEpoch();
        memory.add(l);
        return l;
    }

    @Override
    public boolean accept(TopKLocal l, int seq, int index, Chunk chunk, boolean independent) {
        process(l, chunk);
        return false;
    }

    /** Takes a chunk's rows into {@code l}: into its partitions' top k, or diverted to the spilled partitions. */
    void process(TopKLocal l, Chunk chunk) {
        int rows = chunk.rows();
        if (rows == 0) {
            return;
        }
        long epoch = memory.revokeEpoch();
        if (epoch != l.revokeSeen) { // a safe point: the budget asked this operator to give memory back
            l.revokeSeen = epoch;
            if (l.level < MAX_LEVEL && (l.table.size() > 0 || l.direct != null)) {
                memory.revoked(spill.flush(l));
            }
        }
        if (withTies && !tieRoom(l, rows)) {
            spill.divertAll(l, chunk);
            return;
        }
        long poolBytes = l.pool.bytes();
        KeyBatch batch = l.batch;
        batch.reset(partitionColumns.length, rows);
        for (int j = 0; j < partitionColumns.length; j++) {
            batch.add(j, chunk.column(partitionColumns[j]), l.pool);
        }
        batch.finish();
        orderKeys.encode(l, chunk);
        if (!l.directDecided) {
            decideDirect(l, chunk);
        }
        ColumnVector key0 = l.direct == null ? null : chunk.column(partitionColumns[0]);
        IntVector ikey = key0 instanceof IntVector iv ? iv : null;
        LongVector lkey = key0 instanceof LongVector lv ? lv : null;
        boolean keyNulls = key0 != null && key0.hasNulls();
        long directBase = l.directBase;
        int directSize = l.directSize;
        long[][] keys = l.keys;
        long chunkNo = (long) l.handles.size() << 32;
        long[] threshold = l.threshold;
        int n = prefilter(l, w == 0 ? null : key0, w == 0 ? null : keys[0], rows);
        int[] candidates = l.candidates;
        int picked = 0;
        if (l.picks.length < rows) {
            l.picks = new int[rows];
        }
        int[] picks = l.picks;
        if (l.divert.length < rows) {
            l.divert = new int[rows];
        }
        int[] divert = l.divert;
        int diverted = 0;
        for (int ci = 0; ci < n; ci++) {
            int r = candidates[ci];
            long[] st;
            int b;
            long off = key0 == null || keyNulls && key0.isNull(r) ? -1
                    : (ikey != null ? ikey.get(r) : lkey.get(r)) - directBase;
            boolean isDirect = off >= 0 && off < directSize;
            if (isDirect) {
                st = l.direct;
                b = (int) off * stride;
            } else {
                if (l.table.size() == l.capacity && !l.frozen) {
                    grow(l);
                }
                int g;
                if (l.frozen) {
                    g = l.table.find(batch, r);
                    if (g < 0) {
                        divert[diverted++] = r;
                        continue;
                    }
                } else {
                    g = l.table.findOrInsert(batch, r);
                }
                st = l.table.states();
                b = g * stride;
            }
            int count = (int) st[b];
            int first = b + h;
            if (count == k) {
                int c = compare(keys, r, st, first + (k - 1) * e);
                if (c > 0 || c == 0 && !withTies) {
                    continue;
                }
                long ref = chunkNo | picked;
                picks[picked++] = r;
                if (c == 0) {
                    pushTied(l, st, b, ref);
                    continue;
                }
                // better than the k-th: it goes in, the k-th goes out (or joins the ties)
                int pos = position(keys, r, st, first, k - 1);
                int last = first + (k - 1) * e;
                System.arraycopy(st, last, l.moved, 0, e);
                System.arraycopy(st, first + pos * e, st, first + (pos + 1) * e, (k - 1 - pos) * e);
                put(keys, r, st, first + pos * e, ref);
                if (isDirect && threshold != null) {
                    threshold[(int) off] = st[last];
                }
                if (withTies && compareEntries(l.moved, 0, st, last) == 0) {
                    pushTied(l, st, b, l.moved[w]);
                } else {
                    l.garbage += 1 + dropTied(l, st, b);
                }
            } else {
                int pos = position(keys, r, st, first, count);
                long ref = chunkNo | picked;
                picks[picked++] = r;
                System.arraycopy(st, first + pos * e, st, first + (pos + 1) * e, (count - pos) * e);
                put(keys, r, st, first + pos * e, ref);
                st[b] = count + 1;
                if (isDirect && threshold != null && count + 1 == k) {
                    threshold[(int) off] = st[first + (k - 1) * e];
                }
            }
        }
        long grown = l.pool.bytes() - poolBytes;
        boolean poolShort = false;
        if (grown > 0 && !memory.tryCharge(l, grown)) {
            if (l.level < MAX_LEVEL) {
                poolShort = true; // flushed below, which empties the pool
            } else {
                memory.forceCharge(l, grown);
            }
        }
        if (picked > 0) {
            l.handles.add(ctx.store().put(gather(l, chunk, picks, picked)));
            l.copied += picked;
            long live = l.copied - l.garbage;
            if (l.garbage > Math.max(live, 1 << 16)) {
                List<ChunkHandle> old = l.handles;
                l.handles = liveRows.compact(l, old);
                old.forEach(ChunkHandle::close);
                l.copied = live;
                l.garbage = 0;
                ctx.counters().add("window.topKCompactions", 1);
            }
        }
        if (diverted > 0) {
            spill.divertRows(l, chunk, divert, diverted);
        }
        if (poolShort) {
            spill.flush(l);
        }
    }

    /**
     * The rows of the chunk that may enter a partition's top k, into {@code l.candidates}, and how many: with direct
     * states, every row but those of a direct key whose first order-key long is above its partition's threshold (a
     * threshold only falls during a chunk, so a row dropped here would be dropped by the full path too); else all.
     */
    private int prefilter(TopKLocal l, ColumnVector key0, long[] first, int rows) {
        if (l.candidates.length < rows) {
            l.candidates = new int[Math.max(rows, 1024)];
        }
        int[] out = l.candidates;
        int n = 0;
        if (key0 == null || l.threshold == null) {
            for (int r = 0; r < rows; r++) {
                out[r] = r;
            }
            return rows;
        }
        long[] threshold = l.threshold;
        long base = l.directBase;
        long size = l.directSize;
        boolean nulls = key0.hasNulls();
        if (key0 instanceof IntVector iv && !nulls) {
            for (int r = 0; r < rows; r++) {
                long off = iv.get(r) - base;
                out[n] = r;
                n += off < 0 || off >= size || first[r] <= threshold[(int) off] ? 1 : 0;
            }
        } else if (key0 instanceof LongVector lv && !nulls) {
            for (int r = 0; r < rows; r++) {
                long off = lv.get(r) - base;
                out[n] = r;
                n += off < 0 || off >= size || first[r] <= threshold[(int) off] ? 1 : 0;
            }
        } else { // a null key's value is arbitrary: its rows take the full path (the null partition)
            IntVector iv = key0 instanceof IntVector v ? v : null;
            LongVector lv = key0 instanceof LongVector v ? v : null;
            for (int r = 0; r < rows; r++) {
                out[n] = r;
                if (key0.isNull(r)) {
                    n++;
                    continue;
                }
                long off = (iv != null ? iv.get(r) : lv.get(r)) - base;
                n += off < 0 || off >= size || first[r] <= threshold[(int) off] ? 1 : 0;
            }
        }
        return n;
    }

    /**
     * The table of {@code l} is full: doubles it if its reservation can grow (within {@code cap}), else freezes it
     * (at the last level it grows as the budget allows, or the query fails with the budget's error).
     */
    private void grow(TopKLocal l) {
        long more = GroupTable.bytesForGroups(partitionColumns.length, stride, 2L * l.capacity)
                - GroupTable.bytesForGroups(partitionColumns.length, stride, l.capacity);
        if (memory.tryCharge(l, more)) {
            l.capacity *= 2;
        } else if (l.level >= MAX_LEVEL) {
            memory.forceCharge(l, more);
            l.capacity *= 2;
        } else {
            l.frozen = true;
            ctx.counters().add("window.topKFrozenTables", 1);
        }
    }

    /** Makes room for {@code rows} more ties; false if the budget has none (the caller then diverts the chunk). */
    private boolean tieRoom(TopKLocal l, int rows) {
        long need = (long) l.tied + rows;
        if (need <= l.tiedRef.length) {
            return true;
        }
        int n = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(64, Math.max(need, 2L * l.tiedRef.length)));
        long bytes = 12L * (n - l.tiedRef.length);
        if (!memory.tryCharge(l, bytes)) {
            if (l.level < MAX_LEVEL) {
                return false;
            }
            memory.forceCharge(l, bytes);
        }
        l.tiedRef = Arrays.copyOf(l.tiedRef, n);
        l.tiedNext = Arrays.copyOf(l.tiedNext, n);
        return true;
    }

    /**
     * Empties the table of {@code l} (its copied rows already gathered elsewhere): a fresh table, no string pool, direct
     * states or ties, not frozen, and its memory but the spilled partitions' buffers back to the budget.
     */
    void clear(TopKLocal l) {
        l.handles = new ArrayList<>();
        l.copied = 0;
        l.garbage = 0;
        l.table = new GroupTable(partitionColumns.length, stride);
        l.capacity = 16;
        l.pool.clear();
        l.direct = null;
        l.threshold = null;
        l.directSize = 0;
        l.directDecided = true;
        l.tiedRef = new long[0];
        l.tiedNext = new int[0];
        l.tied = 0;
        l.frozen = false;
        long keep = GroupTable.bytesForGroups(partitionColumns.length, stride, 16) + l.bufferBytes;
        if (l.bytes > keep) {
            memory.uncharge(l, l.bytes - keep);
        }
    }

    /**
     * With one integer partition key, sets up the direct states from the first chunk with a non-null key: a window of
     * keys around the chunk's range with a sixteenth to spare, if its states take at most a worker's share of
     * {@code cap} ({@code cap / parallelism}) and the budget has room; the keys outside it (and null) go through the
     * hash table. (The direct states take half the table's bytes per partition: at 1e8 rows of db-benchmark's q8,
     * a million partitions of {@code id6}, about 43 MB per worker, where the table would need 84 MB.) The thresholds
     * of the dense pass ({@link TopKLocal#threshold}, 8 bytes per key) come with them when the share has room for both,
     * else the direct states come alone and every row takes the full path.
     */
    private void decideDirect(TopKLocal l, Chunk chunk) {
        if (partitionColumns.length != 1) {
            l.directDecided = true;
            return;
        }
        long min;
        long max;
        switch (chunk.column(partitionColumns[0])) {
            case IntVector v -> {
                min = v.min();
                max = v.max();
            }
            case LongVector v -> {
                min = v.min();
                max = v.max();
            }
            default -> {
                l.directDecided = true;
                return;
            }
        }
        if (min > max) {
            return; // every key null: decide on a later chunk
        }
        l.directDecided = true;
        if (max - min < 0 || max - min >= 1 << 24) {
            return;
        }
        long range = max - min + 1;
        long size = range + range / 16 + 16;
        long share = memory.cap() / Math.max(1, ctx.scheduler().parallelism());
        long states = size * stride * 8;
        long thresholds = size * 8;
        boolean withThresholds = states + thresholds <= share && memory.tryCharge(l, states + thresholds);
        if (!withThresholds && (states > share || !memory.tryCharge(l, states))) {
            return; // no room: the table takes every key
        }
        l.directSize = (int) size;
        l.directBase = min - (size - range) / 2;
        l.direct = new long[(int) size * stride];
        if (withThresholds) { // else every row takes the full path
            l.threshold = new long[(int) size];
            Arrays.fill(l.threshold, Long.MAX_VALUE);
        }
    }

    /** Row {@code r}'s order keys against the entry at {@code at} of {@code st}. */
    private int compare(long[][] keys, int r, long[] st, int at) {
        for (int j = 0; j < w; j++) {
            int c = Long.compare(keys[j][r], st[at + j]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private int compareEntries(long[] a, int at, long[] b, int bt) {
        for (int j = 0; j < w; j++) {
            int c = Long.compare(a[at + j], b[bt + j]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** Where row {@code r} goes among the {@code count} entries from {@code first}: after every entry not worse. */
    private int position(long[][] keys, int r, long[] st, int first, int count) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (compare(keys, r, st, first + mid * e) >= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void put(long[][] keys, int r, long[] st, int at, long ref) {
        for (int j = 0; j < w; j++) {
            st[at + j] = keys[j][r];
        }
        st[at + w] = ref;
    }

    /** Adds the row {@code ref} to the ties of the partition whose state starts at {@code b}. */
    private static void pushTied(TopKLocal l, long[] st, int b, long ref) {
        l.tiedRef[l.tied] = ref; // room made by tieRoom before the chunk
        l.tiedNext[l.tied] = (int) st[b + 1];
        st[b + 1] = ++l.tied;
    }

    /** Forgets the ties of the partition whose state starts at {@code b}; how many there were. */
    private int dropTied(TopKLocal l, long[] st, int b) {
        if (!withTies) {
            return 0;
        }
        int n = 0;
        for (int t = (int) st[b + 1]; t != 0; t = l.tiedNext[t - 1]) {
            n++;
        }
        st[b + 1] = 0;
        return n;
    }

    /** Copies rows {@code picks[0..n)} of {@code chunk} into a new chunk. */
    private Chunk gather(TopKLocal l, Chunk chunk, int[] picks, int n) {
        if (l.zeros.length < n) {
            l.zeros = new int[Math.max(n, 1024)];
        }
        List<VectorBuilder> builders = new ArrayList<>(schema.size());
        ColumnVector[] one = new ColumnVector[1];
        for (int j = 0; j < schema.size(); j++) {
            VectorBuilder vb = VectorBuilder.forType(schema.type(j), n);
            one[0] = chunk.column(j);
            vb.gather(one, l.zeros, picks, 0, n);
            builders.add(vb);
        }
        return Chunk.build(schema, builders, ctx.budget(), "window-top-k");
    }

    /**
     * The result: the input workers' kept rows (merged into the first worker's table), then the top k of each spilled
     * partition (the same bucket of every worker together), run in parallel.
     */
    @Override
    public StoredFrame finish(List<TopKLocal> workers) {
        List<ChunkHandle> out = java.util.Collections.synchronizedList(new ArrayList<>());
        List<List<ChunkHandle>> work = new ArrayList<>();
        for (int p = 0; p < TopKSpill.BUCKETS; p++) {
            work.add(new ArrayList<>());
        }
        try {
            mergeInto(workers);
            for (TopKLocal l : workers) {
                spill.spillAll(l);
            }
            if (canEmitInOrder(workers)) {
                TopKLocal l = workers.getFirst();
                out.addAll(liveRows.inWindowOrder(l));
                releaseLocal(l);
                inWindowOrder = true;
                ctx.counters().add("window.topKRowsKept", out.stream().mapToLong(ChunkHandle::rows).sum());
                return new StoredFrame(name, schema, List.copyOf(out));
            }
            for (TopKLocal l : workers) {
                List<ChunkHandle> kept = liveRows.compact(l, l.handles);
                out.addAll(kept);
                spill.handOver(l, work);
                releaseLocal(l); // its table's memory is free for the spilled partitions' runs
            }
            spill.runAll(work, out);
            ctx.counters().add("window.topKRowsKept", out.stream().mapToLong(ChunkHandle::rows).sum());
            return new StoredFrame(name, schema, List.copyOf(out));
        } catch (RuntimeException | Error ex) {
            out.forEach(ChunkHandle::close);
            throw ex;
        } finally {
            work.forEach(w -> w.forEach(ChunkHandle::close));
            release(workers);
        }
    }

    /**
     * True if the result can come out in the window's order, so that the window need not sort it: after the merge every
     * kept row is in the first worker's direct states (nothing in its hash table, so no null or far key, and nothing
     * diverted or flushed to the spilled partitions), and the kept rows fit a quarter of a worker's share of the
     * budget (they are read at once).
     */
    private boolean canEmitInOrder(List<TopKLocal> workers) {
        TopKLocal first = workers.getFirst();
        if (first.direct == null || first.table.size() > 0) {
            return false;
        }
        for (TopKLocal l : workers) {
            if (spill.holdsRows(l)) {
                return false;
            }
        }
        long rows = 0;
        for (ChunkHandle h : first.handles) {
            rows += h.rows();
        }
        return rows * rowBytes <= ctx.policy().workerShare() / 4;
    }

    /** True once {@link #finish} returned the kept rows in the window's order (see {@link #canEmitInOrder}). */
    boolean inWindowOrder() {
        return inWindowOrder;
    }

    /**
     * Runs every other worker's kept rows through the first worker's table, so that the window sorts and ranks about
     * k rows per partition instead of k per partition and worker (at db-benchmark's q8, half the rows). Each worker's
     * table is released before its rows go in, so the memory only moves; rows the first table diverts or flushes
     * reach its spilled partitions like any other. One thread: the kept rows are few against the input's.
     */
    private void mergeInto(List<TopKLocal> workers) {
        if (workers.size() < 2) {
            return;
        }
        TopKLocal into = workers.getFirst();
        for (int i = 1; i < workers.size(); i++) {
            long rows = drain(workers.get(i), c -> process(into, c));
            ctx.counters().add("window.topKMergedRows", rows);
        }
    }

    /**
     * Empties {@code l} ({@link #clear}) after gathering its live rows, then hands them to {@code to} a chunk at a time
     * (each pinned only while {@code to} runs, and closed after it); the number of rows handed on. Used to merge a
     * worker into another and to flush a worker to the spilled partitions.
     */
    long drain(TopKLocal l, java.util.function.Consumer<Chunk> to) {
        List<ChunkHandle> live = liveRows.compact(l, l.handles);
        long rows = live.stream().mapToLong(ChunkHandle::rows).sum();
        try {
            l.handles.forEach(ChunkHandle::close);
            clear(l);
            for (ChunkHandle h : live) {
                try (PinnedChunk pc = h.pin()) {
                    to.accept(pc.chunk());
                }
                h.close();
            }
        } finally {
            live.forEach(ChunkHandle::close);
        }
        return rows;
    }

    /** Closes what {@code l} holds (its copied rows, spilled chunks not handed on) and returns its memory. */
    void releaseLocal(TopKLocal l) {
        l.handles.forEach(ChunkHandle::close);
        l.handles = new ArrayList<>();
        spill.release(l);
        l.table = null;
        l.direct = null;
        l.threshold = null;
        memory.release(l);
    }

    @Override
    public void abort(List<TopKLocal> workers) {
        release(workers);
    }

    private void release(List<TopKLocal> workers) {
        for (TopKLocal l : workers) {
            releaseLocal(l);
        }
        memory.close();
    }
}
