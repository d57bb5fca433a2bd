package org.spillway.frame.delta;

import com.fasterxml.jackson.databind.node.ObjectNode;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Expr;
import org.spillway.frame.ParquetWriteInput;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.parquet.DeletedRows;
import org.spillway.frame.io.parquet.ParquetSource;
import org.spillway.frame.io.parquet.ParquetWriteJob;
import org.spillway.spill.vector.LongVector;

/**
 * {@link DeltaTable#delete(Expr)}: finds the matching rows by file and position in one scan of the
 * live files (Parquet pushdown prunes what the condition excludes), then commits either
 * <b>deletion vectors</b> (merge-on-read, when the table has {@code delta.enableDeletionVectors}: the
 * data files stay, each touched file gets a new vector holding its old deletions and the new ones)
 * or <b>rewritten files</b> (copy-on-write, otherwise: each touched file's remaining rows are written
 * to a new file). A file whose every row is deleted is removed. Rows where the condition is null
 * are kept, as in SQL.
 */
final class DeltaDelete {
    private DeltaDelete() {
    }

    /** Rows deleted, and the version committed (-1 when nothing matched and nothing was committed). */
    record Result(long deletedRows, long version) {
    }

    static Result run(Spillway sw, DeltaLog log, Expr condition, Boolean forceDeletionVectors) {
        return run(sw, log, condition, forceDeletionVectors, null);
    }

    /**
     * A delete, or with {@code updates} (column name to new value) an update: the matching rows are
     * deleted as above and written again, changed, to new files, in the same commit.
     */
    static Result run(Spillway sw, DeltaLog log, Expr condition, Boolean forceDeletionVectors, Map<String, Expr> updates) {
        Snapshot snap = Snapshot.load(log, log.commitVersions().last());
        DeltaWriter.checkWritable(snap, SaveMode.APPEND);
        if ("true".equalsIgnoreCase(snap.property("delta.appendOnly", "false"))) {
            throw new DeltaException("Table " + log.table + " is append-only (delta.appendOnly = true): rows cannot be deleted");
        }
        boolean dvEnabled = snap.protocol.writerFeature("deletionVectors")
                && "true".equalsIgnoreCase(snap.property("delta.enableDeletionVectors", "false"));
        boolean useDv = forceDeletionVectors == null ? dvEnabled : forceDeletionVectors;
        if (useDv && !snap.protocol.writerFeature("deletionVectors")) {
            throw new DeltaException("Table " + log.table + " does not support deletion vectors (create it with the property"
                    + " delta.enableDeletionVectors=true); delete with copy-on-write instead");
        }
        // only the files whose statistics in the log allow a matching row are read
        List<Action.AddFile> files = DeltaStats.prune(snap, snap.addFiles(), condition);
        DeltaTable.Scan scan = DeltaTable.scan(snap, files);
        ParquetSource src = scan.source().withRowIndex();
        Map<Integer, LongArrayList> byFile = positions(sw.readParquet(src).filter(condition));
        if (byFile.isEmpty()) {
            return new Result(0, -1);
        }
        Expr[] changed = updates == null ? null : DeltaUpdates.projection(snap, updates);
        DataFrame newRows = null;
        if (changed != null) {
            // the matching rows, changed: read from the touched files before this commit's deletion vectors exist
            List<Path> paths = new ArrayList<>();
            List<Object[]> values = new ArrayList<>();
            List<DeletedRows> dels = new ArrayList<>();
            for (int f : byFile.keySet()) {
                paths.add(src.files().get(f));
                values.add(scan.partitionValues().get(f));
                dels.add(src.deletedRows(f));
            }
            ParquetSource some = scan.subset("Delta table " + log.table + " (update)", paths, values, dels);
            newRows = sw.readParquet(some).filter(condition).select(changed);
        }
        ObjectNode params = DeltaSchemas.JSON.createObjectNode();
        params.put("predicate", DeltaSchemas.JSON.valueToTree(List.of(condition.toString())).toString());
        long n = byFile.values().stream().mapToLong(LongArrayList::size).sum();
        Map<String, String> metrics = new java.util.LinkedHashMap<>();
        metrics.put(changed == null ? "numDeletedRows" : "numUpdatedRows", Long.toString(n));
        List<DeltaChangeData.Change> changes = new ArrayList<>();
        if (DeltaChangeData.enabled(snap)) {
            DataFrame before = sw.readParquet(src).filter(condition);
            changes.add(new DeltaChangeData.Change(before, changed == null ? "delete" : "update_preimage"));
            if (newRows != null) {
                changes.add(new DeltaChangeData.Change(newRows, "update_postimage"));
            }
        }
        return apply(sw, log, snap, scan, src, byFile, newRows, useDv, changed == null ? "DELETE" : "UPDATE", params, metrics,
                changes);
    }

    /**
     * An overwrite with {@code replaceWhere}: the rows matching {@code predicate} are deleted (deletion
     * vectors when the table enables them, else rewritten files) and {@code rows} (the table's columns,
     * in order) added, in one commit.
     */
    static Result replaceWhere(Spillway sw, DeltaLog log, Snapshot snap, Expr predicate, DataFrame rows) {
        DeltaTable.Scan scan = DeltaTable.scan(snap, DeltaStats.prune(snap, snap.addFiles(), predicate));
        ParquetSource src = scan.source().withRowIndex();
        Map<Integer, LongArrayList> byFile = positions(sw.readParquet(src).filter(predicate));
        ObjectNode params = DeltaSchemas.JSON.createObjectNode();
        params.put("mode", "Overwrite");
        params.put("predicate", DeltaSchemas.JSON.valueToTree(List.of(predicate.toString())).toString());
        Map<String, String> metrics = new java.util.LinkedHashMap<>();
        metrics.put("numDeletedRows", Long.toString(byFile.values().stream().mapToLong(LongArrayList::size).sum()));
        List<DeltaChangeData.Change> changes = new ArrayList<>();
        if (DeltaChangeData.enabled(snap)) {
            changes.add(new DeltaChangeData.Change(sw.readParquet(src).filter(predicate), "delete"));
            changes.add(new DeltaChangeData.Change(rows, "insert"));
        }
        return apply(sw, log, snap, scan, src, byFile, rows, useDeletionVectors(snap), "WRITE", params, metrics, changes);
    }

    /**
     * Commits a change of rows: the rows at {@code byFile} (positions in {@code src}'s files) are
     * deleted (deletion vectors or rewritten files, a file left empty is removed) and {@code newRows}
     * (may be null; columns in table order) are written to new files, as one version.
     */
    static Result apply(Spillway sw, DeltaLog log, Snapshot snap, DeltaTable.Scan scan, ParquetSource src,
                        Map<Integer, LongArrayList> byFile, DataFrame newRows, boolean useDv, String operation, ObjectNode params,
                        Map<String, String> extraMetrics, List<DeltaChangeData.Change> changes) {
        List<Action.AddFile> files = scan.adds();
        long now = System.currentTimeMillis();
        List<Action> data = new ArrayList<>();
        List<Path> written = new ArrayList<>();
        Set<String> removed = new HashSet<>();
        long deleted = 0;
        long removedFiles = 0;
        long addedFiles = 0;
        long dvsAdded = 0;
        long insertedRows = 0;
        try {
            if (newRows != null) {
                int before = data.size();
                insertedRows += writeRows(newRows, log, snap, scan, now, data, written);
                addedFiles += data.size() - before;
            }
            for (Map.Entry<Integer, LongArrayList> e : byFile.entrySet()) {
                int f = e.getKey();
                Action.AddFile add = files.get(f);
                long[] rows = e.getValue().toLongArray();
                java.util.Arrays.sort(rows);
                deleted += rows.length;
                long physical = src.fileRows(f);
                DeletedRows old = src.deletedRows(f);
                long remaining = physical - (old == null ? 0 : old.cardinality()) - rows.length;
                data.add(new Action.RemoveFile(add.path(), now, true, true, add.partitionValues(), add.size(), add.deletionVector()));
                removed.add(add.path());
                removedFiles++;
                if (remaining <= 0) {
                    continue; // every row of the file is gone: the file leaves the table
                }
                if (useDv) {
                    DeletionVectors.Bitmaps dv = DeletionVectors.union(old, rows, rows.length);
                    Action.DeletionVector d = DeletionVectors.write(log.table, dv);
                    written.add(DeletionVectors.dvPath(log.table, d));
                    data.add(new Action.AddFile(add.path(), add.partitionValues(), add.size(), add.modificationTime(), true,
                            looseStats(add.stats()), add.tags(), d));
                    dvsAdded++;
                } else {
                    // copy-on-write: the file's remaining rows into new files of the same partition
                    ParquetSource one = scan.subset(src.files().get(f).toString(), List.of(src.files().get(f)),
                            List.<Object[]>of(scan.partitionValues().get(f)),
                            java.util.Collections.singletonList(DeletionVectors.union(old, rows, rows.length)));
                    DataFrame rest = sw.readParquet(one).select(snap.schema().names().toArray(String[]::new));
                    int before = data.size();
                    writeRows(rest, log, snap, scan, now, data, written);
                    addedFiles += data.size() - before;
                }
            }
            if (DeltaChangeData.enabled(snap)) {
                data.addAll(DeltaChangeData.write(log, snap, changes, written));
            }
            List<Action> actions = new ArrayList<>();
            ObjectNode c = DeltaSchemas.JSON.createObjectNode();
            c.put("timestamp", now);
            c.put("operation", operation);
            c.set("operationParameters", params);
            c.put("readVersion", snap.version);
            c.put("isolationLevel", "Serializable");
            c.put("isBlindAppend", false);
            ObjectNode m = c.putObject("operationMetrics");
            extraMetrics.forEach(m::put);
            m.put("numTargetRowsRemoved", Long.toString(deleted));
            m.put("numOutputRows", Long.toString(insertedRows));
            m.put("numRemovedFiles", Long.toString(removedFiles - dvsAdded));
            m.put("numAddedFiles", Long.toString(addedFiles));
            m.put("numDeletionVectorsAdded", Long.toString(dvsAdded));
            m.put("numCopiedRows", "0");
            c.put("engineInfo", DeltaWriter.ENGINE);
            c.put("txnId", UUID.randomUUID().toString());
            actions.add(new Action.CommitInfo(c));
            actions.addAll(data);
            long version = DeltaWriter.commitRead(log, snap.version, actions, removed);
            return new Result(deleted, version);
        } catch (RuntimeException ex) {
            for (Path p : written) {
                try {
                    Files.deleteIfExists(p);
                } catch (java.io.IOException io) {
                    ex.addSuppressed(io);
                }
            }
            throw ex;
        }
    }

    /**
     * Writes {@code rows} (the table's columns, in order) as new data files of the table, adding their
     * {@code add} actions to {@code data} and their paths to {@code written}; returns the rows written.
     */
    private static long writeRows(DataFrame rows, DeltaLog log, Snapshot snap, DeltaTable.Scan scan, long now, List<Action> data,
                                  List<Path> written) {
        long n = 0;
        DeltaColumnMapping mapping = snap.mapping();
        org.spillway.spill.Schema statsSchema = mapping.toPhysical(scan.dataSchema());
        for (ParquetWriteJob.WrittenFile w : ParquetWriteJob.writeFiles(ParquetWriteInput.of(mapping.toPhysical(rows)), log.table,
                mapping.writeOptions(org.spillway.frame.io.ParquetWriteOptions.defaults(), snap.partitionColumns()))) {
            written.add(w.path());
            data.add(new Action.AddFile(DeltaWriter.relativeUri(log.table, w.path()), DeltaWriter.partitionValues(w.partition()),
                    w.size(), now, true, DeltaStats.of(w.path(), statsSchema, w.rows()), null, null));
            n += w.rows();
        }
        return n;
    }

    /** Whether a change of {@code snap} uses deletion vectors (the table enables them) or rewrites files. */
    static boolean useDeletionVectors(Snapshot snap) {
        return snap.protocol.writerFeature("deletionVectors")
                && "true".equalsIgnoreCase(snap.property("delta.enableDeletionVectors", "false"));
    }

    /** The (file, row) positions of a frame over a {@link ParquetSource#withRowIndex()} source, by file. */
    static Map<Integer, LongArrayList> positions(DataFrame rows) {
        DataFrame pairs = rows.select(ParquetSource.FILE_INDEX, ParquetSource.ROW_INDEX);
        return pairs.reduceChunks(HashMap::new, (acc, chunk) -> {
            LongVector f = (LongVector) chunk.column(0);
            LongVector r = (LongVector) chunk.column(1);
            for (int i = 0; i < chunk.rows(); i++) {
                acc.computeIfAbsent((int) f.get(i), k -> new LongArrayList()).add(r.get(i));
            }
        }, (a, b) -> {
            b.forEach((k, v) -> a.merge(k, v, (x, y) -> {
                x.addAll(y);
                return x;
            }));
            return a;
        });
    }

    /** A file's stats with a deletion vector: the same bounds, marked as no longer tight (PROTOCOL.md). */
    static String looseStats(String stats) {
        if (stats == null) {
            return null;
        }
        try {
            ObjectNode n = (ObjectNode) DeltaSchemas.JSON.readTree(stats);
            n.put("tightBounds", false);
            return n.toString();
        } catch (Exception e) {
            return null;
        }
    }
}
