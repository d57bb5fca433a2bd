package org.spillway.frame.delta;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Functions;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.parquet.DeletedRows;
import org.spillway.frame.io.parquet.ParquetSource;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/** {@link DeltaTable#changes}: the change feed of a range of versions (see there). */
final class DeltaChanges {
    private DeltaChanges() {
    }

    /** One piece of the feed: rows of one file (masked), of one change type, at one version. */
    private record Piece(Path file, Map<String, String> partitionValues, DeletedRows rows, String changeType) {
    }

    static DataFrame read(Spillway sw, DeltaLog log, long from, long to, NavigableMap<Long, Long> timestamps) {
        if (from < 0 || to < from) {
            throw new DeltaException("Table " + log.table + ": the change feed needs 0 <= from <= to, not " + from + " to " + to);
        }
        Snapshot end = Snapshot.load(log, to);
        end.checkReadable();
        Schema schema = end.schema();
        List<String> partitions = end.partitionColumns();
        List<Field> dataFields = new ArrayList<>();
        List<Field> partFields = new ArrayList<>();
        for (Field f : schema.fields()) {
            (partitions.contains(f.name()) ? partFields : dataFields).add(f);
        }
        List<String> out = new ArrayList<>(schema.names());
        out.add("_change_type");
        out.add("_commit_version");
        out.add("_commit_timestamp");
        DataFrame all = null;
        for (long v = from; v <= to; v++) {
            List<Action> actions = log.readCommit(v);
            Map<String, List<Piece>> byType = new LinkedHashMap<>();
            boolean cdc = actions.stream().anyMatch(a -> a instanceof Action.Other o && o.key().equals("cdc"));
            if (cdc) {
                for (Action a : actions) {
                    if (a instanceof Action.Other o && o.key().equals("cdc")) {
                        Map<String, String> pv = new LinkedHashMap<>();
                        o.value().path("partitionValues").properties().forEach(e -> pv.put(e.getKey(),
                                e.getValue().isNull() ? null : e.getValue().asText()));
                        byType.computeIfAbsent("", k -> new ArrayList<>()).add(new Piece(Snapshot.resolve(log.table,
                                o.value().path("path").asText()), pv, null, null));
                    }
                }
            } else {
                derive(log, actions, byType);
            }
            for (Map.Entry<String, List<Piece>> e : byType.entrySet()) {
                DataFrame f = frame(sw, end, e.getValue(), new Schema(dataFields), new Schema(partFields), !e.getKey().isEmpty());
                if (!e.getKey().isEmpty()) {
                    f = f.withColumn("_change_type", Functions.lit(e.getKey()));
                }
                f = f.withColumn("_commit_version", Functions.lit(v))
                        .withColumn("_commit_timestamp", Functions.lit(Instant.ofEpochMilli(timestamps.get(v))))
                        .select(out.toArray(String[]::new));
                all = all == null ? f : all.union(f);
            }
        }
        if (all == null) {
            List<Field> fields = new ArrayList<>(schema.fields());
            fields.add(new Field("_change_type", DataType.STRING));
            fields.add(new Field("_commit_version", DataType.INT64));
            fields.add(new Field("_commit_timestamp", DataType.TIMESTAMP));
            return sw.createDataFrame(new Schema(fields), List.of());
        }
        return all;
    }

    /** Inserts and deletes from a commit's data-changing adds and removes (and their deletion vectors). */
    private static void derive(DeltaLog log, List<Action> actions, Map<String, List<Piece>> byType) {
        Map<String, Action.AddFile> adds = new HashMap<>();
        Map<String, Action.RemoveFile> removes = new HashMap<>();
        for (Action a : actions) {
            if (a instanceof Action.AddFile add && add.dataChange()) {
                adds.put(add.path(), add);
            } else if (a instanceof Action.RemoveFile r && r.dataChange()) {
                removes.put(r.path(), r);
            }
        }
        String where = "Table " + log.table;
        for (Action.AddFile add : adds.values()) {
            Action.RemoveFile before = removes.get(add.path());
            Path file = Snapshot.resolve(log.table, add.path());
            DeletionVectors.Bitmaps now = bitmaps(log, add.path(), add.deletionVector(), where);
            if (before == null) {
                byType.computeIfAbsent("insert", k -> new ArrayList<>()).add(new Piece(file, add.partitionValues(), now, "insert"));
                continue;
            }
            DeletionVectors.Bitmaps was = bitmaps(log, before.path(), before.deletionVector(), where);
            DeletionVectors.Bitmaps gone = DeletionVectors.andNot(now, was);
            DeletionVectors.Bitmaps back = DeletionVectors.andNot(was, now);
            if (gone.cardinality() > 0) {
                byType.computeIfAbsent("delete", k -> new ArrayList<>()).add(new Piece(file, add.partitionValues(),
                        DeletionVectors.keepOnly(gone), "delete"));
            }
            if (back.cardinality() > 0) {
                byType.computeIfAbsent("insert", k -> new ArrayList<>()).add(new Piece(file, add.partitionValues(),
                        DeletionVectors.keepOnly(back), "insert"));
            }
        }
        for (Action.RemoveFile r : removes.values()) {
            if (!adds.containsKey(r.path())) {
                byType.computeIfAbsent("delete", k -> new ArrayList<>()).add(new Piece(Snapshot.resolve(log.table, r.path()),
                        r.partitionValues(), bitmaps(log, r.path(), r.deletionVector(), where), "delete"));
            }
        }
    }

    private static DeletionVectors.Bitmaps bitmaps(DeltaLog log, String path, Action.DeletionVector dv, String where) {
        if (dv == null) {
            return null;
        }
        Action.AddFile view = new Action.AddFile(path, Map.of(), 0, 0, true, null, null, dv);
        return (DeletionVectors.Bitmaps) DeletionVectors.load(log, view, dv.cardinality());
    }

    private static DataFrame frame(Spillway sw, Snapshot end, List<Piece> pieces, Schema data, Schema parts, boolean masked) {
        List<Path> files = new ArrayList<>();
        List<Object[]> values = new ArrayList<>();
        List<DeletedRows> masks = new ArrayList<>();
        List<Field> fileFields = new ArrayList<>(data.fields());
        if (!masked) {
            fileFields.add(new Field("_change_type", DataType.STRING)); // change data files store it
        }
        for (Piece p : pieces) {
            if (!java.nio.file.Files.exists(p.file())) {
                throw new DeltaException("Table " + end.log.table + ": the change feed needs " + p.file() + ", which is missing"
                        + " (vacuumed); read a later range of versions");
            }
            files.add(p.file());
            Object[] pv = new Object[parts.size()];
            for (int k = 0; k < pv.length; k++) {
                pv[k] = DeltaTable.partitionValueOf(end, p.partitionValues(), parts.field(k), p.file().toString());
            }
            values.add(pv);
            masks.add(p.rows());
        }
        List<String> physical = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        for (Field f : fileFields) {
            boolean changeType = !masked && f.name().equals("_change_type") && physical.size() == data.size();
            physical.add(changeType ? f.name() : end.physicalName(f.name()));
            ids.add(changeType ? null : end.fieldId(f.name()));
        }
        ParquetSource src = ParquetSource.ofFiles("Delta table " + end.log.table + " (changes)", files, new Schema(fileFields), physical,
                end.columnMappingMode().equals("id") ? ids : null, parts, values, masks);
        return sw.readParquet(src);
    }
}
