package org.spillway.frame.iceberg;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.BaseDeleteLoader;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.BaseDVFileWriter;
import org.apache.iceberg.deletes.DVFileWriter;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteIndex;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DeleteWriteResult;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.types.Types;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.NanoTime;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * The commits of each golden Iceberg table (see the README in src/test/resources/iceberg-golden/). Every commit is
 * followed by a few milliseconds' pause, so that snapshots have distinct times and "as of a time" is unambiguous.
 */
final class GoldenRecipes {
    private GoldenRecipes() {
    }

    private static Map<String, String> props(int formatVersion, String... more) {
        Map<String, String> p = new HashMap<>();
        p.put(TableProperties.FORMAT_VERSION, String.valueOf(formatVersion));
        // keep the committed tables small: the current metadata file and one before it (Iceberg's minimum)
        p.put(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true");
        p.put(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "1");
        for (int i = 0; i < more.length; i += 2) {
            p.put(more[i], more[i + 1]);
        }
        return p;
    }

    private static Table hadoopTable(String location, Schema schema, PartitionSpec spec, Map<String, String> props) {
        return new HadoopTables(new Configuration()).create(schema, spec, props, location);
    }

    /** A pause after a commit: snapshot times differ. */
    private static void tick() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Record rec(Table t, Object... kv) {
        Record r = GenericRecord.create(t.schema());
        for (int i = 0; i < kv.length; i += 2) {
            r.setField((String) kv[i], kv[i + 1]);
        }
        return r;
    }

    private static List<DataFile> append(Table t, List<Record> rows) {
        List<DataFile> f = IcebergWriter.append(t, rows);
        tick();
        return f;
    }

    private static void commit(org.apache.iceberg.SnapshotUpdate<?> update) {
        update.commit();
        tick();
    }

    /**
     * Format v1 (a file: URI location; partition directories with URL-encoded values: {@code cat=a+b},
     * {@code cat=%C3%A9%2F%C3%BC+100%25}): appends, a column added, an overwrite, a rollback, v1 partition evolution.
     */
    static Table v1Appends(Path dir) {
        Schema s = new Schema(required(1, "id", Types.LongType.get()), optional(2, "name", Types.StringType.get()),
                optional(3, "cat", Types.StringType.get()), optional(4, "amount", Types.DoubleType.get()));
        Table t = hadoopTable(dir.toUri().toString(), s, PartitionSpec.builderFor(s).identity("cat").build(), props(1));
        List<Record> rows = new ArrayList<>();
        for (long i = 1; i <= 10; i++) {
            rows.add(rec(t, "id", i, "name", i == 4 ? null : "n" + i, "cat", List.of("a b", "b", "é/ü 100%").get((int) (i % 3)),
                    "amount", i * 1.5));
        }
        append(t, rows);
        t.updateSchema().addColumn("note", Types.StringType.get()).commit();
        append(t, List.of(rec(t, "id", 11L, "cat", "a b", "note", "added later"), rec(t, "id", 12L, "cat", "é/ü 100%", "note", "")));
        long beforeOverwrite = t.currentSnapshot().snapshotId();
        var ow = t.newOverwrite().overwriteByRowFilter(Expressions.equal("cat", "b"));
        IcebergWriter.dataFiles(t, List.of(rec(t, "id", 20L, "name", "twenty", "cat", "b", "amount", -2.0),
                rec(t, "id", 21L, "cat", "b"))).forEach(ow::addFile);
        commit(ow);
        // back to the snapshot before the overwrite: the overwrite stays in the metadata, no longer an ancestor
        t.manageSnapshots().rollbackTo(beforeOverwrite).commit();
        tick();
        // v1 partition evolution: the removed field becomes a void transform
        t.updateSpec().removeField("cat").addField(Expressions.bucket("id", 2)).commit();
        append(t, List.of(rec(t, "id", 13L, "name", "n13", "cat", "d"), rec(t, "id", 14L, "cat", "a", "amount", 0.25)));
        return t;
    }

    /**
     * Format v2, gzipped metadata files ({@code vN.gz.metadata.json}): appends (the second merges the manifests), a tag,
     * a commit on a branch, a fast append, a delete of a file by a filter, the first snapshot expired.
     */
    static Table v2Appends(Path dir) {
        Schema s = new Schema(required(1, "id", Types.LongType.get()), optional(2, "s", Types.StringType.get()),
                optional(3, "ok", Types.BooleanType.get()), optional(4, "day", Types.DateType.get()));
        Table t = hadoopTable(dir.toString(), s, PartitionSpec.unpartitioned(), props(2, TableProperties.MANIFEST_MIN_MERGE_COUNT, "2",
                TableProperties.METADATA_COMPRESSION, "gzip"));
        long first = 0;
        for (int c = 0; c < 2; c++) {
            List<Record> rows = new ArrayList<>();
            for (long i = c * 4L + 1; i <= c * 4L + 4; i++) {
                rows.add(rec(t, "id", i, "s", i % 4 == 0 ? null : "s" + i, "ok", i % 3 == 0 ? null : i % 2 == 0,
                        "day", LocalDate.of(2024, 2, 27).plusDays(i)));
            }
            append(t, rows);
            if (c == 0) {
                first = t.currentSnapshot().snapshotId();
            }
        }
        long second = t.currentSnapshot().snapshotId();
        t.manageSnapshots().createTag("two-appends", second).createBranch("audit", second).commit();
        var branch = t.newAppend();
        IcebergWriter.dataFiles(t, List.of(rec(t, "id", 100L, "s", "only on the branch"))).forEach(branch::appendFile);
        commit(branch.toBranch("audit"));
        var fast = t.newFastAppend();
        IcebergWriter.dataFiles(t, List.of(rec(t, "id", 13L, "s", "fast", "ok", true), rec(t, "id", 14L, "day", LocalDate.of(1999, 12, 31))))
                .forEach(fast::appendFile);
        commit(fast);
        // the first append's file, by a filter its rows all match
        commit(t.newDelete().deleteFromRowFilter(Expressions.lessThanOrEqual("id", 4L)));
        t.expireSnapshots().expireSnapshotId(first).commit();
        return t;
    }

    private static ByteBuffer bytes(int... b) {
        byte[] a = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            a[i] = (byte) b[i];
        }
        return ByteBuffer.wrap(a);
    }

    /** Every primitive type Spillway reads, with nulls and edge values; equality deletes keyed on several types. */
    static Table types(Path dir) {
        Schema s = new Schema(required(1, "id", Types.IntegerType.get()), optional(2, "b", Types.BooleanType.get()),
                optional(3, "i", Types.IntegerType.get()), optional(4, "l", Types.LongType.get()), optional(5, "f", Types.FloatType.get()),
                optional(6, "d", Types.DoubleType.get()), optional(7, "dec_small", Types.DecimalType.of(9, 2)),
                optional(8, "dec_mid", Types.DecimalType.of(18, 6)), optional(9, "dec_big", Types.DecimalType.of(38, 10)),
                optional(10, "s", Types.StringType.get()), optional(11, "dt", Types.DateType.get()), optional(12, "t", Types.TimeType.get()),
                optional(13, "ts", Types.TimestampType.withoutZone()), optional(14, "tstz", Types.TimestampType.withZone()),
                optional(15, "u", Types.UUIDType.get()), optional(16, "fx", Types.FixedType.ofLength(4)),
                optional(17, "bin", Types.BinaryType.get()));
        Table t = hadoopTable(dir.toString(), s, PartitionSpec.unpartitioned(), props(2));
        Record r1 = rec(t, "id", 1, "b", true, "i", 42, "l", 1234567890123L, "f", 1.1f, "d", 2.2, "dec_small", new BigDecimal("1234.56"),
                "dec_mid", new BigDecimal("-123456789012.345678"), "dec_big", new BigDecimal("1234567890123456789012345678.0123456789"),
                "s", "héllo wörld ✓ 日本語 😀", "dt", LocalDate.of(2024, 2, 29), "t", LocalTime.of(12, 34, 56, 123456000),
                "ts", LocalDateTime.of(2024, 1, 31, 12, 34, 56, 123456000), "tstz", OffsetDateTime.parse("2024-01-31T12:34:56.123456+05:30"),
                "u", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), "fx", new byte[] {1, 2, 3, 4}, "bin", bytes(0, 0xff, 0x10));
        Record r2 = rec(t, "id", 2, "b", false, "i", Integer.MIN_VALUE, "l", Long.MAX_VALUE, "f", Float.NaN, "d", Double.NEGATIVE_INFINITY,
                "dec_small", new BigDecimal("-9999999.99"), "dec_mid", new BigDecimal("0.000001"),
                "dec_big", new BigDecimal("-9999999999999999999999999999.9999999999"), "s", "", "dt", LocalDate.of(1, 1, 1),
                "t", LocalTime.MIDNIGHT, "ts", LocalDateTime.of(1900, 1, 1, 0, 0, 0, 1000),
                "tstz", OffsetDateTime.parse("1969-12-31T23:59:59.999999Z"), "u", new UUID(0, 0), "fx", new byte[4], "bin", bytes());
        Record r3 = rec(t, "id", 3, "i", Integer.MAX_VALUE, "l", Long.MIN_VALUE, "f", -0.0f, "d", Double.MIN_VALUE,
                "dec_small", new BigDecimal("0.01"), "s", "quote \" backslash \\ newline \n tab \t", "dt", LocalDate.of(9999, 12, 31),
                "t", LocalTime.of(23, 59, 59, 999999000), "ts", LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999999000),
                "tstz", OffsetDateTime.parse("2262-04-11T23:47:16.854775Z"), "bin", bytes(0x61));
        Record r4 = rec(t, "id", 4);
        append(t, List.of(r1, r2, r3, r4));
        Record r5 = rec(t, "id", 5, "b", true, "f", Float.POSITIVE_INFINITY, "d", Double.NaN, "dec_small", new BigDecimal("-0.50"),
                "s", "null", "dt", LocalDate.of(1582, 10, 15), "ts", LocalDateTime.of(1969, 7, 20, 20, 17, 40),
                "tstz", OffsetDateTime.parse("2000-01-01T00:00:00Z"), "fx", new byte[] {-1, -1, -1, -1});
        Record r6 = rec(t, "id", 6, "s", "", "dt", LocalDate.of(1970, 1, 1), "dec_small", new BigDecimal("-0.50"),
                "tstz", OffsetDateTime.parse("2000-01-01T00:00:00Z"), "u", UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff"));
        append(t, List.of(r5, r6));
        // one commit: by an empty string (not null); by a date, decimal and timestamptz together; by uuid and binary
        RowDelta delta = t.newRowDelta();
        IcebergWriter.equalityDeleteFiles(t, List.of(r2), "s").forEach(delta::addDeletes);
        IcebergWriter.equalityDeleteFiles(t, List.of(r5), "dt", "dec_small", "tstz").forEach(delta::addDeletes);
        IcebergWriter.equalityDeleteFiles(t, List.of(r1), "u", "bin").forEach(delta::addDeletes);
        commit(delta);
        return t;
    }

    /**
     * Columns added, dropped, renamed (also to a dropped column's name), re-added under the same name with a new id,
     * promoted (int to long, float to double, decimal(5,2) to decimal(12,2)) and moved; an equality delete by a
     * renamed column.
     */
    static Table schemaEvolution(Path dir) {
        Schema s = new Schema(required(1, "id", Types.LongType.get()), optional(2, "a", Types.IntegerType.get()),
                optional(3, "b", Types.FloatType.get()), optional(4, "c", Types.DecimalType.of(5, 2)), optional(5, "d", Types.StringType.get()),
                optional(6, "e", Types.StringType.get()));
        Table t = hadoopTable(dir.toString(), s, PartitionSpec.unpartitioned(), props(2));
        append(t, List.of(rec(t, "id", 1L, "a", 10, "b", 0.5f, "c", new BigDecimal("123.45"), "d", "d1", "e", "e1"),
                rec(t, "id", 2L, "a", -7, "b", 1.1f, "c", new BigDecimal("-0.01"), "d", "d2"), rec(t, "id", 3L)));
        t.updateSchema().addColumn("x", Types.StringType.get()).renameColumn("d", "d_renamed").commit();
        append(t, List.of(rec(t, "id", 4L, "a", 40, "d_renamed", "d4", "e", "e4", "x", "x4"), rec(t, "id", 5L, "x", "x5")));
        t.updateSchema().deleteColumn("e").updateColumn("a", Types.LongType.get()).updateColumn("b", Types.DoubleType.get())
                .updateColumn("c", Types.DecimalType.of(12, 2)).commit();
        append(t, List.of(rec(t, "id", 6L, "a", 5_000_000_000L, "b", 1.0e300, "c", new BigDecimal("1234567890.12"), "d_renamed", "d6",
                "x", "x6")));
        // x dropped and added again (a new field id: older rows read null); d_renamed takes the dropped column e's name
        t.updateSchema().deleteColumn("x").commit();
        t.updateSchema().addColumn("x", Types.LongType.get()).renameColumn("d_renamed", "e").commit();
        t.updateSchema().moveFirst("x").moveAfter("c", "id").commit();
        // rows and an equality delete in one commit, by the column d, now named e (older files store it as d, field
        // id 5): d2 goes; d7, added in the same commit (the same sequence number), stays
        RowDelta delta = t.newRowDelta();
        IcebergWriter.dataFiles(t, List.of(rec(t, "id", 7L, "a", 7L, "e", "d7", "x", 70L), rec(t, "id", 8L, "x", 80L,
                "c", new BigDecimal("8.00"), "e", "d8"))).forEach(delta::addRows);
        IcebergWriter.equalityDeleteFiles(t, List.of(rec(t, "e", "d2"), rec(t, "e", "d7")), "e").forEach(delta::addDeletes);
        commit(delta);
        return t;
    }

    /** Identity, bucket, truncate, day, hour, month partitions; partition evolution; deletes scoped to a partition and spec. */
    static Table partitions(Path dir) {
        Schema s = new Schema(required(1, "id", Types.LongType.get()), optional(2, "cat", Types.StringType.get()),
                optional(3, "name", Types.StringType.get()), optional(4, "ts", Types.TimestampType.withZone()),
                optional(5, "d", Types.DateType.get()), optional(6, "amount", Types.DecimalType.of(10, 2)));
        PartitionSpec spec = PartitionSpec.builderFor(s).identity("cat").bucket("id", 4).build();
        Table t = hadoopTable(dir.toString(), s, spec, props(2));
        OffsetDateTime base = OffsetDateTime.parse("2024-03-30T22:00:00Z");
        List<Record> rows = new ArrayList<>();
        for (long i = 1; i <= 18; i++) {
            rows.add(rec(t, "id", i, "cat", i % 5 == 0 ? null : List.of("a", "b").get((int) (i % 2)), "name", i % 7 == 0 ? null : "name" + i,
                    "ts", base.plusHours(i * 5), "d", LocalDate.of(2024, 1, 15).plusDays(i * 11), "amount", BigDecimal.valueOf(i * 125, 2)));
        }
        List<DataFile> spec0 = append(t, rows.subList(0, 6));
        t.updateSpec().addField(Expressions.day("ts")).removeField(Expressions.bucket("id", 4)).commit();
        append(t, rows.subList(6, 12));
        t.updateSpec().removeField(Expressions.day("ts")).addField(Expressions.hour("ts")).addField(Expressions.truncate("name", 5))
                .addField(Expressions.truncate("id", 10)).addField(Expressions.month("d")).commit();
        append(t, rows.subList(12, 18));
        // equality deletes by id, each in its row's partition of the current spec: they reach only current-spec files
        // of that partition, so id 3 (an older spec's file) stays and id 14 goes; a position delete in a spec-0 file
        RowDelta delta = t.newRowDelta().addDeletes(IcebergWriter.positionDeleteFile(t, spec0.getFirst(), 0));
        IcebergWriter.equalityDeleteFiles(t, List.of(rows.get(2), rows.get(13)), "id").forEach(delta::addDeletes);
        commit(delta);
        // dynamic partition overwrite in the current spec: the file of row 13's partition is replaced by a new row 13
        var rp = t.newReplacePartitions();
        IcebergWriter.dataFiles(t, List.of(rec(t, "id", 13L, "cat", "b", "name", "name13 new", "ts", base.plusHours(65),
                "d", LocalDate.of(2024, 1, 15).plusDays(143), "amount", new BigDecimal("99.99")))).forEach(rp::addFile);
        commit(rp);
        return t;
    }

    /** Writes position deletes for several data files in one file (unpartitioned), not committed. */
    private static DeleteFile positionDeletes(Table t, Map<String, long[]> byFile) throws IOException {
        var factory = new GenericFileWriterFactory.Builder(t).build();
        PositionDeleteWriter<Record> w = factory.newPositionDeleteWriter(IcebergWriter.out(t, "pos"), t.spec(), null);
        PositionDelete<Record> d = PositionDelete.create();
        try (w) {
            for (Map.Entry<String, long[]> e : new TreeMap<>(byFile).entrySet()) {
                for (long p : e.getValue()) {
                    w.write(d.set(e.getKey(), p));
                }
            }
        }
        return w.toDeleteFile();
    }

    private static List<Record> numbered(Table t, long from, long to) {
        List<Record> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(rec(t, "id", i, "s", "row" + i, "v", i % 4 == 0 ? null : i / 3.0));
        }
        return out;
    }

    /**
     * Position deletes: a file for three data files and, in the same commit, one repeating a position and naming a file
     * the table does not have; data and its delete in one commit (a data file removed with them); a compaction.
     */
    static Table positionDeletes(Path dir) throws IOException {
        Schema s = new Schema(required(1, "id", Types.LongType.get()), optional(2, "s", Types.StringType.get()),
                optional(3, "v", Types.DoubleType.get()));
        Table t = hadoopTable(dir.toString(), s, PartitionSpec.unpartitioned(), props(2));
        DataFile f1 = IcebergWriter.dataFiles(t, numbered(t, 1, 6)).getFirst();
        DataFile f2 = IcebergWriter.dataFiles(t, numbered(t, 7, 12)).getFirst();
        DataFile f3 = IcebergWriter.dataFiles(t, numbered(t, 13, 18)).getFirst();
        commit(t.newAppend().appendFile(f1).appendFile(f2).appendFile(f3));
        // one commit, two delete files: f1's position 5 in both, a path not in the table
        commit(t.newRowDelta().addDeletes(positionDeletes(t, Map.of(f1.location(), new long[] {0, 5}, f2.location(), new long[] {2},
                f3.location(), new long[] {4}))).addDeletes(positionDeletes(t, Map.of(f1.location(), new long[] {1, 5},
                dir.resolve("data/not-in-the-table.parquet").toString(), new long[] {0}))));
        // data and its delete in one commit (the same sequence number: the delete applies); f2 removed
        DataFile f4 = IcebergWriter.dataFiles(t, numbered(t, 19, 22)).getFirst();
        commit(t.newRowDelta().addRows(f4).addDeletes(IcebergWriter.positionDeleteFile(t, f4, 3)).removeRows(f2));
        // compaction of f1: its live rows into a new file (a newer sequence number: f1's deletes do not reach it)
        DataFile compacted = IcebergWriter.dataFiles(t, numbered(t, 3, 5)).getFirst();
        commit(t.newRewrite().deleteFile(f1).addFile(compacted).validateFromSnapshot(t.currentSnapshot().snapshotId()));
        return t;
    }

    /**
     * Equality deletes with sequence numbers: a delete does not remove rows added after it; partition-scoped and global
     * deletes; a two-column key with a null; a whole-row delete file keyed on one column; a compaction that keeps the
     * data sequence number (older deletes still apply); a delete by a renamed column.
     */
    static Table equalityDeletes(Path dir) throws IOException {
        Schema s = new Schema(required(1, "id", Types.LongType.get()), optional(2, "k", Types.StringType.get()),
                optional(3, "grp", Types.StringType.get()), optional(4, "v", Types.IntegerType.get()));
        Table t = hadoopTable(dir.toString(), s, PartitionSpec.builderFor(s).identity("grp").build(), props(2));
        List<Record> rows = new ArrayList<>();
        for (long i = 1; i <= 12; i++) {
            rows.add(rec(t, "id", i, "k", i % 4 == 0 ? null : "k" + i % 3, "grp", "g" + i % 2, "v", (int) i * 10));
        }
        List<DataFile> first = append(t, rows);
        long firstSeq = t.currentSnapshot().sequenceNumber();
        // one commit: by id (2 and 7, each in its partition); by (k, v) with k null (null matches null); a whole row
        // compared on id only (as Flink writes them: its other values differ from the row's)
        RowDelta delta = t.newRowDelta();
        IcebergWriter.equalityDeleteFiles(t, List.of(rows.get(1), rows.get(6)), "id").forEach(delta::addDeletes);
        IcebergWriter.equalityDeleteFiles(t, List.of(rows.get(3), rows.get(4)), "k", "v").forEach(delta::addDeletes);
        delta.addDeletes(fullRowDelete(t, rec(t, "id", 9L, "k", "not k0", "grp", "g1", "v", -1)));
        commit(delta);
        // ids 2 and 7 written again: newer than the delete, they stay
        append(t, List.of(rec(t, "id", 2L, "k", "again", "grp", "g0", "v", 2), rec(t, "id", 7L, "k", "again", "grp", "g1", "v", 7),
                rec(t, "id", 13L, "grp", "g1", "v", 130)));
        // a compaction of the first g0 file that keeps its data sequence number: the delete of id 2 still applies to it
        DataFile g0 = first.stream().filter(f -> "g0".equals(f.partition().get(0, String.class))).findFirst().orElseThrow();
        List<Record> g0rows = rows.stream().filter(r -> r.getField("grp").equals("g0")).toList();
        DataFile rewritten = IcebergWriter.dataFiles(t, g0rows).getFirst();
        commit(t.newRewrite().dataSequenceNumber(firstSeq).deleteFile(g0).addFile(rewritten)
                .validateFromSnapshot(t.currentSnapshot().snapshotId()));
        // unpartitioned now: global deletes reaching every older file, by grp and by the renamed column k
        t.updateSpec().removeField("grp").commit();
        t.updateSchema().renameColumn("k", "key").commit();
        delta = t.newRowDelta();
        IcebergWriter.equalityDeleteFiles(t, List.of(rec(t, "grp", "g1")), "grp").forEach(delta::addDeletes);
        IcebergWriter.equalityDeleteFiles(t, List.of(rec(t, "key", "k2")), "key").forEach(delta::addDeletes);
        commit(delta);
        return t;
    }

    /** An equality delete file holding the whole {@code row} (all columns) with equality on {@code id} only. */
    private static DeleteFile fullRowDelete(Table t, Record row) throws IOException {
        var factory = new GenericFileWriterFactory.Builder(t).equalityFieldIds(new int[] {t.schema().findField("id").fieldId()})
                .equalityDeleteRowSchema(t.schema()).build();
        PartitionKey key = new PartitionKey(t.spec(), t.schema());
        key.partition(new InternalRecordWrapper(t.schema().asStruct()).wrap(row));
        EqualityDeleteWriter<Record> w = factory.newEqualityDeleteWriter(IcebergWriter.out(t, "eq"), t.spec(), key);
        try (w) {
            w.write(row);
        }
        return w.toDeleteFile();
    }

    /** The previous position deletes of {@code f} (Parquet files or a deletion vector), or null. */
    private static PositionDeleteIndex previousDeletes(Table t, DataFile f) {
        try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
            for (FileScanTask task : tasks) {
                if (task.file().location().equals(f.location())) {
                    List<DeleteFile> pos = task.deletes().stream().filter(d -> d.content() == FileContent.POSITION_DELETES).toList();
                    return pos.isEmpty() ? null : new BaseDeleteLoader(d -> t.io().newInputFile(d)).loadPositionDeletes(pos, f.location());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return null;
    }

    /**
     * Deletion vectors (v3) for the files of {@code deletes}, each merged with the file's earlier deletes (which it
     * replaces), and {@code more} delete files: one commit.
     */
    private static void deletionVectors(Table t, Map<DataFile, long[]> deletes, List<DeleteFile> more) throws IOException {
        Map<String, PositionDeleteIndex> previous = new HashMap<>();
        for (DataFile f : deletes.keySet()) {
            previous.put(f.location(), previousDeletes(t, f));
        }
        OutputFileFactory files = OutputFileFactory.builderFor(t, 1, 1).format(FileFormat.PUFFIN).build();
        DVFileWriter w = new BaseDVFileWriter(files, p -> previous.get(p.toString()));
        try (w) {
            for (Map.Entry<DataFile, long[]> e : deletes.entrySet()) {
                DataFile f = e.getKey();
                for (long p : e.getValue()) {
                    w.delete(f.location(), p, t.specs().get(f.specId()), f.partition());
                }
            }
        }
        DeleteWriteResult res = w.result();
        RowDelta delta = t.newRowDelta().validateFromSnapshot(t.currentSnapshot().snapshotId());
        res.deleteFiles().forEach(delta::addDeletes);
        res.rewrittenDeleteFiles().forEach(delta::removeDeletes);
        more.forEach(delta::addDeletes);
        commit(delta);
    }

    /**
     * A v2 table with Parquet position deletes upgraded to v3: nanosecond timestamp columns added, deletion vectors
     * that take in a file's Parquet deletes (and replace them), a second deletion vector for a file replacing its first,
     * a file keeping its Parquet deletes, an equality delete.
     */
    static Table deletionVectors(Path dir) throws IOException {
        Schema s = new Schema(required(1, "id", Types.LongType.get()), optional(2, "s", Types.StringType.get()),
                optional(3, "cat", Types.StringType.get()));
        Table t = hadoopTable(dir.toString(), s, PartitionSpec.builderFor(s).identity("cat").build(), props(2));
        List<Record> rows = new ArrayList<>();
        for (long i = 1; i <= 16; i++) {
            rows.add(rec(t, "id", i, "s", "s" + i, "cat", i % 2 == 0 ? "even" : "odd"));
        }
        List<DataFile> files = append(t, rows);
        DataFile a = files.getFirst();
        DataFile b = files.get(1);
        commit(t.newRowDelta().addDeletes(IcebergWriter.positionDeleteFile(t, a, 1)).addDeletes(IcebergWriter.positionDeleteFile(t, b, 2)));
        t.updateProperties().set(TableProperties.FORMAT_VERSION, "3").commit();
        t.updateSchema().addColumn("ts_ns", Types.TimestampNanoType.withoutZone()).addColumn("tstz_ns", Types.TimestampNanoType.withZone())
                .commit();
        List<Record> more = new ArrayList<>();
        for (long i = 17; i <= 22; i++) {
            more.add(rec(t, "id", i, "s", "s" + i, "cat", "even", "ts_ns", i % 6 == 0 ? null : LocalDateTime.of(2025, 6, 1, 0, 0)
                    .plusNanos(i * 1_001_000L), "tstz_ns", OffsetDateTime.parse("1960-01-01T00:00:00Z").plusNanos(i * 7_000L)));
        }
        DataFile c = append(t, more).getFirst();
        // a: its Parquet delete (position 1) taken into a deletion vector with 0 and 3; b keeps its Parquet delete
        deletionVectors(t, Map.of(a, new long[] {0, 3}), List.of());
        // a again (the vector replaced), c's first, and an equality delete of id 8, in one commit
        deletionVectors(t, Map.of(a, new long[] {5}, c, new long[] {1}), IcebergWriter.equalityDeleteFiles(t, List.of(rows.get(7)), "id"));
        return t;
    }

    /**
     * Files without Parquet field ids (written with parquet-hadoop's example writer, as imported files are), read
     * through {@code schema.name-mapping.default}: a rename after the import (a later import uses the new name), a file
     * with a column the table lacks and without one it has, INT96 timestamps, a position delete and an equality delete
     * on the imported files.
     */
    static Table nameMapping(Path dir) throws IOException {
        Schema s = new Schema(required(1, "id", Types.LongType.get()), optional(2, "name", Types.StringType.get()),
                optional(3, "n", Types.IntegerType.get()), optional(4, "at", Types.TimestampType.withZone()));
        Table t = hadoopTable(dir.toString(), s, PartitionSpec.unpartitioned(), props(2));
        t.updateProperties().set(TableProperties.DEFAULT_NAME_MAPPING, NameMappingParser.toJson(MappingUtil.create(t.schema()))).commit();
        MessageType m1 = MessageTypeParser.parseMessageType(
                "message spark_schema { required int64 id; optional binary name (STRING); optional int32 n; optional int96 at; }");
        DataFile a = importParquet(t, "imported-1.parquet", m1, List.of(
                new Object[] {1L, "one", 10, OffsetDateTime.parse("2024-05-01T10:00:00.000001Z")},
                new Object[] {2L, null, 20, null}, new Object[] {3L, "three", null, OffsetDateTime.parse("1999-12-31T23:59:59Z")},
                new Object[] {4L, "four", 40, OffsetDateTime.parse("2024-05-02T00:00:00Z")}));
        commit(t.newAppend().appendFile(a));
        // renamed: the mapping keeps the old name too, so the imported file's column still maps
        t.updateSchema().renameColumn("name", "label").commit();
        append(t, List.of(rec(t, "id", 5L, "label", "five", "n", 50, "at", OffsetDateTime.parse("2024-05-05T05:05:05Z"))));
        // a second import, naming the column by its new name: an extra column the table does not have, without n
        MessageType m2 = MessageTypeParser.parseMessageType(
                "message spark_schema { required int64 id; optional binary label (STRING); optional double extra; }");
        DataFile b = importParquet(t, "imported-2.parquet", m2, List.of(new Object[] {6L, "six", 6.5}, new Object[] {7L, null, 7.5}));
        commit(t.newAppend().appendFile(b));
        RowDelta delta = t.newRowDelta().addDeletes(IcebergWriter.positionDeleteFile(t, a, 1));
        IcebergWriter.equalityDeleteFiles(t, List.of(rec(t, "label", "three"), rec(t, "label", "six")), "label").forEach(delta::addDeletes);
        commit(delta);
        return t;
    }

    /** Writes rows with parquet-hadoop (no field ids) at {@code data/<name>} of the table, as a data file of it. */
    private static DataFile importParquet(Table t, String name, MessageType type, List<Object[]> rows) throws IOException {
        String location = t.location() + "/data/" + name;
        Path local = IcebergWriter.local(location);
        Files.createDirectories(local.getParent());
        SimpleGroupFactory groups = new SimpleGroupFactory(type);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(local)).withType(type)
                .withConf(new Configuration()).build()) {
            for (Object[] row : rows) {
                Group g = groups.newGroup();
                for (int i = 0; i < row.length; i++) {
                    String field = type.getFieldName(i);
                    switch (row[i]) {
                        case null -> { }
                        case Long l -> g.append(field, l);
                        case Integer n -> g.append(field, n);
                        case Double d -> g.append(field, d);
                        case String str -> g.append(field, str);
                        case OffsetDateTime o -> g.append(field, int96(o));
                        default -> throw new IllegalArgumentException(String.valueOf(row[i]));
                    }
                }
                w.write(g);
            }
        }
        NameMapping mapping = NameMappingParser.fromJson(t.properties().get(TableProperties.DEFAULT_NAME_MAPPING));
        var in = t.io().newInputFile(location);
        return DataFiles.builder(t.spec()).withPath(location).withFormat(FileFormat.PARQUET).withFileSizeInBytes(Files.size(local))
                .withMetrics(ParquetUtil.fileMetrics(in, MetricsConfig.forTable(t), mapping)).build();
    }

    /** An instant as Parquet's legacy INT96 timestamp (Julian day and nanoseconds of the day, UTC). */
    private static NanoTime int96(OffsetDateTime o) {
        java.time.Instant i = o.toInstant();
        long day = Math.floorDiv(i.getEpochSecond(), 86400);
        long nanos = Math.floorMod(i.getEpochSecond(), 86400) * 1_000_000_000L + i.getNano();
        return new NanoTime((int) (day + 2440588), nanos);
    }

    /**
     * A table as a catalog writes it on S3 ({@code s3://golden-bucket/warehouse/db/events}; metadata files
     * {@code NNNNN-uuid.metadata.json}, no version hint), its objects stored in the table directory: appends, a
     * position delete and an equality delete.
     */
    static Table s3Location(Path dir) {
        Schema s = new Schema(required(1, "id", Types.LongType.get()), optional(2, "kind", Types.StringType.get()),
                optional(3, "at", Types.TimestampType.withZone()), optional(4, "payload", Types.BinaryType.get()));
        PartitionSpec spec = PartitionSpec.builderFor(s).identity("kind").day("at").build();
        Table t = ObjectStoreTables.create(dir, "s3://golden-bucket/warehouse/db/events", s, spec, props(2));
        List<Record> rows = new ArrayList<>();
        for (long i = 1; i <= 12; i++) {
            rows.add(rec(t, "id", i, "kind", i % 3 == 0 ? "click" : "view", "at", OffsetDateTime.parse("2024-07-01T20:00:00Z").plusHours(i * 3),
                    "payload", i % 4 == 0 ? null : ByteBuffer.wrap(("p" + i).getBytes(StandardCharsets.UTF_8))));
        }
        List<DataFile> files = append(t, rows.subList(0, 8));
        append(t, rows.subList(8, 12));
        RowDelta delta = t.newRowDelta().addDeletes(IcebergWriter.positionDeleteFile(t, files.getFirst(), 0));
        IcebergWriter.equalityDeleteFiles(t, List.of(rows.get(5), rows.get(10)), "id").forEach(delta::addDeletes);
        commit(delta);
        return t;
    }
}
