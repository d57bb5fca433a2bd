package org.spillway.frame.iceberg;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * An Apache Iceberg table on the local file system (format v1, v2 and v3 per the Iceberg table spec), for
 * reading any of its snapshots and its history. The table is a directory with {@code metadata/} (Hadoop
 * tables: {@code version-hint.text} and {@code vN.metadata.json}; or the newest {@code *.metadata.json}),
 * or the path of one metadata file.
 *
 * <pre>{@code
 * var it = IcebergTable.forPath(sw, "warehouse/orders");
 * it.toDF().filter(col("amount").gt(10)).count();          // current snapshot, lazy, Parquet pushdown
 * it.snapshotIds();                                        // oldest first
 * it.asOfSnapshot(id); it.asOfTimestamp(Instant.parse("2026-01-01T00:00:00Z"));
 * it.history().show();
 * }</pre>
 *
 * <p>Columns are matched by field id (renamed, dropped and re-added columns read right; files without ids
 * through the name mapping {@code schema.name-mapping.default}, else by name) and promoted types widen
 * (int to long, float to double, decimal precision). Position deletes, deletion vectors and equality
 * deletes are applied by sequence number. Opening a snapshot reads the metadata file, the manifest list
 * and the manifests; a query then skips the data files whose manifest bounds, null counts or identity
 * partition values rule out its filter, and reads the others with their delete files (equality deletes:
 * also the key columns of the data files they apply to, with the delete keys in a heap hash set), and
 * {@code count()} of a snapshot without delete files (or with deletion vectors only) is answered from
 * the manifests. Every call reads the metadata again: a handle sees later commits.
 *
 * <p>A table moved after it was written (copied from another directory or machine, downloaded from
 * {@code s3://}, {@code gs://}, {@code hdfs://}, ...) reads from where it is: files under the table's recorded
 * location are found under the directory read.
 * Not read (refused, naming the feature and file): ORC and Avro data files, nested columns, v3 column
 * defaults, files outside the table's location that are not on the local file system.
 */
public final class IcebergTable {
    private final Spillway sw;
    private final Path path;

    private IcebergTable(Spillway sw, Path path) {
        this.sw = sw;
        this.path = path;
    }

    /** The table at {@code path} (a table directory or a metadata file); fails if there is none. */
    public static IcebergTable forPath(Spillway sw, String path) {
        return forPath(sw, Path.of(path));
    }

    /** The table at {@code path} (a table directory or a metadata file); fails if there is none. */
    public static IcebergTable forPath(Spillway sw, Path path) {
        IcebergMetadata.locate(path);
        return new IcebergTable(sw, path);
    }

    /** The table's directory or metadata file, as given. */
    public Path path() {
        return path;
    }

    private IcebergMetadata metadata() {
        return IcebergMetadata.load(path);
    }

    /** The format version of the current metadata (1, 2 or 3). */
    public int formatVersion() {
        return metadata().formatVersion;
    }

    /** The ids of the table's snapshots, oldest first (by sequence number, then time). */
    public List<Long> snapshotIds() {
        return metadata().snapshots.stream().map(IcebergMetadata.Snapshot::id).toList();
    }

    /** The current snapshot's id, or null for a table without snapshots. */
    public Long currentSnapshotId() {
        return metadata().currentSnapshotId;
    }

    /** The columns of the table's current schema. */
    public Schema schema() {
        IcebergMetadata m = metadata();
        return IcebergSchema.schema(IcebergSchema.columns(m.schemas.get(m.currentSchemaId), "Iceberg table " + m.table));
    }

    /** The current snapshot's rows, as a lazy frame (no rows, in the current schema, if there is no snapshot). */
    public DataFrame toDF() {
        IcebergMetadata m = metadata();
        return read(m, m.currentSnapshotId == null ? null : m.snapshot(m.currentSnapshotId));
    }

    /** The rows of snapshot {@code snapshotId}, in the schema it was written with. */
    public DataFrame asOfSnapshot(long snapshotId) {
        IcebergMetadata m = metadata();
        IcebergMetadata.Snapshot s = m.snapshot(snapshotId);
        if (s == null) {
            throw new IcebergException("Iceberg table " + m.table + " has no snapshot " + snapshotId + " (metadata " + m.file
                    + "; snapshots " + snapshotIds(m) + ")");
        }
        return read(m, s);
    }

    /** The snapshot {@link #asOfTimestamp} reads: the one current at {@code timestamp} by the snapshot log. */
    public long snapshotIdAt(Instant timestamp) {
        IcebergMetadata m = metadata();
        long ms = timestamp.toEpochMilli();
        Long found = null;
        for (IcebergMetadata.LogEntry e : m.snapshotLog) {
            if (e.timestampMs() <= ms) {
                found = e.snapshotId();
            }
        }
        if (found == null) {
            if (m.snapshotLog.isEmpty()) {
                throw new IcebergException("Iceberg table " + m.table + " has no snapshot log (metadata " + m.file
                        + "), so it cannot be read as of " + timestamp);
            }
            throw new IcebergException("Iceberg table " + m.table + " has no snapshot at or before " + timestamp + ": its snapshot log "
                    + "starts at " + Instant.ofEpochMilli(m.snapshotLog.getFirst().timestampMs()));
        }
        return found;
    }

    /** The rows of the snapshot that was current at {@code timestamp} (the snapshot log's entry at or before it). */
    public DataFrame asOfTimestamp(Instant timestamp) {
        return asOfSnapshot(snapshotIdAt(timestamp));
    }

    /**
     * The table's snapshots, oldest first, as a frame: {@code snapshot_id} (int64), {@code parent_id} (int64,
     * null for none), {@code sequence_number} (int64), {@code timestamp}, {@code operation}, {@code summary}
     * (JSON text) and {@code is_current} (bool).
     */
    public DataFrame history() {
        IcebergMetadata m = metadata();
        Schema schema = Schema.of(new Field("snapshot_id", DataType.INT64), new Field("parent_id", DataType.INT64),
                new Field("sequence_number", DataType.INT64), new Field("timestamp", DataType.TIMESTAMP),
                new Field("operation", DataType.STRING), new Field("summary", DataType.STRING), new Field("is_current", DataType.BOOL));
        List<Object[]> rows = new ArrayList<>();
        for (IcebergMetadata.Snapshot s : m.snapshots) {
            rows.add(new Object[] {s.id(), s.parentId(), s.sequenceNumber(), Instant.ofEpochMilli(s.timestampMs()), s.operation(),
                IcebergMetadata.JSON.valueToTree(s.summary()).toString(), m.currentSnapshotId != null && m.currentSnapshotId == s.id()});
        }
        return sw.createDataFrame(schema, rows);
    }

    private static List<Long> snapshotIds(IcebergMetadata m) {
        return m.snapshots.stream().map(IcebergMetadata.Snapshot::id).toList();
    }

    private DataFrame read(IcebergMetadata m, IcebergMetadata.Snapshot s) {
        String where = "Iceberg table " + m.table + (s == null ? "" : ", snapshot " + s.id());
        List<IcebergSchema.Column> columns = IcebergSchema.columns(m.schemaOf(s), where);
        if (s == null) {
            return sw.createDataFrame(IcebergSchema.schema(columns), List.of());
        }
        return sw.readTable(IcebergScan.snapshot(sw, m, s, columns, m.schemaOf(s)));
    }

    @Override
    public String toString() {
        return "IcebergTable(" + path + ")";
    }
}
