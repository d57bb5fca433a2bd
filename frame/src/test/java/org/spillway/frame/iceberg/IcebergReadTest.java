package org.spillway.frame.iceberg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * Iceberg tables written by Iceberg's own libraries (appends, schema and partition evolution, position and
 * equality deletes, deletion vectors, overwrites), every snapshot read by Spillway and by Iceberg's generic
 * reader: the same rows.
 */
@SpillwayTest
class IcebergReadTest {
    @TempDir
    Path dir;

    static final Schema SCHEMA = new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "name", Types.StringType.get()),
            Types.NestedField.optional(3, "n", Types.IntegerType.get()),
            Types.NestedField.optional(4, "ts", Types.TimestampType.withoutZone()),
            Types.NestedField.optional(5, "amount", Types.DecimalType.of(9, 2)),
            Types.NestedField.optional(6, "f", Types.FloatType.get()),
            Types.NestedField.optional(7, "cat", Types.StringType.get()),
            Types.NestedField.optional(8, "at", Types.TimestampType.withZone()),
            Types.NestedField.optional(9, "day", Types.DateType.get()));

    private static Record row(Table t, long id) {
        Record r = GenericRecord.create(t.schema());
        put(r, "id", id);
        put(r, r.struct().field("name") != null ? "name" : "full_name", id % 7 == 0 ? null : "name" + id);
        int n = (int) (id * 3 - 20);
        String nName = r.struct().field("n") != null ? "n" : "number";
        put(r, nName, r.struct().field(nName).type().typeId() == org.apache.iceberg.types.Type.TypeID.LONG ? (Object) (long) n : (Object) n);
        put(r, "ts", LocalDateTime.of(2024, 1, 1 + (int) (id % 3), 10, 30).plusNanos(id * 1000));
        put(r, "amount", id % 5 == 0 ? null : new BigDecimal(id + ".25"));
        put(r, "f", id / 4f);
        put(r, "cat", id % 4 == 3 ? null : "c" + (id % 2));
        put(r, "at", java.time.OffsetDateTime.parse("2024-05-01T00:00:00Z").plusSeconds(id));
        put(r, "day", LocalDate.of(2023, 12, 31).plusDays(id));
        return r;
    }

    /** Sets a field if the record's schema has it (columns come and go as the schema evolves). */
    private static void put(Record r, String name, Object value) {
        if (r.struct().field(name) != null) {
            r.setField(name, value);
        }
    }

    private static List<Record> rows(Table t, long from, long to) {
        List<Record> out = new ArrayList<>();
        for (long id = from; id <= to; id++) {
            out.add(row(t, id));
        }
        return out;
    }

    /** Every snapshot of the table: Spillway's rows and columns equal Iceberg's. */
    private static void assertSameAsIceberg(Spillway sw, Table t, Path dir) {
        t.refresh();
        IcebergTable it = IcebergTable.forPath(sw, dir);
        List<Long> ids = new ArrayList<>();
        for (Snapshot s : t.snapshots()) {
            ids.add(s.snapshotId());
        }
        assertEquals(ids, it.snapshotIds());
        for (long id : ids) {
            DataFrame df = it.asOfSnapshot(id);
            assertEquals(IcebergWriter.icebergColumns(t, id), df.columns(), "columns of snapshot " + id);
            IcebergWriter.assertSameRows(IcebergWriter.icebergRows(t, id), IcebergWriter.spillwayRows(df), "rows of snapshot " + id);
        }
        IcebergWriter.assertSameRows(IcebergWriter.icebergRows(t, t.currentSnapshot().snapshotId()),
                IcebergWriter.spillwayRows(sw.readIceberg(dir.toString())), "the current snapshot");
    }

    @Test
    void partitionedTableWithDeletesAndEvolutionReadsLikeIceberg(Spillway sw) {
        PartitionSpec spec = PartitionSpec.builderFor(SCHEMA).identity("cat").day("ts").build();
        Table t = IcebergWriter.create(dir, SCHEMA, spec, 2);
        List<DataFile> first = IcebergWriter.append(t, rows(t, 1, 20));
        IcebergWriter.append(t, rows(t, 21, 30));
        // position deletes: two rows of the first file, then one more of it in a later commit
        IcebergWriter.deletePositions(t, first.getFirst(), 0, 2);
        IcebergWriter.deletePositions(t, first.getFirst(), 1);
        // equality deletes by id, in each row's partition; then id 5 is written again (newer: stays)
        IcebergWriter.deleteEqual(t, List.of(row(t, 5), row(t, 22), row(t, 25), row(t, 12)), "id");
        IcebergWriter.append(t, List.of(row(t, 5)));
        // schema evolution: rename, add, drop, promote int to long
        t.updateSchema().renameColumn("name", "full_name").addColumn("extra", Types.LongType.get()).deleteColumn("f")
                .updateColumn("n", Types.LongType.get()).commit();
        List<Record> more = rows(t, 31, 36);
        more.forEach(r -> r.setField("extra", (Long) r.getField("id") * 100));
        IcebergWriter.append(t, more);
        // drop and re-add a column under the same name (a new field id: older rows read null)
        t.updateSchema().deleteColumn("extra").commit();
        t.updateSchema().addColumn("extra", Types.StringType.get()).commit();
        List<Record> again = rows(t, 37, 40);
        again.forEach(r -> r.setField("extra", "x" + (Long) r.getField("id")));
        IcebergWriter.append(t, again);
        // partition evolution: bucket by id, drop the day field
        t.updateSpec().addField(Expressions.bucket("id", 4)).removeField(Expressions.day("ts")).commit();
        List<DataFile> bucketed = IcebergWriter.append(t, rows(t, 41, 50));
        IcebergWriter.deletePositions(t, bucketed.getFirst(), 0);
        // equality deletes on two columns; id 49's name is null (null matches null)
        IcebergWriter.deleteEqual(t, List.of(row(t, 42), row(t, 35)), "id", "full_name");
        IcebergWriter.deleteEqual(t, List.of(row(t, 49)), "id", "full_name");
        // overwrite: a file replaced by new rows; then a file deleted
        var ow = t.newOverwrite().deleteFile(bucketed.get(1));
        IcebergWriter.dataFiles(t, rows(t, 100, 103)).forEach(ow::addFile);
        ow.commit();
        t.newDelete().deleteFile(first.get(1)).commit();
        assertSameAsIceberg(sw, t, dir);
        assertTrue(t.currentSnapshot().sequenceNumber() > 10);
    }

    @Test
    void unpartitionedEqualityDeletesApplyEverywhereAndOnlyToOlderFiles(Spillway sw) {
        Table t = IcebergWriter.create(dir, SCHEMA, PartitionSpec.unpartitioned(), 2);
        IcebergWriter.append(t, rows(t, 1, 10));
        IcebergWriter.append(t, rows(t, 11, 20));
        IcebergWriter.deleteEqual(t, List.of(row(t, 3), row(t, 13), row(t, 99)), "id");
        IcebergWriter.deleteEqual(t, List.of(row(t, 4), row(t, 6)), "cat");
        IcebergWriter.append(t, rows(t, 3, 4));
        IcebergWriter.deleteEqual(t, List.of(row(t, 20)), "n", "amount");
        assertSameAsIceberg(sw, t, dir);
    }

    @Test
    void formatVersionOneTable(Spillway sw) {
        PartitionSpec spec = PartitionSpec.builderFor(SCHEMA).bucket("id", 3).build();
        Table t = IcebergWriter.create(dir, SCHEMA, spec, 1);
        List<DataFile> a = IcebergWriter.append(t, rows(t, 1, 12));
        IcebergWriter.append(t, rows(t, 13, 20));
        t.updateSchema().renameColumn("n", "number").addColumn("extra", Types.StringType.get()).commit();
        var ow = t.newOverwrite().deleteFile(a.getFirst());
        IcebergWriter.dataFiles(t, rows(t, 50, 52)).forEach(ow::addFile);
        ow.commit();
        assertSameAsIceberg(sw, t, dir);
        assertEquals(1, IcebergTable.forPath(sw, dir).formatVersion());
    }

    @Test
    void formatVersionThreeDeletionVectors(Spillway sw) {
        PartitionSpec spec = PartitionSpec.builderFor(SCHEMA).identity("cat").build();
        Table t = IcebergWriter.create(dir, SCHEMA, spec, 3);
        List<DataFile> a = IcebergWriter.append(t, rows(t, 1, 30));
        assertEquals(org.apache.iceberg.FileFormat.PUFFIN, IcebergWriter.deletePositions(t, a.getFirst(), 0, 3, 4).format());
        IcebergWriter.deletePositions(t, a.get(1), 1);
        IcebergWriter.deleteEqual(t, List.of(row(t, 8)), "id");
        assertSameAsIceberg(sw, t, dir);
        assertEquals(3, IcebergTable.forPath(sw, dir).formatVersion());
    }

    @Test
    void historyTimeTravelAndSchema(Spillway sw) throws Exception {
        Table t = IcebergWriter.create(dir, SCHEMA, PartitionSpec.unpartitioned(), 2);
        IcebergTable it = IcebergTable.forPath(sw, dir);
        assertEquals(0, it.toDF().count());
        assertEquals(List.of(), it.snapshotIds());
        IcebergWriter.append(t, rows(t, 1, 5));
        Thread.sleep(5);
        IcebergWriter.append(t, rows(t, 6, 8));
        t.refresh();
        List<Long> ids = it.snapshotIds();
        assertEquals(2, ids.size());
        DataFrame h = it.history();
        assertEquals(List.of("snapshot_id", "parent_id", "sequence_number", "timestamp", "operation", "summary", "is_current"), h.columns());
        assertEquals(2, h.count());
        assertEquals("append", h.rows().getFirst().get("operation"));
        assertEquals(ids.getFirst(), h.rows().get(1).get("parent_id"));
        Snapshot s1 = t.snapshot(ids.getFirst());
        assertEquals(5, it.asOfTimestamp(Instant.ofEpochMilli(s1.timestampMillis())).count());
        assertEquals(8, it.asOfTimestamp(Instant.now()).count());
        var e = org.junit.jupiter.api.Assertions.assertThrows(IcebergException.class,
                () -> it.asOfTimestamp(Instant.ofEpochMilli(s1.timestampMillis() - 1)));
        assertTrue(e.getMessage().contains("no snapshot at or before"), e.getMessage());
        assertEquals(List.of("id", "name", "n", "ts", "amount", "f", "cat", "at", "day"), it.schema().names());
        assertEquals("int64", it.schema().field(it.schema().indexOf("id")).type().toString());
        assertEquals("timestamp_ntz", it.schema().field(it.schema().indexOf("ts")).type().toString());
        assertEquals("timestamp", it.schema().field(it.schema().indexOf("at")).type().toString());
        // a metadata file as the path reads that version
        assertEquals(5, IcebergTable.forPath(sw, dir.resolve("metadata/v2.metadata.json")).toDF().count());
    }

    @Test
    void filesWithoutFieldIdsThroughTheNameMapping(Spillway sw) throws Exception {
        Schema schema = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()),
                Types.NestedField.optional(2, "name", Types.StringType.get()), Types.NestedField.optional(3, "n", Types.IntegerType.get()));
        Table t = IcebergWriter.create(dir, schema, PartitionSpec.unpartitioned(), 2);
        // an imported file, written without Parquet field ids (as Spillway writes plain Parquet)
        Path file = dir.resolve("data/imported.parquet");
        java.nio.file.Files.createDirectories(file.getParent());
        sw.createDataFrame(org.spillway.spill.Schema.of(new org.spillway.spill.Field("id", org.spillway.spill.DataType.INT64),
                        new org.spillway.spill.Field("name", org.spillway.spill.DataType.STRING),
                        new org.spillway.spill.Field("n", org.spillway.spill.DataType.INT32)),
                List.of(new Object[] {1L, "a", 10}, new Object[] {2L, null, 20}, new Object[] {3L, "c", null})).writeParquet(file.toString());
        t.updateProperties().set(org.apache.iceberg.TableProperties.DEFAULT_NAME_MAPPING,
                org.apache.iceberg.mapping.NameMappingParser.toJson(org.apache.iceberg.mapping.MappingUtil.create(t.schema()))).commit();
        DataFile imported = org.apache.iceberg.DataFiles.builder(t.spec()).withPath(file.toString())
                .withFormat(org.apache.iceberg.FileFormat.PARQUET).withFileSizeInBytes(java.nio.file.Files.size(file)).withRecordCount(3)
                .build();
        t.newAppend().appendFile(imported).commit();
        // renamed (the mapping keeps the old name), promoted, and a position delete of the imported file
        t.updateSchema().renameColumn("name", "label").updateColumn("n", Types.LongType.get()).commit();
        IcebergWriter.append(t, List.of(GenericRecord.create(t.schema()).copy("id", 4L, "label", "d", "n", 40L)));
        IcebergWriter.deletePositions(t, imported, 1);
        assertSameAsIceberg(sw, t, dir);
        assertEquals(List.of("id", "label", "n"), sw.readIceberg(dir.toString()).columns());
        assertEquals(3, sw.readIceberg(dir.toString()).count());
    }
    /** A file without field ids written as Spillway writes Parquet, at {@code data/<name>} of the table; appended. */
    private static DataFile importFile(Spillway sw, Table t, Path dir, String name, String label, List<Object[]> rows) throws Exception {
        Path file = dir.resolve("data/" + name);
        java.nio.file.Files.createDirectories(file.getParent());
        sw.createDataFrame(org.spillway.spill.Schema.of(new org.spillway.spill.Field("id", org.spillway.spill.DataType.INT64),
                new org.spillway.spill.Field(label, org.spillway.spill.DataType.STRING),
                new org.spillway.spill.Field("n", org.spillway.spill.DataType.INT32)), rows).writeParquet(file.toString());
        DataFile f = org.apache.iceberg.DataFiles.builder(t.spec()).withPath(file.toString()).withFormat(org.apache.iceberg.FileFormat.PARQUET)
                .withFileSizeInBytes(java.nio.file.Files.size(file)).withRecordCount(rows.size()).build();
        t.newAppend().appendFile(f).commit();
        return f;
    }

    @Test
    void filesImportedBeforeAndAfterARenameReadByEitherMappedName(Spillway sw) throws Exception {
        Schema schema = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()),
                Types.NestedField.optional(2, "name", Types.StringType.get()), Types.NestedField.optional(3, "n", Types.IntegerType.get()));
        Table t = IcebergWriter.create(dir, schema, PartitionSpec.unpartitioned(), 2);
        t.updateProperties().set(org.apache.iceberg.TableProperties.DEFAULT_NAME_MAPPING,
                org.apache.iceberg.mapping.NameMappingParser.toJson(org.apache.iceberg.mapping.MappingUtil.create(t.schema()))).commit();
        importFile(sw, t, dir, "before.parquet", "name", List.of(new Object[] {1L, "a", 10}, new Object[] {2L, "b", 20}));
        // the mapping now lists both names for field 2; a later import uses the new one
        t.updateSchema().renameColumn("name", "label").commit();
        importFile(sw, t, dir, "after.parquet", "label", List.of(new Object[] {3L, "c", 30}, new Object[] {4L, "b", 40}));
        assertSameAsIceberg(sw, t, dir);
        // an equality delete by the renamed column reaches both imports' rows (the key read by the mapped names)
        IcebergWriter.deleteEqual(t, List.of(GenericRecord.create(t.schema()).copy("label", "b"), GenericRecord.create(t.schema())
                .copy("label", "c")), "label");
        assertSameAsIceberg(sw, t, dir);
        assertEquals(List.of("1 | a | 10"), IcebergWriter.spillwayRows(sw.readIceberg(dir.toString())));
    }
}
