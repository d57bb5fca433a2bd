package org.spillway.frame.iceberg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Expr;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * Iceberg data files are pruned by their manifest entries before any footer is read: lower and upper bounds
 * (decoded per type from the binary single-value serialization), null counts and identity partition values. Every
 * filter returns what the same filter over the collected rows returns, and files the manifests exclude are never
 * opened, nor their deletion vectors read.
 */
@SpillwayTest
class IcebergTableScanTest {
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
            Types.NestedField.optional(9, "day", Types.DateType.get()),
            Types.NestedField.optional(10, "ns", Types.TimestampNanoType.withoutZone()),
            Types.NestedField.optional(11, "ok", Types.BooleanType.get()));

    private static Record row(Table t, long id) {
        Record r = GenericRecord.create(t.schema());
        r.setField("id", id);
        r.setField("name", id % 7 == 0 ? null : "name" + (1000 + id));
        boolean promoted = t.schema().findField("n").type().typeId() == org.apache.iceberg.types.Type.TypeID.LONG;
        r.setField("n", promoted ? (Object) (id * 3 - 50) : (Object) (int) (id * 3 - 50));
        r.setField("ts", LocalDateTime.of(2024, 1, 1, 0, 0).plusHours(id * 5).plusNanos(id * 1000));
        r.setField("amount", id % 5 == 0 ? null : new BigDecimal(id + ".25"));
        boolean doubled = t.schema().findField("f").type().typeId() == org.apache.iceberg.types.Type.TypeID.DOUBLE;
        r.setField("f", doubled ? (Object) (id / 4.0 - 3) : (Object) (id / 4f - 3));
        r.setField("cat", id % 4 == 3 ? null : "c" + (id / 10 % 3));
        r.setField("at", java.time.OffsetDateTime.parse("2024-05-01T00:00:00Z").plusMinutes(id * 7));
        r.setField("day", LocalDate.of(2023, 12, 31).plusDays(id));
        if (t.schema().findField("ns") != null) { // format v3 only
            r.setField("ns", LocalDateTime.of(2025, 3, 1, 12, 0).plusSeconds(id).plusNanos(id * 1000));
        }
        r.setField("ok", id % 3 == 0);
        return r;
    }

    private static List<Record> rows(Table t, long from, long to) {
        List<Record> out = new ArrayList<>();
        for (long id = from; id < to; id++) {
            out.add(row(t, id));
        }
        return out;
    }

    private static long counter(Spillway sw, String name) {
        return sw.counters().getOrDefault(name, 0L);
    }

    private static TreeSet<Long> ids(DataFrame df) {
        TreeSet<Long> out = new TreeSet<>();
        for (Row r : df.select("id").rows()) {
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
    void manifestBoundsKeepFootersOfExcludedFilesUnread(Spillway sw) throws Exception {
        Table t = IcebergWriter.create(dir, SCHEMA, PartitionSpec.unpartitioned(), 3);
        List<DataFile> files = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            files.addAll(IcebergWriter.append(t, rows(t, i * 10L, i * 10L + 10)));
        }
        long footers = counter(sw, "table.footersRead");
        DataFrame df = sw.readIceberg(dir.toString());
        assertEquals(footers, counter(sw, "table.footersRead"), "opening reads no data file");
        assertEquals(range(185, 200), ids(df.filter(col("id").geq(185))));
        assertEquals(footers + 2, counter(sw, "table.footersRead"), "the two files with id >= 185 only");
        String plan = df.filter(col("id").geq(185)).explainString();
        assertTrue(plan.contains("TableScan Iceberg table") && plan.contains("20 files, 200 rows"), plan);
        long fromManifests = counter(sw, "table.countFromMetadata");
        assertEquals(200, df.count());
        assertEquals(fromManifests + 1, counter(sw, "table.countFromMetadata"));

        Path broken = IcebergWriter.local(files.getFirst().location());
        Files.writeString(broken, "not parquet any more");
        DataFrame fresh = sw.readIceberg(dir.toString());
        assertEquals(range(100, 200), ids(fresh.filter(col("id").geq(100))));
        assertEquals(18, fresh.filter(col("name").eq("name1113").or(col("day").geq(LocalDate.of(2024, 7, 1)))).count());
        IcebergException e = assertThrows(IcebergException.class, fresh::rows);
        assertTrue(e.getMessage().contains(broken.getFileName().toString()), e.getMessage());
    }

    @Test
    void deletionVectorsOfExcludedFilesAreNeverRead(Spillway sw) throws Exception {
        Table t = IcebergWriter.create(dir, SCHEMA, PartitionSpec.unpartitioned(), 3);
        List<DataFile> files = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            files.addAll(IcebergWriter.append(t, rows(t, i * 10L, i * 10L + 10)));
        }
        DeleteFile dv = IcebergWriter.deletePositions(t, files.getFirst(), 1, 2);
        IcebergWriter.deletePositions(t, files.get(2), 0);
        assertEquals(37, sw.readIceberg(dir.toString()).count()); // from the manifests: record counts less the vectors' cardinalities
        Path puffin = IcebergWriter.local(dv.location());
        byte[] bytes = Files.readAllBytes(puffin);
        Files.write(puffin, new byte[bytes.length]);
        DataFrame df = sw.readIceberg(dir.toString());
        TreeSet<Long> expected = range(10, 40);
        expected.remove(20L);
        assertEquals(expected, ids(df.filter(col("id").geq(10))));
        assertThrows(IcebergException.class, () -> df.filter(col("id").lt(5)).rows());
        Files.write(puffin, bytes);
        TreeSet<Long> all = range(0, 40);
        all.removeAll(List.of(1L, 2L, 20L));
        assertEquals(all, ids(sw.readIceberg(dir.toString())));
    }

    @Test
    void positionDeleteFilesOfExcludedFilesAreNeverRead(Spillway sw) throws Exception {
        Table t = IcebergWriter.create(dir, SCHEMA.select("id", "name", "n", "ts", "amount", "f", "cat", "at", "day", "ok"),
                PartitionSpec.unpartitioned(), 2);
        List<DataFile> files = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            files.addAll(IcebergWriter.append(t, rows(t, i * 10L, i * 10L + 10)));
        }
        DeleteFile pos = IcebergWriter.deletePositions(t, files.getFirst(), 1, 2);
        IcebergWriter.deletePositions(t, files.get(2), 0);
        IcebergWriter.deleteEqual(t, List.of(row(t, 33)), "id");
        Path deletes = IcebergWriter.local(pos.location());
        byte[] bytes = Files.readAllBytes(deletes);
        Files.writeString(deletes, "not parquet");
        DataFrame df = sw.readIceberg(dir.toString());
        TreeSet<Long> expected = range(10, 40);
        expected.removeAll(List.of(20L, 33L));
        assertEquals(expected, ids(df.filter(col("id").geq(10))));
        assertEquals(expected.size(), df.filter(col("id").geq(10)).count());
        assertThrows(IcebergException.class, () -> df.filter(col("id").lt(5)).rows());
        Files.write(deletes, bytes);
        TreeSet<Long> all = range(0, 40);
        all.removeAll(List.of(1L, 2L, 20L, 33L));
        assertEquals(all, ids(sw.readIceberg(dir.toString())));
        assertEquals(all.size(), sw.readIceberg(dir.toString()).count());
    }

    /**
     * Filters at the values the data holds (smallest, largest, some between; every comparison, IS [NOT] NULL) over
     * every column type, partitions by identity and by day, promoted columns and all kinds of deletes: the pruned scan
     * gives what the collected rows give, and each column's bounds prune some file.
     */
    @Test
    void everyBoundPrunesSoundly(Spillway sw) {
        PartitionSpec spec = PartitionSpec.builderFor(SCHEMA).identity("cat").day("ts").build();
        Table t = IcebergWriter.create(dir, SCHEMA, spec, 3);
        List<DataFile> first = IcebergWriter.append(t, rows(t, 0, 40));
        IcebergWriter.append(t, rows(t, 40, 70));
        IcebergWriter.deletePositions(t, first.getFirst(), 0);
        IcebergWriter.deleteEqual(t, List.of(row(t, 45), row(t, 12)), "id");
        t.updateSchema().updateColumn("n", Types.LongType.get()).updateColumn("f", Types.DoubleType.get()).commit();
        IcebergWriter.append(t, rows(t, 70, 100));
        DataFrame df = sw.readIceberg(dir.toString());
        DataFrame collected = df.collect();
        List<Row> all = collected.rows();
        for (String c : df.columns()) {
            List<Object> values = new ArrayList<>(all.stream().map(r -> r.get(c)).filter(Objects::nonNull).distinct().toList());
            values.sort(null);
            List<Object> probes = new ArrayList<>();
            for (int k : new int[] {0, 1, values.size() / 3, values.size() / 2, values.size() - 2, values.size() - 1}) {
                probes.add(values.get(k));
            }
            long skipped = counter(sw, "table.filesSkipped");
            List<Expr> filters = new ArrayList<>(List.of(col(c).isNull(), col(c).isNotNull()));
            for (Object v : probes) {
                filters.addAll(List.of(col(c).eq(v), col(c).lt(v), col(c).gt(v), col(c).leq(v), col(c).geq(v)));
            }
            for (Expr p : filters) {
                assertEquals(IcebergWriter.spillwayRows(collected.filter(p)), IcebergWriter.spillwayRows(df.filter(p)), p.toString());
            }
            if (!c.equals("ok")) { // booleans: every file holds both values
                assertTrue(counter(sw, "table.filesSkipped") > skipped, "no file skipped by a filter on " + c);
            }
        }
    }
}
