package org.spillway.frame.delta;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.spillway.spill.Schema;

/**
 * The state of a table at one version, from replaying its log (PROTOCOL.md "Action Reconciliation"):
 * the protocol, the metadata, the live data files (by path and deletion vector) and the application
 * transactions. Immutable once loaded.
 */
final class Snapshot {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Snapshot.class);
    /** Reader features Spillway reads correctly. */
    static final Set<String> SUPPORTED_READER_FEATURES = Set.of("timestampNtz", "vacuumProtocolCheck", "v2Checkpoint",
            "deletionVectors", "columnMapping", "typeWidening", "typeWidening-preview");

    final DeltaLog log;
    final long version;
    final Action.Protocol protocol;
    final Action.Metadata metadata;
    /** Live files by {@link Action.AddFile#key()}, in the order they were added. */
    final Map<String, Action.AddFile> files;
    /** Last committed version per application id. */
    final Map<String, Long> txns;
    private final List<DeltaSchemas.DeltaField> fields;
    private final Schema schema;
    private volatile DeltaColumnMapping mapping;

    private Snapshot(DeltaLog log, long version, Action.Protocol protocol, Action.Metadata metadata,
                     Map<String, Action.AddFile> files, Map<String, Long> txns, Object metadataSource) {
        this.log = log;
        this.version = version;
        this.protocol = protocol;
        this.metadata = metadata;
        this.files = files;
        this.txns = txns;
        String where = log.table + " (version " + version + ", the metaData of " + metadataSource + ")";
        this.fields = DeltaSchemas.fields(metadata.schemaString(), where);
        this.schema = DeltaSchemas.toSchema(fields, where);
    }

    /**
     * Replays the log up to {@code version} (inclusive).
     *
     * @throws DeltaException if the version does not exist, a commit is missing or corrupt, or the
     *                        table has no protocol or metadata
     */
    static Snapshot load(DeltaLog log, long version) {
        java.util.TreeSet<Long> versions = log.commitVersions();
        if (versions.isEmpty()) {
            throw new DeltaException("No Delta table at " + log.table + " (no commits in " + log.dir + ")");
        }
        if (version < 0 || version > versions.last()) {
            throw new DeltaException("Table " + log.table + " has versions " + versions.first() + " to " + versions.last()
                    + "; version " + version + " does not exist");
        }
        State st = null;
        long start = 0;
        DeltaException unreadable = null;
        for (Checkpoints.Checkpoint cp : Checkpoints.candidates(log, version)) {
            if (unreadable != null && !contiguous(versions, cp.version() + 1, version)) {
                continue; // a fallback needs every commit after it
            }
            try {
                State s = new State();
                s.source = cp.files().size() == 1 ? cp.files().getFirst() : cp.files();
                Checkpoints.read(log, cp, s::apply);
                if (s.protocol == null || s.metadata == null) {
                    throw new DeltaException("Table " + log.table + ": the checkpoint " + cp.files() + " of version " + cp.version()
                            + " has no " + (s.protocol == null ? "protocol" : "metaData") + " action");
                }
                st = s;
                start = cp.version() + 1;
                break;
            } catch (DeltaException e) {
                // a torn or corrupt checkpoint is redundant as long as an older one or the commits can stand in for it
                LOG.warn("{}; reading version {} from an older checkpoint or the commits instead", e.getMessage(), version);
                if (unreadable == null) {
                    unreadable = e;
                }
            }
        }
        if (st == null && unreadable != null && !contiguous(versions, 0, version)) {
            throw new DeltaException("Table " + log.table + ": version " + version + " cannot be reconstructed: its checkpoint cannot"
                    + " be read (" + unreadable.getMessage() + ") and the commits before it are not all there (cleaned up)", unreadable);
        }
        if (st == null && versions.first() > 0) {
            throw new DeltaException("Table " + log.table + ": the log starts at version " + versions.first()
                    + " and there is no checkpoint at or before version " + version + ": version " + version + " cannot be"
                    + " reconstructed (its commits were cleaned up)");
        }
        if (st == null) {
            st = new State();
        }
        for (long v = start; v <= version; v++) {
            if (!versions.contains(v)) {
                throw new DeltaException("Table " + log.table + " has no commit file for version " + v + " (" + log.commitFile(v)
                        + "): the log is incomplete");
            }
            st.source = log.commitFile(v);
            for (Action a : log.readCommit(v)) {
                st.apply(a);
            }
        }
        Action.Protocol protocol = st.protocol;
        Action.Metadata metadata = st.metadata;
        Map<String, Action.AddFile> files = st.files;
        Map<String, Long> txns = st.txns;
        if (protocol == null || metadata == null) {
            throw new DeltaException("Table " + log.table + " at version " + version + " has no "
                    + (protocol == null ? "protocol" : "metaData") + " action: the log is corrupt");
        }
        return new Snapshot(log, version, protocol, metadata, files, txns, st.metadataSource);
    }

    /** True if every version from {@code from} to {@code to} has a commit file. */
    private static boolean contiguous(java.util.TreeSet<Long> versions, long from, long to) {
        return from > to || versions.subSet(from, true, to, true).size() == to - from + 1;
    }

    /** The state being replayed: the last protocol and metadata, live files and transactions. */
    private static final class State {
        Action.Protocol protocol;
        Action.Metadata metadata;
        final Map<String, Action.AddFile> files = new LinkedHashMap<>();
        final Map<String, Long> txns = new LinkedHashMap<>();
        /** The file being replayed, and the one the metadata came from (for errors). */
        Object source;
        Object metadataSource;

        void apply(Action a) {
            switch (a) {
                case Action.Protocol p -> protocol = p;
                case Action.Metadata m -> {
                    metadata = m;
                    metadataSource = source;
                }
                case Action.AddFile add -> files.put(add.key(), add);
                case Action.RemoveFile rm -> files.remove(rm.key());
                case Action.Txn t -> txns.put(t.appId(), t.version());
                case Action.CommitInfo c -> {
                }
                case Action.Other o -> {
                }
            }
        }
    }

    /** Fails, naming the feature, if reading this table needs something Spillway does not support. */
    void checkReadable() {
        int rv = protocol.minReaderVersion();
        String where = "Table " + log.table + " (version " + version + ")";
        if (rv >= 3) {
            for (String f : protocol.readerFeatures() == null ? List.<String>of() : protocol.readerFeatures()) {
                if (!SUPPORTED_READER_FEATURES.contains(f)) {
                    throw new DeltaException(where + " needs the reader feature '" + f + "', which Spillway does not support yet;"
                            + " it is not read rather than read wrongly");
                }
            }
        }
        if (rv > 3) {
            throw new DeltaException(where + " needs reader version " + rv + "; Spillway reads versions up to 3");
        }
        String mode = columnMappingMode();
        if (!mode.equals("none") && !mode.equals("name") && !mode.equals("id")) {
            throw new DeltaException(where + " has the column mapping mode '" + mode + "'; Spillway reads none, name and id");
        }
    }

    /**
     * The column mapping mode the reader must honour (PROTOCOL.md "Column Mapping"): the table property
     * {@code delta.columnMapping.mode} when the protocol supports column mapping (reader version 2, or 3
     * with the {@code columnMapping} feature), else {@code none}.
     */
    String columnMappingMode() {
        int rv = protocol.minReaderVersion();
        if (rv == 2 || rv >= 3 && protocol.readerFeature("columnMapping")) {
            return property("delta.columnMapping.mode", "none").trim().toLowerCase(java.util.Locale.ROOT);
        }
        return "none";
    }

    /** The column mapping of this version's schema (identity in mode {@code none}). */
    DeltaColumnMapping mapping() {
        DeltaColumnMapping m = mapping;
        if (m == null) {
            String mode = columnMappingMode();
            if (!mode.equals("none")) {
                for (DeltaSchemas.DeltaField f : fields) {
                    if (f.metadata().get(DeltaSchemas.PHYSICAL_NAME) == null) {
                        throw new DeltaException("Table " + log.table + " (version " + version + ") uses column mapping but column '"
                                + f.name() + "' has no " + DeltaSchemas.PHYSICAL_NAME + " in the schema: the log is corrupt");
                    }
                }
            }
            m = DeltaColumnMapping.of(mode, fields, UniForm.icebergCompat(metadata.configuration()));
            mapping = m;
        }
        return m;
    }

    /** The name of a column in data files, partition values and statistics: its physical name under column mapping. */
    String physicalName(String column) {
        return mapping().physical(column);
    }

    /** The Parquet field id of a column in id mode, else null. */
    Integer fieldId(String column) {
        return mapping().fieldId(column);
    }

    /** The table's columns (data columns, then partition columns, in schema order). */
    Schema schema() {
        return schema;
    }

    /** The Delta fields of the schema, with their metadata. */
    List<DeltaSchemas.DeltaField> fields() {
        return fields;
    }

    /** The partition columns, in order. */
    List<String> partitionColumns() {
        return metadata.partitionColumns() == null ? List.of() : metadata.partitionColumns();
    }

    /** A table property, or {@code fallback}. */
    String property(String key, String fallback) {
        String v = metadata.configuration() == null ? null : metadata.configuration().get(key);
        return v == null ? fallback : v;
    }

    /** The live files. */
    List<Action.AddFile> addFiles() {
        return new ArrayList<>(files.values());
    }

    /** The file of an add action: a path relative to the table (URI-encoded) or an absolute URI. */
    Path filePath(Action.AddFile add) {
        return resolve(log.table, add.path());
    }

    static Path resolve(Path table, String path) {
        try {
            URI u = new URI(path);
            if (u.isAbsolute()) {
                return Path.of(u);
            }
            return table.resolve(u.getPath());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return table.resolve(path);
        }
    }
}
