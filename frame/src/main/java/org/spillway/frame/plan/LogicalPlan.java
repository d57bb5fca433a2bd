package org.spillway.frame.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.spillway.frame.Expr;
import org.spillway.frame.SpillwayException;
import org.spillway.frame.Expr.Alias;
import org.spillway.frame.Expr.ColumnRef;
import org.spillway.frame.io.CsvSource;
import org.spillway.frame.io.parquet.ParquetSource;
import org.spillway.frame.table.TableSnapshot;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.RowGenerator;
import org.spillway.spill.memory.MemoryBudget;

/**
 * A node of a frame's logical plan: what to compute, not how. Every {@code DataFrame} method adds a
 * node; the {@link Optimizer} rewrites the tree (merging filters, pushing projections into scans,
 * adding statistics-based chunk skipping) before the executor runs it. Nodes are immutable and
 * check their types when built, so a bad column name fails at the call that used it.
 */
public sealed interface LogicalPlan {
    /** The output columns. */
    Schema schema();

    /** The inputs (none for scans). */
    List<LogicalPlan> children();

    /** One line describing this node for {@code explain()}. */
    String describe();

    /** The tree as indented text, one node per line. */
    default String render() {
        StringBuilder sb = new StringBuilder();
        render(this, 0, sb);
        return sb.toString();
    }

    private static void render(LogicalPlan p, int depth, StringBuilder sb) {
        sb.append("  ".repeat(depth)).append(depth == 0 ? "" : "+- ").append(p.describe()).append('\n');
        for (LogicalPlan c : p.children()) {
            render(c, depth + 1, sb);
        }
    }

    /** A node with one input, {@link #child()}, which is all of its {@link #children()}. */
    sealed interface Unary extends LogicalPlan {
        /** The input. */
        LogicalPlan child();

        @Override
        default List<LogicalPlan> children() {
            return List.of(child());
        }
    }

    /** A one-input node whose output columns are its input's: it only keeps, drops or orders rows. */
    sealed interface SameSchema extends Unary {
        @Override
        default Schema schema() {
            return child().schema();
        }
    }

    /** The error for a negative row count given to {@code limit} (by {@link Limit} and {@link Sort}). */
    private static SpillwayException negativeLimit(long n) {
        return new SpillwayException("limit(" + n + "): the row count must not be negative");
    }

    /**
     * Reads CSV files. {@code projection} holds positions in the source schema (null: all columns).
     */
    record CsvScan(CsvSource source, int[] projection) implements LogicalPlan {
        /** Checks the projection. */
        public CsvScan {
            Objects.requireNonNull(source, "source");
        }

        @Override
        public Schema schema() {
            return projection == null ? source.schema() : source.schema().select(projection);
        }

        @Override
        public List<LogicalPlan> children() {
            return List.of();
        }

        @Override
        public String describe() {
            List<java.nio.file.Path> files = source.files();
            String what = files.size() == 1 ? files.getFirst().getFileName().toString()
                    : files.size() + " files in " + files.getFirst().getParent();
            return String.format(Locale.ROOT, "CsvScan %s (%s) columns=%s", what,
                    MemoryBudget.formatBytes(source.totalBytes()), schema().names());
        }

        /** The same scan reading only {@code names} (in source order). */
        CsvScan withColumns(java.util.Set<String> names) {
            return new CsvScan(source, narrow(source.schema(), projection, names));
        }
    }

    /**
     * Generates the rows of a {@link RowGenerator} when the plan runs, without storing them: a lazy source, so
     * {@code sw.scanGenerator(g).writeParquet(path)} streams any number of rows in the memory of a few chunks.
     * {@code projection} holds positions in the generator's schema (null: all); the generator still fills every
     * column, and only the projected ones are kept.
     */
    record GeneratorScan(RowGenerator generator, int[] projection) implements LogicalPlan {
        /** Checks the generator is given. */
        public GeneratorScan {
            Objects.requireNonNull(generator, "generator");
        }

        @Override
        public Schema schema() {
            return projection == null ? generator.schema() : generator.schema().select(projection);
        }

        @Override
        public List<LogicalPlan> children() {
            return List.of();
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "GeneratorScan %s (%,d rows) columns=%s", generator, generator.rows(),
                    schema().names());
        }

        GeneratorScan withColumns(java.util.Set<String> names) {
            return new GeneratorScan(generator, narrow(generator.schema(), projection, names));
        }
    }

    /**
     * Reads collected chunks. {@code projection} holds positions in the stored schema (null: all);
     * chunks whose statistics prove {@code skipFilter} false for every row are not read (null: read all).
     */
    record ChunkScan(StoredFrame frame, int[] projection, Expr skipFilter) implements LogicalPlan {
        @Override
        public Schema schema() {
            return projection == null ? frame.schema() : frame.schema().select(projection);
        }

        @Override
        public List<LogicalPlan> children() {
            return List.of();
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "ChunkScan %s (%,d rows in %d chunks) columns=%s%s", frame.name(), frame.rows(),
                    frame.chunkCount(), schema().names(), skipFilter == null ? "" : " skip-by-stats=" + skipFilter);
        }

        ChunkScan withColumns(java.util.Set<String> names) {
            return new ChunkScan(frame, narrow(frame.schema(), projection, names), skipFilter);
        }
    }

    /**
     * Reads Parquet files. {@code projection} holds positions in the source schema (null: all
     * columns); row groups (and pages, where the file has a page index) whose statistics prove
     * {@code skipFilter} false for every row are not read (null: read all). The rows of what is read
     * are still filtered by the {@link Filter} above.
     */
    record ParquetScan(ParquetSource source, int[] projection, Expr skipFilter) implements LogicalPlan {
        /** Checks the source is given. */
        public ParquetScan {
            Objects.requireNonNull(source, "source");
        }

        @Override
        public Schema schema() {
            return projection == null ? source.schema() : source.schema().select(projection);
        }

        @Override
        public List<LogicalPlan> children() {
            return List.of();
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "ParquetScan %s columns=%s%s", source.describe(), schema().names(),
                    skipFilter == null ? "" : " pushed=" + skipFilter + " (row-group statistics, page index" + equalities() + ")");
        }

        /** The filter's columns with bloom filters or dictionaries in the files: ", bloom filters of [a], dictionaries of [a, b]". */
        private String equalities() {
            List<String> bloom = source.bloomFilterColumns().stream().filter(skipFilter.columns()::contains).toList();
            List<String> dict = source.dictionaryColumns().stream().filter(skipFilter.columns()::contains).toList();
            return (bloom.isEmpty() ? "" : ", bloom filters of " + bloom) + (dict.isEmpty() ? "" : ", dictionaries of " + dict);
        }

        ParquetScan withColumns(java.util.Set<String> names) {
            return new ParquetScan(source, narrow(source.schema(), projection, names), skipFilter);
        }
    }

    /**
     * Reads a table snapshot (Delta, Iceberg, Hudi): its schema is the table's, and no data file is opened
     * until the plan runs. {@code projection} holds positions in the snapshot's schema (null: all); files
     * whose metadata statistics or partition values prove {@code skipFilter} false for every row are not
     * opened at all (see {@link TableSnapshot#scan}), and the rest are read as a {@link ParquetScan} with
     * the same filter. The rows of what is read are still filtered by the {@link Filter} above.
     */
    record TableScan(TableSnapshot table, int[] projection, Expr skipFilter) implements LogicalPlan {
        /** Checks the table is given. */
        public TableScan {
            Objects.requireNonNull(table, "table");
        }

        @Override
        public Schema schema() {
            return projection == null ? table.schema() : table.schema().select(projection);
        }

        @Override
        public List<LogicalPlan> children() {
            return List.of();
        }

        @Override
        public String describe() {
            return "TableScan " + table.describe() + " columns=" + schema().names() + (skipFilter == null ? ""
                    : " pushed=" + skipFilter + " (files by table statistics and partition values, then row groups, page index)");
        }

        TableScan withColumns(java.util.Set<String> names) {
            return new TableScan(table, narrow(table.schema(), projection, names), skipFilter);
        }
    }

    /** Keeps the rows where {@code predicate} is true (not false, not null). */
    record Filter(LogicalPlan child, Expr predicate) implements SameSchema {
        /** Checks that the predicate is boolean over the child's columns. */
        public Filter {
            DataType t = predicate.type(child.schema());
            if (t != DataType.BOOL) {
                throw new SpillwayException("filter() needs a bool condition, but " + predicate + " is " + t);
            }
        }

        @Override
        public String describe() {
            return "Filter " + predicate;
        }
    }

    /** Computes one output column per expression, named by {@link Expr#name()}. */
    record Project(LogicalPlan child, List<Expr> exprs, Schema schema) implements Unary {
        /** Builds a projection, checking types and that output names are unique. */
        public static Project of(LogicalPlan child, List<Expr> exprs) {
            Schema in = child.schema();
            List<Field> fields = new ArrayList<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (Expr e : exprs) {
                String name = e.name();
                if (!seen.add(name)) {
                    throw new SpillwayException("Duplicate output column '" + name + "' in select(" + exprs
                            + "); give one of them another name with .as(...)");
                }
                fields.add(new Field(name, e.type(in), e.metadata(in)));
            }
            return new Project(child, List.copyOf(exprs), new Schema(fields));
        }

        /** True if every output is an input column under its own name, in any order. */
        public boolean isPassthrough() {
            for (Expr e : exprs) {
                if (!(e instanceof ColumnRef)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String describe() {
            return "Project " + exprs;
        }

        /** The input column an output passes through unchanged (a plain or renamed reference), or null. */
        public String sourceColumn(String output) {
            for (Expr e : exprs) {
                if (e.name().equals(output)) {
                    if (e instanceof ColumnRef c) {
                        return c.column();
                    }
                    if (e instanceof Alias a && a.child() instanceof ColumnRef c) {
                        return c.column();
                    }
                    return null;
                }
            }
            return null;
        }
    }

    /** The first {@code n} rows, in input order. */
    record Limit(LogicalPlan child, long n) implements SameSchema {
        /** Checks n. */
        public Limit {
            if (n < 0) {
                throw negativeLimit(n);
            }
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "Limit %,d", n);
        }
    }

    /**
     * Groups by {@code keys} and computes {@code aggs} per group (one row per distinct key); with no
     * keys, one row for the whole input. The output holds the keys, then the aggregates.
     */
    record Aggregate(LogicalPlan child, List<Expr> keys, List<org.spillway.frame.AggregateExpr> aggs, Schema schema)
            implements Unary {
        /** Builds the node, checking types and that output names are unique. */
        public static Aggregate of(LogicalPlan child, List<Expr> keys, List<org.spillway.frame.AggregateExpr> aggs) {
            Schema in = child.schema();
            List<Field> fields = new ArrayList<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (Expr k : keys) {
                if (!seen.add(k.name())) {
                    throw new SpillwayException("Duplicate grouping column '" + k.name() + "'");
                }
                fields.add(new Field(k.name(), k.type(in)));
            }
            List<org.spillway.frame.AggregateExpr> typed = new ArrayList<>();
            for (org.spillway.frame.AggregateExpr a0 : aggs) {
                org.spillway.frame.AggregateExpr a = a0.decimalsAsDouble(in);
                typed.add(a);
                if (a.kind() == org.spillway.frame.AggregateExpr.Kind.TOP_K && aggs.size() > 1) {
                    throw new SpillwayException("topK(...) makes several rows per group and cannot be combined with "
                            + "other aggregates; join its result with a separate agg(...) instead");
                }
                if (!seen.add(a.name())) {
                    throw new SpillwayException("Duplicate output column '" + a.name() + "' in agg(...); name the"
                            + " aggregates apart with .as(...)");
                }
                fields.add(new Field(a.name(), a.type(in)));
            }
            return new Aggregate(child, List.copyOf(keys), List.copyOf(typed), new Schema(fields));
        }

        @Override
        public String describe() {
            List<String> as = new ArrayList<>();
            for (org.spillway.frame.AggregateExpr a : aggs) {
                as.add(a.name().equals(a.toString()) ? a.toString() : a + " AS " + a.name());
            }
            return "Aggregate keys=" + keys + " aggs=" + as;
        }
    }

    /**
     * Orders the rows by {@code orders} (the first key first; equal keys keep their input order, so
     * the sort is stable). With {@code limit >= 0} only the first {@code limit} rows of that order
     * are produced (top-k, planned from a limit over a sort); {@code -1} sorts everything.
     */
    record Sort(LogicalPlan child, List<org.spillway.frame.SortOrder> orders, long limit) implements SameSchema {
        /** Checks that there is a key, that every key is over the child's columns, and the limit. */
        public Sort {
            orders = List.copyOf(orders);
            if (orders.isEmpty()) {
                throw new SpillwayException("sort() needs at least one column or SortOrder, e.g. sort(\"a\") or sort(desc(\"a\"))");
            }
            for (org.spillway.frame.SortOrder o : orders) {
                o.expr().type(child.schema()); // fails naming the column
            }
            if (limit < -1) {
                throw negativeLimit(limit);
            }
        }

        @Override
        public String describe() {
            return limit < 0 ? "Sort " + orders : String.format(Locale.ROOT, "TopK %,d %s", limit, orders);
        }
    }

    /**
     * The rows of every child, one after the other (SQL's {@code UNION ALL}: duplicates kept).
     * All children have the same schema (names and types); {@code DataFrame.union} renames or
     * reorders the other side's columns with a projection first.
     */
    record Union(List<LogicalPlan> children) implements LogicalPlan {
        /** Checks that there are children and that their schemas are equal. */
        public Union {
            children = List.copyOf(children);
            if (children.size() < 2) {
                throw new SpillwayException("A union needs at least two inputs, got " + children.size());
            }
            Schema first = children.getFirst().schema();
            for (LogicalPlan c : children) {
                if (!c.schema().sameNamesAndTypes(first)) {
                    throw new SpillwayException("Union inputs must have equal schemas, but " + c.schema() + " differs from " + first);
                }
            }
        }

        @Override
        public Schema schema() {
            return children.getFirst().schema();
        }

        @Override
        public String describe() {
            return "Union (all, " + children.size() + " inputs)";
        }
    }

    /** Where a join's output column comes from. */
    enum JoinSide {
        /** The left row's column (null for a right row without a match). */
        LEFT,
        /** The right row's column (null for a left row without a match). */
        RIGHT,
        /** A {@code USING} key of a full join: the left key, or the right one for an unmatched right row. */
        KEY
    }

    /**
     * One output column of a join: its name, type, and source ({@code left} and/or {@code right}
     * column names, by {@code side}).
     */
    record JoinColumn(String name, DataType type, JoinSide side, String left, String right) {
    }

    /**
     * Joins {@code left} and {@code right} where {@code leftKeys} equal {@code rightKeys} pairwise
     * and {@code condition} (null: none) is true for the pair (no keys for a cross join; none but a
     * condition for a nested-loop join). The output columns are listed in {@code outputs}; the
     * condition reads {@code conditionColumns}, named as it refers to them (see
     * {@link org.spillway.frame.JoinOn}), each from one side.
     */
    record Join(LogicalPlan left, LogicalPlan right, List<String> leftKeys, List<String> rightKeys,
                org.spillway.frame.JoinType type, List<JoinColumn> outputs, Expr condition, List<JoinColumn> conditionColumns,
                Schema schema) implements LogicalPlan {

        /**
         * Builds a join: checks the keys (present on their side, comparable types) and lays out the
         * output: a {@code USING} join keeps each key once, in the left's position; right columns
         * whose names clash get {@code suffix}; semi and anti joins keep the left columns only.
         */
        public static Join of(LogicalPlan left, LogicalPlan right, List<String> leftKeys, List<String> rightKeys,
                              boolean using, org.spillway.frame.JoinType type, String suffix) {
            return of(left, right, leftKeys, rightKeys, using, type, suffix, null);
        }

        /**
         * As {@link #of(LogicalPlan, LogicalPlan, List, List, boolean, org.spillway.frame.JoinType, String)},
         * with an extra {@code condition} (null: none) on each pair of rows whose keys match, which may be
         * the only condition (no keys: a nested-loop join). The condition names the columns as an inner
         * join's output does; it must be bool. Each conjunct {@code a = b} of a left and a right column of
         * joinable types becomes a pair of keys.
         */
        public static Join of(LogicalPlan left, LogicalPlan right, List<String> leftKeys, List<String> rightKeys,
                              boolean using, org.spillway.frame.JoinType type, String suffix, Expr condition) {
            Objects.requireNonNull(type, "type");
            Schema ls = left.schema();
            Schema rs = right.schema();
            if (type == org.spillway.frame.JoinType.CROSS) {
                if (!leftKeys.isEmpty() || condition != null) {
                    throw new SpillwayException("A cross join takes no keys and no condition; for a join on a condition use INNER");
                }
            } else if (leftKeys.isEmpty() && condition == null) {
                throw new SpillwayException("A " + type + " join needs at least one key or a condition");
            }
            List<DataType> keyTypes = new ArrayList<>();
            for (int i = 0; i < leftKeys.size(); i++) {
                String l = leftKeys.get(i);
                String r = rightKeys.get(i);
                if (!ls.contains(l)) {
                    throw new org.spillway.frame.ColumnNotFoundException(l, ls.names());
                }
                if (!rs.contains(r)) {
                    throw new org.spillway.frame.ColumnNotFoundException(r, rs.names());
                }
                DataType lt = ls.type(ls.indexOf(l));
                DataType rt = rs.type(rs.indexOf(r));
                if (!joinable(lt, rt)) {
                    throw new SpillwayException("Cannot join " + lt.displayName() + " column '" + l + "' with "
                            + rt.displayName() + " column '" + r + "'; cast one side first, e.g. col(\"" + r
                            + "\").cast(DataType." + lt.name() + ")");
                }
                keyTypes.add(lt == rt ? lt : DataType.INT64);
            }
            List<JoinColumn> out = new ArrayList<>();
            java.util.Set<String> names = new java.util.HashSet<>();
            boolean leftOnly = type == org.spillway.frame.JoinType.SEMI || type == org.spillway.frame.JoinType.ANTI;
            for (int i = 0; i < ls.size(); i++) {
                String n = ls.field(i).name();
                int k = using ? leftKeys.indexOf(n) : -1;
                if (k >= 0 && type == org.spillway.frame.JoinType.RIGHT) {
                    out.add(new JoinColumn(n, keyTypes.get(k), JoinSide.RIGHT, null, rightKeys.get(k)));
                } else if (k >= 0 && type == org.spillway.frame.JoinType.FULL) {
                    out.add(new JoinColumn(n, keyTypes.get(k), JoinSide.KEY, n, rightKeys.get(k)));
                } else if (k >= 0 && !leftOnly) {
                    out.add(new JoinColumn(n, keyTypes.get(k), JoinSide.LEFT, n, null));
                } else {
                    out.add(new JoinColumn(n, ls.type(i), JoinSide.LEFT, n, null));
                }
                names.add(n);
            }
            List<JoinColumn> rightColumns = rightColumns(ls, rs, rightKeys, using, suffix);
            if (!leftOnly) {
                out.addAll(rightColumns);
            }
            List<String> lk = new ArrayList<>(leftKeys);
            List<String> rk = new ArrayList<>(rightKeys);
            Expr rest = null;
            List<JoinColumn> seen = List.of();
            if (condition != null) {
                // the condition sees a pair as an inner join's output names it
                List<JoinColumn> visible = new ArrayList<>();
                for (int i = 0; i < ls.size(); i++) {
                    visible.add(new JoinColumn(ls.field(i).name(), ls.type(i), JoinSide.LEFT, ls.field(i).name(), null));
                }
                visible.addAll(rightColumns);
                rest = checkCondition(condition, visible, suffix);
                List<Expr> kept = new ArrayList<>();
                for (Expr c : conjuncts(rest)) {
                    JoinColumn[] pair = equiPair(c, visible);
                    if (pair != null && lk.size() < 64) {
                        lk.add(pair[0].left());
                        rk.add(pair[1].right());
                    } else {
                        kept.add(c);
                    }
                }
                rest = conjunction(kept);
                seen = rest == null ? List.of() : referenced(visible, rest);
            }
            if (lk.size() > 64) {
                throw new SpillwayException("A join takes at most 64 key columns, not " + lk.size());
            }
            return of(left, right, lk, rk, type, out, rest, seen);
        }

        private static boolean joinable(DataType a, DataType b) {
            return a == b || (a.isIntegral() && b.isIntegral());
        }

        /** The right columns of a join's output, in order: a {@code USING} key left out, a clashing name suffixed. */
        static List<JoinColumn> rightColumns(Schema ls, Schema rs, List<String> rightKeys, boolean using, String suffix) {
            List<JoinColumn> out = new ArrayList<>();
            java.util.Set<String> names = new java.util.HashSet<>(ls.names());
            for (int i = 0; i < rs.size(); i++) {
                String n = rs.field(i).name();
                if (using && rightKeys.contains(n)) {
                    continue;
                }
                String name = n;
                if (names.contains(name)) {
                    name = n + suffix;
                    if (names.contains(name) || rs.contains(name)) {
                        throw new SpillwayException("Right column '" + n + "' clashes with a left column, and '" + name
                                + "' is taken too; rename one of them, or pass another suffix to join(...)");
                    }
                }
                names.add(name);
                out.add(new JoinColumn(name, rs.type(i), JoinSide.RIGHT, null, n));
            }
            return out;
        }

        /** Checks that {@code condition} is a bool over the columns it may see; returns it. */
        private static Expr checkCondition(Expr condition, List<JoinColumn> visible, String suffix) {
            Schema s = new Schema(visible.stream().map(c -> new Field(c.name(), c.type())).toList());
            DataType t;
            try {
                t = condition.type(s);
            } catch (org.spillway.frame.ColumnNotFoundException e) {
                org.spillway.frame.ColumnNotFoundException x = new org.spillway.frame.ColumnNotFoundException(e.column(), s.names(),
                        "a join condition reads the columns of both sides as the joined row names them (a right column"
                                + " whose name is also a left column's with the suffix '" + suffix + "'): " + condition);
                x.initCause(e);
                throw x;
            }
            if (t != DataType.BOOL) {
                throw new SpillwayException("A join condition must be bool, but " + condition + " is " + t.displayName());
            }
            return condition;
        }

        /** For {@code a = b} of a left and a right column (either order) of joinable types: {left, right}; else null. */
        private static JoinColumn[] equiPair(Expr c, List<JoinColumn> visible) {
            if (!(c instanceof Expr.BinaryExpr b) || b.op() != Expr.BinaryExpr.Op.EQ
                    || !(b.left() instanceof ColumnRef x) || !(b.right() instanceof ColumnRef y)) {
                return null;
            }
            JoinColumn cx = find(visible, x.column());
            JoinColumn cy = find(visible, y.column());
            if (cx == null || cy == null || cx.side() == cy.side() || !joinable(cx.type(), cy.type())) {
                return null;
            }
            return cx.side() == JoinSide.LEFT ? new JoinColumn[] {cx, cy} : new JoinColumn[] {cy, cx};
        }

        private static JoinColumn find(List<JoinColumn> cs, String name) {
            for (JoinColumn c : cs) {
                if (c.name().equals(name)) {
                    return c;
                }
            }
            return null;
        }

        /** The columns of {@code visible} that {@code condition} reads, in order. */
        private static List<JoinColumn> referenced(List<JoinColumn> visible, Expr condition) {
            java.util.Set<String> cols = condition.columns();
            return visible.stream().filter(c -> cols.contains(c.name())).toList();
        }

        /** The conjuncts of {@code e} ({@code a AND b AND c} gives three). */
        static List<Expr> conjuncts(Expr e) {
            List<Expr> out = new ArrayList<>();
            if (e instanceof Expr.BinaryExpr b && b.op() == Expr.BinaryExpr.Op.AND) {
                out.addAll(conjuncts(b.left()));
                out.addAll(conjuncts(b.right()));
            } else if (e != null) {
                out.add(e);
            }
            return out;
        }

        /** {@code es} joined by AND; null for none. */
        static Expr conjunction(List<Expr> es) {
            Expr r = null;
            for (Expr e : es) {
                r = r == null ? e : r.and(e);
            }
            return r;
        }

        static Join of(LogicalPlan left, LogicalPlan right, List<String> leftKeys, List<String> rightKeys,
                       org.spillway.frame.JoinType type, List<JoinColumn> outputs, Expr condition, List<JoinColumn> conditionColumns) {
            List<Field> fields = new ArrayList<>();
            for (JoinColumn c : outputs) {
                // a column taken from one side keeps that column's metadata; a coalesced key has none
                java.util.Map<String, String> meta = switch (c.side()) {
                    case LEFT -> metadataOf(left.schema(), c.left());
                    case RIGHT -> metadataOf(right.schema(), c.right());
                    default -> java.util.Map.of();
                };
                fields.add(new Field(c.name(), c.type(), meta));
            }
            return new Join(left, right, List.copyOf(leftKeys), List.copyOf(rightKeys), type, List.copyOf(outputs), condition,
                    List.copyOf(conditionColumns), new Schema(fields));
        }

        private static java.util.Map<String, String> metadataOf(Schema s, String column) {
            int i = column == null ? -1 : s.indexOf(column);
            return i < 0 ? java.util.Map.of() : s.field(i).metadata();
        }

        /** The same join over new inputs (which must hold the columns it reads), producing only {@code kept}. */
        Join with(LogicalPlan newLeft, LogicalPlan newRight, List<JoinColumn> kept) {
            return of(newLeft, newRight, leftKeys, rightKeys, type, kept, condition, conditionColumns);
        }

        /** The same join over new inputs with the condition {@code newCondition} (a part of this one's, or null). */
        Join withCondition(LogicalPlan newLeft, LogicalPlan newRight, Expr newCondition) {
            List<JoinColumn> cols = newCondition == null ? List.of() : referenced(conditionColumns, newCondition);
            return of(newLeft, newRight, leftKeys, rightKeys, type, outputs, newCondition, cols);
        }

        /** The schema of the columns the condition reads, as it names them (empty without a condition). */
        public Schema conditionSchema() {
            return new Schema(conditionColumns.stream().map(c -> new Field(c.name(), c.type())).toList());
        }

        /** True for a join on a condition alone (no equality keys): a nested loop over the right side. */
        public boolean isNestedLoop() {
            return leftKeys.isEmpty() && condition != null;
        }

        @Override
        public List<LogicalPlan> children() {
            return List.of(left, right);
        }

        @Override
        public String describe() {
            if (type == org.spillway.frame.JoinType.CROSS) {
                return "Join CROSS";
            }
            if (isNestedLoop()) {
                return "NestedLoopJoin " + type + " on " + condition;
            }
            StringBuilder sb = new StringBuilder("Join ").append(type).append(" on ");
            for (int i = 0; i < leftKeys.size(); i++) {
                sb.append(i == 0 ? "" : " AND ").append(leftKeys.get(i)).append(" = ").append(rightKeys.get(i));
            }
            if (condition != null) {
                sb.append(" AND ").append(condition);
            }
            return sb.toString();
        }
    }

    /**
     * Window functions sharing one partition and order ({@link org.spillway.frame.WindowSpec#sortKey()}): the input's
     * columns, then one column per function, named {@code names}. Runs as a sort by (partition keys, order keys) and one
     * streaming pass; its rows come in that order. Built by {@link WindowPlanner} from the window expressions of a
     * {@code select}/{@code withColumn}. With {@link #topK()} set (by {@link WindowTopK}, under a filter such as
     * {@code n <= k} on a {@code rowNumber}/{@code rank} column) only the first rows of each partition are kept
     * before the sort.
     */
    record Window(LogicalPlan child, List<Expr.WindowExpr> functions, List<String> names, Schema schema, TopK topK)
            implements Unary {
        /**
         * A per-partition top-k before the sort: the {@code k} first rows of each partition in the window's order, with
         * every row tied with the k-th too when {@code withTies} (for {@code rank}); {@code filter} is the filter
         * that makes it exact (for {@code explain}).
         */
        public record TopK(long k, boolean withTies, String filter) {
        }

        /** This node keeping only the first rows per partition (see {@link TopK}). */
        public Window withTopK(TopK topK) {
            return new Window(child, functions, names, schema, topK);
        }

        /** Builds the node: checks that every function shares the first one's partition and order, and the columns. */
        public static Window of(LogicalPlan child, List<Expr.WindowExpr> functions, List<String> names) {
            if (functions.isEmpty() || functions.size() != names.size()) {
                throw new IllegalArgumentException("a window node needs one name per function, and a function");
            }
            Schema in = child.schema();
            String key = functions.getFirst().window().sortKey();
            for (String k : functions.getFirst().window().partitionKeys()) {
                if (!in.contains(k)) {
                    throw new org.spillway.frame.ColumnNotFoundException(k, in.names());
                }
            }
            for (org.spillway.frame.SortOrder o : functions.getFirst().window().orderKeys()) {
                o.expr().type(in);
            }
            List<Field> fields = new ArrayList<>(in.fields());
            for (int i = 0; i < functions.size(); i++) {
                Expr.WindowExpr w = functions.get(i);
                if (!w.window().sortKey().equals(key)) {
                    throw new IllegalArgumentException("window functions of one node share partition and order: " + functions);
                }
                w.window().checkFrame(in);
                if (in.contains(names.get(i))) {
                    throw new SpillwayException("window column name " + names.get(i) + " clashes with an input column");
                }
                fields.add(new Field(names.get(i), w.function().type(in)));
            }
            return new Window(child, List.copyOf(functions), List.copyOf(names), new Schema(fields), null);
        }

        /** The partition and order (the frames are the functions'). */
        public org.spillway.frame.WindowSpec spec() {
            return functions.getFirst().window();
        }

        @Override
        public String describe() {
            org.spillway.frame.WindowSpec w = spec();
            List<String> fs = new ArrayList<>();
            for (int i = 0; i < functions.size(); i++) {
                Expr.WindowExpr f = functions.get(i);
                String frame = f.window().frameText().isEmpty() ? "" : " " + f.window().frameText();
                fs.add(f.function() + frame + " AS " + names.get(i));
            }
            return "Window partitionBy=" + w.partitionKeys() + " orderBy=" + w.orderKeys() + " " + fs
                    + (topK == null ? "" : " topK=" + topK.k() + (topK.withTies() ? " with ties" : "") + " per partition (for "
                    + topK.filter() + ")");
        }
    }

    /**
     * An as-of join ({@code DataFrame.joinAsof}): a left join in which each left row gets at most one right row, the one
     * of equal {@code leftKeys}/{@code rightKeys} whose {@code rightTime} is the closest to the row's {@code leftTime} in
     * the direction of {@code options} (within its tolerance), or nulls. The output is the left columns, then the right
     * ones ({@code outputs}, laid out as {@link Join}'s: a {@code USING} key once, a clashing right name suffixed). Built
     * and checked by {@link AsofJoins#of}; runs as a sort of both sides by (keys, time) and a streaming merge.
     */
    record AsofJoin(LogicalPlan left, LogicalPlan right, List<String> leftKeys, List<String> rightKeys, String leftTime,
                    String rightTime, org.spillway.frame.AsofOptions options, List<JoinColumn> outputs, Schema schema)
            implements LogicalPlan {
        /** The same join over new inputs (which must hold the columns it reads), producing only {@code kept}. */
        AsofJoin with(LogicalPlan newLeft, LogicalPlan newRight, List<JoinColumn> kept) {
            return AsofJoins.withOutputs(this, newLeft, newRight, kept);
        }

        @Override
        public List<LogicalPlan> children() {
            return List.of(left, right);
        }

        @Override
        public String describe() {
            return AsofJoins.describe(this);
        }
    }

    /** The positions (in {@code full}, source order) of the projected columns named in {@code names}. */
    private static int[] narrow(Schema full, int[] projection, java.util.Set<String> names) {
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < full.size(); i++) {
            if (names.contains(full.field(i).name()) && (projection == null || contains(projection, i))) {
                keep.add(i);
            }
        }
        return keep.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }
}
