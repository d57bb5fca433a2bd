package org.spillway.frame.iceberg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * Tables read from another directory than the one they were written in: Iceberg metadata names files by
 * absolute location ({@code /tmp/.../t/data/x.parquet}, {@code file:/...}, {@code s3://bucket/...}); files under the
 * table's recorded location are found under the directory read.
 */
@SpillwayTest
class IcebergRelocationTest {
    @TempDir
    Path dir;

    static final Schema SCHEMA = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "name", Types.StringType.get()), Types.NestedField.optional(3, "cat", Types.StringType.get()),
            Types.NestedField.optional(4, "ts", Types.TimestampType.withoutZone()));

    private static List<Record> rows(Table t, long from, long to) {
        List<Record> out = new ArrayList<>();
        for (long id = from; id <= to; id++) {
            Record r = GenericRecord.create(t.schema());
            r.setField("id", id);
            r.setField(t.schema().findField(2).name(), id % 5 == 0 ? null : "n" + id);
            // partition directories with URL-encoded values: cat=c0, cat=c+1, cat=c%2F2%25
            r.setField("cat", List.of("c0", "c 1", "c/2%").get((int) (id % 3)));
            r.setField("ts", LocalDateTime.of(2024, 3, 1 + (int) (id % 4), 12, 0));
            out.add(r);
        }
        return out;
    }

    /** Appends, deletes (v2, v3), a rename, partition evolution and an overwrite: several snapshots. */
    private static void commits(Table t, int formatVersion) {
        List<DataFile> first = IcebergWriter.append(t, rows(t, 1, 12));
        IcebergWriter.append(t, rows(t, 13, 20));
        if (formatVersion >= 2) {
            IcebergWriter.deletePositions(t, first.getFirst(), 0);
            IcebergWriter.deleteEqual(t, List.of(rows(t, 14, 14).getFirst()), "id");
        }
        t.updateSchema().renameColumn("name", "label").commit();
        t.updateSpec().addField(org.apache.iceberg.expressions.Expressions.day("ts")).commit();
        IcebergWriter.append(t, rows(t, 21, 26));
        var ow = t.newOverwrite().deleteFile(first.get(1));
        IcebergWriter.dataFiles(t, rows(t, 100, 102)).forEach(ow::addFile);
        ow.commit();
    }

    /** Iceberg's rows of every snapshot, by snapshot id. */
    private static Map<Long, List<String>> icebergRows(Table t) {
        t.refresh();
        Map<Long, List<String>> out = new LinkedHashMap<>();
        for (Snapshot s : t.snapshots()) {
            out.put(s.snapshotId(), IcebergWriter.icebergRows(t, s.snapshotId()));
        }
        return out;
    }

    private static void assertReadsAsIceberg(Spillway sw, Path table, Map<Long, List<String>> expected) {
        IcebergTable it = IcebergTable.forPath(sw, table);
        assertEquals(List.copyOf(expected.keySet()), it.snapshotIds());
        for (Map.Entry<Long, List<String>> e : expected.entrySet()) {
            IcebergWriter.assertSameRows(e.getValue(), IcebergWriter.spillwayRows(it.asOfSnapshot(e.getKey())), "snapshot " + e.getKey());
        }
    }

    static void copy(Path from, Path to) {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @CsvSource({"1, false", "2, false", "2, true", "3, false", "3, true"})
    void aCopiedTableReadsTheSameAtEverySnapshot(int formatVersion, boolean fileUri, Spillway sw) {
        Path original = dir.resolve("written");
        String location = fileUri ? original.toUri().toString() : original.toString();
        PartitionSpec spec = PartitionSpec.builderFor(SCHEMA).identity("cat").build();
        Table t = new HadoopTables(new org.apache.hadoop.conf.Configuration()).create(SCHEMA, spec,
                Map.of("format-version", String.valueOf(formatVersion)), location);
        commits(t, formatVersion);
        Map<Long, List<String>> expected = icebergRows(t);
        assertTrue(expected.size() >= 4, "snapshots: " + expected.keySet());
        Path moved = dir.resolve("elsewhere/copy");
        copy(original, moved);
        delete(original);
        assertFalse(Files.exists(original));
        assertReadsAsIceberg(sw, moved, expected);
        IcebergWriter.assertSameRows(expected.get(t.currentSnapshot().snapshotId()), IcebergWriter.spillwayRows(sw.readIceberg(moved.toString())),
                "the current snapshot");
        // a metadata file as the path: the table directory is the parent of metadata/
        Path meta = IcebergMetadata.locate(moved);
        assertEquals(expected.get(t.currentSnapshot().snapshotId()).size(), IcebergTable.forPath(sw, meta).toDF().count());
    }

    private static final String S3 = "s3://bucket/warehouse/t";

    private Table objectStoreTable() {
        PartitionSpec spec = PartitionSpec.builderFor(SCHEMA).identity("cat").build();
        return ObjectStoreTables.create(dir.resolve("t"), S3, SCHEMA, spec, Map.of("format-version", "2"));
    }

    @Test
    void aTableDownloadedFromAnObjectStoreReadsFromTheLocalCopy(Spillway sw) throws IOException {
        Table t = objectStoreTable();
        commits(t, 2);
        Map<Long, List<String>> expected = icebergRows(t);
        Path meta = IcebergMetadata.locate(dir.resolve("t"));
        String json = Files.readString(meta);
        assertTrue(json.matches("(?s).*\"location\"\\s*:\\s*\"" + S3 + "\".*") && json.contains(S3 + "/metadata/snap-"), json);
        assertReadsAsIceberg(sw, dir.resolve("t"), expected);
        // the same location spelled s3a:// with a trailing slash, the table read from yet another directory
        Files.writeString(meta, json.replaceFirst("\"location\"\\s*:\\s*\"" + S3 + "\"", "\"location\":\"s3a://bucket/warehouse/t/\""));
        copy(dir.resolve("t"), dir.resolve("other/t2"));
        assertReadsAsIceberg(sw, dir.resolve("other/t2"), expected);
    }

    @Test
    void aFileOutsideTheObjectStoreLocationIsRefusedNamingIt(Spillway sw) {
        Table t = objectStoreTable();
        IcebergWriter.append(t, rows(t, 1, 3));
        String outside = "s3://other-bucket/warehouse/t/data/part-0.parquet";
        DataFile f = DataFiles.builder(t.spec()).withPath(outside).withFormat(FileFormat.PARQUET).withFileSizeInBytes(100).withRecordCount(1)
                .withPartitionPath("cat=c1").build();
        t.newAppend().appendFile(f).commit();
        IcebergException e = assertThrows(IcebergException.class, () -> sw.readIceberg(dir.resolve("t").toString()).count());
        for (String part : List.of(outside, dir.resolve("t").toString(), "not on the local file system", S3)) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
        }
        // the snapshot before reads
        assertEquals(3, IcebergTable.forPath(sw, dir.resolve("t")).asOfSnapshot(t.currentSnapshot().parentId()).count());
    }

    /** A hand-written metadata file with {@code location}, in {@code dir/name}. */
    private IcebergMetadata metadataAt(String name, String location) throws IOException {
        Path table = dir.resolve(name);
        Files.createDirectories(table.resolve("metadata"));
        Files.writeString(table.resolve("metadata/v1.metadata.json"), "{\"format-version\": 2, \"location\": \"" + location + "\", "
                + "\"current-schema-id\": 0, \"schemas\": [{\"schema-id\": 0, \"type\": \"struct\", \"fields\": []}]}");
        return IcebergMetadata.load(table);
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3://bucket/wh/t", "s3a://bucket/wh/t/", "hdfs://namenode:8020/wh/t", "gs://bucket/wh/t//",
        "abfss://container@account.dfs.core.windows.net/wh/t"})
    void filesUnderAnyRemoteLocationMapUnderTheTableDirectory(String location) throws IOException {
        IcebergMetadata m = metadataAt("local", location);
        Path table = dir.resolve("local").toAbsolutePath();
        String base = location.replaceAll("/+$", "");
        assertEquals(table.resolve("data/cat=a/x.parquet"), m.resolve(base + "/data/cat=a/x.parquet", "the data file"));
        assertEquals(table.resolve("metadata/snap-1.avro"), m.resolve(base + "//metadata/snap-1.avro", "the manifest list"));
        for (String bad : List.of(base + "x/data/y.parquet", base.replace("/wh/", "/other/") + "/data/y.parquet")) {
            IcebergException e = assertThrows(IcebergException.class, () -> m.resolve(bad, "the data file"));
            assertTrue(e.getMessage().contains(bad) && e.getMessage().contains("not on the local file system"), e.getMessage());
        }
        IcebergException e = assertThrows(IcebergException.class, () -> m.resolve(base + "/data/../../x.parquet", "the data file"));
        assertTrue(e.getMessage().contains("leads out of the table's location"), e.getMessage());
        // local paths stay as they are
        assertEquals(Path.of("/elsewhere/x.parquet"), m.resolve("/elsewhere/x.parquet", "the data file"));
        assertEquals(table.resolve("data/rel.parquet"), m.resolve("data/rel.parquet", "the data file"));
    }

    @Test
    void localLocationsMapWhenMovedAndStayWhenNot() throws IOException {
        Path table = dir.resolve("here").toAbsolutePath();
        IcebergMetadata moved = metadataAt("here", "file:///somewhere/else/t/");
        assertEquals(table.resolve("data/a.parquet"), moved.resolve("file:/somewhere/else/t/data/a.parquet", "the data file"));
        assertEquals(table.resolve("data/a.parquet"), moved.resolve("/somewhere/else/t/data/a.parquet", "the data file"));
        assertEquals(table.resolve("data/a b.parquet"), moved.resolve("file:/somewhere/else/t/data/a b.parquet", "the data file"));
        // taken literally, as Iceberg's file IO takes them: a partition value URL-encoded into a directory name
        assertEquals(table.resolve("data/c=%C3%A9%2F+1%25/a.parquet"), moved.resolve("file:///somewhere/else/t/data/c=%C3%A9%2F+1%25/a.parquet",
                "the data file"));
        assertEquals(table.resolve("data/x.parquet"), moved.resolve("file://localhost/somewhere/else/t/data/x.parquet", "the data file"));
        assertEquals(Path.of("/somewhere/else/t2/a.parquet"), moved.resolve("/somewhere/else/t2/a.parquet", "the data file"));
        assertEquals(table.resolve("data/rel.parquet"), moved.resolve("data/rel.parquet", "the data file"));
        IcebergMetadata same = metadataAt("here2", "file:" + dir.resolve("here2").toAbsolutePath());
        Path here2 = dir.resolve("here2").toAbsolutePath();
        assertEquals(here2.resolve("data/a.parquet"), same.resolve(here2.resolve("data/a.parquet").toString(), "the data file"));
        assertEquals(Path.of("/elsewhere/x.parquet"), same.resolve("file:///elsewhere/x.parquet", "the data file"));
        IcebergException e = assertThrows(IcebergException.class, () -> same.resolve("s3://b/x.parquet", "the data file"));
        assertTrue(e.getMessage().contains("s3://b/x.parquet"), e.getMessage());
    }
}
