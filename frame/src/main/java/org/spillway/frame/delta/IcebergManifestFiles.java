package org.spillway.frame.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.spillway.spill.DataType;

/**
 * The Avro side of {@link IcebergConverter}: Iceberg v2 manifests and manifest lists (the schemas Iceberg 1.x writes,
 * with their {@code field-id}s), the Iceberg schema, partition tuples, per-column counts and bounds from the Delta
 * statistics, and the name mapping.
 */
final class IcebergManifestFiles {
    private static final int ADDED = 1;
    private static final int EXISTING = 0;
    private static final int DELETED = 2;
    private static final String ENTRY_TEMPLATE = read("iceberg-manifest-entry.avsc");
    private static final Schema LIST_SCHEMA = new Schema.Parser().parse(read("iceberg-manifest-file.avsc"));

    private final Snapshot snap;
    private final Path dir;
    private final String where;
    private final String commitId = UUID.randomUUID().toString();
    private int manifests;

    IcebergManifestFiles(Snapshot snap, Path dir, String where) {
        this.snap = snap;
        this.dir = dir;
        this.where = where;
    }

    private static String read(String resource) {
        try (InputStream in = IcebergManifestFiles.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("missing resource " + resource, e);
        }
    }

    // ---------------------------------------------------------------- schema, partitions, name mapping

    /** The Iceberg type of a Delta primitive type. */
    static String icebergType(String delta) {
        return switch (delta) {
            case "byte", "short", "integer" -> "int";
            case "long" -> "long";
            case "float" -> "float";
            case "double" -> "double";
            case "boolean" -> "boolean";
            case "string" -> "string";
            case "binary" -> "binary";
            case "date" -> "date";
            case "timestamp" -> "timestamptz";
            case "timestamp_ntz" -> "timestamp";
            default -> {
                if (delta.startsWith("decimal(")) {
                    int[] ps = precisionScale(delta);
                    yield "decimal(" + ps[0] + ", " + ps[1] + ")";
                }
                throw new DeltaException("Delta type " + delta + " has no Iceberg equivalent in Spillway's Iceberg metadata");
            }
        };
    }

    private static int[] precisionScale(String decimal) {
        String in = decimal.substring(decimal.indexOf('(') + 1, decimal.indexOf(')'));
        String[] p = in.split(",");
        return new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim())};
    }

    private static int fieldId(Snapshot snap, DeltaSchemas.DeltaField f) {
        Object id = f.metadata().get(DeltaSchemas.COLUMN_ID);
        if (!(id instanceof Number n)) {
            throw new DeltaException("Table " + snap.log.table + " version " + snap.version + ": column '" + f.name()
                    + "' has no column mapping id, which its Iceberg field id must be");
        }
        return n.intValue();
    }

    /** The fields of the Iceberg schema of the version: column mapping ids, logical names. */
    static ArrayNode schemaFields(Snapshot snap) {
        ArrayNode out = DeltaSchemas.JSON.createArrayNode();
        for (DeltaSchemas.DeltaField f : snap.fields()) {
            ObjectNode o = out.addObject();
            o.put("id", fieldId(snap, f));
            o.put("name", f.name());
            o.put("required", !f.nullable());
            o.put("type", icebergType(f.typeName()));
        }
        return out;
    }

    /** The field ids of the partition columns, in order. */
    static List<Integer> partitionSources(Snapshot snap) {
        List<Integer> out = new ArrayList<>();
        for (String p : snap.partitionColumns()) {
            out.add(fieldId(snap, field(snap, p)));
        }
        return out;
    }

    private static DeltaSchemas.DeltaField field(Snapshot snap, String name) {
        for (DeltaSchemas.DeltaField f : snap.fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new DeltaException("Table " + snap.log.table + ": partition column '" + name + "' is not in the schema");
    }

    /** {@code schema.name-mapping.default}: each field id with its physical name (the column's name in files without ids). */
    static String nameMapping(Snapshot snap) {
        ArrayNode out = DeltaSchemas.JSON.createArrayNode();
        for (DeltaSchemas.DeltaField f : snap.fields()) {
            ObjectNode o = out.addObject();
            o.put("field-id", fieldId(snap, f));
            o.putArray("names").add(snap.physicalName(f.name()));
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- snapshots

    /** A previous manifest: its manifest-list record, the Avro schema and header of the file, and its entries. */
    private record Manifest(GenericRecord listed, Schema schema, Map<String, String> header, List<GenericRecord> entries) {
        int specId() {
            return (Integer) listed.get("partition_spec_id");
        }
    }

    /**
     * Writes the manifests and manifest list of a new snapshot and returns its JSON, or null when the version's files are
     * those of {@code previous} (no new snapshot).
     */
    ObjectNode snapshot(JsonNode previous, ObjectNode spec, int specId, int schemaId, long seq, long snapshotId, long ts)
            throws IOException {
        Map<String, Action.AddFile> live = new LinkedHashMap<>();
        for (Action.AddFile a : snap.addFiles()) {
            live.put(snap.filePath(a).toString(), a);
        }
        List<Manifest> old = List.of();
        if (previous != null) {
            try {
                old = readList(previous.path("manifest-list").asText());
            } catch (IOException | RuntimeException e) {
                // a damaged or missing earlier manifest: this snapshot lists every live file afresh (history kept)
                org.slf4j.LoggerFactory.getLogger(IcebergManifestFiles.class).warn("{}: the manifests of the previous Iceberg snapshot"
                        + " cannot be read ({}); writing a full manifest", where, e.getMessage());
            }
        }
        Set<String> before = new HashSet<>();
        for (Manifest m : old) {
            for (GenericRecord e : m.entries()) {
                if ((Integer) e.get("status") != DELETED) {
                    before.add(path(e));
                }
            }
        }
        List<String> added = live.keySet().stream().filter(p -> !before.contains(p)).toList();
        Set<String> removed = new HashSet<>(before);
        removed.removeAll(live.keySet());
        if (previous != null ? added.isEmpty() && removed.isEmpty() : live.isEmpty()) {
            return null;
        }
        boolean merge = old.size() + 1 > IcebergConverter.MAX_MANIFESTS;
        List<GenericRecord> list = new ArrayList<>();
        List<GenericRecord> mergedEntries = new ArrayList<>();
        Manifest mergedLike = null;
        long removedRows = 0;
        for (Manifest m : old) {
            boolean touched = m.entries().stream().anyMatch(e -> removed.contains(path(e)));
            for (GenericRecord e : m.entries()) {
                if (removed.contains(path(e)) && (Integer) e.get("status") != DELETED) {
                    removedRows += (Long) ((GenericRecord) e.get("data_file")).get("record_count");
                }
            }
            if (merge && m.specId() == specId) {
                mergedLike = m;
                for (GenericRecord e : m.entries()) {
                    if ((Integer) e.get("status") != DELETED && !removed.contains(path(e))) {
                        mergedEntries.add(carried(m, e, EXISTING, snapshotId));
                    }
                }
            } else if (!touched) {
                list.add(m.listed());
            } else {
                List<GenericRecord> entries = new ArrayList<>();
                for (GenericRecord e : m.entries()) {
                    if ((Integer) e.get("status") != DELETED) {
                        entries.add(carried(m, e, removed.contains(path(e)) ? DELETED : EXISTING, snapshotId));
                    }
                }
                list.add(writeManifest(m.schema(), m.header(), entries, m.specId(), seq, snapshotId));
            }
        }
        Schema entrySchema = entrySchema(spec);
        List<GenericRecord> fresh = new ArrayList<>(mergedEntries);
        long addedRows = 0;
        for (String p : added) {
            GenericRecord e = newEntry(entrySchema, spec, live.get(p), p, snapshotId);
            addedRows += (Long) ((GenericRecord) e.get("data_file")).get("record_count");
            fresh.add(e);
        }
        if (!fresh.isEmpty()) {
            Map<String, String> header = mergedLike != null ? mergedLike.header() : header(spec, specId, schemaId);
            list.add(writeManifest(mergedLike != null ? mergedLike.schema() : entrySchema, header, fresh, specId, seq, snapshotId));
        }
        String listPath = writeList(list, previous, seq, snapshotId);
        long totalRows = 0;
        long totalBytes = 0;
        for (String p : live.keySet()) {
            totalRows += recordCount(live.get(p), p);
            totalBytes += live.get(p).size();
        }
        ObjectNode s = DeltaSchemas.JSON.createObjectNode();
        s.put("sequence-number", seq);
        s.put("snapshot-id", snapshotId);
        if (previous != null) {
            s.put("parent-snapshot-id", previous.path("snapshot-id").asLong());
        }
        s.put("timestamp-ms", ts);
        ObjectNode sum = s.putObject("summary");
        boolean dataChange = snap.log.readCommit(snap.version).stream().anyMatch(a -> a instanceof Action.AddFile f && f.dataChange()
                || a instanceof Action.RemoveFile r && r.dataChange());
        sum.put("operation", !dataChange && previous != null ? "replace" : removed.isEmpty() ? "append" : added.isEmpty() ? "delete"
                : "overwrite");
        sum.put("added-data-files", Integer.toString(added.size()));
        sum.put("deleted-data-files", Integer.toString(removed.size()));
        sum.put("added-records", Long.toString(addedRows));
        sum.put("deleted-records", Long.toString(removedRows));
        sum.put("total-records", Long.toString(totalRows));
        sum.put("total-files-size", Long.toString(totalBytes));
        sum.put("total-data-files", Integer.toString(live.size()));
        sum.put("total-delete-files", "0");
        sum.put("total-position-deletes", "0");
        sum.put("total-equality-deletes", "0");
        sum.put("delta-version", Long.toString(snap.version));
        sum.put("engine", DeltaWriter.ENGINE);
        s.put("manifest-list", listPath);
        s.put("schema-id", schemaId);
        return s;
    }

    private static String path(GenericRecord entry) {
        return ((GenericRecord) entry.get("data_file")).get("file_path").toString();
    }

    /** A previous entry with status {@code status}: snapshot id and sequence numbers made explicit (no longer inherited). */
    private static GenericRecord carried(Manifest m, GenericRecord e, int status, long snapshotId) {
        GenericData.Record out = new GenericData.Record(e.getSchema());
        long listedSeq = (Long) m.listed().get("sequence_number");
        long addedBy = (Long) m.listed().get("added_snapshot_id");
        Object sid = e.get("snapshot_id");
        Object seq = e.get("sequence_number");
        Object fseq = e.get("file_sequence_number");
        out.put("status", status);
        out.put("snapshot_id", status == DELETED ? snapshotId : sid == null ? addedBy : sid);
        out.put("sequence_number", seq == null ? listedSeq : seq);
        out.put("file_sequence_number", fseq == null ? listedSeq : fseq);
        out.put("data_file", e.get("data_file"));
        return out;
    }

    private Schema entrySchema(ObjectNode spec) throws IOException {
        ObjectNode tree = (ObjectNode) DeltaSchemas.JSON.readTree(ENTRY_TEMPLATE);
        for (JsonNode f : tree.path("fields")) {
            if (f.path("name").asText().equals("data_file")) {
                for (JsonNode df : f.path("type").path("fields")) {
                    if (df.path("name").asText().equals("partition")) {
                        ArrayNode pf = (ArrayNode) df.path("type").path("fields");
                        for (JsonNode p : spec.path("fields")) {
                            ObjectNode o = pf.addObject();
                            o.put("name", "p" + p.path("field-id").asInt());
                            ArrayNode union = o.putArray("type");
                            union.add("null");
                            union.add(avroType(field(snap, p.path("name").asText()).typeName(), p.path("field-id").asInt()));
                            o.putNull("default");
                            o.put("field-id", p.path("field-id").asInt());
                        }
                    }
                }
            }
        }
        return new Schema.Parser().parse(tree.toString());
    }

    private static JsonNode avroType(String delta, int fieldId) {
        ObjectNode o = DeltaSchemas.JSON.createObjectNode();
        switch (icebergType(delta)) {
            case "date" -> o.put("type", "int").put("logicalType", "date");
            case "timestamptz", "timestamp" -> o.put("type", "long").put("logicalType", "timestamp-micros")
                    .put("adjust-to-utc", delta.equals("timestamp"));
            case "binary" -> o.put("type", "bytes");
            case "int", "long", "float", "double", "boolean", "string" -> {
                return DeltaSchemas.JSON.getNodeFactory().textNode(icebergType(delta));
            }
            default -> {
                int[] ps = precisionScale(delta);
                o.put("type", "fixed").put("name", "decimal_" + ps[0] + "_" + ps[1] + "_" + fieldId).put("size", decimalBytes(ps[0]))
                        .put("logicalType", "decimal").put("precision", ps[0]).put("scale", ps[1]);
            }
        }
        return o;
    }

    /** The bytes a fixed decimal of this precision takes (Iceberg's rule: the fewest that hold 10^precision - 1). */
    private static int decimalBytes(int precision) {
        BigInteger max = BigInteger.TEN.pow(precision).subtract(BigInteger.ONE);
        return max.bitLength() / 8 + 1;
    }

    private Map<String, String> header(ObjectNode spec, int specId, int schemaId) {
        Map<String, String> h = new LinkedHashMap<>();
        ObjectNode schema = DeltaSchemas.JSON.createObjectNode();
        schema.put("type", "struct").put("schema-id", schemaId).set("fields", schemaFields(snap));
        h.put("schema", schema.toString());
        h.put("partition-spec", spec.path("fields").toString());
        h.put("partition-spec-id", Integer.toString(specId));
        h.put("format-version", "2");
        h.put("content", "data");
        return h;
    }

    private GenericRecord newEntry(Schema entrySchema, ObjectNode spec, Action.AddFile add, String path, long snapshotId) {
        Schema dfSchema = entrySchema.getField("data_file").schema();
        Schema partSchema = dfSchema.getField("partition").schema();
        GenericData.Record part = new GenericData.Record(partSchema);
        int i = 0;
        for (JsonNode p : spec.path("fields")) {
            String col = p.path("name").asText();
            DeltaSchemas.DeltaField f = field(snap, col);
            String raw = add.partitionValues() == null ? null : DeltaTable.lookup(add.partitionValues(), snap.physicalName(col));
            part.put(i, partitionValue(f.typeName(), raw, partSchema.getFields().get(i).schema().getTypes().get(1), add.path(), col));
            i++;
        }
        GenericData.Record df = new GenericData.Record(dfSchema);
        df.put("content", 0);
        df.put("file_path", path);
        df.put("file_format", "PARQUET");
        df.put("partition", part);
        df.put("record_count", recordCount(add, path));
        df.put("file_size_in_bytes", add.size());
        IcebergStats.put(snap, add, df, dfSchema);
        df.put("sort_order_id", 0);
        GenericData.Record e = new GenericData.Record(entrySchema);
        e.put("status", ADDED);
        e.put("snapshot_id", snapshotId);
        e.put("data_file", df);
        return e;
    }

    private Object partitionValue(String type, String raw, Schema avro, String file, String column) {
        if (raw == null || raw.isEmpty() && !type.equals("string")) {
            return null;
        }
        try {
            return switch (type) {
                case "byte", "short", "integer" -> Integer.parseInt(raw);
                case "long" -> Long.parseLong(raw);
                case "float" -> Float.parseFloat(raw);
                case "double" -> Double.parseDouble(raw);
                case "boolean" -> Boolean.parseBoolean(raw);
                case "string" -> raw;
                case "binary" -> ByteBuffer.wrap(raw.getBytes(StandardCharsets.ISO_8859_1));
                case "date" -> (int) LocalDate.parse(raw).toEpochDay();
                case "timestamp" -> DeltaTable.partitionValue(raw, DataType.TIMESTAMP, snap, file, column);
                case "timestamp_ntz" -> DeltaTable.partitionValue(raw, DataType.TIMESTAMP_NTZ, snap, file, column);
                default -> new GenericData.Fixed(avro, fixed(new BigDecimal(raw).setScale(precisionScale(type)[1]).unscaledValue(),
                        avro.getFixedSize()));
            };
        } catch (RuntimeException e) {
            throw new DeltaException(where + ": the partition value '" + raw + "' of column '" + column + "' in " + file
                    + " is not a valid " + type, e);
        }
    }

    /** Two's complement big-endian in exactly {@code size} bytes (sign-extended). */
    static byte[] fixed(BigInteger unscaled, int size) {
        byte[] b = unscaled.toByteArray();
        byte[] out = new byte[size];
        byte pad = unscaled.signum() < 0 ? (byte) -1 : 0;
        java.util.Arrays.fill(out, pad);
        System.arraycopy(b, Math.max(0, b.length - size), out, Math.max(0, size - b.length), Math.min(size, b.length));
        return out;
    }

    private long recordCount(Action.AddFile add, String path) {
        Long n = IcebergStats.numRecords(add);
        if (n != null) {
            return n;
        }
        return org.spillway.frame.io.parquet.ParquetSource.open(path).rows();
    }

    // ---------------------------------------------------------------- Avro files

    private List<Manifest> readList(String listPath) throws IOException {
        List<Manifest> out = new ArrayList<>();
        try (DataFileReader<GenericRecord> r = new DataFileReader<>(Path.of(listPath).toFile(), new GenericDatumReader<>())) {
            for (GenericRecord listed : r) {
                String mp = listed.get("manifest_path").toString();
                try (DataFileReader<GenericRecord> mr = new DataFileReader<>(Path.of(mp).toFile(), new GenericDatumReader<>())) {
                    Map<String, String> header = new LinkedHashMap<>();
                    for (String k : mr.getMetaKeys()) {
                        if (!k.startsWith("avro.")) {
                            header.put(k, mr.getMetaString(k));
                        }
                    }
                    List<GenericRecord> entries = new ArrayList<>();
                    mr.forEach(entries::add);
                    out.add(new Manifest(listed, mr.getSchema(), header, entries));
                }
            }
        }
        return out;
    }

    private GenericRecord writeManifest(Schema schema, Map<String, String> header, List<GenericRecord> entries, int specId, long seq,
                                        long snapshotId) throws IOException {
        Path file = dir.resolve(commitId + "-m" + (manifests++) + ".avro");
        int[] counts = new int[3];
        long[] rows = new long[3];
        long minSeq = seq;
        try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
            w.setCodec(CodecFactory.deflateCodec(6));
            header.forEach(w::setMeta);
            w.create(schema, Files.newOutputStream(file, java.nio.file.StandardOpenOption.CREATE_NEW));
            for (GenericRecord e : entries) {
                int status = (Integer) e.get("status");
                counts[status]++;
                rows[status] += (Long) ((GenericRecord) e.get("data_file")).get("record_count");
                if (status != DELETED && e.get("sequence_number") != null) {
                    minSeq = Math.min(minSeq, (Long) e.get("sequence_number"));
                }
                w.append(e);
            }
        }
        GenericData.Record m = new GenericData.Record(LIST_SCHEMA);
        m.put("manifest_path", file.toString());
        m.put("manifest_length", Files.size(file));
        m.put("partition_spec_id", specId);
        m.put("content", 0);
        m.put("sequence_number", seq);
        m.put("min_sequence_number", minSeq);
        m.put("added_snapshot_id", snapshotId);
        m.put("added_files_count", counts[ADDED]);
        m.put("existing_files_count", counts[EXISTING]);
        m.put("deleted_files_count", counts[DELETED]);
        m.put("added_rows_count", rows[ADDED]);
        m.put("existing_rows_count", rows[EXISTING]);
        m.put("deleted_rows_count", rows[DELETED]);
        return m;
    }

    private String writeList(List<GenericRecord> list, JsonNode previous, long seq, long snapshotId) throws IOException {
        Path file = dir.resolve("snap-" + snapshotId + "-1-" + commitId + ".avro");
        try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(LIST_SCHEMA))) {
            w.setCodec(CodecFactory.deflateCodec(6));
            w.setMeta("snapshot-id", Long.toString(snapshotId));
            w.setMeta("parent-snapshot-id", previous == null ? "null" : Long.toString(previous.path("snapshot-id").asLong()));
            w.setMeta("sequence-number", Long.toString(seq));
            w.setMeta("format-version", "2");
            w.create(LIST_SCHEMA, Files.newOutputStream(file, java.nio.file.StandardOpenOption.CREATE_NEW));
            for (GenericRecord m : list) {
                w.append(m);
            }
        }
        return file.toString();
    }

    /** Little-endian bytes of an int (Iceberg's single-value serialization of int and date). */
    static ByteBuffer le(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, v);
    }

    /** Little-endian bytes of a long (Iceberg's single-value serialization of long). */
    static ByteBuffer le(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v);
    }
}
