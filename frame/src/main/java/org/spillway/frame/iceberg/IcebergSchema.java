package org.spillway.frame.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * An Iceberg schema's top-level columns (spec "Schemas and Data Types", JSON in Appendix C) as Spillway
 * columns, each with its field id. Types: boolean; int (int32); long (int64); float and double (float64);
 * decimal(P,S); date; time; timestamp and timestamp_ns (timestamp_ntz: without zone); timestamptz and
 * timestamptz_ns (timestamp; nanoseconds must be whole microseconds); string and uuid (string); fixed(L) and
 * binary (binary). Nested types (struct, list, map), variant, geometry, geography and unknown are refused
 * naming the column, as is a v3 column with a non-null {@code initial-default} (files written before it was
 * added would have to read the default, which the Parquet scan cannot supply yet).
 */
final class IcebergSchema {
    private static final Pattern DECIMAL = Pattern.compile("decimal\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)");
    private static final Pattern FIXED = Pattern.compile("fixed\\[\\s*(\\d+)\\s*\\]");

    /** A top-level column. */
    record Column(int id, String name, DataType type) {
    }

    private IcebergSchema() {
    }

    /** The columns of a JSON schema; {@code where} names the table (and snapshot) for errors. */
    static List<Column> columns(JsonNode schema, String where) {
        List<Column> out = new ArrayList<>();
        for (JsonNode f : schema.path("fields")) {
            String name = f.path("name").asText();
            JsonNode d = f.get("initial-default");
            if (d != null && !d.isNull()) {
                throw new IcebergException(where + ": column '" + name + "' has an initial default (" + d
                        + "); reading columns with defaults is not supported yet");
            }
            out.add(new Column(f.path("id").asInt(), name, type(f.get("type"), name, where)));
        }
        return out;
    }

    /** The Spillway schema of {@code columns}. */
    static Schema schema(List<Column> columns) {
        List<Field> fields = new ArrayList<>();
        for (Column c : columns) {
            fields.add(new Field(c.name(), c.type()));
        }
        return new Schema(fields);
    }

    /** The type of the field with {@code id} in {@code schema}, or null if it has no such top-level primitive field. */
    static DataType typeOf(JsonNode schema, int id) {
        for (JsonNode f : schema.path("fields")) {
            if (f.path("id").asInt() == id) {
                JsonNode t = f.get("type");
                try {
                    return t != null && t.isTextual() ? type(t, f.path("name").asText(), "") : null;
                } catch (IcebergException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** The name of the field with {@code id} in {@code schema}, or null. */
    static String nameOf(JsonNode schema, int id) {
        for (JsonNode f : schema.path("fields")) {
            if (f.path("id").asInt() == id) {
                return f.path("name").asText();
            }
        }
        return null;
    }

    static DataType type(JsonNode t, String column, String where) {
        if (t == null || !t.isTextual()) {
            String kind = t == null ? "no type" : t.path("type").asText("an unknown type");
            throw new IcebergException(where + ": column '" + column + "' is a " + kind + "; nested columns (struct, list, map) "
                    + "are not supported yet");
        }
        String s = t.asText().trim();
        Matcher m = DECIMAL.matcher(s);
        if (m.matches()) {
            int p = Integer.parseInt(m.group(1));
            int sc = Integer.parseInt(m.group(2));
            if (p < 1 || p > DataType.MAX_DECIMAL_PRECISION || sc > p) {
                throw new IcebergException(where + ": column '" + column + "' is " + s + ", which is not a valid decimal");
            }
            return DataType.decimal(p, sc);
        }
        if (FIXED.matcher(s).matches()) {
            return DataType.BINARY;
        }
        return switch (s) {
            case "boolean" -> DataType.BOOL;
            case "int" -> DataType.INT32;
            case "long" -> DataType.INT64;
            case "float", "double" -> DataType.FLOAT64;
            case "date" -> DataType.DATE;
            case "time" -> DataType.TIME;
            case "timestamp", "timestamp_ns" -> DataType.TIMESTAMP_NTZ;
            case "timestamptz", "timestamptz_ns" -> DataType.TIMESTAMP;
            case "string", "uuid" -> DataType.STRING;
            case "binary" -> DataType.BINARY;
            default -> throw new IcebergException(where + ": column '" + column + "' has the type '" + s
                    + "', which Spillway does not read yet");
        };
    }

    /**
     * The table property {@code schema.name-mapping.default} (spec "Column Projection") as field id to the
     * names a file without field ids may use for it; empty when there is none.
     */
    static Map<Integer, List<String>> nameMapping(String json, String where) {
        Map<Integer, List<String>> out = new HashMap<>();
        if (json == null || json.isBlank()) {
            return out;
        }
        try {
            for (JsonNode f : IcebergMetadata.JSON.readTree(json)) {
                if (f.has("field-id")) {
                    List<String> names = new ArrayList<>();
                    f.path("names").forEach(n -> names.add(n.asText()));
                    out.put(f.get("field-id").asInt(), names);
                }
            }
        } catch (java.io.IOException e) {
            throw new IcebergException(where + ": the table property schema.name-mapping.default is not valid JSON: " + e.getMessage(), e);
        }
        return out;
    }
}
