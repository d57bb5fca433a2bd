package org.spillway.frame.delta;

import static org.spillway.frame.io.parquet.ParquetRecordSchema.bool;
import static org.spillway.frame.io.parquet.ParquetRecordSchema.int32;
import static org.spillway.frame.io.parquet.ParquetRecordSchema.int64;
import static org.spillway.frame.io.parquet.ParquetRecordSchema.list;
import static org.spillway.frame.io.parquet.ParquetRecordSchema.map;
import static org.spillway.frame.io.parquet.ParquetRecordSchema.string;
import static org.spillway.frame.io.parquet.ParquetRecordSchema.struct;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.spillway.frame.io.parquet.ParquetRecordSchema;
import org.spillway.frame.io.parquet.ParquetRecordWriter;

/**
 * Writes classic checkpoints ({@code _delta_log/NNN.checkpoint.parquet}, the schema Delta Kernel writes)
 * and {@code _last_checkpoint}, so that opening a table with many commits reads one Parquet file and
 * the commits after it. A checkpoint is written after every {@code delta.checkpointInterval}-th
 * version (default 10), to a temporary name and renamed into place: it appears whole or not at all,
 * and a failed checkpoint leaves the table as readable as before (the commits are the truth).
 *
 * <p>Besides the live files, a checkpoint carries the <i>tombstones</i> (PROTOCOL.md "Action
 * Reconciliation"): a {@code remove} (with its {@code deletionTimestamp}, {@code dataChange=false}) of
 * each logical file removed within {@code delta.deletedFileRetentionDuration} (default one week) and
 * not added again, so that another engine's VACUUM, reading the checkpoint instead of the cleaned-up
 * commits, still knows when those files left the table. Readers replaying a snapshot ignore them.
 */
final class CheckpointWriter {
    /** Delta's default {@code delta.checkpointInterval}. */
    static final int DEFAULT_INTERVAL = 10;

    private static final ParquetRecordSchema.Field DV = struct("deletionVector", string("storageType").notNull(),
            string("pathOrInlineDv").notNull(), int32("offset"), int32("sizeInBytes").notNull(), int64("cardinality").notNull());

    /** The classic checkpoint schema, as Delta Kernel 4 writes it. */
    static final ParquetRecordSchema SCHEMA = ParquetRecordSchema.of(
            struct("txn", string("appId").notNull(), int64("version").notNull(), int64("lastUpdated")),
            struct("add", string("path").notNull(), stringMap("partitionValues").notNull(), int64("size").notNull(),
                    int64("modificationTime").notNull(), bool("dataChange").notNull(), DV, stringMap("tags"),
                    int64("baseRowId"), int64("defaultRowCommitVersion"), string("stats")),
            struct("remove", string("path").notNull(), int64("deletionTimestamp"), bool("dataChange").notNull(),
                    bool("extendedFileMetadata"), stringMap("partitionValues"), int64("size"), string("stats"), stringMap("tags"),
                    DV, int64("baseRowId"), int64("defaultRowCommitVersion")),
            struct("metaData", string("id").notNull(), string("name"), string("description"),
                    struct("format", string("provider").notNull(), map("options", string("key"), string("value").notNull())).notNull(),
                    string("schemaString").notNull(), list("partitionColumns", string("element").notNull()).notNull(),
                    int64("createdTime"), map("configuration", string("key"), string("value").notNull()).notNull()),
            struct("protocol", int32("minReaderVersion").notNull(), int32("minWriterVersion").notNull(),
                    list("readerFeatures", string("element").notNull()), list("writerFeatures", string("element").notNull())),
            struct("domainMetadata", string("domain").notNull(), string("configuration").notNull(), bool("removed").notNull()));

    private CheckpointWriter() {
    }

    private static ParquetRecordSchema.Field stringMap(String name) {
        return map(name, string("key"), string("value"));
    }

    /** Whether version {@code version} of a table with these properties gets a checkpoint. */
    static boolean due(long version, Snapshot snap) {
        int interval = DEFAULT_INTERVAL;
        try {
            interval = Integer.parseInt(snap.property("delta.checkpointInterval", Integer.toString(DEFAULT_INTERVAL)).trim());
        } catch (NumberFormatException e) {
            // Delta rejects such a property when it is set; an unreadable one falls back to the default
        }
        return version > 0 && interval > 0 && version % interval == 0;
    }

    /** Writes the checkpoint of {@code snap} and points {@code _last_checkpoint} at it. */
    static void write(Snapshot snap) {
        DeltaLog log = snap.log;
        Path target = log.dir.resolve(String.format(Locale.ROOT, "%020d.checkpoint.parquet", snap.version));
        if (Files.exists(target)) {
            return;
        }
        Path tmp = log.dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        long rows = 0;
        try (ParquetRecordWriter w = ParquetRecordWriter.open(tmp, SCHEMA)) {
            w.add(Map.of("protocol", protocol(snap.protocol)));
            w.add(Map.of("metaData", metadata(snap.metadata)));
            rows += 2;
            for (Map.Entry<String, Long> t : snap.txns.entrySet()) {
                Map<String, Object> txn = new LinkedHashMap<>();
                txn.put("appId", t.getKey());
                txn.put("version", t.getValue());
                w.add(Map.of("txn", txn));
                rows++;
            }
            for (Action.AddFile a : snap.addFiles()) {
                w.add(Map.of("add", add(a)));
                rows++;
            }
            for (Action.RemoveFile r : tombstones(snap, System.currentTimeMillis())) {
                w.add(Map.of("remove", remove(r)));
                rows++;
            }
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw new DeltaException("Cannot write the checkpoint of version " + snap.version + " of table " + log.table + ": "
                    + e.getMessage(), e);
        }
        try {
            move(tmp, target);
            Path last = log.dir.resolve("_last_checkpoint");
            Path lastTmp = log.dir.resolve("._last_checkpoint." + UUID.randomUUID() + ".tmp");
            Files.writeString(lastTmp, "{\"version\":" + snap.version + ",\"size\":" + rows + "}", StandardCharsets.UTF_8);
            move(lastTmp, last);
            DeltaLog.syncDirectory(log.dir);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new DeltaException("Cannot publish the checkpoint of version " + snap.version + " of table " + log.table + ": "
                    + e.getMessage(), e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover temporary file is ignored by readers
        }
    }

    private static Map<String, Object> protocol(Action.Protocol p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("minReaderVersion", p.minReaderVersion());
        m.put("minWriterVersion", p.minWriterVersion());
        m.put("readerFeatures", p.readerFeatures());
        m.put("writerFeatures", p.writerFeatures());
        return m;
    }

    private static Map<String, Object> metadata(Action.Metadata md) {
        Map<String, Object> format = new LinkedHashMap<>();
        format.put("provider", md.provider());
        format.put("options", md.formatOptions() == null ? Map.of() : md.formatOptions());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", md.id());
        m.put("name", md.name());
        m.put("description", md.description());
        m.put("format", format);
        m.put("schemaString", md.schemaString());
        m.put("partitionColumns", md.partitionColumns() == null ? java.util.List.of() : md.partitionColumns());
        m.put("createdTime", md.createdTime());
        m.put("configuration", md.configuration() == null ? Map.of() : md.configuration());
        return m;
    }

    /**
     * The tombstones of {@code snap}: the removes (keyed by path and deletion vector, as files are) since
     * the previous checkpoint's tombstones that no later add brought back and that are younger than the
     * table's {@code delta.deletedFileRetentionDuration} at {@code now}, with {@code dataChange=false}.
     */
    static java.util.List<Action.RemoveFile> tombstones(Snapshot snap, long now) {
        DeltaLog log = snap.log;
        long minTimestamp = now - DeltaMaintenance.parseInterval(snap.property("delta.deletedFileRetentionDuration", null),
                DeltaMaintenance.DEFAULT_RETENTION).toMillis();
        Map<String, Action.RemoveFile> out = new LinkedHashMap<>();
        Checkpoints.Checkpoint prev = null;
        for (Checkpoints.Checkpoint cp : snap.version == 0 ? java.util.List.<Checkpoints.Checkpoint>of()
                : Checkpoints.candidates(log, snap.version - 1)) {
            try {
                Map<String, Action.RemoveFile> read = new LinkedHashMap<>();
                Checkpoints.readTombstones(log, cp, r -> read.put(r.key(), r));
                out.putAll(read);
                prev = cp;
                break;
            } catch (DeltaException e) {
                // a corrupt older checkpoint must not stop every later one: take the tombstones from the one before, or the commits
                org.slf4j.LoggerFactory.getLogger(CheckpointWriter.class).warn("{}; taking the tombstones from an older checkpoint or"
                        + " the commits instead", e.getMessage());
            }
        }
        for (long v = prev == null ? 0 : prev.version() + 1; v <= snap.version; v++) {
            for (Action a : log.readCommit(v)) {
                if (a instanceof Action.RemoveFile r) {
                    out.put(r.key(), r);
                } else if (a instanceof Action.AddFile add) {
                    out.remove(add.key());
                }
            }
        }
        java.util.List<Action.RemoveFile> kept = new java.util.ArrayList<>();
        for (Action.RemoveFile r : out.values()) {
            long ts = r.deletionTimestamp() == null ? 0 : r.deletionTimestamp();
            if (ts > minTimestamp && !snap.files.containsKey(r.key())) {
                kept.add(new Action.RemoveFile(r.path(), r.deletionTimestamp(), false, r.extendedFileMetadata(), r.partitionValues(),
                        r.size(), r.deletionVector()));
            }
        }
        return kept;
    }

    private static Map<String, Object> remove(Action.RemoveFile r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", r.path());
        m.put("deletionTimestamp", r.deletionTimestamp());
        m.put("dataChange", false);
        m.put("extendedFileMetadata", r.extendedFileMetadata());
        m.put("partitionValues", r.extendedFileMetadata() && r.partitionValues() != null ? r.partitionValues() : null);
        m.put("size", r.size());
        if (r.deletionVector() != null) {
            m.put("deletionVector", dv(r.deletionVector()));
        }
        return m;
    }

    private static Map<String, Object> dv(Action.DeletionVector d) {
        Map<String, Object> dv = new LinkedHashMap<>();
        dv.put("storageType", d.storageType());
        dv.put("pathOrInlineDv", d.pathOrInlineDv());
        dv.put("offset", d.offset());
        dv.put("sizeInBytes", d.sizeInBytes());
        dv.put("cardinality", d.cardinality());
        return dv;
    }

    private static Map<String, Object> add(Action.AddFile a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", a.path());
        m.put("partitionValues", a.partitionValues() == null ? Map.of() : a.partitionValues());
        m.put("size", a.size());
        m.put("modificationTime", a.modificationTime());
        m.put("dataChange", false);
        if (a.deletionVector() != null) {
            m.put("deletionVector", dv(a.deletionVector()));
        }
        m.put("tags", a.tags() == null || a.tags().isEmpty() ? null : a.tags());
        m.put("stats", a.stats());
        return m;
    }
}
