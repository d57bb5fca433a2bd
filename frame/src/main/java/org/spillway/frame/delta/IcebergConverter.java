package org.spillway.frame.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Writes the Iceberg v2 metadata of one Delta version (UniForm, {@link UniForm}): {@code metadata/vN.metadata.json}
 * with N = version + 1 and {@code metadata/version-hint.text} under the table directory, the Hadoop-table layout
 * {@code HadoopTables.load(tablePath)} reads, over the very Parquet files of the Delta version.
 *
 * <ul>
 *   <li><b>Schema</b>: the Delta columns with their column mapping ids as Iceberg field ids (files written with field
 *       ids resolve by id; files written before column mapping through {@code schema.name-mapping.default}, the
 *       physical names); a schema change adds an Iceberg schema.
 *   <li><b>Partitions</b>: one identity field per Delta partition column; files written before IcebergCompatV2 lack the
 *       partition columns, which Iceberg readers take from the manifest's partition tuple (as for migrated Hive tables).
 *   <li><b>Snapshots</b>: a Delta version that changes the files is an Iceberg snapshot (summary {@code delta-version});
 *       one that changes only metadata (a rename, a property) is a new metadata file on the same snapshot. Manifests
 *       are incremental: the new files go into a new manifest, a manifest that lost files is rewritten (the lost ones
 *       marked deleted), the others are kept as they are, and more than {@value #MAX_MANIFESTS} are merged into one.
 *   <li><b>Atomicity</b>: manifests have fresh names; the metadata file is published put-if-absent (a racing writer of
 *       the same version writes the same content); the version hint is replaced atomically, never lowered.
 * </ul>
 */
final class IcebergConverter {
    /** Manifests a snapshot keeps before they are merged into one. */
    static final int MAX_MANIFESTS = 100;
    /** Previous metadata files listed in {@code metadata-log}. */
    private static final int METADATA_LOG = 100;

    private final Snapshot snap;
    private final Path dir;
    private final String where;

    private IcebergConverter(Snapshot snap) {
        this.snap = snap;
        this.dir = snap.log.table.resolve("metadata");
        this.where = "Iceberg metadata of table " + snap.log.table + " version " + snap.version;
    }

    /** Writes the Iceberg metadata of {@code snap} unless it exists. */
    static void write(Snapshot snap) {
        new IcebergConverter(snap).run();
    }

    /** The Iceberg metadata file of a Delta version. */
    static Path metadataFile(Path table, long deltaVersion) {
        return table.resolve("metadata").resolve("v" + (deltaVersion + 1) + ".metadata.json");
    }

    private void run() {
        long ver = snap.version + 1;
        Path target = dir.resolve("v" + ver + ".metadata.json");
        try {
            if (Files.exists(target)) {
                updateHint(ver);
                return;
            }
            Files.createDirectories(dir);
            ObjectNode prev = previous(ver);
            ObjectNode meta = metadata(prev);
            publish(target, DeltaSchemas.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
            updateHint(ver);
        } catch (IOException e) {
            throw new DeltaException(where + " cannot be written: " + e.getMessage(), e);
        }
    }

    /** The newest metadata file before version {@code ver}, parsed; null if there is none. */
    private ObjectNode previous(long ver) throws IOException {
        long best = -1;
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "v*.metadata.json")) {
                for (Path p : ds) {
                    String n = p.getFileName().toString();
                    String num = n.substring(1, n.length() - ".metadata.json".length());
                    if (num.chars().allMatch(Character::isDigit) && !num.isEmpty()) {
                        long v = Long.parseLong(num);
                        if (v < ver && v > best) {
                            best = v;
                        }
                    }
                }
            }
        }
        if (best < 0) {
            return null;
        }
        Path f = dir.resolve("v" + best + ".metadata.json");
        try {
            ObjectNode out = (ObjectNode) DeltaSchemas.JSON.readTree(f.toFile());
            out.put("__file", f.toString());
            return out;
        } catch (IOException | ClassCastException e) {
            // a damaged earlier file: start a fresh history rather than fail every later commit
            org.slf4j.LoggerFactory.getLogger(IcebergConverter.class).warn("{}: the earlier Iceberg metadata {} cannot be read ({});"
                    + " writing a fresh Iceberg history", where, f, e.getMessage());
            return null;
        }
    }

    private ObjectNode metadata(ObjectNode prev) throws IOException {
        long commitTs = commitTimestamp(prev);
        String uuid = prev != null && prev.hasNonNull("table-uuid") ? prev.get("table-uuid").asText() : tableUuid();
        ObjectNode m = DeltaSchemas.JSON.createObjectNode();
        m.put("format-version", 2);
        m.put("table-uuid", uuid);
        m.put("location", snap.log.table.toString());
        // schemas: the previous ones, plus this version's unless it is one of them
        ArrayNode schemas = m.putArray("schemas");
        ArrayNode fields = IcebergManifestFiles.schemaFields(snap);
        int schemaId = -1;
        int maxSchema = -1;
        int lastColumn = 0;
        if (prev != null) {
            for (JsonNode s : prev.path("schemas")) {
                schemas.add(s);
                maxSchema = Math.max(maxSchema, s.path("schema-id").asInt());
                if (s.path("fields").equals(fields)) {
                    schemaId = s.path("schema-id").asInt();
                }
            }
            lastColumn = prev.path("last-column-id").asInt();
        }
        if (schemaId < 0) {
            schemaId = maxSchema + 1;
            ObjectNode s = schemas.addObject();
            s.put("type", "struct");
            s.put("schema-id", schemaId);
            s.set("fields", fields);
        }
        for (JsonNode f : fields) {
            lastColumn = Math.max(lastColumn, f.path("id").asInt());
        }
        // partition specs: the previous ones, plus this version's unless it is one of them
        ArrayNode specs = DeltaSchemas.JSON.createArrayNode();
        int lastPartition = prev == null ? 999 : prev.path("last-partition-id").asInt(999);
        int specId = -1;
        int maxSpec = -1;
        List<Integer> sources = IcebergManifestFiles.partitionSources(snap);
        if (prev != null) {
            for (JsonNode s : prev.path("partition-specs")) {
                specs.add(s);
                maxSpec = Math.max(maxSpec, s.path("spec-id").asInt());
                List<Integer> src = new ArrayList<>();
                s.path("fields").forEach(f -> src.add(f.path("source-id").asInt()));
                boolean identity = true;
                for (JsonNode f : s.path("fields")) {
                    identity &= f.path("transform").asText().equals("identity");
                }
                if (identity && src.equals(sources)) {
                    specId = s.path("spec-id").asInt();
                }
            }
        }
        ObjectNode spec;
        if (specId < 0) {
            specId = maxSpec + 1;
            spec = specs.addObject();
            spec.put("spec-id", specId);
            ArrayNode pf = spec.putArray("fields");
            List<String> parts = snap.partitionColumns();
            for (int i = 0; i < parts.size(); i++) {
                ObjectNode f = pf.addObject();
                f.put("name", parts.get(i));
                f.put("transform", "identity");
                f.put("source-id", sources.get(i));
                f.put("field-id", ++lastPartition);
            }
        } else {
            spec = null;
            for (JsonNode s : specs) {
                if (s.path("spec-id").asInt() == specId) {
                    spec = (ObjectNode) s;
                }
            }
        }
        m.put("last-sequence-number", prev == null ? 0 : prev.path("last-sequence-number").asLong());
        m.put("last-updated-ms", Math.max(commitTs, prev == null ? 0 : prev.path("last-updated-ms").asLong()));
        m.put("last-column-id", lastColumn);
        m.put("current-schema-id", schemaId);
        m.set("schemas", schemas);
        m.put("default-spec-id", specId);
        m.set("partition-specs", specs);
        m.put("last-partition-id", lastPartition);
        m.put("default-sort-order-id", 0);
        m.putArray("sort-orders").addObject().put("order-id", 0).putArray("fields");
        ObjectNode props = m.putObject("properties");
        props.put("schema.name-mapping.default", IcebergManifestFiles.nameMapping(snap));
        props.put("write.parquet.compression-codec", "zstd");
        props.put("delta-table-id", snap.metadata.id());
        // snapshots: the previous ones, plus one for this version if its files differ
        ArrayNode snapshots = m.putArray("snapshots");
        ArrayNode snapshotLog = m.putArray("snapshot-log");
        long current = -1;
        if (prev != null) {
            prev.path("snapshots").forEach(snapshots::add);
            prev.path("snapshot-log").forEach(snapshotLog::add);
            current = prev.path("current-snapshot-id").asLong(-1);
        }
        JsonNode prevSnapshot = null;
        for (JsonNode s : snapshots) {
            if (s.path("snapshot-id").asLong() == current) {
                prevSnapshot = s;
            }
        }
        ObjectNode added = new IcebergManifestFiles(snap, dir, where).snapshot(prevSnapshot, spec, specId, schemaId,
                m.path("last-sequence-number").asLong() + 1, snapshotId(uuid), commitTs);
        if (added != null) {
            snapshots.add(added);
            current = added.path("snapshot-id").asLong();
            m.put("last-sequence-number", added.path("sequence-number").asLong());
            snapshotLog.addObject().put("timestamp-ms", added.path("timestamp-ms").asLong()).put("snapshot-id", current);
        }
        m.put("current-snapshot-id", current);
        ObjectNode refs = m.putObject("refs");
        if (current >= 0) {
            refs.putObject("main").put("snapshot-id", current).put("type", "branch");
        }
        m.putArray("statistics");
        m.putArray("partition-statistics");
        ArrayNode metadataLog = m.putArray("metadata-log");
        if (prev != null) {
            List<JsonNode> log = new ArrayList<>();
            prev.path("metadata-log").forEach(log::add);
            ObjectNode e = DeltaSchemas.JSON.createObjectNode();
            e.put("timestamp-ms", prev.path("last-updated-ms").asLong());
            e.put("metadata-file", prev.path("__file").asText());
            log.add(e);
            log.subList(0, Math.max(0, log.size() - METADATA_LOG)).clear();
            log.forEach(metadataLog::add);
        }
        return m;
    }

    /** The commit's timestamp (in-commit timestamp, else the commit file's time), never before the previous snapshot's. */
    private long commitTimestamp(ObjectNode prev) {
        Long ict = snap.log.inCommitTimestamp(snap.version);
        long ts = ict != null ? ict : snap.log.modificationTime(snap.version);
        if (prev != null) {
            for (JsonNode s : prev.path("snapshots")) {
                ts = Math.max(ts, s.path("timestamp-ms").asLong() + (ict != null ? 0 : 1));
            }
        }
        return ts;
    }

    private String tableUuid() {
        String id = snap.metadata.id();
        try {
            return UUID.fromString(id).toString();
        } catch (IllegalArgumentException | NullPointerException e) {
            return UUID.nameUUIDFromBytes(String.valueOf(id).getBytes(StandardCharsets.UTF_8)).toString();
        }
    }

    /** A positive snapshot id, the same for the same table and version (racing writers of a version agree). */
    private long snapshotId(String uuid) {
        long id = UUID.nameUUIDFromBytes((uuid + "/" + snap.version).getBytes(StandardCharsets.UTF_8)).getMostSignificantBits()
                & Long.MAX_VALUE;
        return id == 0 ? 1 : id;
    }

    /** Writes {@code bytes} as {@code target} only if it does not exist (temporary file, then a hard link). */
    private void publish(Path target, byte[] bytes) throws IOException {
        Path tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.write(tmp, bytes);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.createLink(target, tmp);
            } catch (UnsupportedOperationException e) {
                Files.write(target, bytes, java.nio.file.StandardOpenOption.CREATE_NEW);
            }
            DeltaLog.syncDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            // another writer published this version (from the same Delta version: the same table state)
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Points {@code version-hint.text} at {@code ver} unless it points at a later version already. */
    private void updateHint(long ver) throws IOException {
        Path hint = dir.resolve("version-hint.text");
        if (Files.exists(hint)) {
            try {
                if (Long.parseLong(Files.readString(hint).trim()) >= ver) {
                    return;
                }
            } catch (NumberFormatException | IOException e) {
                // a damaged hint is replaced
            }
        }
        Path tmp = dir.resolve(".version-hint." + UUID.randomUUID() + ".tmp");
        try {
            Files.writeString(tmp, Long.toString(ver));
            Files.move(tmp, hint, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
