package org.spillway.frame.delta;

import com.fasterxml.jackson.databind.node.ObjectNode;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Expr;
import org.spillway.frame.Functions;
import org.spillway.frame.JoinOn;
import org.spillway.frame.JoinType;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.parquet.ParquetSource;
import org.spillway.spill.Schema;

/**
 * A MERGE into a Delta table, built as Delta's Java API builds it:
 *
 * <pre>{@code
 * t.merge(updates, on("id"))
 *  .whenMatched(col("source.deleted")).delete()
 *  .whenMatched().updateAll()
 *  .whenNotMatched().insertAll()
 *  .whenNotMatchedBySource().delete()
 *  .execute();                      // MergeResult: rows inserted, updated, deleted; the version
 * }</pre>
 *
 * <p>In conditions and values, the target's columns are named as they are ({@code col("amount")})
 * and the source's with the prefix {@code source.} ({@code col("source.amount")}). Clauses of one
 * kind are tried in order; a row takes the first whose condition holds. A target row matched by
 * more than one source row is an error when a matched clause exists (as in Delta). Runs as
 * Spillway's out-of-core joins (the target with each row's file and position, the source renamed),
 * then commits like {@link DeltaTable#delete}: the changed target rows are deleted (deletion vectors
 * or rewritten files) and the updated and inserted rows written to new files, in one version.
 */
public final class DeltaMergeBuilder {
    /** What a MERGE did. */
    public record MergeResult(long inserted, long updated, long deleted, long version) {
    }

    private enum Kind { MATCHED, NOT_MATCHED, NOT_MATCHED_BY_SOURCE }

    /** A clause: its kind, condition (null: always), and what it does (delete, or the values to set). */
    private record Clause(Kind kind, Expr condition, boolean delete, boolean all, Map<String, Expr> values) {
    }

    private final Spillway sw;
    private final DeltaLog log;
    private final DataFrame source;
    private final JoinOn on;
    private final List<Clause> clauses = new ArrayList<>();

    DeltaMergeBuilder(Spillway sw, DeltaLog log, DataFrame source, JoinOn on) {
        this.sw = sw;
        this.log = log;
        this.source = Objects.requireNonNull(source, "source");
        this.on = Objects.requireNonNull(on, "on");
    }

    /** Target rows that have a matching source row. */
    public Matched whenMatched() {
        return new Matched(null);
    }

    /** Target rows that have a matching source row and satisfy {@code condition}. */
    public Matched whenMatched(Expr condition) {
        return new Matched(condition);
    }

    /** Source rows without a matching target row. */
    public NotMatched whenNotMatched() {
        return new NotMatched(null);
    }

    /** Source rows without a matching target row that satisfy {@code condition}. */
    public NotMatched whenNotMatched(Expr condition) {
        return new NotMatched(condition);
    }

    /** Target rows without a matching source row. */
    public NotMatchedBySource whenNotMatchedBySource() {
        return new NotMatchedBySource(null);
    }

    /** Target rows without a matching source row that satisfy {@code condition}. */
    public NotMatchedBySource whenNotMatchedBySource(Expr condition) {
        return new NotMatchedBySource(condition);
    }

    /** The actions of a {@code whenMatched} clause. */
    public final class Matched {
        private final Expr condition;

        private Matched(Expr condition) {
            this.condition = condition;
        }

        /** Sets every target column to the source column of its name. */
        public DeltaMergeBuilder updateAll() {
            clauses.add(new Clause(Kind.MATCHED, condition, false, true, Map.of()));
            return DeltaMergeBuilder.this;
        }

        /** Sets the named target columns (the others keep their values). */
        public DeltaMergeBuilder update(Map<String, Expr> set) {
            clauses.add(new Clause(Kind.MATCHED, condition, false, false, Map.copyOf(set)));
            return DeltaMergeBuilder.this;
        }

        /** Deletes the target row. */
        public DeltaMergeBuilder delete() {
            clauses.add(new Clause(Kind.MATCHED, condition, true, false, Map.of()));
            return DeltaMergeBuilder.this;
        }
    }

    /** The actions of a {@code whenNotMatched} clause. */
    public final class NotMatched {
        private final Expr condition;

        private NotMatched(Expr condition) {
            this.condition = condition;
        }

        /** Inserts the source row (target columns the source lacks are null). */
        public DeltaMergeBuilder insertAll() {
            clauses.add(new Clause(Kind.NOT_MATCHED, condition, false, true, Map.of()));
            return DeltaMergeBuilder.this;
        }

        /** Inserts a row of the given values (other columns null). */
        public DeltaMergeBuilder insert(Map<String, Expr> values) {
            clauses.add(new Clause(Kind.NOT_MATCHED, condition, false, false, Map.copyOf(values)));
            return DeltaMergeBuilder.this;
        }
    }

    /** The actions of a {@code whenNotMatchedBySource} clause. */
    public final class NotMatchedBySource {
        private final Expr condition;

        private NotMatchedBySource(Expr condition) {
            this.condition = condition;
        }

        /** Sets the named target columns. */
        public DeltaMergeBuilder update(Map<String, Expr> set) {
            clauses.add(new Clause(Kind.NOT_MATCHED_BY_SOURCE, condition, false, false, Map.copyOf(set)));
            return DeltaMergeBuilder.this;
        }

        /** Deletes the target row. */
        public DeltaMergeBuilder delete() {
            clauses.add(new Clause(Kind.NOT_MATCHED_BY_SOURCE, condition, true, false, Map.of()));
            return DeltaMergeBuilder.this;
        }
    }

    /** Runs the merge as one commit. */
    public MergeResult execute() {
        if (clauses.isEmpty()) {
            throw new DeltaException("A merge into " + log.table + " needs at least one when... clause");
        }
        Snapshot snap = Snapshot.load(log, log.commitVersions().last());
        DeltaWriter.checkWritable(snap, SaveMode.APPEND);
        Schema table = snap.schema();
        List<String> targetKeys = on.leftKeys();
        List<String> sourceKeys = on.rightKeys();
        for (String k : targetKeys) {
            if (table.indexOf(k) < 0) {
                throw new DeltaException("Merge into " + log.table + ": the key '" + k + "' is not a column of the table " + table.names());
            }
        }
        boolean useDv = DeltaDelete.useDeletionVectors(snap);
        List<Action.AddFile> candidates = snap.addFiles();
        if (of(Kind.NOT_MATCHED_BY_SOURCE).isEmpty()) {
            // only target files whose key ranges (in the log's statistics) meet the source's can hold a match
            candidates = DeltaStats.prune(snap, candidates, keyRange(targetKeys, sourceKeys));
        }
        DeltaTable.Scan scan = DeltaTable.scan(snap, candidates);
        ParquetSource src = scan.source().withRowIndex();
        List<String> targetCols = new ArrayList<>(table.names());
        targetCols.add(ParquetSource.FILE_INDEX);
        targetCols.add(ParquetSource.ROW_INDEX);
        DataFrame target = sw.readParquet(src).select(targetCols.toArray(String[]::new));
        List<Expr> renamed = new ArrayList<>();
        for (String c : source.schema().names()) {
            renamed.add(Functions.col(c).as("source." + c));
        }
        DataFrame s = source.select(renamed.toArray(Expr[]::new));
        JoinOn targetToSource = Functions.on(Functions.col(targetKeys.getFirst()), Functions.col("source." + sourceKeys.getFirst()));
        JoinOn sourceToTarget = Functions.on(Functions.col("source." + sourceKeys.getFirst()), Functions.col(targetKeys.getFirst()));
        for (int i = 1; i < targetKeys.size(); i++) {
            targetToSource = targetToSource.and(Functions.col(targetKeys.get(i)), Functions.col("source." + sourceKeys.get(i)));
            sourceToTarget = sourceToTarget.and(Functions.col("source." + sourceKeys.get(i)), Functions.col(targetKeys.get(i)));
        }
        Map<Integer, LongArrayList> removed = new HashMap<>();
        List<DataFrame> newRows = new ArrayList<>();
        List<DeltaChangeData.Change> changes = new ArrayList<>();
        long updated = 0;
        long deleted = 0;
        long inserted = 0;
        // matched
        List<Clause> matched = of(Kind.MATCHED);
        if (!matched.isEmpty()) {
            DataFrame m = target.join(s, targetToSource, JoinType.INNER);
            long dups = m.groupBy(ParquetSource.FILE_INDEX, ParquetSource.ROW_INDEX).agg(Functions.count().as("n"))
                    .filter(Functions.col("n").gt(1)).count();
            if (dups > 0) {
                throw new DeltaException("Merge into " + log.table + ": " + dups + " target rows match more than one source row; a"
                        + " matched row can be updated or deleted once only. Deduplicate the source on " + sourceKeys
                        + " (or use upsert); the table is unchanged");
            }
            long[] counts = apply(m.withColumn("__merge_action", action(matched)), matched, snap, removed, newRows, changes);
            updated += counts[0];
            deleted += counts[1];
        }
        // not matched by source: target rows without a source row
        List<Clause> bySource = of(Kind.NOT_MATCHED_BY_SOURCE);
        if (!bySource.isEmpty()) {
            DataFrame b = target.join(s, targetToSource, JoinType.ANTI);
            long[] counts = apply(b.withColumn("__merge_action", action(bySource)), bySource, snap, removed, newRows, changes);
            updated += counts[0];
            deleted += counts[1];
        }
        // not matched: source rows without a target row
        List<Clause> notMatched = of(Kind.NOT_MATCHED);
        if (!notMatched.isEmpty()) {
            DataFrame n = s.join(target, sourceToTarget, JoinType.ANTI).withColumn("__merge_action", action(notMatched));
            for (int i = 0; i < notMatched.size(); i++) {
                Clause c = notMatched.get(i);
                DataFrame rows = n.filter(Functions.col("__merge_action").eq(i + 1));
                Map<String, Expr> values = c.all() ? allFromSource(table, s.schema()) : c.values();
                Expr[] proj = DeltaUpdates.projection(snap, values, rows.schema(), name -> Functions.lit(null));
                DataFrame ins = rows.select(proj);
                newRows.add(ins);
                changes.add(new DeltaChangeData.Change(ins, "insert"));
                inserted += ins.count();
            }
        }
        if (removed.isEmpty() && newRows.stream().allMatch(f -> f.count() == 0)) {
            return new MergeResult(0, 0, 0, -1);
        }
        DataFrame all = null;
        for (DataFrame f : newRows) {
            all = all == null ? f : all.union(f);
        }
        ObjectNode params = DeltaSchemas.JSON.createObjectNode();
        params.put("predicate", DeltaSchemas.JSON.valueToTree(List.of(on.toString())).toString());
        Map<String, String> metrics = new LinkedHashMap<>();
        metrics.put("numTargetRowsInserted", Long.toString(inserted));
        metrics.put("numTargetRowsUpdated", Long.toString(updated));
        metrics.put("numTargetRowsDeleted", Long.toString(deleted));
        DeltaDelete.Result r = DeltaDelete.apply(sw, log, snap, scan, src, removed, all, useDv, "MERGE", params, metrics,
                DeltaChangeData.enabled(snap) ? changes : List.of());
        return new MergeResult(inserted, updated, deleted, r.version());
    }

    /** A predicate on the target keys that every matching target row satisfies: each key within the source's range of it. */
    private Expr keyRange(List<String> targetKeys, List<String> sourceKeys) {
        List<org.spillway.frame.AggregateExpr> aggs = new ArrayList<>();
        for (String k : sourceKeys) {
            aggs.add(Functions.min(k));
            aggs.add(Functions.max(k));
        }
        org.spillway.frame.Row r = source.agg(aggs.toArray(org.spillway.frame.AggregateExpr[]::new)).collect().rows().getFirst();
        Expr range = null;
        for (int i = 0; i < targetKeys.size(); i++) {
            Object lo = r.get(2 * i);
            Object hi = r.get(2 * i + 1);
            if (lo == null || hi == null) {
                return Functions.lit(false); // no non-null source key: nothing can match
            }
            Expr k = Functions.col(targetKeys.get(i)).geq(lo).and(Functions.col(targetKeys.get(i)).leq(hi));
            range = range == null ? k : range.and(k);
        }
        return range;
    }

    private List<Clause> of(Kind kind) {
        return clauses.stream().filter(c -> c.kind() == kind).toList();
    }

    /** The number (1, 2, ...) of the first clause whose condition holds, 0 for none. */
    private static Expr action(List<Clause> cs) {
        Expr.CaseWhen w = null;
        for (int i = 0; i < cs.size(); i++) {
            Expr cond = cs.get(i).condition() == null ? Functions.lit(true) : cs.get(i).condition();
            w = w == null ? Functions.when(cond, i + 1) : w.when(cond, i + 1);
        }
        return w.otherwise(0);
    }

    /**
     * Target rows (with file and position) that clauses {@code cs} change: the deleted and updated ones
     * join {@code removed}; the updated ones, changed, join {@code newRows}. Returns {updated, deleted}.
     */
    private long[] apply(DataFrame rows, List<Clause> cs, Snapshot snap, Map<Integer, LongArrayList> removed, List<DataFrame> newRows,
                         List<DeltaChangeData.Change> changes) {
        long updated = 0;
        long deleted = 0;
        Schema table = snap.schema();
        for (int i = 0; i < cs.size(); i++) {
            Clause c = cs.get(i);
            DataFrame hit = rows.filter(Functions.col("__merge_action").eq(i + 1));
            Map<Integer, LongArrayList> pos = DeltaDelete.positions(hit);
            long n = pos.values().stream().mapToLong(LongArrayList::size).sum();
            pos.forEach((k, v) -> removed.merge(k, v, (x, y) -> {
                x.addAll(y);
                return x;
            }));
            String[] targetColumns = table.names().toArray(String[]::new);
            if (c.delete()) {
                deleted += n;
                changes.add(new DeltaChangeData.Change(hit.select(targetColumns), "delete"));
            } else {
                Map<String, Expr> values = c.all() ? allFromSource(table, source.schema(), "source.") : c.values();
                DataFrame after = hit.select(DeltaUpdates.projection(snap, values, hit.schema(), Functions::col));
                newRows.add(after);
                changes.add(new DeltaChangeData.Change(hit.select(targetColumns), "update_preimage"));
                changes.add(new DeltaChangeData.Change(after, "update_postimage"));
                updated += n;
            }
        }
        return new long[] {updated, deleted};
    }

    /** {@code updateAll}/{@code insertAll}: every target column the source has, from the source. */
    private static Map<String, Expr> allFromSource(Schema table, Schema renamedSource) {
        Map<String, Expr> out = new LinkedHashMap<>();
        for (String c : table.names()) {
            if (renamedSource.indexOf("source." + c) >= 0) {
                out.put(c, Functions.col("source." + c));
            }
        }
        return out;
    }

    private static Map<String, Expr> allFromSource(Schema table, Schema source, String prefix) {
        Map<String, Expr> out = new LinkedHashMap<>();
        for (String c : table.names()) {
            if (source.indexOf(c) >= 0) {
                out.put(c, Functions.col(prefix + c));
            }
        }
        return out;
    }
}
