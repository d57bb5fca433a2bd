package org.spillway.frame;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.spillway.spill.DataType;

/** Conversions of Java values to Spillway types, shared by literals, casts and rows. */
public final class Literals {
    private Literals() {
    }

    /** The Spillway type of a Java value, or null for null. */
    public static DataType typeOf(Object v) {
        return switch (v) {
            case null -> null;
            case Integer i -> DataType.INT32;
            case Short s -> DataType.INT32;
            case Byte b -> DataType.INT32;
            case Long l -> DataType.INT64;
            case Double d -> DataType.FLOAT64;
            case Float f -> DataType.FLOAT64;
            case Boolean b -> DataType.BOOL;
            case String s -> DataType.STRING;
            case LocalDate d -> DataType.DATE;
            case Instant t -> DataType.TIMESTAMP;
            // a LocalDateTime literal is a timestamp (UTC wall clock) as before; compared with a
            // timestamp_ntz column it takes that column's type (the same microseconds)
            case LocalDateTime t -> DataType.TIMESTAMP;
            case LocalTime t -> DataType.TIME;
            case byte[] b -> DataType.BINARY;
            case BigDecimal d -> decimalTypeOf(d);
            default -> throw new SpillwayException("Cannot use a " + v.getClass().getName()
                    + " as a literal: use a number, BigDecimal, String, Boolean, LocalDate, Instant, LocalDateTime, LocalTime or byte[]");
        };
    }

    /**
     * The narrowest decimal type that holds {@code d} exactly (a negative scale counts as 0); float64 for
     * a value of more than 38 digits (compared with a decimal column it still compares exactly).
     */
    public static DataType decimalTypeOf(BigDecimal d) {
        BigDecimal v = d.scale() < 0 ? d.setScale(0) : d;
        int scale = v.scale();
        int precision = Math.max(v.precision(), scale + 1);
        return precision > DataType.MAX_DECIMAL_PRECISION ? DataType.FLOAT64 : DataType.decimal(precision, scale);
    }

    /** A number, BigDecimal or decimal text as an exact BigDecimal (NaN and infinities are errors). */
    public static BigDecimal toBigDecimal(Object v) {
        return switch (v) {
            case BigDecimal d -> d;
            case java.math.BigInteger i -> new BigDecimal(i);
            case Double d when d.isNaN() || d.isInfinite() -> throw new ArithmeticException(d + " is not a decimal");
            case Float f when f.isNaN() || f.isInfinite() -> throw new ArithmeticException(f + " is not a decimal");
            case Double d -> BigDecimal.valueOf(d);
            case Float f -> new BigDecimal(Float.toString(f));
            case Number n -> BigDecimal.valueOf(n.longValue());
            case String s -> new BigDecimal(s.trim());
            default -> throw new SpillwayException("Cannot use " + v + " as a decimal");
        };
    }

    /** True if {@code s} is a decimal number such as {@code -12.50} or {@code 1e3}. */
    public static boolean isDecimalText(String s) {
        try {
            new BigDecimal(s.trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** A Java value as the long representation of an integral, date, timestamp, timestamp_ntz or time type. */
    public static long toLong(Object v, DataType type) {
        return switch (v) {
            case LocalDate d -> d.toEpochDay();
            case Instant t -> Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
            case LocalDateTime t -> toLong(t.toInstant(ZoneOffset.UTC), type);
            case LocalTime t -> t.toNanoOfDay() / 1000;
            case Boolean b -> b ? 1 : 0;
            case Number n -> n.longValue();
            case String s when type == DataType.DATE -> LocalDate.parse(s).toEpochDay();
            case String s when type == DataType.TIMESTAMP -> toLong(parseTimestamp(s), type);
            case String s when type == DataType.TIMESTAMP_NTZ -> toLong(parseTimestampNtz(s), type);
            case String s when type == DataType.TIME -> parseTime(s).toNanoOfDay() / 1000;
            default -> throw new SpillwayException("Cannot use " + v + " as " + type);
        };
    }

    /**
     * Parses ISO timestamps with or without a zone (no zone = UTC), 'T' or space between date and
     * time; a date alone ({@code 2024-01-31}) is midnight UTC, as in SQL.
     */
    public static Instant parseTimestamp(String s) {
        String t = s.trim().replace(' ', 'T');
        if (t.length() == 10 && t.indexOf('T') < 0) {
            return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        try {
            return Instant.parse(t);
        } catch (java.time.format.DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(t).toInstant();
            } catch (java.time.format.DateTimeParseException e2) {
                return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
            }
        }
    }

    /**
     * Parses a wall-clock date-time without a zone: {@code 2024-01-02 03:04:05[.ffffff]}, with a space
     * or 'T'; a date alone is midnight. A zone or offset is an error (cast a timestamp instead).
     */
    public static LocalDateTime parseTimestampNtz(String s) {
        String t = s.trim().replace(' ', 'T');
        if (t.length() == 10 && t.indexOf('T') < 0) {
            return LocalDate.parse(t).atStartOfDay();
        }
        return LocalDateTime.parse(t);
    }

    /** Parses a time of day {@code 03:04[:05[.ffffff]]}. */
    public static LocalTime parseTime(String s) {
        return LocalTime.parse(s.trim());
    }

    /** A timestamp_ntz's microseconds as a {@link LocalDateTime}. */
    public static LocalDateTime toLocalDateTime(long micros) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), (int) Math.floorMod(micros, 1_000_000L) * 1000,
                ZoneOffset.UTC);
    }

    /**
     * Formats a timestamp_ntz's microseconds as DuckDB prints a {@code TIMESTAMP}: {@code 2024-01-02 03:04:05},
     * with the fraction only when it is not zero and without its trailing zeros ({@code 03:04:05.5}).
     */
    public static String formatTimestampNtz(long micros) {
        long days = Math.floorDiv(micros, 86_400_000_000L);
        long inDay = Math.floorMod(micros, 86_400_000_000L);
        String date = LocalDate.ofEpochDay(days).toString();
        if (date.startsWith("+")) {
            date = date.substring(1); // years past 9999: DuckDB prints no sign
        }
        return date + ' ' + formatTime(inDay);
    }

    /** Formats a time's microseconds since midnight as DuckDB does: {@code 03:04:05}, {@code 03:04:05.123456}, {@code 03:04:05.5}. */
    public static String formatTime(long micros) {
        long secs = micros / 1_000_000L;
        int frac = (int) (micros % 1_000_000L);
        StringBuilder sb = new StringBuilder(15);
        two(sb, secs / 3600).append(':');
        two(sb, secs / 60 % 60).append(':');
        two(sb, secs % 60);
        if (frac != 0) {
            String f = Integer.toString(1_000_000 + frac).substring(1);
            int end = f.length();
            while (f.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(f, 0, end);
        }
        return sb.toString();
    }

    private static StringBuilder two(StringBuilder sb, long v) {
        if (v < 10) {
            sb.append('0');
        }
        return sb.append(v);
    }

    /** Bytes as lower-case hex without a prefix, e.g. {@code 0a1bff}: how binary values print and are written to CSV. */
    public static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** Parses hex (either case, an optional {@code 0x} or {@code \x} prefix) into bytes. */
    public static byte[] parseHex(String s) {
        String t = s.trim();
        if (t.startsWith("0x") || t.startsWith("0X") || t.startsWith("\\x")) {
            t = t.substring(2);
        }
        return HexFormat.of().parseHex(t);
    }
}
