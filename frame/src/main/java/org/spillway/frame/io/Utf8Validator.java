package org.spillway.frame.io;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Checks that bytes are well-formed UTF-8 as RFC 3629 and Unicode (table 3-7) define it: no
 * overlong encodings ({@code C0 AF}, {@code E0 80 AF}, ...), no encoded surrogates
 * ({@code ED A0 80} to {@code ED BF BF}), nothing beyond U+10FFFF ({@code F4 90..}, {@code F5..FF}),
 * no stray continuation byte and no sequence cut short. Eight ASCII bytes are tested at a time,
 * so ASCII text costs about one load and one test per eight bytes.
 */
final class Utf8Validator {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8Validator() {
    }

    /** The index of the first byte of the first ill-formed sequence in {@code b[from, to)}, or -1 when all is well-formed. */
    static int firstInvalid(byte[] b, int from, int to) {
        int i = from;
        while (true) {
            while (i + 8 <= to && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
                i += 8;
            }
            while (i < to && b[i] >= 0) {
                i++;
            }
            if (i >= to) {
                return -1;
            }
            int n = sequenceLength(b, i, to);
            if (n == 0) {
                return i;
            }
            i += n;
        }
    }

    /** The length (2 to 4) of the well-formed multi-byte sequence starting at {@code b[i]}, or 0 if it is ill-formed. */
    private static int sequenceLength(byte[] b, int i, int to) {
        int c = b[i] & 0xff;
        if (c < 0xC2) {
            return 0; // a continuation byte without a lead, or C0/C1 (always overlong)
        }
        if (c < 0xE0) {
            return i + 1 < to && isContinuation(b[i + 1]) ? 2 : 0;
        }
        if (c < 0xF0) {
            int lo = c == 0xE0 ? 0xA0 : 0x80; // E0 80..9F: overlong
            int hi = c == 0xED ? 0x9F : 0xBF; // ED A0..BF: a surrogate
            return i + 2 < to && inRange(b[i + 1], lo, hi) && isContinuation(b[i + 2]) ? 3 : 0;
        }
        if (c < 0xF5) {
            int lo = c == 0xF0 ? 0x90 : 0x80; // F0 80..8F: overlong
            int hi = c == 0xF4 ? 0x8F : 0xBF; // F4 90..: beyond U+10FFFF
            return i + 3 < to && inRange(b[i + 1], lo, hi) && isContinuation(b[i + 2]) && isContinuation(b[i + 3]) ? 4 : 0;
        }
        return 0; // F5..FF never occur in UTF-8
    }

    private static boolean isContinuation(byte x) {
        return (x & 0xC0) == 0x80;
    }

    private static boolean inRange(byte x, int lo, int hi) {
        int v = x & 0xff;
        return v >= lo && v <= hi;
    }

    /**
     * What is wrong with the ill-formed sequence at {@code b[i]} (as {@link #firstInvalid} found it), for
     * an error message: its bytes in hex and the reason, e.g. {@code "C3 28 (a lead byte not followed by
     * enough continuation bytes)"}.
     */
    static String describe(byte[] b, int i, int to) {
        int c = b[i] & 0xff;
        int need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        StringBuilder hex = new StringBuilder();
        for (int k = i; k < Math.min(to, i + Math.max(need, 1)); k++) {
            if (k > i) {
                hex.append(' ');
            }
            hex.append(String.format("%02X", b[k] & 0xff));
        }
        String why;
        if (c >= 0x80 && c < 0xC0) {
            why = "a continuation byte without a lead byte";
        } else if (c == 0xC0 || c == 0xC1) {
            why = "an overlong encoding";
        } else if (c >= 0xF5) {
            why = "a byte that never occurs in UTF-8";
        } else if (i + 1 < to && isContinuation(b[i + 1]) && (c == 0xE0 || c == 0xED || c == 0xF0 || c == 0xF4)
                && !inRange(b[i + 1], c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80, c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF)) {
            why = c == 0xED ? "an encoded surrogate (U+D800 to U+DFFF)" : c == 0xF4 ? "a code point beyond U+10FFFF"
                    : "an overlong encoding";
        } else if (i + need > to && allContinuations(b, i + 1, to)) {
            why = "a sequence cut short by the end of the field";
        } else {
            why = "a lead byte not followed by enough continuation bytes";
        }
        return hex + " (" + why + ")";
    }

    private static boolean allContinuations(byte[] b, int from, int to) {
        for (int k = from; k < to; k++) {
            if (!isContinuation(b[k])) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code b[from, to)} with each maximal ill-formed subpart replaced by U+FFFD (the practice Unicode
     * recommends, and what {@link String#String(byte[], java.nio.charset.Charset)} does), as UTF-8.
     */
    static byte[] replaced(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
    }
}
