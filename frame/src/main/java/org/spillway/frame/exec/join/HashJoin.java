package org.spillway.frame.exec.join;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.spillway.frame.JoinType;
import org.spillway.frame.SpillwayException;
import org.spillway.frame.exec.pipeline.ChunkOps;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.frame.exec.pipeline.PlanRunner;
import org.spillway.frame.exec.pipeline.Terminal;
import org.spillway.frame.plan.LogicalPlan;
import org.spillway.frame.plan.LogicalPlan.ChunkScan;
import org.spillway.frame.plan.LogicalPlan.Join;
import org.spillway.frame.plan.LogicalPlan.JoinColumn;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.parallel.Morsel;
import org.spillway.parallel.Sink;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.chunk.PinnedChunk;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.memory.Reservation;
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
 * Hash join of every {@link JoinType}, in memory when the build side fits its share of the budget,
 * otherwise as a grace hash join.
 *
 * <p><b>Sides.</b> An inner or full join builds on the side with the smaller estimated size; a left,
 * semi or anti join builds on the right and probes with the left; a right join builds on the left.
 * Unmatched probe rows (left, right, full, anti) are emitted while probing; unmatched build rows
 * (full) are found by match flags after probing.
 *
 * <p><b>In memory.</b> The build side's chunks (collected into the chunk store first unless they
 * already are) are pinned, and one shared table is built over them in parallel, a chunk per task:
 * per row its key hash, a chain link and, for non-string keys, the key values; bucket heads are
 * pushed with an atomic swap, so tasks never lock. The table's arrays are reserved from the memory
 * budget. The probe side streams through its pipeline, morsel-parallel; each worker gathers its
 * matches into output chunks that go to the chunk store (and may spill).
 *
 * <p><b>Out of core.</b> When the build side plus its table exceeds half the budget, both sides
 * are radix-partitioned by key hash into chunk-store chunks (spilled, LZ4, under pressure); pairs of
 * partitions are then joined one at a time. A build partition still too large is partitioned again
 * on further hash bits. One whose rows share so few keys that partitioning cannot split it (skew)
 * is joined in pieces that fit, each piece probed by the whole probe partition, with a bit per probe
 * row remembering matches across pieces (for outer, semi and anti joins).
 *
 * <p>Output order is unspecified (within a probe chunk it follows the probe rows).
 */
public final class HashJoin {
    /** The share of the memory limit a build table (chunks and arrays) may take. */
    private static final double FIT_FRACTION = 0.5;
    private static final int MAX_LEVEL = 5;
    private static final int BITS_PER_LEVEL = 6;
    private static final int GATHER_BLOCK = 256;
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final ExecContext ctx;
    private final PlanRunner executor;
    private final Join join;
    private final boolean buildLeft;
    private final LogicalPlan buildPlan;
    private final LogicalPlan probePlan;
    private final Schema buildSchema;
    private final Schema probeSchema;
    private final int[] buildKeys;
    private final int[] probeKeys;
    private final boolean[] stringKey;
    private final boolean probeOuter;
    private final boolean buildOuter;
    private final boolean semi;
    private final boolean anti;
    private final boolean cross;
    private final Schema out;
    private final int[] outProbe;
    private final int[] outBuild;
    private final int chunkRows;
    /** Build columns copied into the table's row records (those the output reads), and each one's slot. */
    private final int[] payloadCols;
    private final int[] payloadSlot;
    private final List<ChunkHandle> results = new ArrayList<>();

    public HashJoin(Join join, ExecContext ctx, PlanRunner executor) {
        this.ctx = ctx;
        this.executor = executor;
        this.join = join;
        JoinType t = join.type();
        this.buildLeft = switch (t) {
            case INNER, FULL -> estimateBytes(join.left()) < estimateBytes(join.right());
            case RIGHT -> true;
            case LEFT, SEMI, ANTI, CROSS -> false;
        };
        this.buildPlan = buildLeft ? join.left() : join.right();
        this.probePlan = buildLeft ? join.right() : join.left();
        this.buildSchema = buildPlan.schema();
        this.probeSchema = probePlan.schema();
        List<String> bk = buildLeft ? join.leftKeys() : join.rightKeys();
        List<String> pk = buildLeft ? join.rightKeys() : join.leftKeys();
        this.buildKeys = new int[bk.size()];
        this.probeKeys = new int[pk.size()];
        this.stringKey = new boolean[bk.size()];
        for (int k = 0; k < bk.size(); k++) {
            buildKeys[k] = buildSchema.indexOf(bk.get(k));
            probeKeys[k] = probeSchema.indexOf(pk.get(k));
            stringKey[k] = buildSchema.type(buildKeys[k]) == DataType.STRING;
        }
        this.probeOuter = t == JoinType.LEFT || t == JoinType.RIGHT || t == JoinType.FULL;
        this.buildOuter = t == JoinType.FULL;
        this.semi = t == JoinType.SEMI;
        this.anti = t == JoinType.ANTI;
        this.cross = t == JoinType.CROSS;
        this.out = join.schema();
        this.outProbe = new int[out.size()];
        this.outBuild = new int[out.size()];
        for (int j = 0; j < out.size(); j++) {
            JoinColumn c = join.outputs().get(j);
            int l = c.left() == null ? -1 : (buildLeft ? buildSchema : probeSchema).indexOf(c.left());
            int r = c.right() == null ? -1 : (buildLeft ? probeSchema : buildSchema).indexOf(c.right());
            outProbe[j] = switch (c.side()) {
                case LEFT -> buildLeft ? -1 : l;
                case RIGHT -> buildLeft ? r : -1;
                case KEY -> buildLeft ? r : l;
            };
            outBuild[j] = switch (c.side()) {
                case LEFT -> buildLeft ? l : -1;
                case RIGHT -> buildLeft ? -1 : r;
                case KEY -> buildLeft ? l : r;
            };
        }
        this.chunkRows = ctx.chunkRows();
        this.payloadSlot = new int[buildSchema.size()];
        java.util.Arrays.fill(payloadSlot, -1);
        List<Integer> payload = new ArrayList<>();
        for (int b : outBuild) {
            if (b >= 0 && payloadSlot[b] < 0) {
                payloadSlot[b] = payload.size();
                payload.add(b);
            }
        }
        this.payloadCols = payload.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A rough in-memory size of what {@code p} produces, to pick the build side. */
    static double estimateBytes(LogicalPlan p) {
        return switch (p) {
            case LogicalPlan.CsvScan s -> (double) s.source().totalBytes() * s.schema().size() / Math.max(1, s.source().schema().size());
            case ChunkScan s -> (double) s.frame().byteSize() * s.schema().size() / Math.max(1, s.frame().schema().size());
            case LogicalPlan.Filter f -> estimateBytes(f.child()) * 0.5;
            case LogicalPlan.Project pr -> estimateBytes(pr.child());
            case LogicalPlan.Limit l -> Math.min(estimateBytes(l.child()), l.n() * 16.0 * Math.max(1, l.schema().size()));
            case LogicalPlan.Aggregate a -> estimateBytes(a.child()) * 0.1;
            case Join j -> estimateBytes(j.left()) + estimateBytes(j.right());
            case LogicalPlan.Sort s -> s.limit() < 0 ? estimateBytes(s.child())
                    : Math.min(estimateBytes(s.child()), s.limit() * 16.0 * Math.max(1, s.schema().size()));
            case LogicalPlan.Union u -> u.children().stream().mapToDouble(HashJoin::estimateBytes).sum();
        };
    }

    /** Runs the join into a stored frame named {@code name}. */
    public StoredFrame run(String name) {
        try {
            if (cross) {
                crossJoin();
            } else {
                joinTop();
            }
            StoredFrame f = new StoredFrame(name, out, results);
            results.clear();
            return f;
        } catch (RuntimeException | Error e) {
            closeAll(results, e);
            throw e;
        }
    }

    private long fitBytes() {
        return (long) (ctx.budget().limit() * FIT_FRACTION);
    }

    private long tableBytes(long rows, int numericKeys) {
        long cap = Long.highestOneBit(Math.max(rows, 1) * 2 - 1);
        return rows * (8 + 4 + 4 + 8L * numericKeys + 8L * (1 + payloadCols.length)) + 4 * cap + 64;
    }

    private int numericKeys() {
        int n = 0;
        for (boolean s : stringKey) {
            if (!s) {
                n++;
            }
        }
        return n;
    }

    private boolean fits(long bytes, long rows) {
        if (rows * (1 + payloadCols.length) > Integer.MAX_VALUE - 64) {
            return false;
        }
        return bytes + tableBytes(rows, numericKeys()) + (buildOuter ? rows : 0) <= fitBytes();
    }

    private static long bytes(List<ChunkHandle> hs) {
        long b = 0;
        for (ChunkHandle h : hs) {
            b += h.byteSize();
        }
        return b;
    }

    private static long rows(List<ChunkHandle> hs) {
        long n = 0;
        for (ChunkHandle h : hs) {
            n += h.rows();
        }
        return n;
    }

    // ---- top level ---------------------------------------------------------------------------

    private void joinTop() {
        StoredFrame collected = null;
        try {
            List<ChunkHandle> handles;
            int[] projection;
            LogicalPlan source;
            if (buildPlan instanceof ChunkScan cs && cs.skipFilter() == null) {
                handles = cs.frame().chunks();
                projection = cs.projection();
                source = cs;
            } else if (estimateBytes(buildPlan) <= 2.0 * fitBytes()) {
                collected = executor.collectPlan(buildPlan);
                handles = collected.chunks();
                projection = null;
                source = new ChunkScan(collected, null, null);
            } else {
                handles = null;
                projection = null;
                source = buildPlan;
            }
            if (handles != null) {
                long b = bytes(handles);
                if (projection != null) { // only the projected columns are read; scale by their share
                    b = (long) (b * (double) projection.length / Math.max(1, ((ChunkScan) source).frame().schema().size()));
                }
                if (fits(b, rows(handles))) {
                    ctx.counters().add("join.inMemory", 1);
                    inMemory(handles, projection, terminal -> executor.runPlan(probePlan, terminal, "join (probe)"), null);
                    return;
                }
            }
            long estimate = handles != null ? bytes(handles) : (long) estimateBytes(buildPlan);
            int parts = partitionCount(estimate);
            ctx.counters().add("join.partitioned", 1);
            List<List<ChunkHandle>> bp = partition(source, buildKeys, parts, 0, "join (partition build side)");
            if (collected != null) {
                collected.close();
                collected = null;
            }
            List<List<ChunkHandle>> pp;
            try {
                pp = partition(probePlan, probeKeys, parts, 0, "join (partition probe side)");
            } catch (RuntimeException | Error e) {
                bp.forEach(l -> closeAll(l, e));
                throw e;
            }
            joinPartitions(bp, pp, 1);
        } finally {
            if (collected != null) {
                collected.close();
            }
        }
    }

    private int partitionCount(long buildBytes) {
        long want = (long) Math.ceil(buildBytes * 2.0 / Math.max(1, fitBytes()));
        int p = 2;
        while (p < want && p < (1 << BITS_PER_LEVEL)) {
            p <<= 1;
        }
        return p;
    }

    /** Joins partition pairs one at a time, closing each as it goes (and all on failure). */
    private void joinPartitions(List<List<ChunkHandle>> bp, List<List<ChunkHandle>> pp, int level) {
        int i = 0;
        try {
            for (; i < bp.size(); i++) {
                List<ChunkHandle> b = bp.get(i);
                List<ChunkHandle> p = pp.get(i);
                bp.set(i, List.of());
                pp.set(i, List.of());
                joinPartition(b, p, level, true);
            }
        } catch (RuntimeException | Error e) {
            for (int j = i; j < bp.size(); j++) {
                closeAll(bp.get(j), e);
                closeAll(pp.get(j), e);
            }
            throw e;
        }
    }

    /** Joins one pair of partitions (taking ownership of their chunks). */
    private void joinPartition(List<ChunkHandle> build, List<ChunkHandle> probe, int level, boolean splittable) {
        StoredFrame probeFrame = new StoredFrame("join partition", probeSchema, probe);
        StoredFrame buildFrame = new StoredFrame("join partition", buildSchema, build);
        try {
            if (build.isEmpty() && !probeOuter && !anti) {
                return; // nothing can match, and no probe row is kept unmatched
            }
            if (probe.isEmpty() && !buildOuter) {
                return;
            }
            long b = bytes(build);
            long n = rows(build);
            ChunkScan probeScan = new ChunkScan(probeFrame, null, null);
            if (fits(b, n)) {
                ctx.counters().add("join.inMemory", 1);
                inMemory(build, null, terminal -> executor.runPlan(probeScan, terminal, "join (probe partition)"), null);
                return;
            }
            if (splittable && level < MAX_LEVEL) {
                int parts = partitionCount(b);
                List<List<ChunkHandle>> bp = partition(new ChunkScan(buildFrame, null, null), buildKeys, parts, level, "join (repartition)");
                buildFrame.close();
                List<List<ChunkHandle>> pp;
                try {
                    pp = partition(probeScan, probeKeys, parts, level, "join (repartition)");
                } catch (RuntimeException | Error e) {
                    bp.forEach(l -> closeAll(l, e));
                    throw e;
                }
                probeFrame.close();
                int i = 0;
                try {
                    for (; i < parts; i++) {
                        List<ChunkHandle> sb = bp.get(i);
                        List<ChunkHandle> sp = pp.get(i);
                        bp.set(i, List.of());
                        pp.set(i, List.of());
                        // A part that kept nearly all rows cannot be split by hash (few distinct keys).
                        joinPartition(sb, sp, level + 1, bytes(sb) < b * 0.9);
                    }
                } catch (RuntimeException | Error e) {
                    for (int j = i; j < parts; j++) {
                        closeAll(bp.get(j), e);
                        closeAll(pp.get(j), e);
                    }
                    throw e;
                }
                return;
            }
            inPieces(build, probeFrame);
        } finally {
            buildFrame.close();
            probeFrame.close();
        }
    }

    /** Joins a build partition too large for memory piece by piece against the whole probe partition. */
    private void inPieces(List<ChunkHandle> build, StoredFrame probe) {
        ProbeMarks marks = new ProbeMarks(probe.chunks());
        ChunkScan probeScan = new ChunkScan(probe, null, null);
        List<ChunkHandle> piece = new ArrayList<>();
        long pieceBytes = 0;
        long pieceRows = 0;
        for (int i = 0; i <= build.size(); i++) {
            ChunkHandle h = i < build.size() ? build.get(i) : null;
            boolean flush = h == null ? !piece.isEmpty()
                    : !piece.isEmpty() && !fits(pieceBytes + h.byteSize(), pieceRows + h.rows());
            if (flush) {
                ctx.counters().add("join.pieces", 1);
                inMemory(piece, null, terminal -> executor.runPlan(probeScan, terminal, "join (probe piece)"), marks);
                piece = new ArrayList<>();
                pieceBytes = 0;
                pieceRows = 0;
            }
            if (h != null) {
                piece.add(h);
                pieceBytes += h.byteSize();
                pieceRows += h.rows();
            }
        }
        if (probeOuter || anti) {
            ProbeTerminal t = new ProbeTerminal(null, marks, true);
            results.addAll(executor.runPlan(probeScan, t, "join (unmatched rows)"));
        }
    }

    // ---- partitioning ------------------------------------------------------------------------

    /** Radix-partitions the rows of {@code source} by bits {@code [6*level, 6*level + log2(parts))} of the key hash. */
    private List<List<ChunkHandle>> partition(LogicalPlan source, int[] keys, int parts, int level, String task) {
        Schema schema = source.schema();
        PartitionTerminal t = new PartitionTerminal(schema, keys, parts, level);
        List<List<ChunkHandle>> r = executor.runPlan(source, t, task);
        long b = 0;
        for (List<ChunkHandle> l : r) {
            b += bytes(l);
        }
        ctx.counters().add("join.partitionBytes", b);
        return r;
    }

    private final class PartitionTerminal implements Terminal<PartitionTerminal.Worker, List<List<ChunkHandle>>> {
        private final Schema schema;
        private final int[] keys;
        private final int parts;
        private final int shift;
        private final int flushRows;

        PartitionTerminal(Schema schema, int[] keys, int parts, int level) {
            this.schema = schema;
            this.keys = keys;
            this.parts = parts;
            this.shift = BITS_PER_LEVEL * level;
            long rowBytes = 16L * Math.max(1, schema.size());
            long perBuilder = ctx.budget().limit() / (8L * parts * ctx.scheduler().parallelism() * rowBytes);
            this.flushRows = (int) Math.max(256, Math.min(chunkRows, perBuilder));
        }

        final class Worker {
            final JoinKeys jk = new JoinKeys(keys, stringFlags(schema, keys));
            final List<VectorBuilder>[] builders;
            final List<ChunkHandle>[] done;
            int[] part = new int[0];

            @SuppressWarnings("unchecked")
            Worker() {
                builders = new List[parts];
                done = new List[parts];
                for (int p = 0; p < parts; p++) {
                    done[p] = new ArrayList<>();
                }
            }

            void flush(int p) {
                List<VectorBuilder> bs = builders[p];
                if (bs == null || bs.getFirst().size() == 0) {
                    return;
                }
                Chunk c = Chunk.build(schema, bs, ctx.budget(), "join partition");
                done[p].add(ctx.store().putWithoutStats(c));
                for (VectorBuilder b : bs) {
                    b.reset();
                }
            }

            void close(Throwable cause) {
                for (List<ChunkHandle> l : done) {
                    closeAll(l, cause);
                }
            }
        }

        @Override
        public Worker newLocal() {
            return new Worker();
        }

        @Override
        public boolean accept(Worker w, int seq, int index, Chunk chunk, boolean independent) {
            int n = chunk.rows();
            w.jk.compute(chunk);
            if (w.part.length < n) {
                w.part = new int[Math.max(n, 1024)];
            }
            int[] part = w.part;
            long[] hash = w.jk.hash;
            int mask = parts - 1;
            for (int i = 0; i < n; i++) {
                int p = (int) (hash[i] >>> shift) & mask;
                part[i] = p;
                if (w.builders[p] == null) {
                    w.builders[p] = ChunkOps.builders(schema, flushRows);
                }
            }
            for (int j = 0; j < schema.size(); j++) {
                ColumnVector v = chunk.column(j);
                for (int i = 0; i < n; i++) {
                    w.builders[part[i]].get(j).appendFrom(v, i);
                }
            }
            for (int p = 0; p < parts; p++) {
                if (w.builders[p] != null && w.builders[p].getFirst().size() >= flushRows) {
                    w.flush(p);
                }
            }
            return false;
        }

        @Override
        public List<List<ChunkHandle>> finish(List<Worker> locals) {
            try {
                for (Worker w : locals) {
                    for (int p = 0; p < parts; p++) {
                        w.flush(p);
                    }
                }
            } catch (RuntimeException | Error e) {
                abort(locals);
                throw e;
            }
            List<List<ChunkHandle>> r = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                List<ChunkHandle> l = new ArrayList<>();
                for (Worker w : locals) {
                    l.addAll(w.done[p]);
                }
                r.add(l);
            }
            return r;
        }

        @Override
        public void abort(List<Worker> locals) {
            for (Worker w : locals) {
                w.close(null);
            }
        }
    }

    private static boolean[] stringFlags(Schema s, int[] cols) {
        boolean[] r = new boolean[cols.length];
        for (int k = 0; k < cols.length; k++) {
            r[k] = s.type(cols[k]) == DataType.STRING;
        }
        return r;
    }

    // ---- in-memory join ----------------------------------------------------------------------

    private interface ProbeRunner {
        public List<ChunkHandle> run(ProbeTerminal terminal);
    }

    /** Builds a table over {@code handles} (columns {@code projection}, null for all) and probes it. */
    private void inMemory(List<ChunkHandle> handles, int[] projection, ProbeRunner probe, ProbeMarks marks) {
        try (Table table = new Table(handles, projection)) {
            ProbeTerminal t = new ProbeTerminal(table, marks, false);
            results.addAll(probe.run(t));
            if (buildOuter) {
                results.addAll(table.unmatched());
            }
        }
    }

    /** The build side in memory: pinned chunks, and a chained hash table over their rows. */
    private final class Table implements AutoCloseable {
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

        Table(List<ChunkHandle> handles, int[] projection) {
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
            reservation = ctx.budget().reserve("join hash table", tableBytes(n, numericKeys()) + (buildOuter ? n : 0));
            try {
                hash = new long[n];
                next = new int[n];
                chunkOf = new int[n];
                codes = new long[buildKeys.length][];
                for (int k = 0; k < buildKeys.length; k++) {
                    codes[k] = stringKey[k] ? null : new long[n];
                }
                heads = new int[cap];
                matched = buildOuter ? new byte[n] : null;
                W = payloadCols.length <= 63 ? 1 + payloadCols.length : 0; // 0: gather from the chunks
                rows = new long[n * W];
                heaps = new byte[m][];
                build(handles, projection);
                columns = new ColumnVector[buildSchema.size()][m];
                for (int c = 0; c < m; c++) {
                    for (int j = 0; j < buildSchema.size(); j++) {
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
                    case org.spillway.spill.vector.BoolVector bv -> {
                        for (int i = 0; i < count; i++) {
                            rec[(start + i) * W + slot] = bv.get(i) ? 1 : 0;
                        }
                    }
                    case StringVector sv -> {
                        java.lang.foreign.MemorySegment bytes = sv.bytes();
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
                                    word |= (bytes.get(java.lang.foreign.ValueLayout.JAVA_BYTE, off + k) & 0xFFL) << (8 * k);
                                }
                            } else {
                                java.lang.foreign.MemorySegment.copy(bytes, java.lang.foreign.ValueLayout.JAVA_BYTE, off, heap, heapUsed, len);
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

        /** Output chunks of the build rows that matched nothing, with nulls for the probe columns. */
        List<ChunkHandle> unmatched() {
            Output o = new Output(this);
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

        @Override
        public void close() {
            for (PinnedChunk p : pins) {
                if (p != null) {
                    p.close();
                }
            }
            reservation.close();
        }
    }

    /** A bit per probe row of a stored probe partition: matched in some build piece. */
    private static final class ProbeMarks {
        final long[] bits;
        final int[] start;

        ProbeMarks(List<ChunkHandle> chunks) {
            start = new int[chunks.size() + 1];
            long t = 0;
            for (int i = 0; i < chunks.size(); i++) {
                start[i] = (int) t;
                t += chunks.get(i).rows();
            }
            start[chunks.size()] = (int) t;
            bits = new long[(int) ((t + 63) >>> 6)];
        }

        /** Sets the bit; true if it was clear. */
        boolean set(int id) {
            long bit = 1L << id;
            long prev = (long) LONGS.getAndBitwiseOr(bits, id >>> 6, bit);
            return (prev & bit) == 0;
        }

        boolean get(int id) {
            return (bits[id >>> 6] & (1L << id)) != 0;
        }
    }

    /** Gathers (probe row, build row) pairs into output chunks in the store. */
    private final class Output {
        private final Table table;
        final int[] pRows = new int[chunkRows];
        final int[] bRows = new int[chunkRows];
        private final int[] bRow = new int[chunkRows];
        private final int[] bChunk = new int[chunkRows];
        private boolean located;
        private final byte[] scratch = new byte[8];
        private List<VectorBuilder> builders;
        int count;
        private final List<long[]> order = new ArrayList<>(); // seq, index, sub
        private final List<ChunkHandle> handles = new ArrayList<>();
        private int sub;
        private int lastSeq = -1;
        private int lastIndex = -1;

        Output(Table table) {
            this.table = table;
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
            handles.add(ctx.store().put(c));
            order.add(new long[] {seq, index, sub++});
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
                switch (t) {
                    case INT32, DATE -> ((IntVectorBuilder) b).append((int) x);
                    case INT64, TIMESTAMP -> ((LongVectorBuilder) b).append(x);
                    case FLOAT64 -> ((DoubleVectorBuilder) b).append(Double.longBitsToDouble(x));
                    case BOOL -> ((org.spillway.spill.vector.BoolVectorBuilder) b).append(x != 0);
                    case STRING -> {
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
            closeAll(handles, cause);
        }
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

    /**
     * Probes a table with the chunks that reach it. With {@code marks}, matches are remembered per
     * probe row across build pieces, and {@code unmatchedPass} emits the rows never matched.
     */
    private final class ProbeTerminal implements Terminal<ProbeTerminal.Worker, List<ChunkHandle>> {
        private final Table table;
        private final ProbeMarks marks;
        private final boolean unmatchedPass;

        ProbeTerminal(Table table, ProbeMarks marks, boolean unmatchedPass) {
            this.table = table;
            this.marks = marks;
            this.unmatchedPass = unmatchedPass;
        }

        final class Worker {
            final JoinKeys jk = new JoinKeys(probeKeys, stringKey);
            final Output o = new Output(table);
        }

        @Override
        public Worker newLocal() {
            return new Worker();
        }

        @Override
        public boolean accept(Worker w, int seq, int index, Chunk chunk, boolean independent) {
            int n = chunk.rows();
            Output o = w.o;
            if (unmatchedPass) {
                int base = marks.start[seq];
                for (int i = 0; i < n; i++) {
                    if (!marks.get(base + i)) {
                        o.add(i, -1, chunk, seq, index);
                    }
                }
                o.flush(chunk, seq, index);
                return false;
            }
            JoinKeys jk = w.jk;
            jk.compute(chunk);
            Table t = table;
            long[] hash = jk.hash;
            boolean[] nul = jk.nullRow;
            long[] key0 = t.codes.length == 1 ? t.codes[0] : null;
            long[] probe0 = key0 != null ? jk.codes[0] : null;
            boolean firstOnly = semi || anti;
            int base = marks == null ? 0 : marks.start[seq];
            for (int i = 0; i < n; i++) {
                boolean found = false;
                if (!nul[i]) {
                    long h = hash[i];
                    int g = t.heads[(int) (h >>> t.shift)] - 1;
                    while (g >= 0) {
                        if (t.hash[g] == h && (key0 != null ? key0[g] == probe0[i] : t.keysEqual(jk, chunk, i, g))) {
                            found = true;
                            if (firstOnly) {
                                break;
                            }
                            o.add(i, g, chunk, seq, index);
                            if (t.matched != null) {
                                t.matched[g] = 1;
                            }
                        }
                        g = t.next[g] - 1;
                    }
                }
                if (marks == null) {
                    if (found ? semi : (anti || probeOuter)) {
                        o.add(i, -1, chunk, seq, index);
                    }
                } else if (found) {
                    boolean first = marks.set(base + i);
                    if (semi && first) {
                        o.add(i, -1, chunk, seq, index);
                    }
                }
            }
            o.flush(chunk, seq, index);
            return false;
        }

        @Override
        public List<ChunkHandle> finish(List<Worker> locals) {
            return inOrder(locals.stream().map(w -> w.o).toList());
        }

        @Override
        public void abort(List<Worker> locals) {
            for (Worker w : locals) {
                w.o.close(null);
            }
        }
    }

    /** The outputs' chunks in probe order: by morsel, chunk within it, then output chunk. */
    private static List<ChunkHandle> inOrder(List<Output> outputs) {
        List<long[]> keys = new ArrayList<>();
        List<ChunkHandle> hs = new ArrayList<>();
        for (Output o : outputs) {
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

    // ---- cross join --------------------------------------------------------------------------

    private void crossJoin() {
        StoredFrame right = executor.collectPlan(buildPlan);
        try {
            if (right.byteSize() > fitBytes()) {
                throw new SpillwayException("crossJoin: the right side (" + MemoryBudget.formatBytes(right.byteSize())
                        + ") must fit in half the memory limit (" + MemoryBudget.formatBytes(ctx.budget().limit())
                        + "); a Cartesian product is meant for a small side");
            }
            try (Table t = new Table(right.chunks(), null)) {
                CrossTerminal ct = new CrossTerminal(t);
                results.addAll(executor.runPlan(probePlan, ct, "cross join"));
            }
        } finally {
            right.close();
        }
    }

    private final class CrossTerminal implements Terminal<Output, List<ChunkHandle>> {
        private final Table table;

        CrossTerminal(Table table) {
            this.table = table;
        }

        @Override
        public Output newLocal() {
            return new Output(table);
        }

        @Override
        public boolean accept(Output o, int seq, int index, Chunk chunk, boolean independent) {
            for (int i = 0; i < chunk.rows(); i++) {
                for (int g = 0; g < table.n; g++) {
                    o.add(i, g, chunk, seq, index);
                }
            }
            o.flush(chunk, seq, index);
            return false;
        }

        @Override
        public List<ChunkHandle> finish(List<Output> locals) {
            return inOrder(locals);
        }

        @Override
        public void abort(List<Output> locals) {
            locals.forEach(o -> o.close(null));
        }
    }

    static void closeAll(List<ChunkHandle> handles, Throwable cause) {
        for (ChunkHandle h : handles) {
            try {
                h.close();
            } catch (RuntimeException e) {
                if (cause != null) {
                    cause.addSuppressed(e);
                }
            }
        }
    }
}
