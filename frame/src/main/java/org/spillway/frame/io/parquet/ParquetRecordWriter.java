package org.spillway.frame.io.parquet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnOrder;
import org.apache.parquet.format.ConvertedType;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.ListType;
import org.apache.parquet.format.LogicalType;
import org.apache.parquet.format.MapType;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.StringType;
import org.apache.parquet.format.TypeDefinedOrder;
import org.apache.parquet.format.Util;
import org.spillway.frame.io.ParquetWriteOptions.Codec;
import org.spillway.frame.io.parquet.ParquetRecordSchema.Field;
import org.spillway.frame.io.parquet.ParquetRecordSchema.Kind;

/**
 * Writes rows of nested records (structs, lists, maps) to one Parquet file: the general, small-volume
 * path for table metadata such as Delta Lake checkpoints, the counterpart of {@link ParquetRecords}
 * (which reads such files back as the same Java values). Data frames are written by
 * {@code DataFrame.writeParquet}, which is fast but flat.
 *
 * <p>A row is a {@code Map<String, ?>} of top-level field names to values (a missing key is null; a
 * key the schema lacks fails the row). Values by {@linkplain ParquetRecordSchema.Kind kind}: a struct
 * is a {@code Map<String, ?>}, a list a {@link java.util.List} (any {@link Collection}), a map a
 * {@link Map} (written in its iteration order), a string a {@link String}, int32 an {@link Integer},
 * int64 a {@link Long} (smaller integral boxes are widened), bool a {@link Boolean}, float64 a
 * {@link Double}, binary a {@code byte[]}. A value of the wrong type, a null for a
 * {@linkplain Field#notNull() not-null} field or a null map key fails {@link #add} with an
 * {@link IllegalArgumentException} naming the field; that row is then left out and the writer stays
 * usable.
 *
 * <p>The file: Spark's layout (root {@code spark_schema}; structs as groups; lists in the standard
 * 3-level form {@code LIST / repeated group list / element}; maps as {@code MAP / repeated group
 * key_value / required key, value}; strings BYTE_ARRAY with the STRING logical type and UTF8
 * converted type; int32 and int64 unannotated INT32 and INT64, as Spark writes IntegerType and
 * LongType). Repetition and definition levels are computed here (Dremel shredding); every column
 * chunk is data pages v1, levels in the RLE/bit-packed hybrid with a 4-byte length prefix, values
 * PLAIN, no dictionary; each page compressed with the codec (SNAPPY by default, as Spark writes
 * checkpoints), with its CRC32 and null count; a page holds whole rows (cut at about 1 MiB or 20,000
 * rows); column chunk statistics carry the null count. A row group is cut after {@code rowGroupRows}
 * rows or when the buffered pages reach about 64 MiB; rows are buffered on the heap until then.
 *
 * <p>The file is created with {@code CREATE_NEW} (an existing file fails the open, so the caller's
 * name can serve as a put-if-absent) and written in place; {@link #close()} writes the footer and
 * fsyncs the file and its directory. After a failed write (an I/O error, or {@link #abort()}) the file
 * is deleted; a crashed process can leave a partial file, which the caller must tolerate or avoid by
 * its naming. Not thread-safe.
 */
public final class ParquetRecordWriter implements AutoCloseable {
    /** The buffered bytes after which a row group is cut. */
    static final long ROW_GROUP_BYTES = 64L << 20;
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    private final Path file;
    private final ParquetRecordSchema schema;
    private final int rowGroupRows;
    private final Node[] top;
    private final List<RecordLeafWriter> leaves = new ArrayList<>();
    private final FileChannel channel;
    private final List<RowGroup> rowGroups = new ArrayList<>();
    private long position;
    private long rows;
    private int groupRows;
    private boolean done;

    private ParquetRecordWriter(Path file, ParquetRecordSchema schema, Codec codec, int rowGroupRows) throws IOException {
        if (rowGroupRows < 1) {
            throw new IllegalArgumentException("rowGroupRows must be at least 1, not " + rowGroupRows);
        }
        this.file = file;
        this.schema = schema;
        this.rowGroupRows = rowGroupRows;
        int level = codec == Codec.ZSTD ? 3 : 6;
        List<Field> fields = schema.fields();
        top = new Node[fields.size()];
        for (int i = 0; i < top.length; i++) {
            top[i] = build(fields.get(i), List.of(), 0, 0, codec, level);
        }
        channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            write(MAGIC, MAGIC.length);
        } catch (IOException | RuntimeException e) {
            fail();
            throw e;
        }
    }

    /** Opens a writer of a new file {@code file} (which must not exist), SNAPPY, row groups cut by size. */
    public static ParquetRecordWriter open(Path file, ParquetRecordSchema schema) {
        return open(file, schema, Codec.SNAPPY, Integer.MAX_VALUE);
    }

    /** Opens a writer of a new file {@code file} (which must not exist) compressed with {@code codec}. */
    public static ParquetRecordWriter open(Path file, ParquetRecordSchema schema, Codec codec) {
        return open(file, schema, codec, Integer.MAX_VALUE);
    }

    /**
     * Opens a writer of a new file {@code file} (which must not exist; {@link java.nio.file.FileAlreadyExistsException}
     * wrapped in an {@link UncheckedIOException} if it does) compressed with {@code codec} (ZSTD at level 3,
     * GZIP at 6), a row group cut every {@code rowGroupRows} rows (or at about 64 MiB).
     */
    public static ParquetRecordWriter open(Path file, ParquetRecordSchema schema, Codec codec, int rowGroupRows) {
        try {
            return new ParquetRecordWriter(file, schema, codec, rowGroupRows);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create Parquet file '" + file + "': " + e, e);
        }
    }

    /** Writes {@code rows} to a new file {@code file} (SNAPPY): opens, adds every row, closes; deletes the file on failure. */
    public static void write(Path file, ParquetRecordSchema schema, Iterable<? extends Map<String, ?>> rows) {
        write(file, schema, rows, Codec.SNAPPY);
    }

    /** Writes {@code rows} to a new file {@code file} with {@code codec}; deletes the file on any failure. */
    public static void write(Path file, ParquetRecordSchema schema, Iterable<? extends Map<String, ?>> rows, Codec codec) {
        ParquetRecordWriter w = open(file, schema, codec);
        try {
            for (Map<String, ?> row : rows) {
                w.add(row);
            }
        } catch (RuntimeException | Error e) {
            w.abort();
            throw e;
        }
        w.close();
    }

    /** The schema written. */
    public ParquetRecordSchema schema() {
        return schema;
    }

    /** The rows added so far. */
    public long rows() {
        return rows;
    }

    /**
     * Adds one row. A row that does not fit the schema fails with an {@link IllegalArgumentException}
     * naming the field and is not written (the writer stays usable); an I/O error (writing a full row
     * group) deletes the file and fails with an {@link UncheckedIOException}, after which the writer is
     * unusable.
     */
    public void add(Map<String, ?> row) {
        if (done) {
            throw new IllegalStateException("the writer of '" + file + "' is closed");
        }
        for (RecordLeafWriter l : leaves) {
            l.mark();
        }
        try {
            checkKeys(row, top, "the row");
            for (Node n : top) {
                shred(n, row.get(n.field.name()), 0, 0);
            }
        } catch (RuntimeException e) {
            for (RecordLeafWriter l : leaves) {
                l.reset();
            }
            throw e;
        }
        long buffered = 0;
        for (RecordLeafWriter l : leaves) {
            l.endRow();
            buffered += l.bufferedBytes();
        }
        rows++;
        groupRows++;
        if (groupRows >= rowGroupRows || buffered >= ROW_GROUP_BYTES) {
            try {
                flushRowGroup();
            } catch (IOException e) {
                fail();
                throw new UncheckedIOException("Cannot write Parquet file '" + file + "': " + e, e);
            }
        }
    }

    /**
     * Writes the last row group and the footer, then fsyncs and closes the file (deleted if that fails).
     * Idempotent; does nothing after {@link #abort()}. In a try-with-resources block an exception of the
     * caller's own still lets this finish a file of the rows added so far: catch it and {@link #abort()}
     * first to discard the file (the static {@code write} does).
     */
    @Override
    public void close() {
        if (done) {
            return;
        }
        try {
            flushRowGroup();
            FileMetaData fmd = new FileMetaData(1, schemaElements(), rows, rowGroups);
            fmd.setCreated_by(ParquetFileWriter.CREATED_BY);
            List<ColumnOrder> orders = new ArrayList<>();
            for (int i = 0; i < leaves.size(); i++) {
                orders.add(ColumnOrder.TYPE_ORDER(new TypeDefinedOrder()));
            }
            fmd.setColumn_orders(orders);
            ParquetWriteBuffer buf = new ParquetWriteBuffer(1 << 12);
            Util.writeFileMetaData(fmd, buf);
            buf.putInt(buf.len);
            buf.write(MAGIC, 0, MAGIC.length);
            write(buf.buf, buf.len);
            channel.force(true);
            done = true;
            channel.close();
        } catch (IOException e) {
            fail();
            throw new UncheckedIOException("Cannot write Parquet file '" + file + "': " + e, e);
        } catch (RuntimeException e) {
            fail();
            throw e;
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException | UnsupportedOperationException e) {
                // some file systems cannot sync a directory: the file itself is synced
            }
        }
    }

    /** Gives the write up: closes and deletes the file. Idempotent; does nothing after a successful {@link #close()}. */
    public void abort() {
        if (!done) {
            fail();
        }
    }

    private void fail() {
        done = true;
        try {
            channel.close();
        } catch (IOException | RuntimeException e) {
            // deleting matters more
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // nothing more to do
        }
    }

    private void write(byte[] b, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b, 0, len);
        while (bb.hasRemaining()) {
            channel.write(bb);
        }
        position += len;
    }

    private void flushRowGroup() throws IOException {
        if (groupRows == 0) {
            return;
        }
        long start = position;
        List<ColumnChunk> chunks = new ArrayList<>(leaves.size());
        long uncompressed = 0;
        for (RecordLeafWriter l : leaves) {
            RecordLeafWriter.Chunk c = l.finishChunk(position);
            ColumnChunk cc = new ColumnChunk(position);
            cc.setMeta_data(c.meta());
            chunks.add(cc);
            uncompressed += c.meta().getTotal_uncompressed_size();
            write(c.bytes(), c.length());
        }
        RowGroup g = new RowGroup(chunks, uncompressed, groupRows);
        g.setFile_offset(start);
        g.setTotal_compressed_size(position - start);
        g.setOrdinal((short) Math.min(Short.MAX_VALUE, rowGroups.size()));
        rowGroups.add(g);
        groupRows = 0;
    }

    // ---- shredding

    /** A field in the writer: its definition level when present, the repetition level of its repeated group (lists, maps), its leaves. */
    private record Node(Field field, String path, int def, int rep, Node[] children, int leafFrom, int leafTo, RecordLeafWriter leaf) {
    }

    private Node build(Field f, List<String> parent, int parentDef, int parentRep, Codec codec, int level) {
        List<String> path = new ArrayList<>(parent);
        path.add(f.name());
        int def = parentDef + (f.nullable() ? 1 : 0);
        int from = leaves.size();
        String name = String.join(".", path);
        return switch (f.kind()) {
            case STRUCT -> {
                Node[] ch = new Node[f.children().size()];
                for (int i = 0; i < ch.length; i++) {
                    ch[i] = build(f.children().get(i), path, def, parentRep, codec, level);
                }
                yield new Node(f, name, def, parentRep, ch, from, leaves.size(), null);
            }
            case LIST, MAP -> {
                path.add(f.kind() == Kind.LIST ? "list" : "key_value");
                Node[] ch = new Node[f.children().size()];
                for (int i = 0; i < ch.length; i++) {
                    ch[i] = build(f.children().get(i), path, def + 1, parentRep + 1, codec, level);
                }
                yield new Node(f, name, def, parentRep + 1, ch, from, leaves.size(), null);
            }
            default -> {
                RecordLeafWriter l = new RecordLeafWriter(path, f.kind(), def, parentRep, codec, level);
                leaves.add(l);
                yield new Node(f, name, def, parentRep, new Node[0], from, from + 1, l);
            }
        };
    }

    /** Shreds value {@code v} of node {@code n} at repetition level {@code r} under a present parent of definition level {@code parentDef}. */
    private void shred(Node n, Object v, int r, int parentDef) {
        if (v == null) {
            if (!n.field.nullable()) {
                throw new IllegalArgumentException("Field '" + n.path + "' is not null but the value is null");
            }
            nulls(n, r, parentDef);
            return;
        }
        switch (n.field.kind()) {
            case STRUCT -> {
                if (!(v instanceof Map<?, ?> m)) {
                    throw wrongType(n, v, "a Map of field names to values");
                }
                checkKeys(m, n.children, "struct '" + n.path + "'");
                for (Node c : n.children) {
                    shred(c, m.get(c.field.name()), r, n.def);
                }
            }
            case LIST -> {
                if (!(v instanceof Collection<?> l)) {
                    throw wrongType(n, v, "a List");
                }
                if (l.isEmpty()) {
                    nulls(n, r, n.def);
                    return;
                }
                int rr = r;
                Node element = n.children[0];
                for (Object e : l) {
                    shred(element, e, rr, n.def + 1);
                    rr = n.rep;
                }
            }
            case MAP -> {
                if (!(v instanceof Map<?, ?> m)) {
                    throw wrongType(n, v, "a Map");
                }
                if (m.isEmpty()) {
                    nulls(n, r, n.def);
                    return;
                }
                int rr = r;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    shred(n.children[0], e.getKey(), rr, n.def + 1);
                    shred(n.children[1], e.getValue(), rr, n.def + 1);
                    rr = n.rep;
                }
            }
            default -> n.leaf.add(r, v);
        }
    }

    private void nulls(Node n, int r, int d) {
        for (int i = n.leafFrom; i < n.leafTo; i++) {
            leaves.get(i).addNull(r, d);
        }
    }

    private static IllegalArgumentException wrongType(Node n, Object v, String wanted) {
        return new IllegalArgumentException("Field '" + n.path + "' is a " + n.field.kind().name().toLowerCase(java.util.Locale.ROOT)
                + " and needs " + wanted + ", not a " + v.getClass().getName() + " (" + v + ")");
    }

    /** Fails when {@code m} has a key that is none of the fields. */
    private static void checkKeys(Map<?, ?> m, Node[] fields, String where) {
        int found = 0;
        for (Node c : fields) {
            if (m.containsKey(c.field.name())) {
                found++;
            }
        }
        if (found == m.size()) {
            return;
        }
        for (Object k : m.keySet()) {
            boolean known = false;
            for (Node c : fields) {
                known |= c.field.name().equals(k);
            }
            if (!known) {
                throw new IllegalArgumentException(where + " has a field '" + k + "' that the schema does not have");
            }
        }
    }

    // ---- footer schema

    private List<SchemaElement> schemaElements() {
        List<SchemaElement> out = new ArrayList<>();
        SchemaElement root = new SchemaElement("spark_schema");
        root.setNum_children(schema.fields().size());
        out.add(root);
        for (Field f : schema.fields()) {
            element(f, out);
        }
        return out;
    }

    private static void element(Field f, List<SchemaElement> out) {
        SchemaElement e = new SchemaElement(f.name());
        e.setRepetition_type(f.nullable() ? FieldRepetitionType.OPTIONAL : FieldRepetitionType.REQUIRED);
        out.add(e);
        switch (f.kind()) {
            case STRUCT -> {
                e.setNum_children(f.children().size());
                f.children().forEach(c -> element(c, out));
            }
            case LIST, MAP -> {
                boolean list = f.kind() == Kind.LIST;
                e.setNum_children(1);
                e.setConverted_type(list ? ConvertedType.LIST : ConvertedType.MAP);
                e.setLogicalType(list ? LogicalType.LIST(new ListType()) : LogicalType.MAP(new MapType()));
                SchemaElement rep = new SchemaElement(list ? "list" : "key_value");
                rep.setRepetition_type(FieldRepetitionType.REPEATED);
                rep.setNum_children(f.children().size());
                out.add(rep);
                f.children().forEach(c -> element(c, out));
            }
            default -> {
                e.setType(RecordLeafWriter.physicalType(f.kind()));
                if (f.kind() == Kind.STRING) {
                    e.setConverted_type(ConvertedType.UTF8);
                    e.setLogicalType(LogicalType.STRING(new StringType()));
                }
            }
        }
    }
}
