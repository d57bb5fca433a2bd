package org.spillway.frame.exec.join;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.spillway.frame.SpillwayException;
import org.spillway.frame.exec.pipeline.ChunkOps;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.parallel.Morsel;
import org.spillway.parallel.Sink;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.chunk.PinnedChunk;
import org.spillway.spill.memory.Reservation;
import org.spillway.spill.vector.BoolVector;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.StringVector;

/**
 * The build side in memory: pinned chunks, and one chained hash table over all their rows.
 *
 * <p>Per build row: its key hash, a chain link ({@code next}, 1-based so that 0 ends a chain), its
 * chunk, the long codes of its non-string keys, and a row record of the payload columns the output
 * reads (so that gathering a match reads one record instead of one vector per column). Rows
 * with a null key are left out of the chains: they can never match. Bucket heads are pushed with
 * an atomic swap, so the parallel build never locks; the table is read-only once built, which is
 * what lets every probe worker read it without synchronisation (only {@link #matched} is written,
 * and only ever set to 1).
 *
 * <p>All arrays are reserved from the memory budget up front ({@link #reservedBytes}), each chunk's
 * string heap when it is made; {@link #close} unpins the chunks and frees the reservation.
 */
final class JoinHashTable implements AutoCloseable {
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);

    final PinnedChunk[] pins;
    final Chunk[] chunks;
    final int[] chunkStart;
    final int n;
    final long[] hash;
    final int[] next;
    final int[] chunkOf;
    final long[][] codes;
    final int[] heads;
    final int shift;
    final byte[] matched;
    /** Row records: per build row, a null mask then one slot per payload column ({@link #W} longs). */
    final long[] rows;
    /** Per build chunk, the bytes of its payload strings longer than 7 bytes. */
    final byte[][] heaps;
    final int W;
    private final ColumnVector[][] columns; // [column][chunk]
    private final Reservation reservation;
    private final ExecContext ctx;
    private final int[] buildKeys;
    private final int[] probeKeys;
    private final boolean[] stringKey;
    private final int[] payloadCols;

    /**
     * Pins {@code handles} (viewing columns {@code projection} of each, null for all) and builds the
     * table over them in parallel, one task per chunk; on failure, unpins and frees what it took.
     */
    JoinHashTable(ExecContext ctx, JoinLayout layout, List<ChunkHandle> handles, int[] projection, Reservation reservation) {
        this.reservation = reservation; // of reservedBytes(rows, layout), made by the caller; closed with the table
        this.ctx = ctx;
        this.buildKeys = layout.buildKeys;
        this.probeKeys = layout.probeKeys;
        this.stringKey = layout.stringKey;
        this.payloadCols = layout.payloadCols;
        int m = handles.size();
        pins = new PinnedChunk[m];
        chunks = new Chunk[m];
        chunkStart = new int[m + 1];
        long total = 0;
        for (int c = 0; c < m; c++) {
            chunkStart[c] = (int) total;
            total += handles.get(c).rows();
            if (total > Integer.MAX_VALUE - 16) {
                throw new SpillwayException("A join build side of " + total + " rows does not fit one table; "
                        + "lower the memory limit so that it is partitioned");
            }
        }
        chunkStart[m] = (int) total;
        n = (int) total;
        int cap = Integer.highestOneBit(Math.max(n, 1) * 2 - 1);
        cap = Math.max(cap, 16);
        shift = 64 - Integer.numberOfTrailingZeros(cap);
        try {
            hash = new long[n];
            next = new int[n];
            chunkOf = new int[n];
            codes = new long[buildKeys.length][];
            for (int k = 0; k < buildKeys.length; k++) {
                codes[k] = stringKey[k] ? null : new long[n];
            }
            heads = new int[cap];
            matched = layout.buildOuter ? new byte[n] : null;
            W = payloadCols.length <= 63 ? 1 + payloadCols.length : 0; // 0: gather from the chunks
            rows = new long[n * W];
            heaps = new byte[m][];
            build(handles, projection);
            columns = new ColumnVector[layout.buildSchema.size()][m];
            for (int c = 0; c < m; c++) {
                for (int j = 0; j < layout.buildSchema.size(); j++) {
                    columns[j][c] = chunks[c].column(j);
                }
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private void build(List<ChunkHandle> handles, int[] projection) {
        List<Integer> items = new ArrayList<>();
        for (int c = 0; c < handles.size(); c++) {
            items.add(c);
        }
        ctx.scheduler().run(items, c -> handles.get(c).rows(), new Sink<Integer, JoinKeys, Void>() {
            @Override
            public JoinKeys newLocal() {
                return new JoinKeys(buildKeys, stringKey);
            }

            @Override
            public void accept(JoinKeys jk, Morsel<Integer> m) {
                int c = m.item();
                PinnedChunk p = handles.get(c).pin();
                pins[c] = p;
                Chunk chunk = projection == null ? p.chunk() : ChunkOps.view(p.chunk(), projection);
                chunks[c] = chunk;
                jk.compute(chunk);
                int start = chunkStart[c];
                int rows = chunk.rows();
                System.arraycopy(jk.hash, 0, hash, start, rows);
                Arrays.fill(chunkOf, start, start + rows, c);
                for (int k = 0; k < codes.length; k++) {
                    if (codes[k] != null) {
                        System.arraycopy(jk.codes[k], 0, codes[k], start, rows);
                    }
                }
                if (W > 0) {
                    writeRecords(c, chunk, start, rows);
                }
                boolean[] nul = jk.nullRow;
                for (int i = rows - 1; i >= 0; i--) {
                    if (nul[i]) {
                        continue; // a null key matches nothing: not in the table
                    }
                    int g = start + i;
                    int b = (int) (hash[g] >>> shift);
                    next[g] = (int) INTS.getAndSet(heads, b, g + 1);
                }
            }

            @Override
            public Void finish(List<JoinKeys> locals) {
                return null;
            }
        }, ctx.progress().apply("join (build)", "rows"));
    }

    /**
     * Copies the payload columns of chunk {@code c} into its rows' records: numbers as their bits,
     * strings of up to 7 bytes inline (length in the top byte), longer ones into the chunk's
     * byte heap (marker 0xFF, offset and length).
     */
    private void writeRecords(int c, Chunk chunk, int start, int count) {
        long heapBytes = 0;
        for (int col : payloadCols) {
            if (chunk.column(col) instanceof StringVector sv) {
                for (int i = 0; i < count; i++) {
                    int len = sv.isNull(i) ? 0 : sv.length(i);
                    if (len > 7) {
                        heapBytes += len;
                    }
                }
            }
        }
        if (heapBytes > Integer.MAX_VALUE - 16) {
            throw new SpillwayException("A join build chunk holds more than 2 GB of strings");
        }
        byte[] heap = heapBytes == 0 ? null : new byte[(int) heapBytes];
        if (heap != null) {
            reservation.grow(heapBytes);
        }
        heaps[c] = heap;
        int heapUsed = 0;
        long[] rec = this.rows;
        for (int p = 0; p < payloadCols.length; p++) {
            ColumnVector v = chunk.column(payloadCols[p]);
            long bit = 1L << p;
            int slot = 1 + p;
            boolean nulls = v.hasNulls();
            switch (v) {
                case IntVector iv -> {
                    for (int i = 0; i < count; i++) {
                        rec[(start + i) * W + slot] = iv.get(i);
                    }
                }
                case LongVector lv -> {
                    for (int i = 0; i < count; i++) {
                        rec[(start + i) * W + slot] = lv.get(i);
                    }
                }
                case DoubleVector dv -> {
                    for (int i = 0; i < count; i++) {
                        rec[(start + i) * W + slot] = Double.doubleToRawLongBits(dv.get(i));
                    }
                }
                case BoolVector bv -> {
                    for (int i = 0; i < count; i++) {
                        rec[(start + i) * W + slot] = bv.get(i) ? 1 : 0;
                    }
                }
                case StringVector sv -> {
                    MemorySegment bytes = sv.bytes();
                    for (int i = 0; i < count; i++) {
                        if (nulls && sv.isNull(i)) {
                            continue;
                        }
                        int off = sv.start(i);
                        int len = sv.length(i);
                        if (len >= 1 << 24) {
                            throw new SpillwayException("A string of " + len + " bytes is too long for a join's build side (16 MB at most)");
                        }
                        long word;
                        if (len <= 7) {
                            word = (long) len << 56;
                            for (int k = 0; k < len; k++) {
                                word |= (bytes.get(ValueLayout.JAVA_BYTE, off + k) & 0xFFL) << (8 * k);
                            }
                        } else {
                            MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, off, heap, heapUsed, len);
                            word = 0xFFL << 56 | (long) heapUsed << 24 | len;
                            heapUsed += len;
                        }
                        rec[(start + i) * W + slot] = word;
                    }
                }
            }
            if (nulls) {
                for (int i = 0; i < count; i++) {
                    if (v.isNull(i)) {
                        rec[(start + i) * W] |= bit;
                    }
                }
            }
        }
    }

    /** Column {@code col} of every build chunk, by chunk index. */
    ColumnVector[] column(int col) {
        return columns[col];
    }

    /** True if probe row {@code i} (keys in {@code jk}, chunk {@code pc}) equals build row {@code g}. */
    boolean keysEqual(JoinKeys jk, Chunk pc, int i, int g) {
        for (int k = 0; k < codes.length; k++) {
            long[] bc = codes[k];
            if (bc != null) {
                if (bc[g] != jk.codes[k][i]) {
                    return false;
                }
            } else {
                int c = chunkOf[g];
                StringVector bv = (StringVector) chunks[c].column(buildKeys[k]);
                StringVector pv = (StringVector) pc.column(probeKeys[k]);
                if (!JoinKeys.sameBytes(pv, i, bv, g - chunkStart[c])) {
                    return false;
                }
            }
        }
        return true;
    }


    @Override
    public void close() {
        for (PinnedChunk p : pins) {
            if (p != null) {
                p.close();
            }
        }
        reservation.close();
    }

    /** Bytes a table over {@code rows} build rows reserves (arrays and, for a full join, match flags). */
    static long reservedBytes(long rows, JoinLayout layout) {
        return tableBytes(rows, layout.numericKeys(), layout.payloadCols.length) + (layout.buildOuter ? rows : 0);
    }

    private static long tableBytes(long rows, int numericKeys, int payloadColumns) {
        long cap = Long.highestOneBit(Math.max(rows, 1) * 2 - 1);
        return rows * (8 + 4 + 4 + 8L * numericKeys + 8L * (1 + payloadColumns)) + 4 * cap + 64;
    }
}
