package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.vector.ColumnVector;

/** Reads a source to rows and compares with DuckDB. */
final class ParquetTestSupport {
    private ParquetTestSupport() {
    }

    private static java.sql.Connection connection;

    /** Runs a statement that returns no rows (COPY, CREATE) on a DuckDB connection of these tests. */
    static synchronized void exec(String sql) {
        try {
            if (connection == null) {
                connection = java.sql.DriverManager.getConnection("jdbc:duckdb:");
            }
            try (java.sql.Statement st = connection.createStatement()) {
                st.execute(sql);
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError("DuckDB failed on: " + sql + "\n" + e.getMessage(), e);
        }
    }

    static Path resource(String name) {
        try {
            return Path.of(ParquetTestSupport.class.getResource("/parquet-testing/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static int[] all(Schema s) {
        int[] p = new int[s.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
        }
        return p;
    }

    /** Every row of the projection, values normalised as DuckOracle does; counters summed into {@code counts}. */
    static List<List<Object>> read(ParquetSource src, int[] projection, int chunkRows, Map<String, Long> counts) {
        List<List<Object>> rows = new ArrayList<>();
        try (MemoryBudget budget = new MemoryBudget(1L << 30)) {
            try (ParquetRowGroupReader r = src.newReader(projection, chunkRows, budget)) {
                for (RowGroupRef rg : src.rowGroups()) {
                    r.read(rg, null, (k, v) -> counts.merge(k, v, Long::sum), chunk -> {
                        try (Chunk c = chunk) {
                            if (c.rows() > chunkRows) {
                                throw new AssertionError("chunk of " + c.rows() + " rows > " + chunkRows);
                            }
                            for (int i = 0; i < c.rows(); i++) {
                                List<Object> row = new ArrayList<>(c.columnCount());
                                for (int j = 0; j < c.columnCount(); j++) {
                                    ColumnVector v = c.column(j);
                                    row.add(DuckOracle.normalise(v.getObject(i)));
                                }
                                rows.add(row);
                            }
                        }
                    });
                }
            }
            assertEquals(0, budget.used(), "memory left reserved after reading");
        }
        return rows;
    }

    static List<List<Object>> read(ParquetSource src, int chunkRows) {
        return read(src, all(src.schema()), chunkRows, new TreeMap<>());
    }

    /** DuckDB's rows of {@code sql}, UUIDs as text. */
    static List<List<Object>> duck(String sql) {
        List<List<Object>> rows = DuckOracle.query(sql);
        for (List<Object> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                if (r.get(i) instanceof UUID u) {
                    r.set(i, u.toString());
                }
            }
        }
        return rows;
    }

    /** The columns of {@code s} as a DuckDB select list. */
    static String selectList(Schema s) {
        StringBuilder sb = new StringBuilder();
        for (String n : s.names()) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append('"').append(n.replace("\"", "\"\"")).append('"');
        }
        return sb.toString();
    }

    static String sqlPath(Path p) {
        return "'" + p.toAbsolutePath().toString().replace("'", "''") + "'";
    }

    /** Asserts that Spillway decodes {@code file} as DuckDB reads it (every value, nulls included, in order). */
    static void assertSameAsDuckDb(Path file, int chunkRows) {
        ParquetSource src = ParquetSource.open(file.toString());
        List<List<Object>> ours = read(src, chunkRows);
        assertEquals(src.rows(), ours.size(), "rows of " + file);
        assertEquals(DuckOracle.scalarLong("SELECT count(*) FROM read_parquet(" + sqlPath(file) + ")"), ours.size(), "rows of " + file);
        if (src.schema().size() == 0) {
            return;
        }
        List<List<Object>> theirs = duck("SELECT " + selectList(src.schema()) + " FROM read_parquet(" + sqlPath(file) + ")");
        DuckOracle.assertSameOrderedRows(theirs, ours, 0);
    }

    /**
     * {@link #assertSameAsDuckDb} for a file with columns DuckDB cannot decode: those ({@code duckCannot})
     * are compared with the columns {@code sameAs} names instead, which hold the same values.
     */
    static void assertSameAsDuckDbExcept(Path file, int chunkRows, java.util.Map<String, String> sameAs) {
        ParquetSource src = ParquetSource.open(file.toString());
        List<List<Object>> ours = read(src, chunkRows);
        Schema s = src.schema();
        List<String> duckColumns = s.names().stream().filter(n -> !sameAs.containsKey(n)).toList();
        int[] keep = duckColumns.stream().mapToInt(s::indexOf).toArray();
        List<List<Object>> oursKept = ours.stream().map(r -> java.util.Arrays.stream(keep).mapToObj(r::get).toList()).toList();
        List<List<Object>> theirs = duck("SELECT " + selectList(s.select(keep)) + " FROM read_parquet(" + sqlPath(file) + ")");
        DuckOracle.assertSameOrderedRows(theirs, oursKept, 0);
        for (var e : sameAs.entrySet()) {
            int a = s.indexOf(e.getKey());
            int b = s.indexOf(e.getValue());
            for (List<Object> r : ours) {
                assertEquals(DuckOracle.normalise(r.get(b)), DuckOracle.normalise(r.get(a)), e.getKey() + " vs " + e.getValue());
            }
        }
    }
}
