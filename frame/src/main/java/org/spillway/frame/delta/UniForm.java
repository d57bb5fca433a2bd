package org.spillway.frame.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@link DeltaTable#enableIceberg()}: Delta's UniForm for Iceberg. The table gets the properties
 * {@code delta.universalFormat.enabledFormats = iceberg} and {@code delta.enableIcebergCompatV2 = true}
 * (writer feature {@code icebergCompatV2}, PROTOCOL.md "Iceberg Compatibility V2"), column mapping
 * ({@code name} mode when the table had none: existing columns keep their names as physical names), and
 * from then on every commit also writes Iceberg metadata over the same Parquet files
 * ({@link IcebergConverter}).
 *
 * <p>What IcebergCompatV2 asks of writers, Spillway does while the property is set: column mapping with
 * Parquet field ids, partition columns materialized in the data files (as well as in the directory
 * names), {@code numRecords} in every file's statistics, int64 timestamps, and no deletion vectors
 * (Iceberg v2 has no way to express them: deletes rewrite files while the table is readable as Iceberg).
 */
final class UniForm {
    /** The formats a table also publishes (a comma-separated list; {@code iceberg} here). */
    static final String ENABLED_FORMATS = "delta.universalFormat.enabledFormats";
    /** The IcebergCompatV2 property. */
    static final String COMPAT_V2 = "delta.enableIcebergCompatV2";
    /** The writer feature of IcebergCompatV2. */
    static final String COMPAT_V2_FEATURE = "icebergCompatV2";
    private static final String DELETION_VECTORS = "delta.enableDeletionVectors";
    /** Delta types Iceberg v2 can represent (IcebergCompatV2's allow-list, primitives: nested types are not converted yet). */
    private static final Set<String> ICEBERG_TYPES = Set.of("byte", "short", "integer", "long", "float", "double", "string", "binary",
            "boolean", "timestamp", "timestamp_ntz", "date");

    private UniForm() {
    }

    /** True if a table's configuration turns IcebergCompatV2 on. */
    static boolean icebergCompat(Map<String, String> configuration) {
        return configuration != null && "true".equalsIgnoreCase(configuration.get(COMPAT_V2));
    }

    /** True if a table's configuration lists Iceberg among its universal formats. */
    static boolean icebergEnabled(Map<String, String> configuration) {
        String v = configuration == null ? null : configuration.get(ENABLED_FORMATS);
        if (v == null) {
            return false;
        }
        for (String f : v.split(",")) {
            if (f.trim().equalsIgnoreCase("iceberg")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The properties of a new table with what Iceberg needs added when they ask for it: a table created with
     * {@code delta.universalFormat.enabledFormats=iceberg} gets IcebergCompatV2 and column mapping mode
     * {@code name} (unless it asks for {@code id}), as Delta does.
     */
    static Map<String, String> forNewTable(Map<String, String> properties) {
        if (!icebergEnabled(properties)) {
            return properties;
        }
        Map<String, String> out = new LinkedHashMap<>(properties);
        if (DeltaColumnMapping.mode(out, "").equals("none")) {
            out.put(DeltaColumnMapping.MODE, "name");
        }
        if ("true".equalsIgnoreCase(out.get(DELETION_VECTORS))) {
            throw new DeltaException("A table with " + ENABLED_FORMATS + "=iceberg cannot have " + DELETION_VECTORS + "=true: Iceberg v2"
                    + " metadata cannot express deletion vectors");
        }
        out.put(COMPAT_V2, "true");
        return out;
    }

    /** Turns Iceberg on for the latest version (or, when it is on already, writes any missing Iceberg metadata of it). */
    static long enable(DeltaLog log) {
        if (!log.exists()) {
            throw new DeltaException("Cannot enable Iceberg on " + log.table + ": it is not a Delta table (no _delta_log commits)");
        }
        Snapshot snap = Snapshot.load(log, log.commitVersions().last());
        DeltaWriter.checkWritable(snap, SaveMode.APPEND);
        Map<String, String> config = new LinkedHashMap<>(snap.metadata.configuration() == null ? Map.of()
                : snap.metadata.configuration());
        if (icebergEnabled(config) && icebergCompat(config) && snap.mapping().enabled()) {
            IcebergConverter.write(snap);
            return snap.version;
        }
        check(snap);
        List<DeltaSchemas.DeltaField> fields;
        if (snap.mapping().enabled()) {
            fields = snap.fields();
        } else {
            config.put(DeltaColumnMapping.MODE, "name");
            fields = DeltaColumnMapping.assignExisting(snap.fields(), config);
        }
        if ("true".equalsIgnoreCase(config.get(DELETION_VECTORS))) {
            config.put(DELETION_VECTORS, "false"); // no file has one (check): deletes rewrite files from now on
        }
        config.put(COMPAT_V2, "true");
        String formats = config.get(ENABLED_FORMATS);
        config.put(ENABLED_FORMATS, formats == null || formats.isBlank() ? "iceberg" : formats + ",iceberg");
        ObjectNode info = DeltaSchemas.JSON.createObjectNode();
        info.put("timestamp", System.currentTimeMillis());
        info.put("operation", "SET TBLPROPERTIES");
        ObjectNode params = info.putObject("operationParameters");
        params.put("properties", "{\"" + ENABLED_FORMATS + "\":\"iceberg\",\"" + COMPAT_V2 + "\":\"true\"}");
        info.put("readVersion", snap.version);
        info.put("isBlindAppend", true);
        info.put("engineInfo", DeltaWriter.ENGINE);
        List<Action> actions = new ArrayList<>();
        actions.add(new Action.CommitInfo(info));
        Action.Protocol p = DeltaWriter.protocolFor(snap.schema(), snap.protocol, config);
        if (!p.equals(snap.protocol)) {
            actions.add(p);
        }
        Action.Metadata m = snap.metadata;
        actions.add(new Action.Metadata(m.id(), m.name(), m.description(), m.provider(), m.formatOptions(),
                DeltaColumnMapping.json(fields), snap.partitionColumns(), config, m.createdTime()));
        // the commit's post-commit step writes the Iceberg metadata of the new version
        return DeltaWriter.commitMetadata(log, snap.version, actions);
    }

    /** Refuses what Iceberg v2 metadata cannot express, naming it. */
    private static void check(Snapshot snap) {
        String table = "Cannot enable Iceberg on table " + snap.log.table + ": ";
        for (DeltaSchemas.DeltaField f : snap.fields()) {
            String t = f.typeName();
            if (!ICEBERG_TYPES.contains(t) && !t.startsWith("decimal(")) {
                throw new DeltaException(table + "column '" + f.name() + "' has type " + t + ", which Spillway cannot publish as Iceberg"
                        + " yet (primitive types only: nested struct, array and map columns are not converted)");
            }
            Object changes = f.metadata().get("delta.typeChanges");
            if (changes != null && !icebergWidening(changes)) {
                throw new DeltaException(table + "column '" + f.name() + "' was widened in a way Iceberg v2 does not allow ("
                        + changes + "); Iceberg allows int to long, float to double and wider decimal precision");
            }
        }
        long withDv = snap.addFiles().stream().filter(a -> a.deletionVector() != null).count();
        if (withDv > 0) {
            throw new DeltaException(table + withDv + " of its files have deletion vectors, which Iceberg v2 metadata cannot express;"
                    + " rewrite them first (e.g. overwrite the table with its own rows after setting " + DELETION_VECTORS + "=false)");
        }
    }

    /** True if every recorded type change is one Iceberg v2 allows. */
    private static boolean icebergWidening(Object changes) {
        JsonNode list = DeltaSchemas.JSON.valueToTree(changes);
        for (JsonNode c : list) {
            String from = c.path("fromType").asText("").toLowerCase(Locale.ROOT);
            String to = c.path("toType").asText("").toLowerCase(Locale.ROOT);
            boolean ok = Set.of("byte", "short", "integer").contains(from) && Set.of("short", "integer", "long").contains(to)
                    || from.equals("float") && to.equals("double")
                    || from.startsWith("decimal") && to.startsWith("decimal") && scale(from) == scale(to);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static int scale(String decimal) {
        int comma = decimal.indexOf(',');
        return comma < 0 ? -1 : Integer.parseInt(decimal.substring(comma + 1, decimal.indexOf(')')).trim());
    }

    /**
     * After a commit: writes the Iceberg metadata of {@code snap} when the table publishes Iceberg. The Delta commit has
     * landed already; metadata that cannot be written is logged (the Iceberg view then stays at the version before,
     * and the next commit, or {@link DeltaTable#enableIceberg()}, writes the latest).
     */
    static void afterCommit(Snapshot snap) {
        if (!icebergEnabled(snap.metadata.configuration())) {
            return;
        }
        try {
            IcebergConverter.write(snap);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(UniForm.class).warn("Table {}: version {} is committed, but its Iceberg metadata could not"
                    + " be written ({}); Iceberg readers see an older version until the next commit", snap.log.table, snap.version,
                    e.getMessage());
        }
    }
}
