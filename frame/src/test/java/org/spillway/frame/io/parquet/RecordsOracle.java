package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.spillway.frame.testkit.DuckOracle;

/**
 * Compares {@link ParquetRecords} rows with DuckDB's {@code to_json} of the same rows: DuckDB's JSON
 * is parsed into maps, lists, strings, numbers, booleans and nulls, and our values are brought into
 * the same form (numbers compared as numbers, dates, times and timestamps as DuckDB prints them with
 * the time zone UTC, map keys as text, struct and map key order kept).
 */
final class RecordsOracle {
    private RecordsOracle() {
    }

    /** Asserts that every row of {@code file} (projected on {@code columns}, all when null) is what DuckDB reads. */
    static void assertMatchesDuckDb(Path file, Set<String> columns) {
        List<Map<String, Object>> ours = ParquetRecords.read(file, columns);
        String select = columns == null ? "*"
                : ParquetRecords.schema(file).getFields().stream().map(f -> f.getName()).filter(columns::contains)
                        .map(n -> '"' + n.replace("\"", "\"\"") + '"').collect(Collectors.joining(", "));
        DuckOracle.execute("SET TimeZone = 'UTC'");
        List<List<Object>> theirs = DuckOracle.query("SELECT to_json(t)::VARCHAR FROM (SELECT " + select + " FROM read_parquet("
                + ParquetTestSupport.sqlPath(file) + ")) t");
        assertEquals(theirs.size(), ours.size(), "rows of " + file);
        for (int i = 0; i < ours.size(); i++) {
            Object expected = new Json((String) theirs.get(i).get(0)).value();
            same(expected, normalise(ours.get(i)), file.getFileName() + " row " + i);
        }
    }

    /** Our value in DuckDB's JSON form. */
    static Object normalise(Object v) {
        return switch (v) {
            case null -> null;
            case Map<?, ?> m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, x) -> out.put(String.valueOf(normalise(k)), normalise(x)));
                yield out;
            }
            case List<?> l -> {
                List<Object> out = new ArrayList<>();
                l.forEach(x -> out.add(normalise(x)));
                yield out;
            }
            case Integer i -> (long) i;
            case Short s -> (long) s;
            case Float f -> (double) f;
            case Instant t -> timestamp(LocalDateTime.ofInstant(t, ZoneOffset.UTC));
            case LocalDateTime t -> timestamp(t);
            case LocalDate d -> date(d);
            case LocalTime t -> t.toString().length() == 5 ? t + ":00" : t.toString();
            case byte[] b -> blob(b);
            default -> v;
        };
    }

    /** As DuckDB prints a date: at least four digits of year, no sign, {@code (BC)} after years before 1. */
    private static String date(LocalDate d) {
        int y = d.getYear();
        String s = String.format("%04d-%02d-%02d", y > 0 ? y : 1 - y, d.getMonthValue(), d.getDayOfMonth());
        return y > 0 ? s : s + " (BC)";
    }

    private static String timestamp(LocalDateTime t) {
        String s = date(t.toLocalDate()) + " " + String.format("%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond());
        if (t.getNano() != 0) {
            String f = String.format("%09d", t.getNano()).replaceAll("0+$", "");
            s += "." + f;
        }
        return s;
    }

    private static String blob(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            int c = x & 0xff;
            if (c >= 32 && c < 127 && c != '\\' && c != '"' && c != '\'') { // DuckDB's to_json escapes quotes in blobs
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02X", c));
            }
        }
        return sb.toString();
    }

    /** Asserts equality of a DuckDB JSON value and a normalised one of ours, with the path of a difference. */
    static void same(Object expected, Object actual, String where) {
        if (expected == null || actual == null) {
            if (expected != actual) {
                fail(where + ": expected " + expected + " but was " + actual);
            }
            return;
        }
        if (expected instanceof Map<?, ?> e) {
            if (!(actual instanceof Map<?, ?> a)) {
                fail(where + ": expected a map/struct " + expected + " but was " + actual);
                return;
            }
            assertEquals(new ArrayList<>(e.keySet()), new ArrayList<>(a.keySet()), where + ": keys");
            for (Object k : e.keySet()) {
                same(e.get(k), a.get(k), where + "." + k);
            }
            return;
        }
        if (expected instanceof List<?> e) {
            if (!(actual instanceof List<?> a)) {
                fail(where + ": expected a list " + expected + " but was " + actual);
                return;
            }
            assertEquals(e.size(), a.size(), where + ": list size of " + expected + " vs " + actual);
            for (int i = 0; i < e.size(); i++) {
                same(e.get(i), a.get(i), where + "[" + i + "]");
            }
            return;
        }
        if (expected instanceof Number e && actual instanceof Number a) {
            if ((e instanceof Long || e instanceof BigInteger) && (a instanceof Long || a instanceof BigInteger)) {
                assertEquals(new BigInteger(e.toString()), new BigInteger(a.toString()), where);
                return;
            }
            BigDecimal x = new BigDecimal(e.toString());
            BigDecimal y = a instanceof Double d ? BigDecimal.valueOf(d) : new BigDecimal(a.toString());
            if (x.compareTo(y) != 0 && Math.abs(x.doubleValue() - y.doubleValue()) > 1e-6 * Math.max(1, Math.abs(x.doubleValue()))) {
                fail(where + ": expected " + e + " but was " + a);
            }
            return;
        }
        if (expected instanceof String e && actual instanceof String a) {
            // DuckDB prints a TIMESTAMP WITH TIME ZONE with +00, INT96 files read as plain timestamps
            assertEquals(e.endsWith("+00") ? e.substring(0, e.length() - 3) : e, a, where);
            return;
        }
        assertEquals(expected, actual, where);
    }

    /** A small JSON parser: objects to LinkedHashMaps, arrays to lists, integers to Long/BigInteger, others to Double. */
    static final class Json {
        private final String s;
        private int p;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            ws();
            char c = s.charAt(p);
            switch (c) {
                case '{' -> {
                    p++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    ws();
                    if (s.charAt(p) == '}') {
                        p++;
                        return m;
                    }
                    while (true) {
                        ws();
                        String k = string();
                        ws();
                        expect(':');
                        m.put(k, value());
                        ws();
                        if (s.charAt(p++) == '}') {
                            return m;
                        }
                    }
                }
                case '[' -> {
                    p++;
                    List<Object> l = new ArrayList<>();
                    ws();
                    if (s.charAt(p) == ']') {
                        p++;
                        return l;
                    }
                    while (true) {
                        l.add(value());
                        ws();
                        if (s.charAt(p++) == ']') {
                            return l;
                        }
                    }
                }
                case '"' -> {
                    return string();
                }
                default -> {
                    if (s.startsWith("null", p)) {
                        p += 4;
                        return null;
                    }
                    if (s.startsWith("true", p)) {
                        p += 4;
                        return true;
                    }
                    if (s.startsWith("false", p)) {
                        p += 5;
                        return false;
                    }
                    int start = p;
                    while (p < s.length() && "+-0123456789.eE".indexOf(s.charAt(p)) >= 0) {
                        p++;
                    }
                    String n = s.substring(start, p);
                    if (n.contains(".") || n.contains("e") || n.contains("E")) {
                        return Double.parseDouble(n);
                    }
                    BigInteger b = new BigInteger(n);
                    return b.bitLength() < 64 ? (Object) b.longValue() : b;
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                char c = s.charAt(p++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c == '\\') {
                    char e = s.charAt(p++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'u' -> {
                            sb.append((char) Integer.parseInt(s.substring(p, p + 4), 16));
                            p += 4;
                        }
                        default -> sb.append(e);
                    }
                } else {
                    sb.append(c);
                }
            }
        }

        private void expect(char c) {
            if (s.charAt(p) != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + p + " of " + s);
            }
            p++;
        }

        private void ws() {
            while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
                p++;
            }
        }
    }
}
