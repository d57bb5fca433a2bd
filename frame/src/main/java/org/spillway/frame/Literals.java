package org.spillway.frame;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
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
            case LocalDateTime t -> DataType.TIMESTAMP;
            default -> throw new SpillwayException("Cannot use a " + v.getClass().getName()
                    + " as a literal: use a number, String, Boolean, LocalDate or Instant");
        };
    }

    /** A Java value as the long representation of an integral, date or timestamp type. */
    public static long toLong(Object v, DataType type) {
        return switch (v) {
            case LocalDate d -> d.toEpochDay();
            case Instant t -> Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
            case LocalDateTime t -> toLong(t.toInstant(ZoneOffset.UTC), type);
            case Boolean b -> b ? 1 : 0;
            case Number n -> n.longValue();
            case String s when type == DataType.DATE -> LocalDate.parse(s).toEpochDay();
            case String s when type == DataType.TIMESTAMP -> toLong(parseTimestamp(s), type);
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
}
