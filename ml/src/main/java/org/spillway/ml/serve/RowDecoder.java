package org.spillway.ml.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
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

    /**
     * The rows of the JSON body {@code {"rows": [{...}, ...]}}, read token by token (no tree): each field of a row is
     * converted as it is read, and fields the model does not read are skipped. A syntax error anywhere in the body
     * is reported as malformed JSON, before any other problem (the rest of the body is checked first).
     */
    static List<Object[]> json(JsonFactory factory, byte[] body, Schema schema) {
        try (JsonParser p = factory.createParser(body)) {
            try {
                return rows(p, schema);
            } catch (BadRequest e) {
                // the body's shape or a value is wrong: but a syntax error further on is the first thing to fix
                while (p.nextToken() != null) {
                    p.skipChildren();
                }
                throw e;
            }
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new BadRequest(400, "malformed JSON: " + e.getOriginalMessage()
                    + (loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new BadRequest(400, "cannot read the body: " + e.getMessage());
        }
    }

    private static List<Object[]> rows(JsonParser p, Schema schema) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new BadRequest(400, "the body must be a JSON object {\"rows\": [{...}, ...]}");
        }
        List<Object[]> out = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (!field.equals("rows")) {
                p.skipChildren();
                continue;
            }
            if (v != JsonToken.START_ARRAY) {
                p.skipChildren();
                out = null;
                continue;
            }
            out = new ArrayList<>();
            int r = 0;
            while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
                if (v != JsonToken.START_OBJECT) {
                    throw new BadRequest(400, "row " + r + " is not a JSON object but " + kind(v));
                }
                out.add(row(p, schema, r++));
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new BadRequest(400, "the body must be a JSON object {\"rows\": [{...}, ...]}");
        }
        if (out == null) {
            throw new BadRequest(400, "the body has no \"rows\" array; send {\"rows\": [{\"" + schema.names().getFirst() + "\": ...}, ...]}");
        }
        if (out.isEmpty()) {
            throw new BadRequest(400, "\"rows\" is empty; send at least one row");
        }
        return out;
    }

    /** One row object, the parser on its START_OBJECT; leaves it on the END_OBJECT. */
    private static Object[] row(JsonParser p, Schema schema, int r) throws IOException {
        Object[] values = new Object[schema.size()];
        boolean[] seen = new boolean[values.length];
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            int j = schema.indexOf(p.currentName());
            JsonToken v = p.nextToken();
            if (j < 0) {
                p.skipChildren();
                continue;
            }
            values[j] = value(p, v, schema.type(j), r, schema.field(j).name());
            seen[j] = true;
        }
        for (int j = 0; j < values.length; j++) {
            if (!seen[j]) {
                String name = schema.field(j).name();
                throw new BadRequest(400, "row " + r + " has no field '" + name + "' (" + schema.type(j) + "); the model reads "
                        + schema.names());
            }
        }
        return values;
    }

    /** The value of token {@code v} as a value of {@code type}; JSON null is null. */
    private static Object value(JsonParser p, JsonToken v, DataType type, int row, String name) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        switch (type.kind()) {
            case INT32 -> {
                if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
                    return p.getIntValue();
                }
                if (v == JsonToken.VALUE_NUMBER_FLOAT) {
                    double d = p.getDoubleValue();
                    if (d == Math.rint(d) && d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE) {
                        return (int) d;
                    }
                }
            }
            case INT64 -> {
                if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                    return p.getLongValue();
                }
                if (v == JsonToken.VALUE_NUMBER_FLOAT) {
                    double d = p.getDoubleValue();
                    if (d == Math.rint(d) && d >= Long.MIN_VALUE && d < 0x1p63) {
                        return (long) d;
                    }
                }
            }
            case FLOAT64 -> {
                if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
                    return p.getDoubleValue();
                }
            }
            case STRING -> {
                if (v == JsonToken.VALUE_STRING) {
                    return p.getText();
                }
            }
            case BOOL -> {
                if (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
                    return v == JsonToken.VALUE_TRUE;
                }
            }
            default -> throw new BadRequest(400, "field '" + name + "' has type " + type + ", which the server does not accept");
        }
        String got = switch (v) {
            case VALUE_STRING -> "\"" + p.getText() + "\"";
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            default -> p.getText();
        };
        throw new BadRequest(400, "row " + row + ", field '" + name + "': expected " + describe(type) + ", got " + abbreviate(got));
    }

    private static String kind(JsonToken t) {
        return switch (t) {
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> t.name().toLowerCase(java.util.Locale.ROOT);
        };
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
