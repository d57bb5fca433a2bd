package org.spillway.frame.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.lit;
import static org.spillway.frame.Functions.on;
import static org.spillway.frame.Functions.sum;
import static org.spillway.frame.Functions.when;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spillway.datasets.Events;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Expr;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.CsvOptions;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * A Delta table 8x the memory budget (its Parquet files), under the out-of-core run's {@code -Xmx64m}:
 * written from CSV, then a delete, an update and a merge (updateAll / insertAll), once with deletion
 * vectors and once copy-on-write (the table property {@code delta.enableDeletionVectors}). Each runs
 * as spilling scans and joins within the budget, and the rows equal what DuckDB computes from the
 * same data; no spill file is left behind.
 */
@Tag("outofcore")
@SpillwayTest(memoryLimit = "4m")
class DeltaOutOfCoreTest {
    @TempDir
    static Path dir;
    static Path csv;
    static final long ROWS = 1_250_000;
    /** The merge's source: every 10th row, its id moved up by this (the last ones beyond the table) and quantity 0. */
    static final int SHIFT = 100_000;

    @BeforeAll
    static void generate() throws Exception {
        csv = Files.createDirectories(dir.resolve("csv"));
        Events.rows(ROWS).seed(9).writeCsv(csv, 4);
    }

    @ParameterizedTest(name = "deletion vectors: {0}")
    @ValueSource(booleans = {true, false})
    void deleteUpdateAndMergeOnATableLargerThanTheBudget(boolean deletionVectors, SpillwaySessions sessions) throws Exception {
        Path spill = sessions.spillRoot();
        Path table = dir.resolve("events-" + (deletionVectors ? "dv" : "cow"));
        String src = "read_csv('" + csv + "/events-*.csv')";
        try (Spillway sw = sessions.open()) {
            // uncompressed, so that the files themselves are 8x the budget (not only their decoded rows)
            sw.readCsv(csv.toString(), CsvOptions.defaults().splitBytes(1 << 20))
                    .writeDelta(table, SaveMode.APPEND, DeltaWriteOptions.defaults()
                            .withParquet(ParquetWriteOptions.defaults().withCodec(ParquetWriteOptions.Codec.UNCOMPRESSED))
                            .withProperties(Map.of("delta.enableDeletionVectors", Boolean.toString(deletionVectors))));
            assertTrue(parquetBytes(table) >= 8 * sw.memoryLimit(), "the table's files: " + parquetBytes(table) + " bytes");
            DeltaTable t = DeltaTable.forPath(sw, table);
            assertEquals(ROWS, sw.readDelta(table.toString()).count());

            long returned = DuckOracle.scalarLong("SELECT count(*) FROM " + src + " WHERE returned");
            assertEquals(returned, t.delete(col("returned")));
            assertEquals(ROWS - returned, sw.readDelta(table.toString()).count());

            long gb = DuckOracle.scalarLong("SELECT count(*) FROM " + src + " WHERE NOT returned AND country = 'GB'");
            assertEquals(gb, t.update(col("country").eq("GB"), Map.of("country", lit("UK"))));
            assertEquals(gb, sw.readDelta(table.toString()).filter(col("country").eq("UK")).count());

            org.spillway.spill.DataType idType = t.schema().type(t.schema().indexOf("id"));
            DataFrame source = sw.readCsv(csv.toString()).filter(col("id").mod(10).eq(0))
                    .select(col("id").plus(SHIFT).cast(idType).as("id"), col("user"), col("country"), col("category"), col("amount"),
                            lit(0).as("quantity"), col("ts"), col("returned"));
            DeltaMergeBuilder.MergeResult r = t.merge(source, on("id")).whenMatched().updateAll().whenNotMatched().insertAll()
                    .execute();
            String after = "WITH t AS (SELECT id, user, CASE WHEN country = 'GB' THEN 'UK' ELSE country END AS country, quantity"
                    + " FROM " + src + " WHERE NOT returned), s AS (SELECT id + " + SHIFT + " AS id, user, country, 0 AS quantity"
                    + " FROM " + src + " WHERE id % 10 = 0), f AS (SELECT * FROM t WHERE id NOT IN (SELECT id FROM s)"
                    + " UNION ALL SELECT * FROM s) ";
            assertEquals(DuckOracle.scalarLong(after + "SELECT count(*) FROM t WHERE id IN (SELECT id FROM s)"), r.updated());
            assertEquals(DuckOracle.scalarLong(after + "SELECT count(*) FROM s WHERE id NOT IN (SELECT id FROM t)"), r.inserted());
            assertEquals(0, r.deleted());

            DataFrame now = sw.readDelta(table.toString());
            List<List<Object>> expected = DuckOracle.query(after + "SELECT count(*), sum(quantity), sum(id),"
                    + " count(*) FILTER (WHERE country = 'UK'), count(*) FILTER (WHERE country = 'GB') FROM f");
            List<List<Object>> actual = DuckOracle.rows(now.agg(count(), sum("quantity"), sum("id"),
                    sum(when(col("country").eq("UK"), 1L).otherwise(0L)),
                    sum(when(col("country").eq("GB"), 1L).otherwise(0L))));
            DuckOracle.assertSameRows(expected, actual);
            long[] picked = {10, 20, SHIFT, SHIFT + 10, SHIFT + 11, 555_550, ROWS - 10, ROWS, ROWS + 10, ROWS + SHIFT - 10};
            Expr which = col("id").eq(picked[0]);
            StringBuilder ids = new StringBuilder().append(picked[0]);
            for (int i = 1; i < picked.length; i++) {
                which = which.or(col("id").eq(picked[i]));
                ids.append(", ").append(picked[i]);
            }
            DuckOracle.assertSameRows(DuckOracle.query(after + "SELECT id, user, country, quantity FROM f WHERE id IN (" + ids + ")"),
                    DuckOracle.rows(now.filter(which).select("id", "user", "country", "quantity")));

            assertEquals(deletionVectors, hasDeletionVectors(table), "deletion vector files in " + table);
            assertTrue(sw.spilledBytes() > 0, sw.memoryReport());
            assertTrue(sw.budget().peak() <= sw.memoryLimit(), sw.memoryReport());
        }
        try (Stream<Path> s = Files.walk(spill)) {
            assertFalse(s.anyMatch(Files::isRegularFile), "spill files left behind in " + spill);
        }
    }

    /**
     * A Delta table written straight from a Parquet scan under a 12 MiB budget: the readers hold about
     * a row group per worker, so the writer must leave them room (it once took half the budget). The
     * row groups are kept at 25,000 rows: a reader's decode buffers (ColumnCursor) are on the heap and
     * far above what it reserves (about 15 MB per worker at 100,000 rows of these 8 columns), which
     * -Xmx64m would not hold beside the writer.
     */
    @Test
    void writeDeltaStraightFromAParquetScanWithinTwelveMiB(SpillwaySessions sessions) throws Exception {
        Path spill = sessions.spillRoot();
        Path file = dir.resolve("scan.parquet");
        String src = "read_csv('" + csv + "/events-*.csv')";
        DuckOracle.execute("COPY (SELECT * FROM " + src + " UNION ALL SELECT * FROM " + src + ") TO '" + file
                + "' (FORMAT parquet, ROW_GROUP_SIZE 25000, COMPRESSION uncompressed)");
        Path table = dir.resolve("from-parquet");
        try (Spillway sw = sessions.open("12m", 0)) {
            assertTrue(Files.size(file) >= 4 * sw.memoryLimit(), "the file: " + Files.size(file) + " bytes");
            sw.readParquet(file.toString()).writeDelta(table, SaveMode.APPEND, DeltaWriteOptions.defaults());
            DataFrame back = sw.readDelta(table.toString());
            DuckOracle.assertSameRows(List.of(List.of(2 * ROWS, ROWS * (ROWS + 1))), DuckOracle.rows(back.agg(count(), sum("id"))));
            assertTrue(sw.budget().peak() <= sw.memoryLimit(), sw.memoryReport());
        }
        try (Stream<Path> s = Files.walk(spill)) {
            assertFalse(s.anyMatch(Files::isRegularFile), "spill files left behind in " + spill);
        }
    }

    private static long parquetBytes(Path table) throws Exception {
        try (Stream<Path> s = Files.walk(table)) {
            return s.filter(p -> p.toString().endsWith(".parquet")).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static boolean hasDeletionVectors(Path table) throws Exception {
        try (Stream<Path> s = Files.walk(table)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("deletion_vector_"));
        }
    }
}
