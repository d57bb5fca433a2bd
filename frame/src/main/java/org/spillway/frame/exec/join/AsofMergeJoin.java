package org.spillway.frame.exec.join;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.spillway.frame.AsofOptions;
import org.spillway.frame.AsofStrategy;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.frame.plan.LogicalPlan;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.chunk.PinnedChunk;
import org.spillway.spill.vector.BoolVector;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.StringVector;
import org.spillway.spill.vector.VectorBuilder;

/**
 * Runs an {@link LogicalPlan.AsofJoin} as a merge of its two inputs, each already sorted by (keys ascending, time
 * ascending, nulls last), in one streaming pass on one thread: a cursor walks the right rows forward while the left
 * rows are read in order, so each side is read once.
 *
 * <p>For a left row of keys {@code k} and time {@code t} the cursor moves past every right row before {@code (k, t)}
 * and past the rows of keys {@code k} with a time at or before {@code t}. Of the rows passed within {@code k} only three
 * positions are kept: the last one passed, the first of its run of equal times and the last one before that run. They
 * give the backward match (the last at or before {@code t}, or strictly before); the cursor's row, or the first of the
 * run when its time is {@code t}, gives the forward match; nearest compares the two (the backward one at equal
 * distance). So the state of a key is O(1) rows whatever its size, and a key holding most rows needs no more memory
 * than any other. Ties: of right rows with equal keys and time (kept in input order by the stable sort), backward takes
 * the last, forward the first.
 *
 * <p>Memory: the left chunk being joined is pinned, and the right chunks holding the kept positions and the matches of
 * the left rows not yet written; when those pass a small number (an eighth of the budget's worth of chunks, 6 to 64),
 * the matches so far are copied into the output's builders and the chunks no longer needed are unpinned. Each left
 * chunk becomes one output chunk (its rows in sorted order), put in the chunk store (which spills).
 *
 * <p>Counters: {@code asof.leftRows}, {@code asof.matches} (left rows that got a right row), {@code asof.drains}
 * (copies made early to unpin right chunks).
 */
public final class AsofMergeJoin {
    private static final long NONE = -1;
    private static final byte LONG = 0;
    private static final byte DOUBLE = 1;
    private static final byte BOOL = 2;
    private static final byte BYTES = 3;

    private final LogicalPlan.AsofJoin node;
    private final ExecContext ctx;
    private final AsofStrategy strategy;
    private final boolean exact;
    private final boolean doubles;
    private final boolean hasTolerance;
    private final long tolLong;
    private final double tolDouble;
    private final int[] leftKeyCols;
    private final int[] rightKeyCols;
    private final byte[] keyKinds;
    private final int leftTimeCol;
    private final int rightTimeCol;
    private final int[] outLeft;
    private final int[] outRight;

    // the right side: its chunks, those pinned, and the cursor
    private List<ChunkHandle> rightChunks;
    private final Map<Integer, PinnedChunk> pins = new HashMap<>();
    private int maxPins;
    private int rIdx;
    private int rRow;
    private Chunk rc;
    private ColumnVector[] rKeys;
    private ColumnVector rTime;

    // the right rows kept for the current left keys: positions (chunk << 32 | row) and times (ordered longs)
    private long lastPassed = NONE;
    private long lastPassedTime;
    private long runFirst = NONE;
    private long lastBefore = NONE;
    private long lastBeforeTime;

    // the left chunk being joined: each row's match, and how many rows' matches are already in the builders
    private long[] match = new long[0];
    private int[] slot = new int[0];
    private int[] row = new int[0];
    private int drained;
    private int current;
    private final List<VectorBuilder> rightBuilders = new ArrayList<>();
    private long drains;

    /** An operator for {@code node}; its inputs' sorted frames have the node's input columns first. */
    public AsofMergeJoin(LogicalPlan.AsofJoin node, ExecContext ctx) {
        this.node = node;
        this.ctx = ctx;
        AsofOptions o = node.options();
        this.strategy = o.strategy();
        this.exact = o.allowExactMatches();
        Schema ls = node.left().schema();
        Schema rs = node.right().schema();
        this.leftKeyCols = node.leftKeys().stream().mapToInt(ls::indexOf).toArray();
        this.rightKeyCols = node.rightKeys().stream().mapToInt(rs::indexOf).toArray();
        this.keyKinds = new byte[leftKeyCols.length];
        for (int k = 0; k < keyKinds.length; k++) {
            keyKinds[k] = kind(ls.type(leftKeyCols[k]));
        }
        this.leftTimeCol = ls.indexOf(node.leftTime());
        this.rightTimeCol = rs.indexOf(node.rightTime());
        DataType lt = ls.type(leftTimeCol);
        DataType rt = rs.type(rightTimeCol);
        this.doubles = lt.kind() == DataType.Kind.FLOAT64 || rt.kind() == DataType.Kind.FLOAT64;
        this.hasTolerance = o.durationTolerance() != null || o.numericTolerance() != null;
        if (o.numericTolerance() != null) {
            double t = o.numericTolerance();
            this.tolDouble = t;
            this.tolLong = t >= 9.2e18 ? Long.MAX_VALUE : (long) Math.floor(t);
        } else if (o.durationTolerance() != null) {
            long micros = micros(o.durationTolerance());
            this.tolDouble = micros;
            this.tolLong = lt.kind() == DataType.Kind.DATE ? micros / 86_400_000_000L : micros;
        } else {
            this.tolDouble = Double.POSITIVE_INFINITY;
            this.tolLong = Long.MAX_VALUE;
        }
        List<LogicalPlan.JoinColumn> outs = node.outputs();
        this.outLeft = new int[outs.size()];
        this.outRight = new int[outs.size()];
        for (int c = 0; c < outs.size(); c++) {
            LogicalPlan.JoinColumn j = outs.get(c);
            boolean left = j.side() == LogicalPlan.JoinSide.LEFT;
            outLeft[c] = left ? ls.indexOf(j.left()) : -1;
            outRight[c] = left ? -1 : rs.indexOf(j.right());
        }
    }

    private static long micros(Duration d) {
        try {
            return Math.addExact(Math.multiplyExact(d.getSeconds(), 1_000_000L), d.getNano() / 1000);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static byte kind(DataType t) {
        return switch (t.kind()) {
            case FLOAT64 -> DOUBLE;
            case BOOL -> BOOL;
            case STRING, BINARY, DECIMAL128 -> BYTES;
            default -> LONG;
        };
    }

    /** Joins {@code left} and {@code right} (sorted, not closed here) into a new stored frame named {@code name}. */
    public StoredFrame run(StoredFrame left, StoredFrame right, String name) {
        rightChunks = right.chunks().stream().filter(h -> h.rows() > 0).toList();
        long largest = 1;
        for (ChunkHandle h : rightChunks) {
            largest = Math.max(largest, h.byteSize());
        }
        maxPins = (int) Math.max(6, Math.min(64, ctx.budget().limit() / 8 / largest));
        Schema out = node.schema();
        for (int c = 0; c < outRight.length; c++) {
            if (outRight[c] >= 0) {
                rightBuilders.add(VectorBuilder.forType(out.type(c), ctx.chunkRows()));
            }
        }
        List<ChunkHandle> results = new ArrayList<>();
        long leftRows = 0;
        long matches = 0;
        Object[] prevKey = null;
        try {
            rIdx = 0;
            rRow = 0;
            cursorChunk();
            for (ChunkHandle lh : left.chunks()) {
                if (lh.rows() == 0) {
                    continue;
                }
                try (PinnedChunk lp = lh.pin()) {
                    Chunk lc = lp.chunk();
                    int n = lc.rows();
                    if (match.length < n) {
                        match = new long[n];
                        slot = new int[n];
                        row = new int[n];
                    }
                    drained = 0;
                    ColumnVector[] lk = new ColumnVector[leftKeyCols.length];
                    for (int k = 0; k < lk.length; k++) {
                        lk[k] = lc.column(leftKeyCols[k]);
                    }
                    ColumnVector lt = lc.column(leftTimeCol);
                    for (int i = 0; i < n; i++) {
                        current = i;
                        boolean same = i == 0 ? prevKey != null && Arrays.deepEquals(prevKey, keyObjects(lk, 0)) : sameLeftKeys(lk, i);
                        if (!same) {
                            lastPassed = NONE;
                            runFirst = NONE;
                            lastBefore = NONE;
                        }
                        match[i] = matchRow(lk, lt, i);
                        if (match[i] != NONE) {
                            matches++;
                        }
                    }
                    prevKey = keyObjects(lk, n - 1);
                    leftRows += n;
                    current = n;
                    drain(n);
                    results.add(ctx.store().put(output(lc, n)));
                    release();
                }
            }
            ctx.counters().add("asof.leftRows", leftRows);
            ctx.counters().add("asof.matches", matches);
            ctx.counters().add("asof.drains", drains);
            return new StoredFrame(name, out, List.copyOf(results));
        } catch (RuntimeException | Error e) {
            results.forEach(ChunkHandle::close);
            throw e;
        } finally {
            pins.values().forEach(PinnedChunk::close);
            pins.clear();
        }
    }

    /** The match of left row {@code i} (a right position, or {@link #NONE}), moving the cursor forward. */
    private long matchRow(ColumnVector[] lk, ColumnVector lt, int i) {
        for (ColumnVector v : lk) {
            if (v.isNull(i)) {
                return NONE;
            }
        }
        if (lt.isNull(i)) {
            return NONE;
        }
        long t = time(lt, i);
        while (rc != null) {
            int c = compareRightToLeft(lk, i);
            if (c < 0) {
                advance();
                continue;
            }
            if (c > 0 || rTime.isNull(rRow)) {
                break; // later keys, or this key's null times (which sort last and never match)
            }
            long rt = time(rTime, rRow);
            if (rt > t) {
                break;
            }
            long pos = (long) rIdx << 32 | rRow;
            if (lastPassed == NONE || rt != lastPassedTime) {
                lastBefore = lastPassed;
                lastBeforeTime = lastPassedTime;
                runFirst = pos;
            }
            lastPassed = pos;
            lastPassedTime = rt;
            advance();
        }
        long back = NONE;
        long backTime = 0;
        if (strategy != AsofStrategy.FORWARD && lastPassed != NONE) {
            if (exact || lastPassedTime < t) {
                back = lastPassed;
                backTime = lastPassedTime;
            } else {
                back = lastBefore;
                backTime = lastBeforeTime;
            }
        }
        long fwd = NONE;
        long fwdTime = 0;
        if (strategy != AsofStrategy.BACKWARD) {
            if (exact && lastPassed != NONE && lastPassedTime == t) {
                fwd = runFirst;
                fwdTime = t;
            } else if (rc != null && !rTime.isNull(rRow) && compareRightToLeft(lk, i) == 0) {
                fwd = (long) rIdx << 32 | rRow;
                fwdTime = time(rTime, rRow);
            }
        }
        long pick;
        long pickTime;
        if (back != NONE && (fwd == NONE || !closer(t, fwdTime, backTime))) {
            pick = back;
            pickTime = backTime;
        } else {
            pick = fwd;
            pickTime = fwdTime;
        }
        if (pick != NONE && hasTolerance && !within(t, pickTime)) {
            return NONE;
        }
        return pick;
    }

    /** True if {@code fwd} (after {@code t}) is strictly closer to {@code t} than {@code back} (before it). */
    private boolean closer(long t, long fwd, long back) {
        if (doubles) {
            double x = decode(t);
            return decode(fwd) - x < x - decode(back);
        }
        return distance(fwd, t) < distance(t, back);
    }

    private boolean within(long t, long c) {
        if (doubles) {
            return Math.abs(decode(t) - decode(c)) <= tolDouble;
        }
        return t >= c ? distance(t, c) <= tolLong : distance(c, t) <= tolLong;
    }

    /** {@code a - b} for {@code a >= b}, saturating at {@code Long.MAX_VALUE}. */
    private static long distance(long a, long b) {
        long d = a - b;
        return d < 0 ? Long.MAX_VALUE : d;
    }

    /** A time as a long ordered as the times: integers as they are, doubles by their ordered bits. */
    private long time(ColumnVector v, int i) {
        if (!doubles) {
            return v instanceof IntVector iv ? iv.get(i) : ((LongVector) v).get(i);
        }
        double d = switch (v) {
            case DoubleVector dv -> dv.get(i);
            case IntVector iv -> iv.get(i);
            default -> ((LongVector) v).get(i);
        };
        long b = Double.doubleToLongBits(d + 0.0);
        return b ^ ((b >> 63) & Long.MAX_VALUE);
    }

    private static double decode(long x) {
        return Double.longBitsToDouble(x ^ ((x >> 63) & Long.MAX_VALUE));
    }

    /** Compares the cursor's right keys with left row {@code i}'s (not null): nulls last, as the sort orders them. */
    private int compareRightToLeft(ColumnVector[] lk, int i) {
        for (int k = 0; k < lk.length; k++) {
            if (rKeys[k].isNull(rRow)) {
                return 1;
            }
            int c = compare(rKeys[k], rRow, lk[k], i, keyKinds[k]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private boolean sameLeftKeys(ColumnVector[] lk, int i) {
        for (int k = 0; k < lk.length; k++) {
            boolean a = lk[k].isNull(i - 1);
            boolean b = lk[k].isNull(i);
            if (a != b || !a && compare(lk[k], i - 1, lk[k], i, keyKinds[k]) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Left row {@code i}'s keys as objects (-0.0 as 0.0), to compare across a chunk boundary. */
    private static Object[] keyObjects(ColumnVector[] lk, int i) {
        Object[] o = new Object[lk.length];
        for (int k = 0; k < lk.length; k++) {
            Object v = lk[k].getObject(i);
            o[k] = v instanceof Double d ? (Object) (d + 0.0) : v;
        }
        return o;
    }

    private static int compare(ColumnVector a, int i, ColumnVector b, int j, byte kind) {
        return switch (kind) {
            case LONG -> Long.compare(longOf(a, i), longOf(b, j));
            case DOUBLE -> Double.compare(((DoubleVector) a).get(i) + 0.0, ((DoubleVector) b).get(j) + 0.0);
            case BOOL -> Boolean.compare(((BoolVector) a).get(i), ((BoolVector) b).get(j));
            default -> StringVector.compare((StringVector) a, i, (StringVector) b, j);
        };
    }

    private static long longOf(ColumnVector v, int i) {
        return v instanceof IntVector iv ? iv.get(i) : ((LongVector) v).get(i);
    }

    /** Moves the cursor to the next right row. */
    private void advance() {
        if (++rRow >= rc.rows()) {
            rIdx++;
            rRow = 0;
            cursorChunk();
        }
    }

    /** Pins the cursor's chunk ({@code rc} null past the end); copies matches out first when too many chunks are pinned. */
    private void cursorChunk() {
        if (rIdx >= rightChunks.size()) {
            rc = null;
            return;
        }
        if (pins.size() >= maxPins) {
            drain(current);
            release();
            drains++;
        }
        rc = pin(rIdx);
        rKeys = new ColumnVector[rightKeyCols.length];
        for (int k = 0; k < rKeys.length; k++) {
            rKeys[k] = rc.column(rightKeyCols[k]);
        }
        rTime = rc.column(rightTimeCol);
    }

    private Chunk pin(int chunk) {
        PinnedChunk p = pins.get(chunk);
        if (p == null) {
            p = rightChunks.get(chunk).pin();
            pins.put(chunk, p);
        }
        return p.chunk();
    }

    /** Unpins the right chunks that neither the kept positions nor the cursor refer to (matches must be drained). */
    private void release() {
        Iterator<Map.Entry<Integer, PinnedChunk>> it = pins.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Integer, PinnedChunk> e = it.next();
            int c = e.getKey();
            if (c != rIdx && !refers(lastPassed, c) && !refers(runFirst, c) && !refers(lastBefore, c)) {
                e.getValue().close();
                it.remove();
            }
        }
    }

    private static boolean refers(long pos, int chunk) {
        return pos != NONE && (int) (pos >>> 32) == chunk;
    }

    /** Copies the right values of the matches of left rows {@code [drained, to)} into the right builders. */
    private void drain(int to) {
        int from = drained;
        if (from >= to) {
            return;
        }
        Map<Integer, Integer> slots = new HashMap<>();
        List<Chunk> sources = new ArrayList<>();
        for (int i = from; i < to; i++) {
            long m = match[i];
            if (m == NONE) {
                slot[i] = -1;
                continue;
            }
            int chunk = (int) (m >>> 32);
            Integer s = slots.get(chunk);
            if (s == null) {
                s = sources.size();
                slots.put(chunk, s);
                sources.add(pins.get(chunk).chunk());
            }
            slot[i] = s;
            row[i] = (int) m;
        }
        int b = 0;
        for (int c = 0; c < outRight.length; c++) {
            if (outRight[c] < 0) {
                continue;
            }
            VectorBuilder builder = rightBuilders.get(b++);
            ColumnVector[] src = new ColumnVector[sources.size()];
            for (int s = 0; s < src.length; s++) {
                src[s] = sources.get(s).column(outRight[c]);
            }
            int i = from;
            while (i < to) {
                int j = i;
                if (slot[i] < 0) {
                    while (j < to && slot[j] < 0) {
                        builder.appendNull();
                        j++;
                    }
                } else {
                    while (j < to && slot[j] >= 0) {
                        j++;
                    }
                    builder.gather(src, slot, row, i, j);
                }
                i = j;
            }
        }
        drained = to;
    }

    /** The output chunk of left chunk {@code lc}: its columns, then the drained right values; resets the right builders. */
    private Chunk output(Chunk lc, int n) {
        List<VectorBuilder> builders = new ArrayList<>();
        int b = 0;
        for (int c = 0; c < outLeft.length; c++) {
            if (outLeft[c] >= 0) {
                VectorBuilder v = VectorBuilder.forType(lc.column(outLeft[c]).type(), n);
                v.appendRange(lc.column(outLeft[c]), 0, n);
                builders.add(v);
            } else {
                builders.add(rightBuilders.get(b++));
            }
        }
        try {
            return Chunk.build(node.schema(), builders, ctx.budget(), "asof join");
        } finally {
            rightBuilders.forEach(VectorBuilder::reset);
        }
    }
}
