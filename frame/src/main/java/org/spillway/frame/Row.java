package org.spillway.frame;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.spillway.spill.Schema;

/**
 * One row of a result, for small results on the heap ({@link DataFrame#rows()}, {@link DataFrame#head(int)}).
 * Values are Java objects: Integer (int32), Long (int64), Double, Boolean, String, LocalDate (date),
 * Instant (timestamp), LocalDateTime (timestamp_ntz), LocalTime (time), byte[] (binary), or null.
 * Rows compare binary values by content.
 */
public final class Row {
    private final Schema schema;
    private final Object[] values;

    /** A row of {@code values} in {@code schema}'s column order. */
    public Row(Schema schema, Object[] values) {
        if (values.length != schema.size()) {
            throw new IllegalArgumentException("Row has " + values.length + " values for " + schema.size() + " columns");
        }
        this.schema = schema;
        this.values = values.clone();
    }

    /** The columns. */
    public Schema schema() {
        return schema;
    }

    /** Number of values. */
    public int size() {
        return values.length;
    }

    /** The i-th value (null for null). */
    public Object get(int i) {
        return values[i];
    }

    /** The named value. */
    public Object get(String column) {
        int i = schema.indexOf(column);
        if (i < 0) {
            throw new ColumnNotFoundException(column, schema.names());
        }
        return values[i];
    }

    /** True if the named value is null. */
    public boolean isNull(String column) {
        return get(column) == null;
    }

    /** The named integral value as a long. */
    public long getLong(String column) {
        return ((Number) nonNull(column)).longValue();
    }

    /** The named int32 value. */
    public int getInt(String column) {
        return ((Number) nonNull(column)).intValue();
    }

    /** The named numeric value as a double. */
    public double getDouble(String column) {
        return ((Number) nonNull(column)).doubleValue();
    }

    /** The named bool value. */
    public boolean getBoolean(String column) {
        return (Boolean) nonNull(column);
    }

    /**
     * The named value as a string (null stays null): timestamp_ntz, time and binary values as they
     * print ({@code 2024-01-02 03:04:05.5}, {@code 03:04:05}, lower-case hex), others by {@code toString}.
     */
    public String getString(String column) {
        return text(get(column));
    }

    /** The named binary value (null stays null). */
    public byte[] getBytes(String column) {
        return (byte[]) get(column);
    }

    /** The named timestamp_ntz value (null stays null). */
    public java.time.LocalDateTime getLocalDateTime(String column) {
        return (java.time.LocalDateTime) get(column);
    }

    /** The named decimal value (null stays null). */
    public java.math.BigDecimal getDecimal(String column) {
        return (java.math.BigDecimal) get(column);
    }

    /** The named time value (null stays null). */
    public java.time.LocalTime getLocalTime(String column) {
        return (java.time.LocalTime) get(column);
    }

    static String text(Object v) {
        return switch (v) {
            case null -> null;
            case byte[] b -> Literals.hex(b);
            case java.time.LocalDateTime t -> Literals.formatTimestampNtz(Literals.toLong(t, org.spillway.spill.DataType.TIMESTAMP_NTZ));
            case java.time.LocalTime t -> Literals.formatTime(t.toNanoOfDay() / 1000);
            case java.math.BigDecimal d -> d.toPlainString();
            default -> v.toString();
        };
    }

    /** The values as an unmodifiable list (nulls allowed). */
    public List<Object> values() {
        return java.util.Collections.unmodifiableList(Arrays.asList(values.clone()));
    }

    private Object nonNull(String column) {
        Object v = get(column);
        if (v == null) {
            throw new NullPointerException("Column '" + column + "' is null in this row; check isNull first");
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Row r && r.schema.names().equals(schema.names()) && Arrays.deepEquals(r.values, values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(schema.names(), Arrays.deepHashCode(values));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Row(");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(schema.field(i).name()).append('=').append(values[i] instanceof byte[] b ? Literals.hex(b) : values[i]);
        }
        return sb.append(')').toString();
    }
}
