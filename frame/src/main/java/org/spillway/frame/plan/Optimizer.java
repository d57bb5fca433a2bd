package org.spillway.frame.plan;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.spillway.frame.Expr;
import org.spillway.frame.expr.ColumnRef;
import org.spillway.frame.plan.LogicalPlan.ChunkScan;
import org.spillway.frame.plan.LogicalPlan.CsvScan;
import org.spillway.frame.plan.LogicalPlan.Filter;
import org.spillway.frame.plan.LogicalPlan.Limit;
import org.spillway.frame.plan.LogicalPlan.Project;

/**
 * Rule-based rewrites of a {@link LogicalPlan}, applied before execution:
 * <ol>
 *   <li>adjacent filters are merged into one conjunction, adjacent limits into the smaller;</li>
 *   <li>a filter moves below a projection when it only reads columns the projection passes through
 *       unchanged, so it runs before derived columns are computed;</li>
 *   <li>projection pushdown: every scan reads only the columns some node above it needs (a CSV scan
 *       then skips converting the others), and unused derived columns are dropped;</li>
 *   <li>a filter straight above a scan of collected chunks is also given to the scan, which skips
 *       chunks whose min/max/null statistics prove the filter false for every row.</li>
 * </ol>
 * The rules keep the result (rows, their order and the output columns) exactly as written.
 */
public final class Optimizer {
    private Optimizer() {
    }

    /** The optimized plan. */
    public static LogicalPlan optimize(LogicalPlan plan) {
        return optimize(plan, new LinkedHashSet<>(plan.schema().names()));
    }

    /**
     * The optimized plan when only the output columns {@code required} are used: {@code count()}
     * needs none, so derived columns are not computed and the scan reads only what filters need.
     * Columns not required may be missing from the result's schema.
     */
    public static LogicalPlan optimize(LogicalPlan plan, Set<String> required) {
        LogicalPlan p = simplify(plan);
        p = prune(p, required);
        return skipByStats(p);
    }

    private static LogicalPlan simplify(LogicalPlan plan) {
        return switch (plan) {
            case CsvScan s -> s;
            case ChunkScan s -> s;
            case Filter f -> {
                LogicalPlan child = simplify(f.child());
                if (child instanceof Filter inner) {
                    yield new Filter(inner.child(), inner.predicate().and(f.predicate()));
                }
                if (child instanceof Project proj && passesThrough(proj, f.predicate().columns())) {
                    yield Project.of(simplify(new Filter(proj.child(), f.predicate())), proj.exprs());
                }
                yield new Filter(child, f.predicate());
            }
            case Project p -> {
                LogicalPlan child = simplify(p.child());
                yield Project.of(child, p.exprs());
            }
            case LogicalPlan.Aggregate a -> LogicalPlan.Aggregate.of(simplify(a.child()), a.keys(), a.aggs());
            case LogicalPlan.Join j -> j.with(simplify(j.left()), simplify(j.right()), j.outputs());
            case Limit l -> {
                LogicalPlan child = simplify(l.child());
                if (child instanceof Limit inner) {
                    yield new Limit(inner.child(), Math.min(inner.n(), l.n()));
                }
                yield new Limit(child, l.n());
            }
        };
    }

    private static boolean passesThrough(Project p, Set<String> columns) {
        for (String c : columns) {
            boolean found = false;
            for (Expr e : p.exprs()) {
                if (e instanceof ColumnRef r && r.column().equals(c)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    /** Keeps only what produces {@code required}. */
    private static LogicalPlan prune(LogicalPlan plan, Set<String> required) {
        return switch (plan) {
            case CsvScan s -> required.containsAll(s.schema().names()) ? s : s.withColumns(required);
            case ChunkScan s -> required.containsAll(s.schema().names()) ? s : s.withColumns(required);
            case Filter f -> {
                Set<String> need = new LinkedHashSet<>(required);
                need.addAll(f.predicate().columns());
                yield new Filter(prune(f.child(), need), f.predicate());
            }
            case Limit l -> new Limit(prune(l.child(), required), l.n());
            case LogicalPlan.Aggregate a -> {
                Set<String> need = new LinkedHashSet<>();
                for (Expr k : a.keys()) {
                    need.addAll(k.columns());
                }
                for (org.spillway.frame.AggregateExpr x : a.aggs()) {
                    need.addAll(x.columns());
                }
                yield LogicalPlan.Aggregate.of(prune(a.child(), need), a.keys(), a.aggs());
            }
            case LogicalPlan.Join j -> {
                List<LogicalPlan.JoinColumn> kept = new ArrayList<>();
                Set<String> left = new LinkedHashSet<>(j.leftKeys());
                Set<String> right = new LinkedHashSet<>(j.rightKeys());
                for (LogicalPlan.JoinColumn c : j.outputs()) {
                    if (required.contains(c.name())) {
                        kept.add(c);
                        if (c.left() != null) {
                            left.add(c.left());
                        }
                        if (c.right() != null) {
                            right.add(c.right());
                        }
                    }
                }
                yield j.with(prune(j.left(), left), prune(j.right(), right), kept);
            }
            case Project p -> {
                List<Expr> kept = new ArrayList<>();
                Set<String> need = new LinkedHashSet<>();
                for (Expr e : p.exprs()) {
                    if (required.contains(e.name())) {
                        kept.add(e);
                        need.addAll(e.columns());
                    }
                }
                LogicalPlan child = prune(p.child(), need);
                Project np = Project.of(child, kept);
                // A projection that just repeats its input's columns in order does nothing.
                if (np.isPassthrough() && np.schema().names().equals(child.schema().names())) {
                    yield child;
                }
                yield np;
            }
        };
    }

    private static LogicalPlan skipByStats(LogicalPlan plan) {
        return switch (plan) {
            case CsvScan s -> s;
            case ChunkScan s -> s;
            case Filter f -> {
                LogicalPlan child = skipByStats(f.child());
                if (child instanceof ChunkScan s && s.skipFilter() == null) {
                    child = new ChunkScan(s.frame(), s.projection(), f.predicate());
                }
                yield new Filter(child, f.predicate());
            }
            case Project p -> Project.of(skipByStats(p.child()), p.exprs());
            case Limit l -> new Limit(skipByStats(l.child()), l.n());
            case LogicalPlan.Aggregate a -> LogicalPlan.Aggregate.of(skipByStats(a.child()), a.keys(), a.aggs());
            case LogicalPlan.Join j -> j.with(skipByStats(j.left()), skipByStats(j.right()), j.outputs());
        };
    }
}
