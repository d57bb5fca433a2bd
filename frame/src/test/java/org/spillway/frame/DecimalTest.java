package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.lit;
import static org.spillway.frame.Functions.max;
import static org.spillway.frame.Functions.mean;
import static org.spillway.frame.Functions.min;
import static org.spillway.frame.Functions.sum;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.io.CsvOptions;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;

/**
 * Decimals of every precision and Parquet representation: read exactly as DuckDB reads them (compared
 * as text at their scale, so nothing passes through a double), written so that DuckDB reads the same,
 * filtered exactly (also against literals between two representable values), grouped, summed, sorted,
 * pruned by statistics, and written to CSV at their scale.
 */
@SpillwayTest
class DecimalTest {
    @TempDir
    static Path dir;
    static Path duckFile;

    private static final String[] COLUMNS = {"d4_2", "d9_0", "d18_6", "d20_0", "d38_10", "k"};

    @BeforeAll
    static void write() {
        duckFile = dir.resolve("dec.parquet");
        // values spread over the whole range of each type (its extremes included), negatives, nulls, several row groups
        DuckOracle.execute("COPY (SELECT i AS id,"
                + " CASE WHEN i % 11 = 0 THEN NULL WHEN i % 97 = 1 THEN 99.99 WHEN i % 97 = 2 THEN -99.99"
                + "   ELSE ((hash(i) % 19999)::BIGINT - 9999)::DECIMAL(18,0) * 0.01 END::DECIMAL(4,2) AS d4_2,"
                + " CASE WHEN i % 13 = 0 THEN NULL ELSE (hash(i * 3) % 1999999999)::BIGINT - 999999999 END::DECIMAL(9,0) AS d9_0,"
                + " CASE WHEN i % 7 = 0 THEN NULL WHEN i % 89 = 3 THEN '999999999999.999999'::DECIMAL(18,6)"
                + "   WHEN i % 89 = 4 THEN '-999999999999.999999'::DECIMAL(18,6)"
                + "   ELSE (((hash(i * 5) % 999999999999999)::HUGEINT - 499999999999999)::DECIMAL(38,0) * 0.001)::DECIMAL(18,6) END AS d18_6,"
                + " CASE WHEN i % 5 = 0 THEN NULL ELSE (hash(i * 7)::HUGEINT * 5 - 46116860184273879035) END::DECIMAL(20,0)"
                + "   AS d20_0,"
                + " CASE WHEN i % 3 = 0 THEN NULL WHEN i % 83 = 5 THEN '9999999999999999999999999999.9999999999'::DECIMAL(38,10)"
                + "   WHEN i % 83 = 6 THEN '-9999999999999999999999999999.9999999999'::DECIMAL(38,10)"
                + "   ELSE ((hash(i * 11)::HUGEINT * 1000000000000 - 9223372036854775807000000000000)::DECIMAL(38,0) * 0.000000001)::DECIMAL(38,10)"
                + "   END::DECIMAL(38,10) AS d38_10,"
                + " (i % 17)::DECIMAL(5,1) AS k"
                + " FROM range(30000) t(i)) TO '" + duckFile + "' (FORMAT parquet, ROW_GROUP_SIZE 4096)");
    }

    private static String pq(Path p) {
        return "read_parquet('" + p + "')";
    }

    /** DuckDB's rows of {@code select} as text (decimals at their scale). */
    private static List<List<Object>> duckText(String select) {
        List<List<Object>> rows = DuckOracle.query(select);
        for (List<Object> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                Object v = r.get(i);
                r.set(i, v == null ? null : v instanceof BigDecimal d ? d.toPlainString() : v.toString());
            }
        }
        return rows;
    }

    /** Spillway's rows as text (decimals at their scale). */
    private static List<List<Object>> ourText(DataFrame df) {
        List<List<Object>> out = new ArrayList<>();
        for (Row r : df.collect().rows()) {
            List<Object> row = new ArrayList<>();
            for (Object v : r.values()) {
                row.add(v == null ? null : v instanceof BigDecimal d ? d.toPlainString() : v.toString());
            }
            out.add(row);
        }
        return out;
    }

    private static String castList() {
        List<String> c = new ArrayList<>();
        for (String n : COLUMNS) {
            c.add("CAST(" + n + " AS VARCHAR)");
        }
        return String.join(", ", c);
    }

    @Test
    void everyDecimalRepresentationReadsAsDuckDbReadsIt(Spillway sw) {
        DataFrame f = sw.readParquet(duckFile);
        assertEquals(DataType.decimal(4, 2), f.schema().type(f.schema().indexOf("d4_2")));
        assertEquals(DataType.decimal(38, 10), f.schema().type(f.schema().indexOf("d38_10")));
        assertEquals(duckText("SELECT " + castList() + " FROM " + pq(duckFile) + " ORDER BY id"),
                ourText(f.sort("id").select(COLUMNS)));
    }

    @Test
    void parquetTestingDecimalFilesReadAsDuckDbReadsThem(Spillway sw) {
        for (String name : List.of("int32_decimal", "int64_decimal", "fixed_length_decimal", "fixed_length_decimal_legacy",
                "byte_array_decimal")) {
            Path p = Path.of("src/test/resources/parquet-testing/" + name + ".parquet").toAbsolutePath();
            DataFrame f = sw.readParquet(p);
            assertTrue(f.schema().type(0).isDecimal(), name + ": " + f.schema());
            assertEquals(duckText("SELECT CAST(value AS VARCHAR) FROM " + pq(p)), ourText(f), name);
        }
    }

    @Test
    void whatSpillwayWritesDuckDbReadsTheSame(Spillway sw) {
        for (boolean dictionary : new boolean[] {true, false}) {
            Path out = dir.resolve("ours-" + dictionary + ".parquet");
            sw.readParquet(duckFile).writeParquet(out, ParquetWriteOptions.defaults().withDictionary(dictionary).withRowGroupRows(5000));
            assertEquals(duckText("SELECT " + castList() + " FROM " + pq(duckFile) + " ORDER BY id"),
                    duckText("SELECT " + castList() + " FROM " + pq(out) + " ORDER BY id"), "dictionary " + dictionary);
            List<List<Object>> types = duckText("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " + pq(out) + ")");
            assertTrue(types.contains(List.of("d38_10", "DECIMAL(38,10)")), types.toString());
            assertTrue(types.contains(List.of("d4_2", "DECIMAL(4,2)")), types.toString());
            // the statistics we wrote, as DuckDB decodes them, are the true minimum and maximum
            for (String c : new String[] {"d4_2", "d18_6", "d38_10"}) {
                assertEquals(duckText("SELECT min(" + c + ")::VARCHAR, max(" + c + ")::VARCHAR FROM " + pq(duckFile)),
                        duckText("SELECT min(stats_min_value::DECIMAL(38,10))::" + "DECIMAL(38," + c.substring(c.indexOf('_') + 1)
                                + ")::VARCHAR, max(stats_max_value::DECIMAL(38,10))::DECIMAL(38," + c.substring(c.indexOf('_') + 1)
                                + ")::VARCHAR FROM parquet_metadata('" + out + "') WHERE path_in_schema = '" + c + "'"), c);
            }
        }
    }

    @Test
    void filtersAreExactIncludingLiteralsBetweenRepresentableValues(Spillway sw) {
        DataFrame f = sw.readParquet(duckFile);
        String[][] cases = {
            {"d4_2", ">", "12.345"}, {"d4_2", ">=", "12.345"}, {"d4_2", "<", "-0.005"}, {"d4_2", "<=", "12.34"},
            {"d4_2", "=", "12.345"}, {"d4_2", "<>", "0.5"}, {"d18_6", ">", "1000.0000005"}, {"d18_6", "<=", "-3.25"},
            {"d38_10", ">", "123456789.00000000005"}, {"d38_10", "<", "0"}, {"d38_10", "=", "1e40"}, {"d20_0", ">=", "-5.5"},
            {"d9_0", ">", "1e12"}, {"d9_0", "<", "-1e12"},
        };
        for (String[] c : cases) {
            BigDecimal x = new BigDecimal(c[2]);
            Expr left = col(c[0]);
            Expr cond = switch (c[1]) {
                case ">" -> left.gt(x);
                case ">=" -> left.geq(x);
                case "<" -> left.lt(x);
                case "<=" -> left.leq(x);
                case "=" -> left.eq(x);
                default -> left.neq(x);
            };
            long ours = f.filter(cond).count();
            // the oracle: DuckDB's exact values, compared here as BigDecimals
            long theirs = 0;
            for (List<Object> r : DuckOracle.query("SELECT " + c[0] + "::VARCHAR FROM " + pq(duckFile) + " WHERE " + c[0] + " IS NOT NULL")) {
                int cmp = new BigDecimal((String) r.get(0)).compareTo(x);
                boolean keep = switch (c[1]) {
                    case ">" -> cmp > 0;
                    case ">=" -> cmp >= 0;
                    case "<" -> cmp < 0;
                    case "<=" -> cmp <= 0;
                    case "=" -> cmp == 0;
                    default -> cmp != 0;
                };
                theirs += keep ? 1 : 0;
            }
            assertEquals(theirs, ours, c[0] + " " + c[1] + " " + c[2]);
        }
        // a double literal and a string literal compare as the number they write
        assertEquals(DuckOracle.scalarLong("SELECT count(*) FROM " + pq(duckFile) + " WHERE d4_2 > 12.5"),
                f.filter(col("d4_2").gt(12.5)).count());
        assertEquals(DuckOracle.scalarLong("SELECT count(*) FROM " + pq(duckFile) + " WHERE d4_2 > 12.5"),
                f.filter(col("d4_2").gt(lit("12.5"))).count());
        // two decimals of one scale compare exactly; of different scales, as doubles
        assertEquals(DuckOracle.scalarLong("SELECT count(*) FROM " + pq(duckFile) + " WHERE d20_0 < d9_0"),
                f.filter(col("d20_0").lt(col("d9_0"))).count());
    }

    @Test
    void groupBySumMinMaxMeanAndSortEqualDuckDb(Spillway sw) {
        DataFrame f = sw.readParquet(duckFile);
        DataFrame g = f.groupBy("k").agg(count(), sum("d4_2").as("s1"), sum("d9_0").as("s2"), min("d38_10").as("lo"),
                max("d38_10").as("hi"), min("d20_0").as("lo20"), mean("d4_2").as("m")).sort("k");
        assertEquals(DataType.decimal(18, 2), g.schema().type(g.schema().indexOf("s1")));
        List<List<Object>> ours = ourText(g.select("k", "count", "s1", "s2", "lo", "hi", "lo20"));
        assertEquals(duckText("SELECT k::VARCHAR, count(*)::VARCHAR, sum(d4_2)::VARCHAR, sum(d9_0)::VARCHAR, min(d38_10)::VARCHAR,"
                + " max(d38_10)::VARCHAR, min(d20_0)::VARCHAR FROM " + pq(duckFile) + " GROUP BY k ORDER BY k"), ours);
        List<Object> means = DuckOracle.query("SELECT avg(d4_2)::DOUBLE FROM " + pq(duckFile) + " GROUP BY k ORDER BY k")
                .stream().map(r -> r.get(0)).toList();
        List<Row> rows = g.collect().rows();
        for (int i = 0; i < rows.size(); i++) {
            assertEquals((Double) means.get(i), rows.get(i).getDouble("m"), 1e-9);
        }
        // sort by the wide decimal (negatives first), then a join on a decimal key
        assertEquals(duckText("SELECT id::VARCHAR FROM " + pq(duckFile) + " WHERE d38_10 IS NOT NULL ORDER BY d38_10, id LIMIT 50"),
                ourText(f.filter(col("d38_10").isNotNull()).sort("d38_10", "id").select("id").limit(50)));
        DataFrame keys = f.groupBy("k").agg(count().as("n"));
        assertEquals(DuckOracle.scalarLong("SELECT count(*) FROM " + pq(duckFile) + " a JOIN (SELECT DISTINCT k FROM "
                + pq(duckFile) + ") b USING (k)"), f.join(keys, Functions.on("k"), JoinType.INNER).count());
    }

    @Test
    void statisticsSkipRowGroupsOfASortedDecimalColumn(Spillway sw) {
        Path sorted = dir.resolve("sorted-dec.parquet");
        DuckOracle.execute("COPY (SELECT (i / 100)::DECIMAL(10,2) AS x, (i * 1000000)::DECIMAL(30,4) AS y FROM range(100000) t(i)"
                + " ORDER BY i) TO '" + sorted + "' (FORMAT parquet, ROW_GROUP_SIZE 10000)");
        DataFrame f = sw.readParquet(sorted);
        Map<String, Long> before = sw.counters();
        assertEquals(DuckOracle.scalarLong("SELECT count(*) FROM " + pq(sorted) + " WHERE x >= 950.005"),
                f.filter(col("x").geq(new BigDecimal("950.005"))).count());
        long skipped = sw.counters().getOrDefault("parquet.rowGroupsSkipped", 0L) - before.getOrDefault("parquet.rowGroupsSkipped", 0L);
        assertEquals(9, skipped);
        before = sw.counters();
        assertEquals(DuckOracle.scalarLong("SELECT count(*) FROM " + pq(sorted) + " WHERE y < 5000000"),
                f.filter(col("y").lt(5_000_000)).count());
        skipped = sw.counters().getOrDefault("parquet.rowGroupsSkipped", 0L) - before.getOrDefault("parquet.rowGroupsSkipped", 0L);
        assertEquals(9, skipped);
    }

    @Test
    void castsCsvAndLiterals(Spillway sw) throws Exception {
        DataFrame f = sw.readParquet(duckFile).filter(col("id").lt(200));
        // decimals print and write to CSV at their scale
        Path csv = dir.resolve("dec.csv");
        f.select("id", "d4_2", "d38_10").sort("id").writeCsv(csv.toString());
        assertEquals(duckText("SELECT id::VARCHAR, d4_2::VARCHAR, d38_10::VARCHAR FROM " + pq(duckFile) + " WHERE id < 200 ORDER BY id"),
                duckText("SELECT id::VARCHAR, d4_2::VARCHAR, d38_10::VARCHAR FROM read_csv('" + csv
                        + "', columns={'id': 'BIGINT', 'd4_2': 'DECIMAL(4,2)', 'd38_10': 'DECIMAL(38,10)'}) ORDER BY id"));
        // and read back from CSV with a decimal schema, exactly
        DataFrame back = sw.readCsv(csv.toString(), CsvOptions.defaults().columnType("d4_2", DataType.decimal(4, 2))
                .columnType("d38_10", DataType.parse("decimal(38,10)")));
        assertEquals(ourText(f.select("id", "d4_2", "d38_10").sort("id")), ourText(back.sort("id")));
        // casts: string and double to decimal (rounded half-up to the scale), decimal to string, double, int64 (truncated)
        DataFrame c = sw.readParquet(duckFile).filter(col("id").eq(0)).select(
                lit("12.345").cast(DataType.decimal(6, 2)).as("a"), lit(-2.5).cast(DataType.decimal(3, 0)).as("b"),
                lit(new BigDecimal("-7.99")).cast(DataType.INT64).as("c"), lit(new BigDecimal("1.50")).cast(DataType.STRING).as("d"),
                lit("123456789012345678901234567.5").cast(DataType.decimal(30, 1)).as("e"));
        Row r = c.collect().rows().getFirst();
        assertEquals(new BigDecimal("12.35"), r.getDecimal("a"));
        assertEquals(new BigDecimal("-3"), r.getDecimal("b"));
        assertEquals(-7L, r.getLong("c"));
        assertEquals("1.50", r.getString("d"));
        assertEquals(new BigDecimal("123456789012345678901234567.5"), r.getDecimal("e"));
        SpillwayException tooWide = assertThrows(SpillwayException.class,
                () -> sw.readParquet(duckFile).select(col("d18_6").cast(DataType.decimal(3, 1))).collect());
        assertTrue(tooWide.getMessage().contains("decimal(3,1)"), tooWide.getMessage());
        assertTrue(Files.size(csv) > 0);
    }

    @Test
    @SpillwayTest(memoryLimit = "2m")
    void decimalsSpillAndComeBackExactlyThroughSortGroupByAndJoin(Spillway sw) {
        DataFrame f = sw.readParquet(duckFile);
        DataFrame sorted = f.sort(Functions.desc("d38_10"), Functions.asc("id")).select("id", "d4_2", "d38_10");
        assertEquals(duckText("SELECT id::VARCHAR, d4_2::VARCHAR, d38_10::VARCHAR FROM " + pq(duckFile)
                + " ORDER BY d38_10 DESC NULLS LAST, id"), ourText(sorted));
        DataFrame byWide = f.groupBy("d20_0").agg(count().as("n"), max("d18_6").as("hi"));
        assertEquals(duckText("SELECT d20_0::VARCHAR, count(*)::VARCHAR, max(d18_6)::VARCHAR FROM " + pq(duckFile)
                + " GROUP BY d20_0 ORDER BY d20_0 NULLS LAST"), ourText(byWide.sort("d20_0")));
        DataFrame self = f.select("id", "d38_10").join(f.select(col("d38_10"), col("id").as("id2")), Functions.on("d38_10"),
                JoinType.INNER);
        assertEquals(DuckOracle.scalarLong("SELECT count(*) FROM " + pq(duckFile) + " a JOIN " + pq(duckFile) + " b USING (d38_10)"),
                self.count());
        assertTrue(sw.spilledBytes() > 0, "expected spilling: " + sw.memoryReport());
    }

    @Test
    void wideSumsAreAClearError(Spillway sw) {
        SpillwayException e = assertThrows(SpillwayException.class,
                () -> sw.readParquet(duckFile).groupBy("k").agg(sum("d38_10")));
        assertTrue(e.getMessage().contains("decimal(38,10)"), e.getMessage());
    }
}
