package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.ConvertedType;
import org.apache.parquet.format.DataPageHeader;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.testkit.DuckOracle;

/**
 * A string column chunk that starts dictionary-encoded and falls back to PLAIN (as parquet-mr does
 * once its dictionary grows too big), with nulls on both sides, read in chunks that straddle the
 * switch.
 */
class ParquetMixedEncodingTest {
    @TempDir
    Path dir;

    private static void page(ByteArrayOutputStream out, PageHeader h, byte[] body) throws Exception {
        Util.writePageHeader(h, out);
        out.write(body);
    }

    private static byte[] defs(boolean[] valid) {
        int groups = (valid.length + 7) / 8;
        byte[] bits = new byte[groups];
        for (int i = 0; i < valid.length; i++) {
            if (valid[i]) {
                bits[i / 8] |= (byte) (1 << (i % 8));
            }
        }
        ByteBuffer b = ByteBuffer.allocate(5 + groups).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(1 + groups).put((byte) ((groups << 1) | 1)).put(bits);
        return b.array();
    }

    private static byte[] plainStrings(String... s) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (String x : s) {
            byte[] b = x.getBytes(StandardCharsets.UTF_8);
            o.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
            o.writeBytes(b);
        }
        return o.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    @Test
    void dictionaryThenPlainPages() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("PAR1".getBytes(StandardCharsets.US_ASCII));
        long start = out.size();
        String[] dict = {"a", "bb", "ccc", "bb"}; // a duplicate entry, as a careless writer may leave
        byte[] dictBody = plainStrings(dict);
        PageHeader dh = new PageHeader(PageType.DICTIONARY_PAGE, dictBody.length, dictBody.length);
        dh.setDictionary_page_header(new DictionaryPageHeader(dict.length, Encoding.PLAIN));
        page(out, dh, dictBody);
        long dataStart = out.size();
        // page 1: 10 rows, 3 and 7 null, indices of the 8 others bit-packed at width 2
        boolean[] v1 = {true, true, true, false, true, true, true, false, true, true};
        int[] idx = {0, 1, 2, 0, 3, 2, 2, 1};
        byte b0 = (byte) (idx[0] | idx[1] << 2 | idx[2] << 4 | idx[3] << 6);
        byte b1 = (byte) (idx[4] | idx[5] << 2 | idx[6] << 4 | idx[7] << 6);
        byte[] body1 = concat(defs(v1), new byte[] {2, (byte) ((1 << 1) | 1), b0, b1});
        PageHeader h1 = new PageHeader(PageType.DATA_PAGE, body1.length, body1.length);
        h1.setData_page_header(new DataPageHeader(10, Encoding.RLE_DICTIONARY, Encoding.RLE, Encoding.RLE));
        page(out, h1, body1);
        // page 2: 7 rows, row 2 null, PLAIN
        boolean[] v2 = {true, true, false, true, true, true, true};
        byte[] body2 = concat(defs(v2), plainStrings("x0", "yy1", "", "zzz3", "é4", "w5"));
        PageHeader h2 = new PageHeader(PageType.DATA_PAGE, body2.length, body2.length);
        h2.setData_page_header(new DataPageHeader(7, Encoding.PLAIN, Encoding.RLE, Encoding.RLE));
        page(out, h2, body2);
        // page 3: dictionary again (allowed: the dictionary stays valid for the column chunk)
        byte[] body3 = concat(defs(new boolean[] {true, false}), new byte[] {2, 2, 2});
        PageHeader h3 = new PageHeader(PageType.DATA_PAGE, body3.length, body3.length);
        h3.setData_page_header(new DataPageHeader(2, Encoding.RLE_DICTIONARY, Encoding.RLE, Encoding.RLE));
        page(out, h3, body3);
        long size = out.size() - start;
        ColumnMetaData md = new ColumnMetaData(Type.BYTE_ARRAY, List.of(Encoding.PLAIN, Encoding.RLE_DICTIONARY, Encoding.RLE),
                List.of("s"), CompressionCodec.UNCOMPRESSED, 19, size, size, dataStart);
        md.setDictionary_page_offset(start);
        ColumnChunk cc = new ColumnChunk(start);
        cc.setMeta_data(md);
        SchemaElement root = new SchemaElement("schema");
        root.setNum_children(1);
        SchemaElement s = new SchemaElement("s");
        s.setType(Type.BYTE_ARRAY);
        s.setConverted_type(ConvertedType.UTF8);
        s.setRepetition_type(FieldRepetitionType.OPTIONAL);
        FileMetaData meta = new FileMetaData(1, List.of(root, s), 19, List.of(new RowGroup(List.of(cc), size, 19)));
        ByteArrayOutputStream footer = new ByteArrayOutputStream();
        Util.writeFileMetaData(meta, footer);
        out.write(footer.toByteArray());
        out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(footer.size()).array());
        out.write("PAR1".getBytes(StandardCharsets.US_ASCII));
        Path p = Files.write(dir.resolve("mixed.parquet"), out.toByteArray());

        List<Object> expected = Arrays.asList("a", "bb", "ccc", null, "a", "bb", "ccc", null, "ccc", "bb",
                "x0", "yy1", null, "", "zzz3", "é4", "w5", "ccc", null);
        ParquetSource src = ParquetSource.open(p.toString());
        for (int chunkRows : new int[] {1, 3, 4, 8, 12, 100}) {
            List<Object> got = new ArrayList<>();
            for (List<Object> row : ParquetTestSupport.read(src, chunkRows)) {
                got.add(row.getFirst());
            }
            assertEquals(expected, got, "chunks of " + chunkRows);
        }
        List<Object> duck = new ArrayList<>();
        for (List<Object> row : DuckOracle.query("SELECT s FROM read_parquet(" + ParquetTestSupport.sqlPath(p) + ")")) {
            duck.add(row.getFirst());
        }
        assertEquals(expected, duck);
    }
}
