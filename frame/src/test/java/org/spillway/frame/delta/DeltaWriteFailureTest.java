package org.spillway.frame.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.lit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * A full disk while a commit or its data files are written: the operation fails with a
 * {@link DeltaException} naming the table and version (or the I/O error of the data file), nothing of
 * it becomes visible, its temporary and data files are removed, and the table reads, and is written
 * on, from the previous version.
 */
@SpillwayTest
class DeltaWriteFailureTest {
    @TempDir
    Path dir;

    /** Every file under the table, relative (the log's included). */
    static Set<String> files(Path t) throws IOException {
        try (Stream<Path> s = Files.walk(t)) {
            return s.filter(Files::isRegularFile).map(p -> t.relativize(p).toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void aCommitThatCannotBeWrittenLeavesNothingBehind(Spillway sw) throws Exception {
        for (boolean dv : new boolean[] {true, false}) {
            Path t = DeltaBadInputTest.table(sw, dir.resolve("t" + dv), 2,
                    dv ? Map.of("delta.enableDeletionVectors", "true") : Map.of());
            Path table = t.toAbsolutePath().normalize();
            Set<String> before = files(t);
            // the disk fills up halfway through the commit's temporary file
            DeltaLog.beforePublish = (log, version, tmp) -> {
                if (log.table.equals(table)) {
                    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                        ch.truncate(ch.size() / 2);
                    }
                    throw new IOException("No space left on device");
                }
            };
            try {
                DeltaTable dt = DeltaTable.forPath(sw, t);
                DataFrame more = sw.createDataFrame(DeltaBadInputTest.SCHEMA, List.<Object[]>of(new Object[] {100L, "x"}));
                DataFrame source = sw.createDataFrame(DeltaBadInputTest.SCHEMA, List.of(new Object[] {1L, "new"},
                        new Object[] {200L, "ins"}));
                List<Runnable> ops = List.of(() -> more.writeDelta(t.toString()),
                        () -> more.writeDelta(t, SaveMode.OVERWRITE, DeltaWriteOptions.defaults()),
                        () -> dt.delete(col("id").lt(5L)),
                        () -> dt.update(col("id").eq(12L), Map.of("s", lit("u"))),
                        () -> dt.merge(source, org.spillway.frame.Functions.on("id")).whenMatched().updateAll()
                                .whenNotMatched().insertAll().execute(),
                        () -> dt.addColumn("extra", org.spillway.spill.DataType.INT32));
                for (Runnable op : ops) {
                    DeltaException e = assertThrows(DeltaException.class, op::run);
                    DeltaBadInputTest.names(e, table, "version 2", "No space left on device", "unchanged");
                    assertEquals(before, files(t), "nothing is left behind: no commit, no temporary file, no data file");
                    assertEquals(DeltaBadInputTest.range(0, 20), DeltaBadInputTest.ids(sw, t, 1));
                }
            } finally {
                DeltaLog.beforePublish = null;
            }
            // the disk has room again: the next write is version 2
            DeltaTable.forPath(sw, t).delete(col("id").lt(5L));
            assertEquals(DeltaBadInputTest.range(5, 20), DeltaBadInputTest.ids(sw, t, 2));
        }
    }

    /**
     * A real full disk: a 2 MiB tmpfs (needs root and {@code mount}; skipped elsewhere) holding the table,
     * and an append of about 3 MiB of incompressible strings.
     */
    @Test
    void aFullDiskWhileWritingDataFiles(Spillway sw) throws Exception {
        Path disk = dir.resolve("disk");
        Files.createDirectories(disk);
        assumeTrue("root".equals(System.getProperty("user.name")) && run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs",
                disk.toString()), "needs root and mount for a small tmpfs");
        try {
            Path t = DeltaBadInputTest.table(sw, disk.resolve("t"), 2, Map.of("delta.checkpointInterval", "3"));
            Set<String> before = files(t);
            Random rnd = new Random(1);
            List<Object[]> rows = new ArrayList<>();
            for (int i = 0; i < 30_000; i++) {
                StringBuilder sb = new StringBuilder();
                for (int k = 0; k < 100; k++) {
                    sb.append((char) ('!' + rnd.nextInt(90)));
                }
                rows.add(new Object[] {1000L + i, sb.toString()});
            }
            DataFrame big = sw.createDataFrame(DeltaBadInputTest.SCHEMA, rows);
            RuntimeException e = assertThrows(RuntimeException.class, () -> big.writeDelta(t.toString()));
            assertTrue(String.valueOf(e.getMessage()).contains("No space left on device")
                    || e.getCause() != null && String.valueOf(e.getCause().getMessage()).contains("No space left"), e.toString());
            assertEquals(before, files(t), "nothing is left behind");
            assertEquals(DeltaBadInputTest.range(0, 20), DeltaBadInputTest.ids(sw, t, 1));
            // a small write still fits: version 2, then a checkpoint is due at 3 (it fits too, or is skipped)
            DeltaBadInputTest.table(sw, t, 2, Map.of());
            assertEquals(40, sw.readDelta(t.toString()).count());
            assertEquals(Set.of(0L, 1L, 2L, 3L), new DeltaLog(t).commitVersions());
            try (Stream<Path> s = Files.list(new DeltaLog(t).dir)) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files");
            }
        } finally {
            run("umount", disk.toString());
        }
    }

    private static boolean run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
