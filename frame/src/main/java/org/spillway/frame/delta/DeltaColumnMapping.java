package org.spillway.frame.delta;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Expr;
import org.spillway.frame.Functions;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * Delta column mapping (PROTOCOL.md "Column Mapping"), for writers: with {@code delta.columnMapping.mode}
 * {@code name} or {@code id}, every column has a stable id and a physical name ({@code col-<uuid>})
 * in its field metadata; data files store the physical names (and the ids as Parquet field ids),
 * partition values and statistics are keyed by physical names, and the display name in the schema can
 * change freely. That is what makes rename and drop metadata-only: a renamed column keeps its data,
 * and a column re-added under a dropped one's name gets a new physical name, so old rows read null.
 *
 * <p>A mapping is the view of one schema: logical name to physical name and id. Mode {@code none}
 * maps every name to itself and has no ids.
 */
final class DeltaColumnMapping {
    static final String MODE = "delta.columnMapping.mode";
    static final String MAX_ID = "delta.columnMapping.maxColumnId";

    private final String mode;
    private final Map<String, String> physical = new LinkedHashMap<>();
    private final Map<String, Integer> ids = new LinkedHashMap<>();

    private final boolean materializePartitions;

    private DeltaColumnMapping(String mode, List<DeltaSchemas.DeltaField> fields, boolean materializePartitions) {
        this.mode = mode;
        this.materializePartitions = materializePartitions;
        for (DeltaSchemas.DeltaField f : fields) {
            Object p = f.metadata().get(DeltaSchemas.PHYSICAL_NAME);
            Object id = f.metadata().get(DeltaSchemas.COLUMN_ID);
            physical.put(f.name(), mode.equals("none") || p == null ? f.name() : p.toString());
            if (!mode.equals("none") && id instanceof Number n) {
                ids.put(f.name(), n.intValue());
            }
        }
    }

    /** The mapping of a table's fields under {@code mode}. */
    static DeltaColumnMapping of(String mode, List<DeltaSchemas.DeltaField> fields) {
        return new DeltaColumnMapping(mode, fields, false);
    }

    /** As {@link #of(String, List)}; {@code materializePartitions}: data files store the partition columns too. */
    static DeltaColumnMapping of(String mode, List<DeltaSchemas.DeltaField> fields, boolean materializePartitions) {
        return new DeltaColumnMapping(mode, fields, materializePartitions);
    }

    /**
     * The mapping of a table's fields under the mode its {@code configuration} asks for; data files of a table
     * with IcebergCompatV2 also store the partition columns ({@link UniForm#icebergCompat}).
     */
    static DeltaColumnMapping of(Map<String, String> configuration, List<DeltaSchemas.DeltaField> fields, String table) {
        return new DeltaColumnMapping(mode(configuration, table), fields, UniForm.icebergCompat(configuration));
    }

    /** The mode a table's properties ask for ({@code none} when unset), checked. */
    static String mode(Map<String, String> configuration, String table) {
        String m = configuration == null ? null : configuration.get(MODE);
        String mode = m == null ? "none" : m.trim().toLowerCase(Locale.ROOT);
        if (!mode.equals("none") && !mode.equals("name") && !mode.equals("id")) {
            throw new DeltaException("Table " + table + ": " + MODE + " is '" + m + "'; it must be none, name or id");
        }
        return mode;
    }

    boolean enabled() {
        return !mode.equals("none");
    }

    /** The column's name in data files, partition values and statistics. */
    String physical(String column) {
        return physical.getOrDefault(column, column);
    }

    /** The column's Parquet field id, by which id mode resolves it; null in the other modes. */
    Integer fieldId(String column) {
        return mode.equals("id") ? ids.get(column) : null;
    }

    /** {@code rows} (the table's columns under their logical names) with each column renamed to its physical name. */
    DataFrame toPhysical(DataFrame rows) {
        if (!enabled()) {
            return rows;
        }
        List<Expr> out = new ArrayList<>();
        for (String c : rows.schema().names()) {
            out.add(Functions.col(c).as(physical(c)));
        }
        return rows.select(out.toArray(Expr[]::new));
    }

    /** {@code schema} with physical names. */
    Schema toPhysical(Schema schema) {
        List<Field> out = new ArrayList<>();
        for (Field f : schema.fields()) {
            out.add(new Field(physical(f.name()), f.type()));
        }
        return new Schema(out);
    }

    /** The Parquet write options for data files: partitioned by the physical names, with the ids as field ids. */
    ParquetWriteOptions writeOptions(ParquetWriteOptions base, List<String> partitions) {
        String[] parts = partitions.stream().map(this::physical).toArray(String[]::new);
        ParquetWriteOptions o = base.withPartitionBy(parts).withPartitionColumnsInFiles(materializePartitions && parts.length > 0);
        if (!enabled()) {
            return o;
        }
        Map<String, Integer> fieldIds = new LinkedHashMap<>();
        ids.forEach((name, id) -> fieldIds.put(physical(name), id));
        return o.withFieldIds(fieldIds);
    }

    /** The result of {@link #schemaJson}: the schema string and the configuration (with the new max column id). */
    record Evolved(String schemaString, Map<String, String> configuration) {
    }

    /**
     * The schema string for {@code target}: the columns of {@code existing} (the current fields, possibly
     * none) keep their JSON (nullability, metadata, ids); the rest of {@code target}'s columns are added
     * as nullable columns, each with a new id and physical name when the configuration enables column
     * mapping (and the max column id in the configuration advanced past them).
     */
    static Evolved schemaJson(List<DeltaSchemas.DeltaField> existing, Schema target, Map<String, String> configuration, String table) {
        String mode = mode(configuration, table);
        Map<String, String> config = new LinkedHashMap<>(configuration == null ? Map.of() : configuration);
        long maxId = maxId(existing, config);
        ObjectNode root = DeltaSchemas.JSON.createObjectNode();
        root.put("type", "struct");
        ArrayNode fields = root.putArray("fields");
        java.util.Set<String> known = new java.util.HashSet<>();
        for (DeltaSchemas.DeltaField f : existing) {
            fields.add(DeltaSchemas.fieldJson(f.name(), f.typeName(), f.nullable(), f.metadata()));
            known.add(f.name());
        }
        for (Field f : target.fields()) {
            if (known.contains(f.name())) {
                continue;
            }
            Map<String, Object> meta = new LinkedHashMap<>();
            if (!mode.equals("none")) {
                meta.put(DeltaSchemas.COLUMN_ID, ++maxId);
                meta.put(DeltaSchemas.PHYSICAL_NAME, "col-" + UUID.randomUUID());
            }
            fields.add(DeltaSchemas.fieldJson(f.name(), DeltaSchemas.deltaType(f.type(), f.name()), true, meta));
        }
        if (!mode.equals("none")) {
            config.put(MAX_ID, Long.toString(maxId));
        }
        return new Evolved(root.toString(), config);
    }

    /**
     * The fields of a table that turns column mapping on now: each existing column keeps its name as
     * its physical name (its data files already use it) and gets an id, as Delta does.
     */
    static List<DeltaSchemas.DeltaField> assignExisting(List<DeltaSchemas.DeltaField> fields, Map<String, String> config) {
        long maxId = maxId(fields, config);
        List<DeltaSchemas.DeltaField> out = new ArrayList<>();
        for (DeltaSchemas.DeltaField f : fields) {
            Map<String, Object> meta = new LinkedHashMap<>(f.metadata());
            if (!meta.containsKey(DeltaSchemas.COLUMN_ID)) {
                meta.put(DeltaSchemas.COLUMN_ID, ++maxId);
            }
            meta.putIfAbsent(DeltaSchemas.PHYSICAL_NAME, f.name());
            out.add(new DeltaSchemas.DeltaField(f.name(), f.type(), f.nullable(), meta));
        }
        config.put(MAX_ID, Long.toString(maxId));
        return out;
    }

    /** The largest column id in use: the table property, or the fields' ids if larger. */
    private static long maxId(List<DeltaSchemas.DeltaField> fields, Map<String, String> config) {
        long max = 0;
        String p = config.get(MAX_ID);
        if (p != null) {
            try {
                max = Long.parseLong(p.trim());
            } catch (NumberFormatException e) {
                max = 0;
            }
        }
        for (DeltaSchemas.DeltaField f : fields) {
            if (f.metadata().get(DeltaSchemas.COLUMN_ID) instanceof Number n) {
                max = Math.max(max, n.longValue());
            }
        }
        return max;
    }

    /** The schema string of {@code fields}. */
    static String json(List<DeltaSchemas.DeltaField> fields) {
        ObjectNode root = DeltaSchemas.JSON.createObjectNode();
        root.put("type", "struct");
        ArrayNode arr = root.putArray("fields");
        for (DeltaSchemas.DeltaField f : fields) {
            arr.add(DeltaSchemas.fieldJson(f.name(), f.typeName(), f.nullable(), f.metadata()));
        }
        return root.toString();
    }
}
