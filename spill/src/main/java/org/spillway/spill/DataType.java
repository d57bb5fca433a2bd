package org.spillway.spill;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The logical types a column can hold. Every type admits nulls (tracked by a validity bitmap).
 *
 * <p>A type is a {@link Kind} plus, for decimals, a precision and a scale. The types without
 * parameters are the constants of this class ({@link #INT32}, {@link #STRING}, ...); decimals come
 * from {@link #decimal(int, int)}. Instances are interned, so {@code ==} and {@link #equals} agree.
 * Code that branches on a type switches on {@link #kind()}.
 *
 * <ul>
 *   <li>{@link #DATE} is stored as int32 days since 1970-01-01;</li>
 *   <li>{@link #TIMESTAMP} as int64 microseconds since 1970-01-01T00:00Z;</li>
 *   <li>{@link #TIMESTAMP_NTZ} as int64 microseconds since 1970-01-01T00:00 of a wall clock without a zone
 *       (printed {@code 2024-01-02 03:04:05.5}, as DuckDB prints a {@code TIMESTAMP});</li>
 *   <li>{@link #TIME} as int64 microseconds since midnight (printed {@code 03:04:05.123456});</li>
 *   <li>{@link #STRING} as UTF-8 bytes with int32 offsets, or dictionary codes;</li>
 *   <li>{@link #BINARY} as arbitrary bytes in the same layout as {@link #STRING} (printed and written
 *       to CSV as lower-case hex without a prefix, e.g. {@code 0a1bff}; compared as unsigned bytes);</li>
 *   <li>{@code decimal(p,s)} — an exact decimal of {@code p} digits, {@code s} of them after the point —
 *       as the unscaled integer: int64 for {@code p <= 18} ({@link Kind#DECIMAL}), and for
 *       {@code 19 <= p <= 38} ({@link Kind#DECIMAL128}) as 16 bytes, big-endian two's complement with the
 *       sign bit flipped, in the layout of {@link #BINARY} (so that comparing the bytes as unsigned
 *       compares the numbers). Printed at its scale ({@code 12.50}), as DuckDB and Spark print it.</li>
 * </ul>
 *
 * <p>Java values: {@link #TIMESTAMP} is {@code java.time.Instant}, {@link #TIMESTAMP_NTZ}
 * {@code java.time.LocalDateTime}, {@link #TIME} {@code java.time.LocalTime}, {@link #DATE}
 * {@code java.time.LocalDate}, {@link #BINARY} {@code byte[]} and decimals {@code java.math.BigDecimal}.
 */
public final class DataType {
    /** The kinds of type; each maps to one storage layout. */
    public enum Kind {
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
        BINARY("binary", -1),
        /** A decimal of precision 1 to 18, stored as its int64 unscaled value. */
        DECIMAL("decimal", 8),
        /** A decimal of precision 19 to 38, stored as 16 order-preserving bytes (see {@link DataType}). */
        DECIMAL128("decimal", -1);

        private final String displayName;
        private final int byteWidth;

        Kind(String displayName, int byteWidth) {
            this.displayName = displayName;
            this.byteWidth = byteWidth;
        }
    }

    /** The largest precision stored as int64. */
    public static final int MAX_DECIMAL64_PRECISION = 18;
    /** The largest precision of a decimal. */
    public static final int MAX_DECIMAL_PRECISION = 38;

    /** true/false, one byte per value in memory. */
    public static final DataType BOOL = new DataType(Kind.BOOL, 0, 0);
    /** 32-bit signed integer. */
    public static final DataType INT32 = new DataType(Kind.INT32, 0, 0);
    /** 64-bit signed integer. */
    public static final DataType INT64 = new DataType(Kind.INT64, 0, 0);
    /** IEEE-754 double. */
    public static final DataType FLOAT64 = new DataType(Kind.FLOAT64, 0, 0);
    /** UTF-8 text of any length. */
    public static final DataType STRING = new DataType(Kind.STRING, 0, 0);
    /** A calendar date, int32 days since the epoch. */
    public static final DataType DATE = new DataType(Kind.DATE, 0, 0);
    /** An instant, int64 microseconds since the epoch (UTC). */
    public static final DataType TIMESTAMP = new DataType(Kind.TIMESTAMP, 0, 0);
    /** A wall-clock date-time without a zone, int64 microseconds since 1970-01-01T00:00. */
    public static final DataType TIMESTAMP_NTZ = new DataType(Kind.TIMESTAMP_NTZ, 0, 0);
    /** A time of day, int64 microseconds since midnight. */
    public static final DataType TIME = new DataType(Kind.TIME, 0, 0);
    /** Arbitrary bytes of any length (not text). */
    public static final DataType BINARY = new DataType(Kind.BINARY, 0, 0);

    private static final DataType[] SIMPLE = {BOOL, INT32, INT64, FLOAT64, STRING, DATE, TIMESTAMP, TIMESTAMP_NTZ, TIME, BINARY};
    private static final DataType[][] DECIMALS = new DataType[MAX_DECIMAL_PRECISION + 1][];
    private static final Pattern DECIMAL_NAME = Pattern.compile(
            "\\s*(?:decimal|numeric)\\s*(?:\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\))?\\s*", Pattern.CASE_INSENSITIVE);

    static {
        for (int p = 1; p <= MAX_DECIMAL_PRECISION; p++) {
            DECIMALS[p] = new DataType[p + 1];
            for (int s = 0; s <= p; s++) {
                DECIMALS[p][s] = new DataType(p <= MAX_DECIMAL64_PRECISION ? Kind.DECIMAL : Kind.DECIMAL128, p, s);
            }
        }
    }

    private final Kind kind;
    private final int precision;
    private final int scale;

    private DataType(Kind kind, int precision, int scale) {
        this.kind = kind;
        this.precision = precision;
        this.scale = scale;
    }

    /**
     * The decimal type of {@code precision} digits (1 to 38), {@code scale} of them after the point
     * (0 to precision), as in SQL's {@code DECIMAL(p,s)}.
     */
    public static DataType decimal(int precision, int scale) {
        if (precision < 1 || precision > MAX_DECIMAL_PRECISION) {
            throw new IllegalArgumentException("A decimal's precision must be 1 to " + MAX_DECIMAL_PRECISION + ", not " + precision);
        }
        if (scale < 0 || scale > precision) {
            throw new IllegalArgumentException("A decimal's scale must be 0 to its precision (" + precision + "), not " + scale);
        }
        return DECIMALS[precision][scale];
    }

    /** The types without parameters, in the order of their kinds. */
    public static DataType[] simpleTypes() {
        return SIMPLE.clone();
    }

    /** What kind of type this is (the value to switch on). */
    public Kind kind() {
        return kind;
    }

    /** The enum-style name of the kind, e.g. {@code INT32} (for messages that suggest {@code DataType.INT32}). */
    public String name() {
        return kind.name();
    }

    /** A decimal's number of digits (0 for other types). */
    public int precision() {
        return precision;
    }

    /** A decimal's digits after the point (0 for other types). */
    public int scale() {
        return scale;
    }

    /** True for {@code decimal(p,s)} of any precision. */
    public boolean isDecimal() {
        return kind == Kind.DECIMAL || kind == Kind.DECIMAL128;
    }

    /** Bytes per value for fixed-width types; -1 for the types stored as variable-width bytes. */
    public int byteWidth() {
        return kind.byteWidth;
    }

    /** True for int32, int64 and float64: the types arithmetic applies to. */
    public boolean isNumeric() {
        return kind == Kind.INT32 || kind == Kind.INT64 || kind == Kind.FLOAT64;
    }

    /** True for int32 and int64. */
    public boolean isIntegral() {
        return kind == Kind.INT32 || kind == Kind.INT64;
    }

    /** True for the types stored as variable-width bytes: {@link #STRING}, {@link #BINARY} and wide decimals. */
    public boolean isVariableWidth() {
        return kind.byteWidth < 0;
    }

    /** True for the types stored as int64 ({@link #INT64}, {@link #TIMESTAMP}, {@link #TIMESTAMP_NTZ}, {@link #TIME}, decimals up to 18 digits). */
    public boolean isInt64Stored() {
        return kind == Kind.INT64 || kind == Kind.TIMESTAMP || kind == Kind.TIMESTAMP_NTZ || kind == Kind.TIME || kind == Kind.DECIMAL;
    }

    /** The lower-case name used in schemas and error messages, e.g. {@code int32} or {@code decimal(10,2)}. */
    public String displayName() {
        return isDecimal() ? "decimal(" + precision + "," + scale + ")" : kind.displayName;
    }

    /**
     * Parses a display name ({@code int32}, {@code decimal(10,2)}) or enum name ({@code INT32}),
     * case-insensitively. {@code decimal} alone is {@code decimal(18,3)}, as in DuckDB.
     */
    public static DataType parse(String name) {
        Matcher m = DECIMAL_NAME.matcher(name);
        if (m.matches()) {
            int p = m.group(1) == null ? MAX_DECIMAL64_PRECISION : Integer.parseInt(m.group(1));
            int s = m.group(1) == null ? 3 : m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
            return decimal(p, s);
        }
        for (DataType t : SIMPLE) {
            if (t.kind.displayName.equalsIgnoreCase(name) || t.kind.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "int", "integer" -> INT32;
            case "long", "bigint" -> INT64;
            case "double", "float", "real" -> FLOAT64;
            case "boolean" -> BOOL;
            case "str", "text", "varchar", "utf8" -> STRING;
            case "timestampntz", "datetime", "localdatetime" -> TIMESTAMP_NTZ;
            case "blob", "bytes", "bytea", "varbinary" -> BINARY;
            default -> throw new IllegalArgumentException("Unknown type '" + name
                    + "': use one of bool, int32, int64, float64, string, date, timestamp, timestamp_ntz, time, binary, decimal(p,s)");
        };
    }

    @Override
    public String toString() {
        return displayName();
    }
}
