package org.spillway.frame.io.parquet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.impl.ColumnWriteStoreV1;
import org.apache.parquet.column.impl.ColumnWriteStoreV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriteStore;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.ConvertedType;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Type;
import org.apache.parquet.format.Util;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.spillway.frame.io.ParquetWriteOptions.Codec;

/**
 * Writes test files with parquet-column's own column writers (data pages v1 or v2, dictionaries,
 * small pages) for schemas DuckDB does not write (legacy list shapes, data page v2 with nesting):
 * records are produced through a {@link RecordConsumer}; pages are compressed with Spillway's
 * {@link ParquetCompressors} and framed with Thrift headers (CRC32 included).
 */
final class RecordsFileWriter {
    private RecordsFileWriter() {
    }

    /** Writes {@code rows} records (each by {@code record}) in row groups of {@code groupRows}. */
    static void write(Path file, MessageType schema, int rows, int groupRows, boolean v2, Codec codec,
            java.util.function.BiConsumer<RecordConsumer, Integer> record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("PAR1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        List<RowGroup> groups = new ArrayList<>();
        for (int start = 0; start < rows; start += groupRows) {
            int n = Math.min(groupRows, rows - start);
            Pages pages = new Pages(codec);
            ParquetProperties props = ParquetProperties.builder().withStatisticsEnabled(false).withSizeStatisticsEnabled(false)
                    .withPageSize(256).withDictionaryPageSize(4096)
                    .withPageRowCountLimit(50).withWriterVersion(v2 ? ParquetProperties.WriterVersion.PARQUET_2_0
                            : ParquetProperties.WriterVersion.PARQUET_1_0).build();
            org.apache.parquet.column.ColumnWriteStore store = v2 ? new ColumnWriteStoreV2(schema, pages, props)
                    : new ColumnWriteStoreV1(schema, pages, props);
            RecordConsumer rc = new ColumnIOFactory().getColumnIO(schema).getRecordWriter(store);
            for (int i = start; i < start + n; i++) {
                rc.startMessage();
                record.accept(rc, i);
                rc.endMessage();
            }
            store.flush();
            List<ColumnChunk> chunks = new ArrayList<>();
            for (ColumnDescriptor d : schema.getColumns()) {
                Pages.Column c = pages.columns.get(d);
                long offset = out.size();
                out.write(c.dictionary.toByteArray());
                out.write(c.bytes.toByteArray());
                ColumnMetaData md = new ColumnMetaData(type(d.getPrimitiveType().getPrimitiveTypeName()), List.of(Encoding.PLAIN, Encoding.RLE),
                        List.of(d.getPath()), ParquetCompressors.thrift(codec), c.values, c.uncompressed, c.dictionary.size() + c.bytes.size(),
                        offset + c.dictionary.size());
                if (c.dictionary.size() > 0) {
                    md.setDictionary_page_offset(offset);
                }
                ColumnChunk cc = new ColumnChunk(offset);
                cc.setMeta_data(md);
                chunks.add(cc);
            }
            groups.add(new RowGroup(chunks, 0, n));
        }
        FileMetaData meta = new FileMetaData(1, elements(schema), rows, groups);
        meta.setCreated_by("spillway test");
        ByteArrayOutputStream footer = new ByteArrayOutputStream();
        Util.writeFileMetaData(meta, footer);
        out.write(footer.toByteArray());
        int len = footer.size();
        out.write(new byte[] {(byte) len, (byte) (len >>> 8), (byte) (len >>> 16), (byte) (len >>> 24)});
        out.write("PAR1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Files.write(file, out.toByteArray());
    }

    /** Writes field {@code name} (index {@code i}) with the values {@code body} adds. */
    static void field(RecordConsumer rc, String name, int i, Runnable body) {
        rc.startField(name, i);
        body.run();
        rc.endField(name, i);
    }

    /** Writes one group value. */
    static void group(RecordConsumer rc, Runnable body) {
        rc.startGroup();
        body.run();
        rc.endGroup();
    }

    private static Type type(org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName p) {
        return p == org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY ? Type.BYTE_ARRAY : Type.valueOf(p.name());
    }

    @SuppressWarnings("deprecation")
    private static List<SchemaElement> elements(MessageType schema) {
        List<SchemaElement> out = new ArrayList<>();
        SchemaElement root = new SchemaElement(schema.getName());
        root.setNum_children(schema.getFieldCount());
        out.add(root);
        Consumer<org.apache.parquet.schema.Type>[] walk = new Consumer[1];
        walk[0] = t -> {
            SchemaElement e = new SchemaElement(t.getName());
            e.setRepetition_type(FieldRepetitionType.valueOf(t.getRepetition().name()));
            if (t.getOriginalType() != null) {
                e.setConverted_type(ConvertedType.valueOf(t.getOriginalType().name()));
            }
            if (t.isPrimitive()) {
                e.setType(type(t.asPrimitiveType().getPrimitiveTypeName()));
                out.add(e);
            } else {
                GroupType g = t.asGroupType();
                e.setNum_children(g.getFieldCount());
                out.add(e);
                g.getFields().forEach(walk[0]);
            }
        };
        schema.getFields().forEach(walk[0]);
        return out;
    }

    /** Collects each column's pages, compressed and framed. */
    private static final class Pages implements PageWriteStore {
        final Map<ColumnDescriptor, Column> columns = new LinkedHashMap<>();
        final Codec codec;

        Pages(Codec codec) {
            this.codec = codec;
        }

        @Override
        public PageWriter getPageWriter(ColumnDescriptor path) {
            return columns.computeIfAbsent(path, p -> new Column(codec));
        }

        static final class Column implements PageWriter {
            final ByteArrayOutputStream dictionary = new ByteArrayOutputStream();
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            final Codec codec;
            long values;
            long uncompressed;

            Column(Codec codec) {
                this.codec = codec;
            }

            private void page(PageHeader h, byte[] body) throws IOException {
                page(h, body, bytes);
            }

            private void page(PageHeader h, byte[] body, ByteArrayOutputStream to) throws IOException {
                CRC32 crc = new CRC32();
                crc.update(body);
                h.setCrc((int) crc.getValue());
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                Util.writePageHeader(h, head);
                uncompressed += head.size() + h.getUncompressed_page_size();
                to.write(head.toByteArray());
                to.write(body);
            }

            private byte[] compress(byte[] raw) {
                return ParquetCompressors.compress(codec, 3, raw, raw.length);
            }

            @Override
            public void writePage(BytesInput data, int valueCount, Statistics<?> statistics, org.apache.parquet.column.Encoding rl,
                    org.apache.parquet.column.Encoding dl, org.apache.parquet.column.Encoding values) throws IOException {
                writePage(data, valueCount, -1, statistics, rl, dl, values);
            }

            @Override
            public void writePage(BytesInput data, int valueCount, int rowCount, Statistics<?> statistics, org.apache.parquet.column.Encoding rl,
                    org.apache.parquet.column.Encoding dl, org.apache.parquet.column.Encoding values) throws IOException {
                byte[] raw = data.toByteArray();
                byte[] body = compress(raw);
                PageHeader h = new PageHeader(PageType.DATA_PAGE, raw.length, body.length);
                h.setData_page_header(new DataPageHeader(valueCount, Encoding.valueOf(values.name()), Encoding.valueOf(dl.name()),
                        Encoding.valueOf(rl.name())));
                this.values += valueCount;
                page(h, body);
            }

            @Override
            public void writePageV2(int rowCount, int nullCount, int valueCount, BytesInput repetitionLevels, BytesInput definitionLevels,
                    org.apache.parquet.column.Encoding dataEncoding, BytesInput data, Statistics<?> statistics) throws IOException {
                byte[] rl = repetitionLevels.toByteArray();
                byte[] dl = definitionLevels.toByteArray();
                byte[] raw = data.toByteArray();
                byte[] comp = compress(raw);
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                body.write(rl);
                body.write(dl);
                body.write(comp);
                PageHeader h = new PageHeader(PageType.DATA_PAGE_V2, rl.length + dl.length + raw.length, body.size());
                DataPageHeaderV2 v2 = new DataPageHeaderV2(valueCount, nullCount, rowCount, Encoding.valueOf(dataEncoding.name()), dl.length,
                        rl.length);
                v2.setIs_compressed(codec != Codec.UNCOMPRESSED);
                h.setData_page_header_v2(v2);
                this.values += valueCount;
                page(h, body.toByteArray());
            }

            @Override
            public void writePage(BytesInput data, int valueCount, int rowCount, Statistics<?> statistics,
                    org.apache.parquet.column.statistics.SizeStatistics sizes,
                    org.apache.parquet.column.statistics.geospatial.GeospatialStatistics geo, org.apache.parquet.column.Encoding rl,
                    org.apache.parquet.column.Encoding dl, org.apache.parquet.column.Encoding values) throws IOException {
                writePage(data, valueCount, rowCount, statistics, rl, dl, values);
            }

            @Override
            public void writePageV2(int rowCount, int nullCount, int valueCount, BytesInput repetitionLevels, BytesInput definitionLevels,
                    org.apache.parquet.column.Encoding dataEncoding, BytesInput data, Statistics<?> statistics,
                    org.apache.parquet.column.statistics.SizeStatistics sizes,
                    org.apache.parquet.column.statistics.geospatial.GeospatialStatistics geo) throws IOException {
                writePageV2(rowCount, nullCount, valueCount, repetitionLevels, definitionLevels, dataEncoding, data, statistics);
            }

            @Override
            public void writeDictionaryPage(DictionaryPage dictionaryPage) throws IOException {
                byte[] raw = dictionaryPage.getBytes().toByteArray();
                byte[] body = compress(raw);
                PageHeader h = new PageHeader(PageType.DICTIONARY_PAGE, raw.length, body.length);
                h.setDictionary_page_header(new DictionaryPageHeader(dictionaryPage.getDictionarySize(),
                        Encoding.valueOf(dictionaryPage.getEncoding().name())));
                page(h, body, dictionary);
            }

            @Override
            public long getMemSize() {
                return bytes.size();
            }

            @Override
            public long allocatedSize() {
                return bytes.size();
            }

            @Override
            public String memUsageString(String prefix) {
                return prefix + bytes.size();
            }
        }
    }
}
