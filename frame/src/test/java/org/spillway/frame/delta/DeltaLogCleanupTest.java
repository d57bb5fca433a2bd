package org.spillway.frame.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.parquet.ParquetRecords;
import org.spillway.frame.testkit.DeltaKernelOracle;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * Metadata cleanup after checkpoints ({@code delta.logRetentionDuration}), and the tombstones
 * ({@code remove} actions) checkpoints carry, read back by Delta Kernel and by Spillway.
 */
@SpillwayTest
class DeltaLogCleanupTest {
    @TempDir
    Path dir;

    private static final Schema S = Schema.of(new Field("id", DataType.INT64), new Field("k", DataType.STRING));

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

    private static void append(Spillway sw, Path t, long id, Map<String, String> props) {
        sw.createDataFrame(S, List.<Object[]>of(new Object[] {id, "k" + (id % 2)}, new Object[] {id + 1000, "k" + (id % 2)}))
                .writeDelta(t, SaveMode.APPEND, DeltaWriteOptions.defaults().withPartitionBy("k").withProperties(props));
    }

    /** The log's file names, without temporary files and {@code _last_checkpoint}. */
    private static Set<String> log(Path t) throws Exception {
        try (Stream<Path> s = Files.list(t.resolve("_delta_log"))) {
            return new TreeSet<>(s.map(p -> p.getFileName().toString()).filter(n -> Character.isDigit(n.charAt(0))).toList());
        }
    }

    private static String json(long v) {
        return String.format("%020d.json", v);
    }

    private static String checkpoint(long v) {
        return String.format("%020d.checkpoint.parquet", v);
    }

    @Test
    void commitsBehindAnExpiredCheckpointAreDeletedAndTheLatestVersionsRead(Spillway sw) throws Exception {
        Path t = dir.resolve("zero");
        Map<String, String> props = Map.of("delta.checkpointInterval", "2", "delta.logRetentionDuration", "interval 0 seconds");
        for (long v = 0; v <= 5; v++) {
            append(sw, t, v, props);
        }
        // checkpoints at 2 and 4: at 4, everything before its checkpoint went (the checkpoint of 2 included)
        assertEquals(Set.of(json(4), checkpoint(4), json(5)), log(t));
        DeltaTable table = DeltaTable.forPath(sw, t);
        assertEquals(5, table.version());
        assertEquals(12, table.toDF().count());
        assertEquals(kernel(t, 5), ours(table.toDF()));
        assertEquals(kernel(t, 4), ours(table.asOfVersion(4)));
        DeltaException e = assertThrows(DeltaException.class, () -> table.asOfVersion(3).count());
        assertTrue(e.getMessage().contains("cleaned up"), e.getMessage());
        assertEquals(2, table.history().count());
    }

    @Test
    void onlyFilesOlderThanTheRetentionAndBeforeTheirCheckpointGo(Spillway sw) throws Exception {
        Path t = dir.resolve("hour");
        Map<String, String> props = Map.of("delta.checkpointInterval", "3", "delta.logRetentionDuration", "interval 1 hour");
        for (long v = 0; v <= 5; v++) {
            append(sw, t, v, props);
        }
        Set<String> all = log(t);
        assertTrue(all.contains(json(0)) && all.contains(checkpoint(3)), all.toString()); // nothing expired yet
        // versions 0 to 4 (and the checkpoint of 3) are two hours old; 5 is new
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 2 * 3_600_000L);
        for (long v = 0; v <= 4; v++) {
            Files.setLastModifiedTime(t.resolve("_delta_log").resolve(json(v)), old);
        }
        Files.setLastModifiedTime(t.resolve("_delta_log").resolve(checkpoint(3)), old);
        append(sw, t, 6, props); // checkpoint of 6, then the cleanup: the cutoff commit is 4, its checkpoint 3
        assertEquals(Set.of(checkpoint(3), json(3), json(4), json(5), checkpoint(6), json(6)), log(t));
        DeltaTable table = DeltaTable.forPath(sw, t);
        for (long v = 3; v <= 6; v++) {
            assertEquals(kernel(t, v), ours(table.asOfVersion(v)), "version " + v);
        }
        DeltaException e = assertThrows(DeltaException.class, () -> table.asOfVersion(2).count());
        assertTrue(e.getMessage().contains("cleaned up"), e.getMessage());
    }

    @Test
    void noCleanupWhenDisabledOrWithinTheDefaultRetention(Spillway sw) throws Exception {
        Path off = dir.resolve("off");
        Path dflt = dir.resolve("default");
        for (long v = 0; v <= 4; v++) {
            append(sw, off, v, Map.of("delta.checkpointInterval", "2", "delta.logRetentionDuration", "interval 0 seconds",
                    "delta.enableExpiredLogCleanup", "false"));
            append(sw, dflt, v, Map.of("delta.checkpointInterval", "2"));
        }
        for (Path t : List.of(off, dflt)) {
            Set<String> names = log(t);
            for (long v = 0; v <= 4; v++) {
                assertTrue(names.contains(json(v)), t + ": " + names);
            }
            assertTrue(names.contains(checkpoint(2)) && names.contains(checkpoint(4)), names.toString());
        }
        // the default retention is 30 days, rounded down to midnight UTC
        DeltaLog log = new DeltaLog(dflt);
        long now = java.time.Instant.parse("2025-03-31T15:00:00Z").toEpochMilli();
        assertEquals(java.time.Instant.parse("2025-03-01T00:00:00Z").toEpochMilli(), LogCleanup.cutoff(Snapshot.load(log, 4), now));
    }

    @Test
    void vacuumKnowsWhenAFileWasRemovedAfterItsCommitWasCleanedUp(Spillway sw) throws Exception {
        Path t = dir.resolve("vacuum");
        Map<String, String> props = Map.of("delta.checkpointInterval", "2", "delta.logRetentionDuration", "interval 0 seconds",
                "delta.deletedFileRetentionDuration", "interval 1 hours");
        append(sw, t, 0, props);
        DeltaTable table = DeltaTable.forPath(sw, t);
        Path file = Snapshot.load(new DeltaLog(t), 0).filePath(Snapshot.load(new DeltaLog(t), 0).addFiles().getFirst());
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - 2 * 3_600_000L)); // written long ago
        table.delete();          // v1 removes it now
        append(sw, t, 1, props); // v2: checkpoint, and the commits that removed it are cleaned up
        assertFalse(log(t).contains(json(1)));
        assertEquals(List.of(), table.vacuum()); // removed within the hour: the checkpoint's tombstone says so
        assertTrue(Files.exists(file));
        assertEquals(List.of(file.toAbsolutePath().normalize()), table.vacuum(java.time.Duration.ZERO, false));
        assertEquals(2, table.toDF().count());
    }

    @Test
    void checkpointsCarryRecentTombstonesThatKernelAndSpillwayReadPast(Spillway sw) throws Exception {
        Path t = dir.resolve("tomb");
        Map<String, String> props = Map.of("delta.checkpointInterval", "4", "delta.enableDeletionVectors", "true",
                "delta.logRetentionDuration", "interval 0 seconds");
        for (long v = 0; v <= 2; v++) {
            append(sw, t, v, props);
        }
        DeltaTable table = DeltaTable.forPath(sw, t);
        // one file per append: v0 and v2 in partition k0, v1 in k1
        table.delete(col("id").eq(1000L));  // v3: a deletion vector on v0's file (its key without one is a tombstone)
        table.optimize();                   // v4: compacts k0 (v1's lone file stays); checkpoint of 4
        assertEquals(4, table.version());
        List<Map<String, Object>> rows = ParquetRecords.read(t.resolve("_delta_log").resolve(checkpoint(4)), Set.of("add", "remove"));
        List<Map<?, ?>> removes = new ArrayList<>();
        long adds = 0;
        for (Map<String, Object> r : rows) {
            if (r.get("remove") instanceof Map<?, ?> m) {
                removes.add(m);
            }
            adds += r.get("add") != null ? 1 : 0;
        }
        assertEquals(2, adds); // the compacted file of k0, v1's file
        assertEquals(3, removes.size(), removes.toString()); // v0's file without and with its DV, v2's file
        for (Map<?, ?> m : removes) {
            assertEquals(false, m.get("dataChange"));
            assertTrue(((Long) m.get("deletionTimestamp")) > System.currentTimeMillis() - 60_000, m.toString());
        }
        assertEquals(1, removes.stream().filter(m -> m.get("deletionVector") != null).count());
        // the commits before the checkpoint are gone: both read the table from it (its tombstones skipped)
        assertFalse(log(t).contains(json(3)));
        assertEquals(5, table.toDF().count());
        assertEquals(kernel(t, 4), ours(table.toDF()));
        // the next checkpoint keeps the tombstones (from the previous checkpoint) and adds the newer ones
        for (long v = 10; v < 14; v++) {
            append(sw, t, v, props);
        }
        table.delete(col("id").eq(10L)); // v9, after the checkpoint of 8 (whose cleanup deleted the checkpoint of 4)
        assertEquals(Set.of(checkpoint(8), json(8), json(9)), log(t));
        assertEquals(kernel(t, table.version()), ours(table.toDF()));
        List<Action.RemoveFile> now = CheckpointWriter.tombstones(Snapshot.load(new DeltaLog(t), table.version()),
                System.currentTimeMillis());
        assertEquals(4, now.size(), now.toString()); // the three carried through the checkpoint of 8, and v9's
        assertTrue(now.stream().noneMatch(Action.RemoveFile::dataChange));
        // expired tombstones are dropped
        assertEquals(List.of(), CheckpointWriter.tombstones(Snapshot.load(new DeltaLog(t), table.version()),
                System.currentTimeMillis() + 8 * 86_400_000L));
    }
}
