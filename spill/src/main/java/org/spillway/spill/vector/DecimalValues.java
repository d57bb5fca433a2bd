package org.spillway.spill.vector;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import org.spillway.spill.DataType;

/**
 * Conversions of decimal values between {@link BigDecimal} and their stored forms: the int64 unscaled
 * value of a {@code decimal(p,s)} with {@code p <= 18}, and the 16 order-preserving bytes of a wider one
 * (big-endian two's complement with the sign bit flipped, so unsigned byte order is numeric order).
 */
public final class DecimalValues {
    /** Bytes of a stored wide decimal. */
    public static final int WIDE_BYTES = 16;
    private static final BigInteger[] MAX_UNSCALED = new BigInteger[DataType.MAX_DECIMAL_PRECISION + 1];
    private static final long[] POW10 = new long[19];

    static {
        for (int p = 0; p <= DataType.MAX_DECIMAL_PRECISION; p++) {
            MAX_UNSCALED[p] = BigInteger.TEN.pow(p).subtract(BigInteger.ONE);
        }
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private DecimalValues() {
    }

    /** 10 to the power {@code n}, for {@code 0 <= n <= 18}. */
    public static long pow10(int n) {
        return POW10[n];
    }

    /** The value of an unscaled int64 at {@code scale}. */
    public static BigDecimal of(long unscaled, int scale) {
        return BigDecimal.valueOf(unscaled, scale);
    }

    /** The value of 16 stored bytes at {@code scale}. */
    public static BigDecimal ofWide(byte[] stored, int scale) {
        byte[] b = stored.clone();
        b[0] ^= (byte) 0x80;
        return new BigDecimal(new BigInteger(b), scale);
    }

    /** The 16 stored bytes of an unscaled value (which must fit 38 digits). */
    public static byte[] wideBytes(BigInteger unscaled) {
        byte[] two = unscaled.toByteArray();
        if (two.length > WIDE_BYTES) {
            throw new ArithmeticException("Decimal unscaled value " + unscaled + " does not fit 16 bytes");
        }
        byte[] out = new byte[WIDE_BYTES];
        byte fill = unscaled.signum() < 0 ? (byte) 0xff : 0;
        int pad = WIDE_BYTES - two.length;
        for (int i = 0; i < pad; i++) {
            out[i] = fill;
        }
        System.arraycopy(two, 0, out, pad, two.length);
        out[0] ^= (byte) 0x80;
        return out;
    }

    /** The 16 stored bytes of a big-endian two's complement value of any length up to 16 bytes. */
    public static byte[] wideFromTwosComplement(byte[] src, int off, int len) {
        byte[] out = new byte[WIDE_BYTES];
        byte fill = len > 0 && src[off] < 0 ? (byte) 0xff : 0;
        int pad = WIDE_BYTES - len;
        for (int i = 0; i < pad; i++) {
            out[i] = fill;
        }
        System.arraycopy(src, off, out, pad, len);
        out[0] ^= (byte) 0x80;
        return out;
    }

    /**
     * {@code value} as the unscaled integer of {@code type}, rounding half-up to its scale; an
     * {@link ArithmeticException} naming the type when it does not fit the precision.
     */
    public static BigInteger unscaled(BigDecimal value, DataType type) {
        BigInteger u = value.setScale(type.scale(), RoundingMode.HALF_UP).unscaledValue();
        if (u.abs().compareTo(MAX_UNSCALED[type.precision()]) > 0) {
            throw new ArithmeticException("The value " + value.toPlainString() + " does not fit " + type);
        }
        return u;
    }

    /** True if the unscaled value fits {@code precision} digits. */
    public static boolean fits(BigInteger unscaled, int precision) {
        return unscaled.abs().compareTo(MAX_UNSCALED[precision]) <= 0;
    }

    /** True if the unscaled value fits {@code precision} digits ({@code precision <= 18}). */
    public static boolean fits(long unscaled, int precision) {
        long max = precision >= 19 ? Long.MAX_VALUE : POW10[precision] - 1;
        return unscaled >= -max && unscaled <= max;
    }

    /** The text of a value at its scale, as DuckDB and Spark print it ({@code -12.50}, {@code 0.001}). */
    public static String toString(long unscaled, int scale) {
        if (scale == 0) {
            return Long.toString(unscaled);
        }
        return BigDecimal.valueOf(unscaled, scale).toPlainString();
    }

    /** Row {@code r} of a decimal vector (not null) as text at its scale. */
    public static String format(ColumnVector v, int r) {
        if (v instanceof LongVector lv) {
            return toString(lv.get(r), v.type().scale());
        }
        return ofWide(((StringVector) v).getBytes(r), v.type().scale()).toPlainString();
    }

    /** Row {@code r} of a decimal vector (not null) as a BigDecimal. */
    public static BigDecimal get(ColumnVector v, int r) {
        if (v instanceof LongVector lv) {
            return of(lv.get(r), v.type().scale());
        }
        return ofWide(((StringVector) v).getBytes(r), v.type().scale());
    }

    /** A Java number or decimal text as a BigDecimal, for appending to a column of decimal {@code type}. */
    static BigDecimal toBigDecimal(Object value, DataType type) {
        return switch (value) {
            case BigDecimal d -> d;
            case BigInteger i -> new BigDecimal(i);
            case Double d -> BigDecimal.valueOf(d);
            case Float f -> BigDecimal.valueOf(f);
            case Number n -> BigDecimal.valueOf(n.longValue());
            case String str -> new BigDecimal(str.trim());
            default -> throw new IllegalArgumentException("Cannot append " + value.getClass().getSimpleName() + " to " + type);
        };
    }
}
