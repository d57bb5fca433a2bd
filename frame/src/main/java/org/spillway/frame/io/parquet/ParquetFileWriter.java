package org.spillway.frame.io.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnIndex;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.ColumnOrder;
import org.apache.parquet.format.ConvertedType;
import org.apache.parquet.format.DateType;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.IntType;
import org.apache.parquet.format.LogicalType;
import org.apache.parquet.format.MicroSeconds;
import org.apache.parquet.format.OffsetIndex;
import org.apache.parquet.format.PageLocation;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.StringType;
import org.apache.parquet.format.TimeUnit;
import org.apache.parquet.format.TimestampType;
import org.apache.parquet.format.TypeDefinedOrder;
import org.apache.parquet.format.Util;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * Appends encoded row groups to one Parquet file and writes its page index and footer: {@code PAR1},
 * the row groups in the order given (each followed by its columns' bloom filters), every column index, every offset index, the Thrift
 * {@link FileMetaData}, its length and {@code PAR1}. Writes to the path it is given (a staging
 * path; publishing is the caller's business). Not thread-safe: one appender at a time.
 */
final class ParquetFileWriter implements AutoCloseable {
    /** The {@code created_by} of every file, in parquet-java's {@code <app> version <v> (build <id>)} form. */
    static final String CREATED_BY = "spillway version 0.1.0 (build spillway)";
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    private final Path path;
    private final Schema schema;
    private final FileChannel channel;
    private final List<RowGroup> rowGroups = new ArrayList<>();
    private final List<byte[][]> columnIndexes = new ArrayList<>(); // serialized, per row group and column (null: none)
    private final List<byte[][]> offsetIndexes = new ArrayList<>();
    private long position;
    private long rows;
    private boolean closed;
    private final java.util.Map<String, Integer> fieldIds;

    ParquetFileWriter(Path path, Schema schema) throws IOException {
        this(path, schema, java.util.Map.of());
    }

    /** A writer whose columns named in {@code fieldIds} carry those Parquet field ids. */
    ParquetFileWriter(Path path, Schema schema, java.util.Map<String, Integer> fieldIds) throws IOException {
        this.path = path;
        this.schema = schema;
        this.fieldIds = fieldIds;
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            write(ByteBuffer.wrap(MAGIC));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    long rows() {
        return rows;
    }

    int rowGroupCount() {
        return rowGroups.size();
    }

    private void write(ByteBuffer bb) throws IOException {
        position += bb.remaining();
        while (bb.hasRemaining()) {
            channel.write(bb);
        }
    }

    /** Appends a row group; its chunks' offsets are moved to where it lands. */
    void append(RowGroupEncoder.Encoded rg) throws IOException {
        long start = position;
        List<ColumnChunk> chunks = new ArrayList<>(rg.columns().length);
        ColumnIndex[] cis = new ColumnIndex[rg.columns().length];
        OffsetIndex[] ois = new OffsetIndex[rg.columns().length];
        long uncompressed = 0;
        for (int c = 0; c < rg.columns().length; c++) {
            ColumnChunkEncoder.Encoded e = rg.columns()[c];
            long base = position;
            write(ByteBuffer.wrap(e.bytes()));
            ColumnMetaData m = e.meta().deepCopy();
            m.setData_page_offset(base + m.getData_page_offset());
            if (e.hasDictionary()) {
                m.setDictionary_page_offset(base + m.getDictionary_page_offset());
            }
            ColumnChunk cc = new ColumnChunk(base);
            cc.setMeta_data(m);
            chunks.add(cc);
            uncompressed += e.uncompressedSize();
            cis[c] = e.columnIndex();
            List<PageLocation> locs = new ArrayList<>();
            for (PageLocation l : e.offsetIndex().getPage_locations()) {
                locs.add(new PageLocation(base + l.getOffset(), l.getCompressed_page_size(), l.getFirst_row_index()));
            }
            ois[c] = new OffsetIndex(locs);
        }
        RowGroup g = new RowGroup(chunks, uncompressed, rg.rows());
        g.setFile_offset(start);
        g.setTotal_compressed_size(position - start);
        g.setOrdinal((short) Math.min(Short.MAX_VALUE, rowGroups.size()));
        // bloom filters right after their row group (the format allows them between row groups): kept until the
        // footer, they would grow the heap with the file (kilobytes to a megabyte per column and row group)
        byte[][] blooms = rg.bloomFilters();
        for (int c = 0; blooms != null && c < blooms.length; c++) {
            if (blooms[c] != null) {
                ColumnMetaData m = chunks.get(c).getMeta_data();
                m.setBloom_filter_offset(position);
                m.setBloom_filter_length(blooms[c].length);
                write(ByteBuffer.wrap(blooms[c]));
            }
        }
        rowGroups.add(g);
        // the page index waits for the footer serialized: as Thrift objects (a ByteBuffer pair per page for the
        // min/max, lists of page locations) a 1e9-row file's indexes outgrew a 256 MiB heap
        byte[][] ciBytes = new byte[cis.length][];
        byte[][] oiBytes = new byte[ois.length][];
        ParquetWriteBuffer buf = new ParquetWriteBuffer(1 << 10);
        for (int c = 0; c < cis.length; c++) {
            if (cis[c] != null) {
                buf.clear();
                Util.writeColumnIndex(cis[c], buf);
                ciBytes[c] = java.util.Arrays.copyOf(buf.buf, buf.len);
            }
            buf.clear();
            Util.writeOffsetIndex(ois[c], buf);
            oiBytes[c] = java.util.Arrays.copyOf(buf.buf, buf.len);
        }
        columnIndexes.add(ciBytes);
        offsetIndexes.add(oiBytes);
        rows += rg.rows();
    }

    /** Writes the page index and the footer, syncs and closes the file. */
    void finish() throws IOException {
        for (int g = 0; g < rowGroups.size(); g++) {
            for (int c = 0; c < schema.size(); c++) {
                byte[] ci = columnIndexes.get(g)[c];
                if (ci != null) {
                    ColumnChunk cc = rowGroups.get(g).getColumns().get(c);
                    cc.setColumn_index_offset(position);
                    cc.setColumn_index_length(ci.length);
                    write(ByteBuffer.wrap(ci));
                }
            }
        }
        for (int g = 0; g < rowGroups.size(); g++) {
            for (int c = 0; c < schema.size(); c++) {
                byte[] oi = offsetIndexes.get(g)[c];
                ColumnChunk cc = rowGroups.get(g).getColumns().get(c);
                cc.setOffset_index_offset(position);
                cc.setOffset_index_length(oi.length);
                write(ByteBuffer.wrap(oi));
            }
        }
        FileMetaData fmd = new FileMetaData(1, schemaElements(schema, fieldIds), rows, rowGroups);
        fmd.setCreated_by(CREATED_BY);
        List<ColumnOrder> orders = new ArrayList<>();
        for (int c = 0; c < schema.size(); c++) {
            orders.add(ColumnOrder.TYPE_ORDER(new TypeDefinedOrder()));
        }
        fmd.setColumn_orders(orders);
        ParquetWriteBuffer buf = new ParquetWriteBuffer(1 << 12);
        Util.writeFileMetaData(fmd, buf);
        int footerLen = buf.len;
        buf.putInt(footerLen);
        buf.write(MAGIC, 0, MAGIC.length);
        write(ByteBuffer.wrap(buf.buf, 0, buf.len));
        channel.force(true);
        closed = true;
        channel.close();
    }

    static List<SchemaElement> schemaElements(Schema schema, java.util.Map<String, Integer> fieldIds) {
        List<SchemaElement> out = new ArrayList<>();
        SchemaElement root = new SchemaElement("spark_schema");
        root.setNum_children(schema.size());
        out.add(root);
        for (Field f : schema.fields()) {
            SchemaElement e = new SchemaElement(f.name());
            Integer id = fieldIds.get(f.name());
            if (id != null) {
                e.setField_id(id);
            }
            e.setType(ColumnChunkEncoder.physicalType(f.type()));
            e.setRepetition_type(FieldRepetitionType.OPTIONAL);
            switch (f.type().kind()) {
                case INT32 -> {
                    e.setLogicalType(LogicalType.INTEGER(new IntType((byte) 32, true)));
                    e.setConverted_type(ConvertedType.INT_32);
                }
                case INT64 -> {
                    e.setLogicalType(LogicalType.INTEGER(new IntType((byte) 64, true)));
                    e.setConverted_type(ConvertedType.INT_64);
                }
                case STRING -> {
                    e.setLogicalType(LogicalType.STRING(new StringType()));
                    e.setConverted_type(ConvertedType.UTF8);
                }
                case DATE -> {
                    e.setLogicalType(LogicalType.DATE(new DateType()));
                    e.setConverted_type(ConvertedType.DATE);
                }
                case TIMESTAMP -> {
                    e.setLogicalType(LogicalType.TIMESTAMP(new TimestampType(true, TimeUnit.MICROS(new MicroSeconds()))));
                    e.setConverted_type(ConvertedType.TIMESTAMP_MICROS);
                }
                case TIMESTAMP_NTZ -> {
                    // no converted type: TIMESTAMP_MICROS would say "adjusted to UTC" to legacy readers
                    e.setLogicalType(LogicalType.TIMESTAMP(new TimestampType(false, TimeUnit.MICROS(new MicroSeconds()))));
                }
                case TIME -> {
                    // a local time of day (not adjusted to UTC), as DuckDB and Spark write TIME
                    // no converted type: TIME_MICROS would say "adjusted to UTC" to legacy readers
                    e.setLogicalType(LogicalType.TIME(new org.apache.parquet.format.TimeType(false, TimeUnit.MICROS(new MicroSeconds()))));
                }
                case DECIMAL, DECIMAL128 -> {
                    // int64 up to 18 digits, else FIXED_LEN_BYTE_ARRAY(16); both allowed by the spec for their precisions
                    int p = f.type().precision();
                    int sc = f.type().scale();
                    e.setLogicalType(LogicalType.DECIMAL(new org.apache.parquet.format.DecimalType(sc, p)));
                    e.setConverted_type(ConvertedType.DECIMAL);
                    e.setScale(sc);
                    e.setPrecision(p);
                    if (f.type().kind() == DataType.Kind.DECIMAL128) {
                        e.setType_length(16);
                    }
                }
                default -> {
                    // BOOL, FLOAT64, BINARY: the physical type says it all
                }
            }
            out.add(e);
        }
        return out;
    }

    /** Closes the channel without finishing (after a failure); the caller deletes the file. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            channel.close();
        }
    }
}
