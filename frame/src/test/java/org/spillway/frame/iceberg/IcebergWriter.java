package org.spillway.frame.iceberg;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.BaseDVFileWriter;
import org.apache.iceberg.deletes.DVFileWriter;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.encryption.EncryptionKeyMetadata;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Types;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Row;

/**
 * Writes Iceberg tables with Iceberg's own libraries (iceberg-core, iceberg-data, iceberg-parquet; Hadoop
 * tables in a directory) at test time, and reads them with Iceberg's generic reader: the oracle for
 * Spillway's reader. Rows are grouped by their partition and written one data file per partition, in the
 * partition's directory.
 */
final class IcebergWriter {
    private IcebergWriter() {
    }

    static Table create(Path dir, Schema schema, PartitionSpec spec, int formatVersion) {
        return new HadoopTables(new Configuration()).create(schema, spec, Map.of("format-version", String.valueOf(formatVersion)),
                dir.toString());
    }

    static Table load(Path dir) {
        return new HadoopTables(new Configuration()).load(dir.toString());
    }

    /** A new file {@code data/<prefix>-<uuid>.parquet} of the table. */
    static EncryptedOutputFile out(Table t, String prefix) {
        return EncryptedFiles.encryptedOutput(t.io().newOutputFile(t.location() + "/data/" + prefix + "-" + UUID.randomUUID() + ".parquet"),
                EncryptionKeyMetadata.EMPTY);
    }

    /** The rows grouped by partition key (in the table's current spec), in first-seen order. */
    private static Map<PartitionKey, List<Record>> byPartition(Table t, List<Record> rows) {
        Map<PartitionKey, List<Record>> out = new LinkedHashMap<>();
        InternalRecordWrapper wrap = new InternalRecordWrapper(t.schema().asStruct());
        for (Record r : rows) {
            PartitionKey k = new PartitionKey(t.spec(), t.schema());
            k.partition(wrap.wrap(r));
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(r);
        }
        return out;
    }

    /** Writes the rows as data files (one per partition) without committing them. */
    static List<DataFile> dataFiles(Table t, List<Record> rows) {
        List<DataFile> files = new ArrayList<>();
        var factory = new GenericFileWriterFactory.Builder(t).build();
        for (Map.Entry<PartitionKey, List<Record>> e : byPartition(t, rows).entrySet()) {
            StructLike partition = t.spec().isUnpartitioned() ? null : e.getKey();
            // a partition's files in its directory, as Iceberg's writers name them (data/cat=a+b/..., values URL-encoded)
            EncryptedOutputFile file = partition == null ? out(t, "data") : EncryptedFiles.encryptedOutput(t.io().newOutputFile(
                    t.locationProvider().newDataLocation(t.spec(), partition, "data-" + UUID.randomUUID() + ".parquet")),
                    EncryptionKeyMetadata.EMPTY);
            DataWriter<Record> w = factory.newDataWriter(file, t.spec(), partition);
            close(w, () -> w.write(e.getValue()));
            files.add(w.toDataFile());
        }
        return files;
    }

    /** Appends the rows (one commit) and returns the data files written. */
    static List<DataFile> append(Table t, List<Record> rows) {
        List<DataFile> files = dataFiles(t, rows);
        var append = t.newAppend();
        files.forEach(append::appendFile);
        append.commit();
        return files;
    }

    /** Deletes rows of {@code file} by position (a position delete file in v2, a deletion vector in v3), one commit. */
    static DeleteFile deletePositions(Table t, DataFile file, long... positions) {
        DeleteFile df = positionDeleteFile(t, file, positions);
        t.newRowDelta().addDeletes(df).commit();
        return df;
    }

    /** A file deleting rows of {@code file} by position (a position delete file in v2, a deletion vector in v3), not committed. */
    static DeleteFile positionDeleteFile(Table t, DataFile file, long... positions) {
        if (((org.apache.iceberg.HasTableOperations) t).operations().current().formatVersion() >= 3) {
            OutputFileFactory files = OutputFileFactory.builderFor(t, 1, 1).format(FileFormat.PUFFIN).build();
            DVFileWriter w = new BaseDVFileWriter(files, p -> null);
            close(w, () -> {
                for (long p : positions) {
                    w.delete(file.location(), p, t.specs().get(file.specId()), file.partition());
                }
            });
            return w.result().deleteFiles().getFirst();
        }
        var factory = new GenericFileWriterFactory.Builder(t).build();
        PositionDeleteWriter<Record> w = factory.newPositionDeleteWriter(out(t, "pos"), t.specs().get(file.specId()), file.partition());
        PositionDelete<Record> d = PositionDelete.create();
        close(w, () -> {
            for (long p : positions) {
                w.write(d.set(file.location(), p));
            }
        });
        return w.toDeleteFile();
    }

    /**
     * Deletes by equality on {@code columns}: the key values of {@code rows} (full rows, whose partition in the
     * current spec places each delete file), one commit.
     */
    static List<DeleteFile> deleteEqual(Table t, List<Record> rows, String... columns) {
        List<DeleteFile> out = equalityDeleteFiles(t, rows, columns);
        var delta = t.newRowDelta();
        out.forEach(delta::addDeletes);
        delta.commit();
        return out;
    }

    /** The equality delete files of {@link #deleteEqual}, not committed. */
    static List<DeleteFile> equalityDeleteFiles(Table t, List<Record> rows, String... columns) {
        Schema keySchema = t.schema().select(columns);
        int[] ids = keySchema.columns().stream().mapToInt(Types.NestedField::fieldId).toArray();
        var factory = new GenericFileWriterFactory.Builder(t).equalityFieldIds(ids).equalityDeleteRowSchema(keySchema).build();
        List<DeleteFile> out = new ArrayList<>();
        for (Map.Entry<PartitionKey, List<Record>> e : byPartition(t, rows).entrySet()) {
            StructLike partition = t.spec().isUnpartitioned() ? null : e.getKey();
            EqualityDeleteWriter<Record> w = factory.newEqualityDeleteWriter(out(t, "eq"), t.spec(), partition);
            close(w, () -> {
                for (Record r : e.getValue()) {
                    Record k = org.apache.iceberg.data.GenericRecord.create(keySchema);
                    for (String c : columns) {
                        k.setField(c, r.getField(c));
                    }
                    w.write(k);
                }
            });
            out.add(w.toDeleteFile());
        }
        return out;
    }

    private interface Body {
        void run() throws IOException;
    }

    private static void close(Closeable c, Body body) {
        try (c) {
            body.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Iceberg's rows of a snapshot, as sorted text (columns in the snapshot schema's order). */
    static List<String> icebergRows(Table t, long snapshotId) {
        List<String> out = new ArrayList<>();
        int columns = icebergColumns(t, snapshotId).size();
        try (CloseableIterable<Record> it = IcebergGenerics.read(t).useSnapshot(snapshotId).build()) {
            for (Record r : it) {
                List<String> v = new ArrayList<>();
                // the reader appends metadata columns (_pos, where position deletes apply): left out
                for (int i = 0; i < columns; i++) {
                    v.add(text(r.get(i, Object.class)));
                }
                out.add(String.join(" | ", v));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(null);
        return out;
    }

    /** Iceberg's column names of a snapshot. */
    static List<String> icebergColumns(Table t, long snapshotId) {
        return t.schemas().get(t.snapshot(snapshotId).schemaId()).columns().stream().map(Types.NestedField::name).toList();
    }

    /** A local file named by Iceberg metadata: a file: URI or a plain path (taken literally, as Hadoop's file IO does). */
    static Path local(String location) {
        return Path.of(location.replaceFirst("^file:(//(?=/))?", ""));
    }

    /** Asserts that two sorted row lists are equal, printing only the rows that differ. */
    static void assertSameRows(List<String> expected, List<String> actual, String what) {
        List<String> missing = new ArrayList<>(expected);
        actual.forEach(missing::remove);
        List<String> extra = new ArrayList<>(actual);
        expected.forEach(extra::remove);
        if (!missing.isEmpty() || !extra.isEmpty()) {
            throw new AssertionError(what + ": " + expected.size() + " rows expected, " + actual.size() + " read; missing " + missing
                    + "; unexpected " + extra);
        }
    }

    /** Spillway's rows as sorted text. */
    static List<String> spillwayRows(DataFrame df) {
        List<String> out = new ArrayList<>();
        for (Row r : df.rows()) {
            List<String> v = new ArrayList<>();
            for (Object o : r.values()) {
                v.add(text(o));
            }
            out.add(String.join(" | ", v));
        }
        out.sort(null);
        return out;
    }

    /** One value as text, the same for both readers. */
    static String text(Object v) {
        return switch (v) {
            case null -> "null";
            case Float f -> Double.toString(f.doubleValue());
            case OffsetDateTime o -> o.toInstant().toString();
            case ByteBuffer b -> {
                byte[] a = new byte[b.remaining()];
                b.duplicate().get(a);
                yield HexFormat.of().formatHex(a);
            }
            case byte[] b -> HexFormat.of().formatHex(b);
            case BigDecimal d -> d.toPlainString();
            default -> v.toString();
        };
    }
}
