package org.spillway.frame.exec.join;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.spillway.frame.exec.pipeline.ChunkOps;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.vector.BoolVectorBuilder;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.DoubleVectorBuilder;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.IntVectorBuilder;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.LongVectorBuilder;
import org.spillway.spill.vector.StringVector;
import org.spillway.spill.vector.StringVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * Gathers (probe row, build row) pairs into output chunks in the store, one instance per worker.
 *
 * <p>A pair is two row numbers, {@code -1} for a missing side: that is how outer joins
 * null-extend (an unmatched probe row is {@code (p, -1)}, an unmatched build row {@code (-1, g)}),
 * and how semi and anti joins emit probe rows alone. Pairs are
 * buffered up to a chunk of rows and then gathered column by column; build values come from the
 * table's row records when it has them, otherwise from its pinned chunks. Each output chunk is
 * tagged with the probe morsel, chunk and a sub-number, so that {@link #inOrder} can list a
 * terminal's chunks in probe order whichever worker made them.
 */
final class JoinOutput {
    private static final int GATHER_BLOCK = 256;

    private final ExecContext ctx;
    private final JoinHashTable table;
    private final Schema out;
    private final int[] outProbe;
    private final int[] outBuild;
    private final int[] payloadSlot;
    private final int chunkRows;
    final int[] pRows;
    final int[] bRows;
    private final int[] bRow;
    private final int[] bChunk;
    private boolean located;
    private final byte[] scratch = new byte[8];
    private List<VectorBuilder> builders;
    int count;
    private final List<long[]> order = new ArrayList<>(); // seq, index, sub
    private final List<ChunkHandle> handles = new ArrayList<>();
    private int sub;
    private int lastSeq = -1;
    private int lastIndex = -1;

    /** An output for pairs of probe rows and rows of {@code table} (null: no build side, as for unmatched probe rows). */
    JoinOutput(ExecContext ctx, JoinLayout layout, JoinHashTable table) {
        this(ctx, table, layout.out, layout.outProbe, layout.outBuild, layout.payloadSlot);
    }

    /**
     * A gatherer of the columns a join's condition reads ({@link JoinLayout#condSchema}) for pairs of
     * rows, used through {@link #full()} and {@link #take}, never {@link #flush}.
     */
    static JoinOutput forCondition(ExecContext ctx, JoinLayout layout, JoinHashTable table) {
        return new JoinOutput(ctx, table, layout.condSchema, layout.condProbe, layout.condBuild, layout.payloadSlot);
    }

    private JoinOutput(ExecContext ctx, JoinHashTable table, Schema out, int[] outProbe, int[] outBuild, int[] payloadSlot) {
        this.ctx = ctx;
        this.table = table;
        this.out = out;
        this.outProbe = outProbe;
        this.outBuild = outBuild;
        this.payloadSlot = payloadSlot;
        this.chunkRows = ctx.chunkRows();
        this.pRows = new int[chunkRows];
        this.bRows = new int[chunkRows];
        this.bRow = new int[chunkRows];
        this.bChunk = new int[chunkRows];
    }

    /** Adds a pair ({@code -1} for a missing side); flushes a full chunk, which needs the probe chunk. */
    void add(int p, int g, Chunk probeChunk, int seq, int index) {
        pRows[count] = p;
        bRows[count] = g;
        if (++count == chunkRows) {
            flush(probeChunk, seq, index);
        }
    }

    void flush(Chunk probeChunk, int seq, int index) {
        if (count == 0) {
            return;
        }
        if (seq != lastSeq || index != lastIndex) {
            sub = 0;
            lastSeq = seq;
            lastIndex = index;
        }
        Chunk c = take(probeChunk);
        handles.add(ctx.store().put(c));
        order.add(new long[] {seq, index, sub++});
    }

    /** Adds a pair without flushing; the caller takes the pairs when {@link #full()}. */
    void addPair(int p, int g) {
        pRows[count] = p;
        bRows[count] = g;
        count++;
    }

    /** True when a chunk's worth of pairs is waiting. */
    boolean full() {
        return count == chunkRows;
    }

    /** The waiting pairs as a new chunk (reserved from the budget; the caller closes it), and none wait afterwards. */
    Chunk take(Chunk probeChunk) {
        Chunk c;
        located = false;
        if (out.size() == 0) {
            c = Chunk.empty(out, count);
        } else {
            if (builders == null) {
                builders = ChunkOps.builders(out, chunkRows);
            }
            for (int j = 0; j < out.size(); j++) {
                VectorBuilder b = builders.get(j);
                b.reset();
                if (b instanceof StringVectorBuilder sb && copiesPlainStrings(j, probeChunk)) {
                    sb.usePlain(); // the source found its values too distinct for a dictionary
                }
            }
            // In blocks of rows, every column per block: a block's build records stay in cache.
            for (int from = 0; from < count; from += GATHER_BLOCK) {
                int to = Math.min(count, from + GATHER_BLOCK);
                for (int j = 0; j < out.size(); j++) {
                    gather(builders.get(j), j, probeChunk, from, to);
                }
            }
            c = Chunk.build(out, builders, ctx.budget(), "join output");
        }
        count = 0;
        return c;
    }

    private void gather(VectorBuilder b, int j, Chunk probeChunk, int from, int to) {
        int pc = outProbe[j];
        int bc = outBuild[j];
        ColumnVector pv = pc >= 0 && probeChunk != null ? probeChunk.column(pc) : null;
        if (bc < 0 || table == null) {
            gatherProbe(b, pv, from, to);
            return;
        }
        if (table.W > 0) {
            gatherRecords(b, pv, payloadSlot[bc], from, to);
            return;
        }
        int[] bRow = this.bRow;
        int[] bChunk = this.bChunk;
        if (!located) {
            for (int i = 0; i < count; i++) {
                int g = bRows[i];
                if (g >= 0) {
                    int c = table.chunkOf[g];
                    bChunk[i] = c;
                    bRow[i] = g - table.chunkStart[c];
                }
            }
            located = true;
        }
        ColumnVector[] vs = table.column(bc);
        DataType t = b.type();
        boolean same = vs.length == 0 || vs[0].type() == t;
        for (int i = from; i < to; i++) {
            int pr = pRows[i];
            if (pr >= 0 && pv != null) {
                append(b, pv, pr);
            } else if (bRows[i] < 0) {
                b.appendNull();
            } else {
                ColumnVector v = vs[bChunk[i]];
                int r = bRow[i];
                if (v.isNull(r)) {
                    b.appendNull();
                } else if (!same) {
                    ((LongVectorBuilder) b).append(((IntVector) v).get(r)); // int32 key widened to int64
                } else {
                    b.appendFrom(v, r);
                }
            }
        }
    }

    /** An output column from the build rows' records (probe values where a pair has one and {@code pv} is given). */
    private void gatherRecords(VectorBuilder b, ColumnVector pv, int p, int from, int to) {
        long[] rec = table.rows;
        int w = table.W;
        long bit = 1L << p;
        int slot = 1 + p;
        DataType t = b.type();
        byte[] scratch = this.scratch;
        for (int i = from; i < to; i++) {
            int pr = pRows[i];
            int g = bRows[i];
            if (pr >= 0 && pv != null) {
                append(b, pv, pr);
                continue;
            }
            if (g < 0 || (rec[g * w] & bit) != 0) {
                b.appendNull();
                continue;
            }
            long x = rec[g * w + slot];
            switch (t.kind()) {
                case INT32, DATE -> ((IntVectorBuilder) b).append((int) x);
                case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> ((LongVectorBuilder) b).append(x);
                case FLOAT64 -> ((DoubleVectorBuilder) b).append(Double.longBitsToDouble(x));
                case BOOL -> ((BoolVectorBuilder) b).append(x != 0);
                case STRING, BINARY, DECIMAL128 -> {
                    int len = (int) (x >>> 56);
                    if (len <= 7) {
                        for (int k = 0; k < len; k++) {
                            scratch[k] = (byte) (x >>> (8 * k));
                        }
                        ((StringVectorBuilder) b).append(scratch, 0, len);
                    } else {
                        int off = (int) (x >>> 24);
                        ((StringVectorBuilder) b).append(table.heaps[table.chunkOf[g]], off, (int) (x & 0xFFFFFF));
                    }
                }
            }
        }
    }

    /** True if output column {@code j} copies plain (not dictionary) strings. */
    private boolean copiesPlainStrings(int j, Chunk probeChunk) {
        ColumnVector v = outProbe[j] >= 0 && probeChunk != null ? probeChunk.column(outProbe[j])
                : outBuild[j] >= 0 && table != null && table.chunks.length > 0 ? table.column(outBuild[j])[0] : null;
        return v instanceof StringVector sv && !sv.isDictionary();
    }

    /** Values of one probe column (null where a row has no probe side). */
    private void gatherProbe(VectorBuilder b, ColumnVector pv, int from, int to) {
        if (pv == null) {
            for (int i = from; i < to; i++) {
                b.appendNull();
            }
            return;
        }
        if (pv.type() != b.type()) {
            for (int i = from; i < to; i++) {
                int pr = pRows[i];
                if (pr >= 0) {
                    append(b, pv, pr);
                } else {
                    b.appendNull();
                }
            }
            return;
        }
        boolean nulls = pv.hasNulls();
        switch (pv) {
            case IntVector iv -> {
                IntVectorBuilder ib = (IntVectorBuilder) b;
                for (int i = from; i < to; i++) {
                    int pr = pRows[i];
                    if (pr < 0 || (nulls && iv.isNull(pr))) {
                        ib.appendNull();
                    } else {
                        ib.append(iv.get(pr));
                    }
                }
            }
            case LongVector lv -> {
                LongVectorBuilder lb = (LongVectorBuilder) b;
                for (int i = from; i < to; i++) {
                    int pr = pRows[i];
                    if (pr < 0 || (nulls && lv.isNull(pr))) {
                        lb.appendNull();
                    } else {
                        lb.append(lv.get(pr));
                    }
                }
            }
            case DoubleVector dv -> {
                DoubleVectorBuilder db = (DoubleVectorBuilder) b;
                for (int i = from; i < to; i++) {
                    int pr = pRows[i];
                    if (pr < 0 || (nulls && dv.isNull(pr))) {
                        db.appendNull();
                    } else {
                        db.append(dv.get(pr));
                    }
                }
            }
            default -> {
                for (int i = from; i < to; i++) {
                    int pr = pRows[i];
                    if (pr >= 0) {
                        b.appendFrom(pv, pr);
                    } else {
                        b.appendNull();
                    }
                }
            }
        }
    }

    List<ChunkHandle> handles() {
        return handles;
    }

    void close(Throwable cause) {
        HashJoin.closeAll(handles, cause);
    }

    /**
     * Output chunks of the build rows of {@code table} that matched nothing (a full join's), with
     * nulls for the probe columns; called once probing is over, when the match flags are final.
     */
    static List<ChunkHandle> unmatchedBuildRows(ExecContext ctx, JoinLayout layout, JoinHashTable table) {
        JoinOutput o = new JoinOutput(ctx, layout, table);
        int n = table.n;
        byte[] matched = table.matched;
        try {
            for (int g = 0; g < n; g++) {
                if (matched[g] == 0) {
                    o.add(-1, g, null, 0, 0);
                }
            }
            o.flush(null, 0, 0);
        } catch (RuntimeException | Error e) {
            o.close(e);
            throw e;
        }
        return o.handles();
    }

    private static void append(VectorBuilder b, ColumnVector v, int row) {
        if (b.type() == v.type()) {
            b.appendFrom(v, row);
        } else if (v.isNull(row)) {
            b.appendNull();
        } else {
            ((LongVectorBuilder) b).append(((IntVector) v).get(row)); // int32 key widened to int64
        }
    }

    /** The outputs' chunks in probe order: by morsel, chunk within it, then output chunk. */
    static List<ChunkHandle> inOrder(List<JoinOutput> outputs) {
        List<long[]> keys = new ArrayList<>();
        List<ChunkHandle> hs = new ArrayList<>();
        for (JoinOutput o : outputs) {
            keys.addAll(o.order);
            hs.addAll(o.handles);
        }
        Integer[] idx = new Integer[hs.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, Comparator.<Integer>comparingLong(i -> keys.get(i)[0]).thenComparingLong(i -> keys.get(i)[1])
                .thenComparingLong(i -> keys.get(i)[2]));
        List<ChunkHandle> r = new ArrayList<>(idx.length);
        for (Integer i : idx) {
            r.add(hs.get(i));
        }
        return r;
    }
}
