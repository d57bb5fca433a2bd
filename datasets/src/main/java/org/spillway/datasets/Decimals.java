package org.spillway.datasets;

/**
 * Fixed-point values for generated float64 columns and their CSV text. A value is a whole number of
 * millionths, {@code micros / 1e6} as a double, which is the double nearest to its six-decimal text,
 * so a correctly rounding CSV reader gets back exactly the value the generator produced.
 */
final class Decimals {
    /** More bytes than any number written here takes (sign, 19 digits, point, 6 digits). */
    static final int MAX_NUMBER_BYTES = 28;

    private Decimals() {
    }

    /** {@code x} rounded to a whole number of millionths (half to even). */
    static long micros(double x) {
        return (long) Math.rint(x * 1e6);
    }

    /** The value of {@code micros} millionths. */
    static double value(long micros) {
        return micros / 1e6;
    }

    /** {@code x} rounded to six decimals: {@code value(micros(x))}. */
    static double round6(double x) {
        return value(micros(x));
    }

    /** Writes a long in decimal at {@code p}; returns the position after it. */
    static int putLong(byte[] b, int p, long v) {
        if (v < 0) {
            b[p++] = '-';
            if (v == Long.MIN_VALUE) {
                byte[] min = Long.toString(v).substring(1).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                System.arraycopy(min, 0, b, p, min.length);
                return p + min.length;
            }
            v = -v;
        }
        if (v < 10) {
            b[p] = (byte) ('0' + v);
            return p + 1;
        }
        int digits = 1;
        for (long t = v / 10; t != 0; t /= 10) {
            digits++;
        }
        int end = p + digits;
        for (int i = end - 1; i >= p; i--) {
            b[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return end;
    }

    /**
     * Writes {@code micros} millionths as a plain decimal with at least one and at most six
     * decimals ({@code 12.5}, {@code -0.000125}, {@code 3.0}); returns the position after it.
     */
    static int putMicros(byte[] b, int p, long micros) {
        if (micros < 0) {
            b[p++] = '-';
            micros = -micros;
        }
        p = putLong(b, p, micros / 1_000_000);
        b[p++] = '.';
        int frac = (int) (micros % 1_000_000);
        if (frac == 0) {
            b[p] = '0';
            return p + 1;
        }
        int digits = 6;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        for (int i = p + digits - 1; i >= p; i--) {
            b[i] = (byte) ('0' + frac % 10);
            frac /= 10;
        }
        return p + digits;
    }

    /** Writes {@code bytes} at {@code p}; returns the position after them. */
    static int put(byte[] b, int p, byte[] bytes) {
        System.arraycopy(bytes, 0, b, p, bytes.length);
        return p + bytes.length;
    }
}
