package org.spillway.frame.delta;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * {@link DeltaTable#addColumn}, {@link DeltaTable#renameColumn} and {@link DeltaTable#dropColumn}:
 * metadata-only commits. Rename and drop need column mapping; a table without it gets
 * {@code delta.columnMapping.mode = name} in the same commit (each existing column keeps its name as
 * its physical name, so no data file is rewritten), as Delta's {@code ALTER TABLE ... SET TBLPROPERTIES}
 * does.
 */
final class DeltaSchemaChanges {
    private DeltaSchemaChanges() {
    }

    static long addColumn(DeltaLog log, String name, DataType type) {
        Snapshot snap = latest(log);
        checkNewName(snap, name, null);
        DeltaSchemas.deltaType(type, name);
        List<Field> fields = new ArrayList<>(snap.schema().fields());
        fields.add(new Field(name, type));
        DeltaColumnMapping.Evolved ev = DeltaColumnMapping.schemaJson(snap.fields(), new Schema(fields),
                snap.metadata.configuration(), log.table.toString());
        ObjectNode c = commitInfo(snap, "ADD COLUMNS");
        c.putObject("operationParameters").put("columns", "[{\"column\":{\"name\":\"" + name + "\",\"type\":\""
                + DeltaSchemas.deltaType(type, name) + "\"}}]");
        return commit(log, snap, c, ev.schemaString(), snap.partitionColumns(), ev.configuration(), new Schema(fields));
    }

    static long renameColumn(DeltaLog log, String from, String to) {
        Snapshot snap = latest(log);
        int at = indexOf(snap, from);
        checkNewName(snap, to, from);
        Map<String, String> config = new LinkedHashMap<>(snap.metadata.configuration() == null ? Map.of()
                : snap.metadata.configuration());
        List<DeltaSchemas.DeltaField> fields = mapped(snap, config);
        DeltaSchemas.DeltaField f = fields.get(at);
        fields.set(at, new DeltaSchemas.DeltaField(to, f.type(), f.nullable(), f.metadata()));
        List<String> partitions = new ArrayList<>(snap.partitionColumns());
        partitions.replaceAll(p -> p.equals(from) ? to : p);
        ObjectNode c = commitInfo(snap, "RENAME COLUMN");
        c.putObject("operationParameters").put("oldColumnPath", from).put("newColumnPath", to);
        List<Field> schema = new ArrayList<>(snap.schema().fields());
        schema.set(at, new Field(to, schema.get(at).type()));
        return commit(log, snap, c, DeltaColumnMapping.json(fields), partitions, config, new Schema(schema));
    }

    static long dropColumn(DeltaLog log, String column) {
        Snapshot snap = latest(log);
        int at = indexOf(snap, column);
        if (snap.partitionColumns().contains(column)) {
            throw new DeltaException("Cannot drop column '" + column + "' of table " + log.table + ": it is a partition column");
        }
        if (snap.fields().size() - snap.partitionColumns().size() <= 1) {
            throw new DeltaException("Cannot drop column '" + column + "' of table " + log.table + ": it is the only data column");
        }
        Map<String, String> config = new LinkedHashMap<>(snap.metadata.configuration() == null ? Map.of()
                : snap.metadata.configuration());
        List<DeltaSchemas.DeltaField> fields = mapped(snap, config);
        fields.remove(at);
        ObjectNode c = commitInfo(snap, "DROP COLUMNS");
        c.putObject("operationParameters").put("columns", "[\"" + column + "\"]");
        List<Field> schema = new ArrayList<>(snap.schema().fields());
        schema.remove(at);
        return commit(log, snap, c, DeltaColumnMapping.json(fields), snap.partitionColumns(), config, new Schema(schema));
    }

    private static Snapshot latest(DeltaLog log) {
        Snapshot snap = Snapshot.load(log, log.commitVersions().last());
        DeltaWriter.checkWritable(snap, SaveMode.APPEND);
        return snap;
    }

    private static int indexOf(Snapshot snap, String column) {
        List<DeltaSchemas.DeltaField> fields = snap.fields();
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().equals(column)) {
                return i;
            }
        }
        throw new DeltaException("Table " + snap.log.table + " has no column '" + column + "'; its columns are "
                + snap.schema().names());
    }

    private static void checkNewName(Snapshot snap, String name, String except) {
        if (name == null || name.isBlank()) {
            throw new DeltaException("A column of table " + snap.log.table + " needs a non-empty name");
        }
        for (String c : snap.schema().names()) {
            if (c.equalsIgnoreCase(name) && !c.equals(except)) {
                throw new DeltaException("Table " + snap.log.table + " already has a column '" + c + "'");
            }
        }
    }

    /** The fields with column mapping on: as they are if the table has it, else mode name is turned on in {@code config}. */
    private static List<DeltaSchemas.DeltaField> mapped(Snapshot snap, Map<String, String> config) {
        if (snap.mapping().enabled()) {
            return new ArrayList<>(snap.fields());
        }
        config.put(DeltaColumnMapping.MODE, "name");
        return DeltaColumnMapping.assignExisting(snap.fields(), config);
    }

    private static ObjectNode commitInfo(Snapshot snap, String operation) {
        ObjectNode c = DeltaSchemas.JSON.createObjectNode();
        c.put("timestamp", System.currentTimeMillis());
        c.put("operation", operation);
        c.put("readVersion", snap.version);
        c.put("isBlindAppend", true);
        c.put("engineInfo", DeltaWriter.ENGINE);
        return c;
    }

    private static long commit(DeltaLog log, Snapshot snap, ObjectNode info, String schemaString, List<String> partitions,
                               Map<String, String> config, Schema schema) {
        ObjectNode c = info;
        if (!c.has("operationParameters")) {
            c.putObject("operationParameters");
        }
        Action.Metadata m = snap.metadata;
        List<Action> actions = new ArrayList<>();
        actions.add(new Action.CommitInfo(c));
        Action.Protocol p = DeltaWriter.protocolFor(schema, snap.protocol, config);
        if (!p.equals(snap.protocol)) {
            actions.add(p);
        }
        actions.add(new Action.Metadata(m.id(), m.name(), m.description(), m.provider(), m.formatOptions(), schemaString,
                partitions, config, m.createdTime()));
        return DeltaWriter.commitMetadata(log, snap.version, actions);
    }
}
