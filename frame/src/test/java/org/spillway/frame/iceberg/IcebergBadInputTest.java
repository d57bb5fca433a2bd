package org.spillway.frame.iceberg;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwayTest;

/** Damaged and unsupported Iceberg tables: errors that name the table, the snapshot and the file. */
@SpillwayTest
class IcebergBadInputTest {
    @TempDir
    Path dir;
    Table table;
    DataFile file;

    static final Schema SCHEMA = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "s", Types.StringType.get()));

    @BeforeEach
    void write() {
        table = IcebergWriter.create(dir, SCHEMA, PartitionSpec.unpartitioned(), 2);
        List<Record> rows = new ArrayList<>();
        for (long i = 0; i < 5; i++) {
            Record r = GenericRecord.create(SCHEMA);
            r.setField("id", i);
            r.setField("s", "v" + i);
            rows.add(r);
        }
        file = IcebergWriter.append(table, rows).getFirst();
    }

    private static IcebergException fails(Runnable r, String... parts) {
        IcebergException e = assertThrows(IcebergException.class, r::run);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
        }
        return e;
    }

    private String snapshot() {
        return "snapshot " + table.currentSnapshot().snapshotId();
    }

    @Test
    void missingDataFile(Spillway sw) throws Exception {
        Files.delete(IcebergWriter.local(file.location()));
        fails(() -> sw.readIceberg(dir.toString()), dir.toString(), snapshot(), "data file", "missing");
    }

    @Test
    void missingManifestAndManifestList(Spillway sw) throws Exception {
        ManifestFile m = table.currentSnapshot().allManifests(table.io()).getFirst();
        Files.delete(IcebergWriter.local(m.path()));
        fails(() -> sw.readIceberg(dir.toString()), dir.toString(), snapshot(), "manifest", "missing");
        Files.delete(IcebergWriter.local(table.currentSnapshot().manifestListLocation()));
        fails(() -> sw.readIceberg(dir.toString()), dir.toString(), snapshot(), "manifest list", "missing");
    }

    @Test
    void corruptManifest(Spillway sw) throws Exception {
        ManifestFile m = table.currentSnapshot().allManifests(table.io()).getFirst();
        Files.writeString(IcebergWriter.local(m.path()), "not avro");
        fails(() -> sw.readIceberg(dir.toString()), snapshot(), "manifest", "Avro");
    }

    @Test
    void corruptMetadataAndUnknownVersion(Spillway sw) throws Exception {
        Path meta = dir.resolve("metadata/v2.metadata.json");
        String json = Files.readString(meta);
        Files.writeString(meta, json.substring(0, json.length() / 2));
        fails(() -> sw.readIceberg(dir.toString()), meta.toString(), "corrupt");
        Files.writeString(meta, json.replaceFirst("\"format-version\"\\s*:\\s*2", "\"format-version\":9"));
        fails(() -> sw.readIceberg(dir.toString()), meta.toString(), "format version 9");
        Files.delete(meta);
        Files.delete(dir.resolve("metadata/version-hint.text"));
        // without a hint the newest metadata file is read: the empty table
        assertTrue(sw.readIceberg(dir.toString()).count() == 0);
    }

    @Test
    void notATable(Spillway sw) {
        fails(() -> IcebergTable.forPath(sw, dir.resolve("nope")), "No Iceberg table", "nope");
        fails(() -> IcebergTable.forPath(sw, dir.resolve("data")), "No Iceberg table", "metadata");
    }

    @Test
    void unsupportedDataFileFormatsAndNestedColumns(Spillway sw) {
        DataFile orc = org.apache.iceberg.DataFiles.builder(table.spec()).withPath(dir.resolve("data/x.orc").toString())
                .withFormat(org.apache.iceberg.FileFormat.ORC).withFileSizeInBytes(10).withRecordCount(1).build();
        table.newAppend().appendFile(orc).commit();
        fails(() -> sw.readIceberg(dir.toString()), "ORC", "x.orc", snapshot());
        table.updateSchema().addColumn("point", Types.StructType.of(Types.NestedField.optional(10, "x", Types.DoubleType.get()))).commit();
        fails(() -> IcebergTable.forPath(sw, dir).schema(), "point", "nested");
    }
}
