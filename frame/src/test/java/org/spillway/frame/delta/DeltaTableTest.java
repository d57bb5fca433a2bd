package org.spillway.frame.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
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
 * Delta tables Spillway writes, checked by Delta Kernel (the oracle reads every version Spillway writes
 * and gets the same rows), and tables Kernel writes, read by Spillway; time travel, overwrite, schema
 * enforcement and merging, partitions, idempotent and concurrent writes, and history.
 */
@SpillwayTest
class DeltaTableTest {
    @TempDir
    Path dir;

    private static final Schema SCHEMA = Schema.of(new Field("id", DataType.INT64), new Field("name", DataType.STRING),
            new Field("n", DataType.INT32), new Field("x", DataType.FLOAT64), new Field("ok", DataType.BOOL),
            new Field("d", DataType.DATE), new Field("ts", DataType.TIMESTAMP), new Field("price", DataType.decimal(10, 2)),
            new Field("big", DataType.decimal(30, 4)), new Field("bin", DataType.BINARY));

    private static List<Object> row(Object... v) {
        return Arrays.asList(v);
    }

    private static List<List<Object>> rows(long from, long to) {
        List<List<Object>> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            boolean nul = i % 7 == 3;
            out.add(row(i, nul ? null : "name-" + (i % 13), nul ? null : (int) (i % 100) - 50, nul ? null : i * 0.5,
                    nul ? null : i % 2 == 0, nul ? null : LocalDate.of(2024, 1, 1).plusDays(i % 400),
                    nul ? null : Instant.parse("2024-01-01T00:00:00Z").plusMillis(i * 1_234_567L),
                    nul ? null : BigDecimal.valueOf(i * 37 - 5000, 2), nul ? null : new BigDecimal("12345678901234567890.1234").add(
                            BigDecimal.valueOf(i)).negate(), nul ? null : new byte[] {(byte) i, 1, 2}));
        }
        return out;
    }

    /** Spillway's rows in the oracle's normal form (int32 as long, binary as hex), as sorted text. */
    private static List<String> ours(DataFrame df) {
        List<String> out = new ArrayList<>();
        for (Row r : df.collect().rows()) {
            List<Object> v = new ArrayList<>();
            for (Object o : r.values()) {
                v.add(o instanceof Integer i ? (Object) (long) i : o instanceof byte[] b ? HexFormat.of().formatHex(b) : o);
            }
            out.add(v.toString());
        }
        out.sort(null);
        return out;
    }

    private static List<String> kernel(Path table, long version) {
        List<String> out = new ArrayList<>();
        for (List<Object> r : DeltaKernelOracle.read(table, version)) {
            out.add(r.toString());
        }
        out.sort(null);
        return out;
    }

    private static List<String> text(List<List<Object>> rows) {
        List<String> out = new ArrayList<>();
        for (List<Object> r : rows) {
            List<Object> v = new ArrayList<>();
            for (Object o : r) {
                v.add(o instanceof Integer i ? (Object) (long) i : o instanceof byte[] b ? HexFormat.of().formatHex(b) : o);
            }
            out.add(v.toString());
        }
        out.sort(null);
        return out;
    }

    @Test
    void kernelReadsEveryVersionSpillwayWritesAndTimeTravelWorks(Spillway sw) {
        Path t = dir.resolve("events");
        sw.createDataFrame(SCHEMA, rows(0, 500)).writeDelta(t.toString());
        sw.createDataFrame(SCHEMA, rows(500, 800)).writeDelta(t.toString());
        DeltaTable table = DeltaTable.forPath(sw, t);
        assertEquals(1, table.version());
        assertEquals(1, DeltaKernelOracle.latestVersion(t));
        List<List<Object>> all = new ArrayList<>(rows(0, 500));
        assertEquals(text(all), kernel(t, 0));
        assertEquals(text(all), ours(table.asOfVersion(0)));
        all.addAll(rows(500, 800));
        assertEquals(text(all), kernel(t, 1));
        assertEquals(text(all), ours(sw.readDelta(t.toString())));
        assertEquals(800, table.toDF().count());
        assertEquals(DeltaKernelOracle.schemaJson(t, 1), DeltaSchemas.toJson(SCHEMA));
        // the stats we wrote: numRecords per file add up
        long n = 0;
        for (DeltaKernelOracle.DataFile f : DeltaKernelOracle.dataFiles(t, 1)) {
            assertTrue(f.stats().contains("\"numRecords\""), f.stats());
            n += Long.parseLong(f.stats().replaceAll(".*\"numRecords\":(\\d+).*", "$1"));
        }
        assertEquals(800, n);
        // pushdown through the snapshot's files: a filter on the data
        assertEquals(kernel(t, 1).stream().filter(s -> s.startsWith("[7")).count(),
                table.toDF().filter(col("id").cast(DataType.STRING).startsWith("7")).count());
        // history, newest first
        List<Row> h = table.history().collect().rows();
        assertEquals(List.of(1L, 0L), h.stream().map(r -> r.getLong("version")).toList());
        assertEquals("WRITE", h.getFirst().getString("operation"));
        assertTrue(h.getFirst().getString("operationMetrics").contains("\"numOutputRows\":\"300\""), h.getFirst().toString());
        // time travel by timestamp: at the second commit's time, version 1; before the first, an error
        Instant second = (Instant) h.getFirst().get("timestamp");
        assertEquals(1, table.versionAt(second));
        DeltaException before = assertThrows(DeltaException.class, () -> table.asOfTimestamp(Instant.parse("2000-01-01T00:00:00Z")));
        assertTrue(before.getMessage().contains("no version at or before"), before.getMessage());
        DeltaException missing = assertThrows(DeltaException.class, () -> table.asOfVersion(5));
        assertTrue(missing.getMessage().contains("version 5 does not exist"), missing.getMessage());
    }

    @Test
    void partitionedTablesRoundTripWithKernel(Spillway sw) {
        Path t = dir.resolve("parts");
        Schema s = Schema.of(new Field("id", DataType.INT64), new Field("country", DataType.STRING), new Field("day", DataType.DATE),
                new Field("v", DataType.FLOAT64));
        List<List<Object>> data = new ArrayList<>();
        for (long i = 0; i < 300; i++) {
            data.add(row(i, i % 11 == 0 ? null : new String[] {"DE", "a b/c", "100%", "é"}[(int) (i % 4)],
                    LocalDate.of(2024, 1, 1 + (int) (i % 3)), i * 1.5));
        }
        sw.createDataFrame(s, data).writeDelta(t, SaveMode.APPEND, DeltaWriteOptions.defaults().withPartitionBy("country", "day"));
        assertEquals(List.of("country", "day"), DeltaKernelOracle.partitionColumns(t, 0));
        assertEquals(text(data), kernel(t, 0));
        assertEquals(text(data), ours(sw.readDelta(t.toString())));
        assertEquals(s.names(), sw.readDelta(t.toString()).schema().names());
        assertEquals(data.stream().filter(r -> "a b/c".equals(r.get(1))).count(),
                sw.readDelta(t.toString()).filter(col("country").eq("a b/c")).count());
        // another partitioning is refused
        DeltaException e = assertThrows(DeltaException.class, () -> sw.createDataFrame(s, data).writeDelta(t, SaveMode.APPEND,
                DeltaWriteOptions.defaults().withPartitionBy("day")));
        assertTrue(e.getMessage().contains("partitioned by [country, day]"), e.getMessage());
    }

    @Test
    void spillwayReadsWhatKernelWrites(Spillway sw) {
        Path t = dir.resolve("kernel");
        DeltaKernelOracle.TableSchema ks = DeltaKernelOracle.TableSchema.of("id long", "k string", "amount decimal(12,3)",
                "at timestamp_ntz", "day date").partitionedBy("k");
        List<List<Object>> data = new ArrayList<>();
        for (long i = 0; i < 200; i++) {
            data.add(row(i, i % 5 == 0 ? null : "k" + (i % 3), BigDecimal.valueOf(i * 1001, 3),
                    LocalDateTime.of(2024, 2, 3, 4, 5).plusSeconds(i), LocalDate.of(2023, 12, 31).plusDays(i)));
        }
        DeltaKernelOracle.appendRows(t, ks, data.subList(0, 120));
        DeltaKernelOracle.appendRows(t, ks, data.subList(120, 200));
        assertEquals(text(data.subList(0, 120)), ours(DeltaTable.forPath(sw, t).asOfVersion(0)));
        assertEquals(kernel(t, 1), ours(sw.readDelta(t.toString())));
        // and Spillway appends to Kernel's table, which Kernel then reads
        sw.readDelta(t.toString()).filter(col("id").lt(10)).writeDelta(t.toString());
        assertEquals(ours(sw.readDelta(t.toString())), kernel(t, 2));
        assertEquals(210, sw.readDelta(t.toString()).count());
    }

    @Test
    void overwriteReplacesTheRowsAndOldVersionsStayReadable(Spillway sw) {
        Path t = dir.resolve("ow");
        sw.createDataFrame(SCHEMA, rows(0, 100)).writeDelta(t.toString());
        sw.createDataFrame(SCHEMA, rows(1000, 1010)).writeDelta(t.toString(), SaveMode.OVERWRITE);
        assertEquals(text(rows(1000, 1010)), kernel(t, 1));
        assertEquals(text(rows(0, 100)), ours(DeltaTable.forPath(sw, t).asOfVersion(0)));
        assertEquals(text(rows(0, 100)), kernel(t, 0));
        DeltaException e = assertThrows(DeltaException.class,
                () -> sw.createDataFrame(SCHEMA, rows(0, 1)).writeDelta(t.toString(), SaveMode.ERROR_IF_EXISTS));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        sw.createDataFrame(SCHEMA, rows(0, 1)).writeDelta(t.toString(), SaveMode.IGNORE);
        assertEquals(1, DeltaTable.forPath(sw, t).version());
        // overwrite with a new schema only when asked
        DataFrame other = sw.createDataFrame(Schema.of(new Field("z", DataType.STRING)), List.of(row("a"), row("b")));
        assertThrows(DeltaException.class, () -> other.writeDelta(t.toString(), SaveMode.OVERWRITE));
        other.writeDelta(t, SaveMode.OVERWRITE, DeltaWriteOptions.defaults().withOverwriteSchema(true));
        assertEquals(List.of("[a]", "[b]"), kernel(t, 2));
    }

    @Test
    void schemaIsEnforcedAndMergedOnlyWhenAsked(Spillway sw) throws Exception {
        Path t = dir.resolve("schema");
        Schema s = Schema.of(new Field("id", DataType.INT64), new Field("v", DataType.STRING));
        sw.createDataFrame(s, List.of(row(1L, "a"))).writeDelta(t.toString());
        long files = countParquet(t);
        // an unknown column: rejected, nothing left behind
        Schema wider = Schema.of(new Field("id", DataType.INT64), new Field("v", DataType.STRING), new Field("extra", DataType.DATE));
        DataFrame w = sw.createDataFrame(wider, List.of(row(2L, "b", LocalDate.of(2024, 1, 1))));
        DeltaException e = assertThrows(DeltaException.class, () -> w.writeDelta(t.toString()));
        assertTrue(e.getMessage().contains("[extra]") && e.getMessage().contains("withMergeSchema"), e.getMessage());
        // a wrong type: rejected
        DataFrame wrong = sw.createDataFrame(Schema.of(new Field("id", DataType.STRING)), List.of(row("x")));
        e = assertThrows(DeltaException.class, () -> wrong.writeDelta(t.toString()));
        assertTrue(e.getMessage().contains("'id' is string in the data but int64 in the table"), e.getMessage());
        assertEquals(0, DeltaTable.forPath(sw, t).version());
        assertEquals(files, countParquet(t));
        // int32 into int64 widens; a missing column is null
        sw.createDataFrame(Schema.of(new Field("id", DataType.INT32)), List.of(row(3))).writeDelta(t.toString());
        // merging adds the column; older rows read null
        w.writeDelta(t, SaveMode.APPEND, DeltaWriteOptions.defaults().withMergeSchema(true));
        assertEquals(List.of("id", "v", "extra"), DeltaKernelOracle.columnNames(t, 2));
        assertEquals(List.of("[1, a, null]", "[2, b, 2024-01-01]", "[3, null, null]"), kernel(t, 2));
        assertEquals(kernel(t, 2), ours(sw.readDelta(t.toString())));
    }

    private static long countParquet(Path t) throws Exception {
        try (Stream<Path> s = Files.walk(t)) {
            return s.filter(p -> p.toString().endsWith(".parquet")).count();
        }
    }

    @Test
    void idempotentWritesAndConcurrentAppendsAndConflicts(Spillway sw) throws Exception {
        Path t = dir.resolve("conc");
        Schema s = Schema.of(new Field("id", DataType.INT64));
        DeltaWriteOptions txn = DeltaWriteOptions.defaults().withTxn("job-1", 7);
        sw.createDataFrame(s, List.of(row(1L))).writeDelta(t, SaveMode.APPEND, txn);
        sw.createDataFrame(s, List.of(row(1L))).writeDelta(t, SaveMode.APPEND, txn); // already committed: skipped
        assertEquals(1, sw.readDelta(t.toString()).count());
        // two threads appending from the same version: both land
        int writers = 4;
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < writers; k++) {
            long id = 100 + k;
            Thread th = new Thread(() -> {
                try {
                    go.await();
                    sw.createDataFrame(s, List.of(row(id))).writeDelta(t.toString());
                } catch (Throwable x) {
                    failure.set(x);
                }
            });
            th.start();
            threads.add(th);
        }
        go.countDown();
        for (Thread th : threads) {
            th.join();
        }
        assertEquals(null, failure.get());
        assertEquals(writers + 1, sw.readDelta(t.toString()).count());
        assertEquals(writers, DeltaTable.forPath(sw, t).version());
        assertEquals(kernel(t, writers), ours(sw.readDelta(t.toString())));
        // a versions' commit files are contiguous and none is a leftover temporary
        try (Stream<Path> l = Files.list(t.resolve("_delta_log"))) {
            assertFalse(l.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void anOverwriteThatLosesToAnAppendFailsWithATypedConflict(Spillway sw) {
        Path t = dir.resolve("conflict");
        Schema s = Schema.of(new Field("id", DataType.INT64));
        sw.createDataFrame(s, List.of(row(1L))).writeDelta(t.toString());
        DeltaLog log = new DeltaLog(t);
        Snapshot snap = Snapshot.load(log, 0);
        // a winner appends at version 1 ...
        sw.createDataFrame(s, List.of(row(2L))).writeDelta(t.toString());
        // ... while a transaction that read version 0 tries to commit an overwrite
        List<Action> overwrite = List.of(new Action.RemoveFile(snap.addFiles().getFirst().path(), 0L, true, false, Map.of(), null,
                null));
        ConcurrentAppendException e = assertThrows(ConcurrentAppendException.class, () -> {
            try {
                log.writeCommit(1, overwrite);
            } catch (java.nio.file.FileAlreadyExistsException x) {
                var m = DeltaWriter.class.getDeclaredMethod("checkConflict", DeltaLog.class, long.class,
                        Class.forName("org.spillway.frame.delta.DeltaWriter$Intent"), long.class);
                m.setAccessible(true);
                var intentClass = Class.forName("org.spillway.frame.delta.DeltaWriter$Intent");
                var ctor = intentClass.getDeclaredConstructors()[0];
                ctor.setAccessible(true);
                Object intent = ctor.newInstance(false, true, java.util.Set.of(), null, java.util.Set.of());
                try {
                    m.invoke(null, log, 1L, intent, 0L);
                } catch (java.lang.reflect.InvocationTargetException ite) {
                    throw (RuntimeException) ite.getCause();
                }
            }
        });
        assertTrue(e.getMessage().contains("version 1"), e.getMessage());
        assertEquals(2, sw.readDelta(t.toString()).count());
    }

    @Test
    void typesDeltaCannotHoldAndMissingTablesAreClearErrors(Spillway sw) {
        Path t = dir.resolve("time");
        DataFrame times = sw.createDataFrame(Schema.of(new Field("t", DataType.TIME)), List.of(row(java.time.LocalTime.NOON)));
        DeltaException e = assertThrows(DeltaException.class, () -> times.writeDelta(t.toString()));
        assertTrue(e.getMessage().contains("time") && e.getMessage().contains("cast"), e.getMessage());
        assertFalse(DeltaTable.isDeltaTable(t.toString()));
        e = assertThrows(DeltaException.class, () -> sw.readDelta(dir.resolve("nope").toString()));
        assertTrue(e.getMessage().contains("No Delta table"), e.getMessage());
        // a reader feature Spillway lacks is refused, not read wrongly
        Path future = dir.resolve("future");
        sw.createDataFrame(Schema.of(new Field("id", DataType.INT64)), List.of(row(1L))).writeDelta(future.toString());
        try {
            Files.writeString(future.resolve("_delta_log/00000000000000000001.json"), "{\"protocol\":{\"minReaderVersion\":3,"
                    + "\"minWriterVersion\":7,\"readerFeatures\":[\"someFutureFeature\"],\"writerFeatures\":[\"someFutureFeature\"]}}\n");
        } catch (java.io.IOException io) {
            throw new java.io.UncheckedIOException(io);
        }
        e = assertThrows(DeltaException.class, () -> sw.readDelta(future.toString()));
        assertTrue(e.getMessage().contains("someFutureFeature") && e.getMessage().contains("version 1"), e.getMessage());
        assertEquals(1, DeltaTable.forPath(sw, future).asOfVersion(0).count());
    }

    @Test
    void checkpointsWrittenByKernelAreReadAndCleanedLogsStillOpen(Spillway sw) throws Exception {
        Path t = dir.resolve("cp");
        Schema s = Schema.of(new Field("id", DataType.INT64), new Field("k", DataType.STRING));
        List<List<Object>> all = new ArrayList<>();
        for (long v = 0; v < 13; v++) {
            List<List<Object>> batch = List.of(row(v * 10, "k" + (v % 3)), row(v * 10 + 1, null));
            all.addAll(batch);
            sw.createDataFrame(s, batch).writeDelta(t, SaveMode.APPEND, DeltaWriteOptions.defaults().withPartitionBy("k"));
            if (v == 5) {
                sw.createDataFrame(s, List.of(row(-1L, "x"))).writeDelta(t.toString(), SaveMode.OVERWRITE); // v6 removes everything
                all.clear();
                all.add(row(-1L, "x"));
            }
        }
        long latest = DeltaTable.forPath(sw, t).version();
        assertEquals(13, latest);
        DeltaKernelOracle.checkpoint(t, 10);
        assertTrue(Files.exists(t.resolve("_delta_log/00000000000000000010.checkpoint.parquet")));
        assertEquals(kernel(t, latest), ours(sw.readDelta(t.toString())));
        assertEquals(kernel(t, 10), ours(DeltaTable.forPath(sw, t).asOfVersion(10)));
        assertEquals(kernel(t, 4), ours(DeltaTable.forPath(sw, t).asOfVersion(4)));
        // the commits before the checkpoint cleaned up: the checkpoint and later versions still read, older ones fail clearly
        for (long v = 0; v < 10; v++) {
            Files.delete(t.resolve(String.format("_delta_log/%020d.json", v)));
        }
        assertEquals(kernel(t, latest), ours(sw.readDelta(t.toString())));
        assertEquals(kernel(t, 11), ours(DeltaTable.forPath(sw, t).asOfVersion(11)));
        DeltaException e = assertThrows(DeltaException.class, () -> DeltaTable.forPath(sw, t).asOfVersion(4));
        assertTrue(e.getMessage().contains("cannot be reconstructed") || e.getMessage().contains("does not exist"), e.getMessage());
        // and Spillway appends on top of the checkpointed table
        sw.createDataFrame(s, List.of(row(999L, "k0"))).writeDelta(t.toString());
        assertEquals(kernel(t, latest + 1), ours(sw.readDelta(t.toString())));
    }

    @Test
    void deletionVectorsWrittenByOthersAreApplied(Spillway sw) {
        Path t = dir.resolve("dv");
        DeltaKernelOracle.TableSchema ks = DeltaKernelOracle.TableSchema.of("id long", "k string", "v double").partitionedBy("k");
        List<List<Object>> data = new ArrayList<>();
        for (long i = 0; i < 5000; i++) {
            data.add(row(i, i % 3 == 0 ? "a" : i % 3 == 1 ? "b" : null, i * 0.25));
        }
        DeltaKernelOracle.appendRows(t, ks, data, Map.of("delta.enableDeletionVectors", "true"));
        DeltaKernelOracle.deleteRows(t, r -> (Long) r.getFirst() % 7 == 0, false);            // v1: DV files
        DeltaKernelOracle.deleteRows(t, r -> (Long) r.getFirst() % 11 == 0 && r.get(1) == null, true); // v2: inline, merged
        for (long v = 0; v <= 2; v++) {
            DataFrame df = DeltaTable.forPath(sw, t).asOfVersion(v);
            assertEquals(kernel(t, v), ours(df), "version " + v);
            assertEquals(DeltaKernelOracle.read(t, v).size(), df.count(), "count of version " + v);
            long evenK = DeltaKernelOracle.read(t, v).stream().filter(r -> "a".equals(r.get(1)) && (Long) r.getFirst() < 2000).count();
            assertEquals(evenK, df.filter(col("k").eq("a").and(col("id").lt(2000))).count(), "filter at version " + v);
        }
        assertTrue(sw.counters().getOrDefault("parquet.rowsDeleted", 0L) > 0, sw.counters().toString());
        // Spillway appends to the table (it writes no deletion vectors itself yet); Kernel reads the result
        sw.createDataFrame(Schema.of(new Field("id", DataType.INT64), new Field("k", DataType.STRING), new Field("v", DataType.FLOAT64)),
                List.of(row(-1L, "a", 0.0))).writeDelta(t.toString());
        assertEquals(kernel(t, 3), ours(sw.readDelta(t.toString())));
    }

    @Test
    void deletesWithDeletionVectorsAndByRewritingGiveTheSameTable(Spillway sw) {
        for (boolean dv : new boolean[] {true, false}) {
            Path t = dir.resolve("del-" + dv);
            DeltaWriteOptions o = DeltaWriteOptions.defaults().withPartitionBy("name")
                    .withParquet(org.spillway.frame.io.ParquetWriteOptions.defaults().withRowGroupRows(100))
                    .withProperties(dv ? Map.of("delta.enableDeletionVectors", "true") : Map.of());
            sw.createDataFrame(SCHEMA, rows(0, 3000)).writeDelta(t, SaveMode.APPEND, o);
            DeltaTable table = DeltaTable.forPath(sw, t);
            assertEquals(dv, DeltaKernelOracle.readerFeatures(t, 0).contains("deletionVectors"));
            long expected = rows(0, 3000).stream().filter(r -> r.get(2) != null && (Integer) r.get(2) < -30).count();
            assertEquals(expected, table.delete(col("n").lt(-30)));
            assertEquals(3000 - expected, table.toDF().count());
            assertEquals(kernel(t, 1), ours(table.toDF()));
            assertTrue(kernel(t, 1).size() == 3000 - expected);
            // a second delete on top (merged into the existing vectors), then one that removes whole files
            long second = table.toDF().filter(col("id").gt(2500)).count();
            assertEquals(second, table.delete(col("id").gt(2500)));
            assertEquals(kernel(t, 2), ours(table.toDF()));
            assertEquals(0, table.delete(col("id").gt(1_000_000)));  // nothing matches: no commit
            assertEquals(2, table.version());
            long named = table.toDF().filter(col("name").eq("name-3")).count();
            assertEquals(named, table.delete(col("name").eq("name-3")));
            assertEquals(kernel(t, 3), ours(table.toDF()));
            assertEquals(0, table.toDF().filter(col("name").eq("name-3")).count());
            // older versions unchanged; history says DELETE
            assertEquals(text(rows(0, 3000)), ours(table.asOfVersion(0)));
            assertEquals("DELETE", table.history().collect().rows().getFirst().getString("operation"));
            if (dv) {
                assertTrue(DeltaKernelOracle.dataFiles(t, 3).stream().anyMatch(DeltaKernelOracle.DataFile::deletionVector));
            }
        }
        // both ways give the same rows
        assertEquals(kernel(dir.resolve("del-true"), 3), kernel(dir.resolve("del-false"), 3));
    }

    @Test
    void updatesChangeTheMatchingRowsOnly(Spillway sw) {
        for (boolean dv : new boolean[] {true, false}) {
            Path t = dir.resolve("upd-" + dv);
            sw.createDataFrame(SCHEMA, rows(0, 2000)).writeDelta(t, SaveMode.APPEND, DeltaWriteOptions.defaults().withPartitionBy("name")
                    .withProperties(dv ? Map.of("delta.enableDeletionVectors", "true") : Map.of()));
            DeltaTable table = DeltaTable.forPath(sw, t);
            long n = table.toDF().filter(col("id").lt(500)).count();
            assertEquals(n, table.update(col("id").lt(500),
                    Map.of("x", col("x").multiply(-1.0), "name", org.spillway.frame.Functions.lit("moved"))));
            List<List<Object>> expected = new ArrayList<>();
            for (List<Object> r : rows(0, 2000)) {
                List<Object> c = new ArrayList<>(r);
                if ((Long) r.getFirst() < 500) {
                    c.set(3, r.get(3) == null ? null : -(Double) r.get(3));
                    c.set(1, "moved");
                }
                expected.add(c);
            }
            assertEquals(text(expected), kernel(t, 1));
            assertEquals(text(expected), ours(table.toDF()));
            assertEquals(n, table.toDF().filter(col("name").eq("moved")).count());
            DeltaException e = assertThrows(DeltaException.class,
                    () -> table.update(col("id").lt(5), Map.of("id", org.spillway.frame.Functions.lit("x"))));
            assertTrue(e.getMessage().contains("is string but the column is int64"), e.getMessage());
            assertEquals("UPDATE", table.history().collect().rows().getFirst().getString("operation"));
        }
    }

    @Test
    void restoreAndVacuum(Spillway sw) throws Exception {
        Path t = dir.resolve("rv");
        sw.createDataFrame(SCHEMA, rows(0, 100)).writeDelta(t, SaveMode.APPEND,
                DeltaWriteOptions.defaults().withProperties(Map.of("delta.enableDeletionVectors", "true")));
        sw.createDataFrame(SCHEMA, rows(100, 200)).writeDelta(t.toString());
        DeltaTable table = DeltaTable.forPath(sw, t);
        table.delete(col("id").lt(50));                                               // v2
        sw.createDataFrame(SCHEMA, rows(500, 510)).writeDelta(t.toString(), SaveMode.OVERWRITE); // v3
        assertEquals(4, table.restoreToVersion(2));
        assertEquals(kernel(t, 2), kernel(t, 4));
        assertEquals(kernel(t, 2), ours(table.toDF()));
        assertEquals("RESTORE", table.history().collect().rows().getFirst().getString("operation"));
        // vacuum: nothing is old enough under the default retention; a short retention needs the check off
        assertEquals(List.of(), table.vacuum());
        assertThrows(DeltaException.class, () -> table.vacuum(java.time.Duration.ZERO));
        List<Path> gone = table.vacuum(java.time.Duration.ZERO, false);
        assertFalse(gone.isEmpty());                                                  // v3's files, the first DV-less ones
        assertEquals(kernel(t, 4), ours(table.toDF()));                                // the latest still reads
        DeltaException e = assertThrows(DeltaException.class, () -> table.asOfVersion(3).count());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        try (Stream<Path> s = Files.walk(t)) {
            assertTrue(s.noneMatch(p -> gone.contains(p.toAbsolutePath().normalize())));
        }
    }

    @Test
    void mergeAndUpsert(Spillway sw) {
        for (boolean dv : new boolean[] {true, false}) {
            Path t = dir.resolve("merge-" + dv);
            Schema s = Schema.of(new Field("id", DataType.INT64), new Field("v", DataType.STRING), new Field("ts", DataType.INT64));
            List<List<Object>> base = new ArrayList<>();
            for (long i = 0; i < 1000; i++) {
                base.add(row(i, "v" + i, 10L));
            }
            sw.createDataFrame(s, base).writeDelta(t, SaveMode.APPEND,
                    DeltaWriteOptions.defaults().withProperties(dv ? Map.of("delta.enableDeletionVectors", "true") : Map.of()));
            DeltaTable table = DeltaTable.forPath(sw, t);
            // source: ids 900..1099; ids divisible by 10 are marked deleted
            Schema ss = Schema.of(new Field("id", DataType.INT64), new Field("v", DataType.STRING), new Field("ts", DataType.INT64),
                    new Field("deleted", DataType.BOOL));
            List<List<Object>> src = new ArrayList<>();
            for (long i = 900; i < 1100; i++) {
                src.add(row(i, "new" + i, 20L, i % 10 == 0));
            }
            DeltaMergeBuilder.MergeResult r = table.merge(sw.createDataFrame(ss, src), org.spillway.frame.Functions.on("id"))
                    .whenMatched(col("source.deleted")).delete()
                    .whenMatched().updateAll()
                    .whenNotMatched(col("source.deleted").not()).insertAll()
                    .whenNotMatchedBySource(col("id").lt(10)).delete()
                    .execute();
            List<List<Object>> expected = new ArrayList<>();
            for (long i = 10; i < 900; i++) {
                expected.add(row(i, "v" + i, 10L));
            }
            for (long i = 900; i < 1100; i++) {
                if (i % 10 != 0) {
                    expected.add(row(i, "new" + i, 20L));
                }
            }
            assertEquals(text(expected), kernel(t, 1), "dv " + dv);
            assertEquals(text(expected), ours(table.toDF()));
            assertEquals(90, r.inserted());
            assertEquals(90, r.updated());
            assertEquals(10 + 10, r.deleted());
            assertEquals("MERGE", table.history().collect().rows().getFirst().getString("operation"));
            // a target row matched twice is an error, and the table is unchanged
            List<List<Object>> twice = List.of(row(500L, "a", 30L, false), row(500L, "b", 31L, false));
            DeltaException e = assertThrows(DeltaException.class, () -> table.merge(sw.createDataFrame(ss, twice),
                    org.spillway.frame.Functions.on("id")).whenMatched().updateAll().execute());
            assertTrue(e.getMessage().contains("more than one source row"), e.getMessage());
            assertEquals(1, table.version());
            // upsert: per key the newest row wins (an older one does not overwrite)
            List<List<Object>> up = List.of(row(500L, "old", 5L), row(500L, "newer", 40L), row(501L, "stale", 1L), row(5000L, "x", 1L),
                    row(5000L, "y", 2L));
            DeltaMergeBuilder.MergeResult u = table.upsert(sw.createDataFrame(s, up), org.spillway.frame.Functions.on("id"), "ts");
            assertEquals(1, u.inserted());
            assertEquals(1, u.updated());
            List<List<Object>> after = new ArrayList<>();
            for (List<Object> x : expected) {
                after.add((Long) x.getFirst() == 500L ? row(500L, "newer", 40L) : x);
            }
            after.add(row(5000L, "y", 2L));
            assertEquals(text(after), kernel(t, 2));
            assertEquals(text(after), ours(table.toDF()));
        }
    }

    @Test
    void theChangeFeedIsTheDifferenceOfConsecutiveSnapshots(Spillway sw) {
        for (boolean dv : new boolean[] {true, false}) {
            Path t = dir.resolve("cdf-" + dv);
            sw.createDataFrame(SCHEMA, rows(0, 600)).writeDelta(t, SaveMode.APPEND, DeltaWriteOptions.defaults().withPartitionBy("ok")
                    .withProperties(dv ? Map.of("delta.enableDeletionVectors", "true") : Map.of()));
            DeltaTable table = DeltaTable.forPath(sw, t);
            sw.createDataFrame(SCHEMA, rows(600, 700)).writeDelta(t.toString());                   // v1 insert
            table.delete(col("id").lt(50));                                                       // v2 delete
            table.update(col("id").gt(650), Map.of("name", org.spillway.frame.Functions.lit("u"))); // v3 update
            table.delete(col("id").lt(60));                                                       // v4 again (merged DVs)
            DataFrame feed = table.changes(1, 4);
            assertEquals(List.of("_change_type", "_commit_version", "_commit_timestamp"),
                    feed.schema().names().subList(SCHEMA.size(), SCHEMA.size() + 3));
            for (long v = 1; v <= 4; v++) {
                Map<String, Integer> diff = new java.util.HashMap<>();
                kernel(t, v).forEach(r -> diff.merge(r, 1, Integer::sum));
                kernel(t, v - 1).forEach(r -> diff.merge(r, -1, Integer::sum));
                Map<String, Integer> got = new java.util.HashMap<>();
                DataFrame at = feed.filter(col("_commit_version").eq(v));
                ours(at.filter(col("_change_type").eq("insert")).select(SCHEMA.names().toArray(String[]::new)))
                        .forEach(r -> got.merge(r, 1, Integer::sum));
                ours(at.filter(col("_change_type").eq("delete")).select(SCHEMA.names().toArray(String[]::new)))
                        .forEach(r -> got.merge(r, -1, Integer::sum));
                diff.values().removeIf(x -> x == 0);
                got.values().removeIf(x -> x == 0);
                assertEquals(diff, got, "version " + v + " dv " + dv);
            }
            assertEquals(100, feed.filter(col("_commit_version").eq(1L)).count());
            // with deletion vectors exactly the deleted rows; a rewritten file shows its kept rows deleted and inserted again
            long deletes = feed.filter(col("_commit_version").eq(2L).and(col("_change_type").eq("delete"))).count();
            assertTrue(dv ? deletes == 50 : deletes >= 50, "deletes at version 2: " + deletes);
        }
    }

    @Test
    void nullsIntoANonNullableColumnAreRejectedAndTimestampPartitionsRoundTrip(Spillway sw) throws Exception {
        Path t = dir.resolve("notnull");
        DeltaKernelOracle.appendRows(t, new DeltaKernelOracle.TableSchema(List.of(new DeltaKernelOracle.Column("id", "long", false),
                new DeltaKernelOracle.Column("v", "string")), List.of()), List.of(row(1L, "a")));
        Schema s = Schema.of(new Field("id", DataType.INT64), new Field("v", DataType.STRING));
        long before = countParquet(t);
        DeltaException e = assertThrows(DeltaException.class,
                () -> sw.createDataFrame(s, List.of(row(2L, "b"), row(null, "c"))).writeDelta(t.toString()));
        assertTrue(e.getMessage().contains("'id' is not nullable"), e.getMessage());
        assertEquals(0, DeltaTable.forPath(sw, t).version());
        assertEquals(before, countParquet(t));
        sw.createDataFrame(s, List.of(row(2L, null))).writeDelta(t.toString());
        assertEquals(kernel(t, 1), ours(sw.readDelta(t.toString())));
        // timestamp and decimal partition values, as Kernel reads them
        Path p = dir.resolve("tspart");
        Schema ps = Schema.of(new Field("id", DataType.INT64), new Field("at", DataType.TIMESTAMP), new Field("amt", DataType.decimal(6, 2)));
        List<List<Object>> data = List.of(row(1L, Instant.parse("2024-03-04T05:06:07.123456Z"), new BigDecimal("12.50")),
                row(2L, null, new BigDecimal("-0.05")), row(3L, Instant.parse("1999-12-31T23:59:59Z"), null));
        sw.createDataFrame(ps, data).writeDelta(p, SaveMode.APPEND, DeltaWriteOptions.defaults().withPartitionBy("at", "amt"));
        assertEquals(text(data), kernel(p, 0));
        assertEquals(text(data), ours(sw.readDelta(p.toString())));
    }
}
