package org.spillway.frame.iceberg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.lit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.StaticTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.delta.DeltaException;
import org.spillway.frame.delta.DeltaTable;
import org.spillway.frame.delta.DeltaWriteOptions;
import org.spillway.frame.delta.SaveMode;
import org.spillway.frame.testkit.DeltaKernelOracle;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * {@link DeltaTable#enableIceberg()}: a Spillway Delta table published as Iceberg (UniForm) reads the same through
 * Iceberg's own libraries ({@code iceberg-data}, {@code HadoopTables}) at every version as through Delta.
 */
@SpillwayTest
class DeltaUniFormTest {
    @TempDir
    Path dir;

    private static final Schema SCHEMA = Schema.of(new Field("id", DataType.INT64), new Field("n", DataType.INT32),
            new Field("x", DataType.FLOAT64), new Field("s", DataType.STRING), new Field("day", DataType.DATE),
            new Field("at", DataType.TIMESTAMP), new Field("amount", DataType.decimal(10, 2)), new Field("flag", DataType.BOOL),
            new Field("part", DataType.STRING));

    private static List<List<Object>> rows(long from, long to) {
        List<List<Object>> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(Arrays.asList(i, (int) (i * 3 - 50), i * 0.5, i % 5 == 0 ? null : "s" + i, LocalDate.of(2024, 1, 1).plusDays(i),
                    Instant.parse("2024-05-01T00:00:00Z").plusSeconds(i * 61).plusNanos(i * 1000), i % 7 == 0 ? null
                            : new BigDecimal(i + ".25"), i % 2 == 0, i % 4 == 3 ? null : "p" + (i % 3)));
        }
        return out;
    }

    /** The Iceberg table as of one Delta version: its metadata file read by Iceberg's static table operations. */
    private static Table icebergAt(Path table, long deltaVersion) {
        Path meta = table.resolve("metadata").resolve("v" + (deltaVersion + 1) + ".metadata.json");
        assertTrue(Files.exists(meta), "Iceberg metadata of version " + deltaVersion);
        return new BaseTable(new StaticTableOperations(meta.toString(), new HadoopFileIO(new Configuration())), table.toString());
    }

    /** Iceberg's rows of the table's current snapshot (none without one), as sorted text. */
    private static List<String> icebergRows(Table t) {
        List<String> out = new ArrayList<>();
        int columns = t.schema().columns().size();
        try (CloseableIterable<Record> it = IcebergGenerics.read(t).build()) {
            for (Record r : it) {
                List<String> v = new ArrayList<>();
                for (int i = 0; i < columns; i++) {
                    v.add(IcebergWriter.text(r.get(i, Object.class)));
                }
                out.add(String.join(" | ", v));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(null);
        return out;
    }

    private static void assertSameAtEveryVersion(Spillway sw, Path t, long from) {
        DeltaTable table = DeltaTable.forPath(sw, t);
        for (long v = from; v <= table.version(); v++) {
            DataFrame delta = table.asOfVersion(v);
            Table ice = icebergAt(t, v);
            assertEquals(delta.columns(), ice.schema().columns().stream().map(c -> c.name()).toList(), "columns of version " + v);
            IcebergWriter.assertSameRows(IcebergWriter.spillwayRows(delta), icebergRows(ice), "Iceberg rows of Delta version " + v);
        }
        // the Hadoop-table layout: HadoopTables finds the latest through version-hint.text
        Table latest = new HadoopTables(new Configuration()).load(t.toString());
        IcebergWriter.assertSameRows(IcebergWriter.spillwayRows(table.toDF()), icebergRows(latest), "HadoopTables.load");
        // each snapshot, time-travelled by Iceberg, is the Delta version its summary names
        for (org.apache.iceberg.Snapshot s : latest.snapshots()) {
            long v = Long.parseLong(s.summary().get("delta-version"));
            IcebergWriter.assertSameRows(IcebergWriter.spillwayRows(table.asOfVersion(v)), IcebergWriter.icebergRows(latest, s.snapshotId()),
                    "snapshot " + s.snapshotId() + " (Delta version " + v + ")");
        }
        // and Spillway's own Iceberg reader agrees
        IcebergWriter.assertSameRows(IcebergWriter.spillwayRows(table.toDF()), IcebergWriter.spillwayRows(sw.readIceberg(t.toString())),
                "Spillway's Iceberg reader");
    }

    @Test
    void everyOperationAfterEnablingReadsTheSameThroughIceberg(Spillway sw) throws IOException {
        Path t = dir.resolve("events");
        DeltaWriteOptions byPart = DeltaWriteOptions.defaults().withPartitionBy("part");
        sw.createDataFrame(SCHEMA, rows(0, 40)).writeDelta(t, SaveMode.APPEND, byPart);
        sw.createDataFrame(SCHEMA, rows(40, 60)).writeDelta(t.toString());
        DeltaTable table = DeltaTable.forPath(sw, t);
        assertFalse(Files.exists(t.resolve("metadata")));
        long enabled = table.enableIceberg();
        assertEquals(2, enabled);
        assertEquals("iceberg", DeltaKernelOracle.tableProperties(t, enabled).get("delta.universalFormat.enabledFormats"));
        assertEquals("true", DeltaKernelOracle.tableProperties(t, enabled).get("delta.enableIcebergCompatV2"));
        assertEquals("name", DeltaKernelOracle.tableProperties(t, enabled).get("delta.columnMapping.mode"));
        assertEquals(enabled, table.enableIceberg(), "enabling again commits nothing");
        sw.createDataFrame(SCHEMA, rows(60, 90)).writeDelta(t.toString());
        table.delete(col("id").lt(10).or(col("part").isNull()));
        table.update(col("part").eq("p1"), Map.of("s", lit("updated"), "n", col("n").plus(lit(1000)).cast(DataType.INT32)));
        DataFrame upserts = sw.createDataFrame(SCHEMA, rows(85, 95));
        table.upsert(upserts, org.spillway.frame.Functions.on("id"), "id");
        long renamed = table.renameColumn("s", "label");
        table.addColumn("extra", DataType.INT64);
        sw.createDataFrame(Schema.of(new Field("id", DataType.INT64), new Field("extra", DataType.INT64), new Field("part", DataType.STRING)),
                List.of(Arrays.asList(1000L, 7L, "p9"), Arrays.asList(1001L, null, null)))
                .writeDelta(t, SaveMode.APPEND, DeltaWriteOptions.defaults().withMergeSchema(true));
        table.optimize();
        assertSameAtEveryVersion(sw, t, enabled);
        // Iceberg's file pruning by the converted bounds keeps every matching row (long, int, date and decimal bounds)
        Table latest = new HadoopTables(new Configuration()).load(t.toString());
        DataFrame now = table.toDF();
        assertFilteredSame(latest, org.apache.iceberg.expressions.Expressions.greaterThan("id", 70L), now.filter(col("id").gt(70)));
        assertFilteredSame(latest, org.apache.iceberg.expressions.Expressions.lessThan("n", 0), now.filter(col("n").lt(0)));
        assertFilteredSame(latest, org.apache.iceberg.expressions.Expressions.equal("day", "2024-02-12"),
                now.filter(col("day").eq(lit(LocalDate.of(2024, 2, 12)))));
        assertFilteredSame(latest, org.apache.iceberg.expressions.Expressions.greaterThanOrEqual("amount", new BigDecimal("60.25")),
                now.filter(col("amount").geq(lit(new BigDecimal("60.25")))));
        assertFilteredSame(latest, org.apache.iceberg.expressions.Expressions.equal("part", "p1"), now.filter(col("part").eq("p1")));
        // a metadata-only version (the rename) is a new metadata file on the snapshot before it
        assertEquals(icebergAt(t, renamed - 1).currentSnapshot().snapshotId(), icebergAt(t, renamed).currentSnapshot().snapshotId());
        // Delta Kernel still reads the table (the protocol with icebergCompatV2 and column mapping)
        assertEquals(table.toDF().count(), DeltaKernelOracle.read(t, table.version()).size());
        // files written since enabling store the partition column too (IcebergCompatV2)
        try (Stream<Path> files = Files.walk(t)) {
            long withPart = files.filter(p -> p.toString().endsWith(".parquet") && !p.toString().contains("_delta_log"))
                    .filter(p -> sw.readParquet(p.toString()).schema().size() == table.toDF().schema().size()).count();
            assertTrue(withPart > 0, "no data file stores the partition column");
        }
    }

    @Test
    void aTableCreatedWithTheUniFormPropertyIsIcebergFromItsFirstVersion(Spillway sw) {
        Path t = dir.resolve("created");
        sw.createDataFrame(SCHEMA, rows(0, 25)).writeDelta(t, SaveMode.APPEND, DeltaWriteOptions.defaults().withPartitionBy("part")
                .option("delta.universalFormat.enabledFormats", "iceberg"));
        sw.createDataFrame(SCHEMA, rows(25, 30)).writeDelta(t, SaveMode.OVERWRITE, DeltaWriteOptions.defaults());
        assertSameAtEveryVersion(sw, t, 0);
        assertTrue(DeltaKernelOracle.writerFeatures(t, 1).contains("icebergCompatV2"));
        // vacuum keeps the Iceberg metadata (it is not a data file of the Delta table)
        DeltaTable.forPath(sw, t).vacuum(Duration.ZERO, false);
        Table latest = new HadoopTables(new Configuration()).load(t.toString());
        IcebergWriter.assertSameRows(IcebergWriter.spillwayRows(DeltaTable.forPath(sw, t).toDF()), icebergRows(latest), "after vacuum");
    }

    @Test
    void manyCommitsMergeManifestsAndStayReadable(Spillway sw) {
        Path t = dir.resolve("many");
        sw.createDataFrame(SCHEMA, rows(0, 3)).writeDelta(t, SaveMode.APPEND, DeltaWriteOptions.defaults()
                .option("delta.universalFormat.enabledFormats", "iceberg"));
        for (int i = 1; i <= 104; i++) {
            sw.createDataFrame(SCHEMA, rows(i * 3, i * 3 + 3)).writeDelta(t.toString());
        }
        DeltaTable.forPath(sw, t).delete(col("id").eq(4));
        Table latest = new HadoopTables(new Configuration()).load(t.toString());
        assertTrue(latest.currentSnapshot().allManifests(latest.io()).size() <= 101, "manifests are merged");
        IcebergWriter.assertSameRows(IcebergWriter.spillwayRows(DeltaTable.forPath(sw, t).toDF()), icebergRows(latest), "latest");
        assertEquals(314, countRows(latest));
    }

    /** Iceberg's rows under a filter (which prunes files by their bounds) are Spillway's rows under the same filter. */
    private static void assertFilteredSame(Table t, org.apache.iceberg.expressions.Expression filter, DataFrame expected) {
        List<Long> ids = new ArrayList<>();
        try (CloseableIterable<Record> it = IcebergGenerics.read(t).where(filter).build()) {
            for (Record r : it) {
                ids.add((Long) r.getField("id"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ids.sort(null);
        List<Long> want = new ArrayList<>();
        expected.collect().rows().forEach(r -> want.add(r.getLong("id")));
        want.sort(null);
        assertTrue(!want.isEmpty(), "the filter " + filter + " selects rows");
        assertEquals(want, ids, "rows under " + filter);
    }

    private static long countRows(Table t) {
        long n = 0;
        try (CloseableIterable<Record> it = IcebergGenerics.read(t).build()) {
            for (Record ignored : it) {
                n++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    @Test
    void tablesIcebergCannotExpressAreRefusedNamingWhy(Spillway sw) {
        Path t = dir.resolve("dv");
        sw.createDataFrame(SCHEMA, rows(0, 30)).writeDelta(t, SaveMode.APPEND, DeltaWriteOptions.defaults()
                .option("delta.enableDeletionVectors", "true"));
        DeltaTable table = DeltaTable.forPath(sw, t);
        table.delete(col("id").eq(3));
        long before = table.version();
        DeltaException e = assertThrows(DeltaException.class, table::enableIceberg);
        assertTrue(e.getMessage().contains("deletion vectors") && e.getMessage().contains(t.toString()), e.getMessage());
        assertEquals(before, table.version());
        assertFalse(Files.exists(t.resolve("metadata")));
        // without deletion vectors in any file, the property is turned off in the enabling commit
        Path clean = dir.resolve("clean");
        sw.createDataFrame(SCHEMA, rows(0, 30)).writeDelta(clean, SaveMode.APPEND, DeltaWriteOptions.defaults()
                .option("delta.enableDeletionVectors", "true"));
        DeltaTable c = DeltaTable.forPath(sw, clean);
        c.enableIceberg();
        assertEquals("false", DeltaKernelOracle.tableProperties(clean, c.version()).get("delta.enableDeletionVectors"));
        c.delete(col("id").eq(3));
        assertSameAtEveryVersion(sw, clean, 1);
    }

    @Test
    void aFailedIcebergWriteKeepsTheDeltaCommitAndTheNextCommitCatchesUp(Spillway sw) throws IOException {
        Path t = dir.resolve("fails");
        sw.createDataFrame(SCHEMA, rows(0, 10)).writeDelta(t, SaveMode.APPEND, DeltaWriteOptions.defaults()
                .option("delta.universalFormat.enabledFormats", "iceberg"));
        DeltaTable table = DeltaTable.forPath(sw, t);
        // metadata/ cannot be written (a file stands in its way): the Delta commit still lands
        Path meta = t.resolve("metadata");
        Path aside = dir.resolve("metadata-aside");
        Files.move(meta, aside);
        Files.writeString(meta, "not a directory");
        sw.createDataFrame(SCHEMA, rows(10, 20)).writeDelta(t.toString());
        assertEquals(1, table.version());
        assertEquals(20, table.toDF().count());
        Files.delete(meta);
        Files.move(aside, meta);
        // enableIceberg() on an enabled table writes the missing latest version and commits nothing
        assertEquals(1, table.enableIceberg());
        IcebergWriter.assertSameRows(IcebergWriter.spillwayRows(table.toDF()), icebergRows(icebergAt(t, 1)), "caught up");
        // a damaged earlier metadata file or manifest list: the next version is written afresh, still right
        Files.writeString(t.resolve("metadata").resolve("v2.metadata.json"), "{ damaged");
        sw.createDataFrame(SCHEMA, rows(20, 25)).writeDelta(t.toString());
        IcebergWriter.assertSameRows(IcebergWriter.spillwayRows(table.toDF()), icebergRows(icebergAt(t, 2)), "after a damaged file");
        try (Stream<Path> lists = Files.list(t.resolve("metadata"))) {
            for (Path p : lists.filter(p -> p.getFileName().toString().startsWith("snap-")).toList()) {
                Files.write(p, new byte[] {1, 2, 3});
            }
        }
        table.delete(col("id").eq(3));
        IcebergWriter.assertSameRows(IcebergWriter.spillwayRows(table.toDF()), icebergRows(icebergAt(t, 3)), "after damaged manifests");
        IcebergWriter.assertSameRows(IcebergWriter.spillwayRows(table.toDF()),
                icebergRows(new HadoopTables(new Configuration()).load(t.toString())), "HadoopTables after damage");
    }
}
