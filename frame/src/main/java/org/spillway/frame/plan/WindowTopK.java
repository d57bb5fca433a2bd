package org.spillway.frame.plan;

import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.Expr;
import org.spillway.frame.WindowFunction;
import org.spillway.spill.DataType;

/**
 * The top-k short cut of ranking windows: under a filter that keeps {@code n <= k} (or {@code n < k}, {@code k >= n},
 * {@code n = 1}, as a conjunct) of a {@code rowNumber()} or {@code rank()} column, through projections that pass the
 * column on, the window node needs only the first rows of each partition: {@code k} for {@code rowNumber} (ties cut
 * anywhere, as the row numbers of ties are), and, for {@code rank}, every row tied with the k-th. The node is marked
 * ({@link LogicalPlan.Window#topK()}) and the executor keeps those rows in a bounded heap per partition instead of
 * sorting every row (falling back to the full sort when the heaps outgrow their memory).
 *
 * <p>Exact when every function of the node is {@code rowNumber}, {@code rank} or {@code denseRank}: for each row
 * kept, every row before it in the window's order is kept too (it is at least as good), so the kept rows get the ranks
 * they have over all rows, and the filter above still decides which rows pass. A filter on {@code denseRank} is not
 * rewritten (its k-th value may be far down the partition), nor a node with other functions (their frames would lose
 * rows).
 */
public final class WindowTopK {
    /** The largest k rewritten: beyond it the heaps would hold too much of a partition. */
    static final long MAX_K = 10_000;

    private WindowTopK() {
    }

    /** {@code child}, with its window node marked for a per-partition top-k if {@code predicate} allows it. */
    public static LogicalPlan rewrite(Expr predicate, LogicalPlan child) {
        List<Expr> conjuncts = new ArrayList<>();
        conjuncts(predicate, conjuncts);
        for (Expr c : conjuncts) {
            if (!(c instanceof Expr.BinaryExpr b)) {
                continue;
            }
            long k;
            String column;
            if (b.left() instanceof Expr.ColumnRef r && b.right() instanceof Expr.Literal l && isInteger(l)) {
                column = r.column();
                k = switch (b.op()) {
                    case LEQ, EQ -> ((Number) l.value()).longValue();
                    case LT -> ((Number) l.value()).longValue() - 1;
                    default -> -1;
                };
            } else if (b.right() instanceof Expr.ColumnRef r && b.left() instanceof Expr.Literal l && isInteger(l)) {
                column = r.column();
                k = switch (b.op()) {
                    case GEQ, EQ -> ((Number) l.value()).longValue();
                    case GT -> ((Number) l.value()).longValue() - 1;
                    default -> -1;
                };
            } else {
                continue;
            }
            if (k < 1 || k > MAX_K) {
                continue;
            }
            LogicalPlan out = mark(child, column, k, c.toString());
            if (out != null) {
                return out;
            }
        }
        return child;
    }

    private static boolean isInteger(Expr.Literal l) {
        return l.value() instanceof Long || l.value() instanceof Integer;
    }

    private static void conjuncts(Expr e, List<Expr> out) {
        if (e instanceof Expr.BinaryExpr b && b.op() == Expr.BinaryExpr.Op.AND) {
            conjuncts(b.left(), out);
            conjuncts(b.right(), out);
        } else {
            out.add(e);
        }
    }

    /** {@code p} with the window node computing {@code column} marked, or null if the pattern does not hold. */
    private static LogicalPlan mark(LogicalPlan p, String column, long k, String filter) {
        return switch (p) {
            case LogicalPlan.Project pr -> {
                String source = pr.sourceColumn(column);
                if (source == null) {
                    yield null;
                }
                LogicalPlan below = mark(pr.child(), source, k, filter);
                yield below == null ? null : LogicalPlan.Project.of(below, pr.exprs());
            }
            case LogicalPlan.Window w -> {
                int i = w.names().indexOf(column);
                if (i < 0 || w.spec().orderKeys().isEmpty()) {
                    yield null;
                }
                WindowFunction.Kind kind = w.functions().get(i).function().kind();
                if (kind != WindowFunction.Kind.ROW_NUMBER && kind != WindowFunction.Kind.RANK) {
                    yield null;
                }
                for (Expr.WindowExpr f : w.functions()) {
                    WindowFunction.Kind fk = f.function().kind();
                    if (fk != WindowFunction.Kind.ROW_NUMBER && fk != WindowFunction.Kind.RANK
                            && fk != WindowFunction.Kind.DENSE_RANK) {
                        yield null;
                    }
                }
                for (org.spillway.frame.SortOrder o : w.spec().orderKeys()) {
                    DataType t = o.expr().type(w.child().schema());
                    if (t == DataType.BINARY || t.kind() == DataType.Kind.DECIMAL128) {
                        yield null; // the heaps compare Java values: not these
                    }
                }
                boolean ties = kind == WindowFunction.Kind.RANK;
                LogicalPlan.Window.TopK old = w.topK();
                if (old != null && (old.k() < k || old.withTies() && !ties)) {
                    yield w; // a tighter mark is already there
                }
                yield w.withTopK(new LogicalPlan.Window.TopK(k, ties, filter));
            }
            default -> null;
        };
    }
}
