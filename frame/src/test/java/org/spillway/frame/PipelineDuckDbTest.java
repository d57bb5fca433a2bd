package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DuckDB as the oracle for scan / filter / derived columns / limit over random CSV data with
 * nulls, skewed and unicode strings, under a budget small enough that collecting spills; the same
 * at parallelism 1 and 2.
 */
class PipelineDuckDbTest {
    @TempDir
    static Path dir;
    static Path csv;
    static final int ROWS = 200_000;

    @BeforeAll
    static void writeData() throws Exception {
        csv = dir.resolve("random.csv");
        SplittableRandom r = new SplittableRandom(7);
        String[] words = {"alpha", "Beta", "γάμμα", "d", "日本語", "e e", "k1", "zz"};
        try (BufferedWriter w = Files.newBufferedWriter(csv)) {
            w.write("id,k,a,x,b\n");
            for (int i = 0; i < ROWS; i++) {
                String k = r.nextInt(20) == 0 ? "" : r.nextInt(2) == 0 ? "k1" : words[r.nextInt(words.length)] + r.nextInt(1 + r.nextInt(500));
                String a = r.nextInt(10) == 0 ? "" : Integer.toString(r.nextInt(-1000, 1000));
                String x = r.nextInt(15) == 0 ? "" : Double.toString(Math.round(r.nextDouble() * 1e6) / 1e6);
                String b = r.nextInt(30) == 0 ? "" : Boolean.toString(r.nextBoolean());
                w.write(i + "," + k + "," + a + "," + x + "," + b + "\n");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void filterDeriveCollectEqualsDuckDb(int parallelism) throws Exception {
        List<List<Object>> expected = duck("SELECT id, k, a * 2 + id AS y, x, length(k) AS len FROM read_csv('" + csv
                + "') WHERE x > 0.3 AND (k <> 'k1' OR a IS NULL) AND b IS NOT NULL ORDER BY id");
        long expectedCount = (Long) duck("SELECT count(*) FROM read_csv('" + csv + "') WHERE a < 0 OR k LIKE 'alpha%'").getFirst().getFirst();
        try (Spillway sw = Spillway.builder().memoryLimit("1m").parallelism(parallelism).spillDir(dir.resolve("spill"))
                .progress(false).build()) {
            DataFrame f = sw.readCsv(csv.toString());
            DataFrame q = f.filter(col("x").gt(0.3).and(col("k").neq("k1").or(col("a").isNull())).and(col("b").isNotNull()))
                    .withColumn("y", col("a").multiply(2).plus(col("id")))
                    .select(col("id"), col("k"), col("y"), col("x"), col("k").length().as("len"));
            DataFrame collected = q.collect();
            assertTrue(sw.spilledBytes() > 0, "collect under a 1 MB budget must spill: " + sw.memoryReport());
            assertEquals(expected.size(), collected.count());
            assertEquals(expected, normalize(collected.rows()));
            // a second query reads spilled chunks back
            assertEquals(expected.stream().filter(r -> (Long) r.getFirst() >= 100_000).count(),
                    collected.filter(col("id").geq(100_000)).count());
            assertEquals(expectedCount, f.filter(col("a").lt(0).or(col("k").startsWith("alpha"))).count());
            assertEquals(expected.subList(0, 25), normalize(q.limit(25).rows()));
        }
    }

    static List<List<Object>> normalize(List<Row> rows) {
        List<List<Object>> out = new ArrayList<>();
        for (Row r : rows) {
            List<Object> v = new ArrayList<>();
            for (Object o : r.values()) {
                v.add(norm(o));
            }
            out.add(v);
        }
        return out;
    }

    static Object norm(Object o) {
        return switch (o) {
            case Integer i -> (long) i;
            case Short s -> (long) s;
            case java.math.BigInteger b -> b.longValue();
            case Float f -> (double) f;
            case null, default -> o;
        };
    }

    static List<List<Object>> duck(String sql) throws Exception {
        List<List<Object>> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            int m = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Object[] v = new Object[m];
                for (int j = 0; j < m; j++) {
                    v[j] = norm(rs.getObject(j + 1));
                }
                out.add(Arrays.asList(v));
            }
        }
        return out;
    }
}
