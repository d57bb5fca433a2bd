package org.spillway.frame.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.DeltaKernelOracle;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * Checkpoints Spillway writes every {@code delta.checkpointInterval} versions: Delta Kernel opens the
 * table from them (also once the commits before them are gone), and so does Spillway.
 */
@SpillwayTest
class DeltaCheckpointTest {
    @TempDir
    Path dir;

    private static List<String> kernel(Path t, long v) {
        List<String> out = new ArrayList<>();
        DeltaKernelOracle.read(t, v).forEach(r -> out.add(r.toString()));
        out.sort(null);
        return out;
    }

    private static List<String> ours(org.spillway.frame.DataFrame df) {
        List<String> out = new ArrayList<>();
        for (Row r : df.collect().rows()) {
            out.add(r.values().toString());
        }
        out.sort(null);
        return out;
    }

    @Test
    void checkpointsEveryTenVersionsOpenInKernelAndInSpillway(Spillway sw) throws Exception {
        Path t = dir.resolve("t");
        Schema s = Schema.of(new Field("id", DataType.INT64), new Field("k", DataType.STRING));
        for (long v = 0; v < 25; v++) {
            List<Object[]> rows = List.of(new Object[] {v, "k" + (v % 3)}, new Object[] {v + 1000, null});
            sw.createDataFrame(s, rows).writeDelta(t, SaveMode.APPEND, DeltaWriteOptions.defaults().withPartitionBy("k")
                    .withTxn("app", v).withProperties(Map.of("delta.enableDeletionVectors", "true")));
            if (v == 12) {
                DeltaTable.forPath(sw, t).delete(col("id").eq(5L)); // a deletion vector in the checkpoint of version 20
            }
        }
        DeltaTable table = DeltaTable.forPath(sw, t);
        assertEquals(25, table.version());
        for (long v : new long[] {10, 20}) {
            assertTrue(Files.exists(t.resolve(String.format("_delta_log/%020d.checkpoint.parquet", v))), "checkpoint " + v);
        }
        assertFalse(Files.exists(t.resolve(String.format("_delta_log/%020d.checkpoint.parquet", 25))));
        // protocol, metadata, the txn, the live files and one tombstone (the file the delete at version 12 gave a deletion vector)
        assertEquals("{\"version\":20,\"size\":" + (2 + 1 + DeltaKernelOracle.dataFiles(t, 20).size() + 1) + "}",
                Files.readString(t.resolve("_delta_log/_last_checkpoint")));
        for (long v = 0; v < 20; v++) {
            Files.delete(t.resolve(String.format("_delta_log/%020d.json", v)));
        }
        assertEquals(kernel(t, 25), ours(table.toDF()));
        assertEquals(kernel(t, 20), ours(table.asOfVersion(20)));
        assertEquals(49, table.toDF().count());
        // the application transaction survives in the checkpoint: a repeated write is skipped
        sw.createDataFrame(s, List.<Object[]>of(new Object[] {9999L, "x"})).writeDelta(t, SaveMode.APPEND,
                DeltaWriteOptions.defaults().withTxn("app", 3));
        assertEquals(25, table.version());
    }

    @Test
    void addColumnIsANewVersionAndOldRowsReadNull(Spillway sw) {
        Path t = dir.resolve("add");
        Schema s = Schema.of(new Field("id", DataType.INT64));
        sw.createDataFrame(s, List.<Object[]>of(new Object[] {1L})).writeDelta(t.toString());
        DeltaTable table = DeltaTable.forPath(sw, t);
        assertEquals(1, table.addColumn("score", DataType.FLOAT64));
        assertEquals(List.of("id", "score"), DeltaKernelOracle.columnNames(t, 1));
        sw.createDataFrame(Schema.of(new Field("id", DataType.INT64), new Field("score", DataType.FLOAT64)),
                List.<Object[]>of(new Object[] {2L, 0.5})).writeDelta(t.toString());
        assertEquals(kernel(t, 2), ours(table.toDF()));
        assertEquals(List.of("[1, null]", "[2, 0.5]"), ours(table.toDF()));
        assertEquals("ADD COLUMNS", table.history().collect().rows().get(1).getString("operation"));
    }
}
