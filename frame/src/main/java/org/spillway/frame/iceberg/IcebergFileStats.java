package org.spillway.frame.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.spillway.spill.DataType;
import org.spillway.spill.chunk.ChunkStats.ColumnStats;
import org.spillway.spill.vector.DecimalValues;

/**
 * A data file's column statistics from its manifest entry, for pruning whole files before their footers
 * are read: a column of an identity partition field has the file's partition value as exact bounds; any
 * other column has its {@code null_value_counts} and its {@code lower_bounds}/{@code upper_bounds},
 * decoded from the spec's binary single-value serialization by the column's Iceberg type (int, date: 4
 * bytes little-endian; long, time, timestamps: 8; float 4, double 8; string UTF-8; binary and fixed as
 * is; decimal the unscaled two's-complement big-endian bytes; boolean one byte). A bound written for a
 * promoted type (int before long, float before double) is widened. Nanosecond timestamps become
 * microseconds, rounded outwards. Anything else (uuid, a bound of an unexpected length, NaN, a missing
 * null count or bound) is {@link ColumnStats#UNKNOWN}: never a reason to skip a file.
 */
final class IcebergFileStats {
    private final List<IcebergSchema.Column> columns;
    private final String[] types;
    private final Map<Integer, JsonNode> specs;

    /** Statistics of {@code columns} (Iceberg types from {@code schema}), with the partition specs {@code specs} by id. */
    IcebergFileStats(List<IcebergSchema.Column> columns, JsonNode schema, Map<Integer, JsonNode> specs) {
        this.columns = columns;
        this.specs = specs;
        Map<Integer, String> byId = new HashMap<>();
        for (JsonNode f : schema.path("fields")) {
            JsonNode t = f.get("type");
            byId.put(f.path("id").asInt(), t != null && t.isTextual() ? t.asText().trim().toLowerCase(Locale.ROOT) : "");
        }
        this.types = new String[columns.size()];
        for (int c = 0; c < types.length; c++) {
            types[c] = byId.getOrDefault(columns.get(c).id(), "");
        }
    }

    /** One entry per column, or null when the file's record count does not fit the statistics. */
    List<ColumnStats> of(IcebergManifests.ContentFile f) {
        if (f.recordCount() < 0 || f.recordCount() > Integer.MAX_VALUE) {
            return null;
        }
        int rows = (int) f.recordCount();
        Map<Integer, Object> identity = identityValues(f);
        IcebergManifests.Metrics m = f.metrics();
        List<ColumnStats> out = new ArrayList<>(columns.size());
        for (int c = 0; c < columns.size(); c++) {
            IcebergSchema.Column col = columns.get(c);
            int id = col.id();
            if (identity.containsKey(id)) {
                Object v = identity.get(id);
                if (v == null) {
                    out.add(new ColumnStats(rows, null, null));
                    continue;
                }
                Object lo = partitionValue(v, col.type(), types[c], false);
                Object hi = partitionValue(v, col.type(), types[c], true);
                if (lo != null && hi != null) {
                    out.add(new ColumnStats(0, lo, hi));
                    continue;
                }
            }
            Long nulls = m.nullCounts().get(id);
            if (nulls == null || nulls < 0) {
                out.add(ColumnStats.UNKNOWN);
                continue;
            }
            if (nulls >= rows) {
                out.add(new ColumnStats(rows, null, null));
                continue;
            }
            Object lo = bound(m.lowerBounds().get(id), col.type(), types[c], false);
            Object hi = bound(m.upperBounds().get(id), col.type(), types[c], true);
            out.add(lo == null || hi == null ? ColumnStats.UNKNOWN : new ColumnStats((int) (long) nulls, lo, hi));
        }
        return out;
    }

    /** The values of the file's identity partition fields by source column id (null for a null value). */
    private Map<Integer, Object> identityValues(IcebergManifests.ContentFile f) {
        Map<Integer, Object> out = new HashMap<>();
        JsonNode fields = specs.get(f.specId());
        if (fields == null || !fields.isArray() || fields.size() != f.partition().size()) {
            return out;
        }
        for (int i = 0; i < fields.size(); i++) {
            JsonNode pf = fields.get(i);
            if (pf.path("transform").asText().equals("identity") && pf.has("source-id")) {
                out.put(pf.get("source-id").asInt(), f.partition().get(i));
            }
        }
        return out;
    }

    /** An identity partition value (as the manifest's Avro gives it) as a storage value of {@code t}, or null. */
    static Object partitionValue(Object v, DataType t, String iceberg, boolean upper) {
        return switch (t.kind()) {
            case INT32, DATE -> v instanceof Integer i ? i : null;
            case INT64, TIME -> v instanceof Integer || v instanceof Long ? ((Number) v).longValue() : null;
            case TIMESTAMP, TIMESTAMP_NTZ -> v instanceof Long l ? (iceberg.endsWith("_ns") ? micros(l, upper) : l) : null;
            case FLOAT64 -> v instanceof Float || v instanceof Double ? finite(((Number) v).doubleValue()) : null;
            case BOOL -> v instanceof Boolean b ? b : null;
            case STRING -> v instanceof String s && !iceberg.equals("uuid") ? s : null;
            default -> null; // binary and decimal values arrive as text; not used
        };
    }

    /** A bound in the binary single-value serialization as a storage value of {@code t}, or null when it cannot be used. */
    static Object bound(byte[] b, DataType t, String iceberg, boolean upper) {
        if (b == null) {
            return null;
        }
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        return switch (t.kind()) {
            case INT32, DATE -> b.length == 4 ? le.getInt() : null;
            case INT64, TIME -> b.length == 8 ? le.getLong() : b.length == 4 ? (long) le.getInt() : null;
            case TIMESTAMP, TIMESTAMP_NTZ -> b.length != 8 ? null : iceberg.endsWith("_ns") ? micros(le.getLong(), upper) : le.getLong();
            case FLOAT64 -> b.length == 8 ? finite(le.getDouble()) : b.length == 4 ? finite(le.getFloat()) : null;
            case BOOL -> b.length == 1 ? b[0] != 0 : null;
            case STRING -> iceberg.equals("string") ? utf8(b) : null;
            case BINARY -> b.clone();
            case DECIMAL, DECIMAL128 -> decimal(b, t);
            default -> null;
        };
    }

    /** Nanoseconds as microseconds: rounded down for a lower bound, up for an upper one. */
    private static long micros(long nanos, boolean upper) {
        return upper ? -Math.floorDiv(-nanos, 1000L) : Math.floorDiv(nanos, 1000L);
    }

    private static Double finite(double d) {
        return Double.isNaN(d) ? null : d;
    }

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null; // a bound cut inside a character: not used
        }
    }

    private static Object decimal(byte[] b, DataType t) {
        if (b.length == 0) {
            return null;
        }
        BigInteger unscaled = new BigInteger(b);
        if (!DecimalValues.fits(unscaled, t.precision())) {
            return null;
        }
        return t.kind() == DataType.Kind.DECIMAL ? (Object) unscaled.longValueExact() : DecimalValues.wideBytes(unscaled);
    }
}
