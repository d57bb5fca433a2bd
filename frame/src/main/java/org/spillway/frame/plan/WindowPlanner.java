package org.spillway.frame.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spillway.frame.Expr;
import org.spillway.frame.Expr.ColumnRef;

/**
 * Plans a projection that holds window expressions ({@link Expr.WindowExpr}, anywhere in its expressions): the
 * distinct window expressions are grouped by partition and order, each group becomes a {@link LogicalPlan.Window} node
 * (one sort each, stacked on the input in order of first use) that adds a hidden column per expression, and the
 * projection above reads those columns in place of the window expressions.
 */
public final class WindowPlanner {
    private WindowPlanner() {
    }

    /** The plan of {@code select(exprs)} over {@code child}: a plain {@link LogicalPlan.Project} when no expression is a window one. */
    public static LogicalPlan project(LogicalPlan child, List<Expr> exprs) {
        Map<Expr.WindowExpr, String> hidden = new LinkedHashMap<>();
        for (Expr e : exprs) {
            collect(e, hidden);
        }
        if (hidden.isEmpty()) {
            return LogicalPlan.Project.of(child, exprs);
        }
        java.util.Set<String> taken = new java.util.HashSet<>(child.schema().names());
        int i = 0;
        for (Map.Entry<Expr.WindowExpr, String> e : hidden.entrySet()) {
            String n = "__window_" + i++;
            while (taken.contains(n)) {
                n = "_" + n;
            }
            e.setValue(n);
        }
        Map<String, List<Expr.WindowExpr>> groups = new LinkedHashMap<>();
        for (Expr.WindowExpr w : hidden.keySet()) {
            groups.computeIfAbsent(w.window().sortKey(), k -> new ArrayList<>()).add(w);
        }
        LogicalPlan cur = child;
        for (List<Expr.WindowExpr> g : groups.values()) {
            cur = LogicalPlan.Window.of(cur, g, g.stream().map(hidden::get).toList());
        }
        List<Expr> out = new ArrayList<>();
        for (Expr e : exprs) {
            Expr r = rewrite(e, hidden);
            out.add(r.name().equals(e.name()) ? r : r.as(e.name()));
        }
        return LogicalPlan.Project.of(cur, out);
    }

    private static void collect(Expr e, Map<Expr.WindowExpr, String> out) {
        if (e instanceof Expr.WindowExpr w) {
            out.putIfAbsent(w, null);
            return;
        }
        for (Expr c : e.children()) {
            collect(c, out);
        }
    }

    /** {@code e} with every window expression replaced by a reference to its hidden column. */
    private static Expr rewrite(Expr e, Map<Expr.WindowExpr, String> hidden) {
        return switch (e) {
            case Expr.WindowExpr w -> new ColumnRef(hidden.get(w));
            case ColumnRef c -> c;
            case Expr.Literal l -> l;
            case Expr.UdfCall u -> u;
            case Expr.BinaryExpr b -> new Expr.BinaryExpr(b.op(), rewrite(b.left(), hidden), rewrite(b.right(), hidden));
            case Expr.UnaryExpr u -> new Expr.UnaryExpr(u.op(), rewrite(u.child(), hidden));
            case Expr.CastExpr c -> new Expr.CastExpr(rewrite(c.child(), hidden), c.target());
            case Expr.Alias a -> new Expr.Alias(rewrite(a.child(), hidden), a.name());
            case Expr.WithMetadata m -> new Expr.WithMetadata(rewrite(m.child(), hidden), m.fieldMetadata());
            case Expr.StringFunction f -> new Expr.StringFunction(f.fn(), rewrite(f.child(), hidden), f.arg(), f.pos(), f.len());
            case Expr.FunctionCall f -> new Expr.FunctionCall(f.fn(), f.args().stream().map(a -> rewrite(a, hidden)).toList());
            case Expr.CaseWhen w -> {
                List<Expr.CaseWhen.Branch> bs = new ArrayList<>();
                for (Expr.CaseWhen.Branch b : w.branches()) {
                    bs.add(new Expr.CaseWhen.Branch(rewrite(b.condition(), hidden), rewrite(b.value(), hidden)));
                }
                yield new Expr.CaseWhen(bs, w.otherwise() == null ? null : rewrite(w.otherwise(), hidden));
            }
        };
    }
}
