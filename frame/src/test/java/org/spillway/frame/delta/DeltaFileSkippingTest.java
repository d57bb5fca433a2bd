package org.spillway.frame.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.lit;
import static org.spillway.frame.Functions.on;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.Spillway;
import org.spillway.frame.stats.StatsPruner;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.ChunkStats;

/**
 * Deletes, updates and merges read only the files whose statistics in the log allow a match: a data
 * file that cannot hold one is never opened (shown here by deleting it from disk first), and the
 * bounds read back from the log contain every value of their file.
 */
@SpillwayTest
class DeltaFileSkippingTest {
    @TempDir
    Path dir;

    private static final Schema SCHEMA = Schema.of(new Field("id", DataType.INT64), new Field("s", DataType.STRING),
            new Field("ts", DataType.TIMESTAMP), new Field("price", DataType.decimal(10, 2)), new Field("day", DataType.DATE),
            new Field("x", DataType.FLOAT64));

    private static List<List<Object>> rows(long from, long to) {
        List<List<Object>> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(Arrays.asList(i, "s" + i, Instant.parse("2024-01-01T00:00:00Z").plusNanos(i * 1_234_567_001L / 1000 * 1000),
                    BigDecimal.valueOf(i * 13, 2), LocalDate.of(2024, 1, 1).plusDays(i), i % 10 == 0 ? null : i * 0.25));
        }
        return out;
    }

    @Test
    void changesReadOnlyTheFilesThatCanMatch(Spillway sw) throws Exception {
        Path t = dir.resolve("t");
        for (int k = 0; k < 3; k++) {
            sw.createDataFrame(SCHEMA, rows(k * 100L, k * 100L + 100)).writeDelta(t.toString());
        }
        Snapshot snap = Snapshot.load(new DeltaLog(t), 2);
        List<Action.AddFile> adds = snap.addFiles();
        assertEquals(3, adds.size());
        // every bound from the log contains its file's values
        for (Action.AddFile a : adds) {
            ChunkStats st = DeltaStats.fileStats(snap, snap.schema(), a);
            assertNotNull(st, a.path());
            assertEquals(100, st.rows());
            for (int c = 0; c < SCHEMA.size(); c++) {
                assertTrue(st.column(c).known(), a.path() + " column " + c);
            }
            long first = (Long) st.column(0).min();
            assertFalse(StatsPruner.canSkip(col("id").eq(first + 99), snap.schema(), st));
            assertTrue(StatsPruner.canSkip(col("id").eq(first + 100), snap.schema(), st));
            Instant lastTs = (Instant) rows(first + 99, first + 100).getFirst().get(2);
            assertFalse(StatsPruner.canSkip(col("ts").geq(lastTs), snap.schema(), st), "timestamps are stored in millis");
            assertFalse(StatsPruner.canSkip(col("price").eq(BigDecimal.valueOf((first + 7) * 13, 2)), snap.schema(), st));
            assertFalse(StatsPruner.canSkip(col("s").eq("s" + (first + 5)), snap.schema(), st));
        }
        // the middle file is gone from disk: operations that cannot touch it still work
        Files.delete(snap.filePath(adds.get(1)));
        DeltaTable table = DeltaTable.forPath(sw, t);
        assertEquals(10, table.delete(col("id").lt(10)));
        table.update(col("id").geq(250), Map.of("s", lit("late")));
        var src = sw.createDataFrame(Schema.of(new Field("id", DataType.INT64), new Field("s", DataType.STRING)),
                List.of(Arrays.asList(20L, "merged"), Arrays.asList(30L, "merged"), Arrays.asList(5L, "back")));
        var result = table.merge(src, on("id")).whenMatched().update(Map.of("s", col("source.s"))).whenNotMatched()
                .insert(Map.of("id", col("source.id"), "s", col("source.s"))).execute();
        assertEquals(2, result.updated());
        assertEquals(1, result.inserted());
        // a change that may touch it fails, naming the file
        DeltaException e = org.junit.jupiter.api.Assertions.assertThrows(DeltaException.class,
                () -> table.delete(col("id").eq(150)));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }
}
