package org.spillway.frame.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * Delta's schema serialization (the {@code schemaString} of {@code metaData}, Spark's StructType JSON)
 * to and from Spillway schemas.
 *
 * <table>
 *   <caption>Types</caption>
 *   <tr><th>Delta</th><th>Spillway</th></tr>
 *   <tr><td>byte, short, integer</td><td>int32 (written as integer)</td></tr>
 *   <tr><td>long</td><td>int64</td></tr>
 *   <tr><td>float, double</td><td>float64 (written as double)</td></tr>
 *   <tr><td>boolean, string, binary, date, timestamp, timestamp_ntz</td><td>the same</td></tr>
 *   <tr><td>decimal(p,s)</td><td>decimal(p,s)</td></tr>
 * </table>
 *
 * <p>Nested types (struct, array, map), variant and other types are not readable yet: a table with
 * such a column fails to open, naming it. Spillway's {@code time} has no Delta type: writing one
 * fails, suggesting a cast.
 */
public final class DeltaSchemas {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Field metadata key of a column's name in data files under column mapping. */
    static final String PHYSICAL_NAME = "delta.columnMapping.physicalName";
    /** Field metadata key of a column's id (its Parquet field id) under column mapping. */
    static final String COLUMN_ID = "delta.columnMapping.id";

    private DeltaSchemas() {
    }

    /** The Delta type name of a Spillway type, or an error for {@code time}. */
    public static String deltaType(DataType t, String column) {
        return switch (t.kind()) {
            case BOOL -> "boolean";
            case INT32 -> "integer";
            case INT64 -> "long";
            case FLOAT64 -> "double";
            case STRING -> "string";
            case BINARY -> "binary";
            case DATE -> "date";
            case TIMESTAMP -> "timestamp";
            case TIMESTAMP_NTZ -> "timestamp_ntz";
            case DECIMAL, DECIMAL128 -> "decimal(" + t.precision() + "," + t.scale() + ")";
            case TIME -> throw new DeltaException("Column '" + column + "' is time, which Delta has no type for: cast it to"
                    + " string or int64 (microseconds since midnight) before writing a Delta table");
        };
    }

    /** The Spillway type of a Delta primitive type name, or null if Spillway cannot hold it. */
    static DataType spillwayType(String deltaType) {
        String t = deltaType.trim();
        if (t.startsWith("decimal")) {
            try {
                return DataType.parse(t);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return switch (t) {
            case "byte", "short", "integer" -> DataType.INT32;
            case "long" -> DataType.INT64;
            case "float", "double" -> DataType.FLOAT64;
            case "boolean" -> DataType.BOOL;
            case "string" -> DataType.STRING;
            case "binary" -> DataType.BINARY;
            case "date" -> DataType.DATE;
            case "timestamp" -> DataType.TIMESTAMP;
            case "timestamp_ntz" -> DataType.TIMESTAMP_NTZ;
            default -> null;
        };
    }

    /** The JSON schema string of {@code schema} (every column nullable, metadata as given). */
    public static String toJson(Schema schema) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", "struct");
        ArrayNode fields = root.putArray("fields");
        for (Field f : schema.fields()) {
            fields.add(fieldJson(f.name(), deltaType(f.type(), f.name()), true, Map.of()));
        }
        return root.toString();
    }

    static ObjectNode fieldJson(String name, String type, boolean nullable, Map<String, Object> metadata) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", name);
        n.put("type", type);
        n.put("nullable", nullable);
        n.set("metadata", JSON.valueToTree(metadata));
        return n;
    }

    /** One column of a Delta schema: its name, Delta type, nullability and field metadata. */
    record DeltaField(String name, JsonNode type, boolean nullable, Map<String, Object> metadata) {
        /** The type as text ({@code long}, {@code decimal(10,2)}, or the JSON of a nested type). */
        String typeName() {
            return type.isTextual() ? type.asText() : type.toString();
        }
    }

    /** The top-level fields of a schema string. */
    static List<DeltaField> fields(String schemaString, String table) {
        JsonNode root;
        try {
            root = JSON.readTree(schemaString);
        } catch (Exception e) {
            throw new DeltaException("Table " + table + ": the schema in the log is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !"struct".equals(root.path("type").asText()) || !root.path("fields").isArray()) {
            throw new DeltaException("Table " + table + ": the schema in the log is not a struct: " + schemaString);
        }
        List<DeltaField> out = new ArrayList<>();
        for (JsonNode f : root.path("fields")) {
            Map<String, Object> meta = new LinkedHashMap<>();
            JsonNode m = f.path("metadata");
            if (m.isObject()) {
                m.properties().forEach(e -> meta.put(e.getKey(), JSON.convertValue(e.getValue(), Object.class)));
            }
            out.add(new DeltaField(f.path("name").asText(), f.path("type"), f.path("nullable").asBoolean(true), meta));
        }
        return out;
    }

    /**
     * The Spillway schema of a table's Delta schema; a column of a type Spillway cannot hold fails,
     * naming the table and the column.
     */
    static Schema toSchema(List<DeltaField> fields, String table) {
        List<Field> out = new ArrayList<>();
        for (DeltaField f : fields) {
            DataType t = f.type().isTextual() ? spillwayType(f.type().asText()) : null;
            if (t == null) {
                throw new DeltaException("Table " + table + ": column '" + f.name() + "' is " + f.typeName()
                        + ", which Spillway cannot read yet (nested and variant columns are not supported)");
            }
            out.add(new Field(f.name(), t));
        }
        return new Schema(out);
    }
}
