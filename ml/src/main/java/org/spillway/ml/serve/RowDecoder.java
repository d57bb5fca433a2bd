package org.spillway.ml.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;

/**
 * Turns a request's rows (JSON objects, or CSV records under a header) into value arrays in the order of a model's
 * input schema, converting each value to its column's type. A missing field, or a value of another kind (a string
 * for a number, a fraction for an int32, a number for a string), is a {@link BadRequest} naming the row and field.
 * Fields the model does not read are ignored. JSON {@code null} and an empty CSV field are nulls.
 */
final class RowDecoder {
    private RowDecoder() {
    }

    /** The rows of {@code {"rows": [{...}, ...]}}. */
    static List<Object[]> json(JsonNode body, Schema schema) {
        if (body == null || !body.isObject()) {
            throw new BadRequest(400, "the body must be a JSON object {\"rows\": [{...}, ...]}");
        }
        JsonNode rows = body.get("rows");
        if (rows == null || !rows.isArray()) {
            throw new BadRequest(400, "the body has no \"rows\" array; send {\"rows\": [{\"" + schema.names().getFirst() + "\": ...}, ...]}");
        }
        if (rows.isEmpty()) {
            throw new BadRequest(400, "\"rows\" is empty; send at least one row");
        }
        List<Object[]> out = new ArrayList<>(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            JsonNode row = rows.get(r);
            if (!row.isObject()) {
                throw new BadRequest(400, "row " + r + " is not a JSON object but " + row.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            }
            Object[] values = new Object[schema.size()];
            for (int j = 0; j < values.length; j++) {
                String name = schema.field(j).name();
                JsonNode v = row.get(name);
                if (v == null) {
                    throw new BadRequest(400, "row " + r + " has no field '" + name + "' (" + schema.type(j) + "); the model reads "
                            + schema.names());
                }
                values[j] = jsonValue(v, schema.type(j), r, name);
            }
            out.add(values);
        }
        return out;
    }

    private static Object jsonValue(JsonNode v, DataType type, int row, String name) {
        if (v.isNull()) {
            return null;
        }
        switch (type.kind()) {
            case INT32 -> {
                if (v.canConvertToExactIntegral() && v.canConvertToInt()) {
                    return v.intValue();
                }
            }
            case INT64 -> {
                if (v.canConvertToExactIntegral() && v.canConvertToLong()) {
                    return v.longValue();
                }
            }
            case FLOAT64 -> {
                if (v.isNumber()) {
                    return v.doubleValue();
                }
            }
            case STRING -> {
                if (v.isTextual()) {
                    return v.textValue();
                }
            }
            case BOOL -> {
                if (v.isBoolean()) {
                    return v.booleanValue();
                }
            }
            default -> throw new BadRequest(400, "field '" + name + "' has type " + type + ", which the server does not accept");
        }
        throw new BadRequest(400, "row " + row + ", field '" + name + "': expected " + describe(type) + ", got " + abbreviate(v.toString()));
    }

    /** The records of a CSV body whose first line is a header naming (at least) the model's input columns. */
    static List<Object[]> csv(List<List<String>> records, Schema schema) {
        if (records.isEmpty()) {
            throw new BadRequest(400, "the CSV body is empty; send a header line and at least one row");
        }
        List<String> header = records.getFirst();
        int[] at = new int[schema.size()];
        for (int j = 0; j < at.length; j++) {
            at[j] = header.indexOf(schema.field(j).name());
            if (at[j] < 0) {
                throw new BadRequest(400, "the CSV header has no column '" + schema.field(j).name() + "'; the model reads "
                        + schema.names() + ", the header names " + header);
            }
        }
        if (records.size() == 1) {
            throw new BadRequest(400, "the CSV body has a header but no rows");
        }
        List<Object[]> out = new ArrayList<>(records.size() - 1);
        for (int r = 1; r < records.size(); r++) {
            List<String> rec = records.get(r);
            if (rec.size() != header.size()) {
                throw new BadRequest(400, "CSV row " + (r - 1) + " (line " + (r + 1) + ") has " + rec.size() + " fields, the header "
                        + header.size());
            }
            Object[] values = new Object[at.length];
            for (int j = 0; j < at.length; j++) {
                values[j] = textValue(rec.get(at[j]), schema.type(j), r - 1, schema.field(j).name());
            }
            out.add(values);
        }
        return out;
    }

    private static Object textValue(String s, DataType type, int row, String name) {
        if (s.isEmpty()) {
            return null;
        }
        try {
            return switch (type.kind()) {
                case INT32 -> Integer.parseInt(s.strip());
                case INT64 -> Long.parseLong(s.strip());
                case FLOAT64 -> Double.parseDouble(s.strip());
                case STRING -> s;
                case BOOL -> switch (s.strip().toLowerCase(java.util.Locale.ROOT)) {
                    case "true" -> Boolean.TRUE;
                    case "false" -> Boolean.FALSE;
                    default -> throw new NumberFormatException();
                };
                default -> throw new BadRequest(400, "field '" + name + "' has type " + type + ", which the server does not accept");
            };
        } catch (NumberFormatException e) {
            throw new BadRequest(400, "row " + row + ", field '" + name + "': expected " + describe(type) + ", got '" + abbreviate(s) + "'");
        }
    }

    private static String describe(DataType type) {
        return switch (type.kind()) {
            case INT32 -> "an integer (int32)";
            case INT64 -> "an integer (int64)";
            case FLOAT64 -> "a number (float64)";
            case STRING -> "a string";
            case BOOL -> "true or false (bool)";
            default -> type.toString();
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
