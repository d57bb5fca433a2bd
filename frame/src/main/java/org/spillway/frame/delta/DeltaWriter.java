package org.spillway.frame.delta;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Expr;
import org.spillway.frame.Functions;
import org.spillway.frame.io.parquet.ParquetWriteJob;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * {@code DataFrame.writeDelta}: writes the frame's rows as Parquet data files into the table directory,
 * then commits them (with the protocol and metadata of a new table, the removal of every live file
 * for an overwrite, and the application transaction) as one new version. Optimistic: a blind append
 * that loses the race for a version retries on the next one; anything that read the table fails
 * with the typed {@link ConcurrentModificationException} of its conflict, and its data files are
 * deleted.
 */
final class DeltaWriter {
    /**
     * Writer features Spillway honours. Some are honoured by not using what they allow: checkpoints are
     * classic single-file V1-spec ones (allowed on {@code v2Checkpoint} tables, which only forbid
     * multi-part ones); constraints, generated and identity columns only while none is defined.
     */
    static final Set<String> SUPPORTED_WRITER_FEATURES = Set.of("timestampNtz", "appendOnly", "invariants", "deletionVectors",
            "changeDataFeed", "vacuumProtocolCheck", "domainMetadata", "columnMapping", "checkConstraints", "generatedColumns",
            "identityColumns", "typeWidening", "typeWidening-preview", "inCommitTimestamp", "v2Checkpoint", UniForm.COMPAT_V2_FEATURE);
    /** The table property that turns in-commit timestamps on (PROTOCOL.md "In-Commit Timestamps"). */
    static final String IN_COMMIT_TIMESTAMPS = "delta.enableInCommitTimestamps";
    static final String ENGINE = "Spillway/0.1.0";
    private static final int MAX_ATTEMPTS = 1000;

    private DeltaWriter() {
    }

    /**
     * What a commit attempt carries, for the conflict check against the winners: {@code readPaths} are
     * files a compaction read and rewrites (any removal of one by a winner is a conflict, appends are not).
     */
    private record Intent(boolean blindAppend, boolean readWholeTable, Set<String> removedPaths, String txnAppId,
                          Set<String> readPaths) {
    }

    static void write(DataFrame df, Function<DataFrame, ParquetWriteJob.Input> inputOf, Path tablePath, SaveMode mode,
                      DeltaWriteOptions o) {
        DeltaLog log = new DeltaLog(tablePath);
        String table = log.table.toString();
        if (o.txnAppId() != null && o.txnVersion() < 0) {
            throw new DeltaException("Writing to " + table + ": a transaction needs both txnAppId and txnVersion; only the id was given");
        }
        if (o.replaceWhere() != null && mode != SaveMode.OVERWRITE) {
            throw new DeltaException("Writing to " + table + ": replaceWhere needs SaveMode.OVERWRITE, not " + mode);
        }
        Snapshot snap = log.exists() ? Snapshot.load(log, log.commitVersions().last()) : null;
        if (snap != null) {
            if (mode == SaveMode.ERROR_IF_EXISTS) {
                throw new DeltaException("Table " + table + " already exists (version " + snap.version
                        + "); write with SaveMode.APPEND or OVERWRITE, or choose another path");
            }
            if (mode == SaveMode.IGNORE) {
                return;
            }
            checkWritable(snap, mode);
            if (o.txnAppId() != null && snap.txns.getOrDefault(o.txnAppId(), -1L) >= o.txnVersion()) {
                return; // this application's version is already in the table
            }
        } else if (Files.exists(log.table) && !Files.isDirectory(log.table)) {
            throw new DeltaException("Cannot create a Delta table at " + table + ": it is a file");
        }
        // the schema and partitioning of the new version
        Schema in = df.schema();
        Schema target;
        List<String> partitions;
        boolean newMetadata;
        if (snap == null || (mode == SaveMode.OVERWRITE && o.overwriteSchema())) {
            for (Field f : in.fields()) {
                DeltaSchemas.deltaType(f.type(), f.name()); // fails on types Delta cannot hold
            }
            target = in;
            partitions = o.partitionBy();
            for (String p : partitions) {
                if (in.indexOf(p) < 0) {
                    throw new DeltaException("Cannot partition " + table + " by '" + p + "': the frame has no such column; it has "
                            + in.names());
                }
            }
            if (!partitions.isEmpty() && partitions.size() == in.size()) {
                throw new DeltaException("Cannot partition " + table + " by every column " + partitions);
            }
            newMetadata = true;
        } else {
            partitions = snap.partitionColumns();
            if (!o.partitionBy().isEmpty() && !o.partitionBy().equals(partitions)) {
                throw new DeltaException("Table " + table + " is partitioned by " + partitions + ", not " + o.partitionBy()
                        + "; to change it, overwrite with DeltaWriteOptions.withOverwriteSchema(true)");
            }
            target = mergedSchema(snap, in, o.mergeSchema(), table);
            newMetadata = target.size() != snap.schema().size();
        }
        boolean freshSchema = snap == null || mode == SaveMode.OVERWRITE && o.overwriteSchema();
        Map<String, String> config = snap == null ? UniForm.forNewTable(o.properties()) : snap.metadata.configuration();
        DeltaColumnMapping.Evolved evolved = DeltaColumnMapping.schemaJson(freshSchema ? List.of() : snap.fields(), target, config,
                table);
        DeltaColumnMapping mapping = DeltaColumnMapping.of(evolved.configuration(), DeltaSchemas.fields(evolved.schemaString(), table),
                table);
        if (o.replaceWhere() != null) {
            checkReplaceWhere(df, o.replaceWhere(), table);
            if (snap != null) {
                if (newMetadata || o.overwriteSchema() || o.txnAppId() != null) {
                    throw new DeltaException("Writing to " + table + ": replaceWhere cannot change the schema or carry a transaction"
                            + " id yet; write the rows with the table's columns, without mergeSchema/overwriteSchema/txn");
                }
                DeltaDelete.replaceWhere(df.session(), log, snap, o.replaceWhere(), align(df, target));
                return;
            }
        }
        DataFrame aligned = mapping.toPhysical(align(df, target));
        Schema dataSchema = mapping.toPhysical(dataSchema(target, partitions));
        List<ParquetWriteJob.WrittenFile> files = ParquetWriteJob.writeFiles(inputOf.apply(aligned), log.table,
                mapping.writeOptions(o.parquet(), partitions));
        try {
            long now = System.currentTimeMillis();
            List<Action> data = new ArrayList<>();
            long rows = 0;
            long bytes = 0;
            java.util.Set<String> notNull = new java.util.HashSet<>();
            if (snap != null && !(mode == SaveMode.OVERWRITE && o.overwriteSchema())) {
                for (DeltaSchemas.DeltaField f : snap.fields()) {
                    if (!f.nullable()) {
                        notNull.add(mapping.physical(f.name()));
                    }
                }
            }
            for (ParquetWriteJob.WrittenFile f : files) {
                String stats = DeltaStats.of(f.path(), dataSchema, f.rows());
                checkNotNull(stats, f, notNull, table, partitionValues(f.partition()));
                data.add(new Action.AddFile(relativeUri(log.table, f.path()), partitionValues(f.partition()), f.size(), now, true,
                        stats, null, null));
                rows += f.rows();
                bytes += f.size();
            }
            Set<String> removed = new java.util.HashSet<>();
            if (snap != null && mode == SaveMode.OVERWRITE) {
                for (Action.AddFile a : snap.addFiles()) {
                    data.add(new Action.RemoveFile(a.path(), now, true, true, a.partitionValues(), a.size(), a.deletionVector()));
                    removed.add(a.path());
                }
            }
            List<Action> actions = new ArrayList<>();
            actions.add(commitInfo(now, snap, mode, partitions, files.size(), rows, bytes));
            if (snap == null || newMetadata || mode == SaveMode.OVERWRITE && o.overwriteSchema()) {
                Action.Protocol protocol = protocolFor(target, snap == null ? null : snap.protocol, evolved.configuration());
                if (snap == null || !protocol.equals(snap.protocol)) {
                    actions.add(protocol);
                }
                actions.add(new Action.Metadata(snap == null ? UUID.randomUUID().toString() : snap.metadata.id(),
                        snap == null ? null : snap.metadata.name(), snap == null ? null : snap.metadata.description(), "parquet",
                        Map.of(), evolved.schemaString(), partitions, evolved.configuration(),
                        snap == null ? now : snap.metadata.createdTime()));
            }
            actions.addAll(data);
            if (o.txnAppId() != null) {
                actions.add(new Action.Txn(o.txnAppId(), o.txnVersion(), now));
            }
            boolean blind = snap != null && mode == SaveMode.APPEND && !newMetadata;
            commit(log, snap == null ? -1 : snap.version, actions,
                    new Intent(blind, mode == SaveMode.OVERWRITE, removed, o.txnAppId(), Set.of()));
        } catch (RuntimeException e) {
            for (ParquetWriteJob.WrittenFile f : files) {
                try {
                    Files.deleteIfExists(f.path());
                } catch (java.io.IOException x) {
                    e.addSuppressed(x);
                }
            }
            throw e;
        }
    }

    /** Fails, before anything is written, unless every row of {@code df} satisfies the replaceWhere predicate. */
    private static void checkReplaceWhere(DataFrame df, Expr predicate, String table) {
        long outside = df.filter(predicate.not().or(predicate.isNull())).count();
        if (outside > 0) {
            throw new DeltaException("Writing to " + table + ": " + outside + " rows of the data do not match replaceWhere " + predicate
                    + "; an overwrite with replaceWhere may only write rows that match it. The table is unchanged");
        }
    }

    /** Fails (the caller deletes the files) if a column the table declares not nullable holds a null. */
    private static void checkNotNull(String stats, ParquetWriteJob.WrittenFile f, java.util.Set<String> notNull, String table,
                                     Map<String, String> partitionValues) {
        if (notNull.isEmpty()) {
            return;
        }
        com.fasterxml.jackson.databind.JsonNode nulls;
        try {
            nulls = DeltaSchemas.JSON.readTree(stats).path("nullCount");
        } catch (java.io.IOException e) {
            throw new DeltaException("Cannot check the nulls written to " + table + ": " + e.getMessage(), e);
        }
        for (String c : notNull) {
            boolean partNull = partitionValues.containsKey(c) && partitionValues.get(c) == null;
            if (partNull || nulls.path(c).asLong(0) > 0) {
                throw new DeltaException("Cannot write to " + table + ": column '" + c + "' is not nullable in the table, but the"
                        + " data holds nulls in it; the table is unchanged");
            }
        }
    }

    /** Publishes a metadata-only change (it conflicts only with other protocol or metadata changes). */
    static long commitMetadata(DeltaLog log, long readVersion, List<Action> actions) {
        return commit(log, readVersion, actions, new Intent(false, false, Set.of(), null, Set.of()));
    }

    /** Publishes the actions of an operation that read the whole table at {@code readVersion} and removes {@code removed}. */
    static long commitRead(DeltaLog log, long readVersion, List<Action> actions, Set<String> removed) {
        return commit(log, readVersion, actions, new Intent(false, true, removed, null, Set.of()));
    }

    /**
     * Publishes a rewrite that changes no data (OPTIMIZE: {@code dataChange=false} removes of {@code read}
     * and adds of their rows): it loses to a winner that removed (deleted, or changed the deletion vector
     * of) one of those files, and lands after blind appends (snapshot isolation, as Delta's compaction).
     */
    static long commitRewrite(DeltaLog log, long readVersion, List<Action> actions, Set<String> read) {
        return commit(log, readVersion, actions, new Intent(false, false, Set.of(), null, read));
    }

    /** Publishes {@code actions} as the version after {@code readVersion}, resolving conflicts as Delta does. */
    private static long commit(DeltaLog log, long readVersion, List<Action> actions, Intent intent) {
        long version = readVersion + 1;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try {
                log.writeCommit(version, withInCommitTimestamp(log, version, actions));
                checkpointIfDue(log, version);
                return version;
            } catch (FileAlreadyExistsException e) {
                long latest = log.commitVersions().last();
                for (long w = version; w <= latest; w++) {
                    checkConflict(log, w, intent, readVersion);
                }
                version = latest + 1;
            }
        }
        throw new DeltaException("Table " + log.table + ": gave up committing after " + MAX_ATTEMPTS + " attempts");
    }

    /**
     * The actions with the commit's in-commit timestamp set when the table keeps them (the commit turns
     * them on, or the previous commit has one): the wall clock, but always after the previous commit's,
     * in the {@code commitInfo}, which comes first (PROTOCOL.md "In-Commit Timestamps").
     */
    private static List<Action> withInCommitTimestamp(DeltaLog log, long version, List<Action> actions) {
        boolean enabled = false;
        for (Action a : actions) {
            if (a instanceof Action.Metadata m && m.configuration() != null) {
                enabled = "true".equalsIgnoreCase(m.configuration().get(IN_COMMIT_TIMESTAMPS));
            }
        }
        Long previous = version > 0 ? log.inCommitTimestamp(version - 1) : null;
        if (!enabled && previous == null) {
            return actions;
        }
        long ict = previous == null ? System.currentTimeMillis() : Math.max(System.currentTimeMillis(), previous + 1);
        List<Action> out = new ArrayList<>();
        ObjectNode info = null;
        for (Action a : actions) {
            if (a instanceof Action.CommitInfo c && info == null) {
                info = c.value().deepCopy();
            } else {
                out.add(a);
            }
        }
        ObjectNode first = DeltaSchemas.JSON.createObjectNode();
        first.put("inCommitTimestamp", ict); // the first field of the commitInfo, as Delta writes it
        if (info != null) {
            first.setAll(info);
        } else {
            first.put("timestamp", ict);
            first.put("engineInfo", ENGINE);
        }
        first.put("inCommitTimestamp", ict);
        out.addFirst(new Action.CommitInfo(first));
        return out;
    }

    /**
     * Writes the checkpoint of {@code version} when the table's interval says so, then cleans up the
     * expired log files ({@link LogCleanup}). The commit has
     * landed already: a checkpoint that cannot be written only makes the next open replay more commits.
     */
    private static void checkpointIfDue(DeltaLog log, long version) {
        Snapshot snap;
        try {
            snap = Snapshot.load(log, version);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(DeltaWriter.class).warn("Table {}: version {} is committed but cannot be read back ({})",
                    log.table, version, e.getMessage());
            return;
        }
        try {
            if (CheckpointWriter.due(version, snap)) {
                CheckpointWriter.write(snap);
                LogCleanup.afterCheckpoint(snap); // expired commits and checkpoints, behind the new checkpoint
            }
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(DeltaWriter.class).warn("Table {}: no checkpoint at version {} ({}); the table is"
                    + " intact, opening it replays the commits instead", log.table, version, e.getMessage());
        }
        UniForm.afterCommit(snap); // the Iceberg metadata of the version, when the table publishes Iceberg
    }

    private static void checkConflict(DeltaLog log, long winner, Intent intent, long readVersion) {
        String what = "Table " + log.table + ": version " + winner + ", committed by another writer after this transaction read "
                + (readVersion < 0 ? "no table" : "version " + readVersion) + ", ";
        for (Action a : log.readCommit(winner)) {
            switch (a) {
                case Action.Protocol p -> throw new ProtocolChangedException(what + "changed the protocol"
                        + (readVersion < 0 ? " (it created the table first)" : "") + "; nothing was committed, retry the write");
                case Action.Metadata m -> throw new MetadataChangedException(what + "changed the metadata (schema, partitioning or"
                        + " properties); nothing was committed, retry the write");
                case Action.Txn t when t.appId().equals(intent.txnAppId()) -> throw new ConcurrentTransactionException(what
                        + "committed application transaction '" + t.appId() + "' version " + t.version() + "; nothing was committed");
                // a removal counts whether or not it changes data: a file a compaction removed is gone all the same
                case Action.RemoveFile r when intent.readPaths().contains(r.path()) ->
                        throw new ConcurrentDeleteReadException(what + "removed " + r.path() + ", which this transaction read"
                                + " to rewrite it; nothing was committed, retry the operation");
                case Action.RemoveFile r when intent.removedPaths().contains(r.path()) ->
                        throw new ConcurrentDeleteDeleteException(what + "removed " + r.path() + ", which this transaction also"
                                + " removes; nothing was committed, retry the operation");
                case Action.RemoveFile r when intent.readWholeTable() ->
                        throw new ConcurrentDeleteReadException(what + "removed " + r.path() + ", which this transaction read;"
                                + " nothing was committed, retry the operation");
                case Action.AddFile add when add.dataChange() && intent.readWholeTable() ->
                        throw new ConcurrentAppendException(what + "added " + add.path() + " to the data this transaction read;"
                                + " nothing was committed, retry the operation");
                default -> {
                    // a blind append conflicts with none of these
                }
            }
        }
    }

    /** Refuses tables whose writer features Spillway cannot honour. */
    static void checkWritable(Snapshot snap, SaveMode mode) {
        snap.checkReadable();
        Action.Protocol p = snap.protocol;
        String where = "Table " + snap.log.table + " (version " + snap.version + ")";
        if (p.minWriterVersion() > 7) {
            throw new DeltaException(where + " needs writer version " + p.minWriterVersion() + "; Spillway writes up to 7");
        }
        if (p.minWriterVersion() >= 7 && p.writerFeatures() != null) {
            for (String f : p.writerFeatures()) {
                if (!SUPPORTED_WRITER_FEATURES.contains(f)) {
                    throw new DeltaException(where + " needs the writer feature '" + f + "', which Spillway cannot write yet;"
                            + " the table is unchanged");
                }
            }
        }
        // writer versions 3 to 6 (and their features under 7) are honoured while none of them is active
        if (snap.metadata.configuration() != null
                && snap.metadata.configuration().keySet().stream().anyMatch(k -> k.startsWith("delta.constraints."))) {
            throw new DeltaException(where + " has CHECK constraints, which Spillway cannot enforce yet; the table is unchanged");
        }
        for (DeltaSchemas.DeltaField f : snap.fields()) {
            if (f.metadata().containsKey("delta.generationExpression")
                    || f.metadata().keySet().stream().anyMatch(k -> k.startsWith("delta.identity."))) {
                throw new DeltaException(where + ": column '" + f.name() + "' is a generated or identity column, which Spillway"
                        + " cannot write yet; the table is unchanged");
            }
        }
        boolean appendOnly = "true".equalsIgnoreCase(snap.property("delta.appendOnly", "false"));
        if (appendOnly && mode == SaveMode.OVERWRITE) {
            throw new DeltaException(where + " is append-only (delta.appendOnly = true): it cannot be overwritten");
        }
        for (DeltaSchemas.DeltaField f : snap.fields()) {
            if (f.metadata().containsKey("delta.invariants")) {
                throw new DeltaException(where + ": column '" + f.name() + "' has an invariant, which Spillway cannot check yet");
            }
        }
    }

    /**
     * The protocol a table of {@code schema} and {@code properties} needs, keeping what {@code current}
     * already has: reader 1 / writer 2 unless a column is timestamp_ntz or the properties enable deletion
     * vectors, which need table features (reader 3 / writer 7).
     */
    static Action.Protocol protocolFor(Schema schema, Action.Protocol current, Map<String, String> properties) {
        List<String> needed = new ArrayList<>();
        if (schema.fields().stream().anyMatch(f -> f.type() == DataType.TIMESTAMP_NTZ)) {
            needed.add("timestampNtz");
        }
        if (properties != null && "true".equalsIgnoreCase(properties.get("delta.enableDeletionVectors"))) {
            needed.add("deletionVectors");
        }
        if (properties != null && !DeltaColumnMapping.mode(properties, "").equals("none")) {
            needed.add("columnMapping");
        }
        // writer-only features the properties turn on
        List<String> writerOnly = new ArrayList<>();
        if (properties != null && "true".equalsIgnoreCase(properties.get("delta.enableChangeDataFeed"))
                && !(current != null && current.minWriterVersion() >= 4 && current.minWriterVersion() <= 6)) {
            writerOnly.add("changeDataFeed");
        }
        if (properties != null && "true".equalsIgnoreCase(properties.get(IN_COMMIT_TIMESTAMPS))) {
            writerOnly.add("inCommitTimestamp");
        }
        if (UniForm.icebergCompat(properties)) {
            writerOnly.add(UniForm.COMPAT_V2_FEATURE);
        }
        if (current != null && needed.stream().allMatch(f -> current.readerFeature(f)
                || f.equals("columnMapping") && current.minReaderVersion() == 2 && current.minWriterVersion() >= 5)
                && writerOnly.stream().allMatch(current::writerFeature)) {
            return current;
        }
        if (needed.isEmpty() && !writerOnly.isEmpty()) {
            // a writer-only feature: reader version unchanged, writer version 7 with the feature
            List<String> writer = new ArrayList<>(current == null || current.writerFeatures() == null ? List.of()
                    : current.writerFeatures());
            if (current == null || current.minWriterVersion() < 7) {
                writer.addAll(impliedWriterFeatures(current == null ? 2 : current.minWriterVersion()));
            }
            for (String f : writerOnly) {
                if (!writer.contains(f)) {
                    writer.add(f);
                }
            }
            int rv = current == null ? 1 : current.minReaderVersion();
            return new Action.Protocol(rv, 7, rv >= 3 ? current.readerFeatures() : null, writer);
        }
        if (needed.isEmpty()) {
            return current != null ? current : new Action.Protocol(1, 2, null, null);
        }
        List<String> reader = new ArrayList<>(current == null || current.readerFeatures() == null ? List.of() : current.readerFeatures());
        List<String> writer = new ArrayList<>(current == null || current.writerFeatures() == null ? List.of() : current.writerFeatures());
        if (current == null || current.minWriterVersion() < 7) {
            int wv = current == null ? 2 : current.minWriterVersion();
            writer.addAll(impliedWriterFeatures(wv));
            if (wv >= 5 || current != null && current.minReaderVersion() == 2) {
                reader.add("columnMapping");
            }
        }
        for (String f : writerOnly) {
            if (!writer.contains(f)) {
                writer.add(f);
            }
        }
        for (String f : needed) {
            if (!reader.contains(f)) {
                reader.add(f);
            }
            if (!writer.contains(f)) {
                writer.add(f);
            }
        }
        return new Action.Protocol(3, 7, reader, writer);
    }

    /** The writer features a legacy writer version implies (PROTOCOL.md "Writer Version Requirements"). */
    private static List<String> impliedWriterFeatures(int writerVersion) {
        List<String> out = new ArrayList<>(List.of("appendOnly", "invariants"));
        if (writerVersion >= 3) {
            out.add("checkConstraints");
        }
        if (writerVersion >= 4) {
            out.addAll(List.of("changeDataFeed", "generatedColumns"));
        }
        if (writerVersion >= 5) {
            out.add("columnMapping");
        }
        if (writerVersion >= 6) {
            out.add("identityColumns");
        }
        return out;
    }

    /** The table's schema after appending {@code in}: unknown columns only with mergeSchema, types must fit. */
    private static Schema mergedSchema(Snapshot snap, Schema in, boolean merge, String table) {
        Schema t = snap.schema();
        List<Field> out = new ArrayList<>(t.fields());
        List<String> unknown = new ArrayList<>();
        for (Field f : in.fields()) {
            int i = t.indexOf(f.name());
            if (i < 0) {
                for (Field g : t.fields()) {
                    if (g.name().equalsIgnoreCase(f.name())) {
                        throw new DeltaException("Cannot write to " + table + ": column '" + f.name() + "' differs only in case from"
                                + " the table's '" + g.name() + "' (Delta column names are case-insensitive)");
                    }
                }
                unknown.add(f.name());
                DeltaSchemas.deltaType(f.type(), f.name());
                out.add(new Field(f.name(), f.type()));
                continue;
            }
            DataType want = t.type(i);
            if (f.type() != want && !(f.type() == DataType.INT32 && want == DataType.INT64)
                    && !(f.type().isDecimal() && want.isDecimal() && f.type().scale() == want.scale()
                    && f.type().precision() <= want.precision())) {
                throw new DeltaException("Cannot write to " + table + ": column '" + f.name() + "' is " + f.type() + " in the data"
                        + " but " + want + " in the table (version " + snap.version + "); cast it, e.g. col(\"" + f.name()
                        + "\").cast(DataType." + want.name() + "); the table is unchanged");
            }
        }
        if (!unknown.isEmpty() && !merge) {
            throw new DeltaException("Cannot write to " + table + ": the data has columns the table (version " + snap.version
                    + ") does not: " + unknown + "; the table has " + t.names() + ". Add them with"
                    + " DeltaWriteOptions.withMergeSchema(true), or select the table's columns; the table is unchanged");
        }
        return new Schema(out);
    }

    /** {@code df} with the columns of {@code target}, in its order and types (a missing column as nulls). */
    private static DataFrame align(DataFrame df, Schema target) {
        Schema in = df.schema();
        if (in.sameNamesAndTypes(target)) {
            return df;
        }
        Expr[] exprs = new Expr[target.size()];
        for (int c = 0; c < target.size(); c++) {
            String name = target.field(c).name();
            DataType t = target.type(c);
            int i = in.indexOf(name);
            exprs[c] = i < 0 ? Functions.lit(null).cast(t).as(name)
                    : in.type(i) == t ? Functions.col(name) : Functions.col(name).cast(t).as(name);
        }
        return df.select(exprs);
    }

    static Schema dataSchema(Schema target, List<String> partitions) {
        List<Field> out = new ArrayList<>();
        for (Field f : target.fields()) {
            if (!partitions.contains(f.name())) {
                out.add(new Field(f.name(), f.type()));
            }
        }
        return new Schema(out);
    }

    /** The path of an add action: relative to the table, URI-encoded ({@code a=x%20y/part-0.parquet}). */
    static String relativeUri(Path table, Path file) {
        String rel = table.relativize(file).toString().replace(java.io.File.separatorChar, '/');
        try {
            return new URI(null, null, rel, null).getRawPath();
        } catch (URISyntaxException e) {
            throw new DeltaException("Cannot encode the path " + rel + " of table " + table + ": " + e.getMessage(), e);
        }
    }

    /** The partition values of a Hive path ({@code a=1/b=x%2Fy}): unescaped, the default partition as null. */
    static Map<String, String> partitionValues(String hivePath) {
        Map<String, String> out = new LinkedHashMap<>();
        if (hivePath.isEmpty()) {
            return out;
        }
        for (String part : hivePath.split("/")) {
            int eq = part.indexOf('=');
            String k = org.spillway.frame.io.parquet.ParquetSource.unescapePath(part.substring(0, eq));
            String v = part.substring(eq + 1);
            out.put(k, v.equals(ParquetWriteJob.DEFAULT_PARTITION) ? null : org.spillway.frame.io.parquet.ParquetSource.unescapePath(v));
        }
        return out;
    }

    private static Action.CommitInfo commitInfo(long now, Snapshot snap, SaveMode mode, List<String> partitions, int files,
                                                long rows, long bytes) {
        ObjectNode c = DeltaSchemas.JSON.createObjectNode();
        c.put("timestamp", now);
        c.put("operation", "WRITE");
        ObjectNode params = c.putObject("operationParameters");
        params.put("mode", switch (mode) {
            case APPEND -> "Append";
            case OVERWRITE -> "Overwrite";
            case ERROR_IF_EXISTS -> "ErrorIfExists";
            case IGNORE -> "Ignore";
        });
        params.put("partitionBy", DeltaSchemas.JSON.valueToTree(partitions).toString());
        if (snap != null) {
            c.put("readVersion", snap.version);
        }
        c.put("isolationLevel", "Serializable");
        c.put("isBlindAppend", mode == SaveMode.APPEND);
        ObjectNode metrics = c.putObject("operationMetrics");
        metrics.put("numFiles", Integer.toString(files));
        metrics.put("numOutputRows", Long.toString(rows));
        metrics.put("numOutputBytes", Long.toString(bytes));
        c.put("engineInfo", ENGINE);
        c.put("txnId", UUID.randomUUID().toString());
        return new Action.CommitInfo(c);
    }
}
