package org.spillway.frame.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.spillway.spill.DataType;

class Utf8ValueParserTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static double dbl(String s) {
        byte[] x = b(s);
        return Utf8ValueParser.parseDouble(x, 0, x.length);
    }

    private static long lng(String s) {
        byte[] x = b(s);
        return Utf8ValueParser.parseLong(x, 0, x.length);
    }

    @Test
    void integersIncludingLimits() {
        assertEquals(0, lng("0"));
        assertEquals(-7, lng("-7"));
        assertEquals(7, lng("+007"));
        assertEquals(Long.MAX_VALUE, lng("9223372036854775807"));
        assertEquals(Utf8ValueParser.BAD_LONG, lng("9223372036854775808"));
        assertEquals(Utf8ValueParser.BAD_LONG, lng("-9223372036854775808"));
        assertTrue(Utf8ValueParser.isLongMin(b("-9223372036854775808"), 0, 20));
        assertEquals(Utf8ValueParser.BAD_LONG, lng("99999999999999999999999"));
        for (String bad : new String[] {"", "-", "+", "1.0", " 1", "1 ", "1e3", "0x10", "١"}) {
            assertEquals(Utf8ValueParser.BAD_LONG, lng(bad), bad);
        }
    }

    @Test
    void doublesAgreeWithTheJdkBitForBit() {
        Random rnd = new Random(3);
        for (int i = 0; i < 200_000; i++) {
            String s = switch (i % 4) {
                case 0 -> Double.toString(Double.longBitsToDouble(rnd.nextLong()));
                case 1 -> String.format("%.6f", rnd.nextDouble() * 1000);
                case 2 -> (rnd.nextInt(2000) - 1000) + "." + rnd.nextInt(1000) + "e" + (rnd.nextInt(40) - 20);
                default -> Long.toString(rnd.nextLong()) + "." + Long.toString(rnd.nextLong() & Long.MAX_VALUE);
            };
            if (s.contains("NaN") || s.contains("Infinity")) {
                continue;
            }
            assertEquals(Double.doubleToRawLongBits(Double.parseDouble(s)), Double.doubleToRawLongBits(dbl(s)), s);
        }
        assertEquals(0.1, dbl(".1"));
        assertEquals(1.0, dbl("1."));
        assertEquals(-0.0, dbl("-0"));
        assertEquals(1e300, dbl("1e300"));
        assertEquals(Double.POSITIVE_INFINITY, dbl("1e400"));
        assertEquals(Double.NEGATIVE_INFINITY, dbl("-inf"));
        assertEquals(Double.POSITIVE_INFINITY, dbl("Infinity"));
        assertTrue(Double.isNaN(dbl("NaN")) && Utf8ValueParser.isNaNLiteral(b("nan"), 0, 3));
        for (String bad : new String[] {"", ".", "e5", "1e", "1e+", "1.5f", "1d", "0x1p3", " 1", "1,5", "--1", "abc", "in"}) {
            assertTrue(Double.isNaN(dbl(bad)) && !Utf8ValueParser.isNaNLiteral(b(bad), 0, bad.length()), bad);
        }
    }

    @Test
    void datesForEveryDayOfFourCenturies() {
        for (long d = LocalDate.of(1800, 1, 1).toEpochDay(); d < LocalDate.of(2200, 1, 1).toEpochDay(); d++) {
            byte[] x = b(LocalDate.ofEpochDay(d).toString());
            assertEquals(d, Utf8ValueParser.parseDate(x, 0, x.length));
        }
        for (String bad : new String[] {"2023-02-29", "2024-13-01", "2024-00-10", "2024-01-32", "2024-1-01", "20240101",
            "2024/01/01"}) {
            assertEquals(Utf8ValueParser.BAD_DATE, Utf8ValueParser.parseDate(b(bad), 0, bad.length()), bad);
        }
    }

    @Test
    void timestamps() {
        String[][] cases = {
            {"2024-03-04T05:06:07Z", "2024-03-04T05:06:07Z"},
            {"2024-03-04 05:06:07", "2024-03-04T05:06:07Z"},
            {"2024-03-04T05:06:07.5", "2024-03-04T05:06:07.500Z"},
            {"2024-03-04T05:06:07.123456789Z", "2024-03-04T05:06:07.123456Z"},
            {"2024-03-04T05:06:07+02:00", "2024-03-04T03:06:07Z"},
            {"2024-03-04T05:06:07-0130", "2024-03-04T06:36:07Z"},
            {"2024-03-04T05:06:07+05", "2024-03-04T00:06:07Z"},
            {"1969-12-31T23:59:59.999999Z", "1969-12-31T23:59:59.999999Z"},
            {"2024-03-04", "2024-03-04T00:00:00Z"},
        };
        for (String[] c : cases) {
            long micros = Utf8ValueParser.parseTimestamp(b(c[0]), 0, c[0].length());
            assertEquals(Instant.parse(c[1]), Instant.EPOCH.plus(micros, ChronoUnit.MICROS), c[0]);
        }
        Random rnd = new Random(5);
        for (int i = 0; i < 10_000; i++) {
            Instant t = Instant.EPOCH.plus(rnd.nextLong() % 3_000_000_000_000_000L, ChronoUnit.MICROS);
            String s = OffsetDateTime.ofInstant(t, java.time.ZoneOffset.ofHours(rnd.nextInt(25) - 12)).toString();
            long micros = Utf8ValueParser.parseTimestamp(b(s), 0, s.length());
            assertEquals(t, Instant.EPOCH.plus(micros, ChronoUnit.MICROS), s);
        }
        for (String bad : new String[] {"2024-03-04T", "2024-03-04T25:00:00", "2024-03-04T05:06", "2024-03-04T05:06:07.",
            "2024-03-04T05:06:07X", "2024-03-04T05:06:07+2", "2024-03-04x05:06:07"}) {
            assertEquals(Utf8ValueParser.BAD_TIMESTAMP, Utf8ValueParser.parseTimestamp(b(bad), 0, bad.length()), bad);
        }
    }

    @Test
    void classifyAndUnify() {
        String[][] cases = {
            {"1", "int32"}, {"-2147483648", "int32"}, {"2147483648", "int64"}, {"99999999999999999999", "string"},
            {"1.5", "float64"}, {"1e5", "float64"}, {"NaN", "float64"}, {"-inf", "float64"}, {"true", "bool"},
            {"FALSE", "bool"}, {"2024-01-02", "date"}, {"2024-01-02T03:04:05Z", "timestamp"}, {"2024-01-32", "string"},
            {"abc", "string"}, {"1,5", "string"}, {"t", "string"}, {"-", "string"}, {"12:30", "string"},
        };
        for (String[] c : cases) {
            assertEquals(DataType.parse(c[1]), Utf8ValueParser.classify(b(c[0]), 0, c[0].length()), c[0]);
        }
        assertEquals(DataType.INT64, Utf8ValueParser.unify(DataType.INT32, DataType.INT64));
        assertEquals(DataType.FLOAT64, Utf8ValueParser.unify(DataType.INT64, DataType.FLOAT64));
        assertEquals(DataType.TIMESTAMP, Utf8ValueParser.unify(DataType.DATE, DataType.TIMESTAMP));
        assertEquals(DataType.STRING, Utf8ValueParser.unify(DataType.BOOL, DataType.INT32));
        assertEquals(DataType.STRING, Utf8ValueParser.unify(DataType.DATE, DataType.INT32));
        assertEquals(DataType.BOOL, Utf8ValueParser.unify(null, DataType.BOOL));
    }
}
