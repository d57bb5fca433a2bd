package org.spillway.frame.exec.join;

import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.JoinType;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.frame.exec.pipeline.PlanRunner;
import org.spillway.frame.plan.LogicalPlan;
import org.spillway.frame.plan.LogicalPlan.ChunkScan;
import org.spillway.frame.plan.LogicalPlan.Join;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.memory.MemoryConsumer;
import org.spillway.spill.memory.Reservation;

/**
 * Hash join of every {@link JoinType}, in memory when the build side fits its share of the budget,
 * otherwise as a grace hash join. The operator: it chooses the build side, decides between the
 * in-memory and the out-of-core join, and owns the result chunks until they become the stored frame.
 *
 * <p><b>Sides.</b> An inner or full join builds on the side with the smaller estimated size; a left,
 * semi or anti join builds on the right and probes with the left; a right join builds on the left.
 * Unmatched probe rows (left, right, full, anti) are emitted while probing; unmatched build rows
 * (full) are found by match flags after probing. {@link JoinLayout} holds the columns that follow
 * from the choice.
 *
 * <p><b>In memory.</b> The build side's chunks (collected into the chunk store first unless they
 * already are) are pinned, and one shared {@link JoinHashTable} is built over them in parallel, a
 * chunk per task. The table's arrays are reserved from the memory budget. The probe side streams
 * through its pipeline into a {@link ProbeSink}, morsel-parallel; each worker gathers its matches
 * in a {@link JoinOutput} into output chunks that go to the chunk store (and may spill). The join
 * is one {@link MemoryConsumer} ({@code HashJoin#n}); when its table's reservation does not fit
 * when it is built, the join is partitioned instead, as if it had been too large.
 *
 * <p><b>Out of core.</b> When the build side plus its table exceeds half the memory limit, both
 * sides are radix-partitioned by key hash ({@link GracePartitioner}) and the pairs of partitions
 * joined one at a time ({@link GraceHashJoin}), each through this operator's in-memory join.
 *
 * <p><b>A condition.</b> With an extra condition ({@code on("k").and(cond)}) the same join runs, in
 * memory or out of core; {@link ProbeSink} evaluates the condition on the pairs whose keys match,
 * and only pairs where it holds count as matches (for outer, semi and anti joins too).
 *
 * <p><b>Cross join.</b> {@link CrossJoin}: the right side must fit in memory. A join on a condition
 * alone is a {@link NestedLoopJoin}, with the same limit.
 *
 * <p>Sub-plans (collecting the build side, streaming the probe side or a partition) run through
 * the {@link PlanRunner} it is given, never the executor itself. Output order is unspecified
 * (within a probe chunk it follows the probe rows).
 */
public final class HashJoin {
    private final ExecContext ctx;
    private final PlanRunner planRunner;
    private final JoinLayout layout;
    private final List<ChunkHandle> results = new ArrayList<>();
    /** This join's registration with the budget ({@code HashJoin#n}); its tables are reserved from it. */
    private final MemoryConsumer consumer;

    /** The join {@code join}, run with {@code ctx}; sub-plans go through {@code planRunner}. */
    public HashJoin(Join join, ExecContext ctx, PlanRunner planRunner) {
        this.ctx = ctx;
        this.planRunner = planRunner;
        this.layout = new JoinLayout(join, buildsLeft(join));
        this.consumer = ctx.policy().register("HashJoin");
    }

    /** True if the left side builds the table: per join type, or for inner and full joins the smaller side. */
    static boolean buildsLeft(Join join) {
        if (join.isNestedLoop()) {
            return false;
        }
        return switch (join.type()) {
            case INNER, FULL -> estimateBytes(join.left()) < estimateBytes(join.right());
            case RIGHT -> true;
            case LEFT, SEMI, ANTI, CROSS -> false;
        };
    }

    /** A rough in-memory size of what {@code p} produces, to pick the build side. */
    static double estimateBytes(LogicalPlan p) {
        return switch (p) {
            case LogicalPlan.CsvScan s -> (double) s.source().totalBytes() * s.schema().size() / Math.max(1, s.source().schema().size());
            case ChunkScan s -> (double) s.frame().byteSize() * s.schema().size() / Math.max(1, s.frame().schema().size());
            case LogicalPlan.GeneratorScan s -> (double) s.generator().rows() * 8.0 * Math.max(1, s.schema().size());
            // decoded, a Parquet value takes about 8 bytes (strings more, dictionaries less)
            case LogicalPlan.ParquetScan s -> (double) s.source().rows() * 8.0 * Math.max(1, s.schema().size());
            // a table's rows by its metadata; where unknown (Hudi), a guess of a million per file
            case LogicalPlan.TableScan s -> (s.table().rows() >= 0 ? s.table().rows() : s.table().files().size() * 1_000_000.0) * 8.0
                    * Math.max(1, s.schema().size());
            case LogicalPlan.Filter f -> estimateBytes(f.child()) * 0.5;
            case LogicalPlan.Project pr -> estimateBytes(pr.child());
            case LogicalPlan.Limit l -> Math.min(estimateBytes(l.child()), l.n() * 16.0 * Math.max(1, l.schema().size()));
            case LogicalPlan.Aggregate a -> estimateBytes(a.child()) * 0.1;
            case Join j -> estimateBytes(j.left()) + estimateBytes(j.right());
            case LogicalPlan.Sort s -> s.limit() < 0 ? estimateBytes(s.child())
                    : Math.min(estimateBytes(s.child()), s.limit() * 16.0 * Math.max(1, s.schema().size()));
            case LogicalPlan.Union u -> u.children().stream().mapToDouble(HashJoin::estimateBytes).sum();
            case LogicalPlan.Window w -> estimateBytes(w.child()) * 1.2;
            case LogicalPlan.AsofJoin a -> estimateBytes(a.left()) * 2;
        };
    }

    /** Runs the join into a stored frame named {@code name}. */
    public StoredFrame run(String name) {
        try {
            if (layout.cross) {
                new CrossJoin(this, ctx, planRunner, layout).run();
            } else if (layout.nestedLoop) {
                new NestedLoopJoin(this, ctx, planRunner, layout).run();
            } else {
                joinTop();
            }
            StoredFrame f = new StoredFrame(name, layout.out, results);
            results.clear();
            return f;
        } catch (RuntimeException | Error e) {
            closeAll(results, e);
            throw e;
        } finally {
            consumer.close();
        }
    }

    /** Bytes a build side and its table may take in memory: the memory policy's {@code joinBuildBytes()}. */
    static long fitBytes(ExecContext ctx) {
        return ctx.policy().joinBuildBytes();
    }

    /** Bytes of build-side chunks that may stay in memory: the memory policy's {@code joinBuildChunkBytes()} when split. */
    static long fitChunkBytes(ExecContext ctx) {
        return ctx.policy().split() ? ctx.policy().joinBuildChunkBytes() : fitBytes(ctx);
    }

    /** True if a build side of {@code bytes} in {@code rows} rows, with its table, fits in memory. */
    boolean fits(long bytes, long rows) {
        if (rows * (1 + layout.payloadCols.length) > Integer.MAX_VALUE - 64) {
            return false;
        }
        long table = JoinHashTable.reservedBytes(rows, layout);
        if (ctx.policy().split()) { // the rows are off-heap chunks, the table is on the heap: each within its part
            return bytes <= fitChunkBytes(ctx) && table <= fitBytes(ctx);
        }
        return bytes + table <= fitBytes(ctx);
    }

    static long bytes(List<ChunkHandle> hs) {
        long b = 0;
        for (ChunkHandle h : hs) {
            b += h.byteSize();
        }
        return b;
    }

    static long rows(List<ChunkHandle> hs) {
        long n = 0;
        for (ChunkHandle h : hs) {
            n += h.rows();
        }
        return n;
    }

    private void joinTop() {
        StoredFrame collected = null;
        try {
            List<ChunkHandle> handles;
            int[] projection;
            LogicalPlan source;
            LogicalPlan buildPlan = layout.buildPlan;
            LogicalPlan probePlan = layout.probePlan;
            if (buildPlan instanceof ChunkScan cs && cs.skipFilter() == null) {
                handles = cs.frame().chunks();
                projection = cs.projection();
                source = cs;
            } else if (estimateBytes(buildPlan) <= 2.0 * fitBytes(ctx)) {
                collected = planRunner.collectPlan(buildPlan);
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
                if (fits(b, rows(handles))
                        && inMemory(handles, projection, terminal -> planRunner.runPlan(probePlan, terminal, "join (probe)"), null, false)) {
                    return;
                } // else too large for its share, or the budget could not hold its table now: partitioned
            }
            GraceHashJoin grace = new GraceHashJoin(this, ctx, planRunner, layout);
            long estimate = handles != null ? bytes(handles) : (long) estimateBytes(buildPlan);
            int parts = grace.partitionCount(estimate);
            ctx.counters().add("join.partitioned", 1);
            List<List<ChunkHandle>> bp = grace.partition(source, layout.buildKeys, parts, 0, "join (partition build side)");
            if (collected != null) {
                collected.close();
                collected = null;
            }
            List<List<ChunkHandle>> pp;
            try {
                pp = grace.partition(probePlan, layout.probeKeys, parts, 0, "join (partition probe side)");
            } catch (RuntimeException | Error e) {
                bp.forEach(l -> closeAll(l, e));
                throw e;
            }
            grace.joinPartitions(bp, pp, 1);
        } finally {
            if (collected != null) {
                collected.close();
            }
        }
    }

    /** Streams the probe side (or a probe partition) into the sink it is given; returns the sink's output. */
    interface ProbeRunner {
        List<ChunkHandle> run(ProbeSink sink);
    }

    /**
     * Builds a table over {@code handles} (columns {@code projection}, null for all), probes it, and
     * for a full join adds the build rows nothing matched. With {@code marks}, probe rows' matches are
     * recorded there, and rows left unmatched are emitted later, by the caller.
     *
     * <p>The table is reserved first ({@code growOrRevoke}); when the budget cannot hold it now, nothing
     * is done and it returns false (unless {@code mustFit}: then the reservation waits for others' spills
     * or fails, naming this join), and the caller partitions instead: the join's spill, counted as
     * {@code memory.revokes.HashJoin}.
     */
    boolean inMemory(List<ChunkHandle> handles, int[] projection, ProbeRunner probe, ProbeMarks marks, boolean mustFit) {
        Reservation reservation;
        if (mustFit) {
            reservation = tableReservation(handles);
        } else {
            reservation = consumer.newReservation("join hash table");
            if (!reservation.growOrRevoke(JoinHashTable.reservedBytes(rows(handles), layout))) {
                reservation.close();
                consumer.revoked(0);
                return false;
            }
        }
        ctx.counters().add("join.inMemory", 1);
        JoinHashTable built;
        try {
            built = new JoinHashTable(ctx, layout, handles, projection, reservation);
        } catch (RuntimeException | Error e) {
            reservation.close();
            throw e;
        }
        try (JoinHashTable table = built) {
            ProbeSink t = new ProbeSink(ctx, layout, table, marks, false);
            results.addAll(probe.run(t));
            if (layout.buildOuter) {
                results.addAll(JoinOutput.unmatchedBuildRows(ctx, layout, table));
            }
        }
        return true;
    }

    /** A reservation of a table over {@code handles}, from this join's consumer: it fits (after others spilled), or the query fails. */
    Reservation tableReservation(List<ChunkHandle> handles) {
        return consumer.reserve("join hash table", JoinHashTable.reservedBytes(rows(handles), layout));
    }

    /** Takes output chunks into the result (which closes them if the join fails later). */
    void keep(List<ChunkHandle> chunks) {
        results.addAll(chunks);
    }

    /** Closes every handle, adding a failure to close to {@code cause} (if any) so the first failure is what surfaces. */
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
