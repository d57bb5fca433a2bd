package org.spillway.frame.io.parquet;

import org.apache.parquet.format.ConvertedType;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.LogicalType;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.TimeUnit;
import org.apache.parquet.format.Type;
import org.spillway.spill.DataType;

/**
 * The mapping of Parquet column types (physical type plus logical or legacy converted type) to
 * Spillway's {@link DataType}s, in one place so that it can be extended when Spillway gains types.
 *
 * <table>
 *   <caption>Supported</caption>
 *   <tr><th>Parquet</th><th>Spillway</th></tr>
 *   <tr><td>BOOLEAN</td><td>bool</td></tr>
 *   <tr><td>INT32, INT(8/16/32, signed), UINT_8, UINT_16</td><td>int32</td></tr>
 *   <tr><td>UINT_32, INT64, INT(64, signed)</td><td>int64</td></tr>
 *   <tr><td>UINT_64</td><td>int64 (a value of 2^63 or more fails at read time)</td></tr>
 *   <tr><td>FLOAT, DOUBLE</td><td>float64</td></tr>
 *   <tr><td>BYTE_ARRAY STRING/UTF8, ENUM, JSON</td><td>string</td></tr>
 *   <tr><td>FIXED_LEN_BYTE_ARRAY(16) UUID</td><td>string (canonical lower-case 8-4-4-4-12)</td></tr>
 *   <tr><td>INT32 DATE</td><td>date</td></tr>
 *   <tr><td>INT64 TIMESTAMP(UTC, MILLIS/MICROS/NANOS), TIMESTAMP_MILLIS/MICROS, INT96</td>
 *       <td>timestamp (nanoseconds must be whole microseconds)</td></tr>
 *   <tr><td>INT64 TIMESTAMP(not adjusted to UTC, MILLIS/MICROS/NANOS)</td>
 *       <td>timestamp_ntz (nanoseconds must be whole microseconds)</td></tr>
 *   <tr><td>INT32 TIME(MILLIS), INT64 TIME(MICROS/NANOS), TIME_MILLIS/MICROS</td>
 *       <td>time (nanoseconds must be whole microseconds)</td></tr>
 *   <tr><td>BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY without annotation</td><td>binary</td></tr>
 *   <tr><td>DECIMAL(p,s) on INT32, INT64 (p &lt;= 18), BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY (up to 16 bytes)</td>
 *       <td>decimal(p,s), exact (int64 unscaled up to 18 digits, 16 bytes up to 38)</td></tr>
 * </table>
 *
 * <p>Not yet representable (the column is left out of the schema and listed by
 * {@link ParquetSource#unsupportedColumns()}): INTERVAL, FLOAT16, BSON, nested
 * LIST/MAP/STRUCT and repeated fields, and decimals the spec does not allow (precision over 38,
 * over 18 on INT32/INT64).
 */
public final class ParquetTypes {
    private ParquetTypes() {
    }

    /** How the stored values become Spillway values. */
    enum Conversion {
        /** Stored as is (int32 to int32, int64 to int64, double, boolean, UTF-8 bytes). */
        NONE,
        /** Unsigned 32-bit to int64. */
        UINT32,
        /** Unsigned 64-bit to int64, failing on values of 2^63 or more. */
        UINT64,
        /** float32 to float64. */
        FLOAT,
        /** int64 milliseconds to microseconds. */
        MILLIS,
        /** int64 nanoseconds to microseconds (whole microseconds only). */
        NANOS,
        /** INT96 (Julian day + nanoseconds of day) to microseconds (whole microseconds only). */
        INT96,
        /** 16 bytes to the canonical UUID text. */
        UUID,
        /** int32 milliseconds of the day to int64 microseconds. */
        TIME_MILLIS,
        /**
         * A decimal's big-endian two's complement bytes (BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY) to its
         * int64 unscaled value (precision up to 18) or its 16 stored bytes (wider).
         */
        DECIMAL_BYTES
    }

    /**
     * A supported column's decoding.
     *
     * @param physical   the stored Parquet type
     * @param type       the Spillway type
     * @param conversion how stored values become Spillway values
     * @param typeLength bytes per value of a FIXED_LEN_BYTE_ARRAY
     */
    record Mapping(Type physical, DataType type, Conversion conversion, int typeLength) {
    }

    /**
     * The mapping of a leaf column, or null if Spillway cannot represent it; then
     * {@link #describe(SchemaElement)} says what it is.
     */
    static Mapping map(SchemaElement e) {
        if (e.isSetRepetition_type() && e.getRepetition_type() == FieldRepetitionType.REPEATED) {
            return null;
        }
        Type t = e.getType();
        LogicalType lt = e.isSetLogicalType() ? e.getLogicalType() : null;
        ConvertedType ct = e.isSetConverted_type() ? e.getConverted_type() : null;
        if (lt != null && lt.getSetField() == null) {
            lt = null;
        }
        if (lt != null && lt.isSetTIME()) {
            return time(t, lt.getTIME().getUnit());
        }
        if (lt == null && ct == ConvertedType.TIME_MILLIS && t == Type.INT32) {
            return new Mapping(t, DataType.TIME, Conversion.TIME_MILLIS, 0);
        }
        if (lt == null && ct == ConvertedType.TIME_MICROS && t == Type.INT64) {
            return new Mapping(t, DataType.TIME, Conversion.NONE, 0);
        }
        if (lt != null && lt.isSetDECIMAL()) {
            return decimal(e, lt.getDECIMAL().getPrecision(), lt.getDECIMAL().getScale());
        }
        if (lt == null && ct == ConvertedType.DECIMAL) {
            return decimal(e, e.getPrecision(), e.isSetScale() ? e.getScale() : 0);
        }
        if (lt != null && (lt.isSetFLOAT16() || lt.isSetBSON() || lt.isSetVARIANT()
                || lt.isSetGEOMETRY() || lt.isSetGEOGRAPHY() || lt.isSetLIST() || lt.isSetMAP())) {
            return null;
        }
        if (ct == ConvertedType.DECIMAL || ct == ConvertedType.TIME_MILLIS || ct == ConvertedType.TIME_MICROS
                || ct == ConvertedType.INTERVAL || ct == ConvertedType.BSON || ct == ConvertedType.LIST || ct == ConvertedType.MAP
                || ct == ConvertedType.MAP_KEY_VALUE) {
            return null;
        }
        return switch (t) {
            case BOOLEAN -> new Mapping(t, DataType.BOOL, Conversion.NONE, 0);
            case INT32 -> {
                if ((lt != null && lt.isSetDATE()) || ct == ConvertedType.DATE) {
                    yield new Mapping(t, DataType.DATE, Conversion.NONE, 0);
                }
                if (lt != null && lt.isSetINTEGER()) {
                    boolean signed = lt.getINTEGER().isIsSigned();
                    int bits = lt.getINTEGER().getBitWidth();
                    yield !signed && bits == 32 ? new Mapping(t, DataType.INT64, Conversion.UINT32, 0)
                            : new Mapping(t, DataType.INT32, Conversion.NONE, 0);
                }
                if (ct == ConvertedType.UINT_32) {
                    yield new Mapping(t, DataType.INT64, Conversion.UINT32, 0);
                }
                if (lt != null || (ct != null && ct != ConvertedType.INT_8 && ct != ConvertedType.INT_16 && ct != ConvertedType.INT_32
                        && ct != ConvertedType.UINT_8 && ct != ConvertedType.UINT_16)) {
                    yield null;
                }
                yield new Mapping(t, DataType.INT32, Conversion.NONE, 0);
            }
            case INT64 -> {
                if (lt != null && lt.isSetTIMESTAMP()) {
                    yield timestamp(lt.getTIMESTAMP().getUnit(), lt.getTIMESTAMP().isIsAdjustedToUTC()
                            ? DataType.TIMESTAMP : DataType.TIMESTAMP_NTZ);
                }
                if (lt == null && ct == ConvertedType.TIMESTAMP_MILLIS) {
                    yield new Mapping(t, DataType.TIMESTAMP, Conversion.MILLIS, 0);
                }
                if (lt == null && ct == ConvertedType.TIMESTAMP_MICROS) {
                    yield new Mapping(t, DataType.TIMESTAMP, Conversion.NONE, 0);
                }
                if (lt != null && lt.isSetINTEGER()) {
                    boolean signed = lt.getINTEGER().isIsSigned();
                    yield new Mapping(t, DataType.INT64, signed ? Conversion.NONE : Conversion.UINT64, 0);
                }
                if (ct == ConvertedType.UINT_64) {
                    yield new Mapping(t, DataType.INT64, Conversion.UINT64, 0);
                }
                if (lt != null || (ct != null && ct != ConvertedType.INT_64)) {
                    yield null;
                }
                yield new Mapping(t, DataType.INT64, Conversion.NONE, 0);
            }
            case INT96 -> lt == null && ct == null ? new Mapping(t, DataType.TIMESTAMP, Conversion.INT96, 12) : null;
            case FLOAT -> lt == null && ct == null ? new Mapping(t, DataType.FLOAT64, Conversion.FLOAT, 0) : null;
            case DOUBLE -> lt == null && ct == null ? new Mapping(t, DataType.FLOAT64, Conversion.NONE, 0) : null;
            case BYTE_ARRAY -> {
                boolean text = lt != null ? lt.isSetSTRING() || lt.isSetENUM() || lt.isSetJSON()
                        : ct == ConvertedType.UTF8 || ct == ConvertedType.ENUM || ct == ConvertedType.JSON;
                if (text) {
                    yield new Mapping(t, DataType.STRING, Conversion.NONE, 0);
                }
                yield lt == null && ct == null ? new Mapping(t, DataType.BINARY, Conversion.NONE, 0) : null;
            }
            case FIXED_LEN_BYTE_ARRAY -> {
                if (lt != null && lt.isSetUUID() && e.getType_length() == 16) {
                    yield new Mapping(t, DataType.STRING, Conversion.UUID, 16);
                }
                yield lt == null && ct == null && e.getType_length() > 0
                        ? new Mapping(t, DataType.BINARY, Conversion.NONE, e.getType_length()) : null;
            }
        };
    }

    /**
     * A DECIMAL(p,s) on INT32 or INT64 (precision up to 18, read as int64 unscaled values), or on
     * BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY (any precision up to 38); null for what the spec does not allow.
     */
    private static Mapping decimal(SchemaElement e, int precision, int scale) {
        if (precision < 1 || precision > DataType.MAX_DECIMAL_PRECISION || scale < 0 || scale > precision) {
            return null;
        }
        DataType type = DataType.decimal(precision, scale);
        return switch (e.getType()) {
            case INT32, INT64 -> precision <= DataType.MAX_DECIMAL64_PRECISION ? new Mapping(e.getType(), type, Conversion.NONE, 0) : null;
            case BYTE_ARRAY -> new Mapping(e.getType(), type, Conversion.DECIMAL_BYTES, 0);
            case FIXED_LEN_BYTE_ARRAY -> e.getType_length() > 0 && e.getType_length() <= 16
                    ? new Mapping(e.getType(), type, Conversion.DECIMAL_BYTES, e.getType_length()) : null;
            default -> null;
        };
    }

    private static Mapping timestamp(TimeUnit unit, DataType type) {
        if (unit.isSetMILLIS()) {
            return new Mapping(Type.INT64, type, Conversion.MILLIS, 0);
        }
        if (unit.isSetMICROS()) {
            return new Mapping(Type.INT64, type, Conversion.NONE, 0);
        }
        return new Mapping(Type.INT64, type, Conversion.NANOS, 0);
    }

    private static Mapping time(Type physical, TimeUnit unit) {
        if (physical == Type.INT32 && unit.isSetMILLIS()) {
            return new Mapping(physical, DataType.TIME, Conversion.TIME_MILLIS, 0);
        }
        if (physical == Type.INT64 && unit.isSetMICROS()) {
            return new Mapping(physical, DataType.TIME, Conversion.NONE, 0);
        }
        if (physical == Type.INT64 && unit.isSetNANOS()) {
            return new Mapping(physical, DataType.TIME, Conversion.NANOS, 0);
        }
        return null;
    }

    /** A readable description of a leaf's Parquet type, e.g. {@code DECIMAL(10,2)} or {@code BYTE_ARRAY}. */
    static String describe(SchemaElement e) {
        LogicalType lt = e.isSetLogicalType() ? e.getLogicalType() : null;
        String physical = e.isSetType() ? e.getType().name() : "group";
        if (e.isSetType() && e.getType() == Type.FIXED_LEN_BYTE_ARRAY) {
            physical += "(" + e.getType_length() + ")";
        }
        String rep = e.isSetRepetition_type() && e.getRepetition_type() == FieldRepetitionType.REPEATED ? "repeated " : "";
        if (lt != null && lt.getSetField() != null) {
            if (lt.isSetDECIMAL()) {
                return rep + "DECIMAL(" + lt.getDECIMAL().getPrecision() + "," + lt.getDECIMAL().getScale() + ")";
            }
            if (lt.isSetTIMESTAMP()) {
                return rep + "TIMESTAMP(" + unit(lt.getTIMESTAMP().getUnit()) + ", isAdjustedToUTC="
                        + lt.getTIMESTAMP().isIsAdjustedToUTC() + ")";
            }
            if (lt.isSetTIME()) {
                return rep + "TIME(" + unit(lt.getTIME().getUnit()) + ")";
            }
            return rep + lt.getSetField().getFieldName() + " (" + physical + ")";
        }
        if (e.isSetConverted_type()) {
            if (e.getConverted_type() == ConvertedType.DECIMAL) {
                return rep + "DECIMAL(" + e.getPrecision() + "," + e.getScale() + ")";
            }
            return rep + e.getConverted_type().name() + " (" + physical + ")";
        }
        return rep + physical;
    }

    private static String unit(TimeUnit u) {
        return u.isSetMILLIS() ? "MILLIS" : u.isSetMICROS() ? "MICROS" : "NANOS";
    }

    /**
     * Whether a column of {@code from} can be read as {@code to} when files disagree (int32 to int64;
     * a decimal to a wider one of the same scale and storage).
     */
    static boolean widens(DataType from, DataType to) {
        return from == to || (from == DataType.INT32 && to == DataType.INT64)
                || (from.isDecimal() && from.kind() == to.kind() && from.scale() == to.scale() && from.precision() <= to.precision());
    }

    /**
     * Whether a file column of {@code from} can be read as {@code to} by converting its decoded values
     * (table formats' type widening, e.g. Delta's and Iceberg's): integers to float64 or to a decimal
     * with room for them, a decimal to one with at least as many integer and fraction digits (another
     * scale, or int64 to 16-byte storage), date to timestamp_ntz. Only for pairs {@link #widens} does not
     * cover: those the decoder reads directly.
     */
    static boolean converts(DataType from, DataType to) {
        if (widens(from, to)) {
            return false;
        }
        boolean integral = from == DataType.INT32 || from == DataType.INT64;
        if (integral && to == DataType.FLOAT64) {
            return true;
        }
        if (integral && to.isDecimal()) {
            return to.precision() - to.scale() >= (from == DataType.INT32 ? 10 : 19);
        }
        if (from.isDecimal() && to.isDecimal()) {
            return to.scale() >= from.scale() && to.precision() - to.scale() >= from.precision() - from.scale();
        }
        return from == DataType.DATE && to == DataType.TIMESTAMP_NTZ;
    }
}
