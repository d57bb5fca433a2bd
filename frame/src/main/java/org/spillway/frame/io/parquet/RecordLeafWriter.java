package org.spillway.frame.io.parquet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.PageEncodingStats;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Statistics;
import org.apache.parquet.format.Type;
import org.apache.parquet.format.Util;
import org.spillway.frame.io.ParquetWriteOptions.Codec;

/**
 * One leaf column of a {@link ParquetRecordWriter}: collects the shredded repetition and definition
 * levels and the PLAIN-encoded values of the non-null ones, cuts data pages (v1: levels RLE/bit-packed
 * hybrid with a 4-byte length prefix, then the values; compressed; CRC32 and the null count in the
 * header) at row boundaries, and holds the row group's column chunk until it is written.
 */
final class RecordLeafWriter {
    /** A page is cut after the row that brings its encoded values and levels past this many bytes. */
    static final int PAGE_BYTES = 1 << 20;
    /** ... or after this many rows (parquet-java's default page row count limit). */
    static final int PAGE_ROWS = 20_000;

    final List<String> path;
    final ParquetRecordSchema.Kind kind;
    final int maxDef;
    final int maxRep;
    private final Codec codec;
    private final int level;

    private int[] reps = new int[1024];
    private int[] defs = new int[1024];
    private int levels;
    private final ParquetWriteBuffer values = new ParquetWriteBuffer(1 << 12);
    private int boolBits; // bits used in the last byte of values (BOOL)
    private int pageNulls;
    private int pageRows;
    private int markLevels;
    private int markLen;
    private int markBits;
    private int markNulls;

    private final ParquetWriteBuffer chunk = new ParquetWriteBuffer(1 << 12);
    private final ParquetWriteBuffer scratch = new ParquetWriteBuffer(1 << 12);
    private long chunkValues;
    private long chunkNulls;
    private long chunkUncompressed;
    private int chunkPages;

    RecordLeafWriter(List<String> path, ParquetRecordSchema.Kind kind, int maxDef, int maxRep, Codec codec, int level) {
        this.path = List.copyOf(path);
        this.kind = kind;
        this.maxDef = maxDef;
        this.maxRep = maxRep;
        this.codec = codec;
        this.level = level;
    }

    /** The Parquet physical type of a primitive kind. */
    static Type physicalType(ParquetRecordSchema.Kind kind) {
        return switch (kind) {
            case STRING, BINARY -> Type.BYTE_ARRAY;
            case INT32 -> Type.INT32;
            case INT64 -> Type.INT64;
            case BOOL -> Type.BOOLEAN;
            case FLOAT64 -> Type.DOUBLE;
            default -> throw new IllegalArgumentException("not a primitive: " + kind);
        };
    }

    private void level(int r, int d) {
        if (levels == defs.length) {
            defs = Arrays.copyOf(defs, levels * 2);
            reps = Arrays.copyOf(reps, levels * 2);
        }
        reps[levels] = r;
        defs[levels] = d;
        levels++;
    }

    /** A null (or an absent value under a null or empty ancestor) at repetition level r, definition level d < maxDef. */
    void addNull(int r, int d) {
        level(r, d);
        pageNulls++;
    }

    /** A present value at repetition level r (its definition level is maxDef). */
    void add(int r, Object v) {
        switch (kind) {
            case STRING -> {
                if (!(v instanceof String s)) {
                    throw wrongType(v, "a String");
                }
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                values.putInt(b.length);
                values.write(b, 0, b.length);
            }
            case BINARY -> {
                if (!(v instanceof byte[] b)) {
                    throw wrongType(v, "a byte[]");
                }
                values.putInt(b.length);
                values.write(b, 0, b.length);
            }
            case INT32 -> {
                long x = integral(v);
                if (x != (int) x) {
                    throw new IllegalArgumentException("Field '" + String.join(".", path) + "' is int32 but got " + v + " (out of range)");
                }
                values.putInt((int) x);
            }
            case INT64 -> values.putLong(integral(v));
            case FLOAT64 -> {
                if (!(v instanceof Number n)) {
                    throw wrongType(v, "a Double");
                }
                values.putLong(Double.doubleToRawLongBits(n.doubleValue()));
            }
            case BOOL -> {
                if (!(v instanceof Boolean b)) {
                    throw wrongType(v, "a Boolean");
                }
                if (boolBits == 0) {
                    values.write(0);
                }
                if (b) {
                    values.buf[values.len - 1] |= (byte) (1 << boolBits);
                }
                boolBits = (boolBits + 1) & 7;
            }
            default -> throw new IllegalStateException(kind.name());
        }
        level(r, maxDef);
    }

    private long integral(Object v) {
        return switch (v) {
            case Long l -> l;
            case Integer i -> i;
            case Short s -> s;
            case Byte b -> b;
            default -> throw wrongType(v, kind == ParquetRecordSchema.Kind.INT32 ? "an Integer" : "a Long");
        };
    }

    private IllegalArgumentException wrongType(Object v, String wanted) {
        return new IllegalArgumentException("Field '" + String.join(".", path) + "' is " + kind.name().toLowerCase(java.util.Locale.ROOT)
                + " and needs " + wanted + ", not a " + v.getClass().getName() + " (" + v + ")");
    }

    /** Remembers the state before a row, for {@link #reset()}. */
    void mark() {
        markLevels = levels;
        markLen = values.len;
        markBits = boolBits;
        markNulls = pageNulls;
    }

    /** Forgets what was added since {@link #mark()} (a row that failed halfway). */
    void reset() {
        levels = markLevels;
        values.len = markLen;
        boolBits = markBits;
        pageNulls = markNulls;
        if (markBits != 0) {
            values.buf[markLen - 1] &= (byte) ((1 << markBits) - 1);
        }
    }

    /** Ends a row: cuts the page when it is big enough. */
    void endRow() {
        pageRows++;
        if (pageRows >= PAGE_ROWS || values.len + levels > PAGE_BYTES) {
            flushPage();
        }
    }

    /** Bytes buffered for the row group so far (the chunk's pages plus the open page, roughly). */
    long bufferedBytes() {
        return chunk.len + values.len + 2L * levels;
    }

    private void flushPage() {
        if (levels == 0) {
            return;
        }
        scratch.clear();
        if (maxRep > 0) {
            levelsRun(reps, maxRep);
        }
        if (maxDef > 0) {
            levelsRun(defs, maxDef);
        }
        scratch.write(values.buf, 0, values.len);
        int uncompressed = scratch.len;
        byte[] body = ParquetCompressors.compress(codec, level, scratch.buf, scratch.len);
        int compressed = codec == Codec.UNCOMPRESSED ? uncompressed : body.length;
        PageHeader h = new PageHeader(PageType.DATA_PAGE, uncompressed, compressed);
        CRC32 crc = new CRC32();
        crc.update(body, 0, compressed);
        h.setCrc((int) crc.getValue());
        DataPageHeader dp = new DataPageHeader(levels, Encoding.PLAIN, Encoding.RLE, Encoding.RLE);
        Statistics st = new Statistics();
        st.setNull_count(pageNulls);
        dp.setStatistics(st);
        h.setData_page_header(dp);
        int before = chunk.len;
        try {
            Util.writePageHeader(h, chunk);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot encode a page header", e); // in-memory: does not happen
        }
        chunkUncompressed += chunk.len - before + uncompressed;
        chunk.write(body, 0, compressed);
        chunkValues += levels;
        chunkNulls += pageNulls;
        chunkPages++;
        levels = 0;
        values.clear();
        boolBits = 0;
        pageNulls = 0;
        pageRows = 0;
    }

    private void levelsRun(int[] lv, int max) {
        int at = scratch.len;
        scratch.putInt(0);
        RleEncoder.encode(lv, levels, RleEncoder.bitWidth(max), scratch);
        scratch.putIntAt(at, scratch.len - at - 4);
    }

    /** The finished column chunk of a row group. */
    record Chunk(byte[] bytes, int length, ColumnMetaData meta) {
    }

    /**
     * Finishes the row group's column chunk (its metadata's offsets relative to the chunk's start, to
     * be moved by {@code fileOffset}) and resets for the next row group. The bytes are the internal
     * buffer: write them before adding more rows.
     */
    Chunk finishChunk(long fileOffset) {
        flushPage();
        ColumnMetaData m = new ColumnMetaData(physicalType(kind), List.of(Encoding.PLAIN, Encoding.RLE), new ArrayList<>(path),
                ParquetCompressors.thrift(codec), chunkValues, chunkUncompressed, chunk.len, fileOffset);
        Statistics st = new Statistics();
        st.setNull_count(chunkNulls);
        m.setStatistics(st);
        m.setEncoding_stats(List.of(new PageEncodingStats(PageType.DATA_PAGE, Encoding.PLAIN, chunkPages)));
        Chunk c = new Chunk(chunk.buf, chunk.len, m);
        chunk.clear();
        chunkValues = 0;
        chunkNulls = 0;
        chunkUncompressed = 0;
        chunkPages = 0;
        return c;
    }
}
