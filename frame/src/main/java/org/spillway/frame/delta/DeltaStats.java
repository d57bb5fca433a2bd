package org.spillway.frame.delta;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.spillway.frame.io.parquet.ParquetSource;
import org.spillway.frame.io.parquet.RowGroupRef;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.ChunkStats;
import org.spillway.frame.stats.StatsPruner;
import org.spillway.spill.vector.DecimalValues;

/**
 * The {@code stats} of an {@code add} action (PROTOCOL.md "Per-file Statistics"): {@code numRecords},
 * and per column {@code minValues}, {@code maxValues} and {@code nullCount}, taken from the data file's
 * own footer. As Delta writes them: strings are bounded by their first 32 characters (a longer
 * maximum is left out, never made smaller than the true maximum), timestamps to milliseconds (the
 * minimum rounded down, the maximum up), no bounds for booleans and binary, and none for a float64
 * column holding NaN.
 */
final class DeltaStats {
    static final int STRING_PREFIX = 32;
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS", Locale.ROOT);

    private DeltaStats() {
    }

    /** The stats JSON of a data file whose columns are {@code dataSchema}. */
    static String of(Path file, Schema dataSchema, long rows) {
        ObjectNode root = DeltaSchemas.JSON.createObjectNode();
        root.put("numRecords", rows);
        ObjectNode mins = DeltaSchemas.JSON.createObjectNode();
        ObjectNode maxs = DeltaSchemas.JSON.createObjectNode();
        ObjectNode nulls = DeltaSchemas.JSON.createObjectNode();
        ParquetSource src = ParquetSource.ofFiles(file.toString(), List.of(file), dataSchema, new Schema(List.of()),
                List.<Object[]>of(new Object[0]));
        int n = dataSchema.size();
        int[] all = new int[n];
        for (int c = 0; c < n; c++) {
            all[c] = c;
        }
        Object[] min = new Object[n];
        Object[] max = new Object[n];
        long[] nullCount = new long[n];
        boolean[] noMin = new boolean[n];
        boolean[] noMax = new boolean[n];
        boolean[] noNulls = new boolean[n];
        for (RowGroupRef rg : src.rowGroups()) {
            ChunkStats st = src.stats(rg, all);
            for (int c = 0; c < n; c++) {
                ChunkStats.ColumnStats cs = st.column(c);
                if (cs.nullCount() < 0) {
                    noNulls[c] = true;
                } else {
                    nullCount[c] += cs.nullCount();
                }
                boolean allNull = cs.nullCount() >= 0 && cs.nullCount() == rg.rows();
                if (allNull) {
                    continue;
                }
                if (cs.min() == null) {
                    noMin[c] = true;
                } else if (min[c] == null || compare(cs.min(), min[c]) < 0) {
                    min[c] = cs.min();
                }
                if (cs.max() == null) {
                    noMax[c] = true;
                } else if (max[c] == null || compare(cs.max(), max[c]) > 0) {
                    max[c] = cs.max();
                }
            }
        }
        for (int c = 0; c < n; c++) {
            String name = dataSchema.field(c).name();
            DataType t = dataSchema.type(c);
            if (!noNulls[c]) {
                nulls.put(name, nullCount[c]);
            }
            if (!noMin[c] && min[c] != null) {
                put(mins, name, t, min[c], false);
            }
            if (!noMax[c] && max[c] != null) {
                put(maxs, name, t, max[c], true);
            }
        }
        root.set("minValues", mins);
        root.set("maxValues", maxs);
        root.set("nullCount", nulls);
        return root.toString();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return java.util.Arrays.compareUnsigned(x, y);
        }
        if (a instanceof String x && b instanceof String y) {
            return java.util.Arrays.compareUnsigned(x.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    y.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return ((Comparable) a).compareTo(b);
    }

    /** One bound in Delta's JSON form (nothing when the type has no bounds or the bound cannot be exact enough). */
    private static void put(ObjectNode out, String name, DataType t, Object v, boolean upper) {
        switch (t.kind()) {
            case INT32, INT64 -> out.put(name, ((Number) v).longValue());
            case FLOAT64 -> {
                double d = ((Number) v).doubleValue();
                if (!Double.isNaN(d) && !Double.isInfinite(d)) {
                    out.put(name, d);
                }
            }
            case DATE -> out.put(name, LocalDate.ofEpochDay(((Number) v).longValue()).toString());
            case TIMESTAMP -> out.put(name, TS.format(LocalDateTime.ofInstant(millis(((Number) v).longValue(), upper), ZoneOffset.UTC))
                    + "Z");
            case TIMESTAMP_NTZ -> out.put(name, TS.format(LocalDateTime.ofInstant(millis(((Number) v).longValue(), upper),
                    ZoneOffset.UTC)));
            case DECIMAL -> out.put(name, BigDecimal.valueOf(((Number) v).longValue(), t.scale()));
            case DECIMAL128 -> out.put(name, DecimalValues.ofWide((byte[]) v, t.scale()));
            case STRING -> {
                String s = (String) v;
                if (s.codePointCount(0, s.length()) <= STRING_PREFIX) {
                    out.put(name, s);
                } else if (!upper) {
                    out.put(name, s.substring(0, s.offsetByCodePoints(0, STRING_PREFIX))); // a prefix is a lower bound
                }
            }
            default -> {
                // bool, binary, time: no bounds
            }
        }
    }

    /**
     * The files of {@code adds} that may hold a row satisfying {@code condition}, judged from the
     * statistics and partition values in the log (no file is opened) by the table scan's own file pruning
     * ({@link org.spillway.frame.table.TableSnapshot#mayMatch}): a file is dropped only when
     * {@link StatsPruner} proves the condition false or null for all its rows. Files without statistics are
     * judged by their partition values alone.
     */
    static List<Action.AddFile> prune(Snapshot snap, List<Action.AddFile> adds, org.spillway.frame.Expr condition) {
        org.spillway.frame.table.TableSnapshot table = DeltaTable.snapshot(snap, adds);
        List<Action.AddFile> out = new java.util.ArrayList<>(adds.size());
        for (int i = 0; i < adds.size(); i++) {
            if (table.mayMatch(table.files().get(i), condition)) {
                out.add(adds.get(i));
            }
        }
        return out;
    }

    /** The {@code stats} JSON of {@code add}, or null when it has none or it is not JSON. */
    static com.fasterxml.jackson.databind.JsonNode parse(Action.AddFile add) {
        try {
            return add.stats() == null ? null : DeltaSchemas.JSON.readTree(add.stats());
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * A file's statistics over the table's columns (partition columns exact, from its partition
     * values; data columns from the {@code stats} JSON, by physical name; unknown where a bound is
     * missing or cannot be trusted), or null when the file has no usable statistics.
     */
    static ChunkStats fileStats(Snapshot snap, Schema schema, Action.AddFile add) {
        return fileStats(snap, schema, add, parse(add));
    }

    /** {@link #fileStats(Snapshot, Schema, Action.AddFile)} of the already parsed {@code stats} JSON {@code st} (may be null). */
    static ChunkStats fileStats(Snapshot snap, Schema schema, Action.AddFile add, com.fasterxml.jackson.databind.JsonNode st) {
        if (st == null || !st.path("numRecords").canConvertToLong()) {
            return null;
        }
        long records = st.path("numRecords").asLong();
        if (records > Integer.MAX_VALUE) {
            return null;
        }
        List<String> partitions = snap.partitionColumns();
        List<ChunkStats.ColumnStats> cols = new java.util.ArrayList<>();
        for (int c = 0; c < schema.size(); c++) {
            String name = schema.field(c).name();
            DataType t = schema.type(c);
            if (partitions.contains(name)) {
                Object v = DeltaTable.partitionValueOf(snap, add.partitionValues(), schema.field(c), add.path());
                cols.add(v == null ? new ChunkStats.ColumnStats((int) records, null, null) : new ChunkStats.ColumnStats(0, v, v));
                continue;
            }
            String key = snap.physicalName(name);
            com.fasterxml.jackson.databind.JsonNode nulls = st.path("nullCount").path(key);
            if (!nulls.canConvertToLong()) {
                cols.add(ChunkStats.ColumnStats.UNKNOWN);
                continue;
            }
            long n = nulls.asLong();
            if (n >= records) {
                cols.add(new ChunkStats.ColumnStats((int) records, null, null));
                continue;
            }
            Object lo = bound(st.path("minValues").path(key), t, false);
            Object hi = bound(st.path("maxValues").path(key), t, true);
            cols.add(lo == null || hi == null ? ChunkStats.ColumnStats.UNKNOWN : new ChunkStats.ColumnStats((int) n, lo, hi));
        }
        return ChunkStats.of((int) records, cols);
    }

    /** A bound of the stats JSON as a storage value, widened to be safe (or null when it cannot be trusted). */
    private static Object bound(com.fasterxml.jackson.databind.JsonNode v, DataType t, boolean upper) {
        if (v == null || v.isMissingNode() || v.isNull()) {
            return null;
        }
        try {
            return switch (t.kind()) {
                case INT32 -> v.canConvertToInt() ? v.asInt() : null;
                case INT64 -> v.canConvertToLong() ? v.asLong() : null;
                case FLOAT64 -> {
                    if (!v.isNumber()) {
                        yield null;
                    }
                    // a float column (float64 here) has its bounds written as floats ("1.1" for 1.1f, which widens to
                    // 1.100000023841858): the bound is the looser of the two readings, right for float and double columns
                    double d = v.asDouble();
                    double f = Float.parseFloat(v.asText());
                    yield upper ? Math.max(d, f) : Math.min(d, f);
                }
                case DATE -> (int) LocalDate.parse(v.asText().substring(0, 10)).toEpochDay();
                case TIMESTAMP, TIMESTAMP_NTZ -> {
                    // written with millisecond precision: the true maximum may be up to 999 microseconds above
                    String s = v.asText();
                    long micros = t == DataType.TIMESTAMP ? org.spillway.frame.Literals.toLong(
                            org.spillway.frame.Literals.parseTimestamp(s), DataType.TIMESTAMP)
                            : org.spillway.frame.Literals.toLong(org.spillway.frame.Literals.parseTimestampNtz(s), DataType.TIMESTAMP_NTZ);
                    yield upper ? micros + 999 : micros;
                }
                case DECIMAL, DECIMAL128 -> {
                    BigDecimal d = v.decimalValue().setScale(t.scale(), upper ? java.math.RoundingMode.CEILING
                            : java.math.RoundingMode.FLOOR);
                    if (!DecimalValues.fits(d.unscaledValue(), t.precision())) {
                        yield null;
                    }
                    yield t.kind() == DataType.Kind.DECIMAL ? (Object) d.unscaledValue().longValueExact()
                            : DecimalValues.wideBytes(d.unscaledValue());
                }
                case STRING -> {
                    String s = v.asText();
                    // a long maximum may have been truncated (below the true maximum): not trusted
                    yield upper && s.codePointCount(0, s.length()) >= STRING_PREFIX ? null : s;
                }
                default -> null;
            };
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Microseconds as an instant of whole milliseconds: rounded down for a lower bound, up for an upper one. */
    private static Instant millis(long micros, boolean upper) {
        long ms = upper ? -Math.floorDiv(-micros, 1000L) : Math.floorDiv(micros, 1000L);
        return Instant.ofEpochMilli(ms);
    }
}
