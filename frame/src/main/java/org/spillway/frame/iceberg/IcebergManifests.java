package org.spillway.frame.iceberg;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/**
 * Reading a snapshot's manifest list and manifests (Avro files, spec "Manifest Lists" and "Manifests")
 * into the live data and delete files with their inherited sequence numbers. Costs one pass over each
 * manifest; the entries are held on the heap (a few hundred bytes per file).
 */
final class IcebergManifests {
    /** Content of a data file entry: rows. */
    static final int DATA = 0;
    /** Content of a delete file entry: position deletes (a Parquet file, or a v3 deletion vector in a Puffin file). */
    static final int POSITION_DELETES = 1;
    /** Content of a delete file entry: equality deletes. */
    static final int EQUALITY_DELETES = 2;

    /** An entry of a manifest list. */
    record ManifestFile(String path, Integer specId, int content, long sequenceNumber) {
    }

    /**
     * A live data or delete file of a snapshot.
     *
     * @param partition          the partition tuple (strings, numbers, binary as hex), for matching deletes to data files
     * @param dataSequenceNumber the data sequence number (inherited from the manifest where the entry has none)
     */
    record ContentFile(int content, String path, String format, int specId, List<Object> partition, long recordCount,
                       long dataSequenceNumber, List<Integer> equalityIds, String referencedDataFile, Long contentOffset,
                       Long contentSize) {
    }

    private IcebergManifests() {
    }

    /** The manifests of {@code snap}: from its manifest list, or (v1) its {@code manifests} field. */
    static List<ManifestFile> manifests(IcebergMetadata meta, IcebergMetadata.Snapshot snap) {
        List<ManifestFile> out = new ArrayList<>();
        if (snap.manifestList() == null) {
            for (String m : snap.manifests()) {
                out.add(new ManifestFile(m, null, DATA, 0));
            }
            return out;
        }
        Path file = meta.resolve(snap.manifestList(), "the manifest list");
        for (GenericRecord r : read(meta, snap, file, "manifest list").records) {
            Object content = opt(r, "content");
            Object seq = opt(r, "sequence_number");
            out.add(new ManifestFile(str(r.get("manifest_path")), (Integer) r.get("partition_spec_id"),
                    content == null ? DATA : (Integer) content, seq == null ? 0 : (Long) seq));
        }
        return out;
    }

    /** The live (added or existing) entries of a manifest. */
    static List<ContentFile> entries(IcebergMetadata meta, IcebergMetadata.Snapshot snap, ManifestFile manifest) {
        Path file = meta.resolve(manifest.path(), "the manifest");
        Read read = read(meta, snap, file, "manifest");
        Integer specId = manifest.specId();
        if (specId == null) {
            String s = read.specId;
            specId = s == null ? 0 : Integer.parseInt(s);
        }
        List<ContentFile> out = new ArrayList<>();
        for (GenericRecord e : read.records) {
            int status = (Integer) e.get("status");
            if (status == 2) {
                continue; // deleted: informational only
            }
            Object seq = opt(e, "sequence_number");
            long dataSeq = seq != null ? (Long) seq : manifest.sequenceNumber();
            GenericRecord d = (GenericRecord) e.get("data_file");
            Object content = opt(d, "content");
            List<Object> partition = new ArrayList<>();
            Object p = d.get("partition");
            if (p instanceof GenericRecord pr) {
                for (int i = 0; i < pr.getSchema().getFields().size(); i++) {
                    partition.add(value(pr.get(i)));
                }
            }
            List<Integer> eq = new ArrayList<>();
            if (opt(d, "equality_ids") instanceof List<?> ids) {
                for (Object id : ids) {
                    eq.add((Integer) id);
                }
            }
            Object ref = opt(d, "referenced_data_file");
            out.add(new ContentFile(content == null ? DATA : (Integer) content, str(d.get("file_path")), str(d.get("file_format")),
                    specId, partition, (Long) d.get("record_count"), dataSeq, List.copyOf(eq), ref == null ? null : str(ref),
                    (Long) opt(d, "content_offset"), (Long) opt(d, "content_size_in_bytes")));
        }
        return out;
    }

    private record Read(List<GenericRecord> records, String specId) {
    }

    private static Read read(IcebergMetadata meta, IcebergMetadata.Snapshot snap, Path file, String what) {
        String where = "Iceberg table " + meta.table + ", snapshot " + snap.id() + ": the " + what + " " + file;
        if (!Files.exists(file)) {
            throw new IcebergException(where + " is missing; this snapshot cannot be read");
        }
        List<GenericRecord> out = new ArrayList<>();
        try (DataFileReader<GenericRecord> reader = new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
            String spec = reader.getMetaString("partition-spec-id");
            while (reader.hasNext()) {
                out.add(reader.next());
            }
            return new Read(out, spec);
        } catch (IOException | AvroRuntimeException | ClassCastException e) {
            throw new IcebergException(where + " is not a readable Avro " + what + " (" + e.getMessage() + ")", e);
        }
    }

    /** A field's value, or null where the file's schema lacks the field (older format versions). */
    private static Object opt(GenericRecord r, String field) {
        return r.getSchema().getField(field) == null ? null : r.get(field);
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    /** A partition value in a form that compares by content. */
    private static Object value(Object o) {
        if (o instanceof CharSequence cs) {
            return cs.toString();
        }
        if (o instanceof ByteBuffer bb) {
            ByteBuffer d = bb.duplicate();
            byte[] b = new byte[d.remaining()];
            d.get(b);
            return "0x" + HexFormat.of().formatHex(b);
        }
        if (o instanceof GenericData.Fixed f) {
            return "0x" + HexFormat.of().formatHex(f.bytes());
        }
        return o;
    }
}
