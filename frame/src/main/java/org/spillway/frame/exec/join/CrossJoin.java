package org.spillway.frame.exec.join;

import java.util.List;
import org.spillway.frame.SpillwayException;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.frame.exec.pipeline.PlanRunner;
import org.spillway.frame.exec.pipeline.Terminal;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.memory.MemoryBudget;

/**
 * The cross join (Cartesian product) of {@link HashJoin}: the right side is collected and must fit
 * in half the memory limit, since a product is only meant for a small side and has no out-of-core
 * form; it is pinned as a {@link JoinHashTable} (whose row
 * records make gathering fast; its chains go unused), and the left side streams past it, every
 * probe row paired with every build row.
 */
final class CrossJoin {
    private final HashJoin op;
    private final ExecContext ctx;
    private final PlanRunner planRunner;
    private final JoinLayout layout;

    /** The cross join for operator {@code op}, whose result list takes its output. */
    CrossJoin(HashJoin op, ExecContext ctx, PlanRunner planRunner, JoinLayout layout) {
        this.op = op;
        this.ctx = ctx;
        this.planRunner = planRunner;
        this.layout = layout;
    }

    /** Runs the cross join, handing its output chunks to the operator as they are made. */
    void run() {
        StoredFrame right = planRunner.collectPlan(layout.buildPlan);
        try {
            if (right.byteSize() > HashJoin.fitChunkBytes(ctx)) {
                throw new SpillwayException("crossJoin: the right side (" + MemoryBudget.formatBytes(right.byteSize())
                        + ") must fit in half the memory limit (" + MemoryBudget.formatBytes(ctx.budget().limit())
                        + "); a Cartesian product is meant for a small side");
            }
            try (JoinHashTable t = new JoinHashTable(ctx, layout, right.chunks(), null, op.tableReservation(right.chunks()))) {
                CrossTerminal ct = new CrossTerminal(t);
                op.keep(planRunner.runPlan(layout.probePlan, ct, "cross join"));
            }
        } finally {
            right.close();
        }
    }

    /** Pairs every probe row with every build row, worker by worker. */
    private final class CrossTerminal implements Terminal<JoinOutput, List<ChunkHandle>> {
        private final JoinHashTable table;

        CrossTerminal(JoinHashTable table) {
            this.table = table;
        }

        @Override
        public JoinOutput newLocal() {
            return new JoinOutput(ctx, layout, table);
        }

        @Override
        public boolean accept(JoinOutput o, int seq, int index, Chunk chunk, boolean independent) {
            for (int i = 0; i < chunk.rows(); i++) {
                for (int g = 0; g < table.n; g++) {
                    o.add(i, g, chunk, seq, index);
                }
            }
            o.flush(chunk, seq, index);
            return false;
        }

        @Override
        public List<ChunkHandle> finish(List<JoinOutput> locals) {
            return JoinOutput.inOrder(locals);
        }

        @Override
        public void abort(List<JoinOutput> locals) {
            locals.forEach(o -> o.close(null));
        }
    }
}
