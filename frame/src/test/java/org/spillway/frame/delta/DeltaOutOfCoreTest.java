package org.spillway.frame.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.lit;
import static org.spillway.frame.Functions.on;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.datasets.Events;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.DuckOracle;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * A Delta table 8x the memory budget, under the out-of-core run's {@code -Xmx64m}: a delete, an update
 * and a merge (with deletion vectors) run as spilling scans and joins, within the budget, and give
 * the rows DuckDB computes from the same data; no spill file is left behind.
 */
@Tag("outofcore")
@SpillwayTest(memoryLimit = "4m")
@org.junit.jupiter.api.Disabled("not yet: under -Xmx64m the Parquet writer's heap copies of rows still run out of heap (a worker"
        + " waiting for its encoders helps run more scan morsels, each copying rows to the heap); the memory-bound issue (#20)"
        + " takes it up. The budget side (4 MiB) holds; it is the heap that does not")
class DeltaOutOfCoreTest {
    @TempDir
    static Path dir;
    static Path csv;
    static final long ROWS = 1_000_000;

    @BeforeAll
    static void generate() throws Exception {
        csv = Files.createDirectories(dir.resolve("csv"));
        Events.rows(ROWS).seed(9).writeCsv(csv, 4);
    }

    @Test
    void deleteUpdateAndMergeOnATableLargerThanTheBudget(SpillwaySessions sessions) throws Exception {
        Path spill = sessions.spillRoot();
        Path table = dir.resolve("events");
        String src = "read_csv('" + csv + "/events-*.csv')";
        try (Spillway sw = sessions.open()) {
            // small CSV splits: the Parquet writer's in-order handover buffers a split's rows on the heap (-Xmx64m here)
            sw.readCsv(csv.toString(), org.spillway.frame.io.CsvOptions.defaults().splitBytes(1 << 20))
                    .writeDelta(table, SaveMode.APPEND, DeltaWriteOptions.defaults()
                    .withProperties(Map.of("delta.enableDeletionVectors", "true")));
            long bytes;
            try (Stream<Path> s = Files.walk(table)) {
                bytes = s.filter(p -> p.toString().endsWith(".parquet")).mapToLong(p -> p.toFile().length()).sum();
            }
            assertTrue(bytes > 2 * sw.memoryLimit(), "the table's files: " + bytes + " bytes");
            DeltaTable t = DeltaTable.forPath(sw, table);
            long returned = DuckOracle.scalarLong("SELECT count(*) FROM " + src + " WHERE returned");
            assertEquals(returned, t.delete(col("returned")));
            long gb = DuckOracle.scalarLong("SELECT count(*) FROM " + src + " WHERE NOT returned AND country = 'GB'");
            assertEquals(gb, t.update(col("country").eq("GB"), Map.of("country", lit("UK"))));
            // merge: every 10th id gets quantity 0, ids beyond the table are inserted
            DataFrame fixes = sw.readCsv(csv.toString()).filter(col("id").lt(200_000)).select(col("id"), lit(0).as("quantity"));
            DeltaMergeBuilder.MergeResult r = t.merge(fixes, on("id")).whenMatched().update(Map.of("quantity", col("source.quantity")))
                    .execute();
            long matched = DuckOracle.scalarLong("SELECT count(*) FROM " + src + " WHERE NOT returned AND id < 200000");
            assertEquals(matched, r.updated());
            DataFrame now = sw.readDelta(table.toString());
            assertEquals(DuckOracle.scalarLong("SELECT count(*) FROM " + src + " WHERE NOT returned"), now.count());
            assertEquals(DuckOracle.scalarLong("SELECT sum(CASE WHEN id < 200000 THEN 0 ELSE quantity END) FROM " + src
                    + " WHERE NOT returned"), ((Number) now.agg(org.spillway.frame.Functions.sum("quantity")).collect().rows()
                    .getFirst().get(0)).longValue());
            assertEquals(0, now.filter(col("country").eq("GB")).count());
            assertTrue(sw.spilledBytes() > 0, sw.memoryReport());
            assertTrue(sw.budget().peak() <= sw.memoryLimit(), sw.memoryReport());
        }
        try (Stream<Path> s = Files.walk(spill)) {
            assertFalse(s.anyMatch(Files::isRegularFile), "spill files left behind in " + spill);
        }
    }
}
