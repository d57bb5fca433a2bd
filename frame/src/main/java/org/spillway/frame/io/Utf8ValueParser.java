package org.spillway.frame.io;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import org.spillway.spill.DataType;

/**
 * Parses typed values straight from UTF-8 bytes, without making a String: the parser's hot path.
 * Each parse returns a sentinel on bad input instead of throwing, because under the lenient
 * policies bad values are routine and exceptions are costly; a caller that sees the sentinel asks
 * the matching {@code is...} method whether the text really was that rare value.
 *
 * <p>The grammars are strict (no surrounding spaces, no thousands separators) and are the same for
 * inference and for parsing, so a column inferred as int32 parses every sampled value:
 * <ul>
 *   <li>integers: {@code [+-]?[0-9]+};</li>
 *   <li>floats: {@code [+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?}, or {@code nan},
 *       {@code inf}, {@code infinity} in any case, with an optional sign;</li>
 *   <li>bools: {@code true}/{@code false} in any case (parsing a declared bool column also takes
 *       {@code t f 1 0});</li>
 *   <li>dates: {@code yyyy-MM-dd};</li>
 *   <li>timestamps: {@code yyyy-MM-dd} then {@code T}, {@code t} or a space, {@code HH:mm:ss},
 *       an optional fraction of 1 to 9 digits (beyond microseconds truncated), an optional zone
 *       {@code Z}, {@code ±HH:MM}, {@code ±HHMM} or {@code ±HH} (none means UTC). A bare date
 *       reads as midnight UTC, so a column mixing both is a timestamp column.</li>
 * </ul>
 */
final class Utf8ValueParser {
    /** Returned by {@link #parseLong} on bad input; check {@link #isLongMin}. */
    static final long BAD_LONG = Long.MIN_VALUE;
    /** Returned by {@link #parseDate} on bad input (no 4-digit year reaches it). */
    static final int BAD_DATE = Integer.MIN_VALUE;
    /** Returned by {@link #parseTimestamp} on bad input (no 4-digit year reaches it). */
    static final long BAD_TIMESTAMP = Long.MIN_VALUE;

    // Exact powers of ten as doubles: a mantissa below 2^53 times or divided by one of these is
    // correctly rounded (Clinger's fast path), which covers nearly every value in real files.
    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22
    };

    private Utf8ValueParser() {
    }

    /** Parses an integer; {@link #BAD_LONG} when malformed or out of the int64 range. */
    static long parseLong(byte[] b, int off, int len) {
        if (len <= 0) {
            return BAD_LONG;
        }
        int i = off;
        int end = off + len;
        boolean neg = false;
        byte c = b[i];
        if (c == '-' || c == '+') {
            neg = c == '-';
            if (++i == end) {
                return BAD_LONG;
            }
        }
        // Accumulate negatively: the int64 range has one more negative value than positive.
        long acc = 0;
        if (end - i <= 18) {
            // at most 18 digits cannot overflow: skip the checks
            for (; i < end; i++) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    return BAD_LONG;
                }
                acc = acc * 10 - d;
            }
        } else {
            for (; i < end; i++) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    return BAD_LONG;
                }
                if (acc < Long.MIN_VALUE / 10) {
                    return BAD_LONG;
                }
                acc *= 10;
                if (acc < Long.MIN_VALUE + d) {
                    return BAD_LONG;
                }
                acc -= d;
            }
        }
        if (neg) {
            return acc;
        }
        return acc == Long.MIN_VALUE ? BAD_LONG : -acc;
    }

    /** True if the text is Long.MIN_VALUE written out (the one legal value that equals the sentinel). */
    static boolean isLongMin(byte[] b, int off, int len) {
        byte[] m = "-9223372036854775808".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (len < m.length) {
            return false;
        }
        // leading zeros after the sign are legal
        if (b[off] != '-') {
            return false;
        }
        int i = off + 1;
        int end = off + len;
        while (i < end && b[i] == '0' && end - i > 19) {
            i++;
        }
        return end - i == 19 && java.util.Arrays.equals(b, i, end, m, 1, 20);
    }

    /** True if the text is a well-formed integer, regardless of its size. */
    static boolean isIntegerSyntax(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        if (i < end && (b[i] == '-' || b[i] == '+')) {
            i++;
        }
        if (i == end) {
            return false;
        }
        for (; i < end; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return false;
            }
        }
        return true;
    }

    /** Parses a float; NaN when malformed (check {@link #isNaNLiteral} if NaN comes back). */
    static double parseDouble(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        if (i == end) {
            return Double.NaN;
        }
        boolean neg = false;
        byte c = b[i];
        if (c == '-' || c == '+') {
            neg = c == '-';
            if (++i == end) {
                return Double.NaN;
            }
            c = b[i];
        }
        if (c > '9') {
            return special(b, i, end, neg);
        }
        long mant = 0;
        int nd = 0; // digits held in mant, leading zeros excluded
        int scale = 0; // power of ten that mant is off by
        boolean truncated = false; // digits beyond 19 were dropped: only the slow path rounds right
        int digits = 0;
        for (; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            digits++;
            if (nd < 19) {
                mant = mant * 10 + d;
                nd += mant == 0 ? 0 : 1;
            } else {
                scale++;
                truncated = true;
            }
        }
        if (i < end && b[i] == '.') {
            i++;
            // This loop, the integer-part loop above and the exponent loop below are alike but kept
            // apart: a shared helper would have to return several values (the position and its
            // counters: an allocation or fields) per parsed float on the ingest path.
            for (; i < end; i++) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                digits++;
                if (nd < 19) {
                    mant = mant * 10 + d;
                    nd += mant == 0 ? 0 : 1;
                    scale--;
                } else {
                    truncated = true;
                }
            }
        }
        if (digits == 0) {
            return Double.NaN;
        }
        long exp = 0;
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            boolean eneg = false;
            if (i < end && (b[i] == '-' || b[i] == '+')) {
                eneg = b[i] == '-';
                i++;
            }
            int edigits = 0;
            for (; i < end; i++) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                edigits++;
                if (exp < 100_000_000) {
                    exp = exp * 10 + d;
                }
            }
            if (edigits == 0) {
                return Double.NaN;
            }
            if (eneg) {
                exp = -exp;
            }
        }
        if (i != end) {
            return Double.NaN;
        }
        long e10 = exp + scale;
        if (!truncated && mant <= (1L << 53) && e10 >= -22 && e10 <= 22) {
            double v = (double) mant;
            v = e10 >= 0 ? v * POW10[(int) e10] : v / POW10[(int) -e10];
            return neg ? -v : v;
        }
        if (mant == 0 && !truncated) {
            return neg ? -0.0 : 0.0;
        }
        // Rare: many digits or a large exponent. The grammar is checked, so this only rounds.
        try {
            return JavaDoubleParser.parseDouble(b, off, len);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static double special(byte[] b, int i, int end, boolean neg) {
        int n = end - i;
        if (n == 3 && eqIgnoreCase(b, i, "nan")) {
            return Double.NaN;
        }
        if ((n == 3 && eqIgnoreCase(b, i, "inf")) || (n == 8 && eqIgnoreCase(b, i, "infinity"))) {
            return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return Double.NaN;
    }

    /** True if the text is a NaN literal (what a NaN result from {@link #parseDouble} may mean). */
    static boolean isNaNLiteral(byte[] b, int off, int len) {
        int i = off;
        if (len > 0 && (b[i] == '-' || b[i] == '+')) {
            i++;
        }
        return off + len - i == 3 && eqIgnoreCase(b, i, "nan");
    }

    private static boolean eqIgnoreCase(byte[] b, int off, String lower) {
        for (int k = 0; k < lower.length(); k++) {
            if ((b[off + k] | 0x20) != lower.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** 1 for true, 0 for false, -1 when not a bool; {@code lenient} also takes t, f, 1, 0. */
    static int parseBool(byte[] b, int off, int len, boolean lenient) {
        if (len == 4 && eqIgnoreCase(b, off, "true")) {
            return 1;
        }
        if (len == 5 && eqIgnoreCase(b, off, "false")) {
            return 0;
        }
        if (lenient && len == 1) {
            switch (b[off]) {
                case 't', 'T', '1' -> {
                    return 1;
                }
                case 'f', 'F', '0' -> {
                    return 0;
                }
                default -> {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** Days since 1970-01-01 of a {@code yyyy-MM-dd} date, or {@link #BAD_DATE}. */
    static int parseDate(byte[] b, int off, int len) {
        if (len != 10) {
            return BAD_DATE;
        }
        return dateAt(b, off);
    }

    private static int dateAt(byte[] b, int off) {
        if (b[off + 4] != '-' || b[off + 7] != '-') {
            return BAD_DATE;
        }
        int y = digits(b, off, 4);
        int m = digits(b, off + 5, 2);
        int d = digits(b, off + 8, 2);
        if (y < 0 || m < 1 || m > 12 || d < 1 || d > monthLength(y, m)) {
            return BAD_DATE;
        }
        return (int) daysFromCivil(y, m, d);
    }

    /** Microseconds since the epoch (UTC) of an ISO timestamp or date, or {@link #BAD_TIMESTAMP}. */
    static long parseTimestamp(byte[] b, int off, int len) {
        if (len < 10) {
            return BAD_TIMESTAMP;
        }
        int days = dateAt(b, off);
        if (days == BAD_DATE) {
            return BAD_TIMESTAMP;
        }
        if (len == 10) {
            return days * 86_400_000_000L;
        }
        int end = off + len;
        int i = off + 10;
        byte sep = b[i];
        if ((sep != 'T' && sep != 't' && sep != ' ') || len < 19 || b[i + 3] != ':' || b[i + 6] != ':') {
            return BAD_TIMESTAMP;
        }
        int hh = digits(b, i + 1, 2);
        int mi = digits(b, i + 4, 2);
        int ss = digits(b, i + 7, 2);
        if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59) {
            return BAD_TIMESTAMP;
        }
        i += 9;
        long micros = 0;
        if (i < end && b[i] == '.') {
            i++;
            int n = 0;
            long frac = 0;
            while (i < end && b[i] >= '0' && b[i] <= '9') {
                if (n < 6) {
                    frac = frac * 10 + (b[i] - '0');
                }
                n++;
                i++;
            }
            if (n == 0 || n > 9) {
                return BAD_TIMESTAMP;
            }
            for (int k = n; k < 6; k++) {
                frac *= 10;
            }
            micros = frac;
        }
        int offsetSeconds = 0;
        if (i < end) {
            byte z = b[i];
            if (z == 'Z' || z == 'z') {
                i++;
            } else if (z == '+' || z == '-') {
                int rest = end - i - 1;
                int oh;
                int om = 0;
                if (rest == 2) {
                    oh = digits(b, i + 1, 2);
                } else if (rest == 4) {
                    oh = digits(b, i + 1, 2);
                    om = digits(b, i + 3, 2);
                } else if (rest == 5 && b[i + 3] == ':') {
                    oh = digits(b, i + 1, 2);
                    om = digits(b, i + 4, 2);
                } else {
                    return BAD_TIMESTAMP;
                }
                if (oh < 0 || oh > 18 || om < 0 || om > 59) {
                    return BAD_TIMESTAMP;
                }
                offsetSeconds = (oh * 3600 + om * 60) * (z == '-' ? -1 : 1);
                i = end;
            } else {
                return BAD_TIMESTAMP;
            }
        }
        if (i != end) {
            return BAD_TIMESTAMP;
        }
        long seconds = days * 86_400L + hh * 3600L + mi * 60L + ss - offsetSeconds;
        return seconds * 1_000_000L + micros;
    }

    private static int digits(byte[] b, int off, int n) {
        int v = 0;
        for (int k = 0; k < n; k++) {
            int d = b[off + k] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static int monthLength(int y, int m) {
        return switch (m) {
            case 2 -> (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    static long daysFromCivil(long y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153L * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }

    /**
     * The narrowest type that reads this non-null text, for inference: bool, int32, int64,
     * float64, date, timestamp, or string. Integers beyond int64 are strings, not floats, so that
     * long ids are never silently rounded.
     */
    static DataType classify(byte[] b, int off, int len) {
        if (len == 0) {
            return DataType.STRING;
        }
        byte c = b[off];
        if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
            long v = parseLong(b, off, len);
            if (v != BAD_LONG || isLongMin(b, off, len)) {
                return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? DataType.INT32 : DataType.INT64;
            }
            if (isIntegerSyntax(b, off, len)) {
                return DataType.STRING;
            }
            if (len >= 10 && c >= '0' && c <= '9' && b[off + 4] == '-') {
                if (parseDate(b, off, len) != BAD_DATE) {
                    return DataType.DATE;
                }
                if (parseTimestamp(b, off, len) != BAD_TIMESTAMP) {
                    return DataType.TIMESTAMP;
                }
                return DataType.STRING;
            }
        }
        double d = parseDouble(b, off, len);
        if (!Double.isNaN(d) || isNaNLiteral(b, off, len)) {
            return DataType.FLOAT64;
        }
        if (parseBool(b, off, len, false) >= 0) {
            return DataType.BOOL;
        }
        return DataType.STRING;
    }

    /**
     * The type that reads values of both types: the wider number, timestamp for a date and a
     * timestamp, string for anything else. {@code null} stands for "no value seen yet".
     */
    static DataType unify(DataType a, DataType b) {
        if (a == null) {
            return b;
        }
        if (b == null || a == b) {
            return a;
        }
        if (a.isNumeric() && b.isNumeric()) {
            return rank(a) >= rank(b) ? a : b;
        }
        if ((a == DataType.DATE && b == DataType.TIMESTAMP) || (a == DataType.TIMESTAMP && b == DataType.DATE)) {
            return DataType.TIMESTAMP;
        }
        return DataType.STRING;
    }

    private static int rank(DataType t) {
        return switch (t.kind()) {
            case INT32 -> 0;
            case INT64 -> 1;
            default -> 2;
        };
    }
}
