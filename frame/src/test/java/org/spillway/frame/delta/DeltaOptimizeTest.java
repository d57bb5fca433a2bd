package org.spillway.frame.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.DeltaKernelOracle;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * {@link DeltaTable#optimize()}: small appends compacted into one file per partition, deletion vectors
 * folded, the rows and older versions unchanged (for Spillway and Delta Kernel), no change feed for the
 * commit, the partition predicate, and the conflict with a concurrent delete.
 */
@SpillwayTest
class DeltaOptimizeTest {
    @TempDir
    Path dir;

    private static final Schema S = Schema.of(new Field("id", DataType.INT64), new Field("k", DataType.STRING),
            new Field("v", DataType.FLOAT64));

    private static List<String> ours(DataFrame df) {
        List<String> out = new ArrayList<>();
        for (Row r : df.collect().rows()) {
            out.add(r.values().toString());
        }
        out.sort(null);
        return out;
    }

    private static List<String> kernel(Path t, long v) {
        List<String> out = new ArrayList<>();
        DeltaKernelOracle.read(t, v).forEach(r -> out.add(r.toString()));
        out.sort(null);
        return out;
    }

    /** {@code appends} small appends of 30 rows over partitions a, b, c and null. */
    private static DeltaTable table(Spillway sw, Path t, int appends, Map<String, String> props) {
        for (int i = 0; i < appends; i++) {
            List<Object[]> rows = new ArrayList<>();
            for (int j = 0; j < 30; j++) {
                long id = i * 100L + j;
                rows.add(new Object[] {id, j % 4 == 3 ? null : String.valueOf((char) ('a' + j % 4)), id * 0.5});
            }
            sw.createDataFrame(S, rows).writeDelta(t, SaveMode.APPEND, DeltaWriteOptions.defaults().withPartitionBy("k")
                    .withProperties(props));
        }
        return DeltaTable.forPath(sw, t);
    }

    private static List<Action.AddFile> files(Path t) {
        DeltaLog log = new DeltaLog(t);
        return Snapshot.load(log, log.commitVersions().last()).addFiles();
    }

    @Test
    void compactsSmallAppendsIntoOneFilePerPartitionAndFoldsDeletionVectors(Spillway sw) {
        Path t = dir.resolve("t");
        DeltaTable table = table(sw, t, 6, Map.of("delta.enableDeletionVectors", "true"));
        assertEquals(1, table.delete(col("id").eq(101L)));   // a deletion vector in partition b
        assertEquals(6, table.delete(col("id").mod(100).eq(7L)));
        long before = table.version();
        List<String> rows = ours(table.toDF());
        assertEquals(6 * 30 - 7, rows.size());
        assertEquals(24, files(t).size());
        assertTrue(files(t).stream().anyMatch(a -> a.deletionVector() != null));

        OptimizeResult r = table.optimize();
        assertEquals(before + 1, r.version());
        assertEquals(before + 1, table.version());
        assertEquals(4, r.numPartitionsOptimized());
        assertEquals(24, r.numRemovedFiles());
        assertEquals(4, r.numAddedFiles());
        assertTrue(r.numDeletionVectorsRemoved() >= 2, r.toString());
        List<Action.AddFile> after = files(t);
        assertEquals(4, after.size(), after.toString());
        assertTrue(after.stream().allMatch(a -> a.deletionVector() == null && !a.dataChange()), after.toString());
        assertEquals(after.stream().mapToLong(Action.AddFile::size).sum(), r.numAddedBytes());
        // the same rows, for Spillway and for Kernel, now and before
        assertEquals(rows, ours(table.toDF()));
        assertEquals(rows, kernel(t, r.version()));
        assertEquals(rows, ours(table.asOfVersion(before)));
        assertEquals(kernel(t, before), ours(table.asOfVersion(before)));
        assertEquals(4, DeltaKernelOracle.dataFiles(t, r.version()).size());
        assertTrue(DeltaKernelOracle.dataFiles(t, r.version()).stream().noneMatch(DeltaKernelOracle.DataFile::deletionVector));
        // the commit: OPTIMIZE with its metrics, changing no data
        Row h = table.history().collect().rows().getFirst();
        assertEquals("OPTIMIZE", h.getString("operation"));
        assertEquals(before, h.getLong("readVersion"));
        assertFalse(h.getBoolean("isBlindAppend"));
        String metrics = h.getString("operationMetrics");
        assertTrue(metrics.contains("\"numRemovedFiles\":\"24\"") && metrics.contains("\"numAddedFiles\":\"4\"")
                && metrics.contains("\"numRemovedBytes\"") && metrics.contains("\"numAddedBytes\""), metrics);
        for (Action a : new DeltaLog(t).readCommit(r.version())) {
            assertTrue(!(a instanceof Action.AddFile add) || !add.dataChange(), a.toString());
            assertTrue(!(a instanceof Action.RemoveFile rm) || !rm.dataChange(), a.toString());
        }
        assertEquals(0, table.changes(r.version(), r.version()).count());
        DataFrame feed = table.changes(before, r.version());
        assertEquals(0, feed.filter(col("_commit_version").eq(r.version())).count());
        assertEquals(6, feed.filter(col("_commit_version").eq(before)).count());
        // a second optimize has nothing to do: one file per partition, no deletion vector
        OptimizeResult again = table.optimize();
        assertEquals(-1, again.version());
        assertEquals(0, again.numRemovedFiles());
        assertEquals(r.version(), table.version());
    }

    @Test
    void withoutDeletionVectorsAndAfterAppendsTheRowsStay(Spillway sw) {
        Path t = dir.resolve("plain");
        DeltaTable table = table(sw, t, 3, Map.of());
        table.delete(col("id").lt(5L)); // copy-on-write
        List<String> rows = ours(table.toDF());
        OptimizeResult r = table.optimize();
        assertEquals(4, files(t).size());
        assertEquals(rows, ours(table.toDF()));
        assertEquals(rows, kernel(t, r.version()));
    }

    @Test
    void thePartitionPredicateSelectsPartitionsAndMayReadOnlyPartitionColumns(Spillway sw) {
        Path t = dir.resolve("pred");
        DeltaTable table = table(sw, t, 4, Map.of());
        List<String> rows = ours(table.toDF());
        OptimizeResult r = table.optimize(col("k").eq("a").or(col("k").eq("b")));
        assertEquals(2, r.numPartitionsOptimized());
        assertEquals(8, r.numRemovedFiles());
        assertEquals(2, r.numAddedFiles());
        Map<String, Long> perPartition = new java.util.TreeMap<>();
        for (Action.AddFile a : files(t)) {
            perPartition.merge(String.valueOf(a.partitionValues().get("k")), 1L, Long::sum);
        }
        assertEquals(Map.of("a", 1L, "b", 1L, "c", 4L, "null", 4L), perPartition);
        assertEquals(rows, ours(table.toDF()));
        assertTrue(table.history().collect().rows().getFirst().getString("operationParameters").contains("predicate"));
        // the null partition through isNull
        assertEquals(1, table.optimize(col("k").isNull()).numPartitionsOptimized());
        DeltaException e = assertThrows(DeltaException.class, () -> table.optimize(col("id").gt(3L)));
        assertTrue(e.getMessage().contains("'id'") || e.getMessage().contains("[id]"), e.getMessage());
        assertTrue(e.getMessage().contains("partition column"), e.getMessage());
        assertEquals(rows, kernel(t, table.version()));
    }

    @Test
    void aConcurrentDeleteOfAFileItRewroteFailsTheOptimizeButAppendsDoNot(Spillway sw) throws Exception {
        Path t = dir.resolve("conflict");
        DeltaTable table = table(sw, t, 3, Map.of("delta.enableDeletionVectors", "true"));
        DeltaLog log = new DeltaLog(t);
        long before = table.version();
        List<Path> dataBefore = dataFiles(t);
        // a delete (a deletion vector on a file the optimize read) lands between its read and its commit
        ConcurrentDeleteReadException e = assertThrows(ConcurrentDeleteReadException.class,
                () -> DeltaOptimize.run(sw, log, null, () -> table.delete(col("id").eq(1L))));
        assertTrue(e.getMessage().contains("version " + (before + 1)), e.getMessage());
        assertEquals(before + 1, table.version());
        assertEquals("DELETE", table.history().collect().rows().getFirst().getString("operation"));
        assertEquals(dataBefore, dataFiles(t)); // the optimize's files are gone again
        assertEquals(3 * 30 - 1, table.toDF().count());
        // a blind append in between does not conflict: both land
        OptimizeResult r = DeltaOptimize.run(sw, log, null, () -> sw.createDataFrame(S, List.<Object[]>of(new Object[] {9999L, "a", 1.0}))
                .writeDelta(t.toString()));
        assertEquals(before + 3, r.version());
        assertEquals(3 * 30, table.toDF().count());
        assertEquals(5, files(t).size()); // four compacted partitions and the appended file
        // a delete in a partition the optimize does not touch does not conflict either
        OptimizeResult p = DeltaOptimize.run(sw, log, col("k").eq("a"), () -> table.delete(col("k").eq("c").and(col("id").eq(2L))));
        assertTrue(p.version() > 0);
        assertEquals(3 * 30 - 1, table.toDF().count());
        assertEquals(kernel(t, table.version()), ours(table.toDF()));
    }

    private static List<Path> dataFiles(Path t) throws java.io.IOException {
        try (Stream<Path> s = Files.walk(t)) {
            return s.filter(p -> p.toString().endsWith(".parquet") && !p.toString().contains("_delta_log")).sorted().toList();
        }
    }

    @Test
    void binsArePackedByAscendingSizeUpToTheTarget() {
        Action.DeletionVector dv = new Action.DeletionVector("u", "x", 1, 10, 2);
        List<Action.AddFile> files = List.of(file("a", 30, null), file("b", 10, null), file("c", 500, null), file("d", 20, null),
                file("e", 45, null), file("f", 900, dv));
        List<List<String>> bins = DeltaOptimize.bins(files, 50).stream().map(b -> b.stream().map(Action.AddFile::path).toList())
                .toList();
        // b+d+... (10, 20) fill one bin, a (30) overflows it and e (45) too: single files without DV stay; f has a DV
        assertEquals(List.of(List.of("b", "d"), List.of("f")), bins);
        assertEquals(List.of(), DeltaOptimize.bins(List.of(file("x", 10, null)), 50));
    }

    private static Action.AddFile file(String path, long size, Action.DeletionVector dv) {
        return new Action.AddFile(path, Map.of(), size, 0, true, null, null, dv);
    }
}
