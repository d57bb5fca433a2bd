package org.spillway.frame.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.lit;
import static org.spillway.frame.Functions.on;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.DeltaKernelOracle;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * Tables with {@code delta.enableChangeDataFeed}: deletes, updates and merges write change data files
 * ({@code _change_data/}, {@code cdc} actions), and the change feed of every version is exactly the
 * difference between the snapshots before and after it, with deletion vectors or copy-on-write, with
 * and without column mapping.
 */
@SpillwayTest
class DeltaChangeDataFeedTest {
    @TempDir
    Path dir;

    private static final Schema SCHEMA = Schema.of(new Field("id", DataType.INT64), new Field("v", DataType.STRING),
            new Field("p", DataType.INT32));

    private static List<List<Object>> rows(long from, long to) {
        List<List<Object>> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(Arrays.asList(i, i % 7 == 0 ? null : "v" + i, (int) (i % 3)));
        }
        return out;
    }

    /** The rows of a frame, over the table's columns, as a multiset of text. */
    private static Map<String, Integer> bag(DataFrame df) {
        Map<String, Integer> out = new HashMap<>();
        for (Row r : df.select("id", "v", "p").collect().rows()) {
            out.merge(r.values().toString(), 1, Integer::sum);
        }
        return out;
    }

    private static void apply(Map<String, Integer> bag, DataFrame rows, int sign) {
        for (Row r : rows.select("id", "v", "p").collect().rows()) {
            bag.merge(r.values().toString(), sign, Integer::sum);
        }
        bag.values().removeIf(n -> n == 0);
    }

    @ParameterizedTest
    @CsvSource({"true,none", "false,none", "true,name", "false,id"})
    void theFeedOfEveryVersionIsTheDifferenceOfItsSnapshots(boolean dv, String mapping, Spillway sw) throws Exception {
        Path t = dir.resolve("cdf-" + dv + "-" + mapping);
        Map<String, String> props = new HashMap<>(Map.of("delta.enableChangeDataFeed", "true",
                "delta.enableDeletionVectors", Boolean.toString(dv)));
        if (!mapping.equals("none")) {
            props.put("delta.columnMapping.mode", mapping);
        }
        sw.createDataFrame(SCHEMA, rows(0, 300)).writeDelta(t, SaveMode.APPEND,
                DeltaWriteOptions.defaults().withPartitionBy("p").withProperties(props));
        assertTrue(DeltaKernelOracle.writerFeatures(t, 0).contains("changeDataFeed"));
        DeltaTable table = DeltaTable.forPath(sw, t);
        table.delete(col("id").lt(20));
        table.update(col("id").geq(100).and(col("id").leq(119)), Map.of("v", lit("updated")));
        DataFrame src = sw.createDataFrame(Schema.of(new Field("id", DataType.INT64), new Field("v", DataType.STRING),
                new Field("p", DataType.INT32), new Field("gone", DataType.BOOL)), List.of(
                Arrays.asList(200L, "merged", 2, false), Arrays.asList(201L, null, 0, true), Arrays.asList(1000L, "new", 1, false)));
        table.merge(src, on("id")).whenMatched(col("source.gone")).delete().whenMatched().updateAll().whenNotMatched().insertAll()
                .execute();
        sw.createDataFrame(SCHEMA, rows(300, 310)).writeDelta(t.toString());
        long last = table.version();
        assertEquals(4, last);
        // the data-changing commits carry change data files
        for (long v = 1; v <= 3; v++) {
            String commit = Files.readString(t.resolve("_delta_log/%020d.json".formatted(v)));
            assertTrue(commit.contains("{\"cdc\":"), "version " + v + ": " + commit);
        }
        assertTrue(Files.isDirectory(t.resolve("_change_data")));
        for (long v = 1; v <= last; v++) {
            Map<String, Integer> expected = bag(table.asOfVersion(v - 1));
            DataFrame feed = table.changes(v, v);
            apply(expected, feed.filter(col("_change_type").eq("delete").or(col("_change_type").eq("update_preimage"))), -1);
            apply(expected, feed.filter(col("_change_type").eq("insert").or(col("_change_type").eq("update_postimage"))), 1);
            assertEquals(bag(table.asOfVersion(v)), expected, "version " + v);
        }
        // and exactly the rows each operation touched, by type
        DataFrame feed = table.changes(1, 3);
        assertEquals(20, feed.filter(col("_change_type").eq("delete").and(col("_commit_version").eq(1))).count());
        assertEquals(20, feed.filter(col("_change_type").eq("update_preimage").and(col("_commit_version").eq(2))).count());
        assertEquals(20, feed.filter(col("_change_type").eq("update_postimage").and(col("v").eq("updated"))).count());
        assertEquals(1, feed.filter(col("_change_type").eq("update_postimage").and(col("v").eq("merged"))).count());
        assertEquals(1, feed.filter(col("_change_type").eq("delete").and(col("_commit_version").eq(3))).count());
        assertEquals(1, feed.filter(col("_change_type").eq("insert").and(col("_commit_version").eq(3))).count());
        assertEquals(20 + 2 * 20 + 2 + 1 + 1, feed.count());
        // Kernel reads the table the change data files sit beside
        assertEquals(DeltaKernelOracle.read(t, last).size(), table.toDF().count());
    }
}
