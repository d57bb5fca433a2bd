package org.spillway.frame.plan;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.spillway.frame.Expr;
import org.spillway.frame.Expr.ColumnRef;
import org.spillway.frame.plan.LogicalPlan.ChunkScan;
import org.spillway.frame.plan.LogicalPlan.CsvScan;
import org.spillway.frame.plan.LogicalPlan.GeneratorScan;
import org.spillway.frame.plan.LogicalPlan.ParquetScan;
import org.spillway.frame.plan.LogicalPlan.Filter;
import org.spillway.frame.plan.LogicalPlan.Limit;
import org.spillway.frame.plan.LogicalPlan.Project;
import org.spillway.frame.plan.LogicalPlan.Sort;
import org.spillway.frame.plan.LogicalPlan.TableScan;
import org.spillway.frame.plan.LogicalPlan.Union;

/**
 * Rule-based rewrites of a {@link LogicalPlan}, applied before execution:
 * <ol>
 *   <li>adjacent filters are merged into one conjunction, adjacent limits into the smaller;</li>
 *   <li>a filter moves below a projection when it only reads columns the projection passes through
 *       unchanged, so it runs before derived columns are computed; the parts of a filter over a join
 *       that read one side's columns move into that side when the join kind allows it, and so do the
 *       parts of a join's own condition ({@code on("k").and(cond)}) that read one side's columns;</li>
 *   <li>projection pushdown: every scan reads only the columns some node above it needs (a CSV scan
 *       then skips converting the others), and unused derived columns are dropped;</li>
 *   <li>a filter straight above a scan of collected chunks, Parquet files or a table snapshot is also given
 *       to the scan, which skips chunks (row groups, a table's files) whose min/max/null statistics prove the
 *       filter false for every row;</li>
 *   <li>a filter moves below a (full) sort, and into every input of a union;</li>
 *   <li>a limit over a sort (possibly through a projection) becomes a top-k sort, which never sorts
 *       everything; a sort over a sort becomes one sort (the outer keys, then the inner ones, which
 *       is what a stable sort of a sorted input gives); nested unions are flattened;</li>
 *   <li>a window node over a projection over a window node of the same partition and order becomes one node
 *       (chained {@code withColumn}s share one sort and one pass); window columns nobody reads are not computed,
 *       and a window node none of whose columns is read is dropped
 *       (it keeps every row); filters do not move below a window node; a filter {@code n <= k} on a
 *       {@code rowNumber}/{@code rank} column marks the window node to keep only each partition's first rows
 *       before its sort ({@link WindowTopK});</li>
 *   <li>a sort whose output columns nobody reads (under {@code count()}) is dropped: it does not
 *       change the number of rows (a top-k becomes a plain limit).</li>
 *   <li>an as-of join none of whose right columns is read is dropped (it keeps every left row once), and the parts of a
 *       filter over it that read left columns only move into its left input.</li>
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
            case GeneratorScan s -> s;
            case ParquetScan s -> s;
            case TableScan s -> s;
            case Filter f -> {
                LogicalPlan child = simplify(f.child());
                if (child instanceof Filter inner) {
                    yield new Filter(inner.child(), inner.predicate().and(f.predicate()));
                }
                if (child instanceof Project proj && passesThrough(proj, f.predicate().columns())) {
                    yield Project.of(simplify(new Filter(proj.child(), f.predicate())), proj.exprs());
                }
                if (child instanceof Sort sort && sort.limit() < 0) {
                    // filtering keeps the order of the rows it keeps, so it may run before the sort
                    yield new Sort(simplify(new Filter(sort.child(), f.predicate())), sort.orders(), -1);
                }
                if (child instanceof LogicalPlan.Join j) {
                    yield pushIntoJoin(j, f.predicate());
                }
                if (child instanceof LogicalPlan.AsofJoin a) {
                    yield pushIntoAsofJoin(a, f.predicate());
                }
                if (child instanceof Union u) {
                    List<LogicalPlan> in = new ArrayList<>();
                    for (LogicalPlan c : u.children()) {
                        in.add(simplify(new Filter(c, f.predicate())));
                    }
                    yield new Union(in);
                }
                yield new Filter(child, f.predicate());
            }
            case Sort s -> {
                LogicalPlan child = simplify(s.child());
                if (child instanceof Sort inner && inner.limit() < 0) {
                    List<org.spillway.frame.SortOrder> keys = new ArrayList<>(s.orders());
                    keys.addAll(inner.orders());
                    yield new Sort(inner.child(), keys, s.limit());
                }
                yield new Sort(child, s.orders(), s.limit());
            }
            case Union u -> {
                List<LogicalPlan> in = new ArrayList<>();
                for (LogicalPlan c : u.children()) {
                    LogicalPlan sc = simplify(c);
                    if (sc instanceof Union nested) {
                        in.addAll(nested.children());
                    } else {
                        in.add(sc);
                    }
                }
                yield new Union(in);
            }
            case Project p -> {
                LogicalPlan child = simplify(p.child());
                yield Project.of(child, p.exprs());
            }
            case LogicalPlan.Aggregate a -> LogicalPlan.Aggregate.of(simplify(a.child()), a.keys(), a.aggs());
            case LogicalPlan.Window w -> {
                LogicalPlan child = simplify(w.child());
                if (child instanceof Project p && p.child() instanceof Project q && isRenaming(p)) {
                    child = compose(p, q); // a window merged below left a projection under this one's
                }
                if (child instanceof Project p && p.child() instanceof LogicalPlan.Window inner
                        && inner.spec().sortKey().equals(w.spec().sortKey()) && readsThrough(p, inner, w)) {
                    yield mergeWindows(w, p, inner);
                }
                yield LogicalPlan.Window.of(child, w.functions(), w.names());
            }
            case LogicalPlan.Join j -> {
                LogicalPlan.Join s = splitCondition(j);
                yield s.with(simplify(s.left()), simplify(s.right()), s.outputs());
            }
            case LogicalPlan.AsofJoin a -> a.with(simplify(a.left()), simplify(a.right()), a.outputs());
            case Limit l -> {
                LogicalPlan child = simplify(l.child());
                if (child instanceof Limit inner) {
                    yield new Limit(inner.child(), Math.min(inner.n(), l.n()));
                }
                if (child instanceof Sort sort) {
                    yield topK(sort, l.n());
                }
                if (child instanceof Project proj && proj.child() instanceof Sort sort) {
                    // a projection computes one row per row: the limit may run below it
                    yield Project.of(topK(sort, l.n()), proj.exprs());
                }
                yield new Limit(child, l.n());
            }
        };
    }

    /** True if every expression of {@code p} is a column, possibly renamed. */
    private static boolean isRenaming(Project p) {
        for (Expr e : p.exprs()) {
            Expr inner = e instanceof Expr.Alias a ? a.child() : e;
            if (!(inner instanceof ColumnRef)) {
                return false;
            }
        }
        return true;
    }

    /** {@code outer} (a {@link #isRenaming} projection) over {@code inner}, as one projection. */
    private static Project compose(Project outer, Project inner) {
        List<Expr> exprs = new ArrayList<>();
        for (Expr e : outer.exprs()) {
            String column = ((ColumnRef) (e instanceof Expr.Alias a ? a.child() : e)).column();
            Expr source = null;
            for (Expr x : inner.exprs()) {
                if (x.name().equals(column)) {
                    source = x;
                }
            }
            Expr bare = source instanceof Expr.Alias a ? a.child() : source;
            exprs.add(bare.name().equals(e.name()) ? bare : bare.as(e.name()));
        }
        return Project.of(inner.child(), exprs);
    }

    /** True if every column {@code outer} reads passes through {@code p} under its name from below {@code inner}'s window columns. */
    private static boolean readsThrough(Project p, LogicalPlan.Window inner, LogicalPlan.Window outer) {
        for (Expr.WindowExpr f : outer.functions()) {
            for (String c : f.columns()) {
                if (!c.equals(p.sourceColumn(c)) || inner.names().contains(c)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * {@code outer} over {@code p} over {@code inner}, window nodes of the same partition and order: one node computing
     * both's functions (one sort, one pass), under a projection giving {@code outer}'s columns their names.
     */
    private static LogicalPlan mergeWindows(LogicalPlan.Window outer, Project p, LogicalPlan.Window inner) {
        Set<String> taken = new java.util.HashSet<>(inner.schema().names());
        taken.addAll(p.schema().names());
        taken.addAll(outer.names());
        List<Expr.WindowExpr> fns = new ArrayList<>(inner.functions());
        List<String> names = new ArrayList<>(inner.names());
        List<Expr> exprs = new ArrayList<>(p.exprs());
        int k = 0;
        for (int i = 0; i < outer.functions().size(); i++) {
            String n;
            do {
                n = "__window_" + k++;
            } while (taken.contains(n));
            taken.add(n);
            fns.add(outer.functions().get(i));
            names.add(n);
            exprs.add(new ColumnRef(n).as(outer.names().get(i)));
        }
        return Project.of(LogicalPlan.Window.of(inner.child(), fns, names), exprs);
    }

    private static Sort topK(Sort sort, long n) {
        return new Sort(sort.child(), sort.orders(), sort.limit() < 0 ? n : Math.min(n, sort.limit()));
    }

    /**
     * A filter over a join: each conjunct that reads only left columns moves into the left input
     * (for inner, left, semi, anti and cross joins, where a left row's output rows all carry its
     * values), each that reads only right columns under their own names into the right input (inner,
     * right, cross); the rest stays above the join.
     */
    private static LogicalPlan pushIntoJoin(LogicalPlan.Join join, Expr predicate) {
        LogicalPlan.Join j = splitCondition(join);
        org.spillway.frame.JoinType t = j.type();
        boolean leftOk = t != org.spillway.frame.JoinType.RIGHT && t != org.spillway.frame.JoinType.FULL;
        boolean rightOk = t == org.spillway.frame.JoinType.INNER || t == org.spillway.frame.JoinType.RIGHT
                || t == org.spillway.frame.JoinType.CROSS;
        List<Expr> toLeft = new ArrayList<>();
        List<Expr> toRight = new ArrayList<>();
        List<Expr> keep = new ArrayList<>();
        for (Expr c : conjuncts(predicate)) {
            Set<String> cols = c.columns();
            if (!cols.isEmpty() && leftOk && allFrom(j, cols, LogicalPlan.JoinSide.LEFT)) {
                toLeft.add(c);
            } else if (!cols.isEmpty() && rightOk && allFrom(j, cols, LogicalPlan.JoinSide.RIGHT)) {
                toRight.add(c);
            } else {
                keep.add(c);
            }
        }
        LogicalPlan left = toLeft.isEmpty() ? simplify(j.left()) : simplify(new Filter(j.left(), conjunction(toLeft)));
        LogicalPlan right = toRight.isEmpty() ? simplify(j.right()) : simplify(new Filter(j.right(), conjunction(toRight)));
        LogicalPlan joined = j.with(left, right, j.outputs());
        return keep.isEmpty() ? joined : new Filter(joined, conjunction(keep));
    }

    /**
     * A filter over an as-of join: each conjunct that reads only left columns (under their names) moves into the left
     * input, since an as-of join keeps every left row once and a left row's match does not depend on the other left
     * rows; the rest stays above the join.
     */
    private static LogicalPlan pushIntoAsofJoin(LogicalPlan.AsofJoin a, Expr predicate) {
        List<Expr> toLeft = new ArrayList<>();
        List<Expr> keep = new ArrayList<>();
        for (Expr c : conjuncts(predicate)) {
            Set<String> cols = c.columns();
            boolean left = !cols.isEmpty();
            for (String col : cols) {
                left &= a.outputs().stream().anyMatch(o -> o.name().equals(col) && o.side() == LogicalPlan.JoinSide.LEFT);
            }
            (left ? toLeft : keep).add(c);
        }
        LogicalPlan leftIn = toLeft.isEmpty() ? simplify(a.left()) : simplify(new Filter(a.left(), conjunction(toLeft)));
        LogicalPlan joined = a.with(leftIn, simplify(a.right()), a.outputs());
        return keep.isEmpty() ? joined : new Filter(joined, conjunction(keep));
    }

    /**
     * An as-of join producing only {@code required}: its inputs read the keys, the times and the columns kept. When no
     * right column is required the join is dropped: it keeps every left row once (in another order, which is unspecified).
     */
    private static LogicalPlan pruneAsofJoin(LogicalPlan.AsofJoin a, Set<String> required) {
        List<LogicalPlan.JoinColumn> kept = new ArrayList<>();
        Set<String> left = new LinkedHashSet<>();
        Set<String> right = new LinkedHashSet<>();
        boolean anyRight = false;
        for (LogicalPlan.JoinColumn c : a.outputs()) {
            if (required.contains(c.name())) {
                kept.add(c);
                if (c.side() == LogicalPlan.JoinSide.LEFT) {
                    left.add(c.left());
                } else {
                    right.add(c.right());
                    anyRight = true;
                }
            }
        }
        if (!anyRight) {
            return prune(a.left(), left);
        }
        left.addAll(a.leftKeys());
        left.add(a.leftTime());
        right.addAll(a.rightKeys());
        right.add(a.rightTime());
        return a.with(prune(a.left(), left), prune(a.right(), right), kept);
    }

    /**
     * A join's condition, split: each conjunct that reads only left columns (under their own names)
     * becomes a filter on the left input where a left row failing it could only have gone unmatched
     * and unmatched left rows are dropped (inner, right and semi joins), each that reads only right
     * columns a filter on the right input likewise (inner, left, semi and anti joins); the rest stays
     * the join's condition. A nested-loop join keeps at least one conjunct. The inputs are not simplified.
     */
    private static LogicalPlan.Join splitCondition(LogicalPlan.Join j) {
        if (j.condition() == null) {
            return j;
        }
        org.spillway.frame.JoinType t = j.type();
        boolean leftOk = t == org.spillway.frame.JoinType.INNER || t == org.spillway.frame.JoinType.RIGHT
                || t == org.spillway.frame.JoinType.SEMI;
        boolean rightOk = t == org.spillway.frame.JoinType.INNER || t == org.spillway.frame.JoinType.LEFT
                || t == org.spillway.frame.JoinType.SEMI || t == org.spillway.frame.JoinType.ANTI;
        List<Expr> toLeft = new ArrayList<>();
        List<Expr> toRight = new ArrayList<>();
        List<Expr> keep = new ArrayList<>();
        for (Expr c : conjuncts(j.condition())) {
            Set<String> cols = c.columns();
            if (!cols.isEmpty() && leftOk && conditionReads(j, cols, LogicalPlan.JoinSide.LEFT)) {
                toLeft.add(c);
            } else if (!cols.isEmpty() && rightOk && conditionReads(j, cols, LogicalPlan.JoinSide.RIGHT)) {
                toRight.add(c);
            } else {
                keep.add(c);
            }
        }
        if (keep.isEmpty() && j.leftKeys().isEmpty()) {
            // a join without keys needs a condition: one conjunct stays
            keep.add(toRight.isEmpty() ? toLeft.removeLast() : toRight.removeLast());
        }
        if (toLeft.isEmpty() && toRight.isEmpty()) {
            return j;
        }
        LogicalPlan left = toLeft.isEmpty() ? j.left() : new Filter(j.left(), conjunction(toLeft));
        LogicalPlan right = toRight.isEmpty() ? j.right() : new Filter(j.right(), conjunction(toRight));
        return j.withCondition(left, right, keep.isEmpty() ? null : conjunction(keep));
    }

    /** True if every column of {@code cols} is one the join's condition reads from {@code side} under its own name. */
    private static boolean conditionReads(LogicalPlan.Join j, Set<String> cols, LogicalPlan.JoinSide side) {
        for (String c : cols) {
            boolean ok = false;
            for (LogicalPlan.JoinColumn o : j.conditionColumns()) {
                if (o.name().equals(c)) {
                    ok = o.side() == side && c.equals(side == LogicalPlan.JoinSide.LEFT ? o.left() : o.right());
                    break;
                }
            }
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean allFrom(LogicalPlan.Join j, Set<String> cols, LogicalPlan.JoinSide side) {
        for (String c : cols) {
            boolean ok = false;
            for (LogicalPlan.JoinColumn o : j.outputs()) {
                if (o.name().equals(c)) {
                    String source = side == LogicalPlan.JoinSide.LEFT ? o.left() : o.right();
                    ok = o.side() == side && c.equals(source);
                    break;
                }
            }
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static List<Expr> conjuncts(Expr e) {
        List<Expr> out = new ArrayList<>();
        if (e instanceof org.spillway.frame.Expr.BinaryExpr b && b.op() == org.spillway.frame.Expr.BinaryExpr.Op.AND) {
            out.addAll(conjuncts(b.left()));
            out.addAll(conjuncts(b.right()));
        } else {
            out.add(e);
        }
        return out;
    }

    private static Expr conjunction(List<Expr> es) {
        Expr r = es.getFirst();
        for (int i = 1; i < es.size(); i++) {
            r = r.and(es.get(i));
        }
        return r;
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
            case GeneratorScan s -> required.containsAll(s.schema().names()) ? s : s.withColumns(required);
            case ParquetScan s -> required.containsAll(s.schema().names()) ? s : s.withColumns(required);
            case TableScan s -> required.containsAll(s.schema().names()) ? s : s.withColumns(required);
            case Filter f -> {
                Set<String> need = new LinkedHashSet<>(required);
                need.addAll(f.predicate().columns());
                yield new Filter(prune(f.child(), need), f.predicate());
            }
            case Limit l -> new Limit(prune(l.child(), required), l.n());
            case Sort s -> {
                if (required.isEmpty()) {
                    // nothing reads the rows' values (count()): their order does not matter
                    LogicalPlan child = prune(s.child(), required);
                    yield s.limit() < 0 ? child : new Limit(child, s.limit());
                }
                Set<String> need = new LinkedHashSet<>(required);
                for (org.spillway.frame.SortOrder o : s.orders()) {
                    need.addAll(o.expr().columns());
                }
                yield new Sort(prune(s.child(), need), s.orders(), s.limit());
            }
            case Union u -> {
                List<Expr> target = new ArrayList<>();
                for (String n : u.schema().names()) {
                    if (required.contains(n)) {
                        target.add(new ColumnRef(n));
                    }
                }
                List<LogicalPlan> in = new ArrayList<>();
                for (LogicalPlan c : u.children()) {
                    LogicalPlan pc = prune(c, required);
                    // every input must give the same columns in the same order
                    if (!pc.schema().names().equals(target.stream().map(Expr::name).toList())) {
                        pc = Project.of(pc, target);
                    }
                    in.add(pc);
                }
                yield new Union(in);
            }
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
            case LogicalPlan.Window w -> {
                // window columns nobody reads are not computed; a window keeps the rows, so with none left it goes
                List<Expr.WindowExpr> kept = new ArrayList<>();
                List<String> names = new ArrayList<>();
                Set<String> need = new LinkedHashSet<>(required);
                for (int i = 0; i < w.functions().size(); i++) {
                    need.remove(w.names().get(i));
                    if (required.contains(w.names().get(i))) {
                        kept.add(w.functions().get(i));
                        names.add(w.names().get(i));
                    }
                }
                if (kept.isEmpty()) {
                    yield prune(w.child(), need);
                }
                for (Expr.WindowExpr f : kept) {
                    need.addAll(f.columns());
                }
                yield LogicalPlan.Window.of(prune(w.child(), need), kept, names);
            }
            case LogicalPlan.Join j -> {
                List<LogicalPlan.JoinColumn> kept = new ArrayList<>();
                Set<String> left = new LinkedHashSet<>(j.leftKeys());
                Set<String> right = new LinkedHashSet<>(j.rightKeys());
                for (LogicalPlan.JoinColumn c : j.conditionColumns()) {
                    (c.side() == LogicalPlan.JoinSide.LEFT ? left : right).add(c.side() == LogicalPlan.JoinSide.LEFT ? c.left() : c.right());
                }
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
            case LogicalPlan.AsofJoin a -> pruneAsofJoin(a, required);
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
            case GeneratorScan s -> s;
            case ParquetScan s -> s;
            case TableScan s -> s;
            case Filter f -> {
                LogicalPlan child = WindowTopK.rewrite(f.predicate(), skipByStats(f.child()));
                if (child instanceof ChunkScan s && s.skipFilter() == null) {
                    child = new ChunkScan(s.frame(), s.projection(), f.predicate());
                }
                if (child instanceof ParquetScan s && s.skipFilter() == null) {
                    child = new ParquetScan(s.source(), s.projection(), f.predicate());
                }
                if (child instanceof TableScan s && s.skipFilter() == null) {
                    child = new TableScan(s.table(), s.projection(), f.predicate());
                }
                yield new Filter(child, f.predicate());
            }
            case Project p -> Project.of(skipByStats(p.child()), p.exprs());
            case Limit l -> new Limit(skipByStats(l.child()), l.n());
            case LogicalPlan.Aggregate a -> LogicalPlan.Aggregate.of(skipByStats(a.child()), a.keys(), a.aggs());
            case LogicalPlan.Join j -> j.with(skipByStats(j.left()), skipByStats(j.right()), j.outputs());
            case LogicalPlan.AsofJoin a -> a.with(skipByStats(a.left()), skipByStats(a.right()), a.outputs());
            case LogicalPlan.Window w -> LogicalPlan.Window.of(skipByStats(w.child()), w.functions(), w.names());
            case Sort s -> new Sort(skipByStats(s.child()), s.orders(), s.limit());
            case Union u -> new Union(u.children().stream().map(Optimizer::skipByStats).toList());
        };
    }
}
