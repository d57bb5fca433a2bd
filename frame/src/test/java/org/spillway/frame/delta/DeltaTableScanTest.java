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
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Expr;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * A Delta table's lazy frame ({@code toDF()}) opens no data file; a query opens only the footers of the files whose
 * statistics and partition values in the log allow its filter, and loads only their deletion vectors. Shown with
 * counters ({@code table.footersRead}, {@code table.filesSkipped}) and with files broken on disk that a filtered read
 * never touches while an unfiltered one fails naming them.
 */
@SpillwayTest
class DeltaTableScanTest {
    @TempDir
    Path dir;

    private static final Schema SCHEMA = Schema.of(new Field("x", DataType.INT64), new Field("k", DataType.STRING),
            new Field("v", DataType.FLOAT64));

    /** {@code files} appends of 10 rows each: append {@code i} holds x in [10 i, 10 i + 10), k = "k" + (i % 3). */
    private static Path table(Spillway sw, Path t, int files, DeltaWriteOptions options) {
        for (int i = 0; i < files; i++) {
            List<Object[]> rows = new ArrayList<>();
            for (int r = 0; r < 10; r++) {
                rows.add(new Object[] {i * 10L + r, "k" + (i % 3), r == 3 ? null : i + r / 10.0});
            }
            sw.createDataFrame(SCHEMA, rows).writeDelta(t, SaveMode.APPEND, options);
        }
        return t;
    }

    private static long counter(Spillway sw, String name) {
        return sw.counters().getOrDefault(name, 0L);
    }

    /** The data file of the append holding x = {@code x}. */
    private static Action.AddFile fileOf(Path t, long x) {
        Snapshot snap = Snapshot.load(new DeltaLog(t), new DeltaLog(t).commitVersions().last());
        for (Action.AddFile a : snap.addFiles()) {
            var st = DeltaStats.fileStats(snap, snap.schema(), a);
            int c = snap.schema().indexOf("x");
            if ((Long) st.column(c).min() <= x && x <= (Long) st.column(c).max()) {
                return a;
            }
        }
        throw new AssertionError("no file holds x = " + x);
    }

    private static TreeSet<Long> xs(DataFrame df) {
        TreeSet<Long> out = new TreeSet<>();
        for (Row r : df.select("x").rows()) {
            out.add((Long) r.get(0));
        }
        return out;
    }

    private static TreeSet<Long> range(long from, long to) {
        TreeSet<Long> out = new TreeSet<>();
        for (long i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    @Test
    void aFilterOpensOnlyTheFootersOfTheFilesItsStatisticsAllow(Spillway sw) throws Exception {
        Path t = table(sw, dir.resolve("t"), 100, DeltaWriteOptions.defaults());
        long footers = counter(sw, "table.footersRead");
        DataFrame df = DeltaTable.forPath(sw, t).toDF();
        assertEquals(List.of("x", "k", "v"), df.columns());
        assertEquals(footers, counter(sw, "table.footersRead"), "toDF() opens no file");
        String plan = df.filter(col("x").gt(955)).explainString();
        assertTrue(plan.contains("TableScan Delta table") && plan.contains("100 files, 1,000 rows") && plan.contains("pushed=(x > 955)"), plan);

        long skipped = counter(sw, "table.filesSkipped");
        assertEquals(range(956, 1000), xs(df.filter(col("x").gt(955))));
        assertEquals(footers + 5, counter(sw, "table.footersRead"), "the footers of the five files with x > 955 only");
        assertEquals(skipped + 95, counter(sw, "table.filesSkipped"));
        // the same query again reads no footer; another one reads only those it lacks
        assertEquals(44, df.filter(col("x").gt(955)).count());
        assertEquals(footers + 5, counter(sw, "table.footersRead"));
        assertEquals(15, df.filter(col("x").geq(940).and(col("x").lt(955))).count());
        assertEquals(footers + 6, counter(sw, "table.footersRead"));

        // count() of the whole table: from the log's record counts, no footer
        long fromLog = counter(sw, "table.countFromMetadata");
        assertEquals(1000, DeltaTable.forPath(sw, t).toDF().count());
        assertEquals(fromLog + 1, counter(sw, "table.countFromMetadata"));

        // a file the statistics exclude is never opened: broken on disk, the filtered read still works
        Path broken = new DeltaLog(t).table.resolve(fileOf(t, 0).path());
        Files.writeString(broken, "not parquet any more");
        DataFrame fresh = DeltaTable.forPath(sw, t).toDF();
        assertEquals(range(500, 1000), xs(fresh.filter(col("x").geq(500))));
        assertEquals(range(10, 20), xs(fresh.filter(col("x").geq(10).and(col("x").lt(20)))));
        assertEquals(500, fresh.filter(col("x").geq(500)).count());
        DeltaException e = assertThrows(DeltaException.class, () -> fresh.rows());
        assertTrue(e.getMessage().contains(broken.getFileName().toString()), e.getMessage());
        e = assertThrows(DeltaException.class, () -> fresh.filter(col("x").lt(5)).count());
        assertTrue(e.getMessage().contains(broken.getFileName().toString()), e.getMessage());
    }

    @Test
    void partitionValuesPruneFilesBeforeTheyAreOpened(Spillway sw) throws Exception {
        Path t = table(sw, dir.resolve("p"), 9, DeltaWriteOptions.defaults().withPartitionBy("k"));
        DataFrame df = DeltaTable.forPath(sw, t).toDF();
        assertEquals(List.of("x", "k", "v"), df.columns());
        // break every file of partition k1: reads of k0 and k2 never open them
        Snapshot snap = Snapshot.load(new DeltaLog(t), 8);
        int broken = 0;
        for (Action.AddFile a : snap.addFiles()) {
            if ("k1".equals(a.partitionValues().get("k"))) {
                Files.writeString(snap.filePath(a), "broken");
                broken++;
            }
        }
        assertEquals(3, broken);
        long footers = counter(sw, "table.footersRead");
        TreeSet<Long> expected = new TreeSet<>();
        for (int i = 0; i < 9; i += 3) {
            expected.addAll(range(i * 10L, i * 10L + 10));
        }
        assertEquals(expected, xs(df.filter(col("k").eq("k0"))));
        assertEquals(footers + 3, counter(sw, "table.footersRead"));
        assertEquals(60, df.filter(col("k").neq("k1")).count());
        assertEquals(footers + 6, counter(sw, "table.footersRead"));
        assertEquals(9, df.filter(col("k").eq("k2").and(col("x").geq(80)).and(col("v").isNotNull())).count());
        assertEquals(0, df.filter(col("k").isNull()).count());
        assertThrows(DeltaException.class, () -> df.filter(col("k").geq("k1")).count());
        assertEquals(90, df.count()); // from the log
    }

    @Test
    void deletionVectorsOfSkippedFilesAreNeverLoaded(Spillway sw) throws Exception {
        Path t = table(sw, dir.resolve("dv"), 4, DeltaWriteOptions.defaults().withProperties(Map.of("delta.enableDeletionVectors", "true")));
        DeltaTable table = DeltaTable.forPath(sw, t);
        // two commits: the vector of the file with x < 10 is a file of its own
        assertEquals(2, table.delete(col("x").eq(1L).or(col("x").eq(2L))));
        assertEquals(6, table.delete(col("x").gt(10).and(col("x").mod(10).eq(1).or(col("x").mod(10).eq(2)))));
        Action.AddFile first = fileOf(t, 0);
        assertTrue(first.deletionVector() != null && !first.deletionVector().storageType().equals("i"), first.toString());
        Path dv = DeletionVectors.dvPath(t, first.deletionVector());
        // count() from the log: record counts less the vectors' cardinalities, no vector read
        assertEquals(32, table.toDF().count());
        // break the deletion vector of the file with x < 10: reads that skip the file never load it
        byte[] bytes = Files.readAllBytes(dv);
        Files.write(dv, new byte[bytes.length]);
        DataFrame df = table.toDF();
        TreeSet<Long> expected = range(10, 40);
        expected.removeAll(List.of(11L, 12L, 21L, 22L, 31L, 32L));
        assertFalse(dv.equals(DeletionVectors.dvPath(t, fileOf(t, 10).deletionVector())));
        assertEquals(expected, xs(df.filter(col("x").geq(10))));
        assertEquals(24, df.filter(col("x").geq(10)).count());
        DeltaException e = assertThrows(DeltaException.class, () -> df.filter(col("x").lt(10)).rows());
        assertTrue(e.getMessage().contains("deletion vector"), e.getMessage());
        Files.write(dv, bytes);
        TreeSet<Long> all = range(0, 40);
        all.removeAll(List.of(1L, 2L, 11L, 12L, 21L, 22L, 31L, 32L));
        assertEquals(all, xs(table.toDF()));
    }

    /**
     * The tables Spark wrote (stats with truncated strings, millisecond timestamps, decimals, partitions, deletion
     * vectors, column mapping): filters at each column's own values (smallest, largest, some between; every comparison,
     * IS [NOT] NULL) give over the pruned scan what they give over the collected rows.
     */
    @Test
    void sparkWrittenStatisticsPruneSoundly(Spillway sw) throws Exception {
        Path golden = Path.of(DeltaTableScanTest.class.getResource("/delta-golden").toURI());
        List<Path> tables;
        try (var l = Files.list(golden)) {
            tables = l.filter(p -> Files.isDirectory(p.resolve("_delta_log"))).sorted().toList();
        }
        assertFalse(tables.isEmpty());
        long skipped = counter(sw, "table.filesSkipped");
        for (Path table : tables) {
            DataFrame df = DeltaTable.forPath(sw, table).toDF();
            DataFrame collected = df.collect();
            List<Row> all = collected.rows();
            for (String c : df.columns()) {
                List<Object> values = new ArrayList<>();
                for (Row r : all) {
                    if (r.get(c) instanceof Comparable<?> v && !values.contains(v)) {
                        values.add(v);
                    }
                }
                if (values.isEmpty()) {
                    continue;
                }
                values.sort(null);
                List<Expr> filters = new ArrayList<>(List.of(col(c).isNull(), col(c).isNotNull()));
                for (int k : new TreeSet<>(List.of(0, 1 % values.size(), values.size() / 3, values.size() / 2, values.size() - 1))) {
                    Object v = values.get(k);
                    filters.addAll(List.of(col(c).eq(v), col(c).lt(v), col(c).gt(v), col(c).leq(v), col(c).geq(v)));
                }
                for (Expr p : filters) {
                    assertEquals(lines(collected.filter(p)), lines(df.filter(p)), table.getFileName() + ": " + p);
                }
            }
        }
        assertTrue(counter(sw, "table.filesSkipped") > skipped, "no golden table's file was skipped");
    }

    private static List<String> lines(DataFrame df) {
        return GoldenRows.lines(df);
    }

    @Test
    void deletesAndMergesStillSkipFilesByTheLog(Spillway sw) throws Exception {
        Path t = table(sw, dir.resolve("m"), 10, DeltaWriteOptions.defaults());
        Snapshot snap = Snapshot.load(new DeltaLog(t), 9);
        Expr cond = col("x").geq(35).and(col("x").lt(52));
        List<Action.AddFile> kept = DeltaStats.prune(snap, snap.addFiles(), cond);
        assertEquals(3, kept.size());
        // a file the condition cannot touch is gone from disk: the delete never opens it
        Files.delete(new DeltaLog(t).table.resolve(fileOf(t, 0).path()));
        assertEquals(17, DeltaTable.forPath(sw, t).delete(cond));
    }
}
