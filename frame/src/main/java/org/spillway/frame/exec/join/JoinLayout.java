package org.spillway.frame.exec.join;

import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.Expr;
import org.spillway.frame.JoinType;
import org.spillway.frame.plan.LogicalPlan;
import org.spillway.frame.plan.LogicalPlan.Join;
import org.spillway.frame.plan.LogicalPlan.JoinColumn;
import org.spillway.spill.Schema;

/**
 * A join seen from its build and probe sides once {@link HashJoin} has chosen which side builds:
 * the key columns of each side, what the join type asks of unmatched rows, and where every output
 * column comes from. Computed once per join and only read afterwards, so every part of the join
 * (table, probe, output, grace partitions) agrees on the same column numbers.
 */
final class JoinLayout {
    final boolean buildLeft;
    final LogicalPlan buildPlan;
    final LogicalPlan probePlan;
    final Schema buildSchema;
    final Schema probeSchema;
    final int[] buildKeys;
    final int[] probeKeys;
    /** Per key: a string (compared by bytes) rather than a number (compared by its long code). */
    final boolean[] stringKey;
    /** Unmatched probe rows are kept, null-extended (the preserved side of a left or right join, both of a full join). */
    final boolean probeOuter;
    /** Unmatched build rows are kept, null-extended (full; right for a nested loop, which builds on the right). */
    final boolean buildOuter;
    /** The extra condition on a pair of rows with equal keys (null: none), over {@link #condSchema}. */
    final Expr condition;
    /** The columns the condition reads, as it names them (null without a condition). */
    final Schema condSchema;
    /** Per condition column, the probe column it reads, or -1. */
    final int[] condProbe;
    /** Per condition column, the build column it reads, or -1. */
    final int[] condBuild;
    /** No keys: every build row is a candidate for every probe row (a nested-loop join on the condition). */
    final boolean nestedLoop;
    final boolean semi;
    final boolean anti;
    final boolean cross;
    final Schema out;
    /** Per output column, the probe column it copies, or -1. */
    final int[] outProbe;
    /** Per output column, the build column it copies, or -1. */
    final int[] outBuild;
    /** Build columns copied into the table's row records (those the output reads), and each one's slot. */
    final int[] payloadCols;
    final int[] payloadSlot;

    JoinLayout(Join join, boolean buildLeft) {
        JoinType t = join.type();
        this.buildLeft = buildLeft;
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
            stringKey[k] = buildSchema.type(buildKeys[k]).isVariableWidth();
        }
        boolean leftKept = t == JoinType.LEFT || t == JoinType.FULL;
        boolean rightKept = t == JoinType.RIGHT || t == JoinType.FULL;
        this.probeOuter = buildLeft ? rightKept : leftKept;
        this.buildOuter = buildLeft ? leftKept : rightKept;
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
        this.condition = join.condition();
        this.nestedLoop = join.isNestedLoop();
        int nc = join.conditionColumns().size();
        this.condSchema = condition == null ? null : join.conditionSchema();
        this.condProbe = new int[nc];
        this.condBuild = new int[nc];
        for (int j = 0; j < nc; j++) {
            JoinColumn c = join.conditionColumns().get(j);
            boolean fromLeft = c.side() == LogicalPlan.JoinSide.LEFT;
            Schema from = fromLeft == buildLeft ? buildSchema : probeSchema;
            int i = from.indexOf(fromLeft ? c.left() : c.right());
            condProbe[j] = fromLeft == buildLeft ? -1 : i;
            condBuild[j] = fromLeft == buildLeft ? i : -1;
        }
        this.payloadSlot = new int[buildSchema.size()];
        java.util.Arrays.fill(payloadSlot, -1);
        List<Integer> payload = new ArrayList<>();
        for (int[] cols : new int[][] {outBuild, condBuild}) {
            for (int b : cols) {
                if (b >= 0 && payloadSlot[b] < 0) {
                    payloadSlot[b] = payload.size();
                    payload.add(b);
                }
            }
        }
        this.payloadCols = payload.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Key columns stored in the table as long codes (the table reserves 8 bytes a row for each). */
    int numericKeys() {
        int n = 0;
        for (boolean s : stringKey) {
            if (!s) {
                n++;
            }
        }
        return n;
    }
}
