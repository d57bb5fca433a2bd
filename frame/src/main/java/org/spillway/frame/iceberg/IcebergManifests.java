package org.spillway.frame.iceberg;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
                       Long contentSize, Metrics metrics) {
    }

    /**
     * A file's column metrics by field id (spec "Manifests", data_file fields 109 to 128): value counts (nulls
     * included), null and NaN counts, and lower and upper bounds in the binary single-value serialization.
     * A map lacks the columns the writer kept no metrics for.
     */
    record Metrics(Map<Integer, Long> valueCounts, Map<Integer, Long> nullCounts, Map<Integer, Long> nanCounts,
                   Map<Integer, byte[]> lowerBounds, Map<Integer, byte[]> upperBounds) {
        static final Metrics NONE = new Metrics(Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
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
                    (Long) opt(d, "content_offset"), (Long) opt(d, "content_size_in_bytes"), metrics(d)));
        }
        return out;
    }

    /** The column metrics of a data_file record (none where its schema or the writer left them out; unreadable ones too). */
    private static Metrics metrics(GenericRecord d) {
        try {
            return new Metrics(idMap(opt(d, "value_counts"), Long.class), idMap(opt(d, "null_value_counts"), Long.class),
                    idMap(opt(d, "nan_value_counts"), Long.class), idMap(opt(d, "lower_bounds"), byte[].class),
                    idMap(opt(d, "upper_bounds"), byte[].class));
        } catch (RuntimeException e) {
            return Metrics.NONE; // metrics only prune: without them every file is read
        }
    }

    /** An Avro map from field id (an array of key/value records, or a map with string keys) as a Java map. */
    private static <V> Map<Integer, V> idMap(Object avro, Class<V> type) {
        Map<Integer, V> out = new HashMap<>();
        if (avro instanceof List<?> entries) {
            for (Object e : entries) {
                if (e instanceof GenericRecord kv && kv.get("key") instanceof Integer k && kv.get("value") != null) {
                    out.put(k, type.cast(value(kv.get("value"), type)));
                }
            }
        } else if (avro instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (e.getValue() != null) {
                    out.put(Integer.parseInt(e.getKey().toString()), type.cast(value(e.getValue(), type)));
                }
            }
        }
        return out;
    }

    private static Object value(Object v, Class<?> type) {
        if (type == byte[].class) {
            if (v instanceof ByteBuffer bb) {
                ByteBuffer d = bb.duplicate();
                byte[] b = new byte[d.remaining()];
                d.get(b);
                return b;
            }
            return v instanceof GenericData.Fixed f ? f.bytes() : v;
        }
        return v;
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
