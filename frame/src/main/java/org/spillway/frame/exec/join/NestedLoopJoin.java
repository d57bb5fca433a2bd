package org.spillway.frame.exec.join;

import org.spillway.frame.SpillwayException;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.frame.exec.pipeline.PlanRunner;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.spill.memory.MemoryBudget;

/**
 * The join on a condition without equality keys ({@code a.join(ranges, col("x").geq(col("lo")), JoinType.LEFT)})
 * of {@link HashJoin}: a nested loop. The right side is collected and must fit the share of the
 * memory budget a join's build side may take ({@link HashJoin#fits}); it is pinned as a
 * {@link JoinHashTable} with no keys (whose row records make gathering fast; its chains go unused)
 * and reserved from the budget. The left side streams past it morsel-parallel into a
 * {@link ProbeSink}, which offers every right row as a candidate for every left row and keeps the
 * pairs the condition holds for: rows times rows evaluations, meant for a small right side. Left,
 * semi and anti joins emit a left row's unmatched or semi/anti output after its chunk; right and full
 * joins emit the right rows nothing matched (shared match flags, set by every worker) once all
 * left rows are done.
 */
final class NestedLoopJoin {
    private final HashJoin op;
    private final ExecContext ctx;
    private final PlanRunner planRunner;
    private final JoinLayout layout;

    /** The nested-loop join for operator {@code op}, whose result list takes its output. */
    NestedLoopJoin(HashJoin op, ExecContext ctx, PlanRunner planRunner, JoinLayout layout) {
        this.op = op;
        this.ctx = ctx;
        this.planRunner = planRunner;
        this.layout = layout;
    }

    /** Runs the join, handing its output chunks to the operator as they are made. */
    void run() {
        StoredFrame right = planRunner.collectPlan(layout.buildPlan);
        try {
            long bytes = right.byteSize();
            long rows = HashJoin.rows(right.chunks());
            if (!op.fits(bytes, rows)) {
                long table = JoinHashTable.reservedBytes(rows, layout);
                throw new SpillwayException("join(other, condition): a join without equality keys is a nested loop that holds the"
                        + " right side in memory, but the right side (" + rows + " rows, " + MemoryBudget.formatBytes(bytes)
                        + " plus " + MemoryBudget.formatBytes(table) + " for its table) does not fit a join's share of the memory"
                        + " limit (" + MemoryBudget.formatBytes(HashJoin.fitBytes(ctx)) + " of "
                        + MemoryBudget.formatBytes(ctx.budget().limit()) + "); swap the sides so the small one is on the right,"
                        + " add an equality of a left and a right column to the condition (it becomes a hash join),"
                        + " or raise the memory limit");
            }
            ctx.counters().add("join.nestedLoop", 1);
            try (JoinHashTable t = new JoinHashTable(ctx, layout, right.chunks(), null, op.tableReservation(right.chunks()))) {
                op.keep(planRunner.runPlan(layout.probePlan, new ProbeSink(ctx, layout, t, null, false), "join (nested loop)"));
                if (layout.buildOuter) {
                    op.keep(JoinOutput.unmatchedBuildRows(ctx, layout, t));
                }
            }
        } finally {
            right.close();
        }
    }
}
