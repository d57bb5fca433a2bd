package org.spillway.frame.exec.window;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.spillway.frame.AggregateExpr;
import org.spillway.frame.Expr;
import org.spillway.frame.SpillwayException;
import org.spillway.frame.Window;
import org.spillway.frame.WindowFunction;
import org.spillway.frame.WindowSpec;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.frame.exec.pipeline.Terminal;
import org.spillway.frame.plan.LogicalPlan;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.chunk.PinnedChunk;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.VectorBuilder;

/**
 * Computes a {@link LogicalPlan.Window} node over its input sorted by (partition keys, order keys): one pass over the
 * sorted chunks, in order, keeping the current partition's state across chunk boundaries. A partition's results are
 * known when it ends; the chunks holding its rows stay in the chunk store (spillable) until then, and each chunk is
 * written out, with the window columns appended, once every partition touching it has ended.
 *
 * <p>Work per partition of {@code n} rows is O(n) for every function and frame: ranks from the peer groups, sums,
 * counts and means over a frame from prefix sums, min and max over a frame with a monotonic deque (frame bounds only
 * move forward). Memory: the rows are in the chunk store (which spills them); the heap holds the function inputs and
 * results of the rows waiting to be written (the current partition's, and those of the chunks it shares), about
 * {@link #BYTES_PER_ROW_AND_FUNCTION} bytes per row and function. That state is reserved in the session's budget, up
 * to a quarter of it, where room can be made (the chunk store spills to make it), and a partition whose state would pass a quarter of the JVM's
 * maximum heap fails with a {@link SpillwayException} naming its size, instead of running out of memory.
 *
 * <p>Counters: {@code window.partitions}, {@code window.rows} (and, by the executor, {@code window.sortsReused}: window
 * nodes that read the order of the window node below instead of sorting).
 */
public final class WindowOperator {
    private final LogicalPlan.Window node;
    private final ExecContext ctx;
    private final int inputColumns;
    private final int[] partitionColumns;
    private final int[] orderColumns;
    private final int[] argColumns;
    private final DataType[] types;
    private final int fns;
    /** True if some function has a range frame with offsets: the order key of every row is kept. */
    private final boolean rangeKeys;
    private final DataType keyType;

    /**
     * An operator for {@code node}; the sorted input's columns are the node's input columns, then (at
     * {@code argColumns}, -1 for none) the functions' computed inputs.
     */
    public WindowOperator(LogicalPlan.Window node, int[] argColumns, ExecContext ctx) {
        this.node = node;
        this.ctx = ctx;
        Schema in = node.child().schema();
        this.inputColumns = in.size();
        WindowSpec spec = node.spec();
        this.partitionColumns = spec.partitionKeys().stream().mapToInt(in::indexOf).toArray();
        this.orderColumns = spec.orderKeys().stream().mapToInt(o -> in.indexOf(((Expr.ColumnRef) o.expr()).column())).toArray();
        this.argColumns = argColumns.clone();
        this.fns = node.functions().size();
        this.types = new DataType[fns];
        for (int f = 0; f < fns; f++) {
            types[f] = node.schema().type(inputColumns + f);
        }
        this.rangeKeys = node.functions().stream().anyMatch(w -> w.window().hasRangeOffsets());
        this.keyType = orderColumns.length == 1 ? in.type(orderColumns[0]) : null;
    }

    /**
     * For a window node marked with a per-partition top-k ({@link LogicalPlan.Window#topK()}): the rows of
     * {@code child} (an optimized plan, the node's input) among the first of their partition, kept without sorting by
     * {@link PartitionTopKTable} (fixed-width order keys, k up to 128; past its cap, half of the budget's heap part
     * where operator state lives, it spills hash partitions of the rows and runs them afterwards) or else
     * {@link PartitionTopKTerminal}; null when the boxed terminal's state outgrows its cap, a quarter of the heap part
     * (the caller then sorts every row).
     * Counters: {@code window.topK} (short cuts taken), {@code window.topKRowsKept}, {@code window.topKFallbacks}, and
     * the spill's ({@link PartitionTopKTable}); the caller counts {@code window.sortsSkipped} when the rows came in the
     * window's order.
     */
    public static TopKRows partitionTopK(LogicalPlan.Window node, LogicalPlan child,
                                         org.spillway.frame.exec.pipeline.PlanRunner runner, ExecContext ctx) {
        LogicalPlan.Window.TopK t = node.topK();
        // unboxed when the order keys are of fixed-width types (half the heap part: its state is a quarter of the boxed
        // rows' for the same partitions), else boxed rows (a quarter of the heap part)
        Terminal<?, StoredFrame> terminal = PartitionTopKTable.supports(child.schema(), node.spec().orderKeys(), t.k())
                ? new PartitionTopKTable(child.schema(), node.spec().partitionKeys(), node.spec().orderKeys(), t.k(),
                        t.withTies(), ctx, "window-top-k", ctx.budget().heapLimit() / 2)
                : new PartitionTopKTerminal(child.schema(), node.spec().partitionKeys(), node.spec().orderKeys(), t.k(),
                        t.withTies(), ctx, "window-top-k", ctx.budget().heapLimit() / 4);
        try {
            StoredFrame out = runner.runPlan(child, terminal, "window-top-k");
            ctx.counters().add("window.topK", 1);
            return new TopKRows(out, terminal instanceof PartitionTopKTable t2 && t2.inWindowOrder());
        } catch (RuntimeException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof PartitionTopKTerminal.TooLarge) {
                    ctx.counters().add("window.topKFallbacks", 1);
                    return null;
                }
            }
            throw e;
        }
    }

    /**
     * The rows a per-partition top-k kept ({@link #partitionTopK}), and whether they are already in the window's order
     * (partitions together and each in its order, as the window's sort would give them), so that the window may run
     * over them without sorting.
     */
    public record TopKRows(StoredFrame frame, boolean inWindowOrder) {
    }

    /** A sorted chunk waiting for the results of the partitions it holds. */
    private static final class Pending {
        final ChunkHandle handle;
        final long base;
        final int rows;
        final Object[][] results;

        Pending(ChunkHandle handle, long base, int rows, int fns) {
            this.handle = handle;
            this.base = base;
            this.rows = rows;
            this.results = new Object[fns][rows];
        }
    }

    /**
     * The heap the state of the rows waiting to be written may take before the operator fails: a quarter of the JVM's
     * maximum heap. Package-private and mutable so that a test can lower it (and must restore it).
     */
    static volatile long maxStateBytes = Runtime.getRuntime().maxMemory() / 4;

    /** The heap state per row waiting to be written and per function: a boxed input, a boxed result, references. */
    static final long BYTES_PER_ROW_AND_FUNCTION = 48;

    private final Deque<Pending> pending = new ArrayDeque<>();
    private long pendingRows;
    private org.spillway.spill.memory.Reservation reservation;
    private final List<ChunkHandle> out = new ArrayList<>();
    private long partitionStart;
    private int n;
    private int[] rowGroup = new int[1024];
    private int[] groupStart = new int[64];
    private int groups;
    private List<List<Object>> args;
    private long partitions;
    /** For range frames: each row's order key (float64 keys in {@link #dkey}, the others in {@link #lkey}), or special. */
    private long[] lkey = new long[0];
    private double[] dkey = new double[0];
    private boolean[] special = new boolean[0];

    /** Runs over {@code sorted} (not closed here) into a new stored frame named {@code name}. */
    public StoredFrame run(StoredFrame sorted, String name) {
        reservation = ctx.budget().newReservation("Window");
        args = new ArrayList<>();
        for (int f = 0; f < fns; f++) {
            args.add(new ArrayList<>());
        }
        try {
            long global = 0;
            Object[] prevPart = null;
            Object[] prevOrder = null;
            for (ChunkHandle h : sorted.chunks()) {
                if (h.rows() == 0) {
                    continue;
                }
                pending.add(new Pending(h, global, h.rows(), fns));
                pendingRows += h.rows();
                account();
                try (PinnedChunk pc = h.pin()) {
                    Chunk c = pc.chunk();
                    ColumnVector[] argVectors = new ColumnVector[fns];
                    for (int f = 0; f < fns; f++) {
                        argVectors[f] = argColumns[f] < 0 ? null : c.column(argColumns[f]);
                    }
                    for (int r = 0; r < c.rows(); r++) {
                        Object[] pk = values(c, partitionColumns, r);
                        Object[] ok = values(c, orderColumns, r);
                        if (n > 0 && !Arrays.deepEquals(pk, prevPart)) {
                            finishPartition();
                        }
                        if (n == 0) {
                            partitionStart = global;
                            newGroup();
                        } else if (!Arrays.deepEquals(ok, prevOrder)) {
                            newGroup();
                        }
                        if (n == rowGroup.length) {
                            rowGroup = Arrays.copyOf(rowGroup, n * 2);
                        }
                        rowGroup[n] = groups - 1;
                        if (rangeKeys) {
                            rangeKey(c.column(orderColumns[0]), r);
                        }
                        for (int f = 0; f < fns; f++) {
                            if (argVectors[f] != null) {
                                args.get(f).add(argVectors[f].getObject(r));
                            }
                        }
                        n++;
                        global++;
                        prevPart = pk;
                        prevOrder = ok;
                    }
                }
                flush(partitionStart);
            }
            if (n > 0) {
                finishPartition();
            }
            flush(Long.MAX_VALUE);
            ctx.counters().add("window.partitions", partitions);
            ctx.counters().add("window.rows", global);
            return new StoredFrame(name, node.schema(), List.copyOf(out));
        } catch (RuntimeException | Error e) {
            out.forEach(ChunkHandle::close);
            throw e;
        } finally {
            reservation.close();
        }
    }

    /** Reserves the heap state of the rows waiting to be written, or fails clearly when a partition is far too large. */
    private void account() {
        long want = pendingRows * (8 + (rangeKeys ? 9 : 0) + fns * BYTES_PER_ROW_AND_FUNCTION);
        // at most a quarter of the budget's heap part is reserved, so that other operator state (scan buffers) still
        // fits; the rest is held unreserved
        long reserve = Math.min(want, ctx.budget().heapLimit() / 4);
        long delta = reserve - reservation.bytes();
        if (delta > 0 && !reservation.growIfRoom(delta) || want > reserve) {
            long cap = maxStateBytes;
            if (want > cap) {
                throw new SpillwayException(String.format(java.util.Locale.ROOT, "A window partition of more than %,d rows"
                        + " (partition by %s) needs about %s of heap for the state of its %d window function(s), more than"
                        + " %s (a quarter of the JVM's heap, %s): window functions keep one partition's inputs and results in"
                        + " memory (its rows are spilled). Partition by more columns, or give the JVM more heap (-Xmx)",
                        n, node.spec().partitionKeys(), org.spillway.spill.memory.MemoryBudget.formatBytes(want), fns,
                        org.spillway.spill.memory.MemoryBudget.formatBytes(cap),
                        org.spillway.spill.memory.MemoryBudget.formatBytes(Runtime.getRuntime().maxMemory())));
            }
        } else if (delta < 0) {
            reservation.shrink(-delta);
        }
    }

    /** Keeps row {@code r}'s order key for range frames: a null or NaN key is special (its own peer group). */
    private void rangeKey(ColumnVector v, int r) {
        if (n >= special.length) {
            int cap = Math.max(1024, n * 2);
            special = Arrays.copyOf(special, cap);
            if (keyType == DataType.FLOAT64) {
                dkey = Arrays.copyOf(dkey, cap);
            } else {
                lkey = Arrays.copyOf(lkey, cap);
            }
        }
        if (v.isNull(r)) {
            special[n] = true;
            return;
        }
        special[n] = false;
        switch (v) {
            case DoubleVector d -> {
                dkey[n] = d.get(r);
                special[n] = Double.isNaN(dkey[n]);
            }
            case IntVector i -> lkey[n] = i.get(r);
            case LongVector l -> lkey[n] = l.get(r);
            default -> throw new IllegalStateException("range frame over " + v.type());
        }
    }

    private void newGroup() {
        if (groups == groupStart.length) {
            groupStart = Arrays.copyOf(groupStart, groups * 2);
        }
        groupStart[groups++] = n;
    }

    /** The values of {@code columns} at row {@code r} (-0.0 read as 0.0, as the sort orders them). */
    private static Object[] values(Chunk c, int[] columns, int r) {
        Object[] v = new Object[columns.length];
        for (int k = 0; k < columns.length; k++) {
            Object o = c.column(columns[k]).getObject(r);
            v[k] = o instanceof Double d && d == 0.0 ? (Object) 0.0 : o;
        }
        return v;
    }

    /** Writes the chunks all of whose rows are before global row {@code before}. */
    private void flush(long before) {
        while (!pending.isEmpty() && pending.peekFirst().base + pending.peekFirst().rows <= before) {
            Pending p = pending.pollFirst();
            pendingRows -= p.rows;
            try (PinnedChunk pc = p.handle.pin()) {
                Chunk c = pc.chunk();
                List<VectorBuilder> builders = new ArrayList<>();
                for (int j = 0; j < inputColumns; j++) {
                    VectorBuilder b = VectorBuilder.forType(c.column(j).type(), p.rows);
                    b.appendRange(c.column(j), 0, p.rows);
                    builders.add(b);
                }
                for (int f = 0; f < fns; f++) {
                    VectorBuilder b = VectorBuilder.forType(types[f], p.rows);
                    for (Object o : p.results[f]) {
                        b.appendObject(o);
                    }
                    builders.add(b);
                }
                out.add(ctx.store().put(Chunk.build(node.schema(), builders, ctx.budget(), "window")));
            }
        }
        account();
    }

    /** Computes every function over the finished partition and hands the results to the pending chunks. */
    private void finishPartition() {
        partitions++;
        for (int f = 0; f < fns; f++) {
            Object[] res = compute(node.functions().get(f), args.get(f));
            long g = partitionStart;
            for (Pending p : pending) {
                long from = Math.max(g, p.base);
                long to = Math.min(partitionStart + n, p.base + p.rows);
                for (long x = from; x < to; x++) {
                    p.results[f][(int) (x - p.base)] = res[(int) (x - partitionStart)];
                }
            }
            args.get(f).clear();
        }
        n = 0;
        groups = 0;
    }

    private int groupEnd(int g) {
        return g + 1 < groups ? groupStart[g + 1] - 1 : n - 1;
    }

    private Object[] compute(Expr.WindowExpr w, List<Object> values) {
        WindowFunction fn = w.function();
        Object[] res = new Object[n];
        switch (fn.kind()) {
            case ROW_NUMBER -> {
                for (int i = 0; i < n; i++) {
                    res[i] = (long) i + 1;
                }
            }
            case RANK -> {
                for (int i = 0; i < n; i++) {
                    res[i] = (long) groupStart[rowGroup[i]] + 1;
                }
            }
            case DENSE_RANK -> {
                for (int i = 0; i < n; i++) {
                    res[i] = (long) rowGroup[i] + 1;
                }
            }
            case PERCENT_RANK -> {
                for (int i = 0; i < n; i++) {
                    res[i] = n == 1 ? 0.0 : groupStart[rowGroup[i]] / (double) (n - 1);
                }
            }
            case NTILE -> {
                int b = fn.offset();
                long q = n / b;
                long r = n % b;
                for (int i = 0; i < n; i++) {
                    res[i] = i < r * (q + 1) ? i / (q + 1) + 1 : r + (i - r * (q + 1)) / q + 1;
                }
            }
            case CUME_DIST -> {
                for (int i = 0; i < n; i++) {
                    res[i] = (groupEnd(rowGroup[i]) + 1) / (double) n;
                }
            }
            case FIRST_VALUE, LAST_VALUE, NTH_VALUE -> {
                int[] lo = new int[n];
                int[] hi = new int[n];
                bounds(w.window(), lo, hi);
                int k = fn.kind() == WindowFunction.Kind.NTH_VALUE ? fn.offset() : 1;
                if (fn.ignoreNulls()) {
                    nthNonNull(values, lo, hi, k, fn.kind() == WindowFunction.Kind.LAST_VALUE, res);
                } else {
                    for (int i = 0; i < n; i++) {
                        long j = fn.kind() == WindowFunction.Kind.LAST_VALUE ? hi[i] : (long) lo[i] + k - 1;
                        res[i] = lo[i] <= hi[i] && j >= lo[i] && j <= hi[i] ? values.get((int) j) : null;
                    }
                }
            }
            case LAG, LEAD -> {
                int k = fn.kind() == WindowFunction.Kind.LAG ? -fn.offset() : fn.offset();
                Object def = fn.defaultValue();
                for (int i = 0; i < n; i++) {
                    long j = (long) i + k;
                    res[i] = j >= 0 && j < n ? values.get((int) j) : def;
                }
            }
            case AGGREGATE -> aggregate(w, values, res);
        }
        return res;
    }

    private void aggregate(Expr.WindowExpr w, List<Object> values, Object[] res) {
        AggregateExpr a = w.function().aggregate();
        int[] lo = new int[n];
        int[] hi = new int[n];
        bounds(w.window(), lo, hi);
        switch (a.kind()) {
            case COUNT_ALL -> {
                for (int i = 0; i < n; i++) {
                    res[i] = (long) Math.max(0, hi[i] - lo[i] + 1);
                }
            }
            case COUNT, SUM, MEAN -> prefixAggregate(a, values, lo, hi, res);
            case MIN, MAX -> minMax(a.kind() == AggregateExpr.Kind.MAX, values, lo, hi, res);
            case FIRST, LAST -> nthNonNull(values, lo, hi, 1, a.kind() == AggregateExpr.Kind.LAST, res);
            case FIRST_ROW -> {
                for (int i = 0; i < n; i++) {
                    res[i] = lo[i] <= hi[i] ? values.get(lo[i]) : null;
                }
            }
            case VAR, VAR_POP, STD, STD_POP -> WindowAggregates.moments(a.kind(), values, n, lo, hi, res);
            case COUNT_DISTINCT -> WindowAggregates.countDistinct(values, n, lo, hi, res);
            case MEDIAN, QUANTILE -> WindowAggregates.quantile(a.q(), values, n, lo, hi, res);
            default -> throw new SpillwayException(a + " over a window is not supported");
        }
    }

    /**
     * The frame of each row of the partition under {@code spec}: rows {@code lo[i]} to {@code hi[i]} (empty where
     * {@code lo[i] > hi[i]}). Both are non-decreasing in {@code i} for every frame (what the sliding aggregates need).
     */
    private void bounds(WindowSpec spec, int[] lo, int[] hi) {
        long s = spec.frameStart();
        long e = spec.frameEnd();
        switch (spec.frameType()) {
            case DEFAULT -> {
                boolean ordered = !spec.orderKeys().isEmpty();
                for (int i = 0; i < n; i++) {
                    lo[i] = 0;
                    hi[i] = ordered ? groupEnd(rowGroup[i]) : n - 1;
                }
            }
            case ROWS -> {
                for (int i = 0; i < n; i++) {
                    lo[i] = s == Window.unboundedPreceding ? 0 : (int) Math.min(n, Math.max(0, plus(i, s)));
                    hi[i] = e == Window.unboundedFollowing ? n - 1 : (int) Math.max(-1, Math.min(n - 1, plus(i, e)));
                }
            }
            case RANGE, RANGE_INTERVAL -> {
                if (!spec.hasRangeOffsets()) {
                    for (int i = 0; i < n; i++) {
                        lo[i] = s == Window.unboundedPreceding ? 0 : groupStart[rowGroup[i]];
                        hi[i] = e == Window.unboundedFollowing ? n - 1 : groupEnd(rowGroup[i]);
                    }
                } else {
                    rangeBounds(spec, lo, hi);
                }
            }
        }
    }

    /**
     * Range frames with offsets, as DuckDB: the rows with a non-special key are contiguous in the sorted partition
     * (nulls and NaN sort at its ends); their offset bounds are searched within that block with two pointers (the
     * keys, turned to ascending, only grow), and a special row's offset bounds are its peer group.
     */
    private void rangeBounds(WindowSpec spec, int[] lo, int[] hi) {
        long s = spec.frameStart();
        long e = spec.frameEnd();
        boolean ascending = spec.orderKeys().getFirst().ascending();
        if (spec.frameType() == WindowSpec.FrameType.RANGE && keyType.kind() == DataType.Kind.DECIMAL) {
            long unit = java.math.BigInteger.TEN.pow(keyType.scale()).longValueExact();
            s = scale(s, unit);
            e = scale(e, unit);
        }
        boolean dates = keyType.kind() == DataType.Kind.DATE && spec.frameType() == WindowSpec.FrameType.RANGE_INTERVAL;
        boolean doubles = keyType == DataType.FLOAT64;
        int bs = 0;
        while (bs < n && special[bs]) {
            bs++;
        }
        int be = bs;
        while (be < n && !special[be]) {
            be++;
        }
        be--; // the block of ordinary keys is [bs, be]
        long[] x = doubles ? null : new long[n];
        double[] dx = doubles ? new double[n] : null;
        for (int i = bs; i <= be; i++) {
            if (doubles) {
                dx[i] = ascending ? dkey[i] : -dkey[i];
            } else {
                long k = dates ? scale(lkey[i], 86_400_000_000L) : lkey[i];
                x[i] = ascending ? k : ~k; // ~k = -k - 1 reverses the order without overflow
            }
        }
        int pl = bs;
        int ph = bs;
        for (int i = 0; i < n; i++) {
            if (special[i]) {
                lo[i] = s == Window.unboundedPreceding ? 0 : groupStart[rowGroup[i]];
                hi[i] = e == Window.unboundedFollowing ? n - 1 : groupEnd(rowGroup[i]);
                continue;
            }
            if (s == Window.unboundedPreceding) {
                lo[i] = 0;
            } else {
                // the first row of the block whose key is at least key + s
                while (pl <= be && (doubles ? dx[pl] < dx[i] + s : x[pl] < sat(x[i], s))) {
                    pl++;
                }
                lo[i] = pl;
            }
            if (e == Window.unboundedFollowing) {
                hi[i] = n - 1;
            } else {
                // the last row of the block whose key is at most key + e
                ph = Math.max(ph, bs);
                while (ph <= be && (doubles ? dx[ph] <= dx[i] + e : x[ph] <= sat(x[i], e))) {
                    ph++;
                }
                hi[i] = ph - 1;
            }
        }
    }

    /** {@code a + b}, saturating at the range of a long. */
    private static long sat(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }

    /** A bound (or key) times {@code unit}, saturating; unbounded stays unbounded. */
    private static long scale(long v, long unit) {
        if (v == Window.unboundedPreceding || v == Window.unboundedFollowing) {
            return v;
        }
        long hiBits = Math.multiplyHigh(v, unit);
        long r = v * unit;
        if (hiBits != (r >> 63)) {
            return v < 0 ? Long.MIN_VALUE + 1 : Long.MAX_VALUE - 1;
        }
        return r;
    }

    /**
     * The {@code k}-th non-null value of each frame (or, with {@code last}, its last non-null value), null where there
     * is none: from the positions of the partition's non-null values, O(1) per row.
     */
    private void nthNonNull(List<Object> values, int[] lo, int[] hi, int k, boolean last, Object[] res) {
        int[] before = new int[n + 1]; // non-null values before row i
        int[] at = new int[n]; // the positions of the non-null values
        int m = 0;
        for (int i = 0; i < n; i++) {
            before[i] = m;
            if (values.get(i) != null) {
                at[m++] = i;
            }
        }
        before[n] = m;
        for (int i = 0; i < n; i++) {
            res[i] = null;
            if (lo[i] > hi[i]) {
                continue;
            }
            if (last) {
                int idx = before[hi[i] + 1] - 1;
                if (idx >= 0 && at[idx] >= lo[i]) {
                    res[i] = values.get(at[idx]);
                }
            } else {
                long idx = (long) before[lo[i]] + k - 1;
                if (idx < m && at[(int) idx] <= hi[i]) {
                    res[i] = values.get(at[(int) idx]);
                }
            }
        }
    }

    /** {@code i + offset} for a row {@code i >= 0}, saturating at {@code Long.MAX_VALUE} (offsets are not {@code Long.MIN_VALUE}). */
    private static long plus(int i, long offset) {
        return offset > 0 && i > Long.MAX_VALUE - offset ? Long.MAX_VALUE : i + offset;
    }

    private void prefixAggregate(AggregateExpr a, List<Object> values, int[] lo, int[] hi, Object[] res) {
        long[] count = new long[n + 1];
        DataType out = types[indexOf(a)];
        boolean decimal = a.kind() == AggregateExpr.Kind.SUM && out.kind() == DataType.Kind.DECIMAL;
        boolean integral = a.kind() == AggregateExpr.Kind.SUM && out == DataType.INT64 || decimal;
        long[] lsum = integral ? new long[n + 1] : null;
        double[] dsum = integral ? null : new double[n + 1];
        for (int i = 0; i < n; i++) {
            Object v = values.get(i);
            count[i + 1] = count[i] + (v == null ? 0 : 1);
            if (integral) {
                try {
                    long x = v == null ? 0 : decimal ? ((java.math.BigDecimal) v).setScale(out.scale()).unscaledValue().longValueExact()
                            : ((Number) v).longValue();
                    lsum[i + 1] = Math.addExact(lsum[i], x);
                } catch (ArithmeticException e) {
                    throw new SpillwayException(a + " over a window overflows " + (decimal ? out : "int64") + "; cast its input"
                            + " to float64 first");
                }
            } else if (a.kind() != AggregateExpr.Kind.COUNT) {
                dsum[i + 1] = dsum[i] + (v == null ? 0.0 : ((Number) v).doubleValue());
            }
        }
        for (int i = 0; i < n; i++) {
            int l = lo[i];
            int h = hi[i];
            long c = h < l ? 0 : count[h + 1] - count[l];
            res[i] = switch (a.kind()) {
                case COUNT -> c;
                case SUM -> c == 0 ? null : decimal ? java.math.BigDecimal.valueOf(lsum[h + 1] - lsum[l], out.scale())
                        : integral ? (Object) (lsum[h + 1] - lsum[l]) : (Object) (dsum[h + 1] - dsum[l]);
                default -> c == 0 ? null : (Object) ((dsum[h + 1] - dsum[l]) / c);
            };
        }
    }

    private int indexOf(AggregateExpr a) {
        for (int f = 0; f < fns; f++) {
            if (node.functions().get(f).function().aggregate() == a) {
                return f;
            }
        }
        throw new IllegalStateException("aggregate not in node: " + a);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void minMax(boolean max, List<Object> values, int[] lo, int[] hi, Object[] res) {
        int[] dq = new int[n];
        int head = 0;
        int tail = 0;
        int next = 0;
        for (int i = 0; i < n; i++) {
            while (next <= hi[i]) {
                Object v = values.get(next);
                if (v != null) {
                    while (tail > head) {
                        int c = ((Comparable) values.get(dq[tail - 1])).compareTo(v);
                        if (max ? c <= 0 : c >= 0) {
                            tail--;
                        } else {
                            break;
                        }
                    }
                    dq[tail++] = next;
                }
                next++;
            }
            while (head < tail && dq[head] < lo[i]) {
                head++;
            }
            res[i] = head < tail && lo[i] <= hi[i] ? values.get(dq[head]) : null;
        }
    }
}
