package org.spillway.frame.io.parquet;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;

/**
 * A primitive column's values as Java objects, handed to a {@link RecordConverters.Sink}:
 *
 * <table>
 *   <caption>Values</caption>
 *   <tr><th>Parquet</th><th>Java</th></tr>
 *   <tr><td>BOOLEAN</td><td>Boolean</td></tr>
 *   <tr><td>INT32 (INT(8/16/32), UINT_8, UINT_16 too)</td><td>Integer</td></tr>
 *   <tr><td>INT64, UINT_32</td><td>Long</td></tr>
 *   <tr><td>UINT_64</td><td>Long, a BigInteger from 2^63 on</td></tr>
 *   <tr><td>FLOAT, FLOAT16 / DOUBLE</td><td>Float / Double</td></tr>
 *   <tr><td>BYTE_ARRAY STRING/UTF8, ENUM, JSON</td><td>String</td></tr>
 *   <tr><td>FIXED_LEN_BYTE_ARRAY(16) UUID</td><td>String (canonical text, as Spillway's flat reader)</td></tr>
 *   <tr><td>DECIMAL(p,s) on any physical type</td><td>BigDecimal</td></tr>
 *   <tr><td>DATE</td><td>LocalDate</td></tr>
 *   <tr><td>TIMESTAMP adjusted to UTC (also TIMESTAMP_MILLIS/MICROS, INT96)</td><td>Instant</td></tr>
 *   <tr><td>TIMESTAMP not adjusted to UTC</td><td>LocalDateTime</td></tr>
 *   <tr><td>TIME</td><td>LocalTime</td></tr>
 *   <tr><td>other BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY (BSON, INTERVAL, unannotated)</td><td>byte[] (a fresh array per value)</td></tr>
 * </table>
 *
 * <p>Dictionary-encoded values are converted once per dictionary entry (on first use) and shared:
 * a dictionary string column gives the same String object for equal values.
 */
final class RecordValues extends PrimitiveConverter {
    private enum Kind {
        BOOL, INT, UINT32, DATE, TIME_MILLIS, LONG, UINT64, TIME_MICROS, TIME_NANOS,
        TS_MILLIS, TS_MICROS, TS_NANOS, NTZ_MILLIS, NTZ_MICROS, NTZ_NANOS, DECIMAL, INT96,
        FLOAT, FLOAT16, DOUBLE, STRING, UUID, BYTES
    }

    private static final long JULIAN_EPOCH_DAY = 2_440_588L;

    private final RecordConverters.Sink sink;
    private final PrimitiveType.PrimitiveTypeName physical;
    private final Kind kind;
    private final int scale;
    private Dictionary dictionary;
    private Object[] decoded;

    /** The converter of {@code type}'s values; {@code decimalScale} is the scale of a DECIMAL, else negative. */
    RecordValues(PrimitiveType type, int decimalScale, RecordConverters.Sink sink) {
        this.sink = sink;
        this.physical = type.getPrimitiveTypeName();
        this.scale = Math.max(0, decimalScale);
        this.kind = decimalScale >= 0 ? Kind.DECIMAL : kind(physical, type.getLogicalTypeAnnotation());
    }

    private static Kind kind(PrimitiveType.PrimitiveTypeName p, LogicalTypeAnnotation a) {
        return switch (p) {
            case BOOLEAN -> Kind.BOOL;
            case INT32 -> switch (a) {
                case LogicalTypeAnnotation.DateLogicalTypeAnnotation d -> Kind.DATE;
                case LogicalTypeAnnotation.TimeLogicalTypeAnnotation t -> Kind.TIME_MILLIS;
                case LogicalTypeAnnotation.IntLogicalTypeAnnotation i when !i.isSigned() && i.getBitWidth() == 32 -> Kind.UINT32;
                case null, default -> Kind.INT;
            };
            case INT64 -> switch (a) {
                case LogicalTypeAnnotation.TimestampLogicalTypeAnnotation t -> timestamp(t);
                case LogicalTypeAnnotation.TimeLogicalTypeAnnotation t ->
                        t.getUnit() == LogicalTypeAnnotation.TimeUnit.NANOS ? Kind.TIME_NANOS : Kind.TIME_MICROS;
                case LogicalTypeAnnotation.IntLogicalTypeAnnotation i when !i.isSigned() -> Kind.UINT64;
                case null, default -> Kind.LONG;
            };
            case INT96 -> Kind.INT96;
            case FLOAT -> Kind.FLOAT;
            case DOUBLE -> Kind.DOUBLE;
            case BINARY -> a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                    || a instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                    || a instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation ? Kind.STRING : Kind.BYTES;
            case FIXED_LEN_BYTE_ARRAY -> a instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation ? Kind.UUID
                    : a instanceof LogicalTypeAnnotation.Float16LogicalTypeAnnotation ? Kind.FLOAT16 : Kind.BYTES;
        };
    }

    private static Kind timestamp(LogicalTypeAnnotation.TimestampLogicalTypeAnnotation t) {
        boolean utc = t.isAdjustedToUTC();
        return switch (t.getUnit()) {
            case MILLIS -> utc ? Kind.TS_MILLIS : Kind.NTZ_MILLIS;
            case MICROS -> utc ? Kind.TS_MICROS : Kind.NTZ_MICROS;
            case NANOS -> utc ? Kind.TS_NANOS : Kind.NTZ_NANOS;
        };
    }

    private Object ofInt(int v) {
        return switch (kind) {
            case DATE -> LocalDate.ofEpochDay(v);
            case TIME_MILLIS -> LocalTime.ofNanoOfDay(v * 1_000_000L);
            case UINT32 -> Integer.toUnsignedLong(v);
            case DECIMAL -> BigDecimal.valueOf(v, scale);
            default -> v;
        };
    }

    private Object ofLong(long v) {
        return switch (kind) {
            case TS_MILLIS -> Instant.ofEpochMilli(v);
            case TS_MICROS -> Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1000L);
            case TS_NANOS -> Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000_000L), Math.floorMod(v, 1_000_000_000L));
            case NTZ_MILLIS -> LocalDateTime.ofEpochSecond(Math.floorDiv(v, 1000L), (int) Math.floorMod(v, 1000L) * 1_000_000, ZoneOffset.UTC);
            case NTZ_MICROS -> LocalDateTime.ofEpochSecond(Math.floorDiv(v, 1_000_000L), (int) Math.floorMod(v, 1_000_000L) * 1000,
                    ZoneOffset.UTC);
            case NTZ_NANOS -> LocalDateTime.ofEpochSecond(Math.floorDiv(v, 1_000_000_000L), (int) Math.floorMod(v, 1_000_000_000L),
                    ZoneOffset.UTC);
            case TIME_MICROS -> LocalTime.ofNanoOfDay(v * 1000L);
            case TIME_NANOS -> LocalTime.ofNanoOfDay(v);
            case UINT64 -> v >= 0 ? (Object) v : new BigInteger(Long.toUnsignedString(v));
            case DECIMAL -> BigDecimal.valueOf(v, scale);
            default -> v;
        };
    }

    private Object ofBinary(Binary b) {
        return switch (kind) {
            case STRING -> b.toStringUsingUTF8();
            case DECIMAL -> new BigDecimal(new BigInteger(b.getBytes()), scale);
            case UUID -> {
                ByteBuffer bb = b.toByteBuffer();
                yield new UUID(bb.getLong(bb.position()), bb.getLong(bb.position() + 8)).toString();
            }
            case INT96 -> {
                ByteBuffer bb = b.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                long nanos = bb.getLong(bb.position());
                long day = bb.getInt(bb.position() + 8) - JULIAN_EPOCH_DAY;
                // wrapping arithmetic, as Spark's writer and reader (and the flat reader): microseconds past 2^63 round-trip
                long micros = day * 86_400_000_000L + Math.floorDiv(nanos, 1000L);
                yield Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                        Math.floorMod(micros, 1_000_000L) * 1000L + Math.floorMod(nanos, 1000L));
            }
            case FLOAT16 -> {
                ByteBuffer bb = b.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                yield Float.float16ToFloat(bb.getShort(bb.position()));
            }
            default -> b.getBytes();
        };
    }

    @Override
    public void addBoolean(boolean value) {
        sink.accept(value);
    }

    @Override
    public void addInt(int value) {
        sink.accept(ofInt(value));
    }

    @Override
    public void addLong(long value) {
        sink.accept(ofLong(value));
    }

    @Override
    public void addFloat(float value) {
        sink.accept(value);
    }

    @Override
    public void addDouble(double value) {
        sink.accept(value);
    }

    @Override
    public void addBinary(Binary value) {
        sink.accept(ofBinary(value));
    }

    @Override
    public boolean hasDictionarySupport() {
        return true;
    }

    @Override
    public void setDictionary(Dictionary d) {
        dictionary = d;
        decoded = new Object[Math.max(0, d.getMaxId() + 1)];
    }

    @Override
    public void addValueFromDictionary(int id) {
        Object v = decoded[id];
        if (v == null) {
            v = switch (physical) {
                case INT32 -> ofInt(dictionary.decodeToInt(id));
                case INT64 -> ofLong(dictionary.decodeToLong(id));
                case FLOAT -> dictionary.decodeToFloat(id);
                case DOUBLE -> dictionary.decodeToDouble(id);
                case BOOLEAN -> dictionary.decodeToBoolean(id);
                case BINARY, FIXED_LEN_BYTE_ARRAY, INT96 -> ofBinary(dictionary.decodeToBinary(id));
            };
            decoded[id] = v;
        }
        sink.accept(v instanceof byte[] bytes ? bytes.clone() : v);
    }
}
