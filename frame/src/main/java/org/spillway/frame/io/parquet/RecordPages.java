package org.spillway.frame.io.parquet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.spillway.frame.io.ParquetFormatException;

/**
 * The pages of one row group's projected column chunks, as parquet-column's {@link PageReadStore}
 * for its record assembly: each column chunk is read page by page through a small buffered window
 * (positional reads), every page decompressed here with {@link PageCodecs} (data page v2: the
 * levels are stored uncompressed, the values decompressed only when {@code is_compressed}), page
 * CRC32s checked when present. Statistics are not passed on (record assembly does not use them).
 * Errors name the file, row group, column and page offset.
 */
final class RecordPages implements PageReadStore {
    private final Map<ColumnDescriptor, PageReader> readers = new HashMap<>();
    private final long rows;

    /**
     * The pages of the {@code columns} (leaves of the requested schema) in row group {@code rowGroup};
     * {@code leafIndex} maps a leaf's path to its column chunk's index in the row group.
     */
    RecordPages(String file, FileChannel ch, long fileSize, int rowGroup, RowGroup rg, List<ColumnDescriptor> columns,
            Map<List<String>, Integer> leafIndex) {
        this.rows = rg.getNum_rows();
        for (ColumnDescriptor d : columns) {
            List<String> path = List.of(d.getPath());
            Integer i = leafIndex.get(path);
            String name = String.join(".", path);
            if (i == null || rg.getColumns() == null || i >= rg.getColumns().size()) {
                throw new ParquetFormatException("Corrupt Parquet file '" + file + "': row group " + rowGroup + " has no column chunk for '"
                        + name + "'");
            }
            ColumnChunk cc = rg.getColumns().get(i);
            if (cc.isSetFile_path() && cc.getFile_path() != null && !cc.getFile_path().isEmpty()) {
                throw new ParquetFormatException("Cannot read column '" + name + "' of '" + file + "', row group " + rowGroup
                        + ": its column chunk is in another file ('" + cc.getFile_path() + "'), which is not supported");
            }
            if (!cc.isSetMeta_data()) {
                throw new ParquetFormatException("Corrupt Parquet file '" + file + "': column '" + name + "' of row group " + rowGroup
                        + " has no metadata");
            }
            readers.put(d, new Chunk(file, ch, fileSize, rowGroup, name, cc.getMeta_data()));
        }
    }

    @Override
    public PageReader getPageReader(ColumnDescriptor descriptor) {
        PageReader r = readers.get(descriptor);
        if (r == null) {
            throw new IllegalArgumentException("column " + descriptor + " was not requested");
        }
        return r;
    }

    @Override
    public long getRowCount() {
        return rows;
    }

    /** One column chunk's pages, read and decompressed one at a time. */
    private static final class Chunk implements PageReader {
        private final String file;
        private final int rowGroup;
        private final String column;
        private final CompressionCodec codec;
        private final long totalValues;
        private final Window in;
        private DictionaryPage dictionary;
        private DataPage pending;
        private long pageOffset = -1;

        Chunk(String file, FileChannel ch, long fileSize, int rowGroup, String column, ColumnMetaData md) {
            this.file = file;
            this.rowGroup = rowGroup;
            this.column = column;
            this.codec = md.getCodec();
            this.totalValues = md.getNum_values();
            long start = PageCodecs.chunkStart(md, column, file);
            long len = md.getTotal_compressed_size();
            if (start < 4 || len < 0 || start + len > fileSize) {
                throw error("the column chunk at byte " + start + " (" + len + " bytes) lies outside the file of " + fileSize + " bytes", null);
            }
            this.in = new Window(ch, start, start + len);
            // the dictionary page, when there is one, comes first
            Object first = next();
            if (first instanceof DictionaryPage d) {
                dictionary = d;
            } else {
                pending = (DataPage) first;
            }
        }

        private ParquetFormatException error(String what, Throwable cause) {
            return new ParquetFormatException("Cannot read column '" + column + "' of '" + file + "', row group " + rowGroup
                    + (pageOffset >= 0 ? ", page at byte " + pageOffset : "") + ": " + what, cause);
        }

        @Override
        public DictionaryPage readDictionaryPage() {
            return dictionary;
        }

        @Override
        public long getTotalValueCount() {
            return totalValues;
        }

        @Override
        public DataPage readPage() {
            if (pending != null) {
                DataPage p = pending;
                pending = null;
                return p;
            }
            while (true) {
                Object p = next();
                if (p == null || p instanceof DataPage) {
                    return (DataPage) p;
                }
                // a second dictionary page is ignored (a writer bug); the first one decodes the indices
            }
        }

        /** The next dictionary or data page with values, or null at the end of the column chunk. */
        private Object next() {
            while (in.position() < in.limit) {
                pageOffset = in.position();
                PageHeader h;
                try {
                    h = Util.readPageHeader(in);
                } catch (IOException | RuntimeException e) {
                    throw error("corrupt page header (" + e.getMessage() + ")", e);
                }
                int comp = h.getCompressed_page_size();
                int uncomp = h.getUncompressed_page_size();
                if (comp < 0 || uncomp < 0 || comp > in.limit - in.position()) {
                    throw error("the page's size (" + comp + " bytes) runs past the column chunk", null);
                }
                if (uncomp > (1 << 26) && uncomp > 4096L * comp) {
                    throw error("implausible page sizes (" + comp + " bytes said to hold " + uncomp + ")", null);
                }
                byte[] body = new byte[comp];
                try {
                    in.readFully(body);
                } catch (IOException e) {
                    throw error("cannot read the page (" + e.getMessage() + ")", e);
                }
                if (h.isSetCrc()) {
                    CRC32 crc = new CRC32();
                    crc.update(body, 0, comp);
                    if ((int) crc.getValue() != h.getCrc()) {
                        throw error("page checksum mismatch (CRC32 of the page is " + Integer.toHexString((int) crc.getValue())
                                + ", the header says " + Integer.toHexString(h.getCrc()) + "): the file is corrupt", null);
                    }
                }
                try {
                    Object page = switch (h.getType()) {
                        case DICTIONARY_PAGE -> dictionaryPage(h.getDictionary_page_header(), body, uncomp);
                        case DATA_PAGE -> dataPageV1(h.getData_page_header(), body, uncomp);
                        case DATA_PAGE_V2 -> dataPageV2(h.getData_page_header_v2(), body, uncomp);
                        default -> null; // index pages and unknown page types carry no values
                    };
                    if (page != null) {
                        return page;
                    }
                } catch (ParquetFormatException e) {
                    throw e;
                } catch (IOException | RuntimeException e) {
                    throw error(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
                }
            }
            return null;
        }

        private DictionaryPage dictionaryPage(DictionaryPageHeader d, byte[] body, int uncomp) throws IOException {
            if (d == null) {
                throw new IOException("a dictionary page without its header");
            }
            Encoding enc = encoding(d.getEncoding());
            // PLAIN_DICTIONARY and PLAIN dictionary pages hold the same PLAIN values
            if (enc == Encoding.PLAIN) {
                enc = Encoding.PLAIN_DICTIONARY;
            }
            return new DictionaryPage(BytesInput.from(decompress(body, 0, body.length, uncomp, true)), uncomp, d.getNum_values(), enc);
        }

        private DataPage dataPageV1(DataPageHeader d, byte[] body, int uncomp) throws IOException {
            if (d == null) {
                throw new IOException("a data page without its header");
            }
            if (d.getNum_values() <= 0) {
                return null;
            }
            byte[] u = decompress(body, 0, body.length, uncomp, true);
            return new DataPageV1(BytesInput.from(u), d.getNum_values(), uncomp, null, encoding(d.getRepetition_level_encoding()),
                    encoding(d.getDefinition_level_encoding()), encoding(d.getEncoding()));
        }

        private DataPage dataPageV2(DataPageHeaderV2 d, byte[] body, int uncomp) throws IOException {
            if (d == null) {
                throw new IOException("a data page v2 without its header");
            }
            int rl = d.getRepetition_levels_byte_length();
            int dl = d.getDefinition_levels_byte_length();
            if (rl < 0 || dl < 0 || rl + dl > body.length || rl + dl > uncomp) {
                throw new IOException("level lengths " + rl + " + " + dl + " exceed the page");
            }
            if (d.getNum_values() <= 0) {
                return null;
            }
            boolean compressed = !d.isSetIs_compressed() || d.isIs_compressed();
            int vUncomp = uncomp - rl - dl;
            byte[] values = vUncomp == 0 ? new byte[0] : decompress(body, rl + dl, body.length - rl - dl, vUncomp, compressed);
            return DataPageV2.uncompressed(d.getNum_rows(), d.getNum_nulls(), d.getNum_values(), BytesInput.from(body, 0, rl),
                    BytesInput.from(body, rl, dl), encoding(d.getEncoding()), BytesInput.from(values), null);
        }

        /** {@code src[off, off + len)} decompressed to {@code size} bytes (or copied when not compressed). */
        private byte[] decompress(byte[] src, int off, int len, int size, boolean compressed) throws IOException {
            if (!compressed || codec == CompressionCodec.UNCOMPRESSED) {
                if (len != size) {
                    throw new IOException("an uncompressed page of " + len + " bytes says it holds " + size);
                }
                return off == 0 && len == src.length ? src : Arrays.copyOfRange(src, off, off + len);
            }
            byte[] dst = new byte[size];
            try {
                PageCodecs.decompress(codec, src, off, len, dst, size);
            } catch (IOException | RuntimeException e) {
                throw error(codec + " decompression failed (" + e.getMessage() + ")", e);
            }
            return dst;
        }

        private static Encoding encoding(org.apache.parquet.format.Encoding e) throws IOException {
            if (e == null) {
                throw new IOException("a page without its encoding");
            }
            try {
                return Encoding.valueOf(e.name());
            } catch (IllegalArgumentException x) {
                throw new IOException("unsupported encoding " + e, x);
            }
        }
    }

    /** A buffered stream over {@code [position, limit)} of a file, read with positional reads. */
    private static final class Window extends InputStream {
        private static final int BLOCK = 64 << 10;
        private final FileChannel ch;
        private final long limit;
        private final byte[] buf;
        private long bufStart;
        private int bufPos;
        private int bufLen;

        Window(FileChannel ch, long start, long limit) {
            this.ch = ch;
            this.limit = limit;
            this.buf = new byte[(int) Math.min(BLOCK, Math.max(16, limit - start))];
            this.bufStart = start;
        }

        long position() {
            return bufStart + bufPos;
        }

        private boolean fill() throws IOException {
            long p = position();
            if (p >= limit) {
                return false;
            }
            int n = (int) Math.min(buf.length, limit - p);
            ParquetFile.readFully(ch, ByteBuffer.wrap(buf, 0, n), p);
            bufStart = p;
            bufPos = 0;
            bufLen = n;
            return true;
        }

        @Override
        public int read() throws IOException {
            if (bufPos >= bufLen && !fill()) {
                return -1;
            }
            return buf[bufPos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (bufPos >= bufLen && !fill()) {
                return -1;
            }
            int n = Math.min(len, bufLen - bufPos);
            System.arraycopy(buf, bufPos, b, off, n);
            bufPos += n;
            return n;
        }

        /** Fills {@code dst} (bytes buffered first, the rest read directly). */
        void readFully(byte[] dst) throws IOException {
            int n = Math.min(dst.length, bufLen - bufPos);
            System.arraycopy(buf, bufPos, dst, 0, n);
            bufPos += n;
            if (n < dst.length) {
                long p = position();
                if (p + dst.length - n > limit) {
                    throw new IOException("the column chunk ends inside the page");
                }
                ParquetFile.readFully(ch, ByteBuffer.wrap(dst, n, dst.length - n), p);
                bufStart = p + dst.length - n;
                bufPos = 0;
                bufLen = 0;
            }
        }
    }
}
