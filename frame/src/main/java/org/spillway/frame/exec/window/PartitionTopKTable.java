package org.spillway.frame.exec.window;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.spillway.frame.SortOrder;
import org.spillway.frame.exec.hash.GroupTable;
import org.spillway.frame.exec.hash.KeyBatch;
import org.spillway.frame.exec.hash.StringPool;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.frame.exec.pipeline.Terminal;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.chunk.PinnedChunk;
import org.spillway.spill.memory.Reservation;
import org.spillway.spill.vector.BoolVector;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
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
 * later becomes garbage there, which is compacted away when it outgrows the live rows. At the end each worker's live
 * rows are gathered into the result, which the window then sorts; the workers' sets are not merged (each holds the top k
 * of its share of the rows, so their union holds the top k of all, and the filter above the window cuts the rest).
 *
 * <p>Order keys must be of a fixed-width type (integers, dates, times, timestamps, decimals of up to 18 digits, float64,
 * bool) and {@code k} at most {@link #MAX_K}: {@link #supports} says so, else the caller uses the boxed
 * {@link PartitionTopKTerminal}.
 *
 * <p>Memory: the tables are heap arrays of primitives, about {@code 8 x (partition keys + 2 + 1 + k x (order key longs
 * + 1)) + 16} bytes per partition slot (a power of two of them per worker), reserved in the session budget before
 * they grow; past {@code cap} bytes (or when the budget has no room) the terminal stops with
 * {@link PartitionTopKTerminal.TooLarge} and the caller sorts every row instead. The copied rows are chunks in the
 * store, accounted there.
 *
 * <p>Counters: {@code window.topKRowsKept} (the rows handed to the window), {@code window.topKCompactions} (garbage
 * compacted during the run).
 */
final class PartitionTopKTable implements Terminal<PartitionTopKTable.Local, StoredFrame> {
    /** The largest k of this table: each partition's slot holds k entries up front. */
    static final long MAX_K = 128;

    private final Schema schema;
    private final int[] partitionColumns;
    private final int[] orderColumns;
    /** Per order column: its longs in an entry (1: nulls folded into the value; 2: a null rank, then the value). */
    private final int[] widths;
    private final boolean[] descending;
    private final boolean[] nullsFirst;
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
    private final long cap;
    private final Reservation reservation;
    private long held;

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
        this.orderColumns = orders.stream().mapToInt(o -> schema.indexOf(o.expr().name())).toArray();
        this.widths = new int[orderColumns.length];
        this.descending = new boolean[orderColumns.length];
        this.nullsFirst = new boolean[orderColumns.length];
        int longs = 0;
        for (int j = 0; j < orderColumns.length; j++) {
            widths[j] = vectorOf(schema.type(orderColumns[j])) == LongVector.class ? 2 : 1;
            descending[j] = !orders.get(j).ascending();
            nullsFirst[j] = orders.get(j).isNullsFirst();
            longs += widths[j];
        }
        this.w = longs;
        this.e = w + 1;
        this.h = withTies ? 2 : 1;
        this.k = (int) k;
        this.withTies = withTies;
        this.stride = h + this.k * e;
        this.ctx = ctx;
        this.name = name;
        this.cap = cap;
        this.reservation = ctx.budget().newReservation("WindowTopK");
    }

    /** True if the order keys are all of fixed-width types and {@code k} is at most {@link #MAX_K}. */
    static boolean supports(Schema schema, List<SortOrder> orders, long k) {
        if (k < 1 || k > MAX_K) {
            return false;
        }
        for (SortOrder o : orders) {
            int i = schema.indexOf(o.expr().name());
            if (i < 0 || vectorOf(schema.type(i)) == null) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> vectorOf(DataType t) {
        return switch (t.kind()) {
            case INT32, DATE -> IntVector.class;
            case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> LongVector.class;
            case FLOAT64 -> DoubleVector.class;
            case BOOL -> BoolVector.class;
            default -> null;
        };
    }

    /** One worker's partitions, its copied rows and their garbage. */
    static final class Local {
        GroupTable table;
        final StringPool pool = new StringPool();
        final KeyBatch batch = new KeyBatch();
        /** Group slots the table has now (it doubles when full). */
        int capacity = 16;
        /** Bytes charged for this local. */
        long bytes;
        /** The chunks of copied rows; a row reference is (index in this list) << 32 | row. */
        List<ChunkHandle> handles = new ArrayList<>();
        long copied;
        long garbage;
        /** Rows tied with a full partition's k-th (withTies): their references and the next in their list (+1, 0 ends). */
        long[] tiedRef = new long[0];
        int[] tiedNext = new int[0];
        int tied;
        /** The current chunk's encoded order keys, [order-key long][row]. */
        long[][] keys = new long[0][];
        int[] picks = new int[1024];
        int[] zeros = new int[0];
        /**
         * One integer partition key: the states of the keys in {@code [directBase, directBase + directSize)}, indexed by
         * the key's offset (no hashing; an empty slot has count 0); null when not (yet) chosen.
         */
        long[] direct;
        long directBase;
        int directSize;
        boolean directDecided;
        /** The entry a better row pushed out. */
        long[] moved;
    }

    @Override
    public Local newLocal() {
        Local l = new Local();
        l.moved = new long[e];
        l.table = new GroupTable(partitionColumns.length, stride);
        charge(l, GroupTable.bytesForGroups(partitionColumns.length, stride, 16));
        return l;
    }

    @Override
    public boolean accept(Local l, int seq, int index, Chunk chunk, boolean independent) {
        int rows = chunk.rows();
        if (rows == 0) {
            return false;
        }
        KeyBatch batch = l.batch;
        batch.reset(partitionColumns.length, rows);
        for (int j = 0; j < partitionColumns.length; j++) {
            batch.add(j, chunk.column(partitionColumns[j]), l.pool);
        }
        batch.finish();
        encode(l, chunk);
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
        int picked = 0;
        if (l.picks.length < rows) {
            l.picks = new int[rows];
        }
        int[] picks = l.picks;
        long poolBytes = l.pool.bytes();
        for (int r = 0; r < rows; r++) {
            long[] st;
            int b;
            long off = key0 == null || keyNulls && key0.isNull(r) ? -1
                    : (ikey != null ? ikey.get(r) : lkey.get(r)) - directBase;
            if (off >= 0 && off < directSize) {
                st = l.direct;
                b = (int) off * stride;
            } else {
                if (l.table.size() == l.capacity) {
                    long more = GroupTable.bytesForGroups(partitionColumns.length, stride, 2L * l.capacity)
                            - GroupTable.bytesForGroups(partitionColumns.length, stride, l.capacity);
                    charge(l, more);
                    l.capacity *= 2;
                }
                int g = l.table.findOrInsert(batch, r);
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
            }
        }
        long grown = l.pool.bytes() - poolBytes;
        if (grown > 0) {
            charge(l, grown);
        }
        if (picked > 0) {
            l.handles.add(ctx.store().put(gather(l, chunk, picks, picked)));
            l.copied += picked;
            long live = l.copied - l.garbage;
            if (l.garbage > Math.max(live, 1 << 16)) {
                List<ChunkHandle> old = l.handles;
                l.handles = compact(l, old);
                old.forEach(ChunkHandle::close);
                l.copied = live;
                l.garbage = 0;
                ctx.counters().add("window.topKCompactions", 1);
            }
        }
        return false;
    }

    /**
     * With one integer partition key, sets up the direct states from the first chunk with a non-null key: a window of
     * keys around the chunk's range with a quarter to spare, if its states take at most a quarter of
     * {@code cap}; the keys outside it (and null) go through the hash table.
     */
    private void decideDirect(Local l, Chunk chunk) {
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
        long size = range + range / 4 + 16;
        if (size * stride * 8 > cap / 4) {
            return;
        }
        charge(l, size * stride * 8);
        l.directSize = (int) size;
        l.directBase = min - (size - range) / 2;
        l.direct = new long[(int) size * stride];
    }

    /** Encodes the order keys of every row of {@code chunk} into {@code l.keys}, each a long in the window's order. */
    private void encode(Local l, Chunk chunk) {
        int rows = chunk.rows();
        if (l.keys.length != w || l.keys.length > 0 && l.keys[0].length < rows) {
            l.keys = new long[w][Math.max(rows, 1024)];
        }
        int at = 0;
        for (int j = 0; j < orderColumns.length; j++) {
            ColumnVector v = chunk.column(orderColumns[j]);
            long flip = descending[j] ? -1L : 0L; // x ^ -1 = ~x reverses the signed order
            if (widths[j] == 2) {
                long[] rank = l.keys[at];
                long[] out = l.keys[at + 1];
                LongVector lv = (LongVector) v;
                for (int i = 0; i < rows; i++) {
                    out[i] = lv.get(i) ^ flip;
                    rank[i] = 1;
                }
                if (v.hasNulls()) {
                    long nullRank = nullsFirst[j] ? 0 : 2;
                    for (int i = 0; i < rows; i++) {
                        if (v.isNull(i)) {
                            rank[i] = nullRank;
                            out[i] = 0;
                        }
                    }
                }
                at += 2;
                continue;
            }
            long[] out = l.keys[at];
            switch (v) {
                case IntVector iv -> {
                    for (int i = 0; i < rows; i++) {
                        out[i] = iv.get(i) ^ flip;
                    }
                }
                case DoubleVector dv -> {
                    for (int i = 0; i < rows; i++) {
                        double d = dv.get(i);
                        // -0.0 as 0.0 and one NaN (above every number); the sign flip makes the bits' signed order
                        // the numbers' order, leaving Long.MIN_VALUE and Long.MAX_VALUE unused (they are NaN bits)
                        long bits = Double.doubleToLongBits(d == 0.0 ? 0.0 : d);
                        out[i] = (bits ^ ((bits >> 63) & Long.MAX_VALUE)) ^ flip;
                    }
                }
                case BoolVector bv -> {
                    for (int i = 0; i < rows; i++) {
                        out[i] = (bv.get(i) ? 1L : 0L) ^ flip;
                    }
                }
                default -> throw new IllegalStateException("order key of " + v.type());
            }
            if (v.hasNulls()) {
                long nullKey = nullsFirst[j] ? Long.MIN_VALUE : Long.MAX_VALUE;
                for (int i = 0; i < rows; i++) {
                    if (v.isNull(i)) {
                        out[i] = nullKey;
                    }
                }
            }
            at++;
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
    private void pushTied(Local l, long[] st, int b, long ref) {
        if (l.tied == l.tiedRef.length) {
            int n = Math.max(64, l.tied * 2);
            charge(l, 12L * (n - l.tied));
            l.tiedRef = Arrays.copyOf(l.tiedRef, n);
            l.tiedNext = Arrays.copyOf(l.tiedNext, n);
        }
        l.tiedRef[l.tied] = ref;
        l.tiedNext[l.tied] = (int) st[b + 1];
        st[b + 1] = ++l.tied;
    }

    /** Forgets the ties of the partition whose state starts at {@code b}; how many there were. */
    private int dropTied(Local l, long[] st, int b) {
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
    private Chunk gather(Local l, Chunk chunk, int[] picks, int n) {
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
     * Gathers the live rows of {@code l} (from {@code from}) into new chunks of at most the session's chunk rows,
     * rewriting their references to point there (the new chunks' list). Rows are read chunk by chunk: one pinned at a
     * time.
     */
    private List<ChunkHandle> compact(Local l, List<ChunkHandle> from) {
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

    private int countLive(Local l, long[] st, int end) {
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
    private int livePlaces(Local l, long[] st, int end, long kind, long[] places, int p) {
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

    private static long ref(Local l, long[] st, long place) {
        if (place < 0) {
            return l.tiedRef[(int) (-place - 1)];
        }
        return (place & DIRECT) != 0 ? l.direct[(int) (place & ~DIRECT)] : st[(int) place];
    }

    private static void setRef(Local l, long[] st, long place, long ref) {
        if (place < 0) {
            l.tiedRef[(int) (-place - 1)] = ref;
        } else if ((place & DIRECT) != 0) {
            l.direct[(int) (place & ~DIRECT)] = ref;
        } else {
            st[(int) place] = ref;
        }
    }

    /** Reserves {@code bytes} more heap for {@code l}, or stops the run with {@link PartitionTopKTerminal.TooLarge}. */
    private void charge(Local l, long bytes) {
        synchronized (reservation) {
            if (held + bytes > cap || !reservation.growIfRoom(bytes)) {
                throw new PartitionTopKTerminal.TooLarge();
            }
            held += bytes;
            l.bytes += bytes;
        }
    }

    @Override
    public StoredFrame finish(List<Local> locals) {
        List<ChunkHandle> out = new ArrayList<>();
        try {
            for (Local l : locals) {
                List<ChunkHandle> kept = compact(l, l.handles);
                l.handles.forEach(ChunkHandle::close);
                l.handles = new ArrayList<>();
                out.addAll(kept);
            }
            ctx.counters().add("window.topKRowsKept", out.stream().mapToLong(ChunkHandle::rows).sum());
            return new StoredFrame(name, schema, List.copyOf(out));
        } catch (RuntimeException | Error ex) {
            out.forEach(ChunkHandle::close);
            throw ex;
        } finally {
            release(locals);
        }
    }

    @Override
    public void abort(List<Local> locals) {
        release(locals);
    }

    private void release(List<Local> locals) {
        for (Local l : locals) {
            l.handles.forEach(ChunkHandle::close);
            l.handles = new ArrayList<>();
            l.table = null;
            l.direct = null;
        }
        reservation.close();
    }
}
