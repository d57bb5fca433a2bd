package org.spillway.spill;

/**
 * The logical types a column can hold. Every type admits nulls (tracked by a validity bitmap).
 *
 * <ul>
 *   <li>{@link #DATE} is stored as int32 days since 1970-01-01;</li>
 *   <li>{@link #TIMESTAMP} as int64 microseconds since 1970-01-01T00:00Z;</li>
 *   <li>{@link #STRING} as UTF-8 bytes with int32 offsets, or dictionary codes.</li>
 * </ul>
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
    TIMESTAMP("timestamp", 8);

    private final String displayName;
    private final int byteWidth;

    DataType(String displayName, int byteWidth) {
        this.displayName = displayName;
        this.byteWidth = byteWidth;
    }

    /** Bytes per value for fixed-width types; -1 for {@link #STRING}. */
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
            default -> throw new IllegalArgumentException("Unknown type '" + name
                    + "': use one of bool, int32, int64, float64, string, date, timestamp");
        };
    }

    @Override
    public String toString() {
        return displayName;
    }
}
