package org.spillway.frame.hudi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A small reader of Avro object container files (the Avro 1.x specification), enough for the metadata
 * Hudi 1.x writes into its timeline (commit, delta commit and replace commit metadata): the writer's
 * schema from the header, the {@code null} and {@code deflate} codecs, and every Avro type, decoded
 * generically: records as {@code Map<String, Object>} by field name, arrays as lists, maps as maps,
 * strings and enum symbols as strings, bytes and fixed as {@code byte[]}, numbers and booleans boxed.
 */
final class HudiAvro {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] data;
    private int pos;
    private final Map<String, JsonNode> named = new HashMap<>();

    private HudiAvro(byte[] data) {
        this.data = data;
    }

    /** True if {@code bytes} start with the Avro container magic {@code Obj\1}. */
    static boolean isContainer(byte[] bytes) {
        return bytes.length >= 4 && bytes[0] == 'O' && bytes[1] == 'b' && bytes[2] == 'j' && bytes[3] == 1;
    }

    /** Every datum of a container file, decoded with the file's own schema. */
    static List<Object> read(byte[] file) {
        if (!isContainer(file)) {
            throw new IllegalArgumentException("not an Avro container file (no Obj\\1 magic)");
        }
        HudiAvro header = new HudiAvro(file);
        header.pos = 4;
        Map<String, byte[]> meta = new HashMap<>();
        for (long n = header.readLong(); n != 0; n = header.readLong()) {
            if (n < 0) {
                n = -n;
                header.readLong();
            }
            for (long i = 0; i < n; i++) {
                meta.put(header.readString(), header.readBytes());
            }
        }
        byte[] sync = header.fixed(16);
        JsonNode schema;
        try {
            schema = JSON.readTree(new String(meta.getOrDefault("avro.schema", new byte[0]), StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("unreadable Avro schema: " + e.getMessage(), e);
        }
        String codec = new String(meta.getOrDefault("avro.codec", "null".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        List<Object> out = new ArrayList<>();
        while (header.pos < file.length) {
            long count = header.readLong();
            int size = Math.toIntExact(header.readLong());
            byte[] block = header.fixed(size);
            if (!java.util.Arrays.equals(header.fixed(16), sync)) {
                throw new IllegalArgumentException("Avro block at byte " + header.pos + " does not end in the file's sync marker");
            }
            HudiAvro body = new HudiAvro(switch (codec) {
                case "null" -> block;
                case "deflate" -> inflate(block);
                default -> throw new IllegalArgumentException("Avro codec '" + codec + "' is not supported (null and deflate are)");
            });
            body.register(schema, "");
            for (long i = 0; i < count; i++) {
                out.add(body.datum(schema, ""));
            }
        }
        return out;
    }

    private static byte[] inflate(byte[] block) {
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(block);
            ByteArrayOutputStream out = new ByteArrayOutputStream(block.length * 4);
            byte[] buf = new byte[8192];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("corrupt deflate block: " + e.getMessage(), e);
        } finally {
            inf.end();
        }
    }

    /** Records every named type (record, enum, fixed) of {@code schema}, so a reference reads before its definition did. */
    private void register(JsonNode schema, String namespace) {
        if (schema.isArray()) {
            for (JsonNode branch : schema) {
                register(branch, namespace);
            }
            return;
        }
        if (!schema.isObject()) {
            return;
        }
        String ns = schema.has("namespace") ? schema.get("namespace").asText() : namespace;
        if (schema.has("name") && schema.path("type").isTextual()) {
            String name = schema.get("name").asText();
            named.put(name.contains(".") || ns.isEmpty() ? name : ns + "." + name, schema);
            named.putIfAbsent(name.substring(name.lastIndexOf('.') + 1), schema);
        }
        for (JsonNode f : schema.path("fields")) {
            register(f.path("type"), ns);
        }
        register(schema.path("type"), ns);
        register(schema.path("items"), ns);
        register(schema.path("values"), ns);
    }

    private Object datum(JsonNode schema, String namespace) {
        if (schema.isArray()) {
            int branch = Math.toIntExact(readLong());
            if (branch < 0 || branch >= schema.size()) {
                throw new IllegalArgumentException("union branch " + branch + " out of range at byte " + pos);
            }
            return datum(schema.get(branch), namespace);
        }
        String type = schema.isTextual() ? schema.asText() : schema.path("type").asText();
        if (schema.isObject() && schema.path("type").isObject() || schema.isObject() && schema.path("type").isArray()) {
            return datum(schema.get("type"), namespace);
        }
        if (schema.isObject() && schema.has("logicalType")) {
            return logical(schema, datum(((com.fasterxml.jackson.databind.node.ObjectNode) schema.deepCopy()).without("logicalType"), namespace));
        }
        switch (type) {
            case "null":
                return null;
            case "boolean":
                return data[pos++] != 0;
            case "int":
                return (int) readLong();
            case "long":
                return readLong();
            case "float": {
                int bits = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8 | (data[pos + 2] & 0xff) << 16 | (data[pos + 3] & 0xff) << 24;
                pos += 4;
                return Float.intBitsToFloat(bits);
            }
            case "double": {
                long bits = 0;
                for (int i = 7; i >= 0; i--) {
                    bits = bits << 8 | (data[pos + i] & 0xff);
                }
                pos += 8;
                return Double.longBitsToDouble(bits);
            }
            case "bytes":
                return readBytes();
            case "string":
                return readString();
            default:
                break;
        }
        if (schema.isTextual()) {
            JsonNode def = named.get(type.contains(".") || namespace.isEmpty() ? type : namespace + "." + type);
            if (def == null) {
                def = named.get(type);
            }
            if (def == null) {
                throw new IllegalArgumentException("unknown Avro type '" + type + "'");
            }
            return datum(def, namespace);
        }
        String ns = schema.has("namespace") ? schema.get("namespace").asText() : namespace;
        switch (type) {
            case "record", "error": {
                Map<String, Object> rec = new LinkedHashMap<>();
                for (JsonNode f : schema.path("fields")) {
                    rec.put(f.get("name").asText(), datum(f.get("type"), ns));
                }
                return rec;
            }
            case "enum":
                return schema.get("symbols").get(Math.toIntExact(readLong())).asText();
            case "fixed":
                return fixed(schema.get("size").asInt());
            case "array": {
                List<Object> list = new ArrayList<>();
                for (long n = blockCount(); n != 0; n = blockCount()) {
                    for (long i = 0; i < n; i++) {
                        list.add(datum(schema.get("items"), ns));
                    }
                }
                return list;
            }
            case "map": {
                Map<String, Object> map = new LinkedHashMap<>();
                for (long n = blockCount(); n != 0; n = blockCount()) {
                    for (long i = 0; i < n; i++) {
                        String key = readString();
                        map.put(key, datum(schema.get("values"), ns));
                    }
                }
                return map;
            }
            default:
                throw new IllegalArgumentException("unknown Avro type '" + type + "'");
        }
    }

    /**
     * A logical type's value: {@code date} as LocalDate, {@code timestamp-millis}/{@code -micros} as
     * Instant, {@code local-timestamp-millis}/{@code -micros} as LocalDateTime, {@code decimal} as
     * BigDecimal; others as their underlying value.
     */
    private static Object logical(JsonNode schema, Object v) {
        if (v == null) {
            return null;
        }
        return switch (schema.get("logicalType").asText()) {
            case "date" -> java.time.LocalDate.ofEpochDay(((Number) v).longValue());
            case "timestamp-millis" -> java.time.Instant.ofEpochMilli(((Number) v).longValue());
            case "timestamp-micros" -> java.time.Instant.EPOCH.plus(((Number) v).longValue(), java.time.temporal.ChronoUnit.MICROS);
            case "local-timestamp-millis" -> java.time.LocalDateTime.ofEpochSecond(0, 0, java.time.ZoneOffset.UTC)
                    .plus(((Number) v).longValue(), java.time.temporal.ChronoUnit.MILLIS);
            case "local-timestamp-micros" -> java.time.LocalDateTime.ofEpochSecond(0, 0, java.time.ZoneOffset.UTC)
                    .plus(((Number) v).longValue(), java.time.temporal.ChronoUnit.MICROS);
            case "decimal" -> v instanceof byte[] b
                    ? new java.math.BigDecimal(new java.math.BigInteger(b.length == 0 ? new byte[] {0} : b), schema.path("scale").asInt(0)) : v;
            default -> v;
        };
    }

    /** One datum in Avro's binary encoding (no container), decoded with {@code schema}. */
    static Object decode(JsonNode schema, byte[] bytes) {
        HudiAvro r = new HudiAvro(bytes);
        r.register(schema, "");
        return r.datum(schema, "");
    }

    /** Parses an Avro schema (JSON text). */
    static JsonNode parseSchema(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("unreadable Avro schema: " + e.getMessage(), e);
        }
    }

    /** The item count of the next array or map block (a negative count is followed by the block's size). */
    private long blockCount() {
        long n = readLong();
        if (n < 0) {
            readLong();
            return -n;
        }
        return n;
    }

    private long readLong() {
        long v = 0;
        int shift = 0;
        while (true) {
            if (pos >= data.length) {
                throw new IllegalArgumentException("Avro data ends inside a number");
            }
            int b = data[pos++] & 0xff;
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
            if (shift > 63) {
                throw new IllegalArgumentException("malformed Avro varint at byte " + pos);
            }
        }
        return (v >>> 1) ^ -(v & 1);
    }

    private byte[] readBytes() {
        return fixed(Math.toIntExact(readLong()));
    }

    private String readString() {
        return new String(readBytes(), StandardCharsets.UTF_8);
    }

    private byte[] fixed(int n) {
        if (n < 0 || pos + n > data.length) {
            throw new IllegalArgumentException("Avro data ends inside a value of " + n + " bytes at byte " + pos);
        }
        byte[] b = java.util.Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return b;
    }
}
