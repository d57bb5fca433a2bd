package org.spillway.frame.io.parquet;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.HashSet;
import java.util.Set;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.PageEncodingStats;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Type;
import org.apache.parquet.format.Util;

/**
 * The dictionary of a fully dictionary-encoded column chunk, as the set of its entries' bloom filter
 * hashes (xxHash64 of each entry's PLAIN bytes, as {@link ParquetBloomFilters#hashes} hashes a
 * literal): a literal none of whose hashes is in the set is in no row of the chunk. A 64-bit collision
 * can only make an absent value look present, never the reverse.
 */
final class ParquetDictionaries {
    /** Dictionary pages larger than this (compressed or not) are not read for pruning. */
    static final int MAX_BYTES = 4 << 20;
    private static final int HEADER_READ = 4096;

    private ParquetDictionaries() {
    }

    /** The dictionary's hashes, and how many bytes reading it took. */
    record Read(Set<Long> hashes, long bytes) {
    }

    /**
     * True if the footer's encoding_stats say every data page of the chunk is dictionary encoded (so
     * every non-null value is a dictionary entry). Without encoding_stats: false.
     */
    static boolean fullyDictionaryEncoded(ColumnMetaData md) {
        if (!md.isSetEncoding_stats() || md.getEncoding_statsSize() == 0) {
            return false;
        }
        boolean dictionaryPage = false;
        for (PageEncodingStats s : md.getEncoding_stats()) {
            if (s.getPage_type() == PageType.DICTIONARY_PAGE) {
                dictionaryPage |= s.getCount() > 0;
            } else if ((s.getPage_type() == PageType.DATA_PAGE || s.getPage_type() == PageType.DATA_PAGE_V2) && s.getCount() > 0
                    && s.getEncoding() != Encoding.PLAIN_DICTIONARY && s.getEncoding() != Encoding.RLE_DICTIONARY) {
                return false;
            }
        }
        return dictionaryPage;
    }

    /**
     * The dictionary of a column chunk of physical type {@code physical} ({@code typeLength} bytes per
     * FIXED_LEN_BYTE_ARRAY value), or null when it is not fully dictionary encoded or its dictionary
     * page cannot be read (no dictionary page first, an unknown codec or encoding, too big, corrupt).
     */
    static Read read(FileChannel ch, long fileSize, ColumnMetaData md, Type physical, int typeLength) throws IOException {
        if (!fullyDictionaryEncoded(md) || physical == Type.BOOLEAN || physical == Type.INT96 || !PageCodecs.supported(md.getCodec())) {
            return null;
        }
        long start = md.getData_page_offset();
        if (md.isSetDictionary_page_offset() && md.getDictionary_page_offset() > 0 && md.getDictionary_page_offset() < start) {
            start = md.getDictionary_page_offset();
        }
        long chunkEnd = start + md.getTotal_compressed_size();
        if (start < 4 || chunkEnd > fileSize || md.getTotal_compressed_size() <= 0) {
            return null;
        }
        byte[] head = readAt(ch, start, (int) Math.min(HEADER_READ, chunkEnd - start));
        ByteArrayInputStream in = new ByteArrayInputStream(head);
        PageHeader h;
        try {
            h = Util.readPageHeader(in);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        int headerLen = head.length - in.available();
        if (h.getType() != PageType.DICTIONARY_PAGE || !h.isSetDictionary_page_header()) {
            return null;
        }
        Encoding enc = h.getDictionary_page_header().getEncoding();
        int n = h.getDictionary_page_header().getNum_values();
        int compressed = h.getCompressed_page_size();
        int size = h.getUncompressed_page_size();
        if ((enc != Encoding.PLAIN && enc != Encoding.PLAIN_DICTIONARY) || n < 0 || compressed < 0 || size < 0
                || compressed > MAX_BYTES || size > MAX_BYTES || start + headerLen + compressed > chunkEnd) {
            return null;
        }
        byte[] body = headerLen + compressed <= head.length ? java.util.Arrays.copyOfRange(head, headerLen, headerLen + compressed)
                : readAt(ch, start + headerLen, compressed);
        long bytes = head.length + (headerLen + compressed <= head.length ? 0 : compressed);
        byte[] plain;
        if (md.getCodec() == CompressionCodec.UNCOMPRESSED) {
            if (compressed != size) {
                return null;
            }
            plain = body;
        } else {
            plain = new byte[size];
            PageCodecs.decompress(md.getCodec(), body, 0, compressed, plain, size);
        }
        Set<Long> hashes = entries(plain, n, physical, typeLength);
        return hashes == null ? null : new Read(hashes, bytes);
    }

    private static Set<Long> entries(byte[] b, int n, Type physical, int typeLength) {
        Set<Long> out = new HashSet<>(Math.max(16, n * 2));
        int width = switch (physical) {
            case INT32, FLOAT -> 4;
            case INT64, DOUBLE -> 8;
            case FIXED_LEN_BYTE_ARRAY -> typeLength;
            default -> -1; // BYTE_ARRAY: a length before each value
        };
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        for (int i = 0; i < n; i++) {
            int len = width;
            if (width < 0) {
                if (at + 4 > b.length) {
                    return null;
                }
                len = bb.getInt(at);
                at += 4;
            }
            if (len < 0 || at + len > b.length) {
                return null;
            }
            out.add(XxHash64.hash(b, at, len));
            at += len;
        }
        return out;
    }

    private static byte[] readAt(FileChannel ch, long pos, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(len);
        ParquetFile.readFully(ch, bb, pos);
        return bb.array();
    }

    /** True if none of {@code literalHashes} is an entry of the dictionary. */
    static boolean absent(Read dict, long[] literalHashes) {
        for (long x : literalHashes) {
            if (dict.hashes().contains(x)) {
                return false;
            }
        }
        return true;
    }
}
