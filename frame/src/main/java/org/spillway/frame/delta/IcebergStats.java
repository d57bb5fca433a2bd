package org.spillway.frame.delta;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * A Delta file's statistics as an Iceberg data file's metrics (spec "Manifests": {@code value_counts},
 * {@code null_value_counts}, {@code lower_bounds}, {@code upper_bounds} by field id), so Iceberg readers skip files
 * as Delta readers do. Bounds only where Delta's are exact and Iceberg's serialization is the same value: integers,
 * dates and decimals. Strings (Delta truncates them), timestamps (Delta keeps milliseconds) and floating point
 * (NaN) get counts only.
 */
final class IcebergStats {
    private IcebergStats() {
    }

    private static JsonNode parse(Action.AddFile add) {
        if (add.stats() == null || add.stats().isBlank()) {
            return null;
        }
        try {
            return DeltaSchemas.JSON.readTree(add.stats());
        } catch (IOException e) {
            return null; // unreadable statistics are no statistics (Delta readers treat them the same)
        }
    }

    /** The file's {@code numRecords}, or null without statistics. */
    static Long numRecords(Action.AddFile add) {
        JsonNode s = parse(add);
        return s != null && s.path("numRecords").isIntegralNumber() ? s.path("numRecords").asLong() : null;
    }

    /** Fills the metric maps of a {@code data_file} record from the Delta statistics of {@code add} (left null without). */
    static void put(Snapshot snap, Action.AddFile add, GenericData.Record df, Schema dfSchema) {
        JsonNode s = parse(add);
        if (s == null || !s.path("numRecords").isIntegralNumber()) {
            return;
        }
        long rows = s.path("numRecords").asLong();
        List<GenericRecord> values = new ArrayList<>();
        List<GenericRecord> nulls = new ArrayList<>();
        List<GenericRecord> lower = new ArrayList<>();
        List<GenericRecord> upper = new ArrayList<>();
        Schema valuesItem = item(dfSchema, "value_counts");
        Schema nullsItem = item(dfSchema, "null_value_counts");
        Schema lowerItem = item(dfSchema, "lower_bounds");
        Schema upperItem = item(dfSchema, "upper_bounds");
        for (DeltaSchemas.DeltaField f : snap.fields()) {
            if (snap.partitionColumns().contains(f.name())) {
                continue;
            }
            String phys = snap.physicalName(f.name());
            JsonNode nc = s.path("nullCount").path(phys);
            if (!nc.isIntegralNumber()) {
                continue; // no statistics for this column in this file (added later, or not collected)
            }
            Object id = f.metadata().get(DeltaSchemas.COLUMN_ID);
            if (!(id instanceof Number n)) {
                continue;
            }
            int fid = n.intValue();
            values.add(pair(valuesItem, fid, rows));
            nulls.add(pair(nullsItem, fid, nc.asLong()));
            ByteBuffer lo = bound(f.typeName(), s.path("minValues").path(phys));
            ByteBuffer hi = bound(f.typeName(), s.path("maxValues").path(phys));
            if (lo != null && hi != null) {
                lower.add(pair(lowerItem, fid, lo));
                upper.add(pair(upperItem, fid, hi));
            }
        }
        df.put("value_counts", values);
        df.put("null_value_counts", nulls);
        df.put("lower_bounds", lower);
        df.put("upper_bounds", upper);
    }

    private static Schema item(Schema dfSchema, String field) {
        return dfSchema.getField(field).schema().getTypes().get(1).getElementType();
    }

    private static GenericRecord pair(Schema item, int key, Object value) {
        GenericData.Record r = new GenericData.Record(item);
        r.put("key", key);
        r.put("value", value);
        return r;
    }

    /** Iceberg's single-value serialization of a Delta statistic, or null where it is not exact or not comparable. */
    private static ByteBuffer bound(String type, JsonNode v) {
        if (v == null || v.isMissingNode() || v.isNull()) {
            return null;
        }
        try {
            return switch (type) {
                case "byte", "short", "integer" -> v.isIntegralNumber() ? IcebergManifestFiles.le(v.asInt()) : null;
                case "long" -> v.isIntegralNumber() ? IcebergManifestFiles.le(v.asLong()) : null;
                case "date" -> v.isTextual() ? IcebergManifestFiles.le((int) LocalDate.parse(v.asText()).toEpochDay()) : null;
                default -> {
                    if (type.startsWith("decimal(") && v.isNumber()) {
                        int scale = Integer.parseInt(type.substring(type.indexOf(',') + 1, type.indexOf(')')).trim());
                        BigDecimal d = v.decimalValue().setScale(scale);
                        yield ByteBuffer.wrap(d.unscaledValue().toByteArray());
                    }
                    yield null;
                }
            };
        } catch (RuntimeException e) {
            return null; // a bound that does not parse is left out: no pruning on it
        }
    }
}
