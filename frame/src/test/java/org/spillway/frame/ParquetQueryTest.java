package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.max;
import static org.spillway.frame.Functions.min;
import static org.spillway.frame.Functions.on;
import static org.spillway.frame.Functions.sum;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.io.ParquetFormatException;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.frame.testkit.TestData;

/**
 * Queries over Parquet files DuckDB wrote, through the plan: projection and filter pushdown, row
 * groups skipped by statistics (counted), count from the footers, partitioned directories, globs of
 * evolved schemas; results equal DuckDB's over the same files.
 */
@SpillwayTest
class ParquetQueryTest {
    @TempDir
    static Path dir;
    static Path groupBy;
    static Path sorted;

    @BeforeAll
    static void write() throws Exception {
        TestData.Table g = TestData.groupBy(dir);
        groupBy = dir.resolve("g.parquet");
        DuckOracle.execute("COPY (SELECT * FROM " + g.scan() + ") TO '" + groupBy + "' (FORMAT parquet, ROW_GROUP_SIZE 8192)");
        sorted = dir.resolve("sorted.parquet");
        DuckOracle.execute("COPY (SELECT i AS id, i % 7 AS k, 'v' || (i % 13) AS s FROM range(200000) t(i) ORDER BY i) TO '"
                + sorted + "' (FORMAT parquet, ROW_GROUP_SIZE 10000)");
    }

    private static String pq(Path p) {
        return "read_parquet('" + p + "')";
    }

    @Test
    void groupByEqualsDuckDb(Spillway sw) {
        DataFrame f = sw.readParquet(groupBy.toString());
        assertEquals(DuckOracle.scalarLong("SELECT count(*) FROM " + pq(groupBy)), f.count());
        DataFrame r = f.groupBy("k_str", "k_bool").agg(count(), sum("v_int"), min("k_date"), max("v_dbl"));
        List<List<Object>> expected = DuckOracle.query("SELECT k_str, k_bool, count(*), sum(v_int), min(k_date), max(v_dbl) FROM "
                + pq(groupBy) + " GROUP BY ALL");
        DuckOracle.assertSameRows(expected, DuckOracle.rows(r.collect()));
    }

    @Test
    void everyRowAndValueEqualsDuckDb(Spillway sw) {
        List<List<Object>> expected = DuckOracle.query("SELECT * FROM " + pq(groupBy));
        DuckOracle.assertSameOrderedRows(expected, DuckOracle.rows(sw.readParquet(groupBy).collect()), 0);
    }

    @Test
    void joinOfTwoParquetFilesEqualsDuckDb(Spillway sw) {
        DataFrame a = sw.readParquet(groupBy.toString()).select("rn", "k_int", "v_dbl");
        DataFrame b = sw.readParquet(groupBy.toString()).groupBy("k_int").agg(count().as("n"));
        DataFrame j = a.join(b, on("k_int"), JoinType.INNER).groupBy("n").agg(count(), sum("rn"));
        List<List<Object>> expected = DuckOracle.query("SELECT n, count(*), sum(rn) FROM " + pq(groupBy)
                + " a JOIN (SELECT k_int, count(*) AS n FROM " + pq(groupBy) + " GROUP BY k_int) b USING (k_int) GROUP BY n");
        DuckOracle.assertSameRows(expected, DuckOracle.rows(j.collect()));
    }

    @Test
    void aSelectiveFilterOnASortedColumnSkipsRowGroups(Spillway sw) {
        DataFrame f = sw.readParquet(sorted.toString());
        Map<String, Long> before = sw.counters();
        DataFrame q = f.filter(col("id").geq(195_500).and(col("k").eq(3)));
        String plan = q.explainString();
        assertTrue(plan.contains("ParquetScan") && plan.contains("pushed="), plan);
        long n = q.count();
        Map<String, Long> after = sw.counters();
        assertEquals(DuckOracle.scalarLong("SELECT count(*) FROM " + pq(sorted) + " WHERE id >= 195500 AND k = 3"), n);
        long skipped = after.getOrDefault("parquet.rowGroupsSkipped", 0L) - before.getOrDefault("parquet.rowGroupsSkipped", 0L);
        assertEquals(19, skipped, "20 row groups of 10,000 rows; all but the last are below 195,500: " + after);
        // the same answer without pushdown: a filter the statistics cannot use
        assertEquals(n, f.filter(col("id").plus(0).geq(195_500).and(col("k").eq(3))).count());
    }

    @Test
    void countComesFromTheFooters(Spillway sw) {
        long before = sw.counters().getOrDefault("parquet.countFromMetadata", 0L);
        long pagesBefore = sw.counters().getOrDefault("parquet.pagesRead", 0L);
        assertEquals(200_000, sw.readParquet(sorted.toString()).count());
        assertEquals(before + 1, sw.counters().getOrDefault("parquet.countFromMetadata", 0L));
        assertEquals(pagesBefore, sw.counters().getOrDefault("parquet.pagesRead", 0L));
    }

    @Test
    void onlyTheUsedColumnsAreRead(Spillway sw) {
        DataFrame q = sw.readParquet(groupBy.toString()).select("k_int");
        String plan = q.explainString();
        assertTrue(plan.contains("columns=[k_int]"), plan);
        assertEquals(DuckOracle.scalarLong("SELECT count(k_int) FROM " + pq(groupBy)), q.filter(col("k_int").isNotNull()).count());
    }

    @Test
    void hivePartitionedDirectoryEqualsDuckDb(Spillway sw) {
        Path part = dir.resolve("part");
        DuckOracle.execute("COPY (SELECT * FROM " + pq(sorted) + " WHERE id < 5000) TO '" + part
                + "' (FORMAT parquet, PARTITION_BY (k), OVERWRITE_OR_IGNORE)");
        DataFrame f = sw.readParquet(part.toString());
        assertTrue(f.schema().contains("k"), f.schema().toString());
        List<List<Object>> expected = DuckOracle.query("SELECT k, count(*), sum(id) FROM read_parquet('" + part
                + "/**/*.parquet', hive_partitioning = true) GROUP BY k");
        DuckOracle.assertSameRows(expected, DuckOracle.rows(f.groupBy("k").agg(count(), sum("id")).collect()));
        // a filter on the partition column skips the other directories' row groups
        long before = sw.counters().getOrDefault("parquet.rowGroupsSkipped", 0L);
        assertEquals(DuckOracle.scalarLong("SELECT count(*) FROM " + pq(sorted) + " WHERE id < 5000 AND k = 2"),
                f.filter(col("k").eq(2)).count());
        assertTrue(sw.counters().getOrDefault("parquet.rowGroupsSkipped", 0L) - before >= 6, sw.counters().toString());
    }

    @Test
    void evolvedSchemasAreUnifiedByName(Spillway sw) throws Exception {
        Path evolved = Files.createDirectories(dir.resolve("evolved"));
        DuckOracle.execute("COPY (SELECT i::INTEGER AS a, 'x' || i AS b FROM range(3) t(i)) TO '" + evolved.resolve("1.parquet")
                + "' (FORMAT parquet)");
        DuckOracle.execute("COPY (SELECT (i + 10)::BIGINT AS a, (i * 0.5)::DOUBLE AS c FROM range(2) t(i)) TO '" + evolved.resolve("2.parquet")
                + "' (FORMAT parquet)");
        DataFrame f = sw.readParquet(evolved + "/*.parquet");
        assertEquals(List.of("a", "b", "c"), f.schema().names());
        List<List<Object>> expected = DuckOracle.query("SELECT a, b, c FROM read_parquet('" + evolved
                + "/*.parquet', union_by_name = true)");
        DuckOracle.assertSameRows(expected, DuckOracle.rows(f.collect()));
    }

    @Test
    void conflictingTypesNameBothFilesAndTheColumn(Spillway sw) throws Exception {
        Path bad = Files.createDirectories(dir.resolve("conflict"));
        DuckOracle.execute("COPY (SELECT 1 AS a) TO '" + bad.resolve("1.parquet") + "' (FORMAT parquet)");
        DuckOracle.execute("COPY (SELECT 'one' AS a) TO '" + bad.resolve("2.parquet") + "' (FORMAT parquet)");
        ParquetFormatException e = assertThrows(ParquetFormatException.class, () -> sw.readParquet(bad.toString()));
        assertTrue(e.getMessage().contains("1.parquet") && e.getMessage().contains("2.parquet") && e.getMessage().contains("a"),
                e.getMessage());
        // the session stays usable
        assertEquals(200_000, sw.readParquet(sorted.toString()).count());
    }

    @Test
    void everySpillwayTypeRoundTripsThroughSpillwayAndDuckDb(Spillway sw) {
        org.spillway.spill.Schema schema = org.spillway.spill.Schema.of(
                new org.spillway.spill.Field("b", org.spillway.spill.DataType.BOOL),
                new org.spillway.spill.Field("i", org.spillway.spill.DataType.INT32),
                new org.spillway.spill.Field("l", org.spillway.spill.DataType.INT64),
                new org.spillway.spill.Field("d", org.spillway.spill.DataType.FLOAT64),
                new org.spillway.spill.Field("s", org.spillway.spill.DataType.STRING),
                new org.spillway.spill.Field("dt", org.spillway.spill.DataType.DATE),
                new org.spillway.spill.Field("ts", org.spillway.spill.DataType.TIMESTAMP),
                new org.spillway.spill.Field("ntz", org.spillway.spill.DataType.TIMESTAMP_NTZ),
                new org.spillway.spill.Field("t", org.spillway.spill.DataType.TIME),
                new org.spillway.spill.Field("bin", org.spillway.spill.DataType.BINARY));
        java.util.List<Object[]> rows = new java.util.ArrayList<>();
        java.util.SplittableRandom r = new java.util.SplittableRandom(17);
        for (int k = 0; k < 3000; k++) {
            boolean n = r.nextInt(9) == 0;
            rows.add(new Object[] {n ? null : r.nextBoolean(), n ? null : r.nextInt(), n ? null : r.nextLong(),
                n ? null : k % 50 == 0 ? Double.NaN : r.nextDouble() * 1e6 - 5e5, n ? null : k % 7 == 0 ? "" : "s" + r.nextInt(100) + "é",
                n ? null : java.time.LocalDate.ofEpochDay(r.nextInt(-30000, 30000)),
                n ? null : java.time.Instant.ofEpochSecond(r.nextLong(-2_000_000_000L, 4_000_000_000L), r.nextInt(1_000_000) * 1000L),
                n ? null : java.time.LocalDateTime.of(1900 + r.nextInt(200), 1 + r.nextInt(12), 1 + r.nextInt(28), r.nextInt(24),
                        r.nextInt(60), r.nextInt(60), r.nextInt(1_000_000) * 1000),
                n ? null : java.time.LocalTime.ofNanoOfDay(r.nextLong(86_400_000_000L) * 1000),
                n ? null : new byte[] {(byte) r.nextInt(256), 0, (byte) k}});
        }
        DataFrame f = sw.createDataFrame(schema, rows);
        Path file = dir.resolve("types.parquet");
        f.writeParquet(file.toString());
        DataFrame back = sw.readParquet(file.toString());
        assertEquals(schema, back.schema());
        List<List<Object>> expected = DuckOracle.rows(f);
        DuckOracle.assertSameOrderedRows(expected, DuckOracle.rows(back.collect()), 0);
        List<List<Object>> duck = DuckOracle.query("SELECT * FROM " + pq(file));
        DuckOracle.assertSameOrderedRows(expected, duck, 0);
        List<List<Object>> types = DuckOracle.query("SELECT column_type FROM (DESCRIBE SELECT * FROM " + pq(file) + ")");
        assertEquals(List.of("BOOLEAN", "INTEGER", "BIGINT", "DOUBLE", "VARCHAR", "DATE", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP",
                "TIME", "BLOB"), types.stream().map(x -> x.getFirst()).toList());
    }

    @Test
    void longBinaryAndStringBoundsNeverExcludeTheirValues(Spillway sw) {
        byte[] ff = new byte[65];
        java.util.Arrays.fill(ff, (byte) 0xFF);
        byte[] jpeg = new byte[100];
        jpeg[0] = (byte) 0xFF;
        jpeg[1] = (byte) 0xD8;
        String longText = "日本".repeat(40);
        org.spillway.spill.Schema schema = org.spillway.spill.Schema.of(new org.spillway.spill.Field("b", org.spillway.spill.DataType.BINARY),
                new org.spillway.spill.Field("s", org.spillway.spill.DataType.STRING));
        DataFrame f = sw.createDataFrame(schema, List.of(new Object[] {ff, longText}, new Object[] {jpeg, "a"}));
        Path file = dir.resolve("bounds.parquet");
        f.writeParquet(file.toString());
        DataFrame back = sw.readParquet(file.toString());
        assertEquals(1, back.filter(col("b").eq(Functions.lit(ff))).count());
        assertEquals(1, back.filter(col("b").eq(Functions.lit(jpeg))).count());
        assertEquals(1, back.filter(col("s").eq(longText)).count());
        assertEquals(1, DuckOracle.scalarLong("SELECT count(*) FROM " + pq(file) + " WHERE s = '" + longText + "'"));
    }

    @Test
    void anIntegerColumnComparedWithNegativeZeroKeepsItsZeros(Spillway sw) {
        DataFrame f = sw.readParquet(sorted.toString());
        assertEquals(1, f.filter(col("id").leq(-0.0)).count());
        assertEquals(1, f.filter(col("id").eq(-0.0)).count());
        assertEquals(200_000, f.filter(col("id").neq(Double.NaN)).count());
    }

    @Test
    void aBinaryColumnMissingFromALaterFileReadsAsNull(Spillway sw) throws Exception {
        Path d = Files.createDirectories(dir.resolve("missing-binary"));
        DuckOracle.execute("COPY (SELECT i AS id, ('x' || i)::BLOB AS b FROM range(3000) t(i)) TO '" + d.resolve("1.parquet") + "' (FORMAT parquet)");
        DuckOracle.execute("COPY (SELECT i + 3000 AS id FROM range(3000) t(i)) TO '" + d.resolve("2.parquet") + "' (FORMAT parquet)");
        DataFrame f = sw.readParquet(d.toString());
        assertEquals(3000, f.filter(col("b").isNull()).count());
        Path copy = dir.resolve("missing-binary-copy.parquet");
        f.writeParquet(copy.toString());
        assertEquals(3000, DuckOracle.scalarLong("SELECT count(b) FROM " + pq(copy)));
    }

    @Test
    void partitionDirectoriesStartingWithAnUnderscoreAreRead(Spillway sw) {
        Path out = dir.resolve("underscore");
        sw.readParquet(sorted.toString()).filter(col("id").lt(100)).withColumnRenamed("k", "_k").writeParquet(out,
                org.spillway.frame.io.ParquetWriteOptions.defaults().withPartitionBy("_k"));
        assertEquals(100, sw.readParquet(out.toString()).count());
        assertEquals(List.of("id", "s", "_k"), sw.readParquet(out.toString()).schema().names());
    }

    @Test
    void aNestedColumnIsNamedWhenUsedAndSelectingAroundItWorks(Spillway sw) {
        Path file = dir.resolve("decimal.parquet");
        DuckOracle.execute("COPY (SELECT i AS id, (i / 100)::DECIMAL(10,2) AS price, [i, i] AS pair FROM range(50) t(i)) TO '" + file
                + "' (FORMAT parquet)");
        DataFrame f = sw.readParquet(file.toString());
        assertEquals(List.of("id", "price"), f.schema().names());
        assertTrue(f.explainString().contains("pair"), f.explainString());
        ColumnNotFoundException e = assertThrows(ColumnNotFoundException.class, () -> f.select("id", "pair"));
        assertTrue(e.getMessage().contains("'pair' is") && e.getMessage().contains("select the other columns"),
                e.getMessage());
        e = assertThrows(ColumnNotFoundException.class, () -> f.filter(col("pair").isNotNull()));
        assertTrue(e.getMessage().contains("'pair' is"), e.getMessage());
        assertEquals(1225, DuckOracle.scalarLong("SELECT sum(id) FROM " + pq(file)));
        assertEquals(49, f.filter(col("id").gt(0)).count());
    }

    @Test
    void aMissingPathIsAClearError(Spillway sw) {
        ParquetFormatException e = assertThrows(ParquetFormatException.class, () -> sw.readParquet(dir.resolve("nope.parquet").toString()));
        assertTrue(e.getMessage().contains("nope.parquet"), e.getMessage());
    }
}
