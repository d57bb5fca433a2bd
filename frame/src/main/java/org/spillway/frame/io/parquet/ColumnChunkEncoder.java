package org.spillway.frame.io.parquet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.apache.parquet.format.BoundaryOrder;
import org.apache.parquet.format.ColumnIndex;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.OffsetIndex;
import org.apache.parquet.format.PageEncodingStats;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageLocation;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Statistics;
import org.apache.parquet.format.Type;
import org.apache.parquet.format.Util;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.spill.DataType;

/**
 * Encodes one column of one row group as a Parquet column chunk: an optional PLAIN dictionary page,
 * then v1 data pages (RLE_DICTIONARY or PLAIN values, RLE definition levels with a length prefix) of
 * about the configured page size, each compressed and with a CRC32 of its compressed bytes; plus
 * the chunk's statistics and its page index (column index and offset index). Offsets are relative
 * to the chunk's start until {@link ParquetFileWriter} places it.
 */
final class ColumnChunkEncoder {
    /** String statistics longer than this are truncated (as parquet-java does). */
    static final int MAX_STATS_BYTES = 64;

    /** An encoded column chunk, positioned at offset 0. */
    record Encoded(byte[] bytes, ColumnMetaData meta, boolean hasDictionary, ColumnIndex columnIndex, OffsetIndex offsetIndex,
                   long uncompressedSize) {
    }

    private ColumnChunkEncoder() {
    }

    static Type physicalType(DataType t) {
        return switch (t.kind()) {
            case BOOL -> Type.BOOLEAN;
            case INT32, DATE -> Type.INT32;
            case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> Type.INT64;
            case FLOAT64 -> Type.DOUBLE;
            case STRING, BINARY -> Type.BYTE_ARRAY;
            case DECIMAL128 -> Type.FIXED_LEN_BYTE_ARRAY; // 16 bytes, big-endian two's complement
        };
    }

    static Encoded encode(ParquetWriteColumn col, String name, ParquetWriteOptions options) {
        int n = col.size;
        ParquetWriteOptions.Codec codec = options.codec();
        int level = options.compressionLevel();
        ParquetWriteBuffer out = new ParquetWriteBuffer(1 << 16);
        long uncompressedTotal = 0;
        DictionaryEncoder.Dictionary dict = options.dictionary() && col.type != DataType.BOOL
                && col.type.kind() != DataType.Kind.DECIMAL128 && n > col.nullCount
                ? DictionaryEncoder.build(col) : null;
        List<PageEncodingStats> encStats = new ArrayList<>();
        ParquetWriteBuffer header = new ParquetWriteBuffer(64);
        if (dict != null) {
            byte[] body = ParquetCompressors.compress(codec, level, dict.page(), dict.page().length);
            PageHeader ph = new PageHeader(PageType.DICTIONARY_PAGE, dict.page().length, body.length);
            ph.setCrc(crc(body));
            ph.setDictionary_page_header(new DictionaryPageHeader(dict.size(), Encoding.PLAIN));
            header.clear();
            writeHeader(ph, header);
            out.write(header.buf, 0, header.len);
            out.write(body, 0, body.length);
            uncompressedTotal += header.len + dict.page().length;
            encStats.add(new PageEncodingStats(PageType.DICTIONARY_PAGE, Encoding.PLAIN, 1));
        }
        int dataStart = out.size();
        int bitWidth = dict == null ? 0 : RleEncoder.bitWidth(Math.max(0, dict.size() - 1));
        Encoding valueEncoding = dict == null ? Encoding.PLAIN : Encoding.RLE_DICTIONARY;
        int pageSize = options.pageSizeBytes();

        List<PageLocation> locations = new ArrayList<>();
        List<Boolean> nullPages = new ArrayList<>();
        List<ByteBuffer> mins = new ArrayList<>();
        List<ByteBuffer> maxs = new ArrayList<>();
        List<Long> nullCounts = new ArrayList<>();
        boolean indexOk = true;
        ParquetWriteBuffer page = new ParquetWriteBuffer(Math.min(pageSize, 1 << 20) + 1024);
        int[] levels = new int[0];
        int[] idx = new int[0];
        int pages = 0;
        int from = 0;
        while (from < n) {
            int to = pageEnd(col, from, pageSize, dict == null ? -1 : bitWidth);
            int rows = to - from;
            page.clear();
            // definition levels, length-prefixed
            int lenPos = page.size();
            page.putInt(0);
            int pageNulls = 0;
            if (col.nulls == null) {
                page.putUnsignedVarInt((long) rows << 1);
                page.write(1);
            } else {
                if (levels.length < rows) {
                    levels = new int[rows];
                }
                for (int i = 0; i < rows; i++) {
                    boolean isNull = col.nulls[from + i];
                    levels[i] = isNull ? 0 : 1;
                    pageNulls += isNull ? 1 : 0;
                }
                RleEncoder.encode(levels, rows, 1, page);
            }
            page.putIntAt(lenPos, page.size() - lenPos - 4);
            // values
            if (dict != null) {
                if (idx.length < rows) {
                    idx = new int[rows];
                }
                int k = 0;
                for (int i = from; i < to; i++) {
                    if (!col.isNull(i)) {
                        idx[k++] = dict.codes()[i];
                    }
                }
                page.write(bitWidth);
                RleEncoder.encode(idx, k, bitWidth, page);
            } else {
                plain(col, from, to, page);
            }
            byte[] body = ParquetCompressors.compress(codec, level, page.buf, page.len);
            PageHeader ph = new PageHeader(PageType.DATA_PAGE, page.len, body.length);
            ph.setCrc(crc(body));
            DataPageHeader dph = new DataPageHeader(rows, valueEncoding, Encoding.RLE, Encoding.RLE);
            byte[][] mm = minMax(col, from, to);
            Statistics ps = new Statistics().setNull_count(pageNulls);
            if (mm != null && mm[0] != null && mm[1] != null) {
                ps.setMin_value(mm[0]).setMax_value(mm[1]);
                ps.setIs_min_value_exact(mm[3] == null).setIs_max_value_exact(mm[4] == null);
            }
            dph.setStatistics(ps);
            ph.setData_page_header(dph);
            header.clear();
            writeHeader(ph, header);
            int pageOffset = out.size();
            out.write(header.buf, 0, header.len);
            out.write(body, 0, body.length);
            uncompressedTotal += header.len + page.len;
            locations.add(new PageLocation(pageOffset, header.len + body.length, from));
            boolean allNull = pageNulls == rows;
            nullPages.add(allNull);
            nullCounts.add((long) pageNulls);
            if (allNull) {
                mins.add(ByteBuffer.allocate(0));
                maxs.add(ByteBuffer.allocate(0));
            } else if (mm == null || mm[0] == null || mm[1] == null || mm[2] != null) {
                indexOk = false; // NaN-only or NaN-holding double page, or an untruncatable string
            } else {
                mins.add(ByteBuffer.wrap(mm[0]));
                maxs.add(ByteBuffer.wrap(mm[1]));
            }
            pages++;
            from = to;
        }
        encStats.add(new PageEncodingStats(PageType.DATA_PAGE, valueEncoding, pages));

        List<Encoding> encodings = dict == null ? List.of(Encoding.PLAIN, Encoding.RLE)
                : List.of(Encoding.PLAIN, Encoding.RLE, Encoding.RLE_DICTIONARY);
        ColumnMetaData meta = new ColumnMetaData(physicalType(col.type), new ArrayList<>(encodings), List.of(name),
                ParquetCompressors.thrift(codec), n, uncompressedTotal, out.size(), dataStart);
        if (dict != null) {
            meta.setDictionary_page_offset(0);
        }
        meta.setEncoding_stats(encStats);
        meta.setStatistics(chunkStatistics(col));
        ColumnIndex ci = null;
        if (indexOk && pages > 0) {
            ci = new ColumnIndex(nullPages, mins, maxs, BoundaryOrder.UNORDERED);
            ci.setNull_counts(nullCounts);
        }
        OffsetIndex oi = new OffsetIndex(locations);
        return new Encoded(out.toByteArray(), meta, dict != null, ci, oi, uncompressedTotal);
    }

    private static void writeHeader(PageHeader ph, ParquetWriteBuffer header) {
        try {
            Util.writePageHeader(ph, header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int crc(byte[] body) {
        CRC32 c = new CRC32();
        c.update(body, 0, body.length);
        return (int) c.getValue();
    }

    /** The end of the page starting at {@code from}: about {@code pageSize} bytes of values, at least one row. */
    private static int pageEnd(ParquetWriteColumn col, int from, int pageSize, int dictBitWidth) {
        int n = col.size;
        if ((col.type == DataType.STRING || col.type == DataType.BINARY) && dictBitWidth < 0) {
            long bytes = 0;
            int i = from;
            while (i < n && (i == from || bytes < pageSize)) {
                bytes += 4 + col.offsets[i + 1] - col.offsets[i];
                i++;
            }
            return i;
        }
        double perRow = dictBitWidth >= 0 ? Math.max(dictBitWidth, 1) / 8.0
                : switch (col.type.kind()) {
                    case BOOL -> 1 / 8.0;
                    case INT32, DATE -> 4;
                    case DECIMAL128 -> 16;
                    default -> 8;
                };
        long rows = Math.max(1, (long) (pageSize / perRow));
        return (int) Math.min(n, from + rows);
    }

    private static void plain(ParquetWriteColumn col, int from, int to, ParquetWriteBuffer page) {
        switch (col.type.kind()) {
            case BOOL -> {
                page.ensure((to - from) / 8 + 1);
                int acc = 0;
                int bits = 0;
                for (int i = from; i < to; i++) {
                    if (col.isNull(i)) {
                        continue;
                    }
                    acc |= (col.ints[i] & 1) << bits;
                    if (++bits == 8) {
                        page.buf[page.len++] = (byte) acc;
                        acc = 0;
                        bits = 0;
                    }
                }
                if (bits > 0) {
                    page.buf[page.len++] = (byte) acc;
                }
            }
            case INT32, DATE -> {
                page.ensure(4 * (to - from));
                for (int i = from; i < to; i++) {
                    if (!col.isNull(i)) {
                        page.putInt(col.ints[i]);
                    }
                }
            }
            case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> {
                page.ensure(8 * (to - from));
                for (int i = from; i < to; i++) {
                    if (!col.isNull(i)) {
                        page.putLong(col.longs[i]);
                    }
                }
            }
            case FLOAT64 -> {
                page.ensure(8 * (to - from));
                for (int i = from; i < to; i++) {
                    if (!col.isNull(i)) {
                        page.putLong(Double.doubleToRawLongBits(col.doubles[i]));
                    }
                }
            }
            case STRING, BINARY -> {
                for (int i = from; i < to; i++) {
                    if (!col.isNull(i)) {
                        int s = col.offsets[i];
                        int len = col.offsets[i + 1] - s;
                        page.putInt(len);
                        page.write(col.bytes, s, len);
                    }
                }
            }
            case DECIMAL128 -> {
                // FIXED_LEN_BYTE_ARRAY(16): the stored bytes with the sign bit flipped back
                for (int i = from; i < to; i++) {
                    if (!col.isNull(i)) {
                        int s = col.offsets[i];
                        int at = page.len;
                        page.write(col.bytes, s, 16);
                        page.buf[at] ^= (byte) 0x80;
                    }
                }
            }
        }
    }

    private static Statistics chunkStatistics(ParquetWriteColumn col) {
        Statistics st = new Statistics().setNull_count(col.nullCount);
        byte[][] mm = minMax(col, 0, col.size);
        if (mm != null) {
            if (mm[0] != null) {
                st.setMin_value(mm[0]);
                st.setIs_min_value_exact(mm[3] == null);
            }
            if (mm[1] != null) {
                st.setMax_value(mm[1]);
                st.setIs_max_value_exact(mm[4] == null);
            }
        }
        return st;
    }

    private static final byte[] MARK = new byte[0];

    /**
     * {min, max, nanSeen, minTruncated, maxTruncated} of the non-null values in {@code [from, to)}, PLAIN
     * encoded, or null when all are null; min and max are null for doubles that are all NaN, max is
     * null for a long string that cannot be truncated upwards. The last three are non-null as flags.
     */
    static byte[][] minMax(ParquetWriteColumn col, int from, int to) {
        byte[][] r = new byte[5][];
        boolean any = false;
        switch (col.type.kind()) {
            case BOOL -> {
                boolean sawFalse = false;
                boolean sawTrue = false;
                for (int i = from; i < to; i++) {
                    if (!col.isNull(i)) {
                        any = true;
                        if (col.ints[i] != 0) {
                            sawTrue = true;
                        } else {
                            sawFalse = true;
                        }
                    }
                }
                r[0] = new byte[] {(byte) (sawFalse ? 0 : 1)};
                r[1] = new byte[] {(byte) (sawTrue ? 1 : 0)};
            }
            case INT32, DATE -> {
                int min = Integer.MAX_VALUE;
                int max = Integer.MIN_VALUE;
                for (int i = from; i < to; i++) {
                    if (!col.isNull(i)) {
                        any = true;
                        min = Math.min(min, col.ints[i]);
                        max = Math.max(max, col.ints[i]);
                    }
                }
                r[0] = le(min, 4);
                r[1] = le(max, 4);
            }
            case INT64, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> {
                long min = Long.MAX_VALUE;
                long max = Long.MIN_VALUE;
                for (int i = from; i < to; i++) {
                    if (!col.isNull(i)) {
                        any = true;
                        min = Math.min(min, col.longs[i]);
                        max = Math.max(max, col.longs[i]);
                    }
                }
                r[0] = le(min, 8);
                r[1] = le(max, 8);
            }
            case FLOAT64 -> {
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                boolean seen = false;
                for (int i = from; i < to; i++) {
                    if (!col.isNull(i)) {
                        any = true;
                        double d = col.doubles[i];
                        if (Double.isNaN(d)) {
                            r[2] = MARK;
                            continue;
                        }
                        seen = true;
                        if (d < min || (d == 0 && min == 0 && Double.doubleToRawLongBits(d) != 0)) {
                            min = d;
                        }
                        if (d > max || (d == 0 && max == 0 && Double.doubleToRawLongBits(d) == 0)) {
                            max = d;
                        }
                    }
                }
                if (seen) {
                    if (min == 0) {
                        min = -0.0; // as parquet-java: a zero minimum is -0.0, a zero maximum +0.0
                    }
                    if (max == 0) {
                        max = 0.0;
                    }
                    r[0] = le(Double.doubleToRawLongBits(min), 8);
                    r[1] = le(Double.doubleToRawLongBits(max), 8);
                }
            }
            case STRING, BINARY, DECIMAL128 -> {
                int minI = -1;
                int maxI = -1;
                byte[] b = col.bytes;
                int[] o = col.offsets;
                for (int i = from; i < to; i++) {
                    if (!col.isNull(i)) {
                        any = true;
                        if (minI < 0) {
                            minI = i;
                            maxI = i;
                            continue;
                        }
                        if (Arrays.compareUnsigned(b, o[i], o[i + 1], b, o[minI], o[minI + 1]) < 0) {
                            minI = i;
                        }
                        if (Arrays.compareUnsigned(b, o[i], o[i + 1], b, o[maxI], o[maxI + 1]) > 0) {
                            maxI = i;
                        }
                    }
                }
                if (any) {
                    byte[] min = Arrays.copyOfRange(b, o[minI], o[minI + 1]);
                    byte[] max = Arrays.copyOfRange(b, o[maxI], o[maxI + 1]);
                    if (min.length > MAX_STATS_BYTES) {
                        min = truncateMin(min);
                        r[3] = MARK;
                    }
                    if (max.length > MAX_STATS_BYTES) {
                        max = truncateMax(max);
                        r[4] = MARK;
                    }
                    if (col.type.kind() == DataType.Kind.DECIMAL128) {
                        // ordered as stored (numeric order); written as two's complement
                        min[0] ^= (byte) 0x80;
                        max[0] ^= (byte) 0x80;
                    }
                    r[0] = min;
                    r[1] = max;
                }
            }
        }
        return any ? r : null;
    }

    private static byte[] le(long v, int width) {
        byte[] out = new byte[width];
        for (int i = 0; i < width; i++) {
            out[i] = (byte) (v >>> (8 * i));
        }
        return out;
    }

    /**
     * A prefix of at most 64 bytes, not above the value: for UTF-8 text it ends on a character
     * boundary (so it stays text); for other bytes (binary) it is simply the first 64.
     */
    static byte[] truncateMin(byte[] v) {
        if (!isUtf8(v)) {
            return Arrays.copyOf(v, MAX_STATS_BYTES);
        }
        int cut = MAX_STATS_BYTES;
        while (cut > 0 && (v[cut] & 0xC0) == 0x80) {
            cut--;
        }
        return Arrays.copyOf(v, cut);
    }

    /**
     * A short value above {@code v} in unsigned byte order, or null if there is none. For UTF-8 text:
     * its 64-byte prefix (at a character boundary) with the last code point that can be incremented
     * incremented and what follows dropped, so the bound is text too. For other bytes (binary, or text
     * that is not valid UTF-8), as parquet-java's {@code BinaryTruncator}: the 64-byte prefix with
     * trailing 0xFF bytes dropped and the last remaining byte incremented.
     */
    static byte[] truncateMax(byte[] v) {
        if (!isUtf8(v)) {
            for (int k = MAX_STATS_BYTES - 1; k >= 0; k--) {
                if (v[k] != (byte) 0xFF) {
                    byte[] out = Arrays.copyOf(v, k + 1);
                    out[k]++;
                    return out;
                }
            }
            return null;
        }
        String prefix = new String(truncateMin(v), StandardCharsets.UTF_8);
        int[] cps = prefix.codePoints().toArray();
        for (int k = cps.length - 1; k >= 0; k--) {
            int cp = cps[k] + 1;
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                cp = Character.MAX_SURROGATE + 1;
            }
            if (cp <= Character.MAX_CODE_POINT) {
                int[] head = Arrays.copyOf(cps, k + 1);
                head[k] = cp;
                return new String(head, 0, head.length).getBytes(StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** True if {@code v} is valid UTF-8. */
    private static boolean isUtf8(byte[] v) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(v));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }
}
