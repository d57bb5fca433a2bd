package org.spillway.frame.exec.aggregate;

import static org.spillway.frame.exec.hash.PartitionLayout.PARTITIONS;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.spillway.frame.AggregateExpr;
import org.spillway.frame.Expr;
import org.spillway.frame.exec.aggregate.function.AggFn;
import org.spillway.frame.exec.hash.GroupTable;
import org.spillway.frame.exec.hash.StringPool;
import org.spillway.frame.exec.eval.ExprCompiler;
import org.spillway.frame.exec.eval.PhysicalExpr;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.frame.Expr.ColumnRef;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.memory.MemoryConsumer;
import org.spillway.spill.vector.BoolVectorBuilder;
import org.spillway.spill.vector.DoubleVectorBuilder;
import org.spillway.spill.vector.IntVectorBuilder;
import org.spillway.spill.vector.LongVectorBuilder;
import org.spillway.spill.vector.StringVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * What one hash aggregate is made of, fixed by its constructor: the keys and their types, the
 * aggregate functions and where each keeps its state in a group's row of {@link #stride} longs, the
 * schemas of partial-state chunks and holistic value chunks, the worker's share of the budget
 * ({@link org.spillway.frame.exec.pipeline.MemoryPolicy#workerShare()}), its {@link MemoryConsumer}, and the partitions
 * (shared lists of chunk handles) that phase 1 writes and phase 2 reads.
 *
 * <p>Each part of the operator ({@link PreAggregator}, {@link PassThrough}, {@link PartitionSpiller},
 * {@link DirectStates}, {@link HolisticValuePartitions}, {@link PartitionMerger}) extends this class
 * and copies these final fields into its own, so that their per-row loops read the layout from
 * {@code this}, one field load as when they were methods of one class, and not through a
 * reference to a shared object. The state updates and key appends shared by several parts live
 * here for the same reason.
 */
class AggregateSpec {
    final List<Expr> keys;
    /** The keys and aggregate inputs compiled against the input schema, by identity. */
    final Map<Expr, PhysicalExpr> evaluators;
    final List<AggregateExpr> aggs;
    final ExecContext ctx;
    final Schema output;
    final Schema partial;
    final DataType[] keyTypes;
    final String[] keyColumns; // input column for plain references, else null
    final AggFn[] fns;
    final int[] partialCol0;
    final int[] partialWidth; // partial columns of each algebraic aggregate
    final int stride;
    final int topK; // index of the top-k aggregate, or -1
    /** This operator instance's registration with the budget ({@code HashAggregate#n}); its state revocable is the workers' tables. */
    final MemoryConsumer consumer;
    /** The phase-1 workers made so far (their tables are what a revoke request spills). */
    final List<AggregateWorker> workers;
    final long workerShare;
    final List<List<ChunkHandle>> parts;
    /** Holistic aggregates (median, quantile, countDistinct) keep every value: rows of keys + values, by partition. */
    final List<List<ChunkHandle>> rawParts;
    final Schema raw; // null without holistic aggregates
    /** String key columns and aggregate inputs: strings a merge's pool may hold per row. */
    final int stringColumns;
    /** Whether a worker may stop pre-aggregating ({@link PreAggregator#PASS_THROUGH_MIN_ROWS}). */
    final boolean canPassThrough;
    final int[] rawCol; // column of aggregate j's values in raw chunks, -1 if algebraic
    /** Whether a single int key may aggregate into state arrays indexed by value ({@link DirectStates}). */
    final boolean canDirectStates;

    /** Rows a partition's value buffer collects before it becomes a chunk. */
    final int rawChunkRows;

    /**
     * Rows a partition's pass-through builder collects, over as many input chunks as it takes,
     * before it becomes a partial chunk (fewer under a small share). One chunk per partition and
     * input chunk made chunks of about a thousand rows; each chunk's memory is a shared arena,
     * whose close costs a handshake with every thread, so discarding many small chunks cost a
     * large part of a fast query. Larger builders miss the caches and, living long, the young
     * generation: 4,096 rows was the fastest size measured (figures in bench/README.md).
     */
    final int passThroughChunkRows;
    static final int PASS_THROUGH_CHUNK_ROWS = 4096;

    AggregateSpec(List<Expr> keys, List<AggregateExpr> aggs, Schema input, Schema output, ExecContext ctx) {
        this.keys = keys;
        this.evaluators = new IdentityHashMap<>();
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
        this.parts = new ArrayList<>();
        this.rawParts = new ArrayList<>();
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
            sc += t.isVariableWidth() ? 1 : 0;
        }
        for (AggregateExpr a : aggs) {
            sc += a.input() != null && a.input().type(input).isVariableWidth() ? 1 : 0;
        }
        stringColumns = sc;
        canPassThrough = raw == null && !keys.isEmpty() && java.util.Arrays.stream(keyColumns).allMatch(java.util.Objects::nonNull);
        workerShare = ctx.policy().workerShare();
        workers = new java.util.concurrent.CopyOnWriteArrayList<>();
        consumer = ctx.policy().register("HashAggregate", () -> {
            long b = 0;
            for (AggregateWorker w : workers) {
                b += w.res.bytes();
            }
            return b;
        });
        boolean ds = raw == null && keys.size() == 1 && keyColumns[0] != null
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

    /** A copy of {@code spec}'s fields (the partitions are the same lists). */
    AggregateSpec(AggregateSpec spec) {
        this.keys = spec.keys;
        this.evaluators = spec.evaluators;
        this.aggs = spec.aggs;
        this.ctx = spec.ctx;
        this.output = spec.output;
        this.partial = spec.partial;
        this.keyTypes = spec.keyTypes;
        this.keyColumns = spec.keyColumns;
        this.fns = spec.fns;
        this.partialCol0 = spec.partialCol0;
        this.partialWidth = spec.partialWidth;
        this.stride = spec.stride;
        this.topK = spec.topK;
        this.workerShare = spec.workerShare;
        this.consumer = spec.consumer;
        this.workers = spec.workers;
        this.parts = spec.parts;
        this.rawParts = spec.rawParts;
        this.raw = spec.raw;
        this.stringColumns = spec.stringColumns;
        this.canPassThrough = spec.canPassThrough;
        this.rawCol = spec.rawCol;
        this.canDirectStates = spec.canDirectStates;
        this.rawChunkRows = spec.rawChunkRows;
        this.passThroughChunkRows = spec.passThroughChunkRows;
    }

    /**
     * String pools keep short strings inline in their tables (one cache miss per probe instead of
     * three) when a worker's share of the budget is at least 8 MiB; below that the compact layout,
     * about 48 bytes less per distinct string, lets a table hold more groups before it spills.
     */
    boolean inlinePool() {
        return workerShare >= 8L << 20;
    }

    /**
     * The merge of one partition keeps short strings inline only while the extra 48 bytes for each
     * string its rows could hold stay under half the worker's share: a partition near the share
     * would otherwise be split into sub-partitions (rewritten once more) for the sake of a faster
     * probe, and that rewrite costs far more than the faster probe saves (figures in
     * bench/README.md).
     */
    boolean inlineMergePool(List<ChunkHandle> chunks, List<ChunkHandle> raws) {
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

    /** Heap bytes per partial row held in a builder (for the reservation): a string as 24. */
    long partialRowBytes() {
        long b = 16;
        for (int c = 0; c < partial.size(); c++) {
            b += partial.type(c).isVariableWidth() ? 24 : 8;
        }
        return b;
    }

    /** Heap bytes per buffered value row (for the reservation). */
    long rawRowBytes() {
        return 16L * (raw == null ? 0 : raw.size()) + 16;
    }

    /** {@link PreAggregator#projected} for a worker whose table, pool and value buffers are empty. */
    long emptyProjected(int rows) {
        return GroupTable.bytesForGroups(keys.size(), stride, rows) + scratchBytes(rows);
    }

    /** Per-chunk scratch (group ids, key batch, evaluated inputs) and the chunk's buffered raw values. */
    long scratchBytes(int rows) {
        return 48L * rows + 8L * rows * (keys.size() + 3) + (raw == null ? 0 : (long) rows * rawRowBytes());
    }

    Map<Expr, HeapColumn> updateStates(AggregateWorker w, Chunk chunk, int n, long pos0) {
        return updateStates(w, chunk, n, pos0, w.table.states(), w.gids);
    }

    Map<Expr, HeapColumn> updateStates(AggregateWorker w, Chunk chunk, int n, long pos0, long[] st, int[] gids) {
        Map<Expr, HeapColumn> inputs = new IdentityHashMap<>();
        for (int j = 0; j < fns.length; j++) {
            if (fns[j] != null) { // holistic ones (null) have their values copied straight from the chunk
                updateState(j, chunk, n, pos0, st, gids, inputs, w.pool);
            }
        }
        return inputs;
    }

    /** Evaluates a key or aggregate input (compiled in the constructor) over {@code chunk}. */
    HeapColumn eval(Expr e, Chunk chunk) {
        return evaluators.get(e).eval(chunk);
    }

    /** Updates aggregate {@code j}'s states {@code st} of groups {@code gids} from the chunk's rows {@code [0, n)}. */
    void updateState(int j, Chunk chunk, int n, long pos0, long[] st, int[] gids, Map<Expr, HeapColumn> inputs, StringPool pool) {
        AggregateExpr a = aggs.get(j);
        if (a.input() instanceof ColumnRef c && a.input2() == null
                && fns[j].updateFrom(st, stride, gids, n, chunk.column(c.column()))) {
            return; // read straight from the vector
        }
        HeapColumn in = a.input() == null ? null : inputs.computeIfAbsent(a.input(), e -> eval(e, chunk));
        HeapColumn in2 = a.input2() == null ? null : inputs.computeIfAbsent(a.input2(), e -> eval(e, chunk));
        fns[j].update(st, stride, gids, n, in, in2, pos0, pool);
    }

    void appendKeys(GroupTable t, StringPool pool, int g, VectorBuilder[] b) {
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
}
