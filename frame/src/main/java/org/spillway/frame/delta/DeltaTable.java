package org.spillway.frame.delta;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Expr;
import org.spillway.frame.Literals;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.parquet.ParquetSource;
import org.spillway.frame.table.TableFile;
import org.spillway.frame.table.TableSnapshot;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.vector.DecimalValues;

/**
 * A Delta Lake table (a directory of Parquet files and a {@code _delta_log/} of JSON commits, as
 * delta-io/delta's PROTOCOL.md specifies), for reading any of its versions and for its history. Named
 * as Delta's own Java API names it.
 *
 * <pre>{@code
 * df.writeDelta("lake/events");                            // creates the table, then appends
 * var t = DeltaTable.forPath(sw, "lake/events");
 * t.version();                                             // the latest version
 * t.toDF().filter(col("amount").gt(10)).count();          // lazy, with Parquet pushdown
 * t.asOfVersion(0).count();                                // time travel
 * t.history().show();                                      // version, timestamp, operation, metrics
 * }</pre>
 *
 * <p>Deletion vectors are applied as the files are read (the deleted rows never reach the frame). Reading
 * refuses, naming the feature, a table that needs a reader feature Spillway lacks (today: column
 * mapping, type widening) rather than reading it wrongly.
 * Every call that reads reads the log again (there is no cached snapshot): a table handle sees other
 * writers' commits.
 */
public final class DeltaTable {
    private final Spillway sw;
    private final DeltaLog log;

    private DeltaTable(Spillway sw, DeltaLog log) {
        this.sw = sw;
        this.log = log;
    }

    /** The table at {@code path}; fails if there is no Delta table there. */
    public static DeltaTable forPath(Spillway sw, String path) {
        return forPath(sw, Path.of(path));
    }

    /** The table at {@code path}; fails if there is no Delta table there. */
    public static DeltaTable forPath(Spillway sw, Path path) {
        DeltaLog log = new DeltaLog(path);
        if (!log.exists()) {
            throw new DeltaException("No Delta table at " + log.table + " (no commits in " + log.dir + ")");
        }
        return new DeltaTable(sw, log);
    }

    /** True if {@code path} holds a Delta table (a log with at least one commit). */
    public static boolean isDeltaTable(String path) {
        return new DeltaLog(Path.of(path)).exists();
    }

    /** The table's directory. */
    public Path path() {
        return log.table;
    }

    /** The latest version. */
    public long version() {
        TreeSet<Long> v = log.commitVersions();
        if (v.isEmpty()) {
            throw new DeltaException("No Delta table at " + log.table + " any more (no commits in " + log.dir + ")");
        }
        return v.last();
    }

    /** The columns of the latest version. */
    public Schema schema() {
        return Snapshot.load(log, version()).schema();
    }

    /** The latest version's rows, as a lazy frame. */
    public DataFrame toDF() {
        return read(Snapshot.load(log, version()));
    }

    /** The rows of {@code version}; fails if it does not exist (or its files were vacuumed). */
    public DataFrame asOfVersion(long version) {
        return read(Snapshot.load(log, version));
    }

    /**
     * The rows of the latest version committed at or before {@code timestamp} (commit timestamps: the
     * in-commit timestamp where the table records one, else the commit file's time). Fails if the
     * timestamp is before the first commit or after the latest, as Delta does.
     */
    public DataFrame asOfTimestamp(Instant timestamp) {
        return asOfVersion(versionAt(timestamp));
    }

    /** The version {@link #asOfTimestamp} reads. */
    public long versionAt(Instant timestamp) {
        long ms = timestamp.toEpochMilli();
        java.util.NavigableMap<Long, Long> times = commitTimestamps();
        long found = -1;
        for (Map.Entry<Long, Long> e : times.entrySet()) {
            if (e.getValue() <= ms) {
                found = e.getKey();
            }
        }
        if (found < 0) {
            throw new DeltaException("Table " + log.table + " has no version at or before " + timestamp + ": its first commit is at "
                    + Instant.ofEpochMilli(times.firstEntry().getValue()));
        }
        long last = times.lastEntry().getValue();
        if (ms > last) {
            // Delta refuses timestamps after the latest commit; so does Spillway, naming the latest one
            throw new DeltaException("The timestamp " + timestamp + " is after the latest commit of table " + log.table + " (version "
                    + times.lastKey() + " at " + Instant.ofEpochMilli(last) + "); use toDF() for the latest version");
        }
        return found;
    }

    /**
     * Each version's commit timestamp in milliseconds: its in-commit timestamp where the table records
     * one, else its commit file's time, made strictly increasing as Delta does (a commit whose file time
     * is not after its predecessor's counts as one millisecond later).
     */
    java.util.NavigableMap<Long, Long> commitTimestamps() {
        java.util.TreeMap<Long, Long> out = new java.util.TreeMap<>();
        long prev = Long.MIN_VALUE;
        for (long v : log.commitVersions()) {
            Long ict = null;
            for (Action a : log.readCommit(v)) {
                if (a instanceof Action.CommitInfo c && c.inCommitTimestamp() != null) {
                    ict = c.inCommitTimestamp();
                }
            }
            long t = ict != null ? ict : Math.max(log.modificationTime(v), prev == Long.MIN_VALUE ? Long.MIN_VALUE : prev + 1);
            out.put(v, t);
            prev = t;
        }
        return out;
    }

    /**
     * The table's commits, newest first, as a frame: {@code version} (int64), {@code timestamp} (the commit
     * timestamp time travel uses),
     * {@code operation}, {@code operationParameters} and {@code operationMetrics} (JSON text),
     * {@code readVersion} (int64, null when absent), {@code isBlindAppend} (bool) and {@code engineInfo}.
     */
    public DataFrame history() {
        Schema schema = Schema.of(new Field("version", DataType.INT64), new Field("timestamp", DataType.TIMESTAMP),
                new Field("operation", DataType.STRING), new Field("operationParameters", DataType.STRING),
                new Field("operationMetrics", DataType.STRING), new Field("readVersion", DataType.INT64),
                new Field("isBlindAppend", DataType.BOOL), new Field("engineInfo", DataType.STRING));
        List<Object[]> rows = new ArrayList<>();
        java.util.NavigableMap<Long, Long> times = commitTimestamps();
        for (long v : times.descendingKeySet()) {
            Action.CommitInfo info = null;
            for (Action a : log.readCommit(v)) {
                if (a instanceof Action.CommitInfo c) {
                    info = c;
                }
            }
            long ts = times.get(v);
            var j = info == null ? DeltaSchemas.JSON.createObjectNode() : info.value();
            rows.add(new Object[] {v, Instant.ofEpochMilli(ts), j.path("operation").asText(null),
                j.has("operationParameters") ? j.get("operationParameters").toString() : null,
                j.has("operationMetrics") ? j.get("operationMetrics").toString() : null,
                j.hasNonNull("readVersion") ? j.get("readVersion").asLong() : null,
                j.hasNonNull("isBlindAppend") ? j.get("isBlindAppend").asBoolean() : null,
                j.path("engineInfo").asText(null)});
        }
        return sw.createDataFrame(schema, rows);
    }

    /**
     * Deletes the rows for which {@code condition} is true (rows where it is null stay), as one new
     * version: with deletion vectors when the table enables them ({@code delta.enableDeletionVectors}),
     * else by rewriting the touched files. Returns the number of rows deleted (0 commits nothing).
     *
     * @throws ConcurrentModificationException if another writer changed the files this delete read
     */
    public long delete(Expr condition) {
        return DeltaDelete.run(sw, log, java.util.Objects.requireNonNull(condition, "condition"), null).deletedRows();
    }

    /**
     * Sets the columns of {@code set} (name to new value, an expression over the row's old values) in
     * the rows where {@code condition} is true, as one new version: the old rows are deleted (deletion
     * vectors or rewritten files, as {@link #delete(Expr)}) and the changed rows written to new files.
     * Returns the number of rows updated.
     */
    public long update(Expr condition, Map<String, Expr> set) {
        java.util.Objects.requireNonNull(condition, "condition");
        if (set.isEmpty()) {
            throw new IllegalArgumentException("update needs at least one column to set");
        }
        return DeltaDelete.run(sw, log, condition, null, set).deletedRows();
    }

    /** {@link #update(Expr, Map)} of every row. */
    public long update(Map<String, Expr> set) {
        return update(org.spillway.frame.Functions.lit(true), set);
    }

    /**
     * Makes the table's rows those of {@code version} again, as a new commit (history is kept: the
     * versions in between stay readable). Fails if that version's files were vacuumed. Returns the
     * new version.
     */
    public long restoreToVersion(long version) {
        return DeltaMaintenance.restore(log, version);
    }

    /** {@link #restoreToVersion} of the version {@link #asOfTimestamp} would read. */
    public long restoreToTimestamp(Instant timestamp) {
        return restoreToVersion(versionAt(timestamp));
    }

    /**
     * Deletes the files the latest version does not use that were removed (or written without being
     * committed) more than the table's retention ago ({@code delta.deletedFileRetentionDuration},
     * default 7 days): versions that need them can no longer be read. Returns the files deleted.
     */
    public List<Path> vacuum() {
        return vacuum(DeltaMaintenance.parseInterval(Snapshot.load(log, version()).property("delta.deletedFileRetentionDuration", null),
                DeltaMaintenance.DEFAULT_RETENTION));
    }

    /** {@link #vacuum()} with another retention, which may not be shorter than the table's (see the overload below). */
    public List<Path> vacuum(java.time.Duration retention) {
        return DeltaMaintenance.vacuum(log, retention, true);
    }

    /**
     * {@link #vacuum()} with {@code retention}; with {@code retentionCheck} false, a retention shorter
     * than the table's is allowed (as Delta's {@code retentionDurationCheck.enabled = false}): time
     * travel to the versions it cuts off fails, and a writer still running may lose its files.
     */
    public List<Path> vacuum(java.time.Duration retention, boolean retentionCheck) {
        return DeltaMaintenance.vacuum(log, retention, retentionCheck);
    }

    /**
     * Compacts small files, as Delta's {@code OPTIMIZE}: in each partition, the files smaller than the
     * target size ({@code delta.targetFileSize}, default 128 MiB) and every file with a deletion vector are
     * bin-packed and rewritten into files of about the target size (deleted rows dropped for good), as one
     * commit that changes no data ({@code dataChange=false}: the rows, older versions and the change feed
     * are unaffected). A partition with a single file and no deletion vector is left alone. Returns what
     * was done ({@link OptimizeResult#version()} -1 when there was nothing to do).
     *
     * @throws ConcurrentDeleteReadException if another writer removed or changed a file this compaction
     *                                       rewrote (appends by others do not conflict)
     */
    public OptimizeResult optimize() {
        return DeltaOptimize.run(sw, log, null, null);
    }

    /**
     * {@link #optimize()} of the partitions for which {@code partitionPredicate} is true; it may read
     * partition columns only (anything else is an error), e.g. {@code col("day").geq(LocalDate.of(2024, 1, 1))}.
     */
    public OptimizeResult optimize(Expr partitionPredicate) {
        return DeltaOptimize.run(sw, log, java.util.Objects.requireNonNull(partitionPredicate, "partitionPredicate"), null);
    }

    /**
     * Starts a MERGE of {@code source} into this table on the key columns of {@code on} (target keys
     * on the left, source keys on the right, or {@code on("id")} for one name): add
     * {@code whenMatched}/{@code whenNotMatched}/{@code whenNotMatchedBySource} clauses, then
     * {@code execute()}. See {@link DeltaMergeBuilder}.
     */
    public DeltaMergeBuilder merge(DataFrame source, org.spillway.frame.JoinOn on) {
        return new DeltaMergeBuilder(sw, log, source, on);
    }

    /**
     * Hudi-style upsert: per key the newest row wins. The source is reduced to its newest row per
     * key (largest {@code orderColumn}); a key the table has is updated when the source row is not older
     * than the table's, else the row is inserted. Returns the merge's counts.
     */
    public DeltaMergeBuilder.MergeResult upsert(DataFrame updates, org.spillway.frame.JoinOn on, String orderColumn) {
        String[] keys = on.rightKeys().toArray(String[]::new);
        // per key the rows with the largest orderColumn, then one of them (the first in input order) on ties
        DataFrame latest = updates.groupBy(keys).agg(org.spillway.frame.Functions.max(orderColumn).as("__newest"));
        DataFrame newest = updates.join(latest, org.spillway.frame.Functions.on(keys), org.spillway.frame.JoinType.INNER)
                .filter(org.spillway.frame.Functions.col(orderColumn).eq(org.spillway.frame.Functions.col("__newest")))
                .drop("__newest").dropDuplicates(keys);
        return merge(newest, on)
                .whenMatched(org.spillway.frame.Functions.col("source." + orderColumn).geq(org.spillway.frame.Functions.col(orderColumn)))
                .updateAll()
                .whenNotMatched().insertAll()
                .execute();
    }

    /**
     * The change feed of versions {@code fromVersion} to {@code toVersion} (inclusive): the table's
     * columns (of {@code toVersion}'s schema) and {@code _change_type} ({@code insert}, {@code delete},
     * and where the table writes change data files, {@code update_preimage}/{@code update_postimage}),
     * {@code _commit_version} and {@code _commit_timestamp}. Commits with change data files
     * ({@code cdc} actions, {@code delta.enableChangeDataFeed}) are read from them; others are derived
     * from their file actions and deletion vectors, an update then showing as a delete and an insert (and
     * a file rewritten by copy-on-write showing its kept rows deleted and inserted again).
     * Commits that do not change data (compaction) contribute nothing.
     */
    public DataFrame changes(long fromVersion, long toVersion) {
        return DeltaChanges.read(sw, log, fromVersion, toVersion, commitTimestamps());
    }

    /**
     * Adds a nullable column of {@code type} at the end of the schema, as a new version (older rows read
     * null in it). Under column mapping the column gets a new id and physical name. Returns the new version.
     */
    public long addColumn(String name, DataType type) {
        return DeltaSchemaChanges.addColumn(log, name, type);
    }

    /**
     * Renames column {@code from} to {@code to}, as a new version, without rewriting any data: older
     * versions keep the old name, this and later ones read the same values under the new name. Needs
     * column mapping; a table without it gets {@code delta.columnMapping.mode = name} in the same commit
     * (reader version 3 / writer 7 with the {@code columnMapping} feature: readers must support column
     * mapping from then on, as with Delta's own rename). Returns the new version.
     */
    public long renameColumn(String from, String to) {
        return DeltaSchemaChanges.renameColumn(log, from, to);
    }

    /**
     * Drops a column (not a partition column, not the last data column), as a new version, without
     * rewriting any data: its values stay in the files (older versions still read them) until the files
     * are rewritten; a column added later under the same name is a new column, null in older rows. Needs
     * column mapping, turned on as {@link #renameColumn} does. Returns the new version.
     */
    public long dropColumn(String column) {
        return DeltaSchemaChanges.dropColumn(log, column);
    }

    /**
     * Publishes the table as Iceberg too (Delta's UniForm): from this commit on, every version also writes Iceberg v2
     * metadata over the same Parquet files, in the Hadoop-table layout under the table directory
     * ({@code metadata/vN.metadata.json}, N = version + 1, and {@code metadata/version-hint.text}), so
     * {@code HadoopTables.load(path)}, {@link org.spillway.frame.iceberg.IcebergTable#forPath} and other Iceberg readers
     * see the same rows at the same versions. The commit sets {@code delta.universalFormat.enabledFormats=iceberg} and
     * {@code delta.enableIcebergCompatV2=true}, turns on column mapping (mode {@code name}; no file is rewritten) and
     * {@code delta.enableDeletionVectors=false}; from then on partition columns are also stored in new data files and
     * deletes rewrite files.
     *
     * <p>Refused, naming the reason, for tables Iceberg v2 metadata cannot express: files with deletion vectors (rewrite
     * them first), nested (struct, array, map) columns, and type changes Iceberg does not allow. On a table that has it
     * already, writes the latest version's Iceberg metadata if it is missing (after a failed write) and commits nothing.
     *
     * @return the version that carries the setting (the latest version if it was on already)
     */
    public long enableIceberg() {
        return UniForm.enable(log);
    }

    /** Deletes every row (a new version; older versions stay readable until vacuumed). */
    public long delete() {
        return delete(org.spillway.frame.Functions.lit(true));
    }

    /** The Parquet source of a snapshot's files: data columns from the files, partition columns from the log. */
    record Scan(ParquetSource source, Schema dataSchema, Schema partitionSchema, List<Object[]> partitionValues,
                List<String> physicalNames, List<Integer> fieldIds, List<Action.AddFile> adds) {
        /** A source over some of the snapshot's files (the scan's columns, names and ids), with their partition values and deletions. */
        ParquetSource subset(String spec, List<Path> files, List<Object[]> values, List<org.spillway.frame.io.parquet.DeletedRows> dels) {
            return ParquetSource.ofFiles(spec, files, dataSchema, physicalNames, fieldIds, partitionSchema, values, dels);
        }
    }

    /** The files {@code adds} of {@code snap}, opened now (every footer read, every deletion vector loaded), for a change of them. */
    static Scan scan(Snapshot snap, List<Action.AddFile> adds) {
        TableSnapshot table = snapshot(snap, adds);
        checkFilesExist(snap, table);
        List<Object[]> values = new ArrayList<>();
        for (TableFile f : table.files()) {
            values.add(f.partitionValues());
        }
        return new Scan(table.source(), table.fileSchema(), table.partitionSchema(), values, table.physicalNames(), table.fieldIds(),
                List.copyOf(adds));
    }

    /**
     * The files {@code adds} of {@code snap} as a table snapshot, from the log alone: data columns read from
     * the files (by physical name, or field id under id column mapping), partition columns from the log, each
     * file's record count and bounds from its {@code stats}, its deletion vector loaded only if it is read.
     */
    static TableSnapshot snapshot(Snapshot snap, List<Action.AddFile> adds) {
        snap.checkReadable();
        List<String> partitions = snap.partitionColumns();
        List<Field> dataFields = new ArrayList<>();
        List<Field> partFields = new ArrayList<>();
        for (Field f : snap.schema().fields()) {
            (partitions.contains(f.name()) ? partFields : dataFields).add(f);
        }
        Schema data = new Schema(dataFields);
        List<TableFile> files = new ArrayList<>();
        for (Action.AddFile add : adds) {
            Object[] pv = new Object[partFields.size()];
            for (int k = 0; k < pv.length; k++) {
                pv[k] = partitionValueOf(snap, add.partitionValues(), partFields.get(k), add.path());
            }
            com.fasterxml.jackson.databind.JsonNode stats = DeltaStats.parse(add);
            long records = stats != null && stats.path("numRecords").canConvertToLong() ? stats.path("numRecords").asLong() : -1;
            org.spillway.spill.chunk.ChunkStats bounds = stats == null ? null : DeltaStats.fileStats(snap, data, add, stats);
            TableFile.Deletes dv = add.deletionVector() == null ? null
                    : TableFile.Deletes.lazy(add.deletionVector().cardinality(), () -> DeletionVectors.load(snap, add));
            files.add(new TableFile(snap.filePath(add), records, pv, bounds == null ? null : bounds.columns(), dv));
        }
        List<String> physical = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        for (Field f : dataFields) {
            physical.add(snap.physicalName(f.name()));
            ids.add(snap.fieldId(f.name()));
        }
        String where = "Table " + snap.log.table + ", version " + snap.version;
        // a data file that is not Parquet, or whose schema does not fit the table's (the message names the file and column)
        return new TableSnapshot("Delta table " + snap.log.table + " version " + snap.version, data, physical,
                snap.columnMappingMode().equals("id") ? ids : null, new Schema(partFields), files,
                e -> new DeltaException(where + ": " + e.getMessage(), e));
    }

    /** Fails naming the first data file of {@code table} that is not on disk. */
    private static void checkFilesExist(Snapshot snap, TableSnapshot table) {
        for (TableFile f : table.files()) {
            if (!java.nio.file.Files.exists(f.path())) {
                throw new DeltaException("Table " + snap.log.table + ", version " + snap.version + ": the data file " + f.path()
                        + " is missing (vacuumed, or deleted by hand); this version cannot be read");
            }
        }
    }

    /**
     * A snapshot's rows: its live files through the table scan (files pruned by the log's statistics and partition values,
     * deletion vectors applied), partition values from the log, columns in the table's order.
     */
    private DataFrame read(Snapshot snap) {
        TableSnapshot table = snapshot(snap, snap.addFiles());
        checkFilesExist(snap, table);
        Schema schema = snap.schema();
        DataFrame df = sw.readTable(table);
        return table.partitionSchema().size() == 0 || df.schema().names().equals(schema.names()) ? df
                : df.select(schema.names().toArray(String[]::new));
    }

    /**
     * The value of partition column {@code column} in a file's serialized partition values (keyed by
     * physical name under column mapping), as a storage value.
     */
    static Object partitionValueOf(Snapshot snap, Map<String, String> values, Field column, String path) {
        String key = snap.physicalName(column.name());
        return partitionValue(values == null ? null : lookup(values, key), column.type(), snap, path, column.name());
    }

    /** A partition value by column name (Delta matches partition keys case-insensitively). */
    static String lookup(Map<String, String> values, String name) {
        if (values.containsKey(name)) {
            return values.get(name);
        }
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** A serialized partition value (PROTOCOL.md "Partition Value Serialization") as a storage value. */
    static Object partitionValue(String v, DataType t, Snapshot snap, String path, String column) {
        if (v == null || (v.isEmpty() && t != DataType.STRING)) {
            return null;
        }
        try {
            return switch (t.kind()) {
                case STRING -> v;
                case INT32 -> Integer.parseInt(v);
                case INT64 -> Long.parseLong(v);
                case FLOAT64 -> Double.parseDouble(v);
                case BOOL -> Boolean.parseBoolean(v);
                case DATE -> (int) LocalDate.parse(v).toEpochDay();
                case TIMESTAMP -> Literals.toLong(Literals.parseTimestamp(v), DataType.TIMESTAMP);
                case TIMESTAMP_NTZ -> Literals.toLong(Literals.parseTimestampNtz(v), DataType.TIMESTAMP_NTZ);
                case DECIMAL -> DecimalValues.unscaled(new BigDecimal(v), t).longValueExact();
                case DECIMAL128 -> DecimalValues.wideBytes(DecimalValues.unscaled(new BigDecimal(v), t));
                case BINARY -> v.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1); // PROTOCOL.md: bytes as a string of chars
                default -> throw new DeltaException("partition columns of type " + t + " are not supported yet");
            };
        } catch (RuntimeException e) {
            throw new DeltaException("Table " + snap.log.table + " (version " + snap.version + "): the partition value '" + v
                    + "' of column '" + column + "' in " + path + " is not a valid " + t + " (" + e.getMessage() + ")", e);
        }
    }
}
