package org.spillway.frame.exec.aggregate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.spillway.frame.AggregateExpr;
import org.spillway.frame.Expr;
import org.spillway.frame.exec.aggregate.function.AggFn;
import org.spillway.frame.exec.aggregate.function.Quantiles;
import org.spillway.frame.exec.hash.GroupTable;
import org.spillway.frame.exec.hash.Hashing;
import org.spillway.frame.exec.hash.KeyBatch;
import org.spillway.frame.exec.hash.StringPool;
import org.spillway.frame.exec.eval.ExprCompiler;
import org.spillway.frame.exec.eval.PhysicalExpr;
import org.spillway.frame.exec.pipeline.ChunkOps;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.frame.exec.pipeline.Terminal;
import org.spillway.frame.exec.sort.ExternalSort;
import org.spillway.frame.Expr.ColumnRef;
import org.spillway.frame.exec.sort.SortWorker;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.parallel.Morsel;
import org.spillway.parallel.ProgressListener;
import org.spillway.parallel.Sink;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.chunk.PinnedChunk;
import org.spillway.spill.memory.BudgetExceededException;
import org.spillway.spill.memory.Reservation;
import org.spillway.spill.vector.BoolVectorBuilder;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVectorBuilder;
import org.spillway.spill.vector.IntVectorBuilder;
import org.spillway.spill.vector.LongVectorBuilder;
import org.spillway.spill.vector.StringVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * Parallel, out-of-core hash aggregation in two phases.
 *
 * <p><b>Phase 1</b> (in the input pipeline, one {@link GroupTable} per worker): each chunk's keys
 * are hashed by value and looked up; the aggregates update their per-group state. The table's
 * memory is reserved from the budget as it grows; when the reservation fails (or the table passes
 * its worker's share of the budget) the table is <i>flushed</i>: its groups are radix-partitioned
 * by the high bits of their key hash into {@link #PARTITIONS} partitions and written, as chunks of
 * partial states, to the chunk store (which spills them, LZ4-compressed, when memory runs short),
 * and the table starts empty. At the end every table is flushed the same way. A table whose keys
 * hardly repeat (fewer than {@link #PREAGG_MIN_ROWS_PER_GROUP} rows per group when it is flushed)
 * does not pay for itself: the worker then passes later chunks straight to the partitions, one
 * partial row per input row ({@link #PASS_THROUGH_MIN_ROWS}; counter {@code groupby.passThroughRows}).
 *
 * <p><b>Phase 2</b> (one morsel per partition, in parallel): a partition's partial chunks are
 * merged into one table and finished into result chunks. A partition whose table does not fit the
 * budget is split by the next hash bits into sub-partitions, each merged alone (recursively), so
 * the number of groups is bounded by disk, not memory.
 *
 * <p><b>Holistic aggregates</b> (median, quantile, countDistinct, top-k) keep every value, in raw
 * chunks partitioned like the partial states. A partition's values are grouped in memory when they
 * fit; when they do not and the hash cannot split them any further (one group with too many values),
 * they are sorted out of core by (keys, value) and each aggregate is read off the sorted stream
 * (counter {@code groupby.sortedValues}).
 */
public final class HashAggregate {
    /** Radix partitions per level (6 hash bits). */
    static final int BITS = 6;
    static final int PARTITIONS = 1 << BITS;
    private static final int MAX_LEVEL = 64 / BITS - 1;
    /** Up to this many groups (over all workers, none flushed early) are merged as one partition. */
    private static final int SMALL_GROUPS = 1 << 16;
    /**
     * Pre-aggregation that does not pay: a worker's table whose keys are hashed row by row and that
     * holds at least this many groups (about as many as stay in the CPU caches) is flushed to the
     * partitions when it has seen fewer than {@link #PREAGG_MIN_ROWS_PER_GROUP} rows per group since
     * its last flush: its keys hardly repeat, and a growing table would only miss the caches. (On
     * db-benchmark q10, 1e7 groups of six keys: 14 s with unbounded tables, 9 s with this rule; q3
     * at K = 100, 1e5 groups each seen 100 times, keeps its table.) Tables keyed by dictionary codes
     * or direct int indexes are not bounded (db-benchmark q5 was 2x slower with the bound).
     */
    static final int PREAGG_GROUPS = 1 << 16;
    static final double PREAGG_MIN_ROWS_PER_GROUP = 1.25;
    /**
     * After such a flush the worker stops pre-aggregating (as DuckDB's and Polars' streaming group
     * bys abandon a table that does not reduce): each later chunk of at least this many rows goes
     * straight to the partitions, one partial row per input row, its keys copied from the chunk's
     * vectors by partition order and hashed without interning. The merge of each partition then
     * aggregates them once instead of twice. (Only without holistic aggregates, and when every key
     * is a column; smaller chunks, which would make tiny partition chunks, still use the table.)
     */
    static final int PASS_THROUGH_MIN_ROWS = 1 << 15;
    /** Off with {@code -Dspillway.groupby.passThrough=false} (to compare the two paths). */
    private static final boolean PASS_THROUGH = !"false".equals(System.getProperty("spillway.groupby.passThrough"));
    /** A table flushed because the budget is full also stops pre-aggregation if it held this many groups that hardly repeat. */
    private static final int PASS_THROUGH_MIN_GROUPS = 1 << 12;
    /** The widest range of int keys looked up by direct array index instead of hashing. */
    private static final long DIRECT_MAX = 1 << 20;
    /** Off with {@code -Dspillway.groupby.directStates=false} (to compare the two paths). */
    private static final boolean DIRECT_STATES = !"false".equals(System.getProperty("spillway.groupby.directStates"));
    /** HeapColumn of the direct-state window each phase-2 morsel combines and emits. */
    private static final int DIRECT_RANGE = 1 << 16;

    private final List<Expr> keys;
    /** The keys and aggregate inputs compiled against the input schema, by identity. */
    private final Map<Expr, PhysicalExpr> evaluators = new IdentityHashMap<>();
    private final List<AggregateExpr> aggs;
    private final ExecContext ctx;
    private final Schema output;
    private final Schema partial;
    private final DataType[] keyTypes;
    private final String[] keyColumns; // input column for plain references, else null
    private final AggFn[] fns;
    private final int[] partialCol0;
    private final int[] partialWidth; // partial columns of each algebraic aggregate
    private final int stride;
    private final int topK; // index of the top-k aggregate, or -1
    private final long workerShare;
    private final List<List<ChunkHandle>> parts = new ArrayList<>();
    /** Holistic aggregates (median, quantile, countDistinct) keep every value: rows of keys + values, by partition. */
    private final List<List<ChunkHandle>> rawParts = new ArrayList<>();
    private final Schema raw; // null without holistic aggregates
    private static final long[] EMPTY_STATES = new long[0];
    /** String key columns and aggregate inputs: strings a merge's pool may hold per row. */
    private final int stringColumns;
    /** Whether a worker may stop pre-aggregating ({@link #PASS_THROUGH_MIN_ROWS}). */
    private final boolean canPassThrough;
    private final int[] rawCol; // column of aggregate j's values in raw chunks, -1 if algebraic
    /** Whether a single int key may aggregate into state arrays indexed by value ({@link #directStates}). */
    private final boolean canDirectStates;
    /** The window of key values of the direct states, {base, size}, shared by every worker; size 0: none. */
    private volatile int[] stateWindow;

    public HashAggregate(List<Expr> keys, List<AggregateExpr> aggs, Schema input, Schema output, ExecContext ctx) {
        this.keys = keys;
        for (Expr k : keys) {
            evaluators.put(k, ExprCompiler.compile(k, input));
        }
        for (AggregateExpr a : aggs) {
            if (a.input() != null) {
                evaluators.put(a.input(), ExprCompiler.compile(a.input(), input));
            }
            if (a.input2() != null) {
                evaluators.put(a.input2(), ExprCompiler.compile(a.input2(), input));
            }
        }
        this.aggs = aggs;
        this.ctx = ctx;
        this.output = output;
        int nk = keys.size();
        keyTypes = new DataType[nk];
        keyColumns = new String[nk];
        List<Field> pf = new ArrayList<>();
        for (int k = 0; k < nk; k++) {
            keyTypes[k] = keys.get(k).type(input);
            keyColumns[k] = keys.get(k) instanceof ColumnRef c ? c.column() : null;
            pf.add(new Field("k" + k, keyTypes[k]));
        }
        fns = new AggFn[aggs.size()];
        partialCol0 = new int[aggs.size()];
        partialWidth = new int[aggs.size()];
        rawCol = new int[aggs.size()];
        List<Field> rf = new ArrayList<>(pf);
        int off = 0;
        for (int j = 0; j < fns.length; j++) {
            AggregateExpr a = aggs.get(j);
            if (a.kind().isHolistic()) {
                DataType t = a.input().type(input);
                rawCol[j] = rf.size();
                boolean typed = a.kind() == AggregateExpr.Kind.COUNT_DISTINCT || a.kind() == AggregateExpr.Kind.TOP_K;
                rf.add(new Field("h" + j, typed ? t : DataType.FLOAT64));
                continue;
            }
            rawCol[j] = -1;
            DataType in = a.input() == null ? null : a.input().type(input);
            DataType in2 = a.input2() == null ? null : a.input2().type(input);
            fns[j] = AggFn.of(a, in, in2);
            fns[j].place(off);
            off += fns[j].width();
            partialCol0[j] = pf.size();
            List<Field> fields = fns[j].partialFields("a" + j + "_");
            partialWidth[j] = fields.size();
            pf.addAll(fields);
        }
        stride = off;
        int tk = -1;
        for (int j = 0; j < aggs.size(); j++) {
            if (aggs.get(j).kind() == AggregateExpr.Kind.TOP_K) {
                tk = j;
            }
        }
        topK = tk;
        partial = new Schema(pf);
        raw = rf.size() > keys.size() ? new Schema(rf) : null;
        int sc = 0;
        for (DataType t : keyTypes) {
            sc += t == DataType.STRING ? 1 : 0;
        }
        for (AggregateExpr a : aggs) {
            sc += a.input() != null && a.input().type(input) == DataType.STRING ? 1 : 0;
        }
        stringColumns = sc;
        canPassThrough = PASS_THROUGH && raw == null && !keys.isEmpty() && java.util.Arrays.stream(keyColumns).allMatch(java.util.Objects::nonNull);
        workerShare = Math.max(64 << 10, ctx.budget().limit() / (2L * ctx.scheduler().parallelism()));
        boolean ds = DIRECT_STATES && raw == null && keys.size() == 1 && keyColumns[0] != null
                && (keyTypes[0] == DataType.INT32 || keyTypes[0] == DataType.DATE);
        for (AggFn f : fns) {
            ds &= f != null && f.mergesStates();
        }
        canDirectStates = ds;
        for (int p = 0; p < PARTITIONS; p++) {
            parts.add(Collections.synchronizedList(new ArrayList<>()));
            rawParts.add(Collections.synchronizedList(new ArrayList<>()));
        }
        // every partition's value buffer of a worker fits in a quarter of its share
        rawChunkRows = (int) Math.max(256, Math.min(16_384, workerShare / (4L * PARTITIONS * rawRowBytes())));
        // pass-through's partition builders, at up to twice this many rows each, take an eighth
        passThroughChunkRows = (int) Math.max(128, Math.min(PASS_THROUGH_CHUNK_ROWS, workerShare / (16L * PARTITIONS * partialRowBytes())));
    }

    // ---- phase 1 ---------------------------------------------------------------------------

    /**
     * String pools keep short strings inline in their tables (one cache miss per probe instead of
     * three) when a worker's share of the budget is at least 8 MiB; below that the compact layout,
     * about 48 bytes less per distinct string, lets a table hold more groups before it spills.
     */
    private boolean inlinePool() {
        return workerShare >= 8L << 20;
    }

    /**
     * The merge of one partition keeps short strings inline only while the extra 48 bytes for each
     * string its rows could hold stay under half the worker's share: a partition near the share
     * would otherwise be split into sub-partitions (rewritten once more) for the sake of a faster
     * probe. (db-benchmark q10 under 1 GB at 1e8 rows, 1.6 M groups a partition: 270 s with inline
     * merge pools, 80 s with this rule; at 1e7 with 100m, 47-78 s against 35-43 s.)
     */
    private boolean inlineMergePool(List<ChunkHandle> chunks, List<ChunkHandle> raws) {
        if (!inlinePool()) {
            return false;
        }
        long rows = 0;
        for (ChunkHandle c : chunks) {
            rows += c.rows();
        }
        for (ChunkHandle c : raws) {
            rows += c.rows();
        }
        return rows * stringColumns * 48 <= workerShare / 2;
    }

    /** A worker's table. */
    public final class Worker {
        final GroupTable table = new GroupTable(keys.size(), stride);
        final StringPool pool = new StringPool(inlinePool());
        final KeyBatch batch = new KeyBatch();
        final Reservation res = ctx.budget().newReservation("group by");
        final PlainKeys plainKeys = new PlainKeys();
        int[] gids = new int[0];
        int[] codeGid = new int[0];
        int[] idGid = new int[0]; // string pool id -> group, for a single plain-string key
        /** The last chunk's keys were interned and hashed row by row (not by dictionary code or direct index). */
        boolean hashedKeys;
        /** Input rows since the table was last flushed. */
        long rowsSinceFlush;
        /** Pre-aggregation did not reduce: large chunks bypass the table ({@link #PASS_THROUGH_MIN_ROWS}). */
        boolean passThrough;
        long[] rowStates = EMPTY_STATES;
        // compositeKey's scratch
        final ColumnVector[] compositeCols = new ColumnVector[8];
        final CompositeKeys composite = new CompositeKeys();
        /** For a single int key: group id + 1 of value {@code directBase + i} (0: not looked up yet), or null. */
        int[] direct;
        int directBase;
        boolean directTried;

        /**
         * True if a chunk whose int keys lie in {@code [min, max]} can use {@link #direct}: the
         * window is set up by the first chunk (a power of two from 1,024 to 2^20 values wide, if the
         * budget gives it), and later chunks use it when they fall inside it.
         */
        boolean direct(int min, int max) {
            if (!directTried) {
                directTried = true;
                long range = (long) max - min + 1;
                if (range <= DIRECT_MAX) {
                    int size = (int) Math.max(1024, Long.highestOneBit(Math.max(1, range * 2 - 1)));
                    try {
                        directRes.grow(4L * size);
                        direct = new int[size];
                        // leave room below the first chunk's minimum for later chunks
                        directBase = (int) Math.max(Integer.MIN_VALUE, Math.min((long) min - (size - range) / 2,
                                (long) Integer.MAX_VALUE - size + 1));
                    } catch (BudgetExceededException e) {
                        direct = null; // hash every row instead
                    }
                }
            }
            return direct != null && min >= directBase && (long) max < (long) directBase + direct.length;
        }

        final Reservation directRes = ctx.budget().newReservation("group by direct keys");
        VectorBuilder[] builders;
        /** Pass-through's partial-chunk builders: [partition][column], and the same by [column][partition]. */
        VectorBuilder[][] partitionBuilders;
        VectorBuilder[][] partitionColumns;
        int[] part = new int[0]; // pass-through and writeRaw: each row's partition
        /** Direct states: {@link #stride} longs per value of the shared window, and a bit per value seen (null: none). */
        long[] directStates;
        long[] directSeen;
        /** A chunk went through the table (or pass-through), so phase 2 merges partitions. */
        boolean usedTable;
        /** Direct states could not be reserved: this worker uses its table. */
        boolean directStatesRefused;
        VectorBuilder[][] rawBuffers; // per partition: values waiting to become a chunk
        /** Pass-through's partition builders hold rows not yet written ({@link #flushPassThrough}). */
        boolean passThroughPending;
        long rawBuffered;
    }

    /** The phase-1 terminal: feeds chunks into the worker's table; its result is the workers. */
    /** Evaluates a key or aggregate input (compiled in the constructor) over {@code chunk}. */
    private HeapColumn eval(Expr e, Chunk chunk) {
        return evaluators.get(e).eval(chunk);
    }

    public Terminal<Worker, List<Worker>> terminal() {
        return new Terminal<>() {
            @Override
            public Worker newLocal() {
                return new Worker();
            }

            @Override
            public boolean accept(Worker w, int seq, int index, Chunk chunk, boolean independent) {
                update(w, chunk, ((long) seq << 44) | ((long) (index & 0xFFFFF) << 24));
                return false;
            }

            @Override
            public List<Worker> finish(List<Worker> locals) {
                return locals;
            }

            @Override
            public void abort(List<Worker> locals) {
                for (Worker w : locals) {
                    w.res.close();
                    w.directRes.close();
                }
                discard();
            }
        };
    }

    private void update(Worker w, Chunk chunk, long pos0) {
        int n = chunk.rows();
        if (canDirectStates && directStates(w, chunk, pos0)) {
            return;
        }
        w.usedTable = true;
        if (w.passThrough && n >= PASS_THROUGH_MIN_ROWS && reservePassThrough(w, n)) {
            passThrough(w, chunk, pos0);
            return;
        }
        int slice = sliceRows(n);
        if (slice >= n) {
            updateRows(w, chunk, pos0);
            return;
        }
        // one chunk's table and scratch alone would pass the worker's share: take it in slices
        for (int from = 0; from < n; from += slice) {
            int to = Math.min(n, from + slice);
            try (Chunk part = ChunkOps.slice(chunk, from, to, ctx.budget(), "group by slice")) {
                updateRows(w, part, pos0 + from);
            }
        }
    }

    /** Rows per slice such that an empty table and the scratch for one slice fit the worker's share (at least 1,024). */
    private int sliceRows(int n) {
        int rows = n;
        while (rows > 1024 && emptyProjected(rows) > workerShare) {
            rows = (rows + 1) / 2;
        }
        return rows;
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
    private boolean directStates(Worker w, Chunk chunk, long pos0) {
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
            try {
                w.directRes.grow(bytes);
            } catch (BudgetExceededException e) {
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

    private void updateRows(Worker w, Chunk chunk, long pos0) {
        int n = chunk.rows();
        w.rowStates = EMPTY_STATES; // the table path's reservation does not cover passThrough's per-row states
        reserve(w, n);
        if (w.gids.length < n) {
            w.gids = new int[n];
        }
        w.hashedKeys = false;
        if ((keys.size() == 1 && keyColumns[0] != null && singleKey(w, chunk.column(keyColumns[0]), n))
                || (keys.size() > 1 && compositeKey(w, chunk, n))) {
            Map<Expr, HeapColumn> inputs = updateStates(w, chunk, n, pos0);
            if (raw != null) {
                writeRaw(w, chunk, inputs);
            }
            return;
        }
        w.hashedKeys = true;
        KeyBatch batch = w.batch;
        batch.reset(keys.size(), n);
        for (int k = 0; k < keys.size(); k++) {
            if (keyColumns[k] != null) {
                batch.add(k, chunk.column(keyColumns[k]), w.pool);
            } else {
                batch.add(k, eval(keys.get(k), chunk), w.pool);
            }
        }
        batch.finish();
        if (w.gids.length < n) {
            w.gids = new int[n];
        }
        int[] gids = w.gids;
        GroupTable t = w.table;
        for (int i = 0; i < n; i++) {
            gids[i] = t.findOrInsert(batch, i);
        }
        Map<Expr, HeapColumn> inputs = updateStates(w, chunk, n, pos0);
        if (raw != null) {
            writeRaw(w, chunk, inputs);
        }
    }

    /**
     * Group ids for a one-column key without nulls, straight from the vector (no key batch): a
     * dictionary string column looks each dictionary entry up once per chunk. False if the column
     * does not qualify.
     */
    private boolean singleKey(Worker w, ColumnVector v, int n) {
        if (v.hasNulls()) {
            return false;
        }
        // a dispatch on the vector's class; each loop is a method of its own
        switch (v) {
            case org.spillway.spill.vector.IntVector iv -> {
                if (n > 0 && w.direct(iv.min(), iv.max())) {
                    directIntKeys(w, iv, n);
                } else {
                    hashedIntKeys(w, iv, n);
                }
                return true;
            }
            case org.spillway.spill.vector.LongVector lv -> {
                hashedLongKeys(w, lv, n);
                return true;
            }
            case org.spillway.spill.vector.StringVector sv when sv.isDictionary() -> {
                dictionaryKeys(w, sv, n);
                return true;
            }
            case org.spillway.spill.vector.StringVector sv -> {
                plainStringKeys(w, sv, n);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /** A dense range of small ints: a value's group is an array lookup, hashed once. */
    private static void directIntKeys(Worker w, org.spillway.spill.vector.IntVector iv, int n) {
        int[] gids = w.gids;
        GroupTable t = w.table;
        int[] direct = w.direct;
        int base = w.directBase;
        for (int i = 0; i < n; i++) {
            int x = iv.get(i);
            int g = direct[x - base] - 1;
            if (g < 0) {
                g = t.findOrInsert1(KeyBatch.singleKeyHash(Hashing.ofLong(x)), x);
                direct[x - base] = g + 1;
            }
            gids[i] = g;
        }
    }

    private static void hashedIntKeys(Worker w, org.spillway.spill.vector.IntVector iv, int n) {
        int[] gids = w.gids;
        GroupTable t = w.table;
        for (int i = 0; i < n; i++) {
            long x = iv.get(i);
            gids[i] = t.findOrInsert1(KeyBatch.singleKeyHash(Hashing.ofLong(x)), x);
        }
    }

    private static void hashedLongKeys(Worker w, org.spillway.spill.vector.LongVector lv, int n) {
        int[] gids = w.gids;
        GroupTable t = w.table;
        for (int i = 0; i < n; i++) {
            long x = lv.get(i);
            gids[i] = t.findOrInsert1(KeyBatch.singleKeyHash(Hashing.ofLong(x)), x);
        }
    }

    /** Dictionary strings: each entry the chunk uses is interned and looked up once. */
    private static void dictionaryKeys(Worker w, org.spillway.spill.vector.StringVector sv, int n) {
        int[] gids = w.gids;
        GroupTable t = w.table;
        int d = sv.dictionarySize();
        if (w.codeGid.length < d) {
            w.codeGid = new int[Math.max(d, 64)];
        }
        int[] codeGid = w.codeGid;
        java.util.Arrays.fill(codeGid, 0, d, -1);
        java.lang.foreign.MemorySegment bytes = sv.bytes();
        for (int i = 0; i < n; i++) {
            int c = sv.code(i);
            int g = codeGid[c];
            if (g < 0) {
                int start = sv.entryStart(c);
                int len = sv.entryLength(c);
                long h = Hashing.ofBytes(bytes, start, len);
                int id = w.pool.intern(bytes, start, len, h);
                g = t.findOrInsert1(KeyBatch.singleKeyHash(h), id);
                codeGid[c] = g;
            }
            gids[i] = g;
        }
    }

    /**
     * Plain strings: interning gives a dense id per distinct string (the whole chunk at once, see
     * {@link StringPool#internAll}), mapped to its group by array.
     */
    private static void plainStringKeys(Worker w, org.spillway.spill.vector.StringVector sv, int n) {
        int[] gids = w.gids;
        GroupTable t = w.table;
        w.hashedKeys = true;
        w.idGid = internedGroupIds(t, w.pool, sv, n, gids, w.idGid);
    }

    /**
     * Group ids of a plain string column's rows {@code [0, n)} into {@code gids}: the column is
     * interned in batches ({@link StringPool#internAll}), then each string id is mapped to its group
     * through {@code idGid} (-1: no group yet), so only a string's first row probes the table.
     * Returns {@code idGid}, grown to the pool's size if needed.
     */
    static int[] internedGroupIds(GroupTable t, StringPool pool, org.spillway.spill.vector.StringVector sv, int n,
                                  int[] gids, int[] idGid) {
        pool.internAll(sv.bytes(), sv.offsets(), n, gids);
        if (pool.size() > idGid.length) {
            int old = idGid.length;
            idGid = java.util.Arrays.copyOf(idGid, Math.max(pool.size(), Math.max(16, old * 2)));
            java.util.Arrays.fill(idGid, old, idGid.length, -1);
        }
        for (int i = 0; i < n; i++) {
            int id = gids[i];
            int g = idGid[id];
            if (g < 0) {
                g = t.findOrInsert1(KeyBatch.singleKeyHash(pool.hash(id)), id);
                idGid[id] = g;
            }
            gids[i] = g;
        }
        return idGid;
    }

    /**
     * Group ids for several key columns, all plain column references without nulls, by direct
     * index over their few value combinations ({@link CompositeKeys}); false if the chunk does not
     * qualify.
     */
    private boolean compositeKey(Worker w, Chunk chunk, int n) {
        int nk = keys.size();
        if (nk > w.compositeCols.length) {
            return false;
        }
        for (int k = 0; k < nk; k++) {
            if (keyColumns[k] == null) {
                return false;
            }
            w.compositeCols[k] = chunk.column(keyColumns[k]);
        }
        return w.composite.groupIds(w.compositeCols, nk, n, w.table, w.pool, w.gids);
    }

    /**
     * Sizes the worker's reservation for {@link #passThrough} of {@code rows} rows (the table is
     * flushed first, so it holds only the per-row states and scratch); false if that does not fit
     * the worker's share or the budget, and the chunk then goes through the table in slices.
     */
    private boolean reservePassThrough(Worker w, int rows) {
        // per-row states, scratch, and the partition builders (with what they hold from earlier chunks)
        long need = 8L * rows * stride + scratchBytes(rows) + 8L * rows * (keys.size() + 2) + passThroughBufferBytes(rows);
        if (need > workerShare) {
            flushPassThrough(w);
            return false;
        }
        if (w.table.size() > 0) {
            flush(w, 0); // groups from smaller chunks: their string ids live in the pool passThrough clears
        }
        try {
            if (need > w.res.bytes()) {
                w.res.grow(need - w.res.bytes());
            } else {
                w.res.shrink(w.res.bytes() - need);
            }
            return true;
        } catch (BudgetExceededException e) {
            flushPassThrough(w);
            return false;
        }
    }

    /**
     * Writes the chunk to the partitions without pre-aggregating: every row becomes a partial row
     * (its state computed alone), partitioned by the same key hash as a table's groups. Each column
     * is written by one radix scatter ({@link VectorBuilder#scatter}) that reads the chunk in order
     * into 64 per-partition builders: keys and min/max inputs straight from the chunk's vectors,
     * sums, counts and moments from per-row states computed in order. (Gathering each partition's
     * rows instead read every column once per partition at random: a cache miss per row and
     * column, and most of the time of db-benchmark q3 at a million groups.)
     */
    private void passThrough(Worker w, Chunk chunk, long pos0) {
        int n = chunk.rows();
        KeyBatch batch = w.batch;
        batch.reset(keys.size(), n);
        for (int k = 0; k < keys.size(); k++) {
            batch.add(k, chunk.column(keyColumns[k]), null); // hashes only: no string is interned
        }
        batch.finish();
        if (w.part.length < n) {
            w.part = new int[n];
        }
        int[] part = w.part;
        int[] counts = new int[PARTITIONS];
        long[] hash = batch.hash;
        for (int i = 0; i < n; i++) {
            int p = partition(hash[i], 0);
            part[i] = p;
            counts[p]++;
        }
        // one state per row (row i is "group" i), for the functions whose partial is not their input
        ColumnVector[] direct = new ColumnVector[fns.length];
        boolean states = false;
        for (int j = 0; j < fns.length; j++) {
            if (fns[j] != null) {
                direct[j] = directPartial(j, chunk);
                states |= direct[j] == null;
            }
        }
        long[] st = w.rowStates;
        if (states) {
            if (st.length < (long) n * stride) {
                st = w.rowStates = new long[n * stride];
            } else {
                java.util.Arrays.fill(st, 0, n * stride, 0L);
            }
            if (w.gids.length < n) {
                w.gids = new int[n];
            }
            int[] gids = w.gids;
            for (int i = 0; i < n; i++) {
                gids[i] = i;
            }
            w.pool.clear(); // string states of this chunk only
            Map<Expr, HeapColumn> inputs = new IdentityHashMap<>();
            for (int j = 0; j < fns.length; j++) {
                if (fns[j] != null && direct[j] == null) {
                    updateState(j, chunk, n, pos0, st, gids, inputs, w.pool);
                }
            }
        }
        VectorBuilder[][] byPart = partitionBuilders(w);
        VectorBuilder[][] byCol = w.partitionColumns;
        if (!w.passThroughPending) {
            for (VectorBuilder[] b : byPart) {
                for (VectorBuilder x : b) {
                    x.reset();
                }
            }
        }
        w.passThroughPending = true;
        for (int k = 0; k < keys.size(); k++) {
            VectorBuilder.scatter(chunk.column(keyColumns[k]), n, part, counts, byCol[k]);
        }
        for (int j = 0; j < fns.length; j++) {
            AggFn f = fns[j];
            if (f == null) {
                continue;
            }
            int col0 = partialCol0[j];
            if (direct[j] != null) {
                VectorBuilder.scatter(direct[j], n, part, counts, byCol[col0]);
            } else if (f.partialIsState()) {
                for (int q = 0; q < partialWidth[j]; q++) {
                    if (partial.type(col0 + q) == DataType.FLOAT64) {
                        DoubleVectorBuilder.scatterBits(st, f.offset() + q, stride, n, part, counts, byCol[col0 + q]);
                    } else {
                        LongVectorBuilder.scatter(st, f.offset() + q, stride, n, part, counts, byCol[col0 + q]);
                    }
                }
            } else {
                for (int i = 0; i < n; i++) {
                    f.writePartial(st, i * stride, byPart[part[i]], col0, w.pool);
                }
            }
        }
        for (int p = 0; p < PARTITIONS; p++) {
            if (counts[p] > 0 && byPart[p][0].size() >= passThroughChunkRows) {
                writePassThrough(w, p);
            }
        }
        w.hashedKeys = true;
        ctx.counters().add("groupby.passThroughRows", n);
    }

    /**
     * The input vector of aggregate {@code j} if its partial state for a row alone is the row's
     * value ({@link AggFn#partialIsInput()}) and the input is a column of the chunk; else null.
     */
    private ColumnVector directPartial(int j, Chunk chunk) {
        AggregateExpr a = aggs.get(j);
        if (fns[j].partialIsInput() && a.input() instanceof ColumnRef c && a.input2() == null) {
            ColumnVector v = chunk.column(c.column());
            return v.type() == partial.type(partialCol0[j]) ? v : null;
        }
        return null;
    }

    /** The worker's builders of partial chunks, one set per partition ({@link Worker#partitionColumns} by column). */
    private VectorBuilder[][] partitionBuilders(Worker w) {
        if (w.partitionBuilders == null) {
            VectorBuilder[][] byPart = new VectorBuilder[PARTITIONS][];
            VectorBuilder[][] byCol = new VectorBuilder[partial.size()][PARTITIONS];
            // sized for a partition's share of a chunk: a string builder's dictionary holds up to a
            // quarter of its capacity, and one that overflows copies every later string's bytes
            int rows = Math.clamp(2L * ctx.chunkRows() / PARTITIONS, 256, 8192);
            for (int p = 0; p < PARTITIONS; p++) {
                byPart[p] = ChunkOps.builders(partial, rows).toArray(VectorBuilder[]::new);
                for (int c = 0; c < byCol.length; c++) {
                    byCol[c][p] = byPart[p][c];
                }
            }
            w.partitionBuilders = byPart;
            w.partitionColumns = byCol;
        }
        return w.partitionBuilders;
    }

    private Map<Expr, HeapColumn> updateStates(Worker w, Chunk chunk, int n, long pos0) {
        return updateStates(w, chunk, n, pos0, w.table.states(), w.gids);
    }

    private Map<Expr, HeapColumn> updateStates(Worker w, Chunk chunk, int n, long pos0, long[] st, int[] gids) {
        Map<Expr, HeapColumn> inputs = new IdentityHashMap<>();
        for (int j = 0; j < fns.length; j++) {
            if (fns[j] != null) { // holistic ones (null) have their values copied straight from the chunk
                updateState(j, chunk, n, pos0, st, gids, inputs, w.pool);
            }
        }
        return inputs;
    }

    /** Updates aggregate {@code j}'s states {@code st} of groups {@code gids} from the chunk's rows {@code [0, n)}. */
    private void updateState(int j, Chunk chunk, int n, long pos0, long[] st, int[] gids, Map<Expr, HeapColumn> inputs, StringPool pool) {
        AggregateExpr a = aggs.get(j);
        if (a.input() instanceof ColumnRef c && a.input2() == null
                && fns[j].updateFrom(st, stride, gids, n, chunk.column(c.column()))) {
            return; // read straight from the vector
        }
        HeapColumn in = a.input() == null ? null : inputs.computeIfAbsent(a.input(), e -> eval(e, chunk));
        HeapColumn in2 = a.input2() == null ? null : inputs.computeIfAbsent(a.input2(), e -> eval(e, chunk));
        fns[j].update(st, stride, gids, n, in, in2, pos0, pool);
    }

    /**
     * Appends the chunk's keys and holistic inputs, radix-partitioned by group hash, to the
     * partitions' raw buffers. A key or input that is a column of the chunk (of the stored type) is
     * written by one {@link VectorBuilder#scatter} that reads the vector in order; the rest
     * (expressions) row by row, in row order. (Gathering each partition's rows in turn read every
     * column once per partition at random: most of db-benchmark q6's update time.)
     */
    private void writeRaw(Worker w, Chunk chunk, Map<Expr, HeapColumn> inputs) {
        int n = chunk.rows();
        if (w.part.length < n) {
            w.part = new int[n];
        }
        int[] part = w.part;
        int[] counts = new int[PARTITIONS];
        GroupTable t = w.table;
        int[] gids = w.gids;
        for (int i = 0; i < n; i++) {
            int p = partition(t.hash(gids[i]), 0);
            part[i] = p;
            counts[p]++;
        }
        // Holistic inputs: a column whose type is the stored type is copied as is (no heap values).
        ColumnVector[] holisticVectors = new ColumnVector[aggs.size()];
        boolean rowWise = false;
        for (int j = 0; j < aggs.size(); j++) {
            if (rawCol[j] < 0) {
                continue;
            }
            Expr e = aggs.get(j).input();
            if (e instanceof ColumnRef c && chunk.column(c.column()).type() == raw.type(rawCol[j])) {
                holisticVectors[j] = chunk.column(c.column());
            } else {
                inputs.computeIfAbsent(e, x -> eval(x, chunk));
                rowWise = true;
            }
        }
        HeapColumn[] keyValues = new HeapColumn[keys.size()];
        ColumnVector[] keyVectors = new ColumnVector[keys.size()];
        for (int k = 0; k < keys.size(); k++) {
            if (keyColumns[k] == null) {
                keyValues[k] = eval(keys.get(k), chunk);
                rowWise = true;
            } else {
                keyVectors[k] = chunk.column(keyColumns[k]);
            }
        }
        if (w.rawBuffers == null) {
            w.rawBuffers = new VectorBuilder[PARTITIONS][];
        }
        VectorBuilder[][] buffers = w.rawBuffers;
        for (int p = 0; p < PARTITIONS; p++) {
            if (counts[p] > 0 && buffers[p] == null) {
                buffers[p] = ChunkOps.builders(raw, 256).toArray(VectorBuilder[]::new);
            }
        }
        VectorBuilder[] outs = new VectorBuilder[PARTITIONS]; // one column's buffers, by partition
        for (int k = 0; k < keys.size(); k++) {
            if (keyVectors[k] != null) {
                VectorBuilder.scatter(keyVectors[k], n, part, counts, column(buffers, k, outs));
            }
        }
        for (int j = 0; j < aggs.size(); j++) {
            if (rawCol[j] >= 0 && holisticVectors[j] != null) {
                VectorBuilder.scatter(holisticVectors[j], n, part, counts, column(buffers, rawCol[j], outs));
            }
        }
        if (rowWise) {
            for (int i = 0; i < n; i++) {
                VectorBuilder[] b = buffers[part[i]];
                for (int k = 0; k < keys.size(); k++) {
                    if (keyVectors[k] == null) {
                        appendValue(b[k], keyValues[k], i);
                    }
                }
                for (int j = 0; j < aggs.size(); j++) {
                    if (rawCol[j] < 0 || holisticVectors[j] != null) {
                        continue; // not holistic, or scattered above
                    }
                    VectorBuilder vb = b[rawCol[j]];
                    HeapColumn v = inputs.get(aggs.get(j).input());
                    if (vb instanceof DoubleVectorBuilder db && v.type != DataType.FLOAT64) {
                        if (v.isNull(i)) {
                            db.appendNull();
                        } else {
                            db.append(v.asDouble(i));
                        }
                    } else {
                        appendValue(vb, v, i);
                    }
                }
            }
        }
        w.rawBuffered += n;
        for (int p = 0; p < PARTITIONS; p++) {
            if (counts[p] > 0 && buffers[p][0].size() >= rawChunkRows) {
                flushRaw(w, p);
            }
        }
    }

    /** Column {@code c} of each partition's raw buffers, into {@code outs} (null for a partition without buffers). */
    private static VectorBuilder[] column(VectorBuilder[][] buffers, int c, VectorBuilder[] outs) {
        for (int p = 0; p < PARTITIONS; p++) {
            outs[p] = buffers[p] == null ? null : buffers[p][c];
        }
        return outs;
    }

    /** Rows a partition's value buffer collects before it becomes a chunk. */
    private int rawChunkRows = 4096;

    /**
     * Rows a partition's pass-through builder collects, over as many input chunks as it takes,
     * before it becomes a partial chunk (fewer under a small share). One chunk per partition and
     * input chunk made about a thousand rows each (db-benchmark q3 at a million groups: 5,760
     * partial chunks); each chunk's memory is a shared arena, whose close costs a handshake with
     * every thread (about 30-50 us here), so discarding them took 150-300 ms of a 0.7 s query.
     * Larger builders miss the caches and, living long, the young generation: on q3, 4,096 rows
     * ran in a median 0.65 s warm, 2,048 in 0.70 s and 8,192 in 0.72 s.
     */
    private final int passThroughChunkRows;
    private static final int PASS_THROUGH_CHUNK_ROWS = 4096;

    /** Heap bytes per partial row held in a builder (for the reservation): a string as 24. */
    private long partialRowBytes() {
        long b = 16;
        for (int c = 0; c < partial.size(); c++) {
            b += partial.type(c) == DataType.STRING ? 24 : 8;
        }
        return b;
    }

    /**
     * Bytes pass-through's partition builders may hold with {@code rows} more rows on the way: a
     * builder is written once it holds {@link #passThroughChunkRows}, and its arrays may have
     * doubled on the way there.
     */
    private long passThroughBufferBytes(int rows) {
        return partialRowBytes() * (2L * PARTITIONS * passThroughChunkRows + rows);
    }

    /** Writes whatever pass-through's partition builders hold as partial chunks. */
    private void flushPassThrough(Worker w) {
        if (w.partitionBuilders == null || !w.passThroughPending) {
            return;
        }
        for (int p = 0; p < PARTITIONS; p++) {
            writePassThrough(w, p);
        }
        w.passThroughPending = false;
    }

    private void writePassThrough(Worker w, int p) {
        VectorBuilder[] b = w.partitionBuilders[p];
        if (b[0].size() == 0) {
            return;
        }
        parts.get(p).add(ctx.store().putWithoutStats(Chunk.build(partial, java.util.Arrays.asList(b), ctx.budget(), "group by partials")));
        ctx.counters().add("groupby.passThroughChunks", 1);
        for (VectorBuilder x : b) {
            x.reset();
        }
    }

    /** Heap bytes per buffered value row (for the reservation). */
    private long rawRowBytes() {
        return 16L * (raw == null ? 0 : raw.size()) + 16;
    }

    private void flushRaw(Worker w, int p) {
        VectorBuilder[] b = w.rawBuffers == null ? null : w.rawBuffers[p];
        if (b == null || b[0].size() == 0) {
            return;
        }
        w.rawBuffered -= b[0].size();
        rawParts.get(p).add(ctx.store().putWithoutStats(Chunk.build(raw, List.of(b), ctx.budget(), "group by values")));
        for (VectorBuilder x : b) {
            x.reset();
        }
    }

    private static void appendValue(VectorBuilder b, HeapColumn v, int i) {
        if (v.isNull(i)) {
            b.appendNull();
            return;
        }
        switch (b) {
            case IntVectorBuilder x -> x.append((int) v.longs[i]);
            case LongVectorBuilder x -> x.append(v.longs[i]);
            case DoubleVectorBuilder x -> x.append(v.doubles[i]);
            case BoolVectorBuilder x -> x.append(v.bools[i]);
            case StringVectorBuilder x -> x.append(v.strings[i]);
        }
    }

    /** Makes sure the worker's reservation covers its table after {@code rows} more rows; flushes if not. */
    private void reserve(Worker w, int rows) {
        // the table's keys hardly repeat (judged once it holds enough groups to tell)
        boolean noReduction = w.hashedKeys && w.table.size() >= PASS_THROUGH_MIN_GROUPS
                && w.rowsSinceFlush < PREAGG_MIN_ROWS_PER_GROUP * w.table.size();
        if (noReduction && w.table.size() >= PREAGG_GROUPS) {
            flush(w, 0); // a cache-sized table whose keys hardly repeat: hand the groups on to the partitions
            w.passThrough = canPassThrough;
        }
        long need = projected(w, rows);
        if (need <= w.res.bytes()) {
            w.rowsSinceFlush += rows;
            return;
        }
        if (need <= workerShare) {
            try {
                w.res.grow(need - w.res.bytes());
                w.rowsSinceFlush += rows;
                return;
            } catch (BudgetExceededException e) {
                if (w.table.size() == 0) {
                    throw e;
                }
            }
        }
        flush(w, 0); // the table is as large as the budget lets it be
        w.passThrough |= noReduction && canPassThrough;
        w.rowsSinceFlush = rows;
        long fresh = projected(w, rows);
        if (fresh > w.res.bytes()) {
            w.res.grow(fresh - w.res.bytes());
        } else {
            w.res.shrink(w.res.bytes() - fresh); // the flushed table's memory is free for others
        }
    }

    private long projected(Worker w, int rows) {
        return w.table.projectedBytes(w.table.size() + (long) rows) + w.pool.bytes() + scratchBytes(rows)
                + (raw == null ? 0 : w.rawBuffered * rawRowBytes());
    }

    /** {@link #projected} for a worker whose table, pool and value buffers are empty. */
    private long emptyProjected(int rows) {
        return GroupTable.bytesForGroups(keys.size(), stride, rows) + scratchBytes(rows);
    }

    /** Per-chunk scratch (group ids, key batch, evaluated inputs) and the chunk's buffered raw values. */
    private long scratchBytes(int rows) {
        return 48L * rows + 8L * rows * (keys.size() + 3) + (raw == null ? 0 : (long) rows * rawRowBytes());
    }

    /** Writes the worker's groups as partial chunks into the level-{@code level} partitions and empties the table. */
    void flush(Worker w, int level) {
        flush(w, level, false);
    }

    /** {@link #flush(Worker, int)}; with {@code single}, every group goes to partition 0. */
    void flush(Worker w, int level, boolean single) {
        flushPassThrough(w); // its reservation is returned below
        GroupTable t = w.table;
        int size = t.size();
        if (size > 0) {
            ctx.counters().add("groupby.flushedGroups", size);
            int[] starts = new int[PARTITIONS + 1];
            int[] order;
            if (single) {
                order = new int[size];
                for (int g = 0; g < size; g++) {
                    order[g] = g;
                }
                java.util.Arrays.fill(starts, 1, starts.length, size);
            } else {
                order = partitionOrder(t, level, starts);
            }
            for (int p = 0; p < PARTITIONS; p++) {
                for (int from = starts[p]; from < starts[p + 1]; from += ctx.chunkRows()) {
                    int to = Math.min(starts[p + 1], from + ctx.chunkRows());
                    parts.get(p).add(ctx.store().putWithoutStats(partialChunk(w, order, from, to)));
                }
            }
        }
        t.clear();
        w.rowsSinceFlush = 0;
        w.pool.clear();
        java.util.Arrays.fill(w.idGid, -1);
        if (w.direct != null) {
            java.util.Arrays.fill(w.direct, 0);
        }
        for (int p = 0; p < PARTITIONS; p++) {
            flushRaw(w, p);
        }
        w.res.shrink(w.res.bytes());
    }

    /** The group ids ordered by partition; {@code counts} receives each partition's start (and the end). */
    private static int[] partitionOrder(GroupTable t, int level, int[] counts) {
        int size = t.size();
        for (int g = 0; g < size; g++) {
            counts[partition(t.hash(g), level) + 1]++;
        }
        for (int p = 0; p < PARTITIONS; p++) {
            counts[p + 1] += counts[p];
        }
        int[] next = counts.clone();
        int[] order = new int[size];
        for (int g = 0; g < size; g++) {
            order[next[partition(t.hash(g), level)]++] = g;
        }
        return order;
    }

    static int partition(long hash, int level) {
        return (int) (hash >>> (64 - BITS * (level + 1))) & (PARTITIONS - 1);
    }

    private Chunk partialChunk(Worker w, int[] order, int from, int to) {
        if (w.builders == null) {
            w.builders = ChunkOps.builders(partial, ctx.chunkRows()).toArray(VectorBuilder[]::new);
        }
        VectorBuilder[] b = w.builders;
        for (VectorBuilder x : b) {
            x.reset();
        }
        w.plainKeys.choose(w.table, order, from, to, b, keyTypes);
        long[] st = w.table.states();
        for (int i = from; i < to; i++) {
            int g = order[i];
            appendKeys(w.table, w.pool, g, b);
            for (int j = 0; j < fns.length; j++) {
                if (fns[j] != null) {
                    fns[j].writePartial(st, g * stride, b, partialCol0[j], w.pool);
                }
            }
        }
        return Chunk.build(partial, List.of(b), ctx.budget(), "group by partials");
    }

    /**
     * Chooses the layout of the string key columns of a chunk about to be written from a table:
     * plain when more than a quarter of a sample of its rows (the first {@value #SAMPLE}) hold
     * distinct values of that key (interning them into a dictionary first would only overflow it),
     * else the builder's dictionary. One per thread; a fixed 16 KiB of heap.
     */
    static final class PlainKeys {
        static final int SAMPLE = 2048;
        private final int[] set = new int[2 * SAMPLE]; // id + 1, 0 = empty

        /** For the groups {@code order[from..to)} (or {@code from..to} when {@code order} is null), before any is appended to {@code b}. */
        void choose(GroupTable t, int[] order, int from, int to, VectorBuilder[] b, DataType[] keyTypes) {
            int n = Math.min(to - from, SAMPLE);
            for (int k = 0; k < keyTypes.length; k++) {
                if (keyTypes[k] != DataType.STRING || !(b[k] instanceof StringVectorBuilder sb)) {
                    continue;
                }
                // a set of twice the sample's size, so a small chunk clears only what it uses
                int bits = Math.max(6, 33 - Integer.numberOfLeadingZeros(Math.max(1, n) - 1));
                int cap = Math.min(set.length, 1 << bits);
                java.util.Arrays.fill(set, 0, cap, 0);
                int mask = cap - 1;
                int distinct = 0;
                for (int i = from; i < from + n; i++) {
                    int g = order == null ? i : order[i];
                    if (t.keyIsNull(g, k)) {
                        continue;
                    }
                    int id = (int) t.key(g, k);
                    int slot = (id * 0x9E3779B9) >>> (32 - bits) & mask;
                    while (set[slot] != 0 && set[slot] != id + 1) {
                        slot = (slot + 1) & mask;
                    }
                    if (set[slot] == 0) {
                        set[slot] = id + 1;
                        distinct++;
                    }
                }
                if (distinct > n / 4) {
                    sb.usePlain();
                }
            }
        }
    }

    private void appendKeys(GroupTable t, StringPool pool, int g, VectorBuilder[] b) {
        for (int k = 0; k < keyTypes.length; k++) {
            if (t.keyIsNull(g, k)) {
                b[k].appendNull();
                continue;
            }
            long c = t.key(g, k);
            switch (b[k]) {
                case IntVectorBuilder x -> x.append((int) c);
                case LongVectorBuilder x -> x.append(c);
                case DoubleVectorBuilder x -> x.append(Double.longBitsToDouble(c));
                case BoolVectorBuilder x -> x.append(c != 0);
                case StringVectorBuilder x -> x.append(pool.data(), pool.start((int) c), pool.length((int) c));
            }
        }
    }

    // ---- phase 2 ---------------------------------------------------------------------------

    /** Flushes the workers' tables (in parallel), then merges and finishes every partition. */
    public StoredFrame finish(List<Worker> workers, String name) {
        List<ChunkHandle> result = Collections.synchronizedList(new ArrayList<>());
        // Few groups and nothing flushed yet: one partition, so merging is one small task instead of 64.
        boolean flushedEarly = false;
        for (List<ChunkHandle> p : parts) {
            flushedEarly |= !p.isEmpty();
        }
        long groups = 0;
        for (Worker w : workers) {
            groups += w.table.size();
        }
        boolean anyDirect = false;
        boolean allDirect = true;
        for (Worker w : workers) {
            anyDirect |= w.directStates != null;
            allDirect &= !w.usedTable;
        }
        if (anyDirect && allDirect) {
            return combineDirect(workers, name);
        }
        // (not with holistic aggregates: their values are many even when groups are few, and 64
        // partitions sort them in parallel and in pieces)
        boolean pending = false;
        for (Worker w : workers) {
            pending |= w.passThroughPending; // (only after a flush, so never without flushedEarly)
        }
        boolean single = raw == null && !flushedEarly && !pending && !anyDirect && groups <= SMALL_GROUPS;
        try {
            ctx.scheduler().run(workers, new Sink<Worker, Object, Object>() {
                @Override
                public Object newLocal() {
                    return null;
                }

                @Override
                public void accept(Object local, Morsel<Worker> m) {
                    flush(m.item(), 0, single);
                    flushDirect(m.item());
                    m.item().res.close();
                    m.item().directRes.close();
                }

                @Override
                public Object finish(List<Object> locals) {
                    return null;
                }
            });
            List<Part> work = new ArrayList<>();
            if (single) {
                List<ChunkHandle> allRaw = new ArrayList<>();
                rawParts.forEach(allRaw::addAll);
                if (!parts.get(0).isEmpty()) {
                    work.add(new Part(new ArrayList<>(parts.get(0)), allRaw));
                }
            } else {
                for (int p = 0; p < PARTITIONS; p++) {
                    if (!parts.get(p).isEmpty()) {
                        work.add(new Part(new ArrayList<>(parts.get(p)), new ArrayList<>(rawParts.get(p))));
                    }
                }
            }
            if (keys.isEmpty() && work.isEmpty()) {
                work.add(new Part(List.of(), List.of())); // a global aggregate of no rows still has one result row
            }
            ProgressListener progress = ctx.progress().apply("group by (merge)", "chunks");
            ctx.scheduler().run(work, x -> x.partials().size() + x.raws().size(), new Sink<Part, Merger, Object>() {
                @Override
                public Merger newLocal() {
                    return new Merger();
                }

                @Override
                public void accept(Merger m, Morsel<Part> morsel) {
                    m.merge(morsel.item().partials(), morsel.item().raws(), 1, result);
                }

                @Override
                public Object finish(List<Merger> locals) {
                    locals.forEach(Merger::close);
                    return null;
                }

                @Override
                public void abort(List<Merger> locals) {
                    locals.forEach(Merger::close);
                }
            }, progress);
            return new StoredFrame(name, output, new ArrayList<>(result));
        } catch (RuntimeException | Error e) {
            result.forEach(ChunkHandle::close);
            for (Worker w : workers) {
                w.res.close();
                w.directRes.close();
            }
            throw e;
        } finally {
            discard();
        }
    }

    /**
     * Phase 2 when every chunk went to direct states: the window is cut into ranges of
     * {@link #DIRECT_RANGE} values, and each morsel combines the workers' states of its range in
     * order of value and emits its groups.
     */
    private StoredFrame combineDirect(List<Worker> workers, String name) {
        List<ChunkHandle> result = Collections.synchronizedList(new ArrayList<>());
        List<Worker> ws = new ArrayList<>();
        for (Worker w : workers) {
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
            for (Worker w : workers) {
                w.directStates = null;
                w.directSeen = null;
                w.res.close();
                w.directRes.close();
            }
            discard();
        }
    }

    /** Combines and emits the groups of direct-state values {@code [from, to)} of the window. */
    private void emitDirect(List<Worker> ws, int base, int from, int to, VectorBuilder[] out, List<ChunkHandle> result) {
        long[] acc = new long[Math.max(1, stride)];
        for (VectorBuilder b : out) {
            b.reset();
        }
        IntVectorBuilder keyOut = (IntVectorBuilder) out[0];
        for (int word = from >>> 6; word < (to + 63) >>> 6; word++) {
            long any = 0;
            for (Worker w : ws) {
                any |= w.directSeen[word];
            }
            while (any != 0) {
                int x = (word << 6) + Long.numberOfTrailingZeros(any);
                any &= any - 1;
                if (x < from || x >= to) {
                    continue;
                }
                boolean first = true;
                for (Worker w : ws) {
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
    private void flushDirect(Worker w) {
        if (w.directStates == null) {
            return;
        }
        VectorBuilder[][] byPart = partitionBuilders(w);
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

    /** Up-front sizes of a merge's table and pool ({@code Merger.mergeSizes}). */
    private record MergeSizes(int groups, int strings, long stringBytes) {
    }

    /** Per partial row, the most groups, pool strings and pool bytes a finished merge held; null: none yet. */
    private volatile double[] mergeHint;

    private synchronized void learnMergeSizes(long rows, int groups, StringPool pool) {
        if (rows == 0) {
            return;
        }
        double[] seen = {(double) groups / rows, (double) pool.size() / rows, (double) pool.dataBytes() / rows};
        double[] old = mergeHint;
        if (old != null) {
            for (int i = 0; i < seen.length; i++) {
                seen[i] = Math.max(seen[i], old[i]);
            }
        }
        mergeHint = seen;
    }

    /** One partition's work in phase 2: partial-state chunks and raw value chunks. */
    private record Part(List<ChunkHandle> partials, List<ChunkHandle> raws) {
    }

    private void discard() {
        for (List<ChunkHandle> p : rawParts) {
            synchronized (p) {
                p.forEach(ChunkHandle::close);
                p.clear();
            }
        }
        for (List<ChunkHandle> p : parts) {
            synchronized (p) {
                p.forEach(ChunkHandle::close);
                p.clear();
            }
        }
    }

    /** A phase-2 worker: merges partitions one at a time. */
    private final class Merger {
        final Reservation res = ctx.budget().newReservation("group by merge");
        final KeyBatch batch = new KeyBatch();
        final PlainKeys plainKeys = new PlainKeys();
        final CompositeKeys composite = new CompositeKeys();
        final ColumnVector[] compositeCols = new ColumnVector[8];
        VectorBuilder[] out;
        VectorBuilder[] partialBuilders;
        int[] gids = new int[0];
        /** For a single string key: the group of each string id of the partition's pool (-1: none yet). */
        int[] idGid = new int[0];
        int[] codeGid = new int[0];

        void merge(List<ChunkHandle> chunks, List<ChunkHandle> raws, int level, List<ChunkHandle> result) {
            boolean inlinePool = inlineMergePool(chunks, raws);
            long rows = 0;
            for (ChunkHandle ch : chunks) {
                rows += ch.rows();
            }
            MergeSizes sized = mergeSizes(rows, inlinePool);
            GroupTable t = takeTable(sized);
            StringPool pool = takePool(sized, inlinePool);
            java.util.Arrays.fill(idGid, -1); // a new pool: its ids start again at 0
            Holistic h = null;
            boolean partialsMerged = false;
            try {
                for (ChunkHandle ch : chunks) {
                    try (PinnedChunk p = ch.pin()) {
                        Chunk c = p.chunk();
                        int n = c.rows();
                        long need = t.projectedBytes(t.size() + (long) n) + pool.bytes() + 48L * n + 8L * n * (keys.size() + 3);
                        ensure(need, level);
                        mergeChunk(t, pool, c);
                    }
                }
                partialsMerged = true;
                learnMergeSizes(rows, t.size(), pool);
                if (raw != null) {
                    h = new Holistic();
                    long rawRows = 0;
                    for (ChunkHandle ch : raws) {
                        rawRows += ch.rows();
                    }
                    // one holistic aggregate at a time, so only one set of values is in memory
                    for (int j = 0; j < aggs.size(); j++) {
                        if (rawCol[j] < 0) {
                            continue;
                        }
                        if (rawRows <= Integer.MAX_VALUE - 8) {
                            // room for every value at once, instead of doubling the arrays chunk by chunk
                            ensure(t.bytes() + pool.projectedBytes(0, 0) + h.bytesAfter(rawRows, j), level);
                            h.expect(j, (int) rawRows);
                        }
                        for (ChunkHandle ch : raws) {
                            try (PinnedChunk p = ch.pin()) {
                                Chunk c = p.chunk();
                                long need = t.bytes() + pool.projectedBytes(c.rows(), 32L * c.rows()) + h.bytesAfter(c.rows(), j)
                                        + 8L * c.rows() * (keys.size() + 3);
                                ensure(need, level);
                                h.add(t, pool, c, j);
                            }
                        }
                        long need = t.bytes() + pool.bytes() + h.bytesAfter(0, j) + 16L * (t.size() + 1) * aggs.size();
                        ensure(need, level);
                        h.compute(t.size(), j);
                        long kept = t.bytes() + pool.bytes() + 16L * (t.size() + 1) * aggs.size();
                        if (kept < res.bytes()) {
                            res.shrink(res.bytes() - kept); // the values are gone
                        }
                    }
                }
            } catch (BudgetExceededException e) {
                if (level >= MAX_LEVEL && raw != null && partialsMerged) {
                    // The groups fit but their values do not, and the hash cannot split them further
                    // (one group holds too many values: skew): sort the values out of core instead.
                    h = null;
                    long kept = t.bytes() + pool.bytes();
                    if (kept < res.bytes()) {
                        res.shrink(res.bytes() - kept);
                    }
                    emit(t, pool, sortedHolistic(t, pool, raws, level), result);
                    release();
                    return;
                }
                if (level >= MAX_LEVEL) {
                    throw new BudgetExceededException(e.getMessage() + " (group by: a partition's groups still did not fit after "
                            + level + " levels of repartitioning)", 0, 0);
                }
                release();
                repartition(chunks, raws, level, result);
                return;
            }
            emit(t, pool, h, result);
            keepForNextPartition();
        }

        /** The table and pool kept from the last partition for the next ({@link #keepForNextPartition}), or null. */
        private GroupTable keptTable;
        private StringPool keptPool;

        /** An empty table for a partition: the kept one reset, or a new one; sized by {@code sized} if given. */
        private GroupTable takeTable(MergeSizes sized) {
            int groups = sized == null ? 16 : sized.groups();
            if (keptTable != null) {
                keptTable.reset(groups);
                return keptTable;
            }
            return keptTable = new GroupTable(keys.size(), stride, groups);
        }

        /** An empty string pool of the given layout: the kept one reset, or a new one. */
        private StringPool takePool(MergeSizes sized, boolean inline) {
            int strings = sized == null || stringColumns == 0 ? 0 : sized.strings();
            long bytes = sized == null || stringColumns == 0 ? 0 : sized.stringBytes();
            if (keptPool != null && keptPool.isInline() == inline) {
                keptPool.reset(strings, bytes);
                return keptPool;
            }
            return keptPool = new StringPool(inline, strings, bytes);
        }

        /**
         * After a partition: keeps its table and pool, still reserved, for the next one when they take
         * at most half the worker's share (emptying them costs less than allocating new ones and
         * having the JVM fault fresh heap pages in); returns every other reserved byte.
         */
        private void keepForNextPartition() {
            long kept = (keptTable == null ? 0 : keptTable.bytes()) + (keptPool == null ? 0 : keptPool.bytes());
            if (kept > workerShare / 2 || kept > res.bytes()) {
                release();
                return;
            }
            res.shrink(res.bytes() - kept);
        }

        /** Drops the kept table and pool and returns every reserved byte. */
        private void release() {
            keptTable = null;
            keptPool = null;
            res.shrink(res.bytes());
        }

        /**
         * The sizes to make a partition's table and pool of {@code rows} partial rows with, from
         * what earlier merges of this aggregate saw per row (partitions are alike, being cut by
         * hash), with a tenth to spare, reserved here; null (start small and grow) before any
         * merge has finished, when they would take over half the worker's share, or when the budget
         * has no room for them now. (db-benchmark q3 at a million groups: about a tenth of the
         * merge's time went to growing tables and pools from 16 groups.)
         */
        private MergeSizes mergeSizes(long rows, boolean inlinePool) {
            double[] perRow = mergeHint;
            if (perRow == null || rows == 0) {
                return null;
            }
            long cap = 1 << 30; // (far past what half a share holds; only keeps the casts exact)
            int groups = (int) Math.min(cap, Math.min(rows, (long) Math.ceil(rows * perRow[0] * 1.1) + 16));
            int strings = (int) Math.min(cap, Math.min(rows * Math.max(1, stringColumns), (long) Math.ceil(rows * perRow[1] * 1.1) + 16));
            long bytes = (long) Math.ceil(rows * perRow[2] * 1.1);
            long need = GroupTable.bytesForGroups(keys.size(), stride, groups)
                    + (stringColumns > 0 ? StringPool.bytesFor(inlinePool, strings, bytes) : 0);
            if (groups <= 16 || need > workerShare / 2) {
                return null;
            }
            try {
                ensure(need, MAX_LEVEL);
            } catch (BudgetExceededException e) {
                return null;
            }
            return new MergeSizes(groups, strings, bytes);
        }

        /**
         * Reserves up to {@code need} bytes for the partition being merged. Past this worker's share of
         * the budget (and below the deepest level) it fails on purpose so the partition is split.
         */
        private void ensure(long need, int level) {
            if (need <= res.bytes()) {
                return;
            }
            if (need > workerShare && level < MAX_LEVEL) {
                throw new BudgetExceededException("group by merge needs " + need + " bytes, over its share of "
                        + workerShare, need - res.bytes(), 0);
            }
            res.grow(need - res.bytes());
        }

        /** Fills {@link #gids} with the group of each row of {@code c}, whose leading columns are the keys. */
        private void groupIds(GroupTable t, StringPool pool, Chunk c) {
            int n = c.rows();
            if (gids.length < n) {
                gids = new int[n];
            }
            if (keys.size() == 1 && c.column(0) instanceof org.spillway.spill.vector.StringVector sv && !sv.hasNulls()) {
                stringGroupIds(t, pool, sv, n);
                return;
            }
            int nk = keys.size();
            if (nk <= compositeCols.length) {
                for (int k = 0; k < nk; k++) {
                    compositeCols[k] = c.column(k);
                }
                if (composite.groupIds(compositeCols, nk, n, t, pool, gids)) {
                    return;
                }
            }
            batch.reset(keys.size(), n);
            for (int k = 0; k < keys.size(); k++) {
                batch.add(k, c.column(k), pool);
            }
            batch.finish();
            if (gids.length < n) {
                gids = new int[n];
            }
            for (int i = 0; i < n; i++) {
                gids[i] = t.findOrInsert(batch, i);
            }
        }

        /**
         * Group ids for a single string key: the string's id in the partition's pool maps to its group
         * by array ({@link #idGid}), so only a string's first row probes the table. A dictionary
         * column interns each entry once.
         */
        private void stringGroupIds(GroupTable t, StringPool pool, org.spillway.spill.vector.StringVector sv, int n) {
            java.lang.foreign.MemorySegment bytes = sv.bytes();
            if (sv.isDictionary()) {
                int d = sv.dictionarySize();
                if (codeGid.length < d) {
                    codeGid = new int[Math.max(d, 16)];
                }
                java.util.Arrays.fill(codeGid, 0, d, -1);
                for (int i = 0; i < n; i++) {
                    int code = sv.code(i);
                    int g = codeGid[code];
                    if (g < 0) {
                        g = stringGroup(t, pool, bytes, sv.entryStart(code), sv.entryLength(code));
                        codeGid[code] = g;
                    }
                    gids[i] = g;
                }
                return;
            }
            if (!pool.isInline()) {
                for (int i = 0; i < n; i++) {
                    gids[i] = stringGroup(t, pool, bytes, sv.start(i), sv.length(i));
                }
                return;
            }
            idGid = internedGroupIds(t, pool, sv, n, gids, idGid);
        }

        private int stringGroup(GroupTable t, StringPool pool, java.lang.foreign.MemorySegment bytes, int start, int len) {
            int id = pool.intern(bytes, start, len);
            if (id >= idGid.length) {
                int old = idGid.length;
                idGid = java.util.Arrays.copyOf(idGid, Math.max(id + 1, Math.max(16, old * 2)));
                java.util.Arrays.fill(idGid, old, idGid.length, -1);
            }
            int g = idGid[id];
            if (g < 0) {
                g = t.findOrInsert1(KeyBatch.singleKeyHash(pool.lastHash()), id);
                idGid[id] = g;
            }
            return g;
        }

        private void mergeChunk(GroupTable t, StringPool pool, Chunk c) {
            int n = c.rows();
            groupIds(t, pool, c);
            ColumnVector[] cols = new ColumnVector[c.columnCount()];
            for (int j = 0; j < cols.length; j++) {
                cols[j] = c.column(j);
            }
            long[] st = t.states();
            for (int j = 0; j < fns.length; j++) {
                if (fns[j] != null) {
                    fns[j].merge(st, stride, gids, n, cols, partialCol0[j], pool);
                }
            }
        }

        /** Every value of each holistic aggregate, by group, then the results. */
        private final class Holistic {
            final int[][] gid = new int[aggs.size()][];
            final long[][] vals = new long[aggs.size()][];
            final int[] count = new int[aggs.size()];
            final double[][] results = new double[aggs.size()][];
            final long[][] distinct = new long[aggs.size()][];

            /** Sizes aggregate {@code j}'s arrays for {@code rows} values (no value added yet). */
            void expect(int j, int rows) {
                if (vals[j] == null && rows > 0) {
                    vals[j] = new long[rows];
                    gid[j] = new int[rows];
                }
            }

            long bytesAfter(long moreRows, int only) {
                long b = 0;
                for (int j = 0; j < aggs.size(); j++) {
                    if (rawCol[j] >= 0 && j == only) {
                        long cap = vals[j] == null ? 0 : vals[j].length;
                        long need = count[j] + moreRows;
                        if (vals[j] == null) {
                            cap = Math.max(1024, need); // at most what expect() or the first add() makes
                        }
                        while (cap < need) {
                            cap = Math.max(1024, cap * 2);
                        }
                        b += cap * 12 + 8L * need; // values + group ids, then the values regrouped
                    }
                }
                return b;
            }

            void add(GroupTable t, StringPool pool, Chunk c, int only) {
                int n = c.rows();
                groupIds(t, pool, c);
                for (int j = 0; j < aggs.size(); j++) {
                    if (rawCol[j] < 0 || j != only) {
                        continue;
                    }
                    ColumnVector v = c.column(rawCol[j]);
                    if (vals[j] == null || vals[j].length < count[j] + n) {
                        int cap = Math.max(1024, Math.max(count[j] + n, vals[j] == null ? 0 : vals[j].length * 2));
                        vals[j] = vals[j] == null ? new long[cap] : java.util.Arrays.copyOf(vals[j], cap);
                        gid[j] = gid[j] == null ? new int[cap] : java.util.Arrays.copyOf(gid[j], cap);
                    }
                    boolean distinctKind = aggs.get(j).kind() == AggregateExpr.Kind.COUNT_DISTINCT;
                    if (v instanceof org.spillway.spill.vector.DoubleVector dv && !dv.hasNulls() && !distinctKind) {
                        long[] out = vals[j];
                        int[] og = gid[j];
                        int o = count[j];
                        for (int i = 0; i < n; i++) {
                            out[o + i] = Double.doubleToRawLongBits(dv.get(i));
                            og[o + i] = gids[i];
                        }
                        count[j] = o + n;
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        if (v.isNull(i)) {
                            continue;
                        }
                        long x;
                        if (v instanceof org.spillway.spill.vector.DoubleVector dv) {
                            double d = dv.get(i);
                            x = distinctKind ? Hashing.canonicalBits(d) : Double.doubleToRawLongBits(d);
                        } else {
                            x = AggFn.code(v, i, pool);
                        }
                        vals[j][count[j]] = x;
                        gid[j][count[j]++] = gids[i];
                    }
                }
            }

            /** Sorts each group's values and computes the quantiles and distinct counts. */
            void compute(int groups, int only) {
                for (int j = 0; j < aggs.size(); j++) {
                    if (rawCol[j] < 0 || j != only) {
                        continue;
                    }
                    int m = count[j];
                    int[] start = new int[groups + 1];
                    for (int i = 0; i < m; i++) {
                        start[gid[j][i] + 1]++;
                    }
                    for (int g = 0; g < groups; g++) {
                        start[g + 1] += start[g];
                    }
                    int[] next = start.clone();
                    long[] byGroup = new long[m];
                    long[] v = vals[j];
                    int[] gg = gid[j];
                    for (int i = 0; i < m; i++) {
                        byGroup[next[gg[i]]++] = v[i];
                    }
                    vals[j] = null;
                    gid[j] = null;
                    AggregateExpr a = aggs.get(j);
                    if (a.kind() == AggregateExpr.Kind.TOP_K) {
                        boolean dbl = raw.type(rawCol[j]) == DataType.FLOAT64;
                        int k = a.k();
                        long[] top = new long[(long) groups * k > Integer.MAX_VALUE ? 0 : groups * k];
                        int[] n = new int[groups];
                        double[] xs = new double[0];
                        for (int g = 0; g < groups; g++) {
                            int len = start[g + 1] - start[g];
                            int keep = Math.min(k, len);
                            n[g] = keep;
                            if (dbl) {
                                if (xs.length < len) {
                                    xs = new double[Math.max(len, xs.length * 2)];
                                }
                                for (int i = 0; i < len; i++) {
                                    xs[i] = Double.longBitsToDouble(byGroup[start[g] + i]);
                                }
                                java.util.Arrays.sort(xs, 0, len);
                                for (int r = 0; r < keep; r++) {
                                    top[g * k + r] = Double.doubleToRawLongBits(a.descending() ? xs[len - 1 - r] : xs[r]);
                                }
                            } else {
                                java.util.Arrays.sort(byGroup, start[g], start[g + 1]);
                                for (int r = 0; r < keep; r++) {
                                    top[g * k + r] = a.descending() ? byGroup[start[g + 1] - 1 - r] : byGroup[start[g] + r];
                                }
                            }
                        }
                        topValues = top;
                        topCounts = n;
                    } else if (a.kind() == AggregateExpr.Kind.COUNT_DISTINCT) {
                        long[] out = new long[groups];
                        for (int g = 0; g < groups; g++) {
                            java.util.Arrays.sort(byGroup, start[g], start[g + 1]);
                            long d = 0;
                            for (int i = start[g]; i < start[g + 1]; i++) {
                                if (i == start[g] || byGroup[i] != byGroup[i - 1]) {
                                    d++;
                                }
                            }
                            out[g] = d;
                        }
                        distinct[j] = out;
                    } else {
                        // quantiles by selection in each group's range, over order keys made in place
                        double[] out = new double[groups];
                        for (int i = 0; i < m; i++) {
                            byGroup[i] = Quantiles.key(Double.longBitsToDouble(byGroup[i]));
                        }
                        for (int g = 0; g < groups; g++) {
                            out[g] = start[g + 1] == start[g] ? Double.NaN
                                    : Quantiles.quantile(byGroup, start[g], start[g + 1], a.q());
                        }
                        results[j] = out;
                    }
                    // keep count[j] for emit (no values = null median)
                    vals[j] = null;
                    gid[j] = null;
                    countsPerGroup[j] = start;
                }
            }

            final int[][] countsPerGroup = new int[aggs.size()][];
            long[] topValues;
            int[] topCounts;

            void append(int j, int g, VectorBuilder out) {
                if (aggs.get(j).kind() == AggregateExpr.Kind.COUNT_DISTINCT) {
                    ((LongVectorBuilder) out).append(distinct[j] == null || g >= distinct[j].length ? 0 : distinct[j][g]);
                    return;
                }
                int[] st = countsPerGroup[j];
                if (st == null || g + 1 >= st.length || st[g + 1] == st[g]) {
                    out.appendNull();
                } else {
                    ((DoubleVectorBuilder) out).append(results[j][g]);
                }
            }
        }

        /**
         * The holistic aggregates of a partition whose value rows do not fit the budget although its
         * groups do: for each aggregate, the value rows are sorted out of core by (keys, value) with
         * an {@link ExternalSort}, so every group's values arrive in order and together, and the
         * aggregate is read off the sorted stream holding a few numbers per group: the two values
         * around a quantile's position (the non-null count per group is counted while feeding the
         * sort), the number of value changes for countDistinct, the first k for top-k.
         */
        private Holistic sortedHolistic(GroupTable t, StringPool pool, List<ChunkHandle> raws, int level) {
            ctx.counters().add("groupby.sortedValues", 1);
            int groups = t.size();
            int nk = keys.size();
            Holistic h = new Holistic();
            for (int j = 0; j < aggs.size(); j++) {
                if (rawCol[j] < 0) {
                    continue;
                }
                AggregateExpr a = aggs.get(j);
                AggregateExpr.Kind kind = a.kind();
                int k = kind == AggregateExpr.Kind.TOP_K ? a.k() : 0;
                ensure(t.bytes() + pool.bytes() + 16L * (groups + 1) * aggs.size() + 40L * (groups + 1)
                        + 8L * groups * k + 8L * ctx.chunkRows() * (nk + 4), level);
                int[] keyCols = new int[nk + 1];
                List<org.spillway.frame.SortOrder> orders = new ArrayList<>();
                for (int c = 0; c < nk; c++) {
                    keyCols[c] = c;
                    orders.add(org.spillway.frame.Functions.asc(raw.field(c).name()));
                }
                keyCols[nk] = rawCol[j];
                String value = raw.field(rawCol[j]).name();
                orders.add(kind == AggregateExpr.Kind.TOP_K && a.descending()
                        ? org.spillway.frame.Functions.desc(value) : org.spillway.frame.Functions.asc(value));
                boolean quantile = kind == AggregateExpr.Kind.MEDIAN || kind == AggregateExpr.Kind.QUANTILE;
                long[] nonNull = quantile ? new long[groups] : null;
                ExternalSort sorter = new ExternalSort(raw, raw.size(), keyCols, orders, -1, ctx);
                Terminal<SortWorker, List<SortWorker>> feed = sorter.terminal();
                List<SortWorker> fed = List.of(feed.newLocal());
                try {
                    int seq = 0;
                    for (ChunkHandle ch : raws) {
                        try (PinnedChunk p = ch.pin()) {
                            Chunk c = p.chunk();
                            if (quantile) {
                                groupIds(t, pool, c);
                                ColumnVector v = c.column(rawCol[j]);
                                for (int i = 0; i < c.rows(); i++) {
                                    if (!v.isNull(i)) {
                                        nonNull[gids[i]]++;
                                    }
                                }
                            }
                            feed.accept(fed.getFirst(), seq++, 0, c, false);
                        }
                    }
                } catch (RuntimeException | Error e) {
                    feed.abort(fed);
                    throw e;
                }
                try (StoredFrame sorted = sorter.finish(fed, "group by sorted values")) {
                    SortedReader r = new SortedReader(kind, groups, k, a.q(), nonNull);
                    for (ChunkHandle ch : sorted.chunks()) {
                        try (PinnedChunk p = ch.pin()) {
                            Chunk c = p.chunk();
                            groupIds(t, pool, c);
                            r.read(c.column(rawCol[j]), gids, c.rows());
                        }
                    }
                    r.into(h, j);
                }
            }
            return h;
        }

        /** Reads one holistic aggregate off value rows sorted by (keys, value), group ids given. */
        private static final class SortedReader {
            final AggregateExpr.Kind kind;
            final int k;
            final double q;
            final long[] nonNull; // quantiles: values per group
            final long[] seen;
            double[] lo;
            double[] hi;
            long[] distinct;
            long[] top;
            int prevGroup = -1;
            long prevCode;
            byte[] prevString; // countDistinct of strings: the previous value, across chunks

            SortedReader(AggregateExpr.Kind kind, int groups, int k, double q, long[] nonNull) {
                this.kind = kind;
                this.k = k;
                this.q = q;
                this.nonNull = nonNull;
                seen = new long[groups];
                switch (kind) {
                    case COUNT_DISTINCT -> distinct = new long[groups];
                    case TOP_K -> top = new long[Math.multiplyExact(groups, k)];
                    default -> {
                        lo = new double[groups];
                        hi = new double[groups];
                    }
                }
            }

            void read(ColumnVector v, int[] gids, int n) {
                int prevRow = -1; // the previous non-null row of this chunk
                for (int i = 0; i < n; i++) {
                    if (v.isNull(i)) {
                        continue; // nulls sort last within a group
                    }
                    int g = gids[i];
                    switch (kind) {
                        case COUNT_DISTINCT -> {
                            boolean same;
                            if (v instanceof org.spillway.spill.vector.StringVector sv) {
                                same = g == prevGroup && (prevRow >= 0
                                        ? org.spillway.spill.vector.StringVector.compare(sv, i, sv, prevRow) == 0
                                        : sv.equalsBytes(i, prevString));
                            } else {
                                long code = v instanceof org.spillway.spill.vector.DoubleVector dv
                                        ? Hashing.canonicalBits(dv.get(i)) : AggFn.code(v, i, null);
                                same = g == prevGroup && code == prevCode;
                                prevCode = code;
                            }
                            if (!same) {
                                distinct[g]++;
                            }
                        }
                        case TOP_K -> {
                            if (seen[g] < k) {
                                top[g * k + (int) seen[g]] = AggFn.code(v, i, null);
                            }
                        }
                        default -> {
                            double x = ((org.spillway.spill.vector.DoubleVector) v).get(i);
                            long cnt = nonNull[g];
                            double pos = q * (cnt - 1);
                            long r = seen[g];
                            if (r == (long) Math.floor(pos)) {
                                lo[g] = x;
                            }
                            if (r == (long) Math.ceil(pos)) {
                                hi[g] = x;
                            }
                        }
                    }
                    seen[g]++;
                    prevGroup = g;
                    prevRow = i;
                }
                if (kind == AggregateExpr.Kind.COUNT_DISTINCT && prevRow >= 0
                        && v instanceof org.spillway.spill.vector.StringVector sv) {
                    prevString = sv.bytes().asSlice(sv.start(prevRow), sv.length(prevRow))
                            .toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                }
            }

            /** Stores the results where {@link Holistic#append} and {@code emit} read them. */
            void into(Holistic h, int j) {
                int groups = seen.length;
                switch (kind) {
                    case COUNT_DISTINCT -> h.distinct[j] = distinct;
                    case TOP_K -> {
                        int[] counts = new int[groups];
                        for (int g = 0; g < groups; g++) {
                            counts[g] = (int) Math.min(k, seen[g]);
                        }
                        h.topValues = top;
                        h.topCounts = counts;
                    }
                    default -> {
                        double[] out = new double[groups];
                        int[] has = new int[groups + 1]; // start array: has[g + 1] > has[g] when g has values
                        for (int g = 0; g < groups; g++) {
                            long cnt = nonNull[g];
                            has[g + 1] = has[g] + (cnt > 0 ? 1 : 0);
                            if (cnt > 0) {
                                double pos = q * (cnt - 1);
                                out[g] = Quantiles.interpolate(lo[g], hi[g], pos);
                            } else {
                                out[g] = Double.NaN;
                            }
                        }
                        h.results[j] = out;
                        h.countsPerGroup[j] = has;
                    }
                }
            }
        }

        /** Splits a partition that does not fit by the next hash bits and merges each part alone. */
        private void repartition(List<ChunkHandle> chunks, List<ChunkHandle> raws, int level, List<ChunkHandle> result) {
            List<List<ChunkHandle>> sub = split(chunks, level);
            List<List<ChunkHandle>> subRaw = null;
            try {
                subRaw = split(raws, level);
                int nonEmpty = 0;
                for (List<ChunkHandle> x : sub) {
                    nonEmpty += x.isEmpty() ? 0 : 1;
                }
                // All rows in one sub-partition: the hash cannot separate them (one big group, i.e.
                // skew), so splitting again would not help; merge it with as much of the budget as it needs.
                int nextLevel = nonEmpty == 1 ? MAX_LEVEL : level + 1;
                for (int q = 0; q < PARTITIONS; q++) {
                    if (!sub.get(q).isEmpty()) {
                        merge(sub.get(q), subRaw.get(q), nextLevel, result);
                    }
                }
            } finally {
                for (List<ChunkHandle> s : sub) {
                    s.forEach(ChunkHandle::close);
                }
                if (subRaw != null) {
                    for (List<ChunkHandle> s : subRaw) {
                        s.forEach(ChunkHandle::close);
                    }
                }
            }
        }

        /** The rows of {@code chunks} (keys first) split by hash bits of level {@code level} into new chunks. */
        private List<List<ChunkHandle>> split(List<ChunkHandle> chunks, int level) {
            List<List<ChunkHandle>> sub = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                sub.add(new ArrayList<>());
            }
            StringPool scratchPool = new StringPool(inlinePool());
            int[][] rows = new int[PARTITIONS][];
            int[] counts = new int[PARTITIONS];
            try {
                for (ChunkHandle h : chunks) {
                    try (PinnedChunk p = h.pin()) {
                        Chunk c = p.chunk();
                        int n = c.rows();
                        batch.reset(keys.size(), n);
                        for (int k = 0; k < keys.size(); k++) {
                            batch.add(k, c.column(k), scratchPool);
                        }
                        batch.finish();
                        scratchPool.clear();
                        java.util.Arrays.fill(counts, 0);
                        for (int i = 0; i < n; i++) {
                            int q = partition(batch.hash[i], level);
                            if (rows[q] == null || rows[q].length < n) {
                                rows[q] = new int[n];
                            }
                            rows[q][counts[q]++] = i;
                        }
                        for (int q = 0; q < PARTITIONS; q++) {
                            if (counts[q] > 0) {
                                sub.get(q).add(ctx.store().putWithoutStats(
                                        ChunkOps.select(c, rows[q], counts[q], ctx.budget(), "group by repartition")));
                            }
                        }
                    }
                }
                return sub;
            } catch (RuntimeException | Error e) {
                for (List<ChunkHandle> s : sub) {
                    s.forEach(ChunkHandle::close);
                }
                throw e;
            }
        }

        private void emit(GroupTable t, StringPool pool, Holistic h, List<ChunkHandle> result) {
            int size = t.size();
            if (size == 0 && keys.isEmpty()) {
                t.findOrInsert(emptyBatch(), 0); // the single group of a global aggregate over no rows
                size = 1;
            }
            if (out == null) {
                out = ChunkOps.builders(output, ctx.chunkRows()).toArray(VectorBuilder[]::new);
            }
            long[] st = t.states();
            for (int from = 0; from < size; from += ctx.chunkRows()) {
                int to = Math.min(size, from + ctx.chunkRows());
                for (VectorBuilder b : out) {
                    b.reset();
                }
                plainKeys.choose(t, null, from, to, out, keyTypes);
                for (int g = from; g < to; g++) {
                    if (topK >= 0) {
                        int k = aggs.get(topK).k();
                        int cnt = h == null || h.topCounts == null || g >= h.topCounts.length ? 0 : h.topCounts[g];
                        for (int r = 0; r < cnt; r++) {
                            appendKeys(t, pool, g, out);
                            AggFn.append(out[keys.size()], output.type(keys.size()), h.topValues[g * k + r], pool);
                        }
                        continue;
                    }
                    appendKeys(t, pool, g, out);
                    for (int j = 0; j < fns.length; j++) {
                        if (fns[j] != null) {
                            fns[j].finish(st, g * stride, out[keys.size() + j], pool);
                        } else if (h != null) {
                            h.append(j, g, out[keys.size() + j]);
                        } else {
                            out[keys.size() + j].appendNull();
                        }
                    }
                }
                if (out.length > 0 && out[0].size() == 0) {
                    continue; // top-k groups without values
                }
                Chunk c = output.size() == 0 ? Chunk.empty(output, to - from) : Chunk.build(output, List.of(out), ctx.budget(), "group by result");
                result.add(ctx.store().put(c));
            }
        }

        private KeyBatch emptyBatch() {
            KeyBatch b = new KeyBatch();
            b.reset(0, 1);
            b.finish();
            return b;
        }

        void close() {
            keptTable = null;
            keptPool = null;
            res.close();
        }
    }
}
