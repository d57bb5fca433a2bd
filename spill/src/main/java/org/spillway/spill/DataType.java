package org.spillway.spill;

/**
 * The logical types a column can hold. Every type admits nulls (tracked by a validity bitmap).
 *
 * <ul>
 *   <li>{@link #DATE} is stored as int32 days since 1970-01-01;</li>
 *   <li>{@link #TIMESTAMP} as int64 microseconds since 1970-01-01T00:00Z;</li>
 *   <li>{@link #TIMESTAMP_NTZ} as int64 microseconds since 1970-01-01T00:00 of a wall clock without a zone
 *       (printed {@code 2024-01-02 03:04:05.5}, as DuckDB prints a {@code TIMESTAMP});</li>
 *   <li>{@link #TIME} as int64 microseconds since midnight (printed {@code 03:04:05.123456});</li>
 *   <li>{@link #STRING} as UTF-8 bytes with int32 offsets, or dictionary codes;</li>
 *   <li>{@link #BINARY} as arbitrary bytes in the same layout as {@link #STRING} (printed and written
 *       to CSV as lower-case hex without a prefix, e.g. {@code 0a1bff}; compared as unsigned bytes).</li>
 * </ul>
 *
 * <p>Java values: {@link #TIMESTAMP} is {@code java.time.Instant}, {@link #TIMESTAMP_NTZ}
 * {@code java.time.LocalDateTime}, {@link #TIME} {@code java.time.LocalTime}, {@link #DATE}
 * {@code java.time.LocalDate} and {@link #BINARY} {@code byte[]}.
 */
public enum DataType {
    /** true/false, one byte per value in memory. */
    BOOL("bool", 1),
    /** 32-bit signed integer. */
    INT32("int32", 4),
    /** 64-bit signed integer. */
    INT64("int64", 8),
    /** IEEE-754 double. */
    FLOAT64("float64", 8),
    /** UTF-8 text of any length. */
    STRING("string", -1),
    /** A calendar date, int32 days since the epoch. */
    DATE("date", 4),
    /** An instant, int64 microseconds since the epoch (UTC). */
    TIMESTAMP("timestamp", 8),
    /** A wall-clock date-time without a zone, int64 microseconds since 1970-01-01T00:00. */
    TIMESTAMP_NTZ("timestamp_ntz", 8),
    /** A time of day, int64 microseconds since midnight. */
    TIME("time", 8),
    /** Arbitrary bytes of any length (not text). */
    BINARY("binary", -1);

    private final String displayName;
    private final int byteWidth;

    DataType(String displayName, int byteWidth) {
        this.displayName = displayName;
        this.byteWidth = byteWidth;
    }

    /** Bytes per value for fixed-width types; -1 for {@link #STRING} and {@link #BINARY}. */
    public int byteWidth() {
        return byteWidth;
    }

    /** True for int32, int64 and float64: the types arithmetic applies to. */
    public boolean isNumeric() {
        return this == INT32 || this == INT64 || this == FLOAT64;
    }

    /** True for int32 and int64. */
    public boolean isIntegral() {
        return this == INT32 || this == INT64;
    }

    /** True for the types stored as variable-width bytes: {@link #STRING} and {@link #BINARY}. */
    public boolean isVariableWidth() {
        return byteWidth < 0;
    }

    /** True for the types stored as int64 ({@link #INT64}, {@link #TIMESTAMP}, {@link #TIMESTAMP_NTZ}, {@link #TIME}). */
    public boolean isInt64Stored() {
        return this == INT64 || this == TIMESTAMP || this == TIMESTAMP_NTZ || this == TIME;
    }

    /** The lower-case name used in schemas and error messages, e.g. {@code int32}. */
    public String displayName() {
        return displayName;
    }

    /** Parses a display name ({@code int32}) or enum name ({@code INT32}), case-insensitively. */
    public static DataType parse(String name) {
        for (DataType t : values()) {
            if (t.displayName.equalsIgnoreCase(name) || t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "int", "integer" -> INT32;
            case "long", "bigint" -> INT64;
            case "double", "float", "real" -> FLOAT64;
            case "boolean" -> BOOL;
            case "str", "text", "varchar", "utf8" -> STRING;
            case "timestampntz", "datetime", "localdatetime" -> TIMESTAMP_NTZ;
            case "blob", "bytes", "bytea", "varbinary" -> BINARY;
            default -> throw new IllegalArgumentException("Unknown type '" + name
                    + "': use one of bool, int32, int64, float64, string, date, timestamp, timestamp_ntz, time, binary");
        };
    }

    @Override
    public String toString() {
        return displayName;
    }
}
