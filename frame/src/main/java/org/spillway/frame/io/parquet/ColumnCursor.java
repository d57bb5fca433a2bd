package org.spillway.frame.io.parquet;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.column.values.delta.DeltaBinaryPackingValuesReader;
import org.apache.parquet.column.values.deltalengthbytearray.DeltaLengthByteArrayValuesReader;
import org.apache.parquet.column.values.deltastrings.DeltaByteArrayReader;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Type;
import org.apache.parquet.format.Util;
import org.apache.parquet.io.api.Binary;
import org.spillway.frame.io.ParquetFormatException;
import org.spillway.spill.DataType;
import org.spillway.spill.memory.Reservation;

/**
 * Decodes one column chunk at a time, page by page, into {@link ColumnBuffer}s: the column chunk is
 * streamed through a reused window (positional reads of about {@link #BLOCK} bytes ahead, a page
 * larger than that read whole), so a cursor holds O(largest page), never the whole column chunk;
 * each page is decompressed into another reused buffer, its definition
 * levels and values decoded into reused typed arrays (dictionary indices resolved against the
 * dictionary decoded once per column chunk), then copied out in runs. One per projected column per
 * reader; not thread-safe.
 */
final class ColumnCursor {
    private static final int K_INT = 0;
    private static final int K_LONG = 1;
    private static final int K_DOUBLE = 2;
    private static final int K_BOOL = 3;
    private static final int K_STRING = 4;
    private static final long JULIAN_EPOCH_DAY = 2_440_588L;
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    private final String column;
    private final ParquetTypes.Mapping m;
    private final int maxDef;
    private final int kind;

    /** Read-ahead of the window in bytes (a page larger than this is read whole). */
    static final int BLOCK = 1 << 20;
    /** Bytes first read for a page header when the page body may not be wanted. */
    private static final int HEADER_PEEK = 512;
    /** A page header that does not parse within this many bytes is corrupt. */
    private static final int MAX_HEADER = 16 << 20;

    // the column chunk: a window chunk[0, end) holding its bytes from file offset chunkOffset; pos is
    // the index of the next page header (past end when pages were skipped without being read)
    private byte[] chunk = new byte[0];
    private int pos;
    private int end;
    private long chunkOffset;
    private long limit;
    private int headerEnd;
    private long bytesRead;
    private FileChannel channel;
    private Reservation mem;
    private long rowPos;
    private long[] ixFirstRow;
    private long[] ixOffset;
    private CompressionCodec codec;
    private long valuesLeft;
    private String file;
    private int rowGroup;
    long pagesRead;
    long pagesSkipped;

    // the current page
    private byte[] pageBuf = new byte[0];
    private byte[] scratch = new byte[0];
    private int[] defs = new int[0];
    private boolean allDefined;
    private int pageValues;
    private int pageRead;
    private int valueIdx;
    private long pageOffset;

    private int[] pInt = new int[0];
    private long[] pLong = new long[0];
    private double[] pDouble = new double[0];
    private byte[] pBool = new byte[0];
    private int[] pCodes = new int[0];
    private boolean pageDict;
    private int[] pStart = new int[0];
    private int[] pLen = new int[0];
    private byte[] pStrBuf;
    private byte[] ownStr = new byte[0];

    // the dictionary
    private boolean hasDict;
    private int dictSize;
    private int[] dInt = new int[0];
    private long[] dLong = new long[0];
    private double[] dDouble = new double[0];
    private byte[] dBool = new byte[0];
    private ColumnBuffer.StringDict sdict;
    private int[] dictRemap = new int[0];

    ColumnCursor(String column, ParquetTypes.Mapping m, DataType target, int maxDef) {
        this.column = column;
        this.m = m;
        this.maxDef = maxDef;
        this.kind = switch (target.kind()) {
            case INT32, DATE -> K_INT;
            case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> K_LONG;
            case FLOAT64 -> K_DOUBLE;
            case BOOL -> K_BOOL;
            case STRING, BINARY, DECIMAL128 -> K_STRING;
        };
    }

    private String where() {
        return "column '" + column + "' of '" + file + "', row group " + rowGroup;
    }

    private ParquetFormatException error(String what, Throwable cause) {
        return new ParquetFormatException("Cannot read " + where() + (pageOffset >= 0 ? ", page at byte " + pageOffset : "")
                + ": " + what, cause);
    }

    /**
     * Starts reading a column chunk: nothing but its dictionary page (when it has one) is read here;
     * data pages are read as they are needed (see the class comment). {@code mem} is grown by what
     * the cursor's buffers grow.
     */
    void start(String file, int rowGroup, ColumnMetaData md, FileChannel ch, long fileSize, Reservation mem) throws IOException {
        this.file = file;
        this.rowGroup = rowGroup;
        this.pageOffset = -1;
        this.codec = md.getCodec();
        this.mem = mem;
        this.channel = ch;
        long start = PageCodecs.chunkStart(md, column, file);
        long len = md.getTotal_compressed_size();
        if (start < 4 || len < 0 || start + len > fileSize || len > Integer.MAX_VALUE - 16) {
            throw error("the column chunk at byte " + start + " (" + len + " bytes) lies outside the file of " + fileSize + " bytes", null);
        }
        chunkOffset = start;
        limit = start + len;
        pos = 0;
        end = 0;
        valuesLeft = md.getNum_values();
        hasDict = false;
        sdict = null;
        pageValues = 0;
        pageRead = 0;
        pagesRead = 0;
        pagesSkipped = 0;
        bytesRead = 0;
        rowPos = 0;
        ixFirstRow = null;
        ixOffset = null;
        nextPage(true);
    }

    /**
     * The offset index of the column chunk (first row and file offset of each data page), so that
     * {@link #skip} seeks to the page holding its target instead of walking page headers. Ignored
     * unless the pages are in order, start at row 0 and lie inside the column chunk.
     */
    void offsetIndex(long[] firstRows, long[] offsets) {
        if (firstRows == null || offsets == null || firstRows.length == 0 || firstRows.length != offsets.length || firstRows[0] != 0) {
            return;
        }
        for (int i = 0; i < firstRows.length; i++) {
            if (offsets[i] < chunkOffset || offsets[i] >= limit || i > 0 && (firstRows[i] <= firstRows[i - 1] || offsets[i] <= offsets[i - 1])) {
                return;
            }
        }
        ixFirstRow = firstRows;
        ixOffset = offsets;
    }

    /** The bytes read from the file for the current column chunk so far. */
    long bytesRead() {
        return bytesRead;
    }

    /** The heap bytes of the cursor's I/O buffers (the read window and the decompressed page). */
    long bufferBytes() {
        return (long) chunk.length + pageBuf.length;
    }

    /**
     * Drops the window and page buffers when a big page grew them past the block (they are reserved
     * only while a row group is read; idle, they should not stay large).
     */
    void trim() {
        if (chunk.length > BLOCK) {
            chunk = new byte[0];
            end = 0;
        }
        if (pageBuf.length > BLOCK + 16) {
            pageBuf = new byte[0];
        }
        pStrBuf = null;
    }

    /** Appends the next {@code n} rows to {@code out}. */
    void read(int n, ColumnBuffer out) {
        int need = n;
        while (need > 0) {
            if (pageRead == pageValues) {
                loadPage();
            }
            int k = Math.min(need, pageValues - pageRead);
            copy(k, out);
            need -= k;
        }
        rowPos += n;
    }

    /**
     * Skips the next {@code n} rows: whole data pages within them are passed over without reading
     * their bodies (with the offset index, by seeking to the page holding the target row; without
     * it, by reading each page's header alone), the rest of a page by advancing its position.
     */
    void skip(long n) {
        long target = rowPos + n;
        while (rowPos < target) {
            long left = target - rowPos;
            if (pageRead == pageValues) {
                if (seek(target)) {
                    continue;
                }
                long whole = skipWholePage(left);
                if (whole > 0) {
                    rowPos += whole;
                    continue;
                }
                loadPage();
            }
            int k = (int) Math.min(left, pageValues - pageRead);
            int defined = k;
            if (!allDefined) {
                defined = 0;
                for (int j = pageRead; j < pageRead + k; j++) {
                    defined += defs[j] == maxDef ? 1 : 0;
                }
            }
            valueIdx += defined;
            pageRead += k;
            rowPos += k;
        }
    }

    /** At a page boundary, jumps by the offset index to the last page starting at or before {@code target}; false if it cannot. */
    private boolean seek(long target) {
        if (ixFirstRow == null) {
            return false;
        }
        int j = Arrays.binarySearch(ixFirstRow, rowPos);
        if (j < 0) {
            return false;
        }
        int i = Arrays.binarySearch(ixFirstRow, target);
        if (i < 0) {
            i = -i - 2;
        }
        if (i <= j) {
            return false;
        }
        long rows = ixFirstRow[i] - rowPos;
        long at = ixOffset[i] - chunkOffset;
        if (at < pos || at > Integer.MAX_VALUE - 16 || rows > valuesLeft) {
            return false;
        }
        pos = (int) at;
        valuesLeft -= rows;
        pagesSkipped += i - j;
        rowPos = ixFirstRow[i];
        return true;
    }

    /** Passes over the next page if it is a data page of at most {@code n} rows; returns its rows, or 0. */
    private long skipWholePage(long n) {
        if (valuesLeft <= 0 || chunkOffset + pos >= limit) {
            return 0;
        }
        PageHeader h;
        try {
            h = header(HEADER_PEEK);
        } catch (IOException e) {
            return 0; // loadPage reports it (a memory shortfall is not an IOException: it propagates)
        }
        int rows = switch (h.getType()) {
            case DATA_PAGE -> h.isSetData_page_header() ? h.getData_page_header().getNum_values() : -1;
            case DATA_PAGE_V2 -> h.isSetData_page_header_v2() ? h.getData_page_header_v2().getNum_values() : -1;
            default -> -1;
        };
        int dataStart = headerEnd;
        int comp = h.getCompressed_page_size();
        if (rows <= 0 || rows > n || comp < 0 || comp > limit - (chunkOffset + dataStart)) {
            return 0;
        }
        pos = dataStart + comp;
        valuesLeft -= rows;
        pagesSkipped++;
        return rows;
    }

    /**
     * Makes bytes {@code [pos, pos + need)} of the column chunk available in {@code chunk}: the bytes
     * still ahead in the window are moved to its front and it is filled from the file, at least
     * {@code need} bytes and up to {@code want} (never past the column chunk). The window grows (and
     * the reservation with it) only to hold {@code max(need, want)} bytes.
     */
    private void fill(int need, int want) throws IOException {
        if (pos + need <= end) {
            return;
        }
        long at = chunkOffset + pos;
        long left = limit - at;
        if (need > left) {
            throw new EOFException("the column chunk ends " + left + " bytes after byte " + at + ", " + need + " were needed");
        }
        int keep = Math.max(0, end - pos);
        int size = (int) Math.min(left, Math.max(need, want));
        if (chunk.length < size) {
            int cap = (int) Math.min(Integer.MAX_VALUE - 16, Math.max(size, Math.min(chunk.length * 3L / 2, Math.max(BLOCK, size))));
            byte[] bigger = new byte[cap];
            if (mem != null) {
                mem.grow(cap - chunk.length);
            }
            if (keep > 0) {
                System.arraycopy(chunk, pos, bigger, 0, keep);
            }
            chunk = bigger;
        } else if (keep > 0) {
            System.arraycopy(chunk, pos, chunk, 0, keep);
        }
        chunkOffset = at;
        pos = 0;
        end = keep;
        ParquetFile.readFully(channel, ByteBuffer.wrap(chunk, end, size - end), chunkOffset + end);
        bytesRead += size - end;
        end = size;
    }

    /**
     * Parses the page header at {@code pos} (filling the window, first {@code peek} bytes, more if
     * the header is longer) and sets {@link #headerEnd} to the window index where its body starts;
     * {@code pos} is unchanged.
     */
    private PageHeader header(int peek) throws IOException {
        long left = limit - (chunkOffset + pos);
        int size = (int) Math.min(left, peek);
        while (true) {
            fill(size, Math.max(size, peek));
            PosStream in = new PosStream(chunk, pos, end - pos);
            try {
                PageHeader h = Util.readPageHeader(in);
                headerEnd = in.position();
                return h;
            } catch (IOException | RuntimeException e) {
                if (end - pos >= left || end - pos >= MAX_HEADER) {
                    // as an IOException, so that callers tell a corrupt header from a failure of the budget
                    throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
                }
                size = (int) Math.min(left, Math.max(2L * (end - pos), 4096));
            }
        }
    }

    /** Takes over the scratch buffers of the cursor of the same column in the previous file (they only grow). */
    void adopt(ColumnCursor old) {
        chunk = old.chunk;
        pageBuf = old.pageBuf;
        scratch = old.scratch;
        defs = old.defs;
        pInt = old.pInt;
        pLong = old.pLong;
        pDouble = old.pDouble;
        pBool = old.pBool;
        pCodes = old.pCodes;
        pStart = old.pStart;
        pLen = old.pLen;
        ownStr = old.ownStr;
    }

    private static final class PosStream extends ByteArrayInputStream {
        PosStream(byte[] b, int off, int len) {
            super(b, off, len);
        }

        int position() {
            return pos;
        }
    }

    private void loadPage() {
        while (!nextPage(false)) {
            // dictionary, index and empty pages: on to the next
        }
    }

    /**
     * Reads and decodes the next page; true when it was a data page with rows. With
     * {@code dictionaryOnly} nothing but a dictionary page is consumed (and false returned either way).
     */
    private boolean nextPage(boolean dictionaryOnly) {
        if (valuesLeft <= 0 || chunkOffset + pos >= limit) {
            pageOffset = chunkOffset + pos;
            if (dictionaryOnly) {
                return false;
            }
            throw error("the column chunk ends before all its rows were read", null);
        }
        pageOffset = chunkOffset + pos;
        PageHeader h;
        try {
            h = header(dictionaryOnly ? HEADER_PEEK : BLOCK);
        } catch (IOException e) {
            throw error("corrupt page header (" + e.getMessage() + ")", e);
        }
        if (dictionaryOnly && h.getType() != PageType.DICTIONARY_PAGE) {
            return false;
        }
        int comp = h.getCompressed_page_size();
        int uncomp = h.getUncompressed_page_size();
        if (comp < 0 || uncomp < 0 || comp > limit - (chunkOffset + headerEnd)) {
            throw error("the page's size (" + comp + " bytes) runs past the column chunk", null);
        }
        int headerLen = headerEnd - pos;
        try {
            fill(headerLen + comp, BLOCK);
        } catch (IOException e) {
            throw error("cannot read the page (" + e.getMessage() + ")", e);
        }
        int dataStart = pos + headerLen;
        pos = dataStart + comp;
        pagesRead++;
        if (h.isSetCrc()) {
            CRC32 crc = new CRC32();
            crc.update(chunk, dataStart, comp);
            if ((int) crc.getValue() != h.getCrc()) {
                throw error("page checksum mismatch (CRC32 of the page is " + Integer.toHexString((int) crc.getValue())
                        + ", the header says " + Integer.toHexString(h.getCrc()) + "): the file is corrupt", null);
            }
        }
        if (codec != CompressionCodec.UNCOMPRESSED) {
            growPageBuffer(uncomp); // reserved here, outside the decoding's error handling: a shortfall is not a corrupt page
        }
        try {
            switch (h.getType()) {
                case DICTIONARY_PAGE -> {
                    byte[] b = body(dataStart, comp, uncomp, true);
                    int off = b == chunk ? dataStart : 0;
                    readDictionary(h.getDictionary_page_header().getNum_values(), h.getDictionary_page_header().getEncoding(),
                            b, off, off + uncomp);
                    return false;
                }
                case DATA_PAGE -> {
                    return dataPageV1(h, dataStart, comp, uncomp);
                }
                case DATA_PAGE_V2 -> {
                    return dataPageV2(h, dataStart, comp, uncomp);
                }
                default -> {
                    return false; // index pages and unknown page types carry no rows
                }
            }
        } catch (ParquetFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw error(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** Grows the decompression buffer (and its reservation) to hold a page of {@code uncomp} bytes. */
    private void growPageBuffer(int uncomp) {
        if (pageBuf.length < uncomp + 16) {
            int cap = (int) Math.min(Integer.MAX_VALUE - 16, Math.max(uncomp + 16L, pageBuf.length * 3L / 2));
            if (mem != null) {
                mem.grow(cap - pageBuf.length);
            }
            pageBuf = new byte[cap];
        }
    }

    /** The page body decompressed (or the chunk itself when stored uncompressed). */
    private byte[] body(int dataStart, int comp, int uncomp, boolean compressed) throws IOException {
        if (!compressed || codec == CompressionCodec.UNCOMPRESSED) {
            if (comp != uncomp) {
                throw new IOException("an uncompressed page of " + comp + " bytes says it holds " + uncomp);
            }
            return chunk;
        }
        growPageBuffer(uncomp); // (already done by nextPage: a no-op)
        try {
            PageCodecs.decompress(codec, chunk, dataStart, comp, pageBuf, uncomp);
        } catch (IOException | RuntimeException e) {
            throw error(codec + " decompression failed (" + e.getMessage() + ")", e);
        }
        return pageBuf;
    }

    private boolean dataPageV1(PageHeader h, int dataStart, int comp, int uncomp) throws IOException {
        DataPageHeader d = h.getData_page_header();
        int n = d.getNum_values();
        if (n <= 0) {
            return false;
        }
        byte[] b = body(dataStart, comp, uncomp, true);
        int off = b == chunk ? dataStart : 0;
        int stop = off + uncomp;
        int nonNull = n;
        if (maxDef > 0) {
            if (d.getDefinition_level_encoding() != Encoding.RLE) {
                throw new IOException("definition levels encoded as " + d.getDefinition_level_encoding() + " are not supported");
            }
            if (stop - off < 4) {
                throw new IOException("the page ends inside its definition levels");
            }
            int len = le32(b, off);
            off += 4;
            if (len < 0 || len > stop - off) {
                throw new IOException("definition levels of " + len + " bytes run past the page");
            }
            nonNull = levels(b, off, off + len, n);
            off += len;
        } else {
            allDefined = true;
        }
        values(d.getEncoding(), b, off, stop, nonNull);
        startPage(n);
        return true;
    }

    private boolean dataPageV2(PageHeader h, int dataStart, int comp, int uncomp) throws IOException {
        DataPageHeaderV2 d = h.getData_page_header_v2();
        int n = d.getNum_values();
        int rl = d.getRepetition_levels_byte_length();
        int dl = d.getDefinition_levels_byte_length();
        if (rl < 0 || dl < 0 || rl + dl > comp || rl + dl > uncomp) {
            throw new IOException("level lengths " + rl + " + " + dl + " exceed the page");
        }
        if (n <= 0) {
            return false;
        }
        int nonNull = n;
        if (maxDef > 0) {
            nonNull = levels(chunk, dataStart + rl, dataStart + rl + dl, n);
        } else {
            allDefined = true;
        }
        int vStart = dataStart + rl + dl;
        int vComp = comp - rl - dl;
        int vUncomp = uncomp - rl - dl;
        boolean compressed = !d.isSetIs_compressed() || d.isIs_compressed();
        byte[] b;
        int off;
        if (vUncomp == 0) {
            b = chunk;
            off = vStart;
        } else {
            b = body(vStart, vComp, vUncomp, compressed);
            off = b == chunk ? vStart : 0;
        }
        values(d.getEncoding(), b, off, off + vUncomp, nonNull);
        startPage(n);
        return true;
    }

    private void startPage(int n) {
        pageValues = n;
        pageRead = 0;
        valueIdx = 0;
        valuesLeft -= n;
    }

    /** Decodes {@code n} definition levels (RLE/bit-packed, width 1); returns how many are defined. */
    private int levels(byte[] b, int off, int stop, int n) throws IOException {
        if (defs.length < n) {
            defs = new int[Math.max(n, defs.length * 3 / 2)];
        }
        hybrid(b, off, stop, bitWidth(maxDef), defs, n);
        int defined = 0;
        for (int i = 0; i < n; i++) {
            defined += defs[i] == maxDef ? 1 : 0;
        }
        allDefined = defined == n;
        return defined;
    }

    private static int bitWidth(int max) {
        return 32 - Integer.numberOfLeadingZeros(max);
    }

    /**
     * The RLE/bit-packing hybrid: decodes {@code n} values of {@code width} bits from
     * {@code b[off, stop)} into {@code out}; returns the position after the last run used.
     */
    static int hybrid(byte[] b, int off, int stop, int width, int[] out, int n) throws IOException {
        int i = 0;
        int p = off;
        int valueBytes = (width + 7) >>> 3;
        long mask = width == 32 ? 0xffffffffL : (1L << width) - 1;
        while (i < n) {
            if (p >= stop) {
                throw new IOException("RLE/bit-packed data ends after " + i + " of " + n + " values");
            }
            int header = 0;
            int shift = 0;
            while (true) {
                if (p >= stop || shift > 28) {
                    throw new IOException("bad RLE run header");
                }
                int x = b[p++];
                header |= (x & 0x7f) << shift;
                if (x >= 0) {
                    break;
                }
                shift += 7;
            }
            if ((header & 1) == 0) {
                int count = header >>> 1;
                if (p + valueBytes > stop) {
                    throw new IOException("RLE run ends early");
                }
                int v = 0;
                for (int k = 0; k < valueBytes; k++) {
                    v |= (b[p + k] & 0xff) << (8 * k);
                }
                p += valueBytes;
                int take = Math.min(count, n - i);
                Arrays.fill(out, i, i + take, v);
                i += take;
            } else {
                int groups = header >>> 1;
                int count = groups * 8;
                int take = Math.min(count, n - i);
                int bytes = groups * width;
                int runEnd = Math.min(p + bytes, stop);
                if (width == 1) {
                    for (int k = 0; k < take; k++) {
                        int q = p + (k >>> 3);
                        out[i + k] = q < runEnd ? (b[q] >>> (k & 7)) & 1 : 0;
                    }
                } else {
                    long acc = 0;
                    int bits = 0;
                    int q = p;
                    for (int k = 0; k < take; k++) {
                        while (bits < width) {
                            acc |= (long) (q < runEnd ? b[q] & 0xff : 0) << bits;
                            q++;
                            bits += 8;
                        }
                        out[i + k] = (int) (acc & mask);
                        acc >>>= width;
                        bits -= width;
                    }
                }
                i += take;
                p += bytes;
            }
        }
        return p;
    }

    private static int le32(byte[] b, int p) {
        return (b[p] & 0xff) | ((b[p + 1] & 0xff) << 8) | ((b[p + 2] & 0xff) << 16) | ((b[p + 3] & 0xff) << 24);
    }

    private static final java.lang.invoke.VarHandle INT_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.invoke.VarHandle LONG_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.invoke.VarHandle FLOAT_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.invoke.VarHandle DOUBLE_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

    private void ensure(int n) {
        switch (m.physical()) {
            case INT32 -> {
                if (pInt.length < n) {
                    pInt = new int[Math.max(n, pInt.length * 3 / 2)];
                }
            }
            case BOOLEAN -> {
                if (pBool.length < n) {
                    pBool = new byte[Math.max(n, pBool.length * 3 / 2)];
                }
            }
            case FLOAT, DOUBLE -> {
                if (pDouble.length < n) {
                    pDouble = new double[Math.max(n, pDouble.length * 3 / 2)];
                }
            }
            case BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY -> {
                if (pStart.length < n) {
                    pStart = new int[Math.max(n, pStart.length * 3 / 2)];
                    pLen = new int[pStart.length];
                }
            }
            default -> {
            }
        }
        if (kind == K_LONG && pLong.length < n) {
            pLong = new long[Math.max(n, pLong.length * 3 / 2)];
        }
    }

    /** Decodes {@code count} non-null values of a data page into the page arrays, in Spillway's representation. */
    private void values(Encoding enc, byte[] b, int off, int stop, int count) throws IOException {
        pageDict = false;
        ensure(count);
        switch (enc) {
            case PLAIN -> plain(b, off, stop, count);
            case PLAIN_DICTIONARY, RLE_DICTIONARY -> {
                dictionaryIndices(b, off, stop, count);
                return;
            }
            case RLE -> {
                if (m.physical() != Type.BOOLEAN) {
                    throw new IOException("RLE values of type " + m.physical() + " are not supported");
                }
                if (stop - off < 4) {
                    throw new IOException("RLE boolean page too short");
                }
                int len = le32(b, off);
                int[] tmp = new int[count];
                hybrid(b, off + 4, Math.min(stop, off + 4 + len), 1, tmp, count);
                for (int i = 0; i < count; i++) {
                    pBool[i] = (byte) tmp[i];
                }
            }
            case BYTE_STREAM_SPLIT -> {
                int w = switch (m.physical()) {
                    case INT32, FLOAT -> 4;
                    case INT64, DOUBLE -> 8;
                    case FIXED_LEN_BYTE_ARRAY -> m.typeLength();
                    default -> throw new IOException("BYTE_STREAM_SPLIT of " + m.physical() + " is not supported");
                };
                long need = (long) w * count;
                if (need > stop - off) {
                    throw new IOException("BYTE_STREAM_SPLIT page holds fewer than " + count + " values");
                }
                if (scratch.length < need) {
                    scratch = new byte[(int) need];
                }
                for (int j = 0; j < w; j++) {
                    int s = off + j * count;
                    for (int i = 0; i < count; i++) {
                        scratch[i * w + j] = b[s + i];
                    }
                }
                plain(scratch, 0, (int) need, count);
            }
            case DELTA_BINARY_PACKED -> {
                DeltaBinaryPackingValuesReader r = new DeltaBinaryPackingValuesReader();
                r.initFromPage(count, ByteBufferInputStream.wrap(ByteBuffer.wrap(b, off, stop - off)));
                if (m.physical() == Type.INT32) {
                    for (int i = 0; i < count; i++) {
                        pInt[i] = r.readInteger();
                    }
                } else if (m.physical() == Type.INT64) {
                    for (int i = 0; i < count; i++) {
                        pLong[i] = r.readLong();
                    }
                } else {
                    throw new IOException("DELTA_BINARY_PACKED values of type " + m.physical() + " are not supported");
                }
            }
            case DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY -> {
                if (m.physical() != Type.BYTE_ARRAY && m.physical() != Type.FIXED_LEN_BYTE_ARRAY) {
                    throw new IOException(enc + " values of type " + m.physical() + " are not supported");
                }
                ValuesReader r = enc == Encoding.DELTA_BYTE_ARRAY ? new DeltaByteArrayReader() : new DeltaLengthByteArrayValuesReader();
                r.initFromPage(count, ByteBufferInputStream.wrap(ByteBuffer.wrap(b, off, stop - off)));
                int at = 0;
                for (int i = 0; i < count; i++) {
                    Binary v = r.readBytes();
                    int len = v.length();
                    if (at + len > ownStr.length) {
                        ownStr = Arrays.copyOf(ownStr, Math.max(at + len, ownStr.length * 2 + 64));
                    }
                    ByteBuffer vb = v.toByteBuffer();
                    vb.get(ownStr, at, len);
                    pStart[i] = at;
                    pLen[i] = len;
                    at += len;
                }
                pStrBuf = ownStr;
                if (m.conversion() == ParquetTypes.Conversion.UUID) {
                    byte[] copy = Arrays.copyOf(ownStr, at);
                    uuids(copy, count);
                }
            }
            default -> throw new IOException("encoding " + enc + " is not supported");
        }
        convert(count);
    }

    /** PLAIN values into the physical page arrays. */
    private void plain(byte[] b, int off, int stop, int count) throws IOException {
        int avail = stop - off;
        switch (m.physical()) {
            case BOOLEAN -> {
                if ((count + 7) / 8 > avail) {
                    throw tooShort(count);
                }
                for (int i = 0; i < count; i++) {
                    pBool[i] = (byte) ((b[off + (i >>> 3)] >>> (i & 7)) & 1);
                }
            }
            case INT32 -> {
                if (4L * count > avail) {
                    throw tooShort(count);
                }
                for (int i = 0; i < count; i++) {
                    pInt[i] = (int) INT_LE.get(b, off + 4 * i);
                }
            }
            case INT64 -> {
                if (8L * count > avail) {
                    throw tooShort(count);
                }
                long[] out = pLong;
                for (int i = 0; i < count; i++) {
                    out[i] = (long) LONG_LE.get(b, off + 8 * i);
                }
            }
            case INT96 -> {
                if (12L * count > avail) {
                    throw tooShort(count);
                }
                for (int i = 0; i < count; i++) {
                    int p = off + 12 * i;
                    long nanos = (long) LONG_LE.get(b, p);
                    long day = (int) INT_LE.get(b, p + 8);
                    if (nanos % 1000 != 0) {
                        throw subMicro();
                    }
                    // wrapping arithmetic, as Spark's writer and reader: microseconds past 2^63 - 2440588 days round-trip
                    pLong[i] = (day - JULIAN_EPOCH_DAY) * MICROS_PER_DAY + nanos / 1000;
                }
            }
            case FLOAT -> {
                if (4L * count > avail) {
                    throw tooShort(count);
                }
                for (int i = 0; i < count; i++) {
                    pDouble[i] = (float) FLOAT_LE.get(b, off + 4 * i);
                }
            }
            case DOUBLE -> {
                if (8L * count > avail) {
                    throw tooShort(count);
                }
                for (int i = 0; i < count; i++) {
                    pDouble[i] = (double) DOUBLE_LE.get(b, off + 8 * i);
                }
            }
            case BYTE_ARRAY -> {
                int p = off;
                for (int i = 0; i < count; i++) {
                    if (p + 4 > stop) {
                        throw tooShort(count);
                    }
                    int len = (int) INT_LE.get(b, p);
                    p += 4;
                    if (len < 0 || len > stop - p) {
                        throw new IOException("a string of " + len + " bytes runs past the page");
                    }
                    pStart[i] = p;
                    pLen[i] = len;
                    p += len;
                }
                pStrBuf = b;
            }
            case FIXED_LEN_BYTE_ARRAY -> {
                int w = m.typeLength();
                if ((long) w * count > avail) {
                    throw tooShort(count);
                }
                for (int i = 0; i < count; i++) {
                    pStart[i] = off + w * i;
                    pLen[i] = w;
                }
                pStrBuf = b;
                if (m.conversion() == ParquetTypes.Conversion.UUID) {
                    uuids(b, count);
                }
            }
        }
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Replaces 16-byte values (at pStart in src) by their canonical text in ownStr. */
    private void uuids(byte[] src, int count) {
        byte[] out = new byte[36 * count];
        for (int i = 0; i < count; i++) {
            int s = pStart[i];
            int o = 36 * i;
            for (int k = 0; k < 16; k++) {
                if (k == 4 || k == 6 || k == 8 || k == 10) {
                    out[o++] = '-';
                }
                int x = src[s + k] & 0xff;
                out[o++] = HEX[x >>> 4];
                out[o++] = HEX[x & 15];
            }
            pStart[i] = 36 * i;
            pLen[i] = 36;
        }
        ownStr = out.length > ownStr.length ? out : ownStr;
        if (ownStr != out) {
            System.arraycopy(out, 0, ownStr, 0, out.length);
        }
        pStrBuf = ownStr;
    }

    private IOException tooShort(int count) {
        return new IOException("the page holds fewer bytes than its " + count + " values need");
    }

    private ParquetFormatException subMicro() {
        return new ParquetFormatException("Column '" + column + "' of '" + file + "', row group " + rowGroup
                + ", has sub-microsecond timestamps; Spillway keeps microseconds");
    }

    /** Converts the physical page arrays to the target representation, in place. */
    private void convert(int count) {
        switch (m.physical()) {
            case INT32 -> {
                if (kind == K_LONG) {
                    if (m.conversion() == ParquetTypes.Conversion.UINT32) {
                        for (int i = 0; i < count; i++) {
                            pLong[i] = pInt[i] & 0xffffffffL;
                        }
                    } else if (m.conversion() == ParquetTypes.Conversion.TIME_MILLIS) {
                        for (int i = 0; i < count; i++) {
                            pLong[i] = pInt[i] * 1000L;
                        }
                    } else {
                        for (int i = 0; i < count; i++) {
                            pLong[i] = pInt[i];
                        }
                    }
                }
            }
            case INT64 -> {
                switch (m.conversion()) {
                    case MILLIS -> {
                        for (int i = 0; i < count; i++) {
                            pLong[i] = Math.multiplyExact(pLong[i], 1000L);
                        }
                    }
                    case NANOS -> {
                        for (int i = 0; i < count; i++) {
                            long v = pLong[i];
                            if (v % 1000 != 0) {
                                throw subMicro();
                            }
                            pLong[i] = v / 1000;
                        }
                    }
                    case UINT64 -> {
                        for (int i = 0; i < count; i++) {
                            if (pLong[i] < 0) {
                                throw new ParquetFormatException("Column '" + column + "' of '" + file + "', row group " + rowGroup
                                        + ", holds the unsigned value " + Long.toUnsignedString(pLong[i])
                                        + ", beyond int64's range: Spillway reads UINT_64 as int64");
                            }
                        }
                    }
                    default -> {
                    }
                }
            }
            case BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY -> {
                if (m.conversion() == ParquetTypes.Conversion.DECIMAL_BYTES) {
                    decimalBytes(count);
                }
            }
            default -> {
            }
        }
    }

    private byte[] decBuf = new byte[0];

    /** Big-endian two's complement decimals to int64 unscaled values, or to 16 order-preserving bytes. */
    private void decimalBytes(int count) {
        byte[] src = pStrBuf;
        if (kind == K_LONG) {
            for (int i = 0; i < count; i++) {
                int s = pStart[i];
                int len = pLen[i];
                int from = Math.max(0, len - 8);
                long v = len == 0 ? 0 : src[s + from]; // sign-extended first byte
                for (int k = from + 1; k < len; k++) {
                    v = (v << 8) | (src[s + k] & 0xff);
                }
                for (int k = 0; k < from; k++) {
                    if (src[s + k] != (v < 0 ? (byte) -1 : 0)) {
                        throw new ParquetFormatException("Column '" + column + "' of '" + file + "', row group " + rowGroup
                                + ", holds a decimal wider than its precision of " + m.type().precision() + " digits");
                    }
                }
                pLong[i] = v;
            }
            return;
        }
        if (decBuf.length < 16 * count) {
            decBuf = new byte[Math.max(16 * count, decBuf.length * 3 / 2)];
        }
        byte[] out = decBuf;
        for (int i = 0; i < count; i++) {
            int s = pStart[i];
            int len = pLen[i];
            int o = 16 * i;
            if (len > 16) {
                throw new ParquetFormatException("Column '" + column + "' of '" + file + "', row group " + rowGroup
                        + ", holds a decimal of " + len + " bytes; Spillway reads decimals of up to 16 bytes (38 digits)");
            }
            byte fill = len > 0 && src[s] < 0 ? (byte) -1 : 0;
            int pad = 16 - len;
            Arrays.fill(out, o, o + pad, fill);
            System.arraycopy(src, s, out, o + pad, len);
            out[o] ^= (byte) 0x80;
            pStart[i] = o;
            pLen[i] = 16;
        }
        pStrBuf = out;
    }

    private void readDictionary(int count, Encoding enc, byte[] b, int off, int stop) throws IOException {
        if (enc != Encoding.PLAIN && enc != Encoding.PLAIN_DICTIONARY) {
            throw new IOException("dictionary page encoded as " + enc + " is not supported");
        }
        if (count < 0) {
            throw new IOException("dictionary of " + count + " values");
        }
        ensure(count);
        plain(b, off, stop, count);
        convert(count);
        dictSize = count;
        hasDict = true;
        switch (kind) {
            case K_INT -> {
                dInt = Arrays.copyOf(pInt, count);
            }
            case K_LONG -> {
                dLong = Arrays.copyOf(pLong, count);
            }
            case K_DOUBLE -> {
                dDouble = Arrays.copyOf(pDouble, count);
            }
            case K_BOOL -> {
                dBool = Arrays.copyOf(pBool, count);
            }
            default -> stringDictionary(count);
        }
    }

    /** The dictionary's strings, deduplicated (codes map through {@code dictRemap}). */
    private void stringDictionary(int count) {
        ColumnBuffer.StringDict d = new ColumnBuffer.StringDict();
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += pLen[i];
        }
        d.bytes = new byte[(int) Math.max(1, total)];
        d.offsets = new int[count + 1];
        if (dictRemap.length < count) {
            dictRemap = new int[count];
        }
        int cap = Integer.highestOneBit(Math.max(4, count * 2)) * 2;
        int[] table = new int[cap];
        int mask = cap - 1;
        int at = 0;
        int n = 0;
        for (int i = 0; i < count; i++) {
            int s = pStart[i];
            int len = pLen[i];
            int h = 0x9E3779B9 ^ len;
            for (int k = 0; k < len; k++) {
                h = (h ^ pStrBuf[s + k]) * 0x01000193;
            }
            h ^= h >>> 15;
            int slot = h & mask;
            int code = -1;
            while (table[slot] != 0) {
                int c = table[slot] - 1;
                int cs = d.offsets[c];
                int cl = d.offsets[c + 1] - cs;
                if (cl == len && Arrays.equals(d.bytes, cs, cs + cl, pStrBuf, s, s + len)) {
                    code = c;
                    break;
                }
                slot = (slot + 1) & mask;
            }
            if (code < 0) {
                code = n++;
                System.arraycopy(pStrBuf, s, d.bytes, at, len);
                at += len;
                d.offsets[code + 1] = at;
                table[slot] = code + 1;
            }
            dictRemap[i] = code;
        }
        d.size = n;
        sdict = d;
    }

    private void dictionaryIndices(byte[] b, int off, int stop, int count) throws IOException {
        if (!hasDict) {
            throw new IOException("a dictionary-encoded page without a dictionary page");
        }
        if (pCodes.length < count) {
            pCodes = new int[Math.max(count, pCodes.length * 3 / 2)];
        }
        if (count > 0) {
            if (off >= stop) {
                throw new IOException("the page ends before its dictionary indices");
            }
            int width = b[off] & 0xff;
            if (width > 32) {
                throw new IOException("dictionary index width " + width);
            }
            hybrid(b, off + 1, stop, width, pCodes, count);
        }
        int[] c = pCodes;
        int ds = dictSize;
        for (int i = 0; i < count; i++) {
            if (c[i] < 0 || c[i] >= ds) {
                throw new IOException("dictionary index " + c[i] + " outside the dictionary of " + ds + " values");
            }
        }
        switch (kind) {
            case K_INT -> {
                if (pInt.length < count) {
                    pInt = new int[count];
                }
                for (int i = 0; i < count; i++) {
                    pInt[i] = dInt[c[i]];
                }
            }
            case K_LONG -> {
                for (int i = 0; i < count; i++) {
                    pLong[i] = dLong[c[i]];
                }
            }
            case K_DOUBLE -> {
                if (pDouble.length < count) {
                    pDouble = new double[count];
                }
                for (int i = 0; i < count; i++) {
                    pDouble[i] = dDouble[c[i]];
                }
            }
            case K_BOOL -> {
                if (pBool.length < count) {
                    pBool = new byte[count];
                }
                for (int i = 0; i < count; i++) {
                    pBool[i] = dBool[c[i]];
                }
            }
            default -> {
                int[] remap = dictRemap;
                for (int i = 0; i < count; i++) {
                    c[i] = remap[c[i]];
                }
                pageDict = true;
            }
        }
    }

    private void copy(int k, ColumnBuffer out) {
        int o = out.size;
        int r = pageRead;
        int v = valueIdx;
        int[] d = defs;
        int md = maxDef;
        switch (kind) {
            case K_INT -> {
                int[] dst = out.ints;
                if (allDefined) {
                    System.arraycopy(pInt, v, dst, o, k);
                    v += k;
                    out.markValid(o, o + k);
                } else {
                    for (int j = 0; j < k; j++) {
                        if (d[r + j] == md) {
                            dst[o + j] = pInt[v++];
                            out.setValid(o + j);
                        } else {
                            dst[o + j] = 0;
                            out.markNull(o + j);
                        }
                    }
                }
            }
            case K_LONG -> {
                long[] dst = out.longs;
                if (allDefined) {
                    System.arraycopy(pLong, v, dst, o, k);
                    v += k;
                    out.markValid(o, o + k);
                } else {
                    for (int j = 0; j < k; j++) {
                        if (d[r + j] == md) {
                            dst[o + j] = pLong[v++];
                            out.setValid(o + j);
                        } else {
                            dst[o + j] = 0;
                            out.markNull(o + j);
                        }
                    }
                }
            }
            case K_DOUBLE -> {
                double[] dst = out.doubles;
                if (allDefined) {
                    System.arraycopy(pDouble, v, dst, o, k);
                    v += k;
                    out.markValid(o, o + k);
                } else {
                    for (int j = 0; j < k; j++) {
                        if (d[r + j] == md) {
                            dst[o + j] = pDouble[v++];
                            out.setValid(o + j);
                        } else {
                            dst[o + j] = 0;
                            out.markNull(o + j);
                        }
                    }
                }
            }
            case K_BOOL -> {
                byte[] dst = out.bools;
                if (allDefined) {
                    System.arraycopy(pBool, v, dst, o, k);
                    v += k;
                    out.markValid(o, o + k);
                } else {
                    for (int j = 0; j < k; j++) {
                        if (d[r + j] == md) {
                            dst[o + j] = pBool[v++];
                            out.setValid(o + j);
                        } else {
                            dst[o + j] = 0;
                            out.markNull(o + j);
                        }
                    }
                }
            }
            default -> {
                v = copyStrings(k, out, o, r, v);
                pageRead += k;
                valueIdx = v;
                return;
            }
        }
        out.size = o + k;
        pageRead += k;
        valueIdx = v;
    }

    private int copyStrings(int k, ColumnBuffer out, int o, int r, int v) {
        int[] d = defs;
        int md = maxDef;
        boolean all = allDefined;
        if (pageDict && (o == 0 || (out.dictMode && out.dict == sdict))) {
            out.dictMode = true;
            out.dict = sdict;
            int[] dst = out.codes;
            if (all) {
                System.arraycopy(pCodes, v, dst, o, k);
                out.markValid(o, o + k);
                v += k;
            } else {
                for (int j = 0; j < k; j++) {
                    if (d[r + j] == md) {
                        dst[o + j] = pCodes[v++];
                        out.setValid(o + j);
                    } else {
                        dst[o + j] = 0;
                        out.markNull(o + j);
                    }
                }
            }
            out.size = o + k;
            return v;
        }
        out.toPlainIfDict();
        ColumnBuffer.StringDict sd = sdict;
        for (int j = 0; j < k; j++) {
            out.size = o + j;
            if (all || d[r + j] == md) {
                if (pageDict) {
                    int c = pCodes[v++];
                    int s = sd.offsets[c];
                    out.appendBytes(sd.bytes, s, sd.offsets[c + 1] - s);
                } else {
                    out.appendBytes(pStrBuf, pStart[v], pLen[v]);
                    v++;
                }
                out.setValid(o + j);
            } else {
                out.offsets[o + j + 1] = out.byteCount;
                out.markNull(o + j);
            }
        }
        out.size = o + k;
        return v;
    }
}
