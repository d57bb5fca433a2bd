package org.spillway.frame.exec.join;

import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.frame.exec.pipeline.PlanRunner;
import org.spillway.frame.plan.LogicalPlan;
import org.spillway.frame.plan.LogicalPlan.ChunkScan;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.ChunkHandle;

/**
 * The out-of-core half of {@link HashJoin}: both sides radix-partitioned by key hash into
 * chunk-store chunks (which spill under memory pressure), then joined pair of partitions by pair of
 * partitions, each pair in memory through the operator once its build partition fits. A build
 * partition that still does not fit is partitioned again, both sides, on the next 6 hash bits
 * ({@link GracePartitioner#BITS_PER_LEVEL}); one that partitioning cannot shrink (most of its rows
 * share a few keys), or that is {@link #MAX_LEVEL} levels deep, is joined in pieces of
 * its build side that fit, each piece probed by the whole probe partition, with {@link ProbeMarks}
 * carrying probe rows' matches from piece to piece.
 *
 * <p>Partitions are owned by this class once made: each is closed as soon as it is joined, and
 * every one not yet joined when something fails.
 */
final class GraceHashJoin {
    /** Levels of partitioning at most (the top one included) before a partition is joined in pieces. */
    static final int MAX_LEVEL = 5;

    private final HashJoin op;
    private final ExecContext ctx;
    private final PlanRunner planRunner;
    private final JoinLayout layout;

    /** Grace join for operator {@code op}, whose in-memory join and result list it uses. */
    GraceHashJoin(HashJoin op, ExecContext ctx, PlanRunner planRunner, JoinLayout layout) {
        this.op = op;
        this.ctx = ctx;
        this.planRunner = planRunner;
        this.layout = layout;
    }

    /** Radix-partitions the rows of {@code source} by bits {@code [6*level, 6*level + log2(parts))} of the key hash. */
    List<List<ChunkHandle>> partition(LogicalPlan source, int[] keys, int parts, int level, String task) {
        Schema schema = source.schema();
        GracePartitioner t = new GracePartitioner(ctx, schema, keys, parts, level);
        List<List<ChunkHandle>> r = planRunner.runPlan(source, t, task);
        long b = 0;
        for (List<ChunkHandle> l : r) {
            b += HashJoin.bytes(l);
        }
        ctx.counters().add("join.partitionBytes", b);
        return r;
    }

    /** Partitions for a build side of {@code buildBytes}: about two a fitting share, a power of two from 2 to 64. */
    int partitionCount(long buildBytes) {
        long want = (long) Math.ceil(buildBytes * 2.0 / Math.max(1, HashJoin.fitBytes(ctx)));
        int p = 2;
        while (p < want && p < (1 << GracePartitioner.BITS_PER_LEVEL)) {
            p <<= 1;
        }
        return p;
    }

    /** Joins partition pairs one at a time, closing each as it goes (and all on failure). */
    void joinPartitions(List<List<ChunkHandle>> bp, List<List<ChunkHandle>> pp, int level) {
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
                HashJoin.closeAll(bp.get(j), e);
                HashJoin.closeAll(pp.get(j), e);
            }
            throw e;
        }
    }

    /** Joins one pair of partitions (taking ownership of their chunks). */
    private void joinPartition(List<ChunkHandle> build, List<ChunkHandle> probe, int level, boolean splittable) {
        StoredFrame probeFrame = new StoredFrame("join partition", layout.probeSchema, probe);
        StoredFrame buildFrame = new StoredFrame("join partition", layout.buildSchema, build);
        try {
            if (build.isEmpty() && !layout.probeOuter && !layout.anti) {
                return; // nothing can match, and no probe row is kept unmatched
            }
            if (probe.isEmpty() && !layout.buildOuter) {
                return;
            }
            long b = HashJoin.bytes(build);
            long n = HashJoin.rows(build);
            ChunkScan probeScan = new ChunkScan(probeFrame, null, null);
            if (op.fits(b, n) && op.inMemory(build, null, terminal -> planRunner.runPlan(probeScan, terminal, "join (probe partition)"),
                    null, !splittable || level >= MAX_LEVEL)) {
                return;
            }
            if (splittable && level < MAX_LEVEL) {
                int parts = partitionCount(b);
                List<List<ChunkHandle>> bp = partition(new ChunkScan(buildFrame, null, null), layout.buildKeys, parts, level, "join (repartition)");
                buildFrame.close();
                List<List<ChunkHandle>> pp;
                try {
                    pp = partition(probeScan, layout.probeKeys, parts, level, "join (repartition)");
                } catch (RuntimeException | Error e) {
                    bp.forEach(l -> HashJoin.closeAll(l, e));
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
                        joinPartition(sb, sp, level + 1, HashJoin.bytes(sb) < b * 0.9);
                    }
                } catch (RuntimeException | Error e) {
                    for (int j = i; j < parts; j++) {
                        HashJoin.closeAll(bp.get(j), e);
                        HashJoin.closeAll(pp.get(j), e);
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
                    : !piece.isEmpty() && !op.fits(pieceBytes + h.byteSize(), pieceRows + h.rows());
            if (flush) {
                ctx.counters().add("join.pieces", 1);
                op.inMemory(piece, null, terminal -> planRunner.runPlan(probeScan, terminal, "join (probe piece)"), marks, true);
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
        if (layout.probeOuter || layout.anti) {
            ProbeSink t = new ProbeSink(ctx, layout, null, marks, true);
            op.keep(planRunner.runPlan(probeScan, t, "join (unmatched rows)"));
        }
    }
}
