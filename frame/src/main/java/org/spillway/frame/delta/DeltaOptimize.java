package org.spillway.frame.delta;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Expr;
import org.spillway.frame.ParquetWriteInput;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.frame.io.parquet.ParquetWriteJob;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * {@link DeltaTable#optimize()}: bin-packing compaction as Delta's {@code OPTIMIZE}. Per partition, the
 * files smaller than the target size and every file with a deletion vector are sorted by size and
 * packed into bins of at most the target size; each bin holding more than one file, or one file with
 * a deletion vector, is read (its deleted rows dropped) and written again through the table's Parquet
 * write path, one bin after the other (the reader and the writer stream; no bin is held in memory).
 * One commit then removes the bins' files and adds the new ones, all with {@code dataChange=false}:
 * readers see the same rows, and the change feed shows nothing for it.
 */
final class DeltaOptimize {
    /**
     * The target file size without a {@code delta.targetFileSize} property: 128 MiB. Delta's own
     * default ({@code optimize.maxFileSize}, 1 GiB) is sized for clusters; Spillway runs on one machine,
     * where a file is the unit of scan parallelism and of pruning, and its writer already rolls part
     * files at about this size (four row groups), so compacted files look like freshly written ones.
     */
    static final long DEFAULT_TARGET_FILE_SIZE = 128L << 20;

    private DeltaOptimize() {
    }

    /**
     * Compacts the partitions {@code predicate} (over partition columns only; null for all) selects.
     * {@code beforeCommit} (tests) runs after the new files are written and before the commit.
     */
    static OptimizeResult run(Spillway sw, DeltaLog log, Expr predicate, Runnable beforeCommit) {
        Snapshot snap = Snapshot.load(log, log.commitVersions().last());
        DeltaWriter.checkWritable(snap, SaveMode.APPEND);
        List<String> partitions = snap.partitionColumns();
        Schema schema = snap.schema();
        List<Field> partFields = new ArrayList<>();
        for (String p : partitions) {
            partFields.add(schema.field(schema.indexOf(p)));
        }
        if (predicate != null) {
            List<String> others = predicate.columns().stream().filter(c -> !partitions.contains(c)).toList();
            if (!others.isEmpty()) {
                throw new DeltaException("OPTIMIZE of table " + log.table + ": the predicate " + predicate + " reads " + others
                        + ", which " + (others.size() == 1 ? "is not a partition column" : "are not partition columns")
                        + "; it may only read the partition columns " + partitions);
            }
        }
        long target = targetFileSize(snap);
        // the live files by partition (parsed values: two spellings of one value are one partition)
        Map<List<Object>, List<Action.AddFile>> byPartition = new LinkedHashMap<>();
        for (Action.AddFile a : snap.addFiles()) {
            Object[] pv = new Object[partFields.size()];
            for (int k = 0; k < pv.length; k++) {
                pv[k] = DeltaTable.partitionValueOf(snap, a.partitionValues(), partFields.get(k), a.path());
            }
            byPartition.computeIfAbsent(Arrays.asList(pv), k -> new ArrayList<>()).add(a);
        }
        if (predicate != null) {
            byPartition.keySet().retainAll(selected(sw, byPartition.keySet(), partFields, predicate));
        }
        List<List<Action.AddFile>> bins = new ArrayList<>();
        long considered = 0;
        Set<List<Object>> touched = new HashSet<>();
        for (Map.Entry<List<Object>, List<Action.AddFile>> e : byPartition.entrySet()) {
            considered += e.getValue().size();
            for (List<Action.AddFile> bin : bins(e.getValue(), target)) {
                bins.add(bin);
                touched.add(e.getKey());
            }
        }
        if (bins.isEmpty()) {
            return new OptimizeResult(-1, 0, 0, 0, 0, 0, 0);
        }
        long now = System.currentTimeMillis();
        List<Path> written = new ArrayList<>();
        List<Action> data = new ArrayList<>();
        Set<String> read = new HashSet<>();
        long removedFiles = 0;
        long removedBytes = 0;
        long addedFiles = 0;
        long addedBytes = 0;
        long dvs = 0;
        long dvRows = 0;
        long minSize = Long.MAX_VALUE;
        long maxSize = 0;
        String[] names = schema.names().toArray(String[]::new);
        DeltaColumnMapping mapping = snap.mapping();
        ParquetWriteOptions options = mapping.writeOptions(ParquetWriteOptions.defaults(), partitions);
        try {
            for (List<Action.AddFile> bin : bins) {
                DeltaTable.Scan scan = DeltaTable.scan(snap, bin);
                DataFrame rows = mapping.toPhysical(sw.readParquet(scan.source()).select(names));
                Map<String, String> pv = bin.getFirst().partitionValues();
                for (ParquetWriteJob.WrittenFile w : ParquetWriteJob.writeFiles(ParquetWriteInput.of(rows), log.table, options)) {
                    written.add(w.path());
                    data.add(new Action.AddFile(DeltaWriter.relativeUri(log.table, w.path()), pv, w.size(), now, false,
                            DeltaStats.of(w.path(), mapping.toPhysical(scan.dataSchema()), w.rows()), null, null));
                    addedFiles++;
                    addedBytes += w.size();
                    minSize = Math.min(minSize, w.size());
                    maxSize = Math.max(maxSize, w.size());
                }
                for (Action.AddFile a : bin) {
                    data.add(new Action.RemoveFile(a.path(), now, false, true, a.partitionValues(), a.size(), a.deletionVector()));
                    read.add(a.path());
                    removedFiles++;
                    removedBytes += a.size();
                    if (a.deletionVector() != null) {
                        dvs++;
                        dvRows += a.deletionVector().cardinality();
                    }
                }
            }
            ObjectNode c = DeltaSchemas.JSON.createObjectNode();
            c.put("timestamp", now);
            c.put("operation", "OPTIMIZE");
            ObjectNode params = c.putObject("operationParameters");
            params.put("predicate", DeltaSchemas.JSON.valueToTree(predicate == null ? List.of() : List.of(predicate.toString())).toString());
            params.put("zOrderBy", "[]");
            params.put("auto", false);
            c.put("readVersion", snap.version);
            c.put("isolationLevel", "SnapshotIsolation");
            c.put("isBlindAppend", false);
            ObjectNode m = c.putObject("operationMetrics");
            m.put("numRemovedFiles", Long.toString(removedFiles));
            m.put("numRemovedBytes", Long.toString(removedBytes));
            m.put("numAddedFiles", Long.toString(addedFiles));
            m.put("numAddedBytes", Long.toString(addedBytes));
            m.put("numDeletionVectorsRemoved", Long.toString(dvs));
            m.put("numDeletionVectorRowsRemoved", Long.toString(dvRows));
            m.put("minFileSize", Long.toString(addedFiles == 0 ? 0 : minSize));
            m.put("maxFileSize", Long.toString(maxSize));
            m.put("numBatches", Long.toString(bins.size()));
            m.put("totalConsideredFiles", Long.toString(considered));
            m.put("totalFilesSkipped", Long.toString(considered - removedFiles));
            c.put("engineInfo", DeltaWriter.ENGINE);
            c.put("txnId", UUID.randomUUID().toString());
            List<Action> actions = new ArrayList<>();
            actions.add(new Action.CommitInfo(c));
            actions.addAll(data);
            if (beforeCommit != null) {
                beforeCommit.run();
            }
            long version = DeltaWriter.commitRewrite(log, snap.version, actions, read);
            return new OptimizeResult(version, touched.size(), removedFiles, addedFiles, removedBytes, addedBytes, dvs);
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
     * A partition's bins, as Delta packs them: the candidates (smaller than {@code target}, or with a
     * deletion vector) by ascending size, a new bin whenever the next file would overflow the current
     * one; a bin of one file without a deletion vector is left alone (rewriting it gains nothing).
     */
    static List<List<Action.AddFile>> bins(List<Action.AddFile> files, long target) {
        List<Action.AddFile> candidates = new ArrayList<>();
        for (Action.AddFile a : files) {
            if (a.size() < target || a.deletionVector() != null) {
                candidates.add(a);
            }
        }
        candidates.sort(Comparator.comparingLong(Action.AddFile::size));
        List<List<Action.AddFile>> bins = new ArrayList<>();
        List<Action.AddFile> bin = new ArrayList<>();
        long size = 0;
        for (Action.AddFile a : candidates) {
            if (!bin.isEmpty() && size + a.size() > target) {
                bins.add(bin);
                bin = new ArrayList<>();
                size = 0;
            }
            bin.add(a);
            size += a.size();
        }
        if (!bin.isEmpty()) {
            bins.add(bin);
        }
        bins.removeIf(b -> b.size() == 1 && b.getFirst().deletionVector() == null);
        return bins;
    }

    /**
     * The table's {@code delta.targetFileSize} in bytes (a number of bytes, or with a unit: {@code 64mb},
     * {@code 1g}), else {@link #DEFAULT_TARGET_FILE_SIZE}.
     */
    static long targetFileSize(Snapshot snap) {
        String v = snap.property("delta.targetFileSize", null);
        if (v == null || v.isBlank()) {
            return DEFAULT_TARGET_FILE_SIZE;
        }
        String s = v.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        long unit = 1;
        String[][] units = {{"kib", "1024"}, {"mib", "1048576"}, {"gib", "1073741824"}, {"kb", "1024"}, {"mb", "1048576"},
            {"gb", "1073741824"}, {"k", "1024"}, {"m", "1048576"}, {"g", "1073741824"}, {"b", "1"}};
        for (String[] u : units) {
            if (s.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                s = s.substring(0, s.length() - u[0].length());
                break;
            }
        }
        try {
            long n = Long.parseLong(s) * unit;
            if (n <= 0) {
                throw new NumberFormatException("not positive");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new DeltaException("Table " + snap.log.table + ": the property delta.targetFileSize = '" + v + "' is not a size"
                    + " (bytes, or e.g. 128mb)");
        }
    }

    /** The partitions (of {@code keys}) for which {@code predicate} is true, evaluated by the engine on a small frame. */
    private static Set<List<Object>> selected(Spillway sw, Set<List<Object>> keys, List<Field> partFields, Expr predicate) {
        List<Field> fields = new ArrayList<>(partFields);
        fields.add(new Field("__spillway_partition", DataType.INT64));
        List<List<Object>> index = new ArrayList<>(keys);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < index.size(); i++) {
            Object[] r = new Object[fields.size()];
            for (int k = 0; k < partFields.size(); k++) {
                Object v = index.get(i).get(k);
                DataType t = partFields.get(k).type();
                // stored decimals are unscaled; the frame takes the decimal value
                r[k] = v != null && t.isDecimal() ? BigDecimal.valueOf((Long) v, t.scale()) : v;
            }
            r[partFields.size()] = (long) i;
            rows.add(r);
        }
        Set<List<Object>> out = new HashSet<>();
        for (Row row : sw.createDataFrame(new Schema(fields), rows).filter(predicate).collect().rows()) {
            out.add(index.get((int) row.getLong("__spillway_partition")));
        }
        return out;
    }
}
