package org.spillway.frame.io.parquet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.Statistics;
import org.spillway.spill.DataType;
import org.spillway.spill.chunk.ChunkStats.ColumnStats;

/**
 * A column chunk's footer statistics as Spillway bounds. Anything doubtful (no null count, NaN,
 * unsigned values beyond int64, undecodable bytes, the legacy min/max of byte arrays) is
 * {@link ColumnStats#UNKNOWN}: unknown never prunes, a wrong bound would lose rows.
 */
final class ParquetStats {
    private ParquetStats() {
    }

    static ColumnStats of(ColumnMetaData md, ParquetTypes.Mapping m, DataType target, int rows) {
        return of(md, m, target, rows, true);
    }

    /**
     * {@code typeDefinedOrder}: the footer's column_orders say TYPE_ORDER for this column; without
     * them min_value/max_value are undefined by the format, and are used only where no order is
     * ambiguous (signed integers, floats, booleans).
     */
    static ColumnStats of(ColumnMetaData md, ParquetTypes.Mapping m, DataType target, int rows, boolean typeDefinedOrder) {
        if (!md.isSetStatistics()) {
            return ColumnStats.UNKNOWN;
        }
        Statistics s = md.getStatistics();
        if (!s.isSetNull_count() || s.getNull_count() < 0 || s.getNull_count() > rows) {
            return ColumnStats.UNKNOWN;
        }
        int nulls = (int) s.getNull_count();
        if (nulls == rows) {
            return new ColumnStats(nulls, null, null);
        }
        if (s.isSetNan_count() && s.getNan_count() > 0) {
            return ColumnStats.UNKNOWN;
        }
        byte[] min;
        byte[] max;
        // bufferFor*, not get*: Thrift's getters write the field back, and footers are shared between threads
        if (s.isSetMin_value() && s.isSetMax_value() && (typeDefinedOrder || legacyOrderIsSigned(m))) {
            min = bytes(s.bufferForMin_value());
            max = bytes(s.bufferForMax_value());
        } else if (s.isSetMin() && s.isSetMax() && legacyOrderIsSigned(m)) {
            min = bytes(s.bufferForMin());
            max = bytes(s.bufferForMax());
        } else {
            return ColumnStats.UNKNOWN;
        }
        try {
            Object lo = value(min, m, target, false);
            Object hi = value(max, m, target, true);
            if (lo == null || hi == null) {
                return ColumnStats.UNKNOWN;
            }
            return new ColumnStats(nulls, lo, hi);
        } catch (RuntimeException e) {
            return ColumnStats.UNKNOWN;
        }
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        java.nio.ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    /** The deprecated min/max were written in signed order: trustworthy for signed ints, floats and booleans only. */
    private static boolean legacyOrderIsSigned(ParquetTypes.Mapping m) {
        return switch (m.physical()) {
            case BOOLEAN, FLOAT, DOUBLE -> true;
            case INT32, INT64 -> m.conversion() != ParquetTypes.Conversion.UINT32 && m.conversion() != ParquetTypes.Conversion.UINT64;
            default -> false;
        };
    }

    /** The format's rule for zeros: a lower bound of 0 may hide -0.0, an upper bound of -0.0 may hide +0.0. */
    private static double signedZero(double d, boolean upper) {
        if (d == 0.0) {
            return upper ? 0.0 : -0.0;
        }
        return d;
    }

    /** One bound as a storage value of {@code target}, or null when it cannot be used. */
    static Object value(byte[] b, ParquetTypes.Mapping m, DataType target, boolean upper) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        return switch (m.physical()) {
            case BOOLEAN -> b.length >= 1 ? (Object) (b[0] != 0) : null;
            case INT32 -> {
                if (b.length < 4) {
                    yield null;
                }
                int v = bb.getInt(0);
                if (m.conversion() == ParquetTypes.Conversion.TIME_MILLIS) {
                    yield v * 1000L;
                }
                if (m.conversion() == ParquetTypes.Conversion.UINT32 || target == DataType.INT64 || target.isDecimal()) {
                    yield m.conversion() == ParquetTypes.Conversion.UINT32 ? Integer.toUnsignedLong(v) : (long) v;
                }
                yield v;
            }
            case INT64 -> {
                if (b.length < 8) {
                    yield null;
                }
                long v = bb.getLong(0);
                yield switch (m.conversion()) {
                    case UINT64 -> v < 0 ? null : (Object) v;
                    case MILLIS -> Math.multiplyExact(v, 1000L);
                    case NANOS -> upper ? -Math.floorDiv(-v, 1000L) : Math.floorDiv(v, 1000L);
                    default -> v;
                };
            }
            case FLOAT -> {
                if (b.length < 4) {
                    yield null;
                }
                double f = bb.getFloat(0);
                yield Double.isNaN(f) ? null : (Object) signedZero(f, upper);
            }
            case DOUBLE -> {
                if (b.length < 8) {
                    yield null;
                }
                double d = bb.getDouble(0);
                yield Double.isNaN(d) ? null : (Object) signedZero(d, upper);
            }
            case BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY -> {
                if (m.conversion() == ParquetTypes.Conversion.DECIMAL_BYTES) {
                    // big-endian two's complement, ordered as numbers
                    if (b.length == 0 || b.length > 16) {
                        yield null;
                    }
                    java.math.BigInteger u = new java.math.BigInteger(b);
                    yield target.kind() == DataType.Kind.DECIMAL ? (u.bitLength() < 64 ? (Object) u.longValue() : null)
                            : org.spillway.spill.vector.DecimalValues.wideBytes(u);
                }
                if (target == DataType.BINARY) {
                    yield b.clone(); // unsigned byte order, as the format's type-defined order
                }
                if (m.physical() != org.apache.parquet.format.Type.BYTE_ARRAY) {
                    yield null; // UUID text: no bounds
                }
                try {
                    yield StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
                } catch (CharacterCodingException e) {
                    yield null;
                }
            }
            default -> null; // INT96: no bounds
        };
    }
}
