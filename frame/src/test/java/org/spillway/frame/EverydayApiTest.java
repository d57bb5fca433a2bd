package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.max;
import static org.spillway.frame.Functions.sum;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.frame.testkit.TestData;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * The everyday frame API of a Spark or Polars user, against DuckDB where it has the same operation: missing values
 * ({@code na().fill}, {@code na().drop}, {@code isNaN}), {@code pivot} and {@code unpivot} (DuckDB's {@code PIVOT} and
 * {@code UNPIVOT}), {@code sample}, and the aliases {@code cache}, {@code persist}, {@code printSchema}.
 */
@SpillwayTest(memoryLimit = "64m")
class EverydayApiTest {
    @TempDir
    static Path dir;
    static TestData.Table table;
    static String src;
    SpillwaySessions sessions;

    @BeforeAll
    static void writeData() {
        table = TestData.groupBy(dir);
        src = table.scan();
    }

    static final Schema NUMS = Schema.of(new Field("id", DataType.INT64), new Field("i", DataType.INT32),
            new Field("d", DataType.FLOAT64), new Field("s", DataType.STRING));

    static DataFrame numbers(Spillway sw) {
        return sw.createDataFrame(NUMS, List.of(
                new Object[] {1L, 1, 1.5, "a"},
                new Object[] {2L, null, Double.NaN, null},
                new Object[] {3L, 3, null, "c"},
                new Object[] {4L, null, null, null},
                new Object[] {5L, 5, Double.POSITIVE_INFINITY, ""}));
    }

    @Test
    void fillReplacesNullsAndNaNWhereTheValueApplies(Spillway sw) {
        DataFrame f = numbers(sw);
        assertEquals(List.of(List.of(1L, 1, 1.5, "a"), Arrays.asList(2L, 0, 0.0, null), Arrays.asList(3L, 3, 0.0, "c"),
                Arrays.asList(4L, 0, 0.0, null), List.of(5L, 5, Double.POSITIVE_INFINITY, "")), values(f.na().fill(0)));
        // a fractional fill converts to the integer column's type, as a cast would (Spark's rule)
        assertEquals(Arrays.asList(2L, 2, 2.5, null), values(f.na().fill(2.5)).get(1));
        assertEquals(Arrays.asList(2L, null, Double.NaN, "?"), values(f.na().fill("?")).get(1));
        assertEquals(Arrays.asList(4L, 9, null, "z"), values(f.fillna(Map.of("i", 9, "s", "z"))).get(3));
        assertEquals(Arrays.asList(4L, 7, null, null), values(f.fillna(7, "i")).get(3));
        assertEquals(f.columns(), f.na().fill(0).columns());
        SpillwayException e = assertThrows(SpillwayException.class, () -> f.na().fill("x", "i"));
        assertTrue(e.getMessage().contains("'i' (int32)"), e.getMessage());
        assertThrows(ColumnNotFoundException.class, () -> f.na().fill(0, "nope"));
    }

    @Test
    void dropRemovesRowsWithMissingValues(Spillway sw) {
        DataFrame f = numbers(sw);
        assertEquals(List.of(1L, 5L), ids(f.na().drop()));
        assertEquals(List.of(1L, 5L), ids(f.dropna()));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), ids(f.na().drop("all"))); // id is never missing
        assertEquals(List.of(1L, 3L, 5L), ids(f.na().drop("all", "i", "d")));
        assertEquals(List.of(1L, 3L, 5L), ids(f.dropna("any", "i")));
        assertEquals(List.of(1L, 3L, 5L), ids(f.na().drop(3))); // id, i and something else present
        assertEquals(List.of(1L, 3L, 5L), ids(f.na().drop(2, "i", "d", "s")));
        assertEquals(List.of(1L, 5L), ids(f.na().drop(3, "i", "d", "s")));
        SpillwayException e = assertThrows(SpillwayException.class, () -> f.na().drop("i"));
        assertTrue(e.getMessage().contains("\"any\" or \"all\""), e.getMessage());
    }

    @Test
    void fillAndDropMatchDuckDbOnRandomData(Spillway sw) {
        DataFrame f = table.read(sw);
        DuckOracle.assertSameRows(DuckOracle.query("SELECT rn, coalesce(k_int, -1), k_str, k_long, "
                + "CASE WHEN k_dbl IS NULL OR isnan(k_dbl) THEN -1 ELSE k_dbl END, k_bool, k_date, coalesce(v_int, -1), "
                + "CASE WHEN v_dbl IS NULL OR isnan(v_dbl) THEN -1 ELSE v_dbl END FROM " + src),
                DuckOracle.rows(f.na().fill(-1).collect()));
        DuckOracle.assertSameRows(DuckOracle.query("SELECT * FROM " + src + " WHERE k_int IS NOT NULL AND k_str IS NOT NULL"
                + " AND k_dbl IS NOT NULL AND k_bool IS NOT NULL AND v_int IS NOT NULL AND v_dbl IS NOT NULL"),
                DuckOracle.rows(f.na().drop().collect()));
        assertEquals(DuckOracle.scalarLong("SELECT count(*) FROM " + src + " WHERE k_int IS NOT NULL OR v_int IS NOT NULL"),
                f.na().drop("all", "k_int", "v_int").count());
        assertEquals(DuckOracle.scalarLong("SELECT count(*) FROM " + src + " WHERE isnan(v_dbl)"),
                f.filter(col("v_dbl").isNaN()).count());
    }

    @Test
    void isNaNIsFalseForIntegersAndNullForNull(Spillway sw) {
        List<List<Object>> got = values(numbers(sw).select(col("d").isNaN().as("dn"), col("i").isNaN().as("in")));
        assertEquals(Arrays.asList(false, false), got.get(0));
        assertEquals(Arrays.asList(true, null), got.get(1));
        assertEquals(Arrays.asList(null, false), got.get(2));
        assertEquals(Arrays.asList(false, false), got.get(4));
        assertThrows(SpillwayException.class, () -> numbers(sw).select(col("s").isNaN()).collect());
    }

    @Test
    void pivotMatchesDuckDbsPivot(Spillway sw) {
        DataFrame f = table.read(sw);
        // one aggregate, values given: columns named after the values
        DataFrame p = f.groupBy("k_bool").pivot("k_int", List.of(7, 1, -3)).agg(sum("v_int"));
        assertEquals(List.of("k_bool", "7", "1", "-3"), p.columns());
        DuckOracle.assertSameRows(DuckOracle.query("PIVOT (SELECT k_bool, k_int, v_int FROM " + src + ") ON k_int IN (7, 1, -3) "
                + "USING sum(v_int) GROUP BY k_bool"), DuckOracle.rows(p.collect()));
        // several aggregates: <value>_<alias>, as DuckDB names them too
        DataFrame q = f.groupBy("k_bool").pivot("k_int", List.of(7, 1)).agg(count().as("n"), max("v_dbl").as("m"));
        assertEquals(List.of("k_bool", "7_n", "7_m", "1_n", "1_m"), q.columns());
        DuckOracle.assertSameRows(DuckOracle.query("PIVOT (SELECT k_bool, k_int, v_dbl FROM " + src + ") ON k_int IN (7, 1) "
                + "USING count(*) AS n, max(v_dbl) AS m GROUP BY k_bool"), DuckOracle.rows(q.collect()));
        // values found by a query, sorted: DuckDB's PIVOT without IN does the same
        DataFrame all = f.filter(col("k_int").isNotNull()).groupBy("k_bool").pivot("k_int").count();
        // (DuckDB orders the values it finds as text; Spark, and Spillway, by value: so the IN list comes from ours)
        List<Object> found = f.filter(col("k_int").isNotNull()).select("k_int").distinct().sort("k_int").column("k_int");
        assertEquals(found.stream().map(String::valueOf).toList(), all.columns().subList(1, all.columns().size()));
        List<List<Object>> want = DuckOracle.query("PIVOT (SELECT k_bool, k_int FROM " + src + " WHERE k_int IS NOT NULL) ON k_int IN ("
                + String.join(", ", found.stream().map(String::valueOf).toList()) + ") USING count(*) GROUP BY k_bool");
        DuckOracle.assertSameRows(want, DuckOracle.rows(all.collect()));
        // a null value collects the rows where the column is null; no keys is one row
        DataFrame nulls = f.groupBy(new String[0]).pivot("k_int", Arrays.asList(7, null)).count();
        assertEquals(List.of("7", "null"), nulls.columns());
        assertEquals(List.of(DuckOracle.scalarLong("SELECT count(*) FROM " + src + " WHERE k_int = 7"),
                DuckOracle.scalarLong("SELECT count(*) FROM " + src + " WHERE k_int IS NULL")), values(nulls).getFirst());
        assertThrows(SpillwayException.class, () -> f.groupBy("k_int").pivot("k_int", List.of(1)));
        assertThrows(SpillwayException.class, () -> f.groupBy("k_bool").pivot("k_int", List.of(1, 1)));
        assertThrows(ColumnNotFoundException.class, () -> f.groupBy("k_bool").pivot("nope", List.of(1)));
    }

    @Test
    void unpivotMatchesDuckDbsUnpivotInRowOrder(Spillway sw) {
        DataFrame f = table.read(sw).select("rn", "k_int", "v_int", "k_dbl");
        DataFrame u = f.unpivot(List.of("rn"), List.of("v_int", "k_int", "k_dbl"), "name", "value");
        assertEquals(List.of("rn", "name", "value"), u.columns());
        assertEquals(DataType.FLOAT64, u.schema().type(2)); // ints widen to float64 beside a float64
        List<List<Object>> want = DuckOracle.query("SELECT rn, name, value FROM (SELECT rn, v_int::DOUBLE AS v_int, k_int::DOUBLE AS k_int, "
                + "k_dbl FROM " + src + ") UNPIVOT INCLUDE NULLS (value FOR name IN (v_int, k_int, k_dbl)) ORDER BY rn, "
                + "CASE name WHEN 'v_int' THEN 0 WHEN 'k_int' THEN 1 ELSE 2 END");
        DuckOracle.assertSameOrderedRows(want, DuckOracle.rows(u.collect()));
        DataFrame melted = f.select("rn", "k_int", "v_int").melt(List.of("rn"), List.of("k_int", "v_int"), "name", "value");
        assertEquals(2 * f.count(), melted.count());
        assertEquals(List.of("rn", "variable", "value"), f.select("rn", "v_int").unpivot(List.of("rn"), "variable", "value").columns());
        SpillwayException e = assertThrows(SpillwayException.class,
                () -> table.read(sw).unpivot(List.of("rn"), List.of("k_str", "v_int"), "n", "v"));
        assertTrue(e.getMessage().contains("share a type"), e.getMessage());
        assertThrows(SpillwayException.class, () -> f.unpivot(List.of("rn"), List.of("v_int"), "rn", "v"));
    }

    @Test
    void sampleKeepsAboutTheFractionTheSameAtAnyParallelism() {
        List<Long> first = null;
        for (int p : new int[] {1, 2}) {
            Spillway sw = sessions.open("64m", p, 4096);
            DataFrame f = table.read(sw).select("rn").collect();
            long n = f.count();
            DataFrame s = f.sample(0.3, 42);
            List<Long> rns = s.rows().stream().map(r -> r.getLong("rn")).toList();
            double sd = Math.sqrt(n * 0.3 * 0.7);
            assertTrue(Math.abs(rns.size() - 0.3 * n) < 5 * sd, rns.size() + " of " + n);
            for (int i = 1; i < rns.size(); i++) {
                assertTrue(rns.get(i - 1) < rns.get(i), "input order");
            }
            assertEquals(f.randomSplit(new double[] {0.3, 0.7}, 42)[0].count(), rns.size());
            if (first == null) {
                first = rns;
            } else {
                assertEquals(first, rns, "the same sample at parallelism 1 and 2");
            }
            assertEquals(0, f.sample(0, 1).count());
            assertEquals(n, f.sample(1, 1).count());
            assertThrows(SpillwayException.class, () -> f.sample(1.5, 1));
        }
    }

    @Test
    void cachePersistAndPrintSchemaAreTheAliasesSparkUsersExpect(Spillway sw) {
        DataFrame f = numbers(sw).filter(col("id").gt(1));
        assertTrue(f.cache().isCollected());
        assertTrue(f.persist().isCollected());
        assertEquals("root\n |-- id: int64 (nullable = true)\n |-- i: int32 (nullable = true)\n |-- d: float64 (nullable = true)\n"
                + " |-- s: string (nullable = true)\n", f.schemaString());
    }

    @Test
    void invalidUtf8IsAnErrorByDefaultAndCountedInTheSessionWhenReplaced(Spillway sw) throws java.io.IOException {
        Path f = dir.resolve("bad-utf8.csv");
        java.nio.file.Files.write(f, new byte[] {'i', 'd', ',', 's', '\n', '1', ',', 'c', 'a', 'f', (byte) 0xC3, '(', '\n',
            '2', ',', 'o', 'k', '\n'});
        org.spillway.frame.io.CsvFormatException e = assertThrows(org.spillway.frame.io.CsvFormatException.class,
                () -> sw.readCsv(f.toString()).collect());
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("bad-utf8.csv"), e.getMessage());
        DataFrame d = sw.readCsv(f, org.spillway.frame.io.CsvOptions.defaults().invalidUtf8(org.spillway.frame.io.InvalidUtf8Policy.REPLACE));
        assertEquals(List.of("caf\uFFFD(", "ok"), d.column("s"));
        assertEquals(1L, sw.counters().get("csv.invalidUtf8Replaced"));
    }

    private static List<List<Object>> values(DataFrame f) {
        List<List<Object>> out = new ArrayList<>();
        for (Row r : f.rows()) {
            List<Object> row = new ArrayList<>();
            for (int i = 0; i < f.columns().size(); i++) {
                row.add(r.get(i));
            }
            out.add(row);
        }
        return out;
    }

    private static List<Long> ids(DataFrame f) {
        return f.rows().stream().map(r -> r.getLong("id")).toList();
    }
}
