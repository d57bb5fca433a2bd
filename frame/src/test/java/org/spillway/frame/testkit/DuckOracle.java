package org.spillway.frame.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Row;

/**
 * DuckDB as the test oracle: runs SQL and turns both DuckDB's and Spillway's values into one
 * comparable form, and compares result sets as ordered lists or as multisets.
 *
 * <p>Normal form ({@link #normalise(Object)}): every integral number (Byte, Short, Integer, Long,
 * BigInteger or a HUGEINT within the long range) becomes a {@link Long}; Float, Double and
 * BigDecimal (DuckDB's DECIMAL, e.g. of a literal such as {@code 1.5}) become a {@link Double};
 * dates become {@link LocalDate}; timestamps become an {@link Instant} (DuckDB's TIMESTAMP has no
 * zone and Spillway's timestamps are UTC instants; Spillway's timestamp_ntz values, LocalDateTime, too);
 * times become {@link java.time.LocalTime}; binary values (byte[], DuckDB's BLOB) become lower-case hex
 * strings; strings, booleans and null stay as they are.
 * A HUGEINT outside the long range stays a BigInteger, so a mismatch shows the value.
 *
 * <p>One in-memory DuckDB connection serves the whole test JVM (opening one per query costs more
 * than most queries); {@link #query(String)} is synchronized because a JDBC connection is not
 * meant for concurrent statements.
 */
public final class DuckOracle {
    /** The relative tolerance {@link #assertSameRows(List, List)} allows between doubles. */
    public static final double TOLERANCE = 1e-9;

    private static Connection connection;

    private DuckOracle() {
    }

    private static synchronized Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection("jdbc:duckdb:");
        }
        return connection;
    }

    /** Runs a statement that returns no rows ({@code COPY ... TO}, {@code CREATE ...}). */
    public static synchronized void execute(String sql) {
        try (Statement st = connection().createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError("DuckDB failed on: " + sql + "\n" + e.getMessage(), e);
        }
    }

    /** The rows of {@code sql}, each value {@linkplain #normalise(Object) normalised}. */
    public static synchronized List<List<Object>> query(String sql) {
        List<List<Object>> out = new ArrayList<>();
        try (Statement st = connection().createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int m = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>(m);
                for (int j = 1; j <= m; j++) {
                    row.add(normalise(rs.getObject(j)));
                }
                out.add(row);
            }
        } catch (SQLException e) {
            throw new AssertionError("DuckDB failed on: " + sql + "\n" + e.getMessage(), e);
        }
        return out;
    }

    /** The only row of {@code sql}. */
    public static List<Object> queryRow(String sql) {
        List<List<Object>> rows = query(sql);
        assertEquals(1, rows.size(), "rows of " + sql);
        return rows.getFirst();
    }

    /** The only value of {@code sql} (normalised). */
    public static Object scalar(String sql) {
        List<Object> row = queryRow(sql);
        assertEquals(1, row.size(), "columns of " + sql);
        return row.getFirst();
    }

    /** The only value of {@code sql} as a long (for counts and integral sums). */
    public static long scalarLong(String sql) {
        return ((Number) scalar(sql)).longValue();
    }

    /** One value, from DuckDB's JDBC driver or from a Spillway {@link Row}, in normal form. */
    public static Object normalise(Object o) {
        return switch (o) {
            case null -> null;
            case Byte b -> (long) b;
            case Short s -> (long) s;
            case Integer i -> (long) i;
            case Long l -> l;
            case BigInteger b -> b.bitLength() < 64 ? (Object) b.longValue() : b;
            case Float f -> (double) f;
            case Double d -> d;
            case BigDecimal d -> d.doubleValue();
            case java.sql.Date d -> d.toLocalDate();
            case java.sql.Timestamp t -> t.toLocalDateTime().toInstant(ZoneOffset.UTC);
            case LocalDateTime t -> t.toInstant(ZoneOffset.UTC);
            case OffsetDateTime t -> t.toInstant();
            case java.sql.Time t -> t.toLocalTime();
            case byte[] b -> HexFormat.of().formatHex(b);
            case java.sql.Blob b -> {
                try {
                    yield HexFormat.of().formatHex(b.getBytes(1, (int) b.length()));
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
            default -> o;
        };
    }

    /** Each row's values in normal form. */
    public static List<List<Object>> normalise(List<Row> rows) {
        List<List<Object>> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            List<Object> v = new ArrayList<>(r.size());
            for (int i = 0; i < r.size(); i++) {
                v.add(normalise(r.get(i)));
            }
            out.add(v);
        }
        return out;
    }

    /** The rows of {@code df} (which runs it) in normal form. */
    public static List<List<Object>> rows(DataFrame df) {
        return normalise(df.rows());
    }

    /**
     * Asserts equal rows as multisets (order ignored), doubles within a relative
     * {@link #TOLERANCE}: for group by and join results, whose order neither side defines.
     */
    public static void assertSameRows(List<List<Object>> expected, List<List<Object>> actual) {
        assertSameRows(expected, actual, TOLERANCE);
    }

    /** {@link #assertSameRows(List, List)} with a given relative tolerance (0 for exact doubles). */
    public static void assertSameRows(List<List<Object>> expected, List<List<Object>> actual, double tolerance) {
        assertSameOrderedRows(sorted(expected), sorted(actual), tolerance);
    }

    /** Asserts equal rows in the same order, doubles within a relative {@link #TOLERANCE}. */
    public static void assertSameOrderedRows(List<List<Object>> expected, List<List<Object>> actual) {
        assertSameOrderedRows(expected, actual, TOLERANCE);
    }

    /** {@link #assertSameOrderedRows(List, List)} with a given relative tolerance. */
    public static void assertSameOrderedRows(List<List<Object>> expected, List<List<Object>> actual, double tolerance) {
        assertEquals(expected.size(), actual.size(), "row count");
        for (int i = 0; i < expected.size(); i++) {
            List<Object> e = expected.get(i);
            List<Object> a = actual.get(i);
            if (e.size() != a.size()) {
                fail("row " + i + " has " + a.size() + " columns, DuckDB's " + e.size() + ": DuckDB " + e + "\nSpillway " + a);
            }
            for (int j = 0; j < e.size(); j++) {
                if (!same(e.get(j), a.get(j), tolerance)) {
                    fail("row " + i + " column " + j + ": DuckDB " + e + "\nSpillway " + a);
                }
            }
        }
    }

    /**
     * Whether two values are equal once normalised, doubles within a relative {@code tolerance}
     * (NaN equals NaN, as both engines group NaN as one value).
     */
    public static boolean same(Object expected, Object actual, double tolerance) {
        Object e = normalise(expected);
        Object a = normalise(actual);
        if (e instanceof Double x && a instanceof Double y) {
            if (x.isNaN() || y.isNaN()) {
                return x.isNaN() && y.isNaN();
            }
            if (x.equals(y)) {
                return true; // also equal infinities, where the difference below is NaN
            }
            return Math.abs(x - y) <= tolerance * Math.max(1, Math.max(Math.abs(x), Math.abs(y)));
        }
        return Objects.equals(e, a);
    }

    /** {@link #same(Object, Object, double)} with the default {@link #TOLERANCE}. */
    public static boolean same(Object expected, Object actual) {
        return same(expected, actual, TOLERANCE);
    }

    /**
     * The rows in a canonical order (nulls first, numbers by value, anything else by its text),
     * so that two multisets line up row by row. Numbers compare by value, not by text, so that two
     * doubles within the tolerance of each other still sort next to each other.
     */
    public static List<List<Object>> sorted(List<List<Object>> rows) {
        List<List<Object>> out = new ArrayList<>(rows.size());
        for (List<Object> r : rows) {
            List<Object> n = new ArrayList<>(r.size());
            for (Object o : r) {
                n.add(normalise(o));
            }
            out.add(n);
        }
        out.sort(ROW_ORDER);
        return out;
    }

    private static final Comparator<Object> VALUE_ORDER = (x, y) -> {
        if (x == null || y == null) {
            return x == null ? (y == null ? 0 : -1) : 1;
        }
        if (x instanceof Long a && y instanceof Long b) {
            return Long.compare(a, b); // exact beyond 2^53, unlike doubles
        }
        if (x instanceof Number a && y instanceof Number b) {
            return Double.compare(a.doubleValue(), b.doubleValue());
        }
        if (x instanceof Number != y instanceof Number) {
            return x instanceof Number ? -1 : 1;
        }
        return x.toString().compareTo(y.toString());
    };

    private static final Comparator<List<Object>> ROW_ORDER = (r, s) -> {
        int n = Math.min(r.size(), s.size());
        for (int i = 0; i < n; i++) {
            int c = VALUE_ORDER.compare(r.get(i), s.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(r.size(), s.size());
    };
}
