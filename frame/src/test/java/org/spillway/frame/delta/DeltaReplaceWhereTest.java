package org.spillway.frame.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.DeltaKernelOracle;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/** Overwrites with {@code replaceWhere}, and the Spark-style option names of {@link DeltaWriteOptions}. */
@SpillwayTest
class DeltaReplaceWhereTest {
    @TempDir
    Path dir;

    private static final Schema SCHEMA = Schema.of(new Field("id", DataType.INT64), new Field("day", DataType.STRING),
            new Field("amount", DataType.INT64));

    private static List<List<Object>> rows(long from, long to, long amount) {
        List<List<Object>> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(Arrays.asList(i, "d" + (i % 4), amount));
        }
        return out;
    }

    private static long sum(DataFrame df) {
        long s = 0;
        for (Row r : df.collect().rows()) {
            s += r.getLong("amount");
        }
        return s;
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void replaceWhereReplacesOnlyTheMatchingRows(boolean dv, Spillway sw) {
        Path t = dir.resolve("t-" + dv);
        sw.createDataFrame(SCHEMA, rows(0, 400, 1)).writeDelta(t.toString(), SaveMode.APPEND, DeltaWriteOptions.defaults()
                .partitionBy("day").option("delta.enableDeletionVectors", Boolean.toString(dv)));
        // a partition predicate: day d1 is replaced by 10 new rows
        List<List<Object>> d1 = new ArrayList<>();
        for (long i = 1000; i < 1010; i++) {
            d1.add(Arrays.asList(i, "d1", 5L));
        }
        sw.createDataFrame(SCHEMA, d1).writeDelta(t.toString(), SaveMode.OVERWRITE,
                DeltaWriteOptions.defaults().replaceWhere(col("day").eq("d1")));
        DeltaTable table = DeltaTable.forPath(sw, t);
        assertEquals(300 + 10, table.toDF().count());
        assertEquals(300 + 50, sum(table.toDF()));
        assertEquals(10, table.toDF().filter(col("day").eq("d1")).count());
        // a row-level predicate across partitions
        sw.createDataFrame(SCHEMA, List.of(Arrays.asList(7L, "d3", 100L))).writeDelta(t.toString(), SaveMode.OVERWRITE,
                DeltaWriteOptions.defaults().withReplaceWhere(col("id").lt(100)));
        assertEquals(225 + 10 + 1, table.toDF().count());
        assertEquals(List.of(100L), table.toDF().filter(col("id").eq(7)).collect().rows().stream().map(r -> r.getLong("amount"))
                .toList());
        assertEquals(DeltaKernelOracle.read(t, table.version()).size(), table.toDF().count());
        assertEquals("WRITE", table.history().collect().rows().getFirst().getString("operation"));
        // rows outside the predicate: refused, nothing committed
        long version = table.version();
        DeltaException e = assertThrows(DeltaException.class, () -> sw.createDataFrame(SCHEMA, rows(0, 3, 9))
                .writeDelta(t.toString(), SaveMode.OVERWRITE, DeltaWriteOptions.defaults().replaceWhere(col("day").eq("d0"))));
        assertTrue(e.getMessage().contains("2 rows") && e.getMessage().contains("replaceWhere"), e.getMessage());
        assertEquals(version, table.version());
    }

    @Test
    void sparkOptionNames(Spillway sw) {
        Path t = dir.resolve("opts");
        sw.createDataFrame(SCHEMA, rows(0, 10, 1)).writeDelta(t.toString(), SaveMode.APPEND,
                DeltaWriteOptions.defaults().option("delta.enableChangeDataFeed", "true").option("txnAppId", "job").option("txnVersion", "1"));
        assertEquals("true", DeltaKernelOracle.tableProperties(t, 0).get("delta.enableChangeDataFeed"));
        // the same transaction again is skipped
        sw.createDataFrame(SCHEMA, rows(0, 10, 1)).writeDelta(t.toString(), SaveMode.APPEND, DeltaWriteOptions.defaults().txn("job", 1));
        assertEquals(10, sw.readDelta(t.toString()).count());
        Schema wider = Schema.of(new Field("id", DataType.INT64), new Field("day", DataType.STRING), new Field("amount", DataType.INT64),
                new Field("note", DataType.STRING));
        sw.createDataFrame(wider, List.of(Arrays.asList(11L, "d0", 1L, "x"))).writeDelta(t.toString(), SaveMode.APPEND,
                DeltaWriteOptions.defaults().option("mergeSchema", "true"));
        assertEquals(List.of("id", "day", "amount", "note"), sw.readDelta(t.toString()).schema().names());
        assertThrows(IllegalArgumentException.class, () -> DeltaWriteOptions.defaults().option("mergeSchema", "yes"));
        DeltaException half = assertThrows(DeltaException.class, () -> sw.createDataFrame(SCHEMA, rows(0, 1, 1))
                .writeDelta(t.toString(), SaveMode.APPEND, DeltaWriteOptions.defaults().option("txnAppId", "other")));
        assertTrue(half.getMessage().contains("txnVersion"), half.getMessage());
    }

    @Test
    void inCommitTimestampsAreWrittenFirstAndIncrease(Spillway sw) throws Exception {
        Path t = dir.resolve("ict");
        sw.createDataFrame(SCHEMA, rows(0, 10, 1)).writeDelta(t.toString(), SaveMode.APPEND,
                DeltaWriteOptions.defaults().option("delta.enableInCommitTimestamps", "true"));
        DeltaTable table = DeltaTable.forPath(sw, t);
        for (int k = 0; k < 4; k++) {
            sw.createDataFrame(SCHEMA, rows(10 + k, 11 + k, 1)).writeDelta(t.toString());
        }
        table.delete(col("id").eq(3));
        assertTrue(DeltaKernelOracle.writerFeatures(t, 0).contains("inCommitTimestamp"));
        long previous = Long.MIN_VALUE;
        for (long v = 0; v <= table.version(); v++) {
            String first = java.nio.file.Files.readAllLines(t.resolve("_delta_log/%020d.json".formatted(v))).getFirst();
            assertTrue(first.startsWith("{\"commitInfo\":{\"inCommitTimestamp\":"), first);
            long ict = Long.parseLong(first.replaceAll(".*\"inCommitTimestamp\":(\\d+).*", "$1"));
            assertTrue(ict > previous, "version " + v);
            previous = ict;
            assertEquals(v, table.versionAt(java.time.Instant.ofEpochMilli(ict)));
        }
        assertEquals(13, DeltaKernelOracle.read(t, table.version()).size());
    }
}
