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

    /** Microseconds as an instant of whole milliseconds: rounded down for a lower bound, up for an upper one. */
    private static Instant millis(long micros, boolean upper) {
        long ms = upper ? -Math.floorDiv(-micros, 1000L) : Math.floorDiv(micros, 1000L);
        return Instant.ofEpochMilli(ms);
    }
}
